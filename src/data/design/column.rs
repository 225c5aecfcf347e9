//! How the design reads a [`Table`]'s typed columns: which are numbers,
//! which cells are missing, and a column's type as a message names it.
use crate::data::csv::python_nan;
use crate::data::table::{Column, Table};

/// Whether row `i` of `col` is missing as patsy counts it: a NaN in a
/// float column; in a text column, a cell whose Python `float()` is NaN
/// (`NAN`, ` nan`, `+nan`) as well as pandas' missing cells.
pub(super) fn is_missing(col: &Column, i: usize) -> bool {
    match col {
        Column::Float(v) => v[i].is_none_or(f64::is_nan),
        Column::Text(v) => v[i].as_deref().is_none_or(python_nan),
        other => other.is_missing(i),
    }
}

/// Whether the column holds numbers (patsy's numeric factors).
pub(super) fn is_numeric(col: &Column) -> bool {
    matches!(col, Column::Int(_) | Column::Float(_))
}

/// The column's type, as a message names it.
pub(super) fn type_name(col: &Column) -> &'static str {
    match col {
        Column::Int(_) => "whole numbers",
        Column::Float(_) => "numbers",
        Column::Bool(_) | Column::BoolObject(_) => "True/False",
        Column::Text(_) => "text",
    }
}

/// Row `i`'s value as a number (NaN where missing or not a number).
pub(super) fn number_at(col: &Column, i: usize) -> f64 {
    match col {
        Column::Int(v) => v[i] as f64,
        Column::Float(v) => v[i].unwrap_or(f64::NAN),
        _ => f64::NAN,
    }
}

/// The table's column names, in its order.
pub(super) fn names(table: &Table) -> Vec<&str> {
    table.names.iter().map(String::as_str).collect()
}
