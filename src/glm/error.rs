//! What can go wrong in a GLM fit; each variant carries the values involved.
use std::fmt;

use tch::TchError;

use crate::data::{explain_rank_deficiency, DataError, Dataset};
use crate::setting::{In, Setting, Worded, Wording};

/// A GLM fit that could not be done.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GlmError {
    /// `tol` is negative or not finite.
    #[error("tol must be a finite number >= 0, got {0}")]
    BadTol(f64),
    /// `max_iter` is 0.
    #[error("max_iter must be at least 1, got {0}")]
    BadMaxIter(usize),
    /// `alpha` is not strictly between 0 and 1.
    #[error("alpha must be between 0 and 1 (exclusive), got {0}")]
    BadAlpha(f64),
    /// `alpha` so small that 1 − alpha/2 rounds to 1 and the intervals'
    /// quantile is infinite.
    #[error("alpha {} is too small: the intervals' quantile at 1 - alpha/2 is infinite in double precision; alpha must be above 1.1e-16", crate::numfmt::Short(*.0))]
    AlphaTooSmall(f64),
    /// The working weights or response became NaN or infinite at this
    /// iteration (statsmodels: "NaN, inf or invalid value detected in
    /// weights, estimation infeasible.").
    #[error("NaN or infinite working {what} at IRLS iteration {iteration}: estimation infeasible")]
    Infeasible {
        what: &'static str,
        iteration: usize,
    },
    /// The weighted design matrix has rank below its number of columns, so
    /// the parameters are not identified.
    #[error("the design matrix is rank-deficient (rank {rank} < {k} columns): the parameters are not uniquely determined")]
    RankDeficient { rank: usize, k: usize },
    /// A per-row input (weights, offset) does not have one value per row.
    #[error("{}", crate::setting::in_fields(self))]
    RowOptionLength { what: Setting, len: usize, n: usize },
    /// A per-row input value is not allowed (`why` says how).
    #[error("{}", crate::setting::in_fields(self))]
    BadRowOption {
        what: Setting,
        /// 1-based row of the data set.
        row: usize,
        value: f64,
        why: &'static str,
    },
    /// Every weight is 0: there is nothing to fit.
    #[error("{}", crate::setting::in_fields(self))]
    AllZeroWeights(Setting),
    /// Cluster covariance without a group for each row.
    #[error("cluster covariance needs groups (a group for each row)")]
    ClusterNeedsGroups,
    /// Groups given with a covariance type that does not use them.
    #[error("groups are used only by cluster covariance, not {0}")]
    GroupsWithoutCluster(&'static str),
    /// Fewer than 2 distinct groups: the cluster covariance is undefined.
    #[error("cluster covariance needs at least 2 groups, got {0}")]
    TooFewGroups(usize),
    /// A robust covariance that is not finite for these data: HC2/HC3 with
    /// a row of leverage 1, or HC1/cluster with no more observations than
    /// coefficients.
    #[error("the {0} covariance is not finite for these data (a row with leverage 1, or no more observations than coefficients); use another covariance type")]
    CovarianceNotFinite(&'static str),
    /// The design cache could not be read during a pass.
    #[error("reading the design cache {0}")]
    Cache(String),
    /// libtorch failed; the first line of its message.
    #[error("libtorch: {0}")]
    Torch(String),
}

impl GlmError {
    /// Settings and data that cannot be fitted are bad input; a fit that
    /// became infeasible, or libtorch failing, is a failed fit.
    pub fn kind(&self) -> crate::ErrorKind {
        match self {
            GlmError::Infeasible { .. } | GlmError::Torch(_) | GlmError::Cache(_) => {
                crate::ErrorKind::FitFailed
            }
            GlmError::BadTol(_)
            | GlmError::BadMaxIter(_)
            | GlmError::BadAlpha(_)
            | GlmError::AlphaTooSmall(_)
            | GlmError::RankDeficient { .. }
            | GlmError::RowOptionLength { .. }
            | GlmError::BadRowOption { .. }
            | GlmError::AllZeroWeights(_)
            | GlmError::ClusterNeedsGroups
            | GlmError::GroupsWithoutCluster(_)
            | GlmError::TooFewGroups(_)
            | GlmError::CovarianceNotFinite(_) => crate::ErrorKind::BadInput,
        }
    }
}

impl GlmError {
    /// For a rank lost in a fit of `data`, the error to report instead of
    /// this one: which column, and why ([`explain_rank_deficiency`]).
    /// `None` for any other error.
    pub fn rank_explained(&self, data: &Dataset) -> Option<DataError> {
        match self {
            GlmError::RankDeficient { rank, .. } => Some(explain_rank_deficiency(data, *rank)),
            _ => None,
        }
    }
}

/// The per-row roles named by their settings in the caller's wording; every
/// other message as it displays.
impl Worded for GlmError {
    fn write(&self, w: &Wording, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GlmError::RowOptionLength { what, len, n } => {
                write!(f, "{} has {len} values for {n} rows", In(what, w))
            }
            GlmError::BadRowOption {
                what,
                row,
                value,
                why,
            } => write!(
                f,
                "{} at row {row} is {}: {why}",
                In(what, w),
                crate::numfmt::Short(*value)
            ),
            GlmError::AllZeroWeights(what) => write!(f, "{} are all 0", In(what, w)),
            other => fmt::Display::fmt(other, f),
        }
    }
}

impl From<TchError> for GlmError {
    fn from(e: TchError) -> Self {
        GlmError::Torch(crate::runtime::torch::short_error(&e))
    }
}
