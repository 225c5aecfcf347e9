//! The typed columns a formula's design is built from, as pandas'
//! `read_csv` types them: whole numbers, numbers, booleans and text, each
//! cell possibly missing. A small stand-in for the data layer's table,
//! behind the [`Columns`] trait so that any table can supply them.

/// One column's values, one per row; `None` is a missing cell (and so is a
/// NaN in a float column, as in pandas).
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnValues {
    Int(Vec<Option<i64>>),
    Float(Vec<Option<f64>>),
    Bool(Vec<Option<bool>>),
    Text(Vec<Option<String>>),
}

impl ColumnValues {
    pub fn len(&self) -> usize {
        match self {
            ColumnValues::Int(v) => v.len(),
            ColumnValues::Float(v) => v.len(),
            ColumnValues::Bool(v) => v.len(),
            ColumnValues::Text(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether row `i` is missing.
    pub fn is_missing(&self, i: usize) -> bool {
        match self {
            ColumnValues::Int(v) => v[i].is_none(),
            ColumnValues::Float(v) => v[i].is_none_or(f64::is_nan),
            ColumnValues::Bool(v) => v[i].is_none(),
            ColumnValues::Text(v) => v[i].is_none(),
        }
    }

    /// Whether the column holds numbers (patsy's numeric factors).
    pub fn is_numeric(&self) -> bool {
        matches!(self, ColumnValues::Int(_) | ColumnValues::Float(_))
    }

    /// The column's type, as a message names it.
    pub fn type_name(&self) -> &'static str {
        match self {
            ColumnValues::Int(_) => "whole numbers",
            ColumnValues::Float(_) => "numbers",
            ColumnValues::Bool(_) => "True/False",
            ColumnValues::Text(_) => "text",
        }
    }
}

/// A table of named columns of equal length.
pub trait Columns {
    /// How many rows.
    fn n_rows(&self) -> usize;
    /// The column names, in the table's order.
    fn names(&self) -> Vec<&str>;
    /// The column named `name`.
    fn column(&self, name: &str) -> Option<&ColumnValues>;
}

/// Named columns held in memory.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Frame {
    pub columns: Vec<(String, ColumnValues)>,
}

impl Columns for Frame {
    fn n_rows(&self) -> usize {
        self.columns.first().map_or(0, |(_, c)| c.len())
    }

    fn names(&self) -> Vec<&str> {
        self.columns.iter().map(|(n, _)| n.as_str()).collect()
    }

    fn column(&self, name: &str) -> Option<&ColumnValues> {
        self.columns.iter().find(|(n, _)| n == name).map(|(_, c)| c)
    }
}
