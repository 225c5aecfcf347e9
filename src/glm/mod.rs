//! Logistic regression as a GLM, fitted by Fisher scoring (IRLS) exactly as
//! statsmodels' `GLM(y, X, family=Binomial()).fit()` does. STUB.
mod fit;
pub use fit::{fit, GlmConfig, GlmError, GlmFit};
