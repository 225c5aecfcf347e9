//! The lecture's simulated data: x ~ Uniform(low, high)^k, p = sigmoid(X·beta),
//! y ~ Bernoulli(p), with an intercept first in `beta`.
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
use std::fmt;

use crate::data::{DataError, Dataset};
use crate::math::numpy_matvec;
use crate::math::random_state::{RandomState, MAX_SEED};
use crate::numfmt::Short;
use crate::runtime::threads::Threads;
use crate::setting::{in_fields, In, Phrase, Setting, Worded, Wording};

/// Default seed for simulated data and network initialisation.
pub const DEFAULT_SEED: u64 = 42;

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
        let reach = self.low.abs().max(self.high.abs());
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
    /// True probability sigmoid(X·beta) per row.
    pub p: Vec<f64>,
}

/// One simulated data set, with the true linear predictor and probability.
#[derive(Debug, Clone)]
pub struct Simulated {
    /// Features and outcome, ready for the fits (intercept column first).
    pub data: Dataset,
    /// True linear predictor X·beta per row.
    pub logit: Vec<f64>,
    /// True probability sigmoid(X·beta) per row.
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

/// Draw the lecture's data as numpy does: all n·k uniforms row by row, then
/// the true logit and p, then one `binomial(1, p)` per row.
pub fn draw(cfg: &SimConfig) -> Result<Draws, SimError> {
    cfg.check()?;
    let mut rng = RandomState::seed(cfg.seed).ok_or(SimError::SeedRange(cfg.seed))?;
    let k = cfg.beta.len();
    let mut x = Vec::with_capacity(cfg.n * k);
    // numpy's `uniform` is `low + (high - low)·u`, and it refuses a box wider
    // than 1.8e308; there, the same point as low·(1 - u) + high·u, which
    // cannot overflow.
    let width = cfg.high - cfg.low;
    let mut feature = || match width.is_finite() {
        true => rng.uniform(cfg.low, width),
        false => {
            let u = rng.next_double();
            cfg.low * (1.0 - u) + cfg.high * u
        }
    };
    for _ in 0..cfg.n {
        x.extend(std::iter::once(1.0).chain((1..k).map(|_| feature())));
    }
    let logit = numpy_matvec(&x, &cfg.beta);
    // `1 / (1 + np.exp(-z))`, as original.py's `sigmoid`.
    let p: Vec<f64> = logit.iter().map(|z| 1.0 / (1.0 + (-z).exp())).collect();
    let y = p.iter().map(|&pi| f64::from(rng.bernoulli(pi))).collect();
    Ok(Draws {
        names: cfg.names(),
        x,
        y,
        logit,
        p,
    })
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
