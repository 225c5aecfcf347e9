//! The GLM's fitting flags where the network's share the command line.
use clap::Args;
use logreg::glm::GlmConfig;
use logreg::runtime::threads::Threads;

use super::parse::{parse_alpha, parse_count, parse_nonneg};

/// GLM settings where the network's flags share the command line (compare,
/// demo, repeat): the deviance tolerance is `--glm-tol` there, since `--tol`
/// is the network's.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "GLM")]
pub struct GlmArgs {
    /// GLM: stop when the deviance changes by at most this much (absolute),
    /// as statsmodels' `tol`.
    #[arg(long, default_value = "1e-8", value_parser = parse_nonneg, allow_hyphen_values = true, value_name = "X")]
    pub glm_tol: f64,
    /// GLM: maximum number of Fisher-scoring iterations (statsmodels' `maxiter`).
    #[arg(long, default_value_t = 100, value_name = "N",
          value_parser = parse_count, allow_hyphen_values = true)]
    pub max_iter: usize,
    /// GLM: confidence intervals are at level 1 - alpha.
    #[arg(long, default_value_t = 0.05, value_parser = parse_alpha, allow_hyphen_values = true, value_name = "A")]
    pub alpha: f64,
}

impl GlmArgs {
    pub fn config(&self, threads: Threads) -> anyhow::Result<GlmConfig> {
        Ok(GlmConfig {
            tol: self.glm_tol,
            max_iter: self.max_iter,
            alpha: self.alpha,
            threads,
        })
    }
}
