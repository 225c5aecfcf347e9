//! Logistic regression as a GLM, fitted by Fisher scoring (IRLS) exactly as
//! statsmodels' `GLM(y, X, family=Binomial()).fit()` does, in f64.
//!
//! - the link and the Binomial family come from [`crate::spec`], one row at
//!   a time, as the passes over the rows call them;
//! - [`irls`]: the Fisher-scoring loop and the final pseudo-inverse refit
//!   (public so that one iteration, [`irls::step`], can be timed), on the
//!   streaming QR of `qr.rs` and the SVD solves of `solve.rs`;
//! - `covariance.rs`: the covariance of the estimates by
//!   [`CovType`](crate::spec::CovType) (nonrobust, HC0–HC3, cluster);
//! - [`GlmFit`]: the statistics; [`summary()`]: statsmodels' table;
//! - [`pyfmt`]: Python's number formatting, which the table needs.
mod config;
mod covariance;
mod error;
mod fit;
pub mod irls;
mod options;
pub mod pyfmt;
mod qr;
#[cfg(test)]
mod reference;
mod results;
mod solve;
mod source;
mod stream;
mod summary;

pub use config::{check_alpha, GlmConfig};
pub use error::GlmError;
pub use fit::{fit, fit_estimates, fit_family, fit_source, fit_with};
pub use options::{check_cov_groups, GlmOptions};
pub use results::{is_separation_warning, GlmEstimates, GlmFit};
pub use source::{Memory, Source};
pub use stream::{check_streamed, NotStreamed};
pub use summary::{summary, SummaryTime};
