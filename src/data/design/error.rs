//! Why a formula's design cannot be built from a table: each error names
//! the factor as written (and where it is in the formula) or the row and
//! column, and the value involved, in one line.
use crate::spec::formula::Span;

/// The most levels a categorical factor may have. Each level is a column
/// of the dense design (rows × columns f64) and of the GLM's k × k
/// normal equations: a factor with more levels is almost always an
/// identifier or a number read as text, and its design would take rows ×
/// levels × 8 bytes; 1000 keeps a 1-million-row design of one such factor
/// within 8 GB and its cross-product within 8 MB.
pub const MAX_LEVELS: usize = 1000;

/// The most categorical factors one term may interact: patsy's coding
/// looks at every subset of them (2^n), and a design with an interaction
/// of more is far beyond any data set's size anyway.
pub const MAX_CATEGORICAL_IN_TERM: usize = 10;

/// Why the design cannot be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DesignError {
    /// A factor reads a column the table does not have.
    #[error("formula {formula:?}, byte {}: no column {column:?}{}", .span.start, close_matches(.close))]
    UnknownColumn {
        formula: String,
        column: String,
        span: Span,
        /// Column names close to `column` (case, a typo), closest first.
        close: Vec<String>,
    },

    /// New data for a saved model lacks a column its formula uses.
    #[error("no column {column:?} (the model's formula uses it){}", close_matches(.close))]
    MissingColumn { column: String, close: Vec<String> },

    /// The left-hand side is a categorical factor (text, True/False, or
    /// `C()`): patsy would code it as one column per level.
    #[error("formula {formula:?}, byte {}: the target {code} is categorical ({what}); the target must be numeric (0/1, or counts)", .span.start)]
    CategoricalTarget {
        formula: String,
        code: String,
        span: Span,
        /// The column's type, or `C()`.
        what: String,
    },

    /// The left-hand side is not one column or two (successes + failures).
    #[error("formula {formula:?}: the left-hand side must be one numeric column, or two (successes + failures), not {found}")]
    UnsupportedResponse { formula: String, found: String },

    /// A `Treatment` level that is not a level of the factor.
    #[error("formula {formula:?}, byte {}: {code} has no level {level} (its levels: {})", .span.start, .levels.join(", "))]
    LevelNotFound {
        formula: String,
        code: String,
        span: Span,
        /// The level as written.
        level: String,
        /// The factor's levels, named as in column names (at most 20).
        levels: Vec<String>,
    },

    /// A categorical factor with more than [`MAX_LEVELS`] levels.
    #[error("formula {formula:?}, byte {}: {code} has {count} levels, more than {max}; is column {column:?} an identifier or a number read as text?", .span.start, max = MAX_LEVELS)]
    TooManyLevels {
        formula: String,
        code: String,
        column: String,
        span: Span,
        count: usize,
    },

    /// A term that interacts more than [`MAX_CATEGORICAL_IN_TERM`]
    /// categorical factors.
    #[error("formula {formula:?}: the term {term} interacts {count} categorical factors, more than {max}", max = MAX_CATEGORICAL_IN_TERM)]
    TermTooLarge {
        formula: String,
        term: String,
        count: usize,
    },

    /// A categorical factor whose column has no value at all.
    #[error("formula {formula:?}, byte {}: {code} has no levels: column {column:?} is missing on every row", .span.start)]
    NoLevels {
        formula: String,
        code: String,
        column: String,
        span: Span,
    },

    /// A missing value in a column the formula uses, with the missing
    /// policy `error`.
    #[error("column {column:?}: missing value (the formula uses this column)")]
    Missing {
        /// 0-based data row (messages name its line).
        row: usize,
        column: String,
    },

    /// Every row has a missing value in a used column, and the policy drops
    /// them.
    #[error("every row has a missing value in a column the formula uses ({dropped} row(s) dropped): nothing is left")]
    AllDropped { dropped: usize },

    /// A numeric factor's column holds text or True/False in new data.
    #[error("column {column:?} holds {found} ({value:?}), but {code} was fitted as a number")]
    NotNumeric {
        /// 0-based data row of the first cell that is not a number
        /// (messages name its line).
        row: usize,
        /// That cell.
        value: String,
        code: String,
        column: String,
        found: &'static str,
    },

    /// A value of a categorical factor that is not one of its levels (new
    /// data for a saved model).
    #[error("column {column:?}: level {value} of {code} did not occur when the model was fitted (its levels: {})", .levels.join(", "))]
    UnseenLevel {
        /// 0-based data row (messages name its line).
        row: usize,
        column: String,
        code: String,
        value: String,
        levels: Vec<String>,
    },

    /// A saved coding that refers to a factor it does not have.
    #[error("the coding is damaged: {0}")]
    BadCoding(String),
}

fn close_matches(close: &[String]) -> String {
    match close {
        [] => String::new(),
        _ => {
            let quoted: Vec<String> = close.iter().map(|c| format!("{c:?}")).collect();
            format!("; did you mean {}?", quoted.join(" or "))
        }
    }
}

impl DesignError {
    /// Always [`ErrorKind::BadInput`](crate::ErrorKind): the formula or the
    /// data cannot be used.
    pub fn kind(&self) -> crate::ErrorKind {
        crate::ErrorKind::BadInput
    }
}

/// The names among `available` close to `wanted`: equal but for case, one
/// containing the other, or within a third of its length in edits (at
/// least one; a swap of two neighbours is one edit); at most three,
/// closest first.
pub fn close_names(wanted: &str, available: &[&str]) -> Vec<String> {
    let w = wanted.to_lowercase();
    let mut scored: Vec<(usize, &str)> = available
        .iter()
        .filter_map(|&name| {
            let n = name.to_lowercase();
            let d = edits(&w, &n);
            let near = d <= (w.chars().count() / 3).max(1)
                || (w.len() >= 3 && (n.contains(&w) || w.contains(&n)) && !n.is_empty());
            near.then_some((d, name))
        })
        .collect();
    scored.sort_by_key(|&(d, _)| d);
    scored
        .into_iter()
        .take(3)
        .map(|(_, n)| n.to_string())
        .collect()
}

/// Edits (insert, delete, replace, swap two neighbours) from `a` to `b`,
/// in characters (the optimal string alignment distance).
fn edits(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    d[0] = (0..=b.len()).collect();
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names() {
        let names = ["age", "Race", "smoke", "race_white", "lwt"];
        assert_eq!(close_names("race", &names), ["Race", "race_white"]);
        assert_eq!(close_names("smoek", &names), ["smoke"]);
        assert!(close_names("weight", &names).is_empty());
    }
}
