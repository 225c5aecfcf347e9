//! The lecture's simulated data: x ~ Uniform(low, high)^k, p = sigmoid(X·beta),
//! y ~ Bernoulli(p), with an intercept first in `beta`; or, by choice, normal
//! features with a common correlation and p from another link's inverse.
//!
//! Drawn as `scripts/original.py` draws it, value for value:
//! `np.random.seed(S)`, `x = np.random.uniform(low, high, size=(n, k))`,
//! `p = 1 / (1 + np.exp(-(X @ beta)))`, `y = np.random.binomial(1, p)`, with
//! numpy's legacy `RandomState` streams ([`RandomState`]), which numpy keeps
//! frozen across versions and machines. `X @ beta` follows the sum order of
//! the BLAS kernels numpy calls ([`numpy_matvec`]) and `exp` is libm's; numpy's
//! own SIMD `exp` (AVX-512 machines) may differ from it in the last bit, so
//! the true logit and p agree with numpy's to within an ulp or two, and y
//! (which depends on p only through a comparison with a 53-bit uniform)
//! agrees exactly unless a draw falls on that last bit (probability about
//! 2^-53 per row).
//!
//! The other choices, in numpy ([`XDist`], [`SimConfig::x_corr`],
//! [`SimConfig::link`]):
//! - `x_dist` normal: `z = np.random.standard_normal((n, k))` in place of
//!   the uniforms (`low` and `high` are not used); with `x_corr` r ≠ 0,
//!   `x[:, j] = L[j, 0]·z[:, 0] + … + L[j, j]·z[:, j]`, added left to right
//!   (`z @ L.T` up to the rounding of its BLAS), L the factor of
//!   [`equicorrelation`]; with r = 0, x = z;
//! - a link other than logit: `p = F(X @ beta)` with F statsmodels' inverse
//!   of that link (`sm.families.links.Probit().inverse(eta)`, which is
//!   `scipy.stats.norm.cdf`, i.e. `scipy.special.ndtr`; `CLogLog`:
//!   `-np.expm1(-np.exp(η))`; `LogLog`: `np.exp(-np.exp(-η))`; `Cauchy`:
//!   `np.arctan2(1, -η) / np.pi`), as [`Link::inverse`] computes it; the
//!   logit keeps `1 / (1 + np.exp(-η))`. These agree with scipy's and
//!   numpy's values to the last bit or within an ulp (libm and cephes
//!   against numpy's SIMD functions), so y agrees exactly but for a draw on
//!   that last bit.
use std::fmt;

use crate::data::{DataError, Dataset};
use crate::math::equicorrelation;
use crate::math::numpy_matvec;
use crate::math::random_state::{RandomState, MAX_SEED};
use crate::numfmt::Short;
use crate::runtime::threads::Threads;
use crate::setting::{in_fields, In, Phrase, Setting, Worded, Wording};
use crate::spec::{Link, LinkKind};

/// Default seed for simulated data and network initialisation.
pub const DEFAULT_SEED: u64 = 42;

/// The features' distribution.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum XDist {
    /// Uniform(low, high), each feature independent: the lecture's. Default.
    #[default]
    Uniform,
    /// Standard normal (numpy's legacy `standard_normal`), correlated
    /// through [`SimConfig::x_corr`].
    Normal,
}

impl XDist {
    /// Every distribution, in the order the help lists them.
    pub const ALL: [XDist; 2] = [XDist::Uniform, XDist::Normal];

    /// The name flags and lines use: `uniform`, `normal`.
    pub fn name(self) -> &'static str {
        match self {
            XDist::Uniform => "uniform",
            XDist::Normal => "normal",
        }
    }
}

impl std::str::FromStr for XDist {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        XDist::ALL
            .into_iter()
            .find(|d| d.name() == s)
            .ok_or_else(|| format!("'{s}' is not one of uniform, normal"))
    }
}

/// Bound on |z| of numpy's legacy normal draws: the polar method's pair
/// gives at most sqrt(−2·ln r2) with r2 >= 2^-104 (its doubles are
/// multiples of 2^-53), about 12.01.
const NORMAL_REACH: f64 = 12.1;

/// Settings for the lecture's data set.
#[derive(Debug, Clone, PartialEq)]
pub struct SimConfig {
    /// Number of rows. Default 1000.
    pub n: usize,
    /// True coefficients, intercept first; `beta.len() - 1` features.
    /// Default (0.3, -1, 2).
    pub beta: Vec<f64>,
    /// Lower end of each feature's uniform box. Default -3.
    pub low: f64,
    /// Upper end of each feature's uniform box. Default 3.
    pub high: f64,
    /// Seed of numpy's `np.random.seed`: 0 to 2^32 − 1. Default [`DEFAULT_SEED`].
    pub seed: u64,
    /// Threads for the data set's rank check. Default [`Threads::Auto`].
    pub threads: Threads,
    /// The link whose inverse turns X·beta into p (the true link).
    /// Default logit.
    pub link: LinkKind,
    /// The features' distribution. Default uniform.
    pub x_dist: XDist,
    /// Common correlation between the features, through the Cholesky
    /// factor of the equicorrelation matrix: normal features only, in
    /// (−1/(k−1), 1). Default 0.
    pub x_corr: f64,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            n: 1000,
            beta: vec![0.3, -1.0, 2.0],
            low: -3.0,
            high: 3.0,
            seed: DEFAULT_SEED,
            threads: Threads::Auto,
            link: LinkKind::Logit,
            x_dist: XDist::Uniform,
            x_corr: 0.0,
        }
    }
}

/// What is wrong with a [`SimConfig`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SimError {
    #[error("{}", in_fields(self))]
    NoRows,
    /// The seed is beyond numpy's range for `np.random.seed`, 2^32 − 1.
    #[error("{}", in_fields(self))]
    SeedRange(u64),
    #[error("{}", in_fields(self))]
    ShortBeta(usize),
    #[error("{}", in_fields(self))]
    NonFiniteBeta(f64),
    #[error("{}", in_fields(self))]
    BadBox { low: f64, high: f64 },
    /// The common correlation is not one the features can have.
    #[error("{}", in_fields(self))]
    CorrRange { r: f64, k: usize },
    /// A correlation with uniform features, which keep their box only
    /// when independent.
    #[error("{}", in_fields(self))]
    CorrUniform(f64),
    #[error(transparent)]
    TooLarge(#[from] crate::runtime::memory::TooLarge),
    /// |b0| + Σ|bj|·max(|low|, |high|), the largest |X·beta| the box allows,
    /// is beyond f64: the true logit and p could come out infinite or NaN.
    #[error("{}", in_fields(self))]
    PredictorOverflow { low: f64, high: f64 },
    /// The draw is not a data set the fits can use (fewer rows than
    /// coefficients, or a box so narrow that a feature is constant or
    /// aliased): the same check, and message, as a data file's.
    #[error(transparent)]
    Data(#[from] DataError),
}

impl Worded for SimError {
    fn write(&self, w: &Wording, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = |s: Setting| In(&s, w).to_string();
        match self {
            SimError::NoRows => write!(f, "{} must be at least 1", s(Setting::N)),
            SimError::SeedRange(seed) => write!(
                f,
                "{} {seed} is beyond numpy's seeds, 0 to {MAX_SEED} (2^32 - 1)",
                s(Setting::Seed)
            ),
            SimError::ShortBeta(got) => write!(
                f,
                "{} needs an intercept and at least one coefficient, got {got} value(s)",
                s(Setting::Beta)
            ),
            SimError::NonFiniteBeta(b) => {
                write!(f, "{} value {b} is not finite", s(Setting::Beta))
            }
            SimError::BadBox { low, high } => write!(
                f,
                "{} ({}) must be below {} ({}), both finite",
                s(Setting::Low),
                Short(*low),
                s(Setting::High),
                Short(*high)
            ),
            SimError::CorrRange { r, k: k @ (0 | 1) } => write!(
                f,
                "{} {} with {k} feature(s): a correlation needs two features or more; give 0",
                s(Setting::XCorr),
                Short(*r),
            ),
            SimError::CorrRange { r, k } => write!(
                f,
                "{} {} with {k} features: a common correlation must lie in (-1/{}, 1)",
                s(Setting::XCorr),
                Short(*r),
                k - 1
            ),
            SimError::CorrUniform(r) => write!(
                f,
                "{} {} needs {} normal: uniform features are drawn independent",
                s(Setting::XCorr),
                Short(*r),
                s(Setting::XDist)
            ),
            SimError::TooLarge(e) => e.write(w, f),
            SimError::PredictorOverflow { low, high } => write!(
                f,
                "{} with {} {} and {} {}: the linear predictor X·beta can exceed the largest \
                 f64 (about 1.8e308); use smaller coefficients or a narrower range",
                s(Setting::Beta),
                s(Setting::Low),
                Short(*low),
                s(Setting::High),
                Short(*high)
            ),
            SimError::Data(e) => e.write(w, f),
        }
    }
}

impl SimError {
    /// Always [`ErrorKind::BadInput`](crate::ErrorKind): the settings are at fault.
    pub fn kind(&self) -> crate::ErrorKind {
        crate::ErrorKind::BadInput
    }
}

impl SimConfig {
    /// Check the settings; every generated data set comes from a checked config.
    pub fn check(&self) -> Result<(), SimError> {
        if self.n == 0 {
            return Err(SimError::NoRows);
        }
        if self.seed > MAX_SEED {
            return Err(SimError::SeedRange(self.seed));
        }
        if self.beta.len() < 2 {
            return Err(SimError::ShortBeta(self.beta.len()));
        }
        if let Some(b) = self.beta.iter().find(|b| !b.is_finite()) {
            return Err(SimError::NonFiniteBeta(*b));
        }
        if !(self.low.is_finite() && self.high.is_finite() && self.low < self.high) {
            return Err(SimError::BadBox {
                low: self.low,
                high: self.high,
            });
        }
        if !equicorrelation::in_range(self.x_corr, self.k_features()) {
            return Err(SimError::CorrRange {
                r: self.x_corr,
                k: self.k_features(),
            });
        }
        if self.x_dist == XDist::Uniform && self.x_corr != 0.0 {
            return Err(SimError::CorrUniform(self.x_corr));
        }
        crate::runtime::memory::check(
            || {
                Phrase(vec![
                    Setting::N.into(),
                    format!(" {} with {} coefficients", self.n, self.beta.len()).into(),
                ])
            },
            "the simulated data",
            self.bytes(),
        )?;
        // A normal feature is a sum of at most k draws with weights whose
        // squares add to 1: at most sqrt(k) times one draw's bound.
        let reach = match self.x_dist {
            XDist::Uniform => self.low.abs().max(self.high.abs()),
            XDist::Normal => NORMAL_REACH * (self.k_features() as f64).sqrt(),
        };
        let bound =
            self.beta[0].abs() + self.beta[1..].iter().map(|b| b.abs() * reach).sum::<f64>();
        if !bound.is_finite() {
            return Err(SimError::PredictorOverflow {
                low: self.low,
                high: self.high,
            });
        }
        Ok(())
    }

    /// Bytes of the simulated data set ([`Simulated`]: the design with its
    /// intercept column, y, the true logit and p, all f64); None when that
    /// does not fit in 64 bits.
    pub fn bytes(&self) -> Option<u64> {
        let per_row = self.beta.len().checked_add(3)?.checked_mul(8)?;
        crate::runtime::memory::product(&[self.n, per_row])
    }

    /// Number of features (columns without the intercept).
    pub fn k_features(&self) -> usize {
        self.beta.len() - 1
    }

    /// Design column names: `const`, then `x1`, `x2`, ... one per feature.
    pub fn names(&self) -> Vec<String> {
        std::iter::once("const".to_string())
            .chain((1..self.beta.len()).map(|j| format!("x{j}")))
            .collect()
    }
}

/// One draw of the lecture's data, not checked as a data set: what
/// `logreg simulate` writes, whatever its size (one row included).
/// The first of the row counts `ns` below `k`, the number of coefficients
/// (intercept included): a GLM needs at least as many rows as
/// coefficients. Checked before simulating, so that a flag can be named.
pub fn too_few_rows(ns: &[usize], k: usize) -> Option<usize> {
    ns.iter().copied().find(|&n| n < k)
}

#[derive(Debug, Clone)]
pub struct Draws {
    /// Design column names: `const`, then the features.
    pub names: Vec<String>,
    /// Row-major design matrix, the intercept column (all ones) first.
    pub x: Vec<f64>,
    /// Outcome per row, 0.0 or 1.0.
    pub y: Vec<f64>,
    /// True linear predictor X·beta per row.
    pub logit: Vec<f64>,
    /// True probability F(X·beta) per row, F the inverse of the true link.
    pub p: Vec<f64>,
}

/// One simulated data set, with the true linear predictor and probability.
#[derive(Debug, Clone)]
pub struct Simulated {
    /// Features and outcome, ready for the fits (intercept column first).
    pub data: Dataset,
    /// True linear predictor X·beta per row.
    pub logit: Vec<f64>,
    /// True probability F(X·beta) per row, F the inverse of the true link.
    pub p: Vec<f64>,
}

/// Draw the lecture's data set and build it through [`Dataset::new`], whose
/// checks (rows, both classes, rank) it must pass as a data file's must.
pub fn simulate(cfg: &SimConfig) -> Result<Simulated, SimError> {
    let d = draw(cfg)?;
    let data = Dataset::new(
        d.names,
        "y".into(),
        d.x,
        d.y,
        "simulated".into(),
        cfg.threads,
    )?
    .with_truth(cfg.beta.clone());
    Ok(Simulated {
        data,
        logit: d.logit,
        p: d.p,
    })
}

/// Draw the lecture's data as numpy does: all n·k features row by row
/// (uniforms, or normals then their correlation), then the true linear
/// predictor and p, then one `binomial(1, p)` per row.
pub fn draw(cfg: &SimConfig) -> Result<Draws, SimError> {
    cfg.check()?;
    let mut rng = RandomState::seed(cfg.seed).ok_or(SimError::SeedRange(cfg.seed))?;
    let k = cfg.beta.len();
    let mut x = Vec::with_capacity(cfg.n * k);
    match cfg.x_dist {
        XDist::Uniform => {
            // numpy's `uniform` is `low + (high - low)·u`, and it refuses a
            // box wider than 1.8e308; there, the same point as
            // low·(1 - u) + high·u, which cannot overflow.
            let width = cfg.high - cfg.low;
            let mut feature = || match width.is_finite() {
                true => rng.uniform(cfg.low, width),
                false => {
                    let u = rng.next_double();
                    cfg.low * (1.0 - u) + cfg.high * u
                }
            };
            x.resize(cfg.n * k, 1.0);
            for row in x.chunks_exact_mut(k) {
                for v in &mut row[1..] {
                    *v = feature();
                }
            }
        }
        XDist::Normal => {
            let kf = k - 1;
            let l = (cfg.x_corr != 0.0).then(|| equicorrelation::cholesky(kf, cfg.x_corr));
            let mut z = vec![0.0; kf];
            for _ in 0..cfg.n {
                z.iter_mut().for_each(|v| *v = rng.gauss());
                let feature = |j: usize| match &l {
                    None => z[j],
                    Some(l) => {
                        let row = &l[j * kf..j * kf + j + 1];
                        let first = row[0] * z[0];
                        row[1..]
                            .iter()
                            .zip(&z[1..])
                            .fold(first, |acc, (a, b)| acc + a * b)
                    }
                };
                x.extend(std::iter::once(1.0).chain((0..kf).map(feature)));
            }
        }
    }
    let logit = numpy_matvec(&x, &cfg.beta);
    let p: Vec<f64> = logit
        .iter()
        .map(|&z| true_probability(cfg.link, z))
        .collect();
    let y = p.iter().map(|&pi| f64::from(rng.bernoulli(pi))).collect();
    Ok(Draws {
        names: cfg.names(),
        x,
        y,
        logit,
        p,
    })
}

/// The true probability F(η) of a row whose linear predictor is `eta`, F
/// the inverse of the true `link`: for the logit `1 / (1 + np.exp(-z))`,
/// as original.py's `sigmoid` computes it, so the draws are numpy's.
pub fn true_probability(link: LinkKind, eta: f64) -> f64 {
    match link {
        LinkKind::Logit => 1.0 / (1.0 + (-eta).exp()),
        other => other.inverse(eta),
    }
}

/// Render simulated data as CSV: `x1..xk,y` (plus `logit,p` with
/// `with_truth`), numbers in Rust's shortest round-trip form.
pub fn to_csv(d: &Draws, with_truth: bool) -> String {
    let k = d.names.len();
    let n = d.y.len();
    let mut out = String::with_capacity(n * k * 22);
    let header: Vec<&str> = d.names[1..].iter().map(String::as_str).collect();
    out.push_str(&header.join(","));
    out.push_str(",y");
    if with_truth {
        out.push_str(",logit,p");
    }
    out.push('\n');
    use std::fmt::Write;
    for i in 0..n {
        for j in 1..k {
            let _ = write!(out, "{},", Short(d.x[i * k + j]));
        }
        let _ = write!(out, "{}", Short(d.y[i]));
        if with_truth {
            let _ = write!(out, ",{},{}", Short(d.logit[i]), Short(d.p[i]));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_few_rows_names_the_first_count_below_the_coefficients() {
        assert_eq!(too_few_rows(&[5, 2, 1], 3), Some(2));
        assert_eq!(too_few_rows(&[3, 100], 3), None);
    }

    /// The fixture's small cases (scripts/make_numpy_fixtures.py): numpy's
    /// x and y, value for value.
    #[test]
    fn draws_numpys_x_and_y() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/numpy/draws.json"
        );
        let fx: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let f = |v: &serde_json::Value| v.as_f64().unwrap();
        for c in fx["small"].as_array().unwrap() {
            let cfg = SimConfig {
                n: c["n"].as_u64().unwrap() as usize,
                beta: c["beta"].as_array().unwrap().iter().map(f).collect(),
                low: f(&c["low"]),
                high: f(&c["high"]),
                seed: c["seed"].as_u64().unwrap(),
                ..SimConfig::default()
            };
            let d = draw(&cfg).unwrap();
            let k = cfg.beta.len();
            for (i, row) in c["x"].as_array().unwrap().iter().enumerate() {
                let want: Vec<f64> = row.as_array().unwrap().iter().map(f).collect();
                assert_eq!(
                    d.x[i * k + 1..(i + 1) * k],
                    want[..],
                    "seed {} row {i}",
                    cfg.seed
                );
            }
            let y: Vec<f64> = c["y"].as_array().unwrap().iter().map(f).collect();
            assert_eq!(d.y, y, "seed {}", cfg.seed);
        }
    }

    /// The designed cases (scripts/make_numpy_fixtures.py): normal
    /// features, a common correlation and other links give numpy's x and
    /// y, value for value.
    #[test]
    fn designed_draws_are_numpys() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/numpy/designs.json"
        );
        let fx: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let f = |v: &serde_json::Value| v.as_f64().unwrap();
        let cases = fx["designs"].as_array().unwrap();
        assert!(cases.len() >= 8);
        for c in cases {
            let cfg = SimConfig {
                n: c["n"].as_u64().unwrap() as usize,
                beta: c["beta"].as_array().unwrap().iter().map(f).collect(),
                seed: c["seed"].as_u64().unwrap(),
                x_dist: c["x_dist"].as_str().unwrap().parse().unwrap(),
                x_corr: f(&c["x_corr"]),
                link: c["link"].as_str().unwrap().parse().unwrap(),
                ..SimConfig::default()
            };
            let d = draw(&cfg).unwrap();
            let k = cfg.beta.len();
            for (i, row) in c["x"].as_array().unwrap().iter().enumerate() {
                let want: Vec<f64> = row.as_array().unwrap().iter().map(f).collect();
                assert_eq!(d.x[i * k + 1..(i + 1) * k], want[..], "{c} row {i}");
            }
            let y: Vec<f64> = c["y"].as_array().unwrap().iter().map(f).collect();
            assert_eq!(d.y, y, "seed {}", cfg.seed);
        }
    }

    #[test]
    fn rejects_a_correlation_out_of_range_or_with_uniform_features() {
        let normal = SimConfig {
            x_dist: XDist::Normal,
            ..SimConfig::default()
        };
        for r in [-1.0, 1.0, 1.5, f64::NAN] {
            let cfg = SimConfig {
                x_corr: r,
                ..normal.clone()
            };
            assert!(
                matches!(cfg.check(), Err(SimError::CorrRange { k: 2, .. })),
                "{r}"
            );
        }
        let three = SimConfig {
            beta: vec![0.0, 1.0, 1.0, 1.0],
            x_corr: -0.5,
            ..normal.clone()
        };
        assert!(matches!(
            three.check(),
            Err(SimError::CorrRange { k: 3, .. })
        ));
        assert_eq!(
            SimConfig {
                x_corr: 0.5,
                ..SimConfig::default()
            }
            .check(),
            Err(SimError::CorrUniform(0.5))
        );
        assert_eq!(
            SimConfig {
                x_corr: 0.5,
                ..normal
            }
            .check(),
            Ok(())
        );
    }

    /// Normal features with correlation r have sample correlation near r.
    #[test]
    fn correlated_normal_features_have_the_correlation() {
        let cfg = SimConfig {
            n: 20_000,
            beta: vec![0.0, 0.1, 0.1, 0.1],
            x_dist: XDist::Normal,
            x_corr: 0.6,
            ..SimConfig::default()
        };
        let d = draw(&cfg).unwrap();
        let col = |j: usize| -> Vec<f64> { (0..cfg.n).map(|i| d.x[i * 4 + j]).collect() };
        let corr = |a: &[f64], b: &[f64]| {
            let n = a.len() as f64;
            let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
            let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
            let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
            let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
            cov / (va * vb).sqrt()
        };
        for (i, j) in [(1, 2), (1, 3), (2, 3)] {
            let r = corr(&col(i), &col(j));
            assert!((r - 0.6).abs() < 0.03, "({i}, {j}): {r}");
        }
    }

    #[test]
    fn same_seed_gives_same_data() {
        let a = draw(&SimConfig::default()).unwrap();
        let b = draw(&SimConfig::default()).unwrap();
        assert_eq!(to_csv(&a, true), to_csv(&b, true));
        let c = draw(&SimConfig {
            seed: 43,
            ..SimConfig::default()
        })
        .unwrap();
        assert_ne!(a.x, c.x);
    }

    #[test]
    fn draws_stay_in_the_box_and_y_is_binary() {
        let cfg = SimConfig {
            n: 5000,
            low: -1.5,
            high: 2.5,
            ..SimConfig::default()
        };
        let s = simulate(&cfg).unwrap();
        for i in 0..s.data.n() {
            assert_eq!(s.data.x()[i * 3], 1.0);
            for j in 1..3 {
                let v = s.data.x()[i * 3 + j];
                assert!((-1.5..2.5).contains(&v), "{v}");
            }
            assert!(s.data.y()[i] == 0.0 || s.data.y()[i] == 1.0);
        }
        // Mean of y is close to mean of p (law of large numbers, 5 sd band).
        let my = s.data.y().iter().sum::<f64>() / 5000.0;
        let mp = s.p.iter().sum::<f64>() / 5000.0;
        assert!(
            (my - mp).abs() < 5.0 * (0.25f64 / 5000.0).sqrt(),
            "{my} {mp}"
        );
    }

    #[test]
    fn rejects_bad_configs() {
        let d = SimConfig::default();
        assert_eq!(
            SimConfig { n: 0, ..d.clone() }.check(),
            Err(SimError::NoRows)
        );
        assert_eq!(
            SimConfig {
                beta: vec![1.0],
                ..d.clone()
            }
            .check(),
            Err(SimError::ShortBeta(1))
        );
        assert!(matches!(
            SimConfig {
                low: 3.0,
                high: 3.0,
                ..d.clone()
            }
            .check(),
            Err(SimError::BadBox { .. })
        ));
    }

    #[test]
    fn a_box_wider_than_f64_still_draws_finite_values_inside_it() {
        let cfg = SimConfig {
            n: 2000,
            beta: vec![0.0, 1e-10, -1e-10],
            low: -1e308,
            high: 1e308,
            ..SimConfig::default()
        };
        let s = simulate(&cfg).unwrap();
        assert!(s
            .data
            .x()
            .iter()
            .all(|v| v.is_finite() && (-1e308..1e308).contains(v)));
        assert!(s.logit.iter().chain(&s.p).all(|v| v.is_finite()));
        // Both halves of the box are used.
        let x = s.data.x();
        assert!(x.iter().any(|v| *v < -1e307) && x.iter().any(|v| *v > 1e307));
    }

    #[test]
    fn rejects_a_linear_predictor_that_can_overflow() {
        let cfg = SimConfig {
            low: -1e308,
            high: 1e308,
            ..SimConfig::default()
        };
        assert!(matches!(
            cfg.check(),
            Err(SimError::PredictorOverflow { .. })
        ));
    }
}
