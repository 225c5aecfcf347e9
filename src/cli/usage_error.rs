//! An error caused by the user's input.

/// Marks an error caused by the user's input (data or flags): exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);
