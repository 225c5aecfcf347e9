//! Output paths checked before any work: each can be written, none is a
//! folder, none is the same file as an input, and no two are the same file.
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use super::output::{folder_of, probe_folder, resolve_links};
use super::UsageError;

/// The inputs and outputs of one command line, checked together.
#[derive(Default)]
pub struct Preflight<'a> {
    inputs: Vec<(&'static str, &'a Path)>,
    outputs: Vec<Target>,
}

/// One output file, and the flag that asked for it.
struct Target {
    flag: &'static str,
    path: PathBuf,
    /// Set for a file inside a `--plots` folder: the folder as given.
    plots_dir: Option<PathBuf>,
}

/// What makes two paths the same file.
#[derive(PartialEq)]
enum Identity {
    /// An existing file: device and inode (so `./a`, hard links and
    /// symbolic links to `a` are all `a`).
    Inode(u64, u64),
    /// A file yet to be created: its folder's canonical path and its name.
    Path(PathBuf),
}

impl<'a> Preflight<'a> {
    /// A file the command reads.
    pub fn input(&mut self, flag: &'static str, path: Option<&'a Path>) -> &mut Self {
        self.inputs.extend(path.map(|p| (flag, p)));
        self
    }

    /// A file the command writes (`-`, stdout, is not a file).
    pub fn file(&mut self, flag: &'static str, path: Option<&Path>) -> &mut Self {
        if let Some(p) = path.filter(|p| p.as_os_str() != "-") {
            self.outputs.push(Target {
                flag,
                path: p.to_path_buf(),
                plots_dir: None,
            });
        }
        self
    }

    /// A folder (created if missing) that gets the files `names`.
    pub fn plots(&mut self, flag: &'static str, dir: Option<&Path>, names: &[&str]) -> &mut Self {
        if let Some(dir) = dir {
            for name in names {
                self.outputs.push(Target {
                    flag,
                    path: dir.join(name),
                    plots_dir: Some(dir.to_path_buf()),
                });
            }
        }
        self
    }

    /// Every check, before the work; a failure is a usage error (exit 2).
    pub fn check(&self) -> anyhow::Result<()> {
        let usage = |msg: String| anyhow::Error::new(UsageError(msg));
        let outputs: Vec<Option<Identity>> =
            self.outputs.iter().map(|t| identity(&t.path)).collect();
        for (t, id) in self.outputs.iter().zip(&outputs) {
            for (flag, input) in &self.inputs {
                if id.is_some() && *id == identity(input) {
                    return Err(usage(format!(
                        "{} {}: is the same file as {flag} {}; an output may not replace an input",
                        t.flag,
                        t.path.display(),
                        input.display()
                    )));
                }
            }
        }
        for (i, (a, ida)) in self.outputs.iter().zip(&outputs).enumerate() {
            for (b, idb) in self.outputs.iter().zip(&outputs).skip(i + 1) {
                if ida.is_some() && ida == idb {
                    return Err(usage(format!(
                        "{} {} and {} {} are the same file",
                        a.flag,
                        a.path.display(),
                        b.flag,
                        b.path.display()
                    )));
                }
            }
        }
        for t in &self.outputs {
            let (shown, checked) = match &t.plots_dir {
                Some(dir) if !dir.is_dir() => (dir, check_new_folder(dir)),
                _ => (&t.path, check_file(&t.path)),
            };
            checked.map_err(|why| usage(format!("{} {}: {why}", t.flag, shown.display())))?;
        }
        Ok(())
    }
}

/// Who a path is, if that can be told (a missing folder cannot).
fn identity(path: &Path) -> Option<Identity> {
    match std::fs::metadata(path) {
        Ok(m) => Some(Identity::Inode(m.dev(), m.ino())),
        Err(_) => {
            let real = resolve_links(path).ok()?;
            let dir = folder_of(&real);
            let dir = std::fs::canonicalize(&dir).or_else(|_| std::path::absolute(&dir));
            Some(Identity::Path(dir.ok()?.join(real.file_name()?)))
        }
    }
}

/// The file can be written: not a folder, and its folder exists and takes a
/// new file (tried for real: a temporary file is made and removed).
fn check_file(path: &Path) -> Result<(), String> {
    let real = resolve_links(path).map_err(|e| e.to_string())?;
    match std::fs::metadata(&real) {
        Ok(m) if m.is_dir() => return Err("is a folder, not a file".into()),
        // A device or FIFO is written in place; opening a FIFO would wait
        // for its reader, so it is not tried here.
        Ok(m) if !m.is_file() => return Ok(()),
        _ => {}
    }
    let folder = folder_of(&real);
    match std::fs::metadata(&folder) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => return Err(format!("{} is not a folder", folder.display())),
        Err(e) if missing(&e) => return Err(format!("folder {} does not exist", folder.display())),
        Err(e) => return Err(format!("{}: {e}", folder.display())),
    }
    probe_folder(&folder).map_err(|e| format!("cannot write in {}: {e}", folder.display()))
}

/// A missing folder can be made: its nearest existing ancestor is a folder
/// that takes a new entry (tried for real, as for a file).
fn check_new_folder(dir: &Path) -> Result<(), String> {
    let mut at = dir.to_path_buf();
    loop {
        match std::fs::metadata(&at) {
            Ok(m) if m.is_dir() => break,
            Ok(_) if at == dir => return Err("is not a folder".into()),
            Ok(_) => return Err(format!("{} is not a folder", at.display())),
            Err(e) if missing(&e) => at = folder_of(&at),
            Err(e) => return Err(format!("{}: {e}", at.display())),
        }
    }
    probe_folder(&at).map_err(|e| format!("cannot create it in {}: {e}", at.display()))
}

/// Nothing there: not found, or a path through a file (`file.csv/x`).
fn missing(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::NotFound || e.raw_os_error() == Some(libc::ENOTDIR)
}
