//! Who writes a study's run-lines file (`--runs-out`): one process at a
//! time, held by an advisory lock on the file, and a missing file made
//! empty and locked (a [`Claim`]) so that a second writer is refused until
//! the lines take its place.
use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// A lock that this process may not get: another process holds it. Two
/// writers of one file at once would both run every missing run (when
/// resuming), or one would replace the other's lines.
#[derive(Debug, thiserror::Error)]
#[error("{}: another process is writing it (it is locked)", path.display())]
pub struct Busy {
    pub path: PathBuf,
}

impl Busy {
    /// Another writer is the user's to stop: bad input.
    pub fn kind(&self) -> crate::ErrorKind {
        crate::ErrorKind::BadInput
    }
}

/// How a file's lock was taken.
#[derive(Debug)]
#[must_use]
pub enum Locked {
    /// Held by this process until the file is closed.
    Held,
    /// The file system has no locks: the write goes on unguarded, and a
    /// second writer would not be refused.
    Unguarded(io::Error),
}

/// Take `file`'s advisory lock (the file at `path`) for this process, or
/// refuse when another process holds it.
pub fn lock(file: &File, path: &Path) -> Result<Locked, Busy> {
    match file.try_lock() {
        Ok(()) => Ok(Locked::Held),
        Err(std::fs::TryLockError::WouldBlock) => Err(Busy {
            path: path.to_path_buf(),
        }),
        Err(std::fs::TryLockError::Error(e)) => Ok(Locked::Unguarded(e)),
    }
}

/// The lock of `path` when it is an existing regular file (the one a
/// resumed study appends to), held by the returned handle. Anything else
/// is not opened: opening a FIFO for reading would wait for a writer.
pub fn lock_existing(path: &Path) -> Result<Option<(File, Locked)>, Busy> {
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return Ok(None);
    }
    // Non-blocking in case a FIFO took the file's place since.
    let opened = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path);
    match opened {
        Ok(f) if f.metadata().is_ok_and(|m| m.is_file()) => {
            let locked = lock(&f, path)?;
            Ok(Some((f, locked)))
        }
        _ => Ok(None),
    }
}

/// A run-lines file that did not exist, made empty and locked by this
/// process until the lines replace it. Dropped before that, it is removed,
/// if it is still the empty file made here.
#[derive(Debug)]
pub struct Claim {
    path: PathBuf,
    file: File,
}

/// What [`Claim::make`] found at a path.
#[derive(Debug)]
pub enum Claimed {
    /// Nothing was there: this process made the file and took its lock.
    Made(Claim, Locked),
    /// Another process made the file just now: its lock was tried, and
    /// let go.
    Raced(Option<Locked>),
    /// Something is there (locked by [`lock_existing`] if a regular file),
    /// or the file cannot be made (the checks of the output path say why).
    Not,
}

impl Claim {
    /// Claim `path` if nothing is there. A claim that cannot be locked
    /// ([`Busy`]) is removed again.
    pub fn make(path: &Path) -> Result<Claimed, Busy> {
        if std::fs::symlink_metadata(path).is_ok() {
            return Ok(Claimed::Not);
        }
        match OpenOptions::new().write(true).create_new(true).open(path) {
            Ok(file) => {
                let claim = Claim {
                    path: path.to_path_buf(),
                    file,
                };
                let locked = lock(&claim.file, path)?;
                Ok(Claimed::Made(claim, locked))
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                Ok(Claimed::Raced(lock_existing(path)?.map(|(_, l)| l)))
            }
            Err(_) => Ok(Claimed::Not),
        }
    }

    /// The claimed path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether `path` is still the empty file made here.
    fn is_ours(&self) -> bool {
        match (std::fs::symlink_metadata(&self.path), self.file.metadata()) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino() && a.len() == 0,
            _ => false,
        }
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        if self.is_ours() {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("logreg-claim-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// A missing file is made and locked: a second claim or lock of it is
    /// refused while the first holds it; dropped, the empty file is gone.
    #[test]
    fn a_claim_makes_the_file_and_refuses_a_second_writer() {
        let dir = temp("made");
        let path = dir.join("runs.jsonl");
        let Claimed::Made(claim, Locked::Held) = Claim::make(&path).unwrap() else {
            panic!("not made");
        };
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 0);
        assert!(matches!(Claim::make(&path), Ok(Claimed::Not)));
        let other = File::open(&path).unwrap();
        assert!(matches!(lock(&other, &path), Err(Busy { .. })));
        assert!(matches!(lock_existing(&path), Err(Busy { .. })));
        drop(claim);
        assert!(!path.exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A claimed path that has since become another file (another empty
    /// file, or the lines put in place) is left when the claim is dropped.
    #[test]
    fn a_claim_removes_only_its_own_empty_file() {
        let dir = temp("ours");
        let path = dir.join("runs.jsonl");
        for text in ["", "a line\n"] {
            let Claimed::Made(claim, _) = Claim::make(&path).unwrap() else {
                panic!("not made");
            };
            std::fs::write(dir.join("new"), text).unwrap();
            std::fs::rename(dir.join("new"), &path).unwrap();
            drop(claim);
            assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
            if text.is_empty() {
                std::fs::remove_file(&path).unwrap();
            }
        }
        let Claimed::Not = Claim::make(&path).unwrap() else {
            panic!("an existing file claimed");
        };
        let (held, Locked::Held) = lock_existing(&path).unwrap().unwrap() else {
            panic!("not locked");
        };
        assert!(matches!(
            Claim::make(&dir.join("runs.jsonl")),
            Ok(Claimed::Not)
        ));
        drop(held);
        assert!(lock_existing(&dir.join("none")).unwrap().is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
