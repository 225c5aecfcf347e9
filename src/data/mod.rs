//! Data both fits consume: the [`Dataset`], and strict CSV input.
pub mod cache;
mod csv;
mod dataset;
mod error;
mod rank;
mod roles;

#[doc(hidden)]
pub use self::csv::parse_rows_for_bench;
pub use self::csv::{read_columns, read_csv, CsvOptions, MissingPolicy};
pub use dataset::Dataset;
pub use error::DataError;
pub use rank::explain_rank_deficiency;
pub use roles::{Groups, RoleNames, RowColumns, NUMERIC_ROLES};
