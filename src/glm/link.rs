//! Link functions g (mean → linear predictor), one value at a time, written
//! with statsmodels' operations in statsmodels' order so the floating-point
//! results agree.

/// Machine epsilon for f64 (numpy's `np.finfo(float).eps`), statsmodels'
/// `FLOAT_EPS`: probabilities are clipped to `[EPS, 1 - EPS]`.
pub const EPS: f64 = f64::EPSILON;

/// A GLM link function, evaluated one row at a time. A probit or cloglog
/// link is another implementation; the family, the fitter and the results
/// only use these methods. The fit is generic over the link (monomorphised:
/// no dynamic call per row).
pub trait Link: Sync {
    /// The class name statsmodels prints as "Link Function" (`Logit`).
    fn name(&self) -> &'static str;
    /// η = g(μ).
    fn link(&self, mu: f64) -> f64;
    /// μ = g⁻¹(η).
    fn inverse(&self, eta: f64) -> f64;
    /// g'(μ).
    fn deriv(&self, mu: f64) -> f64;
}

/// μ clipped to `[EPS, 1 - EPS]`, statsmodels' `Logit._clean` (NaN stays
/// NaN, as `np.clip`).
pub fn clip(mu: f64) -> f64 {
    mu.clamp(EPS, 1.0 - EPS)
}

/// The logit link, log(p / (1 - p)), statsmodels' `links.Logit`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Logit;

impl Link for Logit {
    fn name(&self) -> &'static str {
        "Logit"
    }

    /// `log(p / (1 - p))`, p clipped to `[EPS, 1 - EPS]`.
    #[inline(always)]
    fn link(&self, mu: f64) -> f64 {
        let p = clip(mu);
        (p / (1.0 - p)).ln()
    }

    /// `1 / (1 + exp(-η))`, not clipped (as statsmodels): |η| > 37 gives
    /// exactly 0 or 1 in f64.
    #[inline(always)]
    fn inverse(&self, eta: f64) -> f64 {
        1.0 / ((-eta).exp() + 1.0)
    }

    /// `1 / (p (1 - p))`, p clipped.
    #[inline(always)]
    fn deriv(&self, mu: f64) -> f64 {
        let p = clip(mu);
        1.0 / (p * (1.0 - p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logit_round_trips_and_clips() {
        let l = Logit;
        let eta: Vec<f64> = [0.25, 0.5, 0.75, 0.0, 1.0]
            .iter()
            .map(|&m| l.link(m))
            .collect();
        assert!((eta[0] + 3f64.ln()).abs() < 1e-15);
        assert_eq!(eta[1], 0.0);
        assert!((eta[2] - 3f64.ln()).abs() < 1e-15);
        // 0 and 1 are clipped to EPS and 1 - EPS: finite.
        assert!(eta[3].is_finite() && eta[3] < -36.0, "{}", eta[3]);
        assert!(eta[4].is_finite() && eta[4] > 36.0, "{}", eta[4]);
        let back: Vec<f64> = eta[..3].iter().map(|&e| l.inverse(e)).collect();
        for (a, b) in back.iter().zip([0.25, 0.5, 0.75]) {
            assert!((a - b).abs() < 1e-15, "{a} {b}");
        }
        // Unclipped inverse: large |η| gives exactly 0 and 1.
        assert_eq!([l.inverse(-800.0), l.inverse(800.0)], [0.0, 1.0]);
        // g'(0.5) = 4; g'(0.25) = 16/3.
        let d = [l.deriv(0.5), l.deriv(0.25)];
        assert_eq!(d[0], 4.0);
        assert!((d[1] - 16.0 / 3.0).abs() < 1e-14);
        assert_eq!(l.name(), "Logit");
    }
}
