//! The cache folder's entries: the folder created private, a cache's entry
//! looked at without following a link, and the temporary files of
//! unfinished builds swept.
use std::fs::File;
use std::io;
use std::os::unix::fs::{DirBuilderExt, FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Create the cache `folder` and any missing parent: new folders are
/// private (mode 0700, as the XDG spec asks of its base folder), since a
/// cache is a copy of the data. Folders that exist are left as they are.
pub fn create_folder(folder: &Path) -> io::Result<()> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(folder)
}

/// What the folder entry at a cache's path is, looked at without following
/// a symbolic link: a cache never reads or replaces the file a link names.
#[derive(Debug)]
pub enum CacheEntry {
    /// Nothing there: the cache is built.
    Missing,
    /// A regular file, opened for reading.
    File(File),
    /// A folder: it cannot be replaced safely.
    Directory,
    /// Anything else (a symbolic link, FIFO, socket or device), named: it
    /// is no cache, and the entry itself can be removed.
    Special(&'static str),
}

impl CacheEntry {
    /// Whether a cache built for this entry is kept at its path: not where
    /// a folder stands, which cannot be replaced safely.
    pub fn keeps(&self) -> bool {
        !matches!(self, CacheEntry::Directory)
    }
}

/// Look at the entry at `path` (see [`CacheEntry`]). A regular file is
/// opened with `O_NOFOLLOW` and `O_NONBLOCK`, so that an entry swapped for
/// a link or a FIFO after the look is neither followed nor waited on.
pub fn open_cache_entry(path: &Path) -> io::Result<CacheEntry> {
    let kind = |t: std::fs::FileType| {
        if t.is_symlink() {
            "a symbolic link"
        } else if t.is_fifo() {
            "a FIFO"
        } else if t.is_socket() {
            "a socket"
        } else if t.is_block_device() || t.is_char_device() {
            "a device"
        } else {
            "not a regular file"
        }
    };
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(CacheEntry::Missing),
        Err(e) => return Err(e),
    };
    if meta.is_dir() {
        return Ok(CacheEntry::Directory);
    }
    if !meta.is_file() {
        return Ok(CacheEntry::Special(kind(meta.file_type())));
    }
    let file = match std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
    {
        Ok(f) => f,
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
            return Ok(CacheEntry::Special("a symbolic link"))
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(CacheEntry::Missing),
        Err(e) => return Err(e),
    };
    let meta = file.metadata()?;
    Ok(if meta.is_file() {
        CacheEntry::File(file)
    } else if meta.is_dir() {
        CacheEntry::Directory
    } else {
        CacheEntry::Special(kind(meta.file_type()))
    })
}

/// A temporary file left in the cache folder by a run that no longer
/// exists is removed after this long without a write: a run building a
/// cache writes to it block by block, but reads the data and the written
/// rows back for its checks without writing.
pub const STALE_AFTER_EXIT: Duration = Duration::from_secs(10 * 60);

/// Any temporary file this long without a write is removed, whatever its
/// process id says (ids are reused, and another PID namespace sharing the
/// folder has its own).
pub const STALE_ANYWAY: Duration = Duration::from_secs(24 * 60 * 60);

/// Remove the temporary files of unfinished cache builds from `folder`:
/// the files `.logreg-<pid>-<n>.tmp` (the temporary names of the binary's
/// atomic writes) not written for [`STALE_AFTER_EXIT`] whose process `pid`
/// is gone, and any not written for [`STALE_ANYWAY`]. A run killed while
/// it built a cache (a signal that cannot be caught, a crash) leaves one;
/// a run still building its cache writes to it, and its process exists.
/// Returns the files removed; files that cannot be read or removed are
/// left alone.
pub fn sweep_stale_temp_files(folder: &Path, now: SystemTime) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(temp_file_pid) else {
            continue;
        };
        let Ok(meta) = entry.metadata() else {
            continue;
        };
        let idle = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .unwrap_or(Duration::ZERO);
        let stale = meta.is_file()
            && (idle >= STALE_ANYWAY || (idle >= STALE_AFTER_EXIT && process_gone(pid)));
        if stale && std::fs::remove_file(entry.path()).is_ok() {
            removed.push(entry.path());
        }
    }
    removed
}

/// The process id in a temporary name `.logreg-<pid>-<n>.tmp`.
fn temp_file_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix(".logreg-")?.strip_suffix(".tmp")?;
    let (pid, n) = rest.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(pid) && digits(n)).then(|| pid.parse().ok())?
}

/// Whether no process `pid` exists, as `/proc` says; without a `/proc`,
/// every process is taken to exist.
fn process_gone(pid: u32) -> bool {
    let proc = Path::new("/proc");
    proc.join("self").exists() && !proc.join(pid.to_string()).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_temporary_names_with_a_process_id_are_swept() {
        assert_eq!(temp_file_pid(".logreg-123-0.tmp"), Some(123));
        assert_eq!(temp_file_pid(".logreg-123-45.tmp"), Some(123));
        for other in [
            "0123abcd.design",
            ".logreg--0.tmp",
            ".logreg-12-.tmp",
            ".logreg-1x-0.tmp",
            "logreg-1-0.tmp",
            ".logreg-1-0.tmp~",
        ] {
            assert_eq!(temp_file_pid(other), None, "{other}");
        }
    }

    #[test]
    fn a_sweep_keeps_live_and_recent_files() {
        let dir = std::env::temp_dir().join(format!("logreg-cache-sweep-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let me = std::process::id();
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let gone = child.id();
        child.wait().unwrap();
        let names = [
            format!(".logreg-{me}-0.tmp"),
            format!(".logreg-{gone}-0.tmp"),
            "kept.design".to_string(),
        ];
        for n in &names {
            std::fs::write(dir.join(n), b"x").unwrap();
        }
        let now = SystemTime::now();
        // Just written: nothing is stale.
        assert!(sweep_stale_temp_files(&dir, now).is_empty());
        // Idle long enough: the dead process's file only.
        let later = now + STALE_AFTER_EXIT + Duration::from_secs(5);
        assert_eq!(
            sweep_stale_temp_files(&dir, later),
            vec![dir.join(&names[1])]
        );
        // Idle for a day: a live id too, never a cache.
        let much_later = now + STALE_ANYWAY + Duration::from_secs(5);
        assert_eq!(
            sweep_stale_temp_files(&dir, much_later),
            vec![dir.join(&names[0])]
        );
        assert!(dir.join("kept.design").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
