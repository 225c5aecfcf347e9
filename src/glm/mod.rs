//! Logistic regression as a GLM, fitted by Fisher scoring (IRLS) exactly as
//! statsmodels' `GLM(y, X, family=Binomial()).fit()` does, in f64.
//!
//! - [`link`]: link functions (logit, probit, cloglog, loglog, cauchy;
//!   [`LinkKind`] picks one at run time), [`family`]: the Binomial family,
//!   both one row at a time, as the passes over the rows call them;
//! - [`irls`]: the Fisher-scoring loop and the final pseudo-inverse refit
//!   (public so that one iteration, [`irls::step`], can be timed), on the
//!   streaming QR of `qr.rs` and the SVD solves of `solve.rs`;
//! - [`CovType`]: the covariance of the estimates (nonrobust, HC0–HC3,
//!   cluster);
//! - [`GlmFit`]: the statistics; [`summary()`]: statsmodels' table;
//! - [`predict()`]: predictions of a saved model on new data, with
//!   statsmodels' `get_prediction` standard errors and intervals;
//! - [`pyfmt`]: Python's number formatting, which the table needs.
mod config;
mod covariance;
mod error;
pub mod family;
mod fit;
pub mod irls;
pub mod link;
mod link_kind;
mod normal;
mod options;
mod predict;
pub mod pyfmt;
mod qr;
#[cfg(test)]
mod reference;
mod results;
mod solve;
mod source;
mod stream;
mod sum;
mod summary;
mod vmath;

pub use config::{check_alpha, GlmConfig};
pub use covariance::{CovType, UnknownCovType};
pub use error::GlmError;
pub use family::Binomial;
pub use fit::{fit, fit_family, fit_source, fit_with};
pub use link::{CLogLog, Cauchy, Link, LogLog, Logit, Probit};
pub use link_kind::{LinkKind, UnknownLink};
pub use normal::ppf as normal_ppf;
pub use options::{GlmOptions, Rows};
pub use predict::{columns, design, predict, predict_lines, Prediction};
pub use results::{is_separation_warning, GlmFit};
pub use source::{Memory, Source};
pub use stream::{
    bytes_per_row, check_streamable, write_cache, write_cache_from_csv, Streamed, StreamedError,
};
pub use summary::{summary, SummaryTime};
