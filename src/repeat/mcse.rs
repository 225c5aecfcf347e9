//! Per-cell performance measures with their Monte Carlo standard errors,
//! after Morris, White and Crowther, "Using simulation studies to evaluate
//! statistical methods", Statistics in Medicine 38 (2019), Table 6. Computed
//! from run lines only, so `repeat` and `summarize` give the same numbers,
//! summed in the study's fixed order (by seed within a cell).
use serde::Serialize;

use super::line::{Cell, Fits, RunLine};

/// One estimator's measures in one cell; lists follow the coefficient
/// names. R is the number of runs that did not fail. Measures that need two
/// runs are null (NaN) with fewer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measures {
    /// θ̄, the mean estimate.
    pub mean: Vec<f64>,
    /// θ̄ − θ.
    pub bias: Vec<f64>,
    /// √(Σ(θ̂ᵢ − θ̄)² / (R(R−1))).
    pub bias_mcse: Vec<f64>,
    /// Empirical SE: √(Σ(θ̂ᵢ − θ̄)² / (R−1)).
    pub emp_se: Vec<f64>,
    /// emp_se / √(2(R−1)).
    pub emp_se_mcse: Vec<f64>,
    /// √(mean of bse²): the GLM's model-based SE (absent for the network).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_se: Option<Vec<f64>>,
    /// Share of runs with |θ̂ᵢ − θ| within z·bseᵢ, z = Φ⁻¹(1 − alpha/2)
    /// (GLM only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coverage: Option<Vec<f64>>,
    /// √(c(1−c)/R) (GLM only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coverage_mcse: Option<Vec<f64>>,
    /// Mean of (θ̂ᵢ − θ)².
    pub mse: Vec<f64>,
    /// √(Σ((θ̂ᵢ − θ)² − mse)² / (R(R−1))).
    pub mse_mcse: Vec<f64>,
    /// Network only, with both fits: mean over runs of |GLM − network|.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_abs_diff: Option<Vec<f64>>,
    /// Network only, with both fits: largest |GLM − network|.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_abs_diff: Option<Vec<f64>>,
}

/// One cell of a study: the `cells` entries of `--json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellSummary {
    /// The cell's settings (the lines' `cell`).
    pub settings: Cell,
    /// Runs present (failed ones included).
    pub runs: usize,
    /// Runs that failed: counted here, left out of the measures.
    pub failed: usize,
    /// Runs of the design with no line (only after `summarize` of an
    /// incomplete set of shards, or a shard's own summary).
    pub missing: usize,
    /// Runs whose GLM fit had a warning (separation, non-convergence).
    pub warnings: usize,
    /// Runs whose GLM did not meet its tolerance.
    pub glm_not_converged: usize,
    /// Mean Fisher-scoring iterations (NaN without GLM runs).
    pub glm_iterations_mean: f64,
    /// Mean optimiser steps (NaN without network runs).
    pub nn_steps_mean: f64,
    /// The GLM's measures (absent with `--fits nn`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub glm: Option<Measures>,
    /// The network's measures (absent with `--fits glm`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nn: Option<Measures>,
}

/// The measures of estimates `est[i][j]` (run i, coefficient j) of `truth`.
fn measures(est: &[&[f64]], truth: &[f64]) -> Measures {
    let r = est.len() as f64;
    let col = |j: usize| est.iter().map(move |e| e[j]);
    let k = truth.len();
    let mut m = Measures {
        mean: Vec::with_capacity(k),
        bias: Vec::with_capacity(k),
        bias_mcse: Vec::with_capacity(k),
        emp_se: Vec::with_capacity(k),
        emp_se_mcse: Vec::with_capacity(k),
        model_se: None,
        coverage: None,
        coverage_mcse: None,
        mse: Vec::with_capacity(k),
        mse_mcse: Vec::with_capacity(k),
        mean_abs_diff: None,
        max_abs_diff: None,
    };
    for (j, &t) in truth.iter().enumerate() {
        let mean = col(j).sum::<f64>() / r;
        let ss: f64 = col(j).map(|x| (x - mean) * (x - mean)).sum();
        let emp_se = (ss / (r - 1.0)).sqrt();
        let mse = col(j).map(|x| (x - t) * (x - t)).sum::<f64>() / r;
        let mse_ss: f64 = col(j)
            .map(|x| {
                let d = (x - t) * (x - t) - mse;
                d * d
            })
            .sum();
        m.mean.push(mean);
        m.bias.push(mean - t);
        m.bias_mcse.push((ss / (r * (r - 1.0))).sqrt());
        m.emp_se.push(emp_se);
        m.emp_se_mcse.push(emp_se / (2.0 * (r - 1.0)).sqrt());
        m.mse.push(mse);
        m.mse_mcse.push((mse_ss / (r * (r - 1.0))).sqrt());
    }
    m
}

impl CellSummary {
    /// The summary of one cell from its lines (in seed order), at interval
    /// level 1 − `alpha`.
    pub fn from_lines(
        cell: &Cell,
        lines: &[&RunLine],
        missing: usize,
        fits: Fits,
        alpha: f64,
    ) -> CellSummary {
        let ok: Vec<&RunLine> = lines.iter().copied().filter(|l| !l.is_failed()).collect();
        let truth = &cell.beta;
        let k = truth.len();
        let glm_lines: Vec<_> = ok.iter().filter_map(|l| l.glm.as_ref()).collect();
        let nn_lines: Vec<_> = ok.iter().filter_map(|l| l.nn.as_ref()).collect();
        let glm = fits.glm().then(|| {
            let est: Vec<&[f64]> = glm_lines.iter().map(|g| g.params.as_slice()).collect();
            let mut m = measures(&est, truth);
            let r = glm_lines.len() as f64;
            let z = crate::glm::normal_ppf(1.0 - alpha / 2.0);
            let mut model_se = Vec::with_capacity(k);
            let mut coverage = Vec::with_capacity(k);
            let mut coverage_mcse = Vec::with_capacity(k);
            for (j, &t) in truth.iter().enumerate() {
                let v = glm_lines.iter().map(|g| g.bse[j] * g.bse[j]).sum::<f64>() / r;
                model_se.push(v.sqrt());
                // The interval as the fit reports it (GlmFit::conf_int).
                let hits = glm_lines
                    .iter()
                    .filter(|g| {
                        let (b, s) = (g.params[j], g.bse[j]);
                        b - z * s <= t && t <= b + z * s
                    })
                    .count();
                let c = hits as f64 / r;
                coverage.push(c);
                coverage_mcse.push((c * (1.0 - c) / r).sqrt());
            }
            m.model_se = Some(model_se);
            m.coverage = Some(coverage);
            m.coverage_mcse = Some(coverage_mcse);
            m
        });
        let nn = fits.nn().then(|| {
            let est: Vec<&[f64]> = nn_lines.iter().map(|n| n.params.as_slice()).collect();
            let mut m = measures(&est, truth);
            if fits == Fits::Both {
                let both: Vec<(&[f64], &[f64])> = ok
                    .iter()
                    .filter_map(|l| {
                        Some((
                            l.glm.as_ref()?.params.as_slice(),
                            l.nn.as_ref()?.params.as_slice(),
                        ))
                    })
                    .collect();
                let r = both.len() as f64;
                let d = |j: usize| both.iter().map(move |(g, n)| (g[j] - n[j]).abs());
                m.mean_abs_diff = Some((0..k).map(|j| d(j).sum::<f64>() / r).collect());
                m.max_abs_diff = Some((0..k).map(|j| d(j).fold(0.0, f64::max)).collect());
            }
            m
        });
        let mean_of = |v: Vec<f64>| v.iter().sum::<f64>() / v.len() as f64;
        CellSummary {
            settings: cell.clone(),
            runs: lines.len(),
            failed: lines.len() - ok.len(),
            missing,
            warnings: glm_lines.iter().filter(|g| !g.warnings.is_empty()).count(),
            glm_not_converged: glm_lines.iter().filter(|g| !g.converged).count(),
            glm_iterations_mean: mean_of(glm_lines.iter().map(|g| g.iterations as f64).collect()),
            nn_steps_mean: mean_of(nn_lines.iter().map(|n| n.steps as f64).collect()),
            glm,
            nn,
        }
    }
}

/// Every cell's summary, in the design's cell order.
pub fn summarize_cells(m: &super::merge::Merged) -> Vec<CellSummary> {
    m.design
        .grid
        .cells()
        .iter()
        .enumerate()
        .map(|(c, cell)| {
            let lines: Vec<&RunLine> = m
                .lines
                .iter()
                .zip(&m.cell_of)
                .filter(|(_, &of)| of == c)
                .map(|(l, _)| l)
                .collect();
            let missing = m.missing.iter().filter(|(of, _)| *of == c).count();
            CellSummary::from_lines(cell, &lines, missing, m.design.fits, m.design.alpha)
        })
        .collect()
}
