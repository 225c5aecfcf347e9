//! The Binomial family (0/1 response): variance, IRLS weights, starting
//! values, deviance and log-likelihood, each as statsmodels'
//! `families.Binomial` computes it (same clipping, same operation order).
use tch::{TchError, Tensor};

use super::link::{Link, Logit, EPS};

/// statsmodels adds this to μ and 1 - μ inside logs (`loglike_obs`,
/// `_resid_dev`), so a fitted 0 or 1 gives a finite value.
const LOG_GUARD: f64 = 1e-20;

/// The Binomial family with a link (default logit), one trial per row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Binomial<L = Logit> {
    /// The link function.
    pub link: L,
}

fn scalar(t: &Tensor) -> Result<f64, TchError> {
    t.f_double_value(&[])
}

impl<L: Link> Binomial<L> {
    /// A Binomial family with `link`.
    pub fn new(link: L) -> Self {
        Binomial { link }
    }

    /// The class name statsmodels prints as "Model Family".
    pub fn name(&self) -> &'static str {
        "Binomial"
    }

    /// IRLS start: μ₀ = (y + 0.5) / 2, i.e. 0.75 for y = 1, 0.25 for y = 0.
    pub fn starting_mu(&self, y: &Tensor) -> Result<Tensor, TchError> {
        y.f_add_scalar(0.5)?.f_div_scalar(2.0)
    }

    /// V(μ) = p (1 - p), p = μ clipped to `[EPS, 1 - EPS]`.
    pub fn variance(&self, mu: &Tensor) -> Result<Tensor, TchError> {
        let p = mu.f_clamp(EPS, 1.0 - EPS)?;
        p.f_mul(&p.f_rsub_scalar(1.0)?)
    }

    /// IRLS weights w = 1 / (g'(μ)² V(μ)).
    pub fn weights(&self, mu: &Tensor) -> Result<Tensor, TchError> {
        let d = self.link.deriv(mu)?;
        d.f_mul(&d)?.f_mul(&self.variance(mu)?)?.f_reciprocal()
    }

    /// Deviance 2 Σ [y log(y/μ) + (1-y) log((1-y)/(1-μ))], with statsmodels'
    /// guards: μ + 1e-20 and 1 - μ + 1e-20 in the denominators and the
    /// ratios clipped below at EPS (so y = 0 terms vanish).
    pub fn deviance(&self, y: &Tensor, mu: &Tensor) -> Result<f64, TchError> {
        let endog_mu = y.f_div(&mu.f_add_scalar(LOG_GUARD)?)?.f_clamp_min(EPS)?;
        let one_minus_y = y.f_rsub_scalar(1.0)?;
        let n_endog_mu = one_minus_y
            .f_div(&mu.f_rsub_scalar(1.0)?.f_add_scalar(LOG_GUARD)?)?
            .f_clamp_min(EPS)?;
        let resid = y
            .f_mul(&endog_mu.f_log()?)?
            .f_add(&one_minus_y.f_mul(&n_endog_mu.f_log()?)?)?;
        scalar(&resid.f_mul_scalar(2.0)?.f_sum(None)?)
    }

    /// Log-likelihood Σ [y log((μ+1e-20)/(1-μ+1e-20)) + log(1-μ+1e-20)]
    /// (the binomial coefficient terms are 0 for 0/1 data).
    pub fn loglike(&self, y: &Tensor, mu: &Tensor) -> Result<f64, TchError> {
        let one_minus = mu.f_rsub_scalar(1.0)?.f_add_scalar(LOG_GUARD)?;
        let odds = mu.f_add_scalar(LOG_GUARD)?.f_div(&one_minus)?;
        let ll = y.f_mul(&odds.f_log()?)?.f_add(&one_minus.f_log()?)?;
        scalar(&ll.f_sum(None)?)
    }

    /// Pearson's χ² Σ (y - μ)² / V(μ).
    pub fn pearson_chi2(&self, y: &Tensor, mu: &Tensor) -> Result<f64, TchError> {
        let r = y.f_sub(mu)?;
        scalar(&r.f_mul(&r)?.f_div(&self.variance(mu)?)?.f_sum(None)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(v: &[f64]) -> Tensor {
        Tensor::from_slice(v)
    }

    #[test]
    fn binomial_pieces_match_closed_forms() {
        let f = Binomial::<Logit>::default();
        let y = t(&[0.0, 1.0, 1.0, 0.0]);
        let mu0 = f.starting_mu(&y).unwrap();
        assert_eq!(
            Vec::<f64>::try_from(&mu0).unwrap(),
            [0.25, 0.75, 0.75, 0.25]
        );
        // Logit weights are p(1-p): 3/16 at the start.
        let w = Vec::<f64>::try_from(&f.weights(&mu0).unwrap()).unwrap();
        for w in w {
            assert!((w - 3.0 / 16.0).abs() < 1e-16, "{w}");
        }
        // Deviance at μ₀: every row contributes -2 log(0.75).
        let dev = f.deviance(&y, &mu0).unwrap();
        assert!((dev - 4.0 * -2.0 * 0.75f64.ln()).abs() < 1e-14, "{dev}");
        // Log-likelihood: each row log(0.75); deviance = -2 llf for 0/1 data.
        let llf = f.loglike(&y, &mu0).unwrap();
        assert!((llf - 4.0 * 0.75f64.ln()).abs() < 1e-14, "{llf}");
        // Pearson: each row 0.25² / (3/16) = 1/3.
        let p = f.pearson_chi2(&y, &mu0).unwrap();
        assert!((p - 4.0 / 3.0).abs() < 1e-14, "{p}");
    }

    #[test]
    fn fitted_zero_and_one_stay_finite() {
        let f = Binomial::<Logit>::default();
        let y = t(&[0.0, 1.0]);
        let mu = t(&[0.0, 1.0]);
        assert_eq!(f.deviance(&y, &mu).unwrap(), 0.0);
        assert!(f.loglike(&y, &mu).unwrap().abs() < 1e-15);
        assert!(f.pearson_chi2(&y, &mu).unwrap().is_finite());
        // A wrong prediction at the boundary is large but finite.
        let bad = f.deviance(&y, &t(&[1.0, 0.0])).unwrap();
        assert!(bad.is_finite() && bad > 100.0, "{bad}");
    }
}
