//! Link functions g (mean → linear predictor), one value at a time, written
//! with statsmodels' operations in statsmodels' order so the floating-point
//! results agree.
use std::f64::consts::PI;

use super::normal;

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
    /// g''(μ), statsmodels' `deriv2` (the observed information needs it).
    fn deriv2(&self, mu: f64) -> f64;
    /// (g⁻¹)'(η), the derivative of the inverse link, written as
    /// statsmodels' `inverse_deriv` for the link (prediction's delta method).
    fn inverse_deriv(&self, eta: f64) -> f64;
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

    /// `(2p - 1) / (p (1 - p))²`, p clipped.
    #[inline(always)]
    fn deriv2(&self, mu: f64) -> f64 {
        let p = clip(mu);
        let v = p * (1.0 - p);
        (2.0 * p - 1.0) / (v * v)
    }

    /// `t / (1 + t)²`, t = `exp(-|η|)`: statsmodels' `Logit.inverse_deriv`
    /// (t = `exp(η)`, the same value since the derivative is even in η)
    /// written so that t never overflows: finite for every η, 0 at ±∞.
    #[inline(always)]
    fn inverse_deriv(&self, eta: f64) -> f64 {
        let t = (-eta.abs()).exp();
        t / ((1.0 + t) * (1.0 + t))
    }
}

/// The probit link Φ⁻¹(p), statsmodels' `links.Probit` (a `CDFLink` on
/// `scipy.stats.norm`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Probit;

impl Link for Probit {
    fn name(&self) -> &'static str {
        "Probit"
    }

    /// `norm.ppf(p)`, p clipped to `[EPS, 1 - EPS]`.
    #[inline(always)]
    fn link(&self, mu: f64) -> f64 {
        normal::ppf(clip(mu))
    }

    /// `norm.cdf(η)`, not clipped.
    #[inline(always)]
    fn inverse(&self, eta: f64) -> f64 {
        normal::cdf(eta)
    }

    /// `1 / norm.pdf(norm.ppf(p))`, p clipped.
    #[inline(always)]
    fn deriv(&self, mu: f64) -> f64 {
        1.0 / normal::pdf(normal::ppf(clip(mu)))
    }

    /// `η / norm.pdf(η)²`, η = norm.ppf(p), p clipped.
    #[inline(always)]
    fn deriv2(&self, mu: f64) -> f64 {
        let eta = normal::ppf(clip(mu));
        let d = normal::pdf(eta);
        eta / (d * d)
    }

    /// `norm.pdf(η)` (statsmodels' `CDFLink.inverse_deriv`).
    #[inline(always)]
    fn inverse_deriv(&self, eta: f64) -> f64 {
        normal::pdf(eta)
    }
}

/// The complementary log-log link log(-log(1 - p)), statsmodels'
/// `links.CLogLog`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CLogLog;

impl Link for CLogLog {
    fn name(&self) -> &'static str {
        "CLogLog"
    }

    /// `log(-log(1 - p))`, p clipped.
    #[inline(always)]
    fn link(&self, mu: f64) -> f64 {
        let p = clip(mu);
        (-(1.0 - p).ln()).ln()
    }

    /// `1 - exp(-exp(η))`, not clipped, computed as `-expm1(-exp(η))`:
    /// statsmodels' `1 - exp(...)` cancels in the lower tail (11% low at
    /// η = -35.5, exactly 0 below η ≈ -36.7 where the mean is still
    /// positive); the two agree to within EPS absolute everywhere.
    #[inline(always)]
    fn inverse(&self, eta: f64) -> f64 {
        -(-eta.exp()).exp_m1()
    }

    /// `1 / ((p - 1) log(1 - p))`, p clipped.
    #[inline(always)]
    fn deriv(&self, mu: f64) -> f64 {
        let p = clip(mu);
        1.0 / ((p - 1.0) * (1.0 - p).ln())
    }

    /// `-1 / ((1 - p)² log(1 - p)) · (1 + 1 / log(1 - p))`, p clipped.
    #[inline(always)]
    fn deriv2(&self, mu: f64) -> f64 {
        let p = clip(mu);
        let fl = (1.0 - p).ln();
        let d2 = -1.0 / ((1.0 - p) * (1.0 - p) * fl);
        d2 * (1.0 + 1.0 / fl)
    }

    /// `exp(η - exp(η))` (statsmodels' `CLogLog.inverse_deriv`); 0 where
    /// `exp(η)` overflows (η = +∞ would give ∞ - ∞).
    #[inline(always)]
    fn inverse_deriv(&self, eta: f64) -> f64 {
        let t = eta.exp();
        if t.is_infinite() {
            0.0
        } else {
            (eta - t).exp()
        }
    }
}

/// The log-log link -log(-log(p)), statsmodels' `links.LogLog`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LogLog;

impl Link for LogLog {
    fn name(&self) -> &'static str {
        "LogLog"
    }

    /// `-log(-log(p))`, p clipped.
    #[inline(always)]
    fn link(&self, mu: f64) -> f64 {
        let p = clip(mu);
        -(-p.ln()).ln()
    }

    /// `exp(-exp(-η))`, not clipped.
    #[inline(always)]
    fn inverse(&self, eta: f64) -> f64 {
        (-(-eta).exp()).exp()
    }

    /// `-1 / (p log(p))`, p clipped.
    #[inline(always)]
    fn deriv(&self, mu: f64) -> f64 {
        let p = clip(mu);
        -1.0 / (p * p.ln())
    }

    /// `(1 + log(p)) / (p log(p))²`, p clipped.
    #[inline(always)]
    fn deriv2(&self, mu: f64) -> f64 {
        let p = clip(mu);
        let d = p * p.ln();
        (1.0 + p.ln()) / (d * d)
    }

    /// `exp(-exp(-η) - η)` (statsmodels' `LogLog.inverse_deriv`); 0 where
    /// `exp(-η)` overflows (η = -∞ would give -∞ + ∞).
    #[inline(always)]
    fn inverse_deriv(&self, eta: f64) -> f64 {
        let t = (-eta).exp();
        if t.is_infinite() {
            0.0
        } else {
            (-t - eta).exp()
        }
    }
}

/// The Cauchy link tan(π (p - 1/2)), statsmodels' `links.Cauchy` (a
/// `CDFLink` on `scipy.stats.cauchy`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cauchy;

/// scipy's `cauchy.ppf` (`special._cauchy_ppf(p, 0, 1)`): -1/tan(π p)
/// below 1/2, 1/tan(π (1 - p)) above, 0 at 1/2.
fn cauchy_ppf(p: f64) -> f64 {
    if p < 0.5 {
        -(1.0 / (PI * p).tan())
    } else if p > 0.5 {
        1.0 / (PI * (1.0 - p)).tan()
    } else {
        p - 0.5
    }
}

/// scipy's `cauchy.pdf`: `1.0/np.pi/(1.0+x*x)`.
fn cauchy_pdf(x: f64) -> f64 {
    1.0 / PI / (1.0 + x * x)
}

impl Link for Cauchy {
    fn name(&self) -> &'static str {
        "Cauchy"
    }

    /// `cauchy.ppf(p)`, p clipped.
    #[inline(always)]
    fn link(&self, mu: f64) -> f64 {
        cauchy_ppf(clip(mu))
    }

    /// `cauchy.cdf(η)` = `arctan2(1, -η) / π`, not clipped.
    #[inline(always)]
    fn inverse(&self, eta: f64) -> f64 {
        1.0f64.atan2(-eta) / PI
    }

    /// `1 / cauchy.pdf(cauchy.ppf(p))`, p clipped.
    #[inline(always)]
    fn deriv(&self, mu: f64) -> f64 {
        1.0 / cauchy_pdf(cauchy_ppf(clip(mu)))
    }

    /// `2 π² sin(a) / cos(a)³`, a = π (p - 1/2), p clipped.
    #[inline(always)]
    fn deriv2(&self, mu: f64) -> f64 {
        let a = PI * (clip(mu) - 0.5);
        2.0 * PI * PI * a.sin() / a.cos().powi(3)
    }

    /// `cauchy.pdf(η)` (statsmodels' `CDFLink.inverse_deriv`).
    #[inline(always)]
    fn inverse_deriv(&self, eta: f64) -> f64 {
        cauchy_pdf(eta)
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

    /// Distance in units in the last place between two finite f64 of the
    /// same sign (0 for equal values).
    fn ulps(a: f64, b: f64) -> u64 {
        if a == b {
            return 0;
        }
        if a.signum() != b.signum() {
            return u64::MAX;
        }
        (a.abs().to_bits() as i64 - b.abs().to_bits() as i64).unsigned_abs()
    }

    fn vector(v: &serde_json::Value) -> Vec<f64> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect()
    }

    fn vectors() -> serde_json::Value {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/glm/link_vectors.json"
        );
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    /// The worst distance in ulps of `f` over `xs` from `want`, with the
    /// point where it happens.
    /// Differences of at most `atol` count as 0.
    fn worst(xs: &[f64], want: &[f64], atol: f64, f: impl Fn(f64) -> f64) -> (u64, f64, f64, f64) {
        assert_eq!(xs.len(), want.len());
        xs.iter()
            .zip(want)
            .map(|(&x, &w)| {
                let g = f(x);
                let d = if (g - w).abs() <= atol { 0 } else { ulps(g, w) };
                (d, x, g, w)
            })
            .max_by_key(|t| t.0)
            .unwrap()
    }

    /// Worst distance allowed from statsmodels/scipy, in ulps: the same
    /// formulas in the same order (cephes' erf, erfc and ndtri as scipy's),
    /// but numpy's exp and log (SIMD) and the C library's can round apart
    /// in the last bit. Measured worst: 2 ulps (g' of probit, cloglog,
    /// loglog; norm.pdf); norm.cdf and norm.ppf agree to the bit.
    const MAX_ULPS: u64 = 4;

    /// Absolute tolerance for the inverse links, whose values are
    /// probabilities: `1 - exp(-exp(η))` near 0 inherits the last bit of
    /// exp near 1, where numpy's SIMD exp and the C library's can round
    /// apart by one step of 1 (EPS).
    const INVERSE_ATOL: f64 = EPS;

    #[test]
    fn links_match_statsmodels_vectors() {
        let v = vectors();
        let (mu, eta) = (vector(&v["mu"]), vector(&v["eta"]));
        let links: [&dyn Link; 5] = [&Logit, &Probit, &CLogLog, &LogLog, &Cauchy];
        for l in links {
            let want = &v["links"][l.name()];
            for (what, xs, atol, f) in [
                ("link", &mu, 0.0, &(|x| l.link(x)) as &dyn Fn(f64) -> f64),
                ("deriv", &mu, 0.0, &|x| l.deriv(x)),
                ("inverse", &eta, INVERSE_ATOL, &|x| l.inverse(x)),
                ("inverse_deriv", &eta, 0.0, &|x| l.inverse_deriv(x)),
            ] {
                let (d, x, got, w) = worst(xs, &vector(&want[what]), atol, f);
                assert!(
                    d <= MAX_ULPS,
                    "{}.{what}({x:e}) = {got:e}, statsmodels {w:e}: {d} ulps",
                    l.name()
                );
            }
        }
    }

    /// A central difference of g' with step 1e-5 at these μ is accurate to
    /// about 1e-8 relative (truncation: h² times g's fourth derivative over
    /// 6; rounding: EPS g' / h).
    const SLOPE_RTOL: f64 = 1e-6;

    #[test]
    fn deriv2_is_the_slope_of_deriv() {
        let links: [&dyn Link; 5] = [&Logit, &Probit, &CLogLog, &LogLog, &Cauchy];
        let h = 1e-5;
        for l in links {
            for mu in [0.1, 0.3, 0.5 + 1e-3, 0.7, 0.9] {
                let slope = (l.deriv(mu + h) - l.deriv(mu - h)) / (2.0 * h);
                let got = l.deriv2(mu);
                assert!(
                    (got - slope).abs() <= SLOPE_RTOL * slope.abs().max(1.0),
                    "{}.deriv2({mu}) = {got:e}, slope of deriv {slope:e}",
                    l.name()
                );
            }
        }
    }

    /// (g⁻¹)' is finite and not negative wherever g⁻¹ is finite: at
    /// every η, ±∞ included, even where statsmodels' formulas give NaN
    /// (`exp(η)` = ∞ in the logit's `t / (1 + t)²`).
    #[test]
    fn inverse_deriv_is_finite_at_extreme_eta() {
        let links: [&dyn Link; 5] = [&Logit, &Probit, &CLogLog, &LogLog, &Cauchy];
        let extremes = [
            0.0,
            37.0,
            709.78,
            709.79,
            710.0,
            745.2,
            1e3,
            1e300,
            f64::MAX,
            f64::INFINITY,
        ];
        for l in links {
            for eta in extremes.iter().flat_map(|&e| [e, -e]) {
                let (mu, d) = (l.inverse(eta), l.inverse_deriv(eta));
                assert!(mu.is_finite(), "{}.inverse({eta:e}) = {mu}", l.name());
                assert!(
                    d.is_finite() && d >= 0.0,
                    "{}.inverse_deriv({eta:e}) = {d}",
                    l.name()
                );
            }
            // Far out in both tails the slope is 0.
            for eta in [1e300, -1e300, f64::INFINITY, -f64::INFINITY] {
                let d = l.inverse_deriv(eta);
                assert!(d < 1e-200, "{}.inverse_deriv({eta:e}) = {d:e}", l.name());
            }
        }
    }

    /// Central differences of `inverse` agree with `inverse_deriv` to
    /// about h² (the third derivative is of order 1) plus rounding
    /// (EPS / h): 1e-8 at h = 1e-5 holds with a wide margin.
    const DERIV_TOL: f64 = 1e-8;

    #[test]
    fn inverse_deriv_is_the_derivative_of_inverse() {
        let h = 1e-5;
        let links: [&dyn Link; 5] = [&Logit, &Probit, &CLogLog, &LogLog, &Cauchy];
        for l in links {
            for eta in [-4.0, -1.5, -0.25, 0.0, 0.5, 2.0, 3.5] {
                let numeric = (l.inverse(eta + h) - l.inverse(eta - h)) / (2.0 * h);
                let got = l.inverse_deriv(eta);
                assert!(
                    (got - numeric).abs() <= DERIV_TOL,
                    "{}.inverse_deriv({eta}) = {got:e}, numeric {numeric:e}",
                    l.name()
                );
            }
        }
    }

    #[test]
    fn normal_distribution_matches_scipy_vectors() {
        let v = &vectors()["normal"];
        let (p, x) = (vector(&v["p"]), vector(&v["x"]));
        for (what, xs, f) in [
            ("ppf", &p, normal::ppf as fn(f64) -> f64),
            ("cdf", &x, normal::cdf),
            ("pdf", &x, normal::pdf),
        ] {
            let (d, at, got, w) = worst(xs, &vector(&v[what]), 0.0, f);
            eprintln!("norm.{what}: worst {d} ulps at {at:e}");
            assert!(
                d <= MAX_ULPS,
                "norm.{what}({at:e}) = {got:e}, scipy {w:e}: {d} ulps"
            );
        }
    }
}
