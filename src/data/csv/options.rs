//! How to read a CSV file: [`CsvOptions`], [`MissingPolicy`] and the default delimiter.
use std::path::Path;

use crate::data::RoleNames;
use crate::runtime::threads::Threads;

/// What to do with rows that have a missing value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissingPolicy {
    /// A missing value is an error (default).
    #[default]
    Error,
    /// Rows with a missing value are dropped.
    Drop,
}

/// How to read a CSV file into a [`Dataset`](crate::data::Dataset).
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
    /// Per-row role columns (weights, offset, groups): read with the data,
    /// not features. Default none.
    pub roles: RoleNames,
    /// Threads for reading a large file and for its rank check. Default
    /// [`Threads::Auto`].
    pub threads: Threads,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            target: "y".into(),
            features: None,
            delimiter: None,
            missing: MissingPolicy::Error,
            roles: RoleNames::default(),
            threads: Threads::Auto,
        }
    }
}

/// Tab for a `.tsv` file (any case), comma otherwise.
pub fn default_delimiter(path: &Path) -> u8 {
    match path.extension() {
        Some(ext) if ext.eq_ignore_ascii_case("tsv") => b'\t',
        _ => b',',
    }
}
