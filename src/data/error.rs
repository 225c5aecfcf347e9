//! Errors raised while reading and checking a data set. STUB: to be completed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DataError {
    #[error("{file}: {reason}")]
    Io { file: String, reason: String },
}
