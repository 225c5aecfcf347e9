//! The aggregate of a study over its runs: what `repeat` prints, and its
//! `--json` object.
use serde::Serialize;

use super::line::{Fits, GlmLine, NnLine, RunLine};
use super::mcse::{summarize_cells, CellSummary};
use super::merge::Merged;
use super::run::Times;

/// How the two estimators behaved over the runs. Serialized as the
/// `repeat --json` object, a documented contract: keys are added, never
/// renamed; per-coefficient lists follow the order of `names`; times end in
/// `_s`. Standard deviations are sample SDs over the runs (ddof = 1), so they
/// are null (NaN) for a single run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Number of runs summarised.
    pub runs: usize,
    /// Seed of the first run; run i used `seed + i` for data and network.
    pub seed: u64,
    /// Rows per simulated data set.
    pub n: usize,
    /// Coefficient names: `const`, then the features.
    pub names: Vec<String>,
    /// True coefficients of the simulation.
    #[serde(rename = "true")]
    pub truth: Vec<f64>,
    /// Mean of the GLM estimates.
    pub glm_mean: Vec<f64>,
    /// Sample SD (ddof = 1) of the GLM estimates.
    pub glm_sd: Vec<f64>,
    /// Mean of the GLM's reported standard errors.
    pub glm_bse_mean: Vec<f64>,
    /// Share of runs whose Wald interval at level 1 − `alpha` (the GLM's
    /// `conf_int`) contains the true value.
    pub coverage: Vec<f64>,
    /// Mean of the network estimates.
    pub nn_mean: Vec<f64>,
    /// Sample SD (ddof = 1) of the network estimates.
    pub nn_sd: Vec<f64>,
    /// Mean over runs of |GLM − network|.
    pub mean_abs_diff: Vec<f64>,
    /// Largest |GLM − network| over runs (NaN, null in JSON, when no run
    /// has both).
    pub max_abs_diff: Vec<f64>,
    /// The intervals' alpha (level 1 − alpha).
    pub alpha: f64,
    /// Mean number of Fisher-scoring iterations.
    pub glm_iterations_mean: f64,
    /// Runs whose GLM did not meet its tolerance within `max_iter`.
    pub glm_not_converged: usize,
    /// Runs whose GLM fit had a warning (separation, non-convergence).
    pub glm_with_warnings: usize,
    /// Runs whose GLM fit showed separation (the lines' `separated`),
    /// failed ones included.
    pub glm_separated: usize,
    /// The network's optimiser: `sgd`, `adam`, `adamw` or `rmsprop`.
    pub optimizer: String,
    /// The network's learning rate.
    pub lr: f64,
    /// Mean number of optimiser steps (the configured steps unless `--tol`
    /// stopped some networks early).
    pub nn_steps_mean: f64,
    /// `glm_time_s`, `nn_time_s`, `time_s`: only where the runs ran
    /// (`repeat`, not `summarize`).
    #[serde(flatten)]
    pub times: Option<TimesJson>,
}

/// The one cell's summary of `m` (a study of one cell), from its lines in
/// the study's order: GLM figures over the runs with a GLM, network figures
/// over those with a network, differences over those with both. Failed runs
/// are left out (and counted in `cells`). `times` when the runs ran here.
pub fn summarize(m: &Merged, times: Option<Times>) -> Summary {
    let d = &m.design;
    let cell = d.grid.cells().into_iter().next();
    let names = d.names();
    let k = names.len();
    let ok: Vec<&RunLine> = m.lines.iter().filter(|l| !l.is_failed()).collect();
    let glms: Vec<&GlmLine> = ok.iter().filter_map(|l| l.glm.as_ref()).collect();
    let nns: Vec<&NnLine> = ok.iter().filter_map(|l| l.nn.as_ref()).collect();
    let both: Vec<(&GlmLine, &NnLine)> = ok
        .iter()
        .filter_map(|l| Some((l.glm.as_ref()?, l.nn.as_ref()?)))
        .collect();
    let column = |v: &dyn Fn(usize) -> Vec<f64>| -> Vec<Vec<f64>> { (0..k).map(v).collect() };
    let glm = column(&|j| glms.iter().map(|g| g.params[j]).collect());
    let bse = column(&|j| glms.iter().map(|g| g.bse[j]).collect());
    let nn = column(&|j| nns.iter().map(|n| n.params[j]).collect());
    let diff = column(&|j| {
        both.iter()
            .map(|(g, n)| (g.params[j] - n.params[j]).abs())
            .collect()
    });
    let truth = cell.as_ref().map_or_else(Vec::new, |c| c.beta.clone());
    let coverage = super::mcse::coverage(&glms, &truth, d.alpha);
    Summary {
        runs: m.lines.len(),
        seed: d.seed,
        n: cell.as_ref().map_or(0, |c| c.n),
        names,
        truth,
        glm_mean: glm.iter().map(|v| mean(v)).collect(),
        glm_sd: glm.iter().map(|v| sd(v)).collect(),
        glm_bse_mean: bse.iter().map(|v| mean(v)).collect(),
        coverage,
        nn_mean: nn.iter().map(|v| mean(v)).collect(),
        nn_sd: nn.iter().map(|v| sd(v)).collect(),
        mean_abs_diff: diff.iter().map(|v| mean(v)).collect(),
        max_abs_diff: diff
            .iter()
            .map(|v| match v.is_empty() {
                true => f64::NAN,
                false => v.iter().copied().fold(0.0, f64::max),
            })
            .collect(),
        alpha: d.alpha,
        glm_iterations_mean: mean(&glms.iter().map(|g| g.iterations as f64).collect::<Vec<_>>()),
        glm_not_converged: glms.iter().filter(|g| !g.converged).count(),
        glm_with_warnings: glms.iter().filter(|g| !g.warnings.is_empty()).count(),
        glm_separated: m.lines.iter().filter(|l| l.separated).count(),
        optimizer: cell
            .as_ref()
            .map_or_else(String::new, |c| c.optimizer.clone()),
        lr: cell.as_ref().map_or(f64::NAN, |c| c.lr),
        nn_steps_mean: mean(&nns.iter().map(|n| n.steps as f64).collect::<Vec<_>>()),
        times: times.map(TimesJson::from),
    }
}

/// A study's times, in seconds (the `_s` keys, which scripts drop).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TimesJson {
    /// Seconds spent in GLM fits.
    pub glm_time_s: f64,
    /// Seconds spent training the networks.
    pub nn_time_s: f64,
    /// Seconds for the whole study (simulation, both fits).
    pub time_s: f64,
}

impl From<Times> for TimesJson {
    fn from(t: Times) -> Self {
        TimesJson {
            glm_time_s: t.glm_s,
            nn_time_s: t.nn_s,
            time_s: t.total_s,
        }
    }
}

/// A study's `--json` object, the same from `repeat` and `summarize`
/// (`_s` keys only where the runs ran). A documented contract: keys are
/// added, never renamed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StudyJson {
    /// One cell: today's [`Summary`] keys; more: [`GridHead`].
    #[serde(flatten)]
    pub head: StudyHead,
    /// Which estimators were fitted: `glm`, `nn` or `both`.
    pub fits: Fits,
    /// Runs that failed (counted per cell in `cells`, left out of the figures).
    pub failed: usize,
    /// Pairs of the design with no line (another shard's, or not yet run).
    pub missing: usize,
    /// Lines that repeated another exactly, kept once.
    pub duplicates: usize,
    /// Per cell: its settings, counts and measures with Monte Carlo SEs.
    pub cells: Vec<CellSummary>,
}

/// The first keys of [`StudyJson`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum StudyHead {
    One(Box<Summary>),
    Grid(GridHead),
}

/// The first keys of a grid study's `--json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GridHead {
    /// Replications per cell.
    pub runs: usize,
    /// Seed of replication 0; replication i used `seed + i` in every cell.
    pub seed: u64,
    /// Coefficient names: `const`, then the features.
    pub names: Vec<String>,
    /// The intervals' alpha (level 1 − alpha).
    pub alpha: f64,
    /// The times (`repeat` only).
    #[serde(flatten)]
    pub times: Option<TimesJson>,
}

/// The `--json` object of the study `m`; `times` when its runs ran here.
pub fn study_json(m: &Merged, times: Option<Times>) -> StudyJson {
    let d = &m.design;
    let head = match d.grid.len() {
        Some(1) => StudyHead::One(Box::new(summarize(m, times))),
        _ => StudyHead::Grid(GridHead {
            runs: d.runs,
            seed: d.seed,
            names: d.names(),
            alpha: d.alpha,
            times: times.map(TimesJson::from),
        }),
    };
    StudyJson {
        head,
        fits: d.fits,
        failed: m.lines.iter().filter(|l| l.is_failed()).count(),
        missing: m.missing.len(),
        duplicates: m.duplicates,
        cells: summarize_cells(m),
    }
}

/// Arithmetic mean (NaN for no values).
pub fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

/// Sample standard deviation, ddof = 1 (NaN for fewer than two values).
pub fn sd(v: &[f64]) -> f64 {
    if v.len() < 2 {
        return f64::NAN;
    }
    let m = mean(v);
    (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (v.len() - 1) as f64).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference_values::reference_values;

    /// Relative tolerance against numpy: rounding of a short sum.
    const SD_RTOL: f64 = 1e-15;

    #[test]
    fn sd_uses_ddof_one() {
        // numpy.std(v, ddof=1), recorded by scripts/make_reference_values.py.
        let rows = reference_values("std_ddof1");
        assert!(!rows.is_empty());
        for r in rows {
            let v: Vec<f64> = r["values"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect();
            let want = r["std"].as_f64().unwrap();
            // A few ulps: numpy sums the squares pairwise, sd left to right.
            assert!((sd(&v) - want).abs() <= SD_RTOL * want, "{v:?}");
        }
        assert!(sd(&[1.0]).is_nan());
        assert_eq!(mean(&[1.0, 2.0, 3.0, 4.0]), 2.5);
    }
}
