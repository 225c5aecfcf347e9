//! Where a data file's design cache lives: one file per (file, version of
//! it, column choice) in the cache folder, `$XDG_CACHE_HOME/logreg/designs`
//! or `~/.cache/logreg/designs`. The name is a hash of the file's canonical
//! path, size and modification time and of the column choice, so a changed
//! file (or another choice of columns) usually gets a new cache; the cache
//! also records a hash of the bytes it was built from ([`hash_file`]),
//! compared before it is used, so a file changed without a new size or
//! time (a restored modification time) never reads a stale one.
use std::fs::File;
use std::io::{self, Read};
use std::os::unix::fs::{DirBuilderExt, FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use xxhash_rust::xxh3::Xxh3;

/// The cache folder: `$XDG_CACHE_HOME/logreg/designs`, or
/// `$HOME/.cache/logreg/designs`. A relative value of either is ignored, as
/// the XDG spec asks (a cache must not land under whatever the current
/// folder is).
pub fn cache_folder() -> io::Result<PathBuf> {
    let absolute = |name: &str| {
        std::env::var_os(name)
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
    };
    let base = match absolute("XDG_CACHE_HOME") {
        Some(x) => x,
        None => match absolute("HOME") {
            Some(h) => h.join(".cache"),
            None => {
                return Err(io::Error::new(
                    io::ErrorKind::NotFound,
                    "neither XDG_CACHE_HOME nor HOME is set to an absolute path",
                ))
            }
        },
    };
    Ok(base.join("logreg").join("designs"))
}

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

/// The cache file for `data` read with the column `choice` (any text that
/// names the target, features and parsing options), in `folder`.
pub fn design_cache_path(folder: &Path, data: &Path, choice: &str) -> io::Result<PathBuf> {
    let canonical = std::fs::canonicalize(data)?;
    let meta = std::fs::metadata(&canonical)?;
    let mtime = meta
        .modified()?
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let key = format!("{}\0{}\0{mtime}\0{choice}", canonical.display(), meta.len());
    Ok(folder.join(format!("{:016x}.design", fnv1a(key.as_bytes()))))
}

/// The identity of a data file's bytes: its length and their XXH3 hash
/// (128 bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContentHash {
    pub len: u64,
    pub xxh3: u128,
}

/// Hash every byte of the file at `path` (read in 1 MiB pieces): XXH3 runs at
/// many GB/s, so this costs about one read of the file, far less than
/// parsing it.
pub fn hash_file(path: &Path) -> io::Result<ContentHash> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Xxh3::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut len = 0u64;
    loop {
        match f.read(&mut buf) {
            Ok(0) => break,
            Ok(got) => {
                h.update(&buf[..got]);
                len += got as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(ContentHash {
        len,
        xxh3: h.digest128(),
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

/// FNV-1a, 64 bits: a hash that is the same in every build (std's is not
/// promised to be).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_follows_the_file_and_the_choice() {
        let dir = std::env::temp_dir().join(format!("logreg-cache-key-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("d.csv");
        std::fs::write(&f, "y,x\n0,1\n").unwrap();
        let a = design_cache_path(&dir, &f, "y").unwrap();
        assert_eq!(a, design_cache_path(&dir, &f, "y").unwrap());
        assert_ne!(a, design_cache_path(&dir, &f, "x").unwrap());
        std::fs::write(&f, "y,x\n0,1\n1,2\n").unwrap();
        assert_ne!(a, design_cache_path(&dir, &f, "y").unwrap(), "size changed");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn hash_file_follows_every_byte() {
        let dir = std::env::temp_dir().join(format!("logreg-cache-hash-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("d.csv");
        let text: String = (0..300_000).map(|i| format!("{i},{}\n", i % 2)).collect();
        std::fs::write(&f, &text).unwrap();
        let a = hash_file(&f).unwrap();
        assert_eq!(a.len, text.len() as u64);
        assert_eq!(a.xxh3, xxhash_rust::xxh3::xxh3_128(text.as_bytes()));
        // One label swapped near the end: same size, other hash.
        let swapped = text.replacen("299998,0", "299998,1", 1);
        std::fs::write(&f, &swapped).unwrap();
        let b = hash_file(&f).unwrap();
        assert_eq!(b.len, a.len);
        assert_ne!(b.xxh3, a.xxh3);
        std::fs::remove_dir_all(&dir).unwrap();
    }

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

    #[test]
    fn fnv1a_is_the_published_function() {
        // FNV-1a test vectors (Fowler, Noll, Vo: "" and "a").
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
