//! Strict CSV input, parsed straight into a [`Dataset`](super::Dataset).
//!
//! A header row, then one row per observation, become a data set (intercept
//! `const` first), or a [`DataError`](super::DataError) naming the file,
//! line, column and offending value.
//!
//! What is accepted:
//! - a UTF-8 file, with or without a byte-order mark; LF or CRLF line ends
//!   (a bare CR is an error); with or without a final newline; blank lines,
//!   and lines of only spaces, are skipped;
//! - fields quoted as RFC 4180 says (`"1.5"`, `"a,b"`, `"say ""hi"""`);
//! - numbers as Rust's `f64` parser reads them (`1`, `-2.5`, `.5`, `1e-3`,
//!   `+4`), with spaces or tabs around them ignored, as pandas does; a
//!   number too small for an f64 (`1e-400`) reads as 0, one too large
//!   (`1e400`) is an error like `inf`;
//! - column names with spaces around them trimmed (the same for `--target` and
//!   `--features`); spaces inside a name are kept;
//! - missing values are pandas' default `na_values`: an empty cell, `NA`,
//!   `NaN`, `nan`, `N/A`, `NULL`, `None`, ... ([`NA_VALUES`](spelling::NA_VALUES)),
//!   exactly as written (` NA` and `NAN` are text, as pandas reads them);
//! - `True` and `False` in any case, exactly as written, read as 1 and 0;
//! - columns that are neither the target nor a feature are not parsed at all,
//!   so they may hold text (but every row still needs every field).
//!
//! Errors name 1-based physical lines (the header is line 1, blank lines
//! count); the first bad row is reported, and in it the first bad field.
//! The target must be 0 or 1 (`1.0`, `1e0` and ` 1 ` count), with both
//! classes present; the design must have at least as many rows as
//! coefficients and full column rank
//! (checked by [`Dataset::new`](super::Dataset::new)).
//!
//! | file | concept |
//! | --- | --- |
//! | `options.rs` | [`CsvOptions`], [`MissingPolicy`], the default delimiter |
//! | `header.rs` | the header row and which column plays which role |
//! | `cell.rs` | the cell rule: what one field becomes (value, missing, error) |
//! | `buffer.rs` | the sizing rule: buffer sizes, filling a buffer, reserving the matrix |
//! | `rows.rs` | the one row loop: a record's rules (ragged rows, the cell rule, missing values, which refusal is reported), for either field splitter |
//! | `records.rs` | the strict field splitter: records and fields, quotes, blank lines, the row limit, each record's line |
//! | `lines.rs` | the quote-free field splitter: whole lines split at LF and the delimiter, declining what the strict one must read |
//! | `reader.rs` | [`read_csv`], [`read_csv_into`]: the general row reader (the fast path, else the strict splitter) |
//! | `sink.rs` | [`RowSink`]: where the rows read go, block by block ([`InMemorySink`]: in memory) |
//! | `columns.rs` | [`ColumnReader`], [`read_columns`]: named columns only, block by block, for `predict` (no target), through the row loop and the strict splitter |
//! | `index.rs` | the structural index: per 64 bytes, bitmasks of delimiters, line ends and quotes (SSE2, or portable) |
//! | `decimal.rs` | the exact reader of a plain number (digits, a point, a short exponent), declining the rest to the cell rule |
//! | `plain.rs` | the fast path's row kernel: plain lines through the index and the decimal reader, any other line through the row loop |
//! | `fast.rs` | the fast path for plain files: blocks of whole lines through the row loop and the quote-free splitter, on several threads, declining to the strict splitter |
//! | `spelling.rs` | the spellings pandas gives a meaning: `na_values`, True/False, numbers and infinities, and patsy's missing category |
//! | `dtype.rs` | one column's type from its cells, as pandas' C parser infers it (int64, uint64, float64, bool, object) |
//! | `table.rs` | [`read_table`]: named raw columns, every row and cell kept, each column typed as pandas types it ([`Table`](crate::data::Table)), through the row loop and the strict splitter |
//! | `position.rs` | line-position tracking for messages |
mod buffer;
mod cell;
mod columns;
mod decimal;
mod dtype;
mod fast;
mod header;
mod index;
mod lines;
mod options;
mod plain;
mod position;
mod reader;
mod records;
mod rows;
mod sink;
mod spelling;
mod table;

pub use columns::{read_columns, ColumnReader};
#[doc(hidden)]
pub use fast::parse_rows_for_bench;
pub use options::{CsvOptions, MissingPolicy};
pub use reader::{read_csv, read_csv_into, read_csv_noting, ReadNotes, ReadRows};
pub use sink::{InMemorySink, RowSink};
pub(crate) use spelling::{float as pandas_float, python_nan};
pub use table::{read_table, read_table_and_text};
