//! A study on a data file's design (the parametric bootstrap): the design
//! matrix X of a file, fixed across runs, and each run's outcome redrawn
//! from true coefficients.
//!
//! The outcome of the run with seed `s` is numpy's, value for value:
//! `np.random.seed(s)`, `p = 1 / (1 + np.exp(-(X @ beta)))` with X the
//! design (intercept column first) as a C-ordered float64 array, then
//! `y = np.random.binomial(1, p)`: no other draw comes first, since X is
//! not drawn. `X @ beta` follows numpy's sum order ([`numpy_matvec`]), as
//! the simulated data's does. With another true link (`--true-link`, or
//! the fitted `--link`), p is that link's inverse of X @ beta, as for
//! simulated data ([`true_probability`]).
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::data::{DataError, Dataset};
use crate::math::numpy_matvec;
use crate::math::random_state::RandomState;
use crate::runtime::threads::Threads;
use crate::setting::{in_fields, In, Setting, Worded, Wording};
use crate::simulate::true_probability;
use crate::spec::LinkKind;

/// The design file as a study's lines record it (the `design_file` of
/// their study's `settings`): which file, which bytes, read how, gave which
/// design. Lines whose records differ, in the path included, are of
/// different studies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DesignFile {
    /// The file as it was named.
    pub path: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// XXH3-128 of its bytes, 32 hexadecimal digits.
    pub xxh3: String,
    /// The model formula that built the design, when one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formula: Option<String>,
    /// The target column, when no formula names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// The feature columns given (absent: every other column, as `glm`
    /// reads them), when no formula names them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub features: Option<Vec<String>>,
    /// The field separator given, when one was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
    /// Missing values: `error` or `drop` (the dropped rows are not in X).
    pub missing: String,
    /// The design's column names, intercept first: the study's coefficient
    /// names.
    pub names: Vec<String>,
    /// Whether the grid's coefficients are the GLM fitted to the file's own
    /// outcome (`--beta fit`) rather than given.
    pub beta_fit: bool,
}

/// The key of the record in a study's `settings`.
pub const SETTINGS_KEY: &str = "design_file";

impl DesignFile {
    /// The record in the study's `settings`, if it has one that reads.
    pub fn from_settings(settings: &BTreeMap<String, Value>) -> Option<DesignFile> {
        serde_json::from_value(settings.get(SETTINGS_KEY)?.clone()).ok()
    }

    /// The record as its `settings` entry.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).expect("a design file's record serializes")
    }
}

/// A file's design for a study: its checked data set (X, names, the
/// file's own outcome) and the record its lines carry.
#[derive(Debug, Clone, PartialEq)]
pub struct FixedDesign {
    /// The file's data set, as `glm --data FILE` reads it.
    pub data: Arc<Dataset>,
    /// What the lines record.
    pub record: DesignFile,
}

/// Why a design file cannot make a study with these coefficients.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FixedDesignError {
    /// A coefficient vector whose length is not the design's column count.
    #[error("{}", in_fields(self))]
    BetaLength {
        file: String,
        beta: usize,
        names: Vec<String>,
    },
    /// A row count other than the file's rows.
    #[error("{}", in_fields(self))]
    Rows { file: String, n: usize, rows: usize },
    /// Binomial counts: the redrawn outcome is one 0/1 value per row.
    #[error("{file}: the outcome is redrawn as one 0/1 value per row; binomial counts ({successes} and {failures}) cannot be")]
    Counts {
        file: String,
        successes: String,
        failures: String,
    },
    /// X·beta is not finite on a row: its p would be NaN or exactly 0 or 1.
    #[error("{}", in_fields(self))]
    Overflow { file: String, row: usize },
}

impl Worded for FixedDesignError {
    fn write(&self, w: &Wording, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = |s: Setting| In(&s, w).to_string();
        match self {
            FixedDesignError::BetaLength { file, beta, names } => write!(
                f,
                "{} has {beta} values, but the design of {file} has {} columns ({}): one \
                 coefficient per column, intercept first",
                s(Setting::Beta),
                names.len(),
                names.join(", ")
            ),
            FixedDesignError::Rows { file, n, rows } => write!(
                f,
                "{} {n}: the design of {file} has {rows} rows, which every run uses",
                s(Setting::N)
            ),
            FixedDesignError::Overflow { file, row } => write!(
                f,
                "{}: the linear predictor X·beta of {file}'s design row {row} (from 1) is not \
                 finite; use smaller coefficients",
                s(Setting::Beta)
            ),
            other => fmt::Display::fmt(other, f),
        }
    }
}

impl FixedDesign {
    /// The design of `data`, recorded as `record`; binomial counts are
    /// refused.
    pub fn new(data: Dataset, record: DesignFile) -> Result<Self, FixedDesignError> {
        if let Some(failures) = data.failures() {
            return Err(FixedDesignError::Counts {
                file: data.source().to_string(),
                successes: data.target().to_string(),
                failures: failures.to_string(),
            });
        }
        Ok(FixedDesign {
            data: Arc::new(data),
            record,
        })
    }

    /// Rows of the design (every run's n).
    pub fn rows(&self) -> usize {
        self.data.n()
    }

    /// Check a cell's `n` and `beta` against the design: n its rows, one
    /// coefficient per column, X·beta finite on every row.
    pub fn check(&self, n: usize, beta: &[f64]) -> Result<(), FixedDesignError> {
        let file = || self.data.source().to_string();
        if beta.len() != self.data.k() {
            return Err(FixedDesignError::BetaLength {
                file: file(),
                beta: beta.len(),
                names: self.data.names().to_vec(),
            });
        }
        if n != self.rows() {
            return Err(FixedDesignError::Rows {
                file: file(),
                n,
                rows: self.rows(),
            });
        }
        match self.logit(beta).iter().position(|z| !z.is_finite()) {
            Some(i) => Err(FixedDesignError::Overflow {
                file: file(),
                row: i + 1,
            }),
            None => Ok(()),
        }
    }

    /// `X @ beta`, as numpy computes it.
    fn logit(&self, beta: &[f64]) -> Vec<f64> {
        numpy_matvec(self.data.x(), beta)
    }

    /// The outcome of seed `seed` from `beta` (the recipe of this module's
    /// doc): one 0/1 value per row. `beta` has one value per column.
    pub fn outcome(&self, beta: &[f64], link: LinkKind, seed: u64) -> Vec<f64> {
        let mut rng = RandomState::seed(seed).expect("a study's seeds are numpy's");
        self.logit(beta)
            .iter()
            .map(|&z| f64::from(rng.bernoulli(true_probability(link, z))))
            .collect()
    }

    /// The run's data set: the design with the outcome of `seed` drawn
    /// from `beta`, checked as a data file's (an outcome of one class is
    /// refused), with `beta` as its truth.
    pub fn redraw(
        &self,
        beta: &[f64],
        link: LinkKind,
        seed: u64,
        threads: Threads,
    ) -> Result<Dataset, DataError> {
        let d = &self.data;
        Dataset::new(
            d.names().to_vec(),
            d.target().to_string(),
            d.x().to_vec(),
            self.outcome(beta, link, seed),
            d.source().to_string(),
            threads,
        )
        .map(|data| data.with_truth(beta.to_vec()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{read_csv_noting, read_formula, CsvOptions};

    fn fixture() -> serde_json::Value {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/design_file/spector_draws.json"
        );
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    fn floats(v: &serde_json::Value) -> Vec<f64> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect()
    }

    fn record(names: Vec<String>) -> DesignFile {
        DesignFile {
            path: "spector.csv".into(),
            bytes: 0,
            xxh3: String::new(),
            formula: None,
            target: None,
            features: None,
            delimiter: None,
            missing: "error".into(),
            names,
            beta_fit: false,
        }
    }

    /// The fixture's outcomes (scripts/make_design_file_fixtures.py:
    /// patsy's and pandas' designs of spector.csv, numpy's draws), value for
    /// value, on the designs `glm --data` reads.
    #[test]
    fn outcome_of_seed_s_is_numpys() {
        let fx = fixture();
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/formula_fit")
            .join(fx["csv"].as_str().unwrap());
        for case in fx["cases"].as_array().unwrap() {
            let data = match case["formula"].as_str() {
                Some(formula) => {
                    read_formula(&path, formula, &CsvOptions::default())
                        .unwrap()
                        .0
                }
                None => {
                    let opts = CsvOptions {
                        target: case["target"].as_str().unwrap().into(),
                        ..CsvOptions::default()
                    };
                    read_csv_noting(&path, &opts).unwrap().0
                }
            };
            let names: Vec<String> = case["names"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n.as_str().unwrap().to_string())
                .collect();
            assert_eq!(data.names(), names);
            let design = FixedDesign::new(data, record(names)).unwrap();
            let beta = floats(&case["beta"]);
            for draw in case["draws"].as_array().unwrap() {
                let seed = draw["seed"].as_u64().unwrap();
                assert_eq!(
                    design.outcome(&beta, LinkKind::Logit, seed),
                    floats(&draw["y"]),
                    "{} seed {seed}",
                    case["names"]
                );
            }
        }
    }

    #[test]
    fn rejects_coefficients_that_do_not_fit_the_design() {
        let data = Dataset::new(
            vec!["const".into(), "a".into()],
            "y".into(),
            vec![1.0, 0.5, 1.0, -1.0, 1.0, 2.0],
            vec![0.0, 1.0, 1.0],
            "d.csv".into(),
            Threads::Fixed(1),
        )
        .unwrap();
        let design = FixedDesign::new(data, record(vec!["const".into(), "a".into()])).unwrap();
        assert_eq!(design.check(3, &[0.1, 0.2]), Ok(()));
        assert!(matches!(
            design.check(3, &[0.1, 0.2, 0.3]),
            Err(FixedDesignError::BetaLength { beta: 3, .. })
        ));
        assert_eq!(
            design.check(4, &[0.1, 0.2]),
            Err(FixedDesignError::Rows {
                file: "d.csv".into(),
                n: 4,
                rows: 3
            })
        );
        assert_eq!(
            design.check(3, &[1.0, f64::MAX]),
            Err(FixedDesignError::Overflow {
                file: "d.csv".into(),
                row: 3
            })
        );
    }
}
