//! Why a design cache cannot be written or read.
use std::path::{Path, PathBuf};

use std::fmt;

use crate::data::DataError;
use crate::setting::{Worded, Wording};

/// A cache file that cannot be written or read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StreamedError {
    /// The operating system refused (disk full, permissions...).
    #[error("design cache {}: {why}", path.display())]
    Io { path: PathBuf, why: String },
    /// Not a cache file of this version, cut short, or damaged: `why`.
    #[error("design cache {}: {why}", path.display())]
    Corrupt { path: PathBuf, why: String },
    /// Standard input (`-`): a streamed fit reads its data file twice.
    #[error("stdin (-) cannot be read more than once")]
    Stdin,
    /// Not a regular file: a streamed fit reads its data file twice.
    #[error("{}: not a regular file (a pipe or device can be read only once; a design cache is built from a file that is read again)", path.display())]
    NotAFile { path: PathBuf },
    /// The data file changed while its cache was written.
    #[error("{}: the file changed while it was read into its design cache", path.display())]
    Changed { path: PathBuf },
    /// The memory limit does not hold one row.
    #[error("{limit} bytes hold no row of the design ({per_row} bytes per row with {k} columns)")]
    TooSmall { limit: u64, per_row: u64, k: usize },
    /// The data file read into the cache is refused, as in memory.
    #[error(transparent)]
    Data(#[from] DataError),
}

impl Worded for StreamedError {
    fn write(&self, w: &Wording, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StreamedError::Data(e) => e.write(w, f),
            other => fmt::Display::fmt(other, f),
        }
    }
}

impl StreamedError {
    /// A limit that holds no row is bad input; the file failing is a failed fit.
    pub fn kind(&self) -> crate::ErrorKind {
        match self {
            StreamedError::TooSmall { .. }
            | StreamedError::Stdin
            | StreamedError::NotAFile { .. } => crate::ErrorKind::BadInput,
            StreamedError::Data(e) => e.kind(),
            _ => crate::ErrorKind::FitFailed,
        }
    }
}

pub(super) fn io(path: &Path) -> impl Fn(std::io::Error) -> StreamedError + '_ {
    move |e| StreamedError::Io {
        path: path.to_path_buf(),
        why: e.to_string(),
    }
}
