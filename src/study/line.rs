//! A study's design and one run of it as a JSON line: what `repeat
//! --runs-out` writes, `repeat --resume` reads back, and `logreg summarize`
//! merges. A documented contract, read by `pandas.read_json(path,
//! lines=True)`: keys are added, never renamed; lists follow the coefficient
//! names (`const` first).
//!
//! A line carries everything needed to place it: its seed, its cell (the
//! grid point) and the study it belongs to ([`Design`]: the grid, the seeds,
//! every other setting that changes a run's numbers). Two lines with the
//! same design, cell and seed describe the same computation, wherever and
//! whenever they ran.
use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::design_file::DesignFile;
use crate::simulate::XDist;
use crate::spec::{LinkKind, Optimizer};

/// Which estimators a study fits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Fits {
    /// The GLM only (no network is trained).
    Glm,
    /// The network only.
    Nn,
    /// Both, and their differences. Default.
    #[default]
    Both,
}

impl Fits {
    /// Whether the GLM is fitted.
    pub fn glm(self) -> bool {
        self != Fits::Nn
    }

    /// Whether the network is trained.
    pub fn nn(self) -> bool {
        self != Fits::Glm
    }
}

impl std::fmt::Display for Fits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Fits::Glm => "glm",
            Fits::Nn => "nn",
            Fits::Both => "both",
        })
    }
}

/// One point of the design grid: the `cell` object of a line, and the
/// `settings` of a cell's summary. `O` is how it holds its optimiser: by
/// name in a line (what a file says, read as written), as an [`Optimizer`]
/// with its settings in a study that runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell<O = String> {
    /// Rows per simulated data set.
    pub n: usize,
    /// The network's learning rate.
    pub lr: f64,
    /// The network's optimiser steps.
    pub steps: usize,
    /// The network's optimiser: `sgd`, `adam`, `adamw` or `rmsprop`.
    pub optimizer: O,
    /// True coefficients, intercept first.
    pub beta: Vec<f64>,
    /// The link that draws the data (absent: logit).
    #[serde(default, skip_serializing_if = "is_logit")]
    pub true_link: LinkKind,
    /// The link both estimators fit (absent: logit).
    #[serde(default, skip_serializing_if = "is_logit")]
    pub link: LinkKind,
    /// The features' distribution (absent: uniform).
    #[serde(default, skip_serializing_if = "is_uniform")]
    pub x_dist: XDist,
    /// The features' common correlation (absent: 0).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub x_corr: f64,
}

fn is_logit(l: &LinkKind) -> bool {
    *l == LinkKind::Logit
}

fn is_uniform(d: &XDist) -> bool {
    *d == XDist::Uniform
}

fn is_zero(r: &f64) -> bool {
    *r == 0.0
}

/// The value a cell's `key` has when the cell leaves it out (a default it
/// does not write), as it would be written; None for a key every cell
/// writes, or no key of a cell.
pub fn cell_default(key: &str) -> Option<serde_json::Value> {
    match key {
        "true_link" | "link" => serde_json::to_value(LinkKind::Logit).ok(),
        "x_dist" => serde_json::to_value(XDist::Uniform).ok(),
        "x_corr" => Some(serde_json::json!(0.0)),
        _ => None,
    }
}

fn logit_list() -> Vec<LinkKind> {
    vec![LinkKind::Logit]
}

fn is_logit_list(v: &[LinkKind]) -> bool {
    v == [LinkKind::Logit]
}

fn uniform_list() -> Vec<XDist> {
    vec![XDist::Uniform]
}

fn is_uniform_list(v: &[XDist]) -> bool {
    v == [XDist::Uniform]
}

fn zero_list() -> Vec<f64> {
    vec![0.0]
}

fn is_zero_list(v: &[f64]) -> bool {
    v == [0.0]
}

/// The design grid: one list per varied setting; the cells are their
/// Cartesian product. `O` is how it holds its optimisers, as in [`Cell`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Grid<O = String> {
    pub n: Vec<usize>,
    pub lr: Vec<f64>,
    pub steps: Vec<usize>,
    pub optimizer: Vec<O>,
    /// Coefficient vectors, each intercept first, all of one length.
    pub beta: Vec<Vec<f64>>,
    /// The links that draw the data; absent (None), each cell's data has
    /// its fitted link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub true_link: Option<Vec<LinkKind>>,
    /// The links both estimators fit (absent: logit).
    #[serde(default = "logit_list", skip_serializing_if = "is_logit_list")]
    pub link: Vec<LinkKind>,
    /// The features' distributions (absent: uniform).
    #[serde(default = "uniform_list", skip_serializing_if = "is_uniform_list")]
    pub x_dist: Vec<XDist>,
    /// The features' common correlations (absent: 0).
    #[serde(default = "zero_list", skip_serializing_if = "is_zero_list")]
    pub x_corr: Vec<f64>,
}

/// The first coefficient vector of `betas` whose length differs from the
/// first's, as (the first's length, its length): every cell of a grid fits
/// the same number of coefficients.
pub fn unequal_betas(betas: &[Vec<f64>]) -> Option<(usize, usize)> {
    let k = betas.first().map_or(0, Vec::len);
    betas.iter().find(|b| b.len() != k).map(|b| (k, b.len()))
}

impl<O: Clone> Grid<O> {
    /// The cells in the study's fixed order: the true link varies slowest,
    /// then the fitted link, `x_dist`, `x_corr`, `n`, `lr`, `steps`,
    /// `optimizer`, and `beta` fastest.
    pub fn cells(&self) -> Vec<Cell<O>> {
        let true_links: Vec<Option<LinkKind>> = match &self.true_link {
            Some(v) => v.iter().copied().map(Some).collect(),
            None => vec![None],
        };
        let mut cells = Vec::new();
        for &true_link in &true_links {
            for &link in &self.link {
                for &x_dist in &self.x_dist {
                    for &x_corr in &self.x_corr {
                        for &n in &self.n {
                            for &lr in &self.lr {
                                for &steps in &self.steps {
                                    for optimizer in &self.optimizer {
                                        for beta in &self.beta {
                                            cells.push(Cell {
                                                n,
                                                lr,
                                                steps,
                                                optimizer: optimizer.clone(),
                                                beta: beta.clone(),
                                                true_link: true_link.unwrap_or(link),
                                                link,
                                                x_dist,
                                                x_corr,
                                            });
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        cells
    }

    /// Number of cells (None beyond `usize`).
    pub fn len(&self) -> Option<usize> {
        [
            self.true_link.as_ref().map_or(1, Vec::len),
            self.link.len(),
            self.x_dist.len(),
            self.x_corr.len(),
            self.n.len(),
            self.lr.len(),
            self.steps.len(),
            self.optimizer.len(),
            self.beta.len(),
        ]
        .iter()
        .try_fold(1usize, |acc, &l| acc.checked_mul(l))
    }

    /// Whether the grid has no cell.
    pub fn is_empty(&self) -> bool {
        self.len() == Some(0)
    }
}

impl Grid<Optimizer> {
    /// The grid as a line records it: its optimisers by name.
    pub fn named(&self) -> Grid {
        Grid {
            n: self.n.clone(),
            lr: self.lr.clone(),
            steps: self.steps.clone(),
            optimizer: self.optimizer.iter().map(|o| o.name().into()).collect(),
            beta: self.beta.clone(),
            true_link: self.true_link.clone(),
            link: self.link.clone(),
            x_dist: self.x_dist.clone(),
            x_corr: self.x_corr.clone(),
        }
    }
}

impl Cell<Optimizer> {
    /// The cell as a line records it: its optimiser by name.
    pub fn named(&self) -> Cell {
        Cell {
            n: self.n,
            lr: self.lr,
            steps: self.steps,
            optimizer: self.optimizer.name().into(),
            beta: self.beta.clone(),
            true_link: self.true_link,
            link: self.link,
            x_dist: self.x_dist,
            x_corr: self.x_corr,
        }
    }
}

impl Grid {
    /// Why these lists are not a grid `repeat` runs, if they are not: each
    /// list has each value once, sizes and steps are at least 1, learning
    /// rates finite and positive, coefficients finite.
    pub fn check(&self) -> Result<(), String> {
        fn once<T: PartialEq + std::fmt::Debug>(name: &str, v: &[T]) -> Result<(), String> {
            match v.iter().enumerate().find(|(i, x)| v[..*i].contains(x)) {
                Some((_, x)) => Err(format!("its grid lists {name} {x:?} twice")),
                None => Ok(()),
            }
        }
        once("n", &self.n)?;
        once("lr", &self.lr)?;
        once("steps", &self.steps)?;
        once("optimizer", &self.optimizer)?;
        once("beta", &self.beta)?;
        if let Some(t) = &self.true_link {
            once("true_link", t)?;
        }
        once("link", &self.link)?;
        once("x_dist", &self.x_dist)?;
        once("x_corr", &self.x_corr)?;
        if let Some(r) = self.x_corr.iter().find(|r| !r.is_finite()) {
            return Err(format!("its grid has a correlation {r}, not finite"));
        }
        if self.n.contains(&0) || self.steps.contains(&0) {
            return Err("its grid has an \"n\" or \"steps\" of 0".into());
        }
        if let Some(lr) = self.lr.iter().find(|lr| !(lr.is_finite() && **lr > 0.0)) {
            return Err(format!(
                "its grid has a learning rate {lr}, not a finite number > 0"
            ));
        }
        if self.beta.iter().flatten().any(|b| !b.is_finite()) {
            return Err("its grid has a coefficient that is not finite".into());
        }
        Ok(())
    }
}

/// How the cells of a study take their seeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Seeds {
    /// Replication i of every cell uses seed S + i: the cells share their
    /// random numbers (common random numbers). Default.
    #[default]
    Common,
    /// Replication i of cell c (from 0, in the grid's order) uses seed
    /// S + c·runs + i: every run of the study has its own seed.
    Independent,
}

impl Seeds {
    /// The name `--seeds` and a study's `seeds` setting use.
    pub fn name(self) -> &'static str {
        match self {
            Seeds::Common => "common",
            Seeds::Independent => "independent",
        }
    }
}

/// A study: the `study` object of every line. Replication i (from 0) of
/// cell c uses the seed [`Design::seed_of`] gives for its data and its
/// network: `seed + i`, or `seed + c·runs + i` when the settings say
/// `"seeds": "independent"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Design {
    /// Seed of replication 0.
    pub seed: u64,
    /// Replications per cell.
    pub runs: usize,
    /// Which estimators are fitted.
    pub fits: Fits,
    /// The intervals' alpha (level 1 − alpha): coverage counts them.
    pub alpha: f64,
    /// The design grid.
    pub grid: Grid,
    /// Every other setting that changes a run's numbers, by name (the
    /// simulation box, GLM tolerance, covariance, optimiser options,
    /// gradient path, ...).
    pub settings: BTreeMap<String, serde_json::Value>,
}

impl Design {
    /// How the cells take their seeds: the `seeds` setting, absent for
    /// common seeds.
    pub fn seeds(&self) -> Seeds {
        match self.settings.get("seeds").and_then(|v| v.as_str()) {
            Some("independent") => Seeds::Independent,
            _ => Seeds::Common,
        }
    }

    /// The first seed of cell `cell` (its replication 0).
    fn first_seed(&self, cell: usize) -> u64 {
        match self.seeds() {
            Seeds::Common => self.seed,
            Seeds::Independent => self.seed + cell as u64 * self.runs as u64,
        }
    }

    /// The seed of replication `i` of cell `cell`.
    pub fn seed_of(&self, cell: usize, i: usize) -> u64 {
        self.first_seed(cell) + i as u64
    }

    /// The replication of cell `cell` that `seed` is, if it is one.
    pub fn replication_of(&self, cell: usize, seed: u64) -> Option<usize> {
        let first = self
            .seed
            .checked_add((cell as u64).checked_mul(self.runs as u64)?)?;
        let first = match self.seeds() {
            Seeds::Common => self.seed,
            Seeds::Independent => first,
        };
        let i = seed.checked_sub(first)?;
        (i < self.runs as u64).then_some(i as usize)
    }

    /// The largest seed of the study: that of the last replication of its
    /// last cell (None beyond 2^64 − 1).
    pub fn last_seed(&self) -> Option<u64> {
        let span = match self.seeds() {
            Seeds::Common => self.runs as u64,
            Seeds::Independent => (self.runs as u64).checked_mul(self.grid.len()? as u64)?,
        };
        self.seed.checked_add(span.checked_sub(1)?)
    }

    /// Every (cell index, replication) pair, cell by cell, then by seed:
    /// the study's fixed order, in which summaries sum.
    pub fn pairs(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        let cells = self.grid.len().unwrap_or(0);
        let runs = self.runs;
        (0..cells).flat_map(move |c| (0..runs).map(move |i| (c, i)))
    }

    /// Coefficient names: a design file's column names, or `const`, then
    /// `x1`..`xk` (every cell has the same number of coefficients).
    pub fn names(&self) -> Vec<String> {
        let k = self.grid.beta.first().map_or(0, Vec::len);
        if let Some(file) = DesignFile::from_settings(&self.settings) {
            if file.names.len() == k {
                return file.names;
            }
        }
        std::iter::once("const".to_string())
            .chain((1..k).map(|j| format!("x{j}")))
            .collect()
    }
}

/// The GLM part of a [`RunLine`] (statsmodels' names).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GlmLine {
    /// Estimated coefficients.
    pub params: Vec<f64>,
    /// Standard errors (of the study's covariance type).
    pub bse: Vec<f64>,
    /// Fisher-scoring iterations.
    pub iterations: usize,
    /// Whether the deviance criterion was met.
    pub converged: bool,
    /// Warnings (separation, non-convergence), one sentence each.
    pub warnings: Vec<String>,
}

/// The network part of a [`RunLine`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NnLine {
    /// Trained parameters `[bias, w...]`.
    pub params: Vec<f64>,
    /// Loss of the last forward pass (mean BCE).
    pub loss: f64,
    /// Optimiser steps taken (fewer than the cell's `steps` when `--tol`
    /// stopped the network early).
    pub steps: usize,
}

/// One run: one line of `--runs-out`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunLine {
    /// Seed of the run's data and network: `logreg --seed SEED compare`
    /// with the cell's settings reproduces it.
    pub seed: u64,
    /// The run's cell.
    pub cell: Cell,
    /// The GLM fit (absent with `--fits nn`, or when it failed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub glm: Option<GlmLine>,
    /// The network (absent with `--fits glm`, or when it failed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nn: Option<NnLine>,
    /// Why the run failed, when it did: a failed run is counted, never
    /// dropped, and left out of the figures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed: Option<String>,
    /// Whether the GLM fit showed separation (statsmodels' rule, or fitted
    /// probabilities numerically 0 or 1): its estimates are huge and its
    /// standard errors meaningless. Written only when true; absent is false.
    #[serde(default, skip_serializing_if = "is_false")]
    pub separated: bool,
    /// The study this run belongs to, shared by the lines of one study
    /// (serialized as the design itself).
    #[serde(serialize_with = "design_as_is", deserialize_with = "shared_design")]
    pub study: Arc<Design>,
}

fn is_false(b: &bool) -> bool {
    !b
}

/// A shared design, written as the design itself.
fn design_as_is<S: Serializer>(d: &Arc<Design>, s: S) -> Result<S::Ok, S::Error> {
    d.as_ref().serialize(s)
}

/// A design read into a new shared one.
fn shared_design<'de, D: Deserializer<'de>>(d: D) -> Result<Arc<Design>, D::Error> {
    Design::deserialize(d).map(Arc::new)
}

impl RunLine {
    /// The line as JSON, without the newline.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a run line serializes")
    }

    /// Whether the run failed.
    pub fn is_failed(&self) -> bool {
        self.failed.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unequal_betas_names_the_first_length_that_differs() {
        let v = |k: usize| vec![0.5; k];
        assert_eq!(unequal_betas(&[v(3), v(3), v(2), v(4)]), Some((3, 2)));
        assert_eq!(unequal_betas(&[v(3), v(3)]), None);
        assert_eq!(unequal_betas(&[]), None);
    }

    fn design() -> Design {
        Design {
            seed: 42,
            runs: 3,
            fits: Fits::Both,
            alpha: 0.05,
            grid: Grid {
                n: vec![100, 1000],
                lr: vec![0.1, 0.5],
                steps: vec![10_000],
                optimizer: vec!["sgd".into()],
                beta: vec![vec![0.3, -1.0, 2.0]],
                true_link: None,
                link: vec![crate::spec::LinkKind::Logit],
                x_dist: vec![crate::simulate::XDist::Uniform],
                x_corr: vec![0.0],
            },
            settings: BTreeMap::new(),
        }
    }

    #[test]
    fn cells_vary_n_slowest_and_beta_fastest() {
        let d = design();
        let cells = d.grid.cells();
        assert_eq!(cells.len(), d.grid.len().unwrap());
        let nl: Vec<(usize, f64)> = cells.iter().map(|c| (c.n, c.lr)).collect();
        assert_eq!(nl, [(100, 0.1), (100, 0.5), (1000, 0.1), (1000, 0.5)]);
        assert_eq!(d.pairs().count(), 4 * 3);
        assert_eq!(d.pairs().nth(4), Some((1, 1)));
        assert_eq!(d.names(), ["const", "x1", "x2"]);
    }

    /// Common seeds repeat S..S+R-1 in every cell; independent seeds give
    /// cell c the block S + c·R.., and each seed maps back to its
    /// replication in its own cell only.
    #[test]
    fn seeds_of_common_and_independent_designs() {
        let mut d = design();
        assert_eq!(d.seeds(), Seeds::Common);
        assert_eq!((d.seed_of(0, 2), d.seed_of(3, 2)), (44, 44));
        assert_eq!(d.replication_of(3, 44), Some(2));
        assert_eq!(d.replication_of(3, 45), None);
        assert_eq!(d.last_seed(), Some(44));
        d.settings.insert("seeds".into(), "independent".into());
        assert_eq!(d.seeds(), Seeds::Independent);
        let all: Vec<u64> = d.pairs().map(|(c, i)| d.seed_of(c, i)).collect();
        assert_eq!(all, (42..54).collect::<Vec<u64>>());
        for (c, i) in d.pairs() {
            let s = d.seed_of(c, i);
            for other in 0..4 {
                let want = (other == c).then_some(i);
                assert_eq!(d.replication_of(other, s), want, "cell {other} seed {s}");
            }
        }
        assert_eq!(d.last_seed(), Some(53));
    }

    #[test]
    fn a_line_reads_back_equal_to_what_was_written() {
        let d = design();
        let line = RunLine {
            seed: 43,
            cell: d.grid.cells()[1].clone(),
            glm: Some(GlmLine {
                params: vec![0.1 + 0.2, -1.0 / 3.0, 2.0],
                bse: vec![1e-300, 0.5, f64::MAX],
                iterations: 7,
                converged: true,
                warnings: vec![],
            }),
            nn: None,
            failed: Some("network: diverged".into()),
            separated: true,
            study: Arc::new(d),
        };
        let json = line.to_json();
        assert!(!json.contains("\"nn\""), "{json}");
        let back: RunLine = serde_json::from_str(&json).unwrap();
        assert_eq!(back, line);
        assert!(json.starts_with("{\"seed\":43,\"cell\":{\"n\":100,\"lr\":0.5,"));
    }
}
