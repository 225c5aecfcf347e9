//! STUB: replaced by the real GLM.
use serde::Serialize;

use crate::data::Dataset;

/// IRLS settings.
#[derive(Debug, Clone, PartialEq)]
pub struct GlmConfig {
    /// Absolute deviance tolerance. Default 1e-8.
    pub tol: f64,
    /// Maximum WLS solves. Default 100.
    pub max_iter: usize,
    /// Confidence level is 1 - alpha. Default 0.05.
    pub alpha: f64,
}
impl Default for GlmConfig {
    fn default() -> Self {
        GlmConfig {
            tol: 1e-8,
            max_iter: 100,
            alpha: 0.05,
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GlmError {
    #[error("{0}")]
    Torch(String),
}

/// The fitted model; JSON keys are statsmodels' attribute names.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GlmFit {
    pub names: Vec<String>,
    pub params: Vec<f64>,
    pub bse: Vec<f64>,
    pub tvalues: Vec<f64>,
    pub pvalues: Vec<f64>,
    pub conf_int: Vec<[f64; 2]>,
    pub llf: f64,
    pub llnull: f64,
    pub deviance: f64,
    pub null_deviance: f64,
    pub pearson_chi2: f64,
    pub aic: f64,
    pub bic: f64,
    pub prsquared_cs: f64,
    pub prsquared_mcf: f64,
    pub df_model: usize,
    pub df_resid: usize,
    pub nobs: usize,
    pub iterations: usize,
    pub converged: bool,
    pub deviance_history: Vec<f64>,
    pub warnings: Vec<String>,
    pub time_s: f64,
}

pub fn fit(_data: &Dataset, _cfg: &GlmConfig) -> Result<GlmFit, GlmError> {
    Err(GlmError::Torch("not implemented".into()))
}
