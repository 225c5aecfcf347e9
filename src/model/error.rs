//! Why a model file cannot be read: [`ModelError`], one line naming the file
//! and what is wrong.
use crate::ErrorKind;

/// A model file that cannot be used, or a prediction that does not fit the
/// model. Every variant is bad input (exit 2).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelError {
    /// The file cannot be read.
    #[error("{file}: cannot read the model: {reason}")]
    Io { file: String, reason: String },
    /// The file is not JSON.
    #[error("{file}: not a logreg model file (not JSON: {reason})")]
    NotJson { file: String, reason: String },
    /// JSON, but without `"format": "logreg-model"`.
    #[error("{file}: not a logreg model file (no \"format\": \"logreg-model\" key)")]
    NotAModel { file: String },
    /// A version newer than this logreg reads.
    #[error("{file}: model file version {found} is newer than this logreg reads (versions 1 to {reads}); use a newer logreg")]
    TooNew {
        file: String,
        /// The version as read: the integer, or the f64 in `e` notation
        /// from 2^53 (where JSON's f64 is no longer exact).
        found: String,
        reads: u64,
    },
    /// A key that must be there is not.
    #[error("{file}: model file has no {key:?} key")]
    MissingKey { file: String, key: &'static str },
    /// A key holds the wrong type of value.
    #[error("{file}: model file key {key:?} must be {expected}")]
    BadKey {
        file: String,
        key: &'static str,
        expected: &'static str,
    },
    /// Lengths or shapes that do not agree.
    #[error("{file}: model file is inconsistent: {what}")]
    Shape { file: String, what: String },
    /// A top-level key that appears more than once.
    #[error("{file}: model file has the key {key:?} more than once")]
    DuplicateKey { file: String, key: String },
    /// A covariance type this logreg does not know.
    #[error("{file}: model file key \"cov_type\": unknown covariance type {found:?}; the types are nonrobust, HC0, HC1, HC2, HC3, cluster")]
    UnknownCovType { file: String, found: String },
    /// `cov_params` is not a covariance matrix (`what` names the entry).
    #[error("{file}: model file key \"cov_params\": {what}")]
    Covariance { file: String, what: String },
    /// A row of the new data whose linear predictor or standard error
    /// overflows f64 with this model.
    #[error("{file}: {} {row}: the {what} overflows f64 with this model (a value too large in magnitude)", if *.by_line { "line" } else { "row" })]
    Overflow {
        file: String,
        row: u64,
        /// Whether `row` is a line of the file (else a row number).
        by_line: bool,
        what: &'static str,
    },
    /// A link name this logreg does not know.
    #[error("{file}: model file key \"link\": {unknown}")]
    UnknownLink {
        file: String,
        unknown: crate::spec::UnknownLink,
    },
}

impl ModelError {
    /// Always [`ErrorKind::BadInput`]: the file (or the data given with it)
    /// is what must change.
    pub fn kind(&self) -> ErrorKind {
        ErrorKind::BadInput
    }
}
