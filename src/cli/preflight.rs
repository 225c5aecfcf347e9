//! Output paths checked before any work: each can be written, none is a
//! folder, none is the same file as an input, and no two are the same file.
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use super::output::{folder_of, probe_folder, resolve_links};
use super::UsageError;

/// The inputs and outputs of one command line, checked together.
#[derive(Default)]
pub struct Preflight<'a> {
    inputs: Vec<(&'static str, &'a Path)>,
    outputs: Vec<Target>,
    /// What writes to stdout (`--json`, `--out -`): at most one may.
    stdout: Vec<String>,
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

    /// Files the command reads, all under one name (`summarize`'s FILEs).
    pub fn inputs(&mut self, flag: &'static str, paths: &'a [PathBuf]) -> &mut Self {
        self.inputs
            .extend(paths.iter().map(|p| (flag, p.as_path())));
        self
    }

    /// A file the command writes; `-` is stdout, which only one thing may
    /// take.
    pub fn file(&mut self, flag: &'static str, path: Option<&Path>) -> &mut Self {
        match path {
            Some(p) if p.as_os_str() == "-" => self.stdout.push(format!("{flag} -")),
            Some(p) => self.outputs.push(Target {
                flag,
                path: p.to_path_buf(),
                plots_dir: None,
            }),
            None => {}
        }
        self
    }

    /// `--json`, when given: the result on stdout.
    pub fn json(&mut self, on: bool) -> &mut Self {
        if on {
            self.stdout.push("--json".into());
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
        if let [a, b, ..] = &self.stdout[..] {
            let file = a.trim_end_matches(" -");
            return Err(usage(format!(
                "{a} and {b} both write to stdout; give {file} a file"
            )));
        }
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

/// Who a path is, if that can be told (a missing folder cannot). An input
/// `-` is stdin, which may be redirected from a file.
fn identity(path: &Path) -> Option<Identity> {
    if path.as_os_str() == "-" {
        // SAFETY: fstat writes only into the zeroed struct it is given.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        let ok = unsafe { libc::fstat(libc::STDIN_FILENO, &mut st) } == 0;
        return ok.then_some(Identity::Inode(st.st_dev, st.st_ino));
    }
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
        Err(e) if e.raw_os_error() == Some(libc::ENAMETOOLONG) => {
            // A name longer than the file system's NAME_MAX, or a whole
            // path longer than PATH_MAX.
            let name = real.file_name().map_or(0, |n| n.len());
            let path = real.as_os_str().len();
            return Err(match path >= libc::PATH_MAX as usize {
                true => format!("the path is {path} bytes, more than the system takes"),
                false => format!("the name is {name} bytes, more than its file system takes"),
            });
        }
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
    // The folders to make must have names the file system takes.
    // SAFETY: pathconf only reads the C string it is given.
    let name_max = std::ffi::CString::new(at.as_os_str().as_bytes())
        .ok()
        .map(|c| unsafe { libc::pathconf(c.as_ptr(), libc::_PC_NAME_MAX) })
        .filter(|&n| n > 0)
        .map_or(255, |n| n as usize);
    let new = dir.strip_prefix(&at).unwrap_or(dir);
    if let Some(long) = new.iter().find(|c| c.len() > name_max) {
        return Err(format!(
            "the name {} is {} bytes, more than its file system takes",
            Path::new(long).display(),
            long.len()
        ));
    }
    probe_folder(&at).map_err(|e| format!("cannot create it in {}: {e}", at.display()))
}

/// Nothing there: not found, or a path through a file (`file.csv/x`).
fn missing(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::NotFound || e.raw_os_error() == Some(libc::ENOTDIR)
}
