//! The aggregate of a study over its runs: what `repeat` prints, and its
//! `--json` object.
use serde::Serialize;

use super::study::{RunResult, Study};

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
    /// Largest |GLM − network| over runs.
    pub max_abs_diff: Vec<f64>,
    /// The intervals' alpha (level 1 − alpha).
    pub alpha: f64,
    /// Mean number of Fisher-scoring iterations.
    pub glm_iterations_mean: f64,
    /// Runs whose GLM did not meet its tolerance within `max_iter`.
    pub glm_not_converged: usize,
    /// Runs whose GLM fit had a warning (separation, non-convergence).
    pub glm_with_warnings: usize,
    /// The network's optimiser: `sgd`, `adam`, `adamw` or `rmsprop`.
    pub optimizer: String,
    /// The network's learning rate.
    pub lr: f64,
    /// Mean number of optimiser steps (the configured steps unless `--tol`
    /// stopped some networks early).
    pub nn_steps_mean: f64,
    /// Seconds spent in GLM fits.
    pub glm_time_s: f64,
    /// Seconds spent training the networks.
    pub nn_time_s: f64,
    /// Seconds for the whole study (simulation, both fits).
    pub time_s: f64,
}

/// Summarise `runs` (the runs of `study` completed so far).
pub fn summarize(study: &Study, runs: &[RunResult]) -> Summary {
    let cfg = study.config();
    let k = study.names().len();
    let r = runs.len() as f64;
    let column = |f: &dyn Fn(&RunResult, usize) -> f64| -> Vec<Vec<f64>> {
        (0..k)
            .map(|j| runs.iter().map(|run| f(run, j)).collect())
            .collect()
    };
    let glm = column(&|run, j| run.glm.params[j]);
    let nn = column(&|run, j| run.nn.params[j]);
    let bse = column(&|run, j| run.glm.bse[j]);
    let diff = column(&|run, j| (run.glm.params[j] - run.nn.params[j]).abs());
    let truth = cfg.sim.beta.clone();
    let coverage = (0..k)
        .map(|j| {
            let hits = runs
                .iter()
                .filter(|run| {
                    let [lo, hi] = run.glm.conf_int[j];
                    lo <= truth[j] && truth[j] <= hi
                })
                .count();
            hits as f64 / r
        })
        .collect();
    let times = study.times();
    Summary {
        runs: runs.len(),
        seed: cfg.seed,
        n: cfg.sim.n,
        names: study.names().to_vec(),
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
            .map(|v| v.iter().copied().fold(0.0, f64::max))
            .collect(),
        alpha: cfg.glm.alpha,
        glm_iterations_mean: runs
            .iter()
            .map(|run| run.glm.iterations as f64)
            .sum::<f64>()
            / r,
        glm_not_converged: runs.iter().filter(|run| !run.glm.converged).count(),
        glm_with_warnings: runs
            .iter()
            .filter(|run| !run.glm.warnings.is_empty())
            .count(),
        optimizer: cfg.train.optimizer.to_string(),
        lr: cfg.train.lr,
        nn_steps_mean: runs.iter().map(|run| run.nn.steps as f64).sum::<f64>() / r,
        glm_time_s: times.glm_s,
        nn_time_s: times.nn_s,
        time_s: times.total_s,
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
