//! Logistic regression as a GLM, fitted by Fisher scoring (IRLS) exactly as
//! statsmodels' `GLM(y, X, family=Binomial()).fit()` does, in f64.
//!
//! - [`link`]: link functions (logit), [`family`]: the Binomial family;
//! - [`irls`]: the Fisher-scoring loop and the final pseudo-inverse refit
//!   (public so that one iteration, [`irls::step`], can be timed);
//! - [`RowLink`]: the family and link one row at a time, for the passes
//!   over the rows;
//! - [`GlmFit`]: the statistics; [`summary()`]: statsmodels' table;
//! - [`pyfmt`]: Python's number formatting, which the table needs.
mod config;
mod error;
pub mod family;
mod fit;
pub mod irls;
pub mod link;
pub mod pyfmt;
mod results;
mod rows;
mod summary;

pub use config::GlmConfig;
pub use error::GlmError;
pub use family::Binomial;
pub use fit::{fit, fit_family};
pub use link::{Link, Logit};
pub use results::GlmFit;
pub use rows::RowLink;
pub use summary::{summary, SummaryTime};
