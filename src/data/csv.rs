//! Strict CSV input. STUB: to be completed.
use std::path::Path;

use super::{DataError, Dataset};

/// What to do with rows that have a missing value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissingPolicy {
    /// A missing value is an error (default).
    #[default]
    Error,
    /// Rows with a missing value are dropped.
    Drop,
}

/// How to read a CSV file into a [`Dataset`].
#[derive(Debug, Clone, PartialEq)]
pub struct CsvOptions {
    /// Target column. Default `y`.
    pub target: String,
    /// Feature columns, in this order. Default: every other column, in file order.
    pub features: Option<Vec<String>>,
    /// Field separator. Default: tab for `.tsv` files, comma otherwise.
    pub delimiter: Option<u8>,
    /// Missing values: error (default) or drop the row.
    pub missing: MissingPolicy,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            target: "y".into(),
            features: None,
            delimiter: None,
            missing: MissingPolicy::Error,
        }
    }
}

/// Read `path` into a data set; also returns how many rows were dropped.
pub fn read_csv(path: &Path, _opts: &CsvOptions) -> Result<(Dataset, usize), DataError> {
    Err(DataError::Io {
        file: path.display().to_string(),
        reason: "not implemented".into(),
    })
}
