//! Where results go: stdout, or a file written whole or not at all.
use std::fs::{File, OpenOptions, Permissions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::Context;
use logreg::plot::Plot;

use super::interrupt;

/// How many symbolic links are followed before giving up (Linux's limit).
const MAX_LINKS: usize = 40;

/// A file being written that appears whole or not at all.
///
/// A regular file (new or existing) is written to a short temporary name in
/// the folder of the real file (symbolic links are followed: the link stays a
/// link) and renamed over it by [`AtomicFile::commit`], with the permissions
/// of the file it replaces. The temporary file is removed if the value is
/// dropped uncommitted, and on Ctrl-C. A device or FIFO is written in place:
/// it cannot be replaced, and renaming over it would replace the special
/// file itself (`/dev/null` as root).
pub struct AtomicFile {
    /// The path as given, for messages.
    path: PathBuf,
    file: File,
    /// The temporary file and the real file it replaces; `None` when writing
    /// in place, or once committed.
    temp: Option<(PathBuf, PathBuf)>,
}

impl AtomicFile {
    /// Open `path` for writing (nothing visible changes until `commit`,
    /// except for a device or FIFO, which is opened in place).
    pub fn create(path: &Path) -> anyhow::Result<Self> {
        let cannot = || format!("{}: cannot write", path.display());
        let dest = resolve_links(path).with_context(cannot)?;
        let mode: Option<Permissions> = match std::fs::metadata(&dest) {
            Ok(m) if m.is_dir() => anyhow::bail!("{}: is a directory", path.display()),
            Ok(m) if !m.is_file() => {
                let file = OpenOptions::new()
                    .write(true)
                    .open(&dest)
                    .with_context(cannot)?;
                return Ok(AtomicFile {
                    path: path.to_path_buf(),
                    file,
                    temp: None,
                });
            }
            Ok(m) => Some(m.permissions()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e).with_context(cannot),
        };
        let tmp = folder_of(&dest).join(temp_name());
        // Listed before it exists, so that Ctrl-C cannot miss it.
        interrupt::temp_files().push(tmp.clone());
        let opened = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&tmp)
            .and_then(|f| match &mode {
                Some(m) => f.set_permissions(m.clone()).map(|()| f),
                None => Ok(f),
            });
        match opened {
            Ok(file) => Ok(AtomicFile {
                path: path.to_path_buf(),
                file,
                temp: Some((tmp, dest)),
            }),
            Err(e) => {
                let mut list = interrupt::temp_files();
                let _ = std::fs::remove_file(&tmp);
                interrupt::forget(&mut list, &tmp);
                Err(e).with_context(cannot)
            }
        }
    }

    /// Open a private file (mode 0600) to be renamed onto the folder entry
    /// `path` itself by [`AtomicFile::commit`]: a symbolic link there is
    /// replaced, never followed, and the file it names is left alone. For
    /// files the program owns (the design cache), not the user's outputs.
    pub fn create_private(path: &Path) -> anyhow::Result<Self> {
        use std::os::unix::fs::OpenOptionsExt;
        let cannot = || format!("{}: cannot write", path.display());
        let tmp = folder_of(path).join(temp_name());
        interrupt::temp_files().push(tmp.clone());
        let opened = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp);
        match opened {
            Ok(file) => Ok(AtomicFile {
                path: path.to_path_buf(),
                file,
                temp: Some((tmp, path.to_path_buf())),
            }),
            Err(e) => {
                let mut list = interrupt::temp_files();
                interrupt::forget(&mut list, &tmp);
                Err(e).with_context(cannot)
            }
        }
    }

    /// The path as given to [`AtomicFile::create`].
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file written (the temporary file, open for reading too, until
    /// committed), for positioned writes and reads.
    pub fn file(&self) -> &File {
        &self.file
    }

    /// Cut what was written back to `len` bytes (no-op for a device or FIFO).
    pub fn truncate(&mut self, len: u64) -> std::io::Result<()> {
        match self.temp {
            Some(_) => self.file.set_len(len),
            None => Ok(()),
        }
    }

    /// Flush and sync, then put the file in place.
    pub fn commit(mut self) -> anyhow::Result<()> {
        let cannot = || format!("{}: cannot write", self.path.display());
        self.file.flush().with_context(cannot)?;
        let Some((tmp, dest)) = self.temp.take() else {
            return Ok(());
        };
        let synced = self.file.sync_all();
        let mut list = interrupt::temp_files();
        let done = synced.and_then(|()| std::fs::rename(&tmp, &dest));
        if done.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        interrupt::forget(&mut list, &tmp);
        drop(list);
        done.with_context(cannot)?;
        // The rename itself is durable once the folder is synced.
        if let Ok(dir) = File::open(folder_of(&dest)) {
            let _ = dir.sync_all();
        }
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.file.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

impl Drop for AtomicFile {
    /// Not committed: remove the temporary file.
    fn drop(&mut self) {
        if let Some((tmp, _)) = self.temp.take() {
            interrupt::remove_temp(&tmp);
        }
    }
}

/// A short temporary name, unique in this process, so that a target name of
/// up to 255 bytes can still be written: `.logreg-<pid>-<n>.tmp`.
fn temp_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!(".logreg-{}-{n}.tmp", std::process::id())
}

/// Whether `dir` takes a new file, tried for real: a temporary file is made
/// there and removed.
pub(super) fn probe_folder(dir: &Path) -> std::io::Result<()> {
    let tmp = dir.join(temp_name());
    let mut list = interrupt::temp_files();
    list.push(tmp.clone());
    let made = OpenOptions::new().write(true).create_new(true).open(&tmp);
    if made.is_ok() {
        let _ = std::fs::remove_file(&tmp);
    }
    interrupt::forget(&mut list, &tmp);
    made.map(drop)
}

/// The folder holding `path` (`.` for a bare file name).
pub(super) fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Follow symbolic links in the last component of `path` to the file they
/// name (which need not exist yet). A path that leads to a device or FIFO
/// is kept as given: it is written in place, and the links of `/dev/stdout`
/// or `/dev/fd/N` name a pipe (`pipe:[N]`) that is no path at all.
pub(super) fn resolve_links(path: &Path) -> std::io::Result<PathBuf> {
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        return Ok(path.to_path_buf());
    }
    let mut p = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = std::fs::read_link(&p)?;
                p = folder_of(&p).join(target);
            }
            _ => return Ok(p),
        }
    }
    Err(std::io::Error::other("too many levels of symbolic links"))
}

/// Write `bytes` to `path` whole or not at all (see [`AtomicFile`]).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut f = AtomicFile::create(path)?;
    f.write_all(bytes)
        .with_context(|| format!("{}: cannot write", path.display()))?;
    f.commit()
}

/// A destination for text output: `-` or nothing means stdout.
pub enum Output {
    Stdout,
    File(PathBuf),
}

impl Output {
    pub fn from_arg(p: Option<&PathBuf>) -> Self {
        match p {
            Some(p) if p.as_os_str() != "-" => Output::File(p.clone()),
            _ => Output::Stdout,
        }
    }

    /// Open for writing: for a file, nothing is visible until
    /// [`Sink::commit`].
    pub fn open(&self) -> anyhow::Result<Sink> {
        Ok(match self {
            Output::Stdout => Sink::Stdout,
            Output::File(p) => Sink::File(AtomicFile::create(p)?),
        })
    }

    /// Write everything at once; a closed stdout is reported as BrokenPipe.
    pub fn write(&self, text: &str) -> anyhow::Result<()> {
        self.open()?.write_whole(text)
    }
}

/// An open [`Output`]: stdout, or an [`AtomicFile`] to commit at the end.
pub enum Sink {
    Stdout,
    File(AtomicFile),
}

impl Sink {
    /// Where this goes, for messages.
    pub fn name(&self) -> String {
        match self {
            Sink::Stdout => "stdout".into(),
            Sink::File(f) => f.path().display().to_string(),
        }
    }

    /// Cut what was written back to `len` bytes (a file only).
    pub fn truncate(&mut self, len: u64) -> std::io::Result<()> {
        match self {
            Sink::Stdout => Ok(()),
            Sink::File(f) => f.truncate(len),
        }
    }

    /// Write `text`, then commit.
    pub fn write_whole(mut self, text: &str) -> anyhow::Result<()> {
        let name = self.name();
        self.write_all(text.as_bytes())
            .with_context(|| format!("{name}: cannot write"))?;
        self.commit()
    }

    /// Flush stdout, or put the file in place.
    pub fn commit(self) -> anyhow::Result<()> {
        match self {
            Sink::Stdout => Ok(std::io::stdout().lock().flush()?),
            Sink::File(f) => f.commit(),
        }
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Sink::Stdout => std::io::stdout().lock().write(buf),
            Sink::File(f) => f.write(buf),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::Stdout => std::io::stdout().lock().flush(),
            Sink::File(f) => f.flush(),
        }
    }
}

/// Print to stdout (a result), handling a closed pipe.
pub fn print(text: &str) -> anyhow::Result<()> {
    Output::Stdout.write(text)
}

/// Print the result, then write the files: a failure to write a file does
/// not lose the printed result, and a closed stdout (`| head`) does not stop
/// the files. The files' error wins when both fail.
pub fn print_then(text: &str, files: impl FnOnce() -> anyhow::Result<()>) -> anyhow::Result<()> {
    let printed = print(text);
    files()?;
    printed
}

/// Write each picture into `dir` (created if missing), atomically, and list
/// it on stderr. Shared by every command with `--plots`.
pub fn write_plots(dir: &Path, plots: &[Plot]) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("{}: cannot create", dir.display()))?;
    for p in plots {
        let path = dir.join(p.name);
        write_atomic(&path, p.svg.as_bytes())?;
        diag!("wrote {}", path.display());
    }
    Ok(())
}
