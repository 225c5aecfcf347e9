//! Data both fits consume: the [`Dataset`], and strict CSV input.
mod checks;
mod csv;
mod dataset;
pub mod design;
pub mod design_cache;
mod error;
mod formula_error;
mod rank;
mod rank_loss;
mod read_formula;
mod roles;
pub mod table;

#[doc(hidden)]
pub use self::csv::parse_rows_for_bench;
pub use self::csv::{
    read_columns, read_csv, read_csv_into, read_csv_noting, ColumnReader, CsvOptions, InMemorySink,
    MissingPolicy, ReadNotes, ReadRows, RowSink,
};
pub use self::csv::{read_table, read_table_and_text};
pub use checks::{check_names, DesignChecks};
pub use dataset::Dataset;
pub use error::DataError;
pub use formula_error::FormulaReadError;
pub use rank::{check_full_rank, DesignRows};
pub use rank_loss::explain_rank_deficiency;
pub use read_formula::read_formula;
pub use roles::{Groups, RoleNames, RowColumns};
pub use table::{Column, Table};
