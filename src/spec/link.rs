//! The binomial link in one place: the [`Link`] trait (g, g⁻¹ and their
//! derivatives one value at a time, written with statsmodels' operations in
//! statsmodels' order so the floating-point results agree, and g⁻¹ on a
//! tensor as the network's output activation), its five types, the
//! [`LinkKind`] chosen at run time and the one dispatch from a kind to its
//! type ([`with_link!`]). A new link is a type with its `impl Link`, a
//! variant in [`LinkKind`] and [`LinkKind::ALL`], and an arm in
//! [`with_link!`], all in this file.
//!
//! The activation uses tch: the network's graph must be built op for op as
//! `scripts/original.py` builds it in PyTorch (so autograd, and every bit,
//! agree), and that choice of ops is part of each link's definition; a list
//! of ops interpreted in `nn/` would be a second per-link table.
use std::f64::consts::PI;
use std::fmt;
use std::str::FromStr;

use tch::{TchError, Tensor};

use super::normal;

/// Machine epsilon for f64 (numpy's `np.finfo(float).eps`), statsmodels'
/// `FLOAT_EPS`: probabilities are clipped to `[EPS, 1 - EPS]`.
pub const EPS: f64 = f64::EPSILON;

/// A Binomial GLM link function, evaluated one row at a time. The family,
/// the fitter, the results, prediction and the network only use these
/// methods. The fit is generic over the link (monomorphised through
/// [`with_link!`]: no dynamic call per row); [`LinkKind`] implements it too,
/// dispatching per call.
pub trait Link: Sync {
    /// Which link this is.
    fn kind(&self) -> LinkKind;
    /// The class name statsmodels prints as "Link Function" (`Logit`).
    fn name(&self) -> &'static str;
    /// The name in lower case, as `--link`, the JSON and the model file
    /// write it (`logit`).
    fn key(&self) -> &'static str;
    /// One line on the link and its inverse, the network's activation.
    fn about(&self) -> &'static str;
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
    /// g⁻¹ on a tensor of linear outputs: the network's output activation,
    /// op for op as `scripts/original.py`'s `activate` writes it in PyTorch.
    fn f_activation(&self, eta: &Tensor) -> Result<Tensor, TchError>;
}

/// Which link the Binomial GLM and the network use, chosen at run time.
/// Default: logit (statsmodels' default, the lecture's sigmoid network).
/// Parsed from statsmodels' class name in any case, printed as it
/// ([`fmt::Display`]), serialized in lower case ([`Link::key`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LinkKind {
    #[default]
    Logit,
    Probit,
    CLogLog,
    LogLog,
    Cauchy,
}

impl LinkKind {
    /// Every link, in the order the help lists them.
    pub const ALL: [LinkKind; 5] = [
        LinkKind::Logit,
        LinkKind::Probit,
        LinkKind::CLogLog,
        LinkKind::LogLog,
        LinkKind::Cauchy,
    ];
}

/// Evaluates `$body` with `$l` bound to the link type of the [`LinkKind`]
/// `$kind`: the one match from a kind to its type, so that code generic
/// over [`Link`] is compiled once per link.
macro_rules! with_link {
    ($kind:expr, |$l:ident| $body:expr) => {
        match $kind {
            $crate::spec::link::LinkKind::Logit => {
                let $l = $crate::spec::link::Logit;
                $body
            }
            $crate::spec::link::LinkKind::Probit => {
                let $l = $crate::spec::link::Probit;
                $body
            }
            $crate::spec::link::LinkKind::CLogLog => {
                let $l = $crate::spec::link::CLogLog;
                $body
            }
            $crate::spec::link::LinkKind::LogLog => {
                let $l = $crate::spec::link::LogLog;
                $body
            }
            $crate::spec::link::LinkKind::Cauchy => {
                let $l = $crate::spec::link::Cauchy;
                $body
            }
        }
    };
}
pub(crate) use with_link;

impl Link for LinkKind {
    fn kind(&self) -> LinkKind {
        *self
    }
    fn name(&self) -> &'static str {
        with_link!(self, |l| l.name())
    }
    fn key(&self) -> &'static str {
        with_link!(self, |l| l.key())
    }
    fn about(&self) -> &'static str {
        with_link!(self, |l| l.about())
    }
    fn link(&self, mu: f64) -> f64 {
        with_link!(self, |l| l.link(mu))
    }
    fn inverse(&self, eta: f64) -> f64 {
        with_link!(self, |l| l.inverse(eta))
    }
    fn deriv(&self, mu: f64) -> f64 {
        with_link!(self, |l| l.deriv(mu))
    }
    fn deriv2(&self, mu: f64) -> f64 {
        with_link!(self, |l| l.deriv2(mu))
    }
    fn inverse_deriv(&self, eta: f64) -> f64 {
        with_link!(self, |l| l.inverse_deriv(eta))
    }
    fn f_activation(&self, eta: &Tensor) -> Result<Tensor, TchError> {
        with_link!(self, |l| l.f_activation(eta))
    }
}

impl fmt::Display for LinkKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl serde::Serialize for LinkKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.key())
    }
}

/// A link read back from its key (or statsmodels' class name, any case),
/// as a study's lines record it.
impl<'de> serde::Deserialize<'de> for LinkKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A link name that is not one of [`LinkKind::ALL`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownLink(pub String);

impl fmt::Display for UnknownLink {
    /// `unknown link "identity"; the links are logit, probit, …`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys: Vec<&str> = LinkKind::ALL.iter().map(|k| k.key()).collect();
        write!(
            f,
            "unknown link {:?}; the links are {}",
            self.0,
            keys.join(", ")
        )
    }
}

impl std::error::Error for UnknownLink {}

impl FromStr for LinkKind {
    type Err = UnknownLink;

    /// The class name in any case: `logit`, `Probit`, `CLOGLOG`, …
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        LinkKind::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownLink(s.to_string()))
    }
}

/// μ clipped to `[EPS, 1 - EPS]`, statsmodels' `Logit._clean` (NaN stays
/// NaN, as `np.clip`). Inlined, so that a loop over rows that calls it
/// vectorises.
#[inline]
pub fn clip(mu: f64) -> f64 {
    mu.clamp(EPS, 1.0 - EPS)
}

/// The logit link, log(p / (1 - p)), statsmodels' `links.Logit`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Logit;

impl Link for Logit {
    fn kind(&self) -> LinkKind {
        LinkKind::Logit
    }

    fn name(&self) -> &'static str {
        "Logit"
    }

    fn key(&self) -> &'static str {
        "logit"
    }

    fn about(&self) -> &'static str {
        "log(p / (1 - p)); the network's activation is the sigmoid"
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

    /// `torch.sigmoid(η)` (the lecture's).
    fn f_activation(&self, eta: &Tensor) -> Result<Tensor, TchError> {
        eta.f_sigmoid()
    }
}

/// The probit link Φ⁻¹(p), statsmodels' `links.Probit` (a `CDFLink` on
/// `scipy.stats.norm`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Probit;

impl Link for Probit {
    fn kind(&self) -> LinkKind {
        LinkKind::Probit
    }

    fn name(&self) -> &'static str {
        "Probit"
    }

    fn key(&self) -> &'static str {
        "probit"
    }

    fn about(&self) -> &'static str {
        "The standard Normal quantile; activation: the Normal CDF"
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

    /// The standard Normal CDF, `torch.special.ndtr(η)`: PyTorch's own
    /// kernel, not [`normal::cdf`], because the network's contract is
    /// PyTorch's bits and the GLM's is scipy's. PyTorch computes
    /// (1 + erf(η/√2))/2: within 2.2e-16 of scipy's Φ everywhere, but it
    /// loses relative precision in the left tail and is exactly 0 below
    /// η ≈ −8.38 in float64 (≈ −5.56 in float32), where BCE clamps the log
    /// at −100 as PyTorch does
    /// (`probit_activation_and_normal_cdf_are_the_same_function`).
    fn f_activation(&self, eta: &Tensor) -> Result<Tensor, TchError> {
        eta.f_special_ndtr()
    }
}

/// The complementary log-log link log(-log(1 - p)), statsmodels'
/// `links.CLogLog`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CLogLog;

impl Link for CLogLog {
    fn kind(&self) -> LinkKind {
        LinkKind::CLogLog
    }

    fn name(&self) -> &'static str {
        "CLogLog"
    }

    fn key(&self) -> &'static str {
        "cloglog"
    }

    fn about(&self) -> &'static str {
        "log(-log(1 - p)); activation: 1 - exp(-exp(η))"
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

    /// `-torch.expm1(-torch.exp(η))` (exact for small exp(η), where
    /// `1 - exp(...)` would cancel in float32).
    fn f_activation(&self, eta: &Tensor) -> Result<Tensor, TchError> {
        eta.f_exp()?.f_neg()?.f_expm1()?.f_neg()
    }
}

/// The log-log link -log(-log(p)), statsmodels' `links.LogLog`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LogLog;

impl Link for LogLog {
    fn kind(&self) -> LinkKind {
        LinkKind::LogLog
    }

    fn name(&self) -> &'static str {
        "LogLog"
    }

    fn key(&self) -> &'static str {
        "loglog"
    }

    fn about(&self) -> &'static str {
        "-log(-log(p)); activation: exp(-exp(-η))"
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

    /// `torch.exp(-torch.exp(-η))`.
    fn f_activation(&self, eta: &Tensor) -> Result<Tensor, TchError> {
        eta.f_neg()?.f_exp()?.f_neg()?.f_exp()
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
    fn kind(&self) -> LinkKind {
        LinkKind::Cauchy
    }

    fn name(&self) -> &'static str {
        "Cauchy"
    }

    fn key(&self) -> &'static str {
        "cauchy"
    }

    fn about(&self) -> &'static str {
        "tan(π(p - 1/2)); activation: 0.5 + atan(η)/π"
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

    /// `torch.atan(η) / math.pi + 0.5`.
    fn f_activation(&self, eta: &Tensor) -> Result<Tensor, TchError> {
        eta.f_atan()?.f_div_scalar(PI)?.f_add_scalar(0.5)
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
        assert_eq!((l.name(), l.key()), ("Logit", "logit"));
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
        for l in LinkKind::ALL {
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
        let h = 1e-5;
        for l in LinkKind::ALL {
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
        for l in LinkKind::ALL {
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
        for l in LinkKind::ALL {
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

    /// Each kind is its type: the same names and, bit for bit, the same
    /// values; names parse back in any case.
    #[test]
    fn kinds_dispatch_to_their_types_and_names_round_trip() {
        let types: [&dyn Link; 5] = [&Logit, &Probit, &CLogLog, &LogLog, &Cauchy];
        for (k, t) in LinkKind::ALL.into_iter().zip(types) {
            assert_eq!(t.kind(), k);
            assert_eq!(
                (k.name(), k.key(), k.about()),
                (t.name(), t.key(), t.about())
            );
            assert_eq!(k.key(), k.name().to_lowercase());
            assert_eq!(k.to_string(), k.name());
            assert_eq!(k.name().parse::<LinkKind>(), Ok(k));
            assert_eq!(k.key().parse::<LinkKind>(), Ok(k));
            assert_eq!(k.name().to_uppercase().parse::<LinkKind>(), Ok(k));
            for (mu, eta) in [(0.3, -2.5), (0.8, 0.3)] {
                // Opaque to the compiler: a call it folds at compile time
                // (with the build machine's libm) may round apart from the
                // same call made at run time.
                let (mu, eta) = std::hint::black_box((mu, eta));
                assert_eq!(k.link(mu).to_bits(), t.link(mu).to_bits());
                assert_eq!(k.deriv(mu).to_bits(), t.deriv(mu).to_bits());
                assert_eq!(k.deriv2(mu).to_bits(), t.deriv2(mu).to_bits());
                assert_eq!(k.inverse(eta).to_bits(), t.inverse(eta).to_bits());
                let d = (k.inverse_deriv(eta), t.inverse_deriv(eta));
                assert_eq!(d.0.to_bits(), d.1.to_bits());
            }
            assert_eq!(
                serde_json::to_string(&k).unwrap(),
                format!("\"{}\"", k.key())
            );
        }
        assert_eq!(LinkKind::default(), LinkKind::Logit);
    }

    #[test]
    fn rejects_unknown_link_name() {
        let e = "identity".parse::<LinkKind>().unwrap_err();
        assert_eq!(e, UnknownLink("identity".into()));
        assert_eq!(
            e.to_string(),
            "unknown link \"identity\"; the links are logit, probit, cloglog, loglog, cauchy"
        );
    }

    /// f64 evaluation of the same formulas as [`Link::inverse`] on a
    /// tensor: only rounding differs.
    const ACTIVATION_TOL: f64 = 1e-15;

    /// Each activation is its link's inverse: evaluated in f64 at a few
    /// points against the closed forms (erfc for probit).
    #[test]
    fn each_activation_is_its_links_inverse() {
        let etas: [f64; 5] = [-3.0, -0.5, 0.0, 0.7, 2.5];
        let t = Tensor::from_slice(&etas);
        for l in LinkKind::ALL {
            let got = crate::runtime::torch::to_vec_f64(&l.f_activation(&t).unwrap()).unwrap();
            for (&eta, &p) in etas.iter().zip(&got) {
                let want = match l {
                    LinkKind::Logit => 1.0 / (1.0 + (-eta).exp()),
                    LinkKind::Probit => 0.5 * libtorch_erfc(-eta / std::f64::consts::SQRT_2),
                    LinkKind::CLogLog => 1.0 - (-eta.exp()).exp(),
                    LinkKind::LogLog => (-(-eta).exp()).exp(),
                    LinkKind::Cauchy => 0.5 + eta.atan() / PI,
                };
                assert!(
                    (p - want).abs() < ACTIVATION_TOL,
                    "{l} at {eta}: {p} vs {want}"
                );
            }
        }
    }

    /// PyTorch's Φ (the probit network's activation) and scipy's (the
    /// GLM's, [`normal::cdf`]) are one function to an absolute 2.2e-16
    /// (one ulp of 1) from η = −30 to 8, so the network and the GLM fit
    /// the same model; PyTorch's is 0 in the far left tail (η = −9) where
    /// scipy's is 1.1e-19, as the activation's documentation says.
    #[test]
    fn probit_activation_and_normal_cdf_are_the_same_function() {
        let etas: Vec<f64> = (-3000..=800).map(|i| f64::from(i) / 100.0).collect();
        let t = Tensor::from_slice(&etas);
        let torch = crate::runtime::torch::to_vec_f64(&Probit.f_activation(&t).unwrap()).unwrap();
        for (&eta, &p) in etas.iter().zip(&torch) {
            let q = normal::cdf(eta);
            assert!(
                (p - q).abs() <= f64::EPSILON,
                "Φ({eta}): torch {p:e}, cephes {q:e}"
            );
        }
        let at = |eta: f64| etas.iter().position(|&e| e == eta).unwrap();
        assert_eq!(torch[at(-9.0)], 0.0);
        assert!(normal::cdf(-9.0) > 1e-19);
    }

    /// erfc through libtorch's f64 kernel (Rust's std has none).
    fn libtorch_erfc(x: f64) -> f64 {
        Tensor::from(x).erfc().double_value(&[])
    }
}
