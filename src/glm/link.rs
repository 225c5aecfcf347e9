//! Link functions g (mean → linear predictor), written with statsmodels'
//! operations in statsmodels' order so the floating-point results agree.
use tch::{TchError, Tensor};

/// Machine epsilon for f64 (numpy's `np.finfo(float).eps`), statsmodels'
/// `FLOAT_EPS`: probabilities are clipped to `[EPS, 1 - EPS]`.
pub const EPS: f64 = f64::EPSILON;

/// A GLM link function. A probit or cloglog link is another implementation;
/// the family and the IRLS fitter only use these four methods.
pub trait Link {
    /// The class name statsmodels prints as "Link Function" (`Logit`).
    fn name(&self) -> &'static str;
    /// η = g(μ).
    fn link(&self, mu: &Tensor) -> Result<Tensor, TchError>;
    /// μ = g⁻¹(η).
    fn inverse(&self, eta: &Tensor) -> Result<Tensor, TchError>;
    /// g'(μ).
    fn deriv(&self, mu: &Tensor) -> Result<Tensor, TchError>;
}

/// The logit link, log(p / (1 - p)), statsmodels' `links.Logit`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Logit;

impl Logit {
    /// statsmodels' `Logit._clean`: clip p to `[EPS, 1 - EPS]`.
    fn clean(p: &Tensor) -> Result<Tensor, TchError> {
        p.f_clamp(EPS, 1.0 - EPS)
    }
}

impl Link for Logit {
    fn name(&self) -> &'static str {
        "Logit"
    }

    /// `log(p / (1 - p))` with p clipped.
    fn link(&self, mu: &Tensor) -> Result<Tensor, TchError> {
        let p = Self::clean(mu)?;
        p.f_div(&p.f_rsub_scalar(1.0)?)?.f_log()
    }

    /// `1 / (1 + exp(-η))`, not clipped (as statsmodels): |η| > 37 gives
    /// exactly 0 or 1 in f64.
    fn inverse(&self, eta: &Tensor) -> Result<Tensor, TchError> {
        eta.f_neg()?.f_exp()?.f_add_scalar(1.0)?.f_reciprocal()
    }

    /// `1 / (p (1 - p))` with p clipped.
    fn deriv(&self, mu: &Tensor) -> Result<Tensor, TchError> {
        let p = Self::clean(mu)?;
        p.f_mul(&p.f_rsub_scalar(1.0)?)?.f_reciprocal()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(v: &[f64]) -> Tensor {
        Tensor::from_slice(v)
    }
    fn v(t: &Tensor) -> Vec<f64> {
        Vec::<f64>::try_from(t).unwrap()
    }

    #[test]
    fn logit_round_trips_and_clips() {
        let l = Logit;
        let mu = t(&[0.25, 0.5, 0.75, 0.0, 1.0]);
        let eta = v(&l.link(&mu).unwrap());
        assert!((eta[0] + 3f64.ln()).abs() < 1e-15);
        assert_eq!(eta[1], 0.0);
        assert!((eta[2] - 3f64.ln()).abs() < 1e-15);
        // 0 and 1 are clipped to EPS and 1 - EPS: finite.
        assert!(eta[3].is_finite() && eta[3] < -36.0, "{}", eta[3]);
        assert!(eta[4].is_finite() && eta[4] > 36.0, "{}", eta[4]);
        let back = v(&l.inverse(&t(&eta[..3])).unwrap());
        for (a, b) in back.iter().zip([0.25, 0.5, 0.75]) {
            assert!((a - b).abs() < 1e-15, "{a} {b}");
        }
        // Unclipped inverse: large |η| gives exactly 0 and 1.
        assert_eq!(v(&l.inverse(&t(&[-800.0, 800.0])).unwrap()), [0.0, 1.0]);
        // g'(0.5) = 4; g'(0.25) = 16/3.
        let d = v(&l.deriv(&t(&[0.5, 0.25])).unwrap());
        assert_eq!(d[0], 4.0);
        assert!((d[1] - 16.0 / 3.0).abs() < 1e-14);
        assert_eq!(l.name(), "Logit");
    }
}
