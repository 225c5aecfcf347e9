//! IRLS settings: statsmodels' `GLM.fit()` defaults, checked once.
use super::GlmError;
use crate::runtime::threads::Threads;

/// Settings for [`fit`](super::fit). The defaults are statsmodels'.
#[derive(Debug, Clone, PartialEq)]
pub struct GlmConfig {
    /// Stop when the deviance changes by at most this much between two
    /// iterations (absolute, as statsmodels' `tol`). Must be finite and
    /// non-negative. Default 1e-8.
    pub tol: f64,
    /// Maximum number of weighted least-squares solves (statsmodels'
    /// `maxiter`); reaching it without meeting `tol` leaves `converged`
    /// false and adds a warning. At least 1. Default 100.
    pub max_iter: usize,
    /// Confidence intervals are at level 1 - alpha; 0 < alpha < 1.
    /// Default 0.05.
    pub alpha: f64,
    /// Threads for the passes over the rows. Default [`Threads::Auto`].
    pub threads: Threads,
}

impl Default for GlmConfig {
    fn default() -> Self {
        GlmConfig {
            tol: 1e-8,
            max_iter: 100,
            alpha: 0.05,
            threads: Threads::Auto,
        }
    }
}

impl GlmConfig {
    /// Check the ranges above; [`fit`](super::fit) calls this first.
    pub fn check(&self) -> Result<(), GlmError> {
        if !(self.tol.is_finite() && self.tol >= 0.0) {
            return Err(GlmError::BadTol(self.tol));
        }
        if self.max_iter == 0 {
            return Err(GlmError::BadMaxIter(self.max_iter));
        }
        check_alpha(self.alpha)
    }
}

/// An alpha strictly between 0 and 1 ([`GlmError::BadAlpha`]) whose
/// interval quantile Φ⁻¹(1 − alpha/2) is finite in f64: above 2⁻⁵³
/// (≈ 1.1e-16), below which 1 − alpha/2 rounds to 1
/// ([`GlmError::AlphaTooSmall`]).
pub fn check_alpha(alpha: f64) -> Result<(), GlmError> {
    if !(alpha > 0.0 && alpha < 1.0) {
        return Err(GlmError::BadAlpha(alpha));
    }
    if !crate::spec::normal::interval_quantile(alpha).is_finite() {
        return Err(GlmError::AlphaTooSmall(alpha));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_statsmodels_and_valid() {
        let c = GlmConfig::default();
        assert_eq!((c.tol, c.max_iter, c.alpha), (1e-8, 100, 0.05));
        assert_eq!(c.check(), Ok(()));
    }

    #[test]
    fn rejects_out_of_range_settings() {
        let d = GlmConfig::default();
        for tol in [-1e-9, f64::NAN, f64::INFINITY] {
            let c = GlmConfig { tol, ..d.clone() };
            assert!(matches!(c.check(), Err(GlmError::BadTol(_))), "{tol}");
        }
        let c = GlmConfig {
            max_iter: 0,
            ..d.clone()
        };
        assert_eq!(c.check(), Err(GlmError::BadMaxIter(0)));
        for alpha in [0.0, 1.0, -0.1, 1.5, f64::NAN] {
            let c = GlmConfig { alpha, ..d.clone() };
            assert!(matches!(c.check(), Err(GlmError::BadAlpha(_))), "{alpha}");
        }
        for alpha in [1e-17, 1.1102230246251565e-16, f64::MIN_POSITIVE] {
            let c = GlmConfig { alpha, ..d.clone() };
            assert_eq!(c.check(), Err(GlmError::AlphaTooSmall(alpha)), "{alpha}");
        }
        for alpha in [2.3e-16, 0.999] {
            let c = GlmConfig { alpha, ..d.clone() };
            assert_eq!(c.check(), Ok(()), "{alpha}");
        }
    }
}
