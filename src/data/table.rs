//! [`Table`]: named raw columns of a data file, each typed as pandas' `read_csv` types it, missing cells kept per cell.

/// One column's values, typed as pandas' `read_csv` infers its dtype.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    /// Every cell an integer (pandas' `int64`, or `uint64` where a value
    /// is beyond i64 and none is negative); none missing.
    Int(Vec<i128>),
    /// Every cell a number, or missing (None) (pandas' `float64`): also an
    /// integer column with a missing cell, and a column of missing cells only.
    Float(Vec<Option<f64>>),
    /// Every cell `true` or `false` in any case, nothing around it
    /// (pandas' `bool`); none missing.
    Bool(Vec<bool>),
    /// True and False with a missing cell (pandas' `object` column of
    /// Python bools and NaN): the same values as [`Column::Bool`]'s, so a
    /// categorical's levels are the same bools (patsy's `b[T.True]`), but
    /// only those seen are levels, as patsy takes an object column's.
    BoolObject(Vec<Option<bool>>),
    /// Anything else (pandas' `object`): the cells as written, missing ones
    /// None.
    Text(Vec<Option<String>>),
}

impl Column {
    /// The number of cells.
    pub fn len(&self) -> usize {
        match self {
            Column::Int(v) => v.len(),
            Column::Float(v) => v.len(),
            Column::Bool(v) => v.len(),
            Column::BoolObject(v) => v.len(),
            Column::Text(v) => v.len(),
        }
    }

    /// Whether the column has no cells.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether cell `row` is missing.
    pub fn is_missing(&self, row: usize) -> bool {
        match self {
            Column::Int(_) | Column::Bool(_) => false,
            Column::Float(v) => v[row].is_none(),
            Column::BoolObject(v) => v[row].is_none(),
            Column::Text(v) => v[row].is_none(),
        }
    }

    /// pandas' name for the column's dtype.
    pub fn dtype(&self) -> &'static str {
        match self {
            Column::Int(v) if v.iter().any(|&i| i > i128::from(i64::MAX)) => "uint64",
            Column::Int(_) => "int64",
            Column::Float(_) => "float64",
            Column::Bool(_) => "bool",
            Column::BoolObject(_) | Column::Text(_) => "object",
        }
    }
}

/// Named columns of a data file, as read (no row dropped, no cell refused:
/// what to do with a missing cell is the caller's choice), with each row's
/// line for messages.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The file as messages name it.
    pub file: String,
    /// The columns' names, in the order they were asked for.
    pub names: Vec<String>,
    /// The columns, in the order of `names`, each with a cell per row.
    pub columns: Vec<Column>,
    /// The physical line (1-based) of each row.
    pub lines: Vec<u64>,
}

impl Table {
    /// The number of rows.
    pub fn rows(&self) -> usize {
        self.lines.len()
    }

    /// The column named `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        let i = self.names.iter().position(|n| n == name)?;
        self.columns.get(i)
    }
}
