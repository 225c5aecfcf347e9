//! The Binomial family (0/1 response) one row at a time: starting values,
//! variance, IRLS weights, deviance, log-likelihood and Pearson terms, each
//! as statsmodels' `families.Binomial` computes it (same clipping, same
//! operation order). The fit and the results call these, nothing else.
use super::link::{clip, Link, Logit, EPS};
use crate::math::vmath;

/// statsmodels adds this to μ and 1 - μ inside logs (`loglike_obs`,
/// `_resid_dev`), so a fitted 0 or 1 gives a finite value.
pub const LOG_GUARD: f64 = 1e-20;

/// The Binomial family with a link (default logit), one trial per row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Binomial<L = Logit> {
    /// The link function.
    pub link: L,
}

/// `clip(v, EPS, inf)` as numpy and torch do it: NaN stays NaN.
fn clip_min_eps(v: f64) -> f64 {
    if v < EPS {
        EPS
    } else {
        v
    }
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
    #[inline(always)]
    pub fn starting_mu(&self, y: f64) -> f64 {
        (y + 0.5) / 2.0
    }

    /// V(μ) = p (1 - p), p = μ clipped to `[EPS, 1 - EPS]`.
    #[inline(always)]
    pub fn variance(&self, mu: f64) -> f64 {
        let p = clip(mu);
        p * (1.0 - p)
    }

    /// V'(μ) = 1 - 2p, p = μ clipped (statsmodels' `varfuncs.Binomial.deriv`).
    #[inline(always)]
    pub fn variance_deriv(&self, mu: f64) -> f64 {
        1.0 - 2.0 * clip(mu)
    }

    /// IRLS weight w = 1 / (g'(μ)² V(μ)).
    #[inline(always)]
    pub fn weight(&self, mu: f64) -> f64 {
        let d = self.link.deriv(mu);
        1.0 / (d * d * self.variance(mu))
    }

    /// One row's deviance term 2 [y log(y/μ) + (1-y) log((1-y)/(1-μ))] with
    /// statsmodels' guards: μ + 1e-20 and 1 - μ + 1e-20 in the denominators
    /// and the ratios clipped below at EPS. A zero coefficient multiplies a
    /// finite log (the ratio is clipped at EPS), so that product is
    /// dropped: it is zero unless μ is NaN. Without a branch (both logs
    /// computed, [`vmath::ln`]), so that a loop over rows vectorises.
    #[inline(always)]
    pub fn deviance(&self, y: f64, mu: f64) -> f64 {
        let one_minus_y = 1.0 - y;
        let a = y * vmath::ln(clip_min_eps(y / (mu + LOG_GUARD)));
        let b = one_minus_y * vmath::ln(clip_min_eps(one_minus_y / ((1.0 - mu) + LOG_GUARD)));
        let a = if y == 0.0 { 0.0 } else { a };
        let b = if one_minus_y == 0.0 { 0.0 } else { b };
        if mu.is_nan() {
            f64::NAN
        } else {
            (a + b) * 2.0
        }
    }

    /// [`deviance`](Self::deviance) of a 0/1 target, bit for bit, with one
    /// log and one division instead of two of each: the term of the class
    /// not observed is dropped there anyway, and 1 · v = v.
    #[inline(always)]
    pub fn deviance_binary(&self, y: f64, mu: f64) -> f64 {
        debug_assert!(y == 0.0 || y == 1.0, "y = {y}");
        let d = if y == 1.0 {
            mu + LOG_GUARD
        } else {
            (1.0 - mu) + LOG_GUARD
        };
        let t = vmath::ln(clip_min_eps(1.0 / d));
        if mu.is_nan() {
            f64::NAN
        } else {
            (t + 0.0) * 2.0
        }
    }

    /// One row's log-likelihood y log((μ+1e-20)/(1-μ+1e-20)) + log(1-μ+1e-20)
    /// (the binomial coefficient terms are 0 for 0/1 data). For y = 0 the
    /// first product is skipped: the odds are finite and positive for μ in
    /// [0, 1], so it is zero (unless μ is NaN).
    #[inline(always)]
    pub fn loglike(&self, y: f64, mu: f64) -> f64 {
        let one_minus = (1.0 - mu) + LOG_GUARD;
        let a = if y == 0.0 && !mu.is_nan() {
            0.0
        } else {
            y * ((mu + LOG_GUARD) / one_minus).ln()
        };
        a + one_minus.ln()
    }

    /// One row's Pearson term (y - μ)² / V(μ).
    #[inline(always)]
    pub fn pearson(&self, y: f64, mu: f64) -> f64 {
        let r = y - mu;
        r * r / self.variance(mu)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::math::sum::sum_rows;

    /// The one-log deviance of a 0/1 target is the two-log one, bit for
    /// bit, at every μ: random ones over (0, 1), and 0, 1, the guards'
    /// scale, subnormals, values next to 0 and 1, NaN, ±inf, out of range.
    #[test]
    fn binary_deviance_is_the_deviance_bit_for_bit() {
        use rand::{Rng, SeedableRng};
        let f = Binomial::<Logit>::default();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        let mut mus = vec![
            0.0,
            -0.0,
            1.0,
            1e-20,
            1e-300,
            5e-324,
            1e-16,
            EPS,
            0.5,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            -0.5,
            1.5,
            1.0 - f64::EPSILON,
            1.0 - f64::EPSILON / 2.0,
        ];
        for _ in 0..200_000 {
            let e: f64 = rng.random_range(-40.0..0.0);
            let m = 10f64.powf(e);
            mus.extend([m, 1.0 - m, rng.random::<f64>()]);
        }
        for &m in &mus {
            for y in [0.0, 1.0] {
                let (one, two) = (f.deviance_binary(y, m), f.deviance(y, m));
                assert!(
                    one.to_bits() == two.to_bits() || (one.is_nan() && two.is_nan()),
                    "y {y}, mu {m:e}: {one:e} vs {two:e}"
                );
            }
        }
    }

    #[test]
    fn binomial_pieces_match_closed_forms() {
        let f = Binomial::<Logit>::default();
        let y = [0.0, 1.0, 1.0, 0.0];
        let mu0: Vec<f64> = y.iter().map(|&y| f.starting_mu(y)).collect();
        assert_eq!(mu0, [0.25, 0.75, 0.75, 0.25]);
        // Logit weights are p(1-p): 3/16 at the start.
        for w in mu0.iter().map(|&m| f.weight(m)) {
            assert!((w - 3.0 / 16.0).abs() < 1e-16, "{w}");
        }
        // V'(μ) = 1 - 2μ: ±1/2 at the start.
        let dvar: Vec<f64> = mu0.iter().map(|&m| f.variance_deriv(m)).collect();
        assert_eq!(dvar, [0.5, -0.5, -0.5, 0.5]);
        // Deviance at μ₀: every row contributes -2 log(0.75).
        let dev = sum_rows(&y, &mu0, |y, m| f.deviance(y, m));
        assert!((dev - 4.0 * -2.0 * 0.75f64.ln()).abs() < 1e-14, "{dev}");
        // Log-likelihood: each row log(0.75); deviance = -2 llf for 0/1 data.
        let llf = sum_rows(&y, &mu0, |y, m| f.loglike(y, m));
        assert!((llf - 4.0 * 0.75f64.ln()).abs() < 1e-14, "{llf}");
        // Pearson: each row 0.25² / (3/16) = 1/3.
        let p = sum_rows(&y, &mu0, |y, m| f.pearson(y, m));
        assert!((p - 4.0 / 3.0).abs() < 1e-14, "{p}");
    }

    #[test]
    fn fitted_zero_and_one_stay_finite() {
        let f = Binomial::<Logit>::default();
        let y = [0.0, 1.0];
        let sum = |mu: [f64; 2], g: &dyn Fn(f64, f64) -> f64| sum_rows(&y, &mu, g);
        assert_eq!(sum([0.0, 1.0], &|y, m| f.deviance(y, m)), 0.0);
        assert!(sum([0.0, 1.0], &|y, m| f.loglike(y, m)).abs() < 1e-15);
        assert!(sum([0.0, 1.0], &|y, m| f.pearson(y, m)).is_finite());
        // A wrong prediction at the boundary is large but finite.
        let bad = sum([1.0, 0.0], &|y, m| f.deviance(y, m));
        assert!(bad.is_finite() && bad > 100.0, "{bad}");
    }
}
