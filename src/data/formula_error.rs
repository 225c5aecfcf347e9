//! Why a data set cannot be read from a file through a formula: the
//! formula itself, its design on the file's columns (naming the file, and
//! the line of a cell), or the data set built from it.
use super::design::DesignError;
use super::table::Table;
use super::DataError;
use crate::spec::formula::FormulaError;

/// Why [`read_formula`](super::read_formula) failed; every variant is bad
/// input (exit code 2), in one line.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FormulaReadError {
    /// The formula cannot be read (syntax, an unsupported expression).
    #[error(transparent)]
    Formula(#[from] FormulaError),
    /// The formula's design on the file: an unknown column, a categorical
    /// target, a level, a missing value. `line` is the cell's line where
    /// the error is about one.
    #[error("{file}: {}{error}", .line.map(|l| format!("line {l}: ")).unwrap_or_default())]
    Design {
        file: String,
        line: Option<u64>,
        error: Box<DesignError>,
    },
    /// A role column (weights, offset, groups) the formula's rows need
    /// holds a missing value or text.
    #[error("{file}: line {line}: column {column:?}: {problem}")]
    Role {
        file: String,
        line: u64,
        column: String,
        problem: String,
    },
    /// Reading the file, or the data set's own checks.
    #[error(transparent)]
    Data(#[from] DataError),
}

impl FormulaReadError {
    /// A design error on `table`, named by the file line of the row it is
    /// about (a missing value, an unseen level, a cell that is not a
    /// number), or by the file alone.
    pub fn design(table: &Table, error: DesignError) -> Self {
        let line = match &error {
            DesignError::Missing { row, .. }
            | DesignError::UnseenLevel { row, .. }
            | DesignError::NotNumeric { row, .. } => table.lines.get(*row).copied(),
            _ => None,
        };
        FormulaReadError::Design {
            file: table.file.clone(),
            line,
            error: Box::new(error),
        }
    }

    /// Always [`ErrorKind::BadInput`](crate::ErrorKind).
    pub fn kind(&self) -> crate::ErrorKind {
        match self {
            FormulaReadError::Data(e) => e.kind(),
            _ => crate::ErrorKind::BadInput,
        }
    }
}
