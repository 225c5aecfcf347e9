//! A study as text: the summary table, and one JSON line per run (`--runs-out`).
use std::fmt::Write;

use serde::Serialize;

use super::mcse::CellSummary;
use super::study::RunResult;
use super::summary::Summary;
use crate::numfmt::{cell, Short};

/// The per-coefficient table and the lines below it.
pub fn render(s: &Summary) -> String {
    let w = s.names.iter().map(String::len).max().unwrap_or(5).max(5);
    let level = format!("{}", ((1.0 - s.alpha) * 100.0 * 1e6).round() / 1e6);
    let cover = format!("cover{level}");
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Monte Carlo: {} runs of n = {} (seeds {}..{}): GLM (Fisher scoring) vs network ({}, lr {})",
        s.runs,
        s.n,
        s.seed,
        s.seed + s.runs.saturating_sub(1) as u64,
        s.optimizer,
        Short(s.lr)
    );
    let _ = writeln!(
        out,
        "{:<w$} {:>8} {:>10} {:>9} {:>9} {:>8} {:>10} {:>9} {:>9} {:>9}",
        "",
        "true",
        "GLM mean",
        "GLM SD",
        "mean se",
        cover,
        "NN mean",
        "NN SD",
        "mean |d|",
        "max |d|"
    );
    for j in 0..s.names.len() {
        let _ = writeln!(
            out,
            "{:<w$} {:>8} {:>10} {:>9} {:>9} {:>8.3} {:>10} {:>9} {:>9.2e} {:>9.2e}",
            s.names[j],
            cell(s.truth[j], 4),
            cell(s.glm_mean[j], 6),
            cell(s.glm_sd[j], 6),
            cell(s.glm_bse_mean[j], 6),
            s.coverage[j],
            cell(s.nn_mean[j], 6),
            cell(s.nn_sd[j], 6),
            s.mean_abs_diff[j],
            s.max_abs_diff[j]
        );
    }
    let _ = writeln!(out);
    let not_conv = match s.glm_not_converged {
        0 => "all converged".to_string(),
        c => format!("{c} of {} not converged", s.runs),
    };
    let _ = writeln!(
        out,
        "Fisher scoring: {:.2} iterations on average ({not_conv})   network: {} steps{}",
        s.glm_iterations_mean,
        fmt_steps(s.nn_steps_mean),
        if s.nn_steps_mean.fract() != 0.0 {
            " on average"
        } else {
            ""
        }
    );
    if s.glm_with_warnings > 0 {
        let _ = writeln!(
            out,
            "GLM warnings (separation or non-convergence) in {} of {} runs: see --runs-out",
            s.glm_with_warnings, s.runs
        );
    }
    let _ = writeln!(
        out,
        "Time: {:.2} s (GLM {:.2} s, network {:.2} s)",
        s.time_s, s.glm_time_s, s.nn_time_s
    );
    let _ = writeln!(
        out,
        "SD: sample standard deviation over runs (ddof = 1); mean se: mean reported std err; \
         {cover}: share of runs whose {level}% Wald interval contains the true value; d = GLM - NN."
    );
    out
}

fn fmt_steps(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// One `--runs-out` line: a documented contract (keys are added, never
/// renamed), read by `pandas.read_json(path, lines=True)`. Lists follow the
/// coefficient names (`const` first).
#[derive(Debug, Serialize)]
pub struct RunLine<'a> {
    /// Seed of the run's data and network (`logreg --seed SEED compare` reproduces it).
    pub seed: u64,
    /// The GLM fit.
    pub glm: GlmLine<'a>,
    /// The network.
    pub nn: NnLine<'a>,
}

/// The GLM part of a [`RunLine`] (statsmodels' names).
#[derive(Debug, Serialize)]
pub struct GlmLine<'a> {
    /// Estimated coefficients.
    pub params: &'a [f64],
    /// Standard errors.
    pub bse: &'a [f64],
    /// Fisher-scoring iterations.
    pub iterations: usize,
    /// Whether the deviance criterion was met.
    pub converged: bool,
    /// Warnings (separation, non-convergence), one sentence each.
    pub warnings: &'a [String],
}

/// The network part of a [`RunLine`].
#[derive(Debug, Serialize)]
pub struct NnLine<'a> {
    /// Trained parameters `[bias, w...]`.
    pub params: &'a [f64],
    /// Loss of the last forward pass (mean BCE).
    pub loss: f64,
}

/// `r` as one JSON line, without the newline.
pub fn run_line(r: &RunResult) -> String {
    let line = RunLine {
        seed: r.seed,
        glm: GlmLine {
            params: &r.glm.params,
            bse: &r.glm.bse,
            iterations: r.glm.iterations,
            converged: r.glm.converged,
            warnings: &r.glm.warnings,
        },
        nn: NnLine {
            params: &r.nn.params,
            loss: r.nn.loss,
        },
    };
    serde_json::to_string(&line).expect("a run serializes")
}

/// One cell's block of the text table: its settings, then per coefficient
/// each measure with its Monte Carlo SE beside it.
///
/// STUB: the signature is fixed; the layout is being written.
pub fn render_cell(c: &CellSummary, names: &[String], alpha: f64) -> String {
    let _ = alpha;
    format!(
        "cell {:?}: {} runs, {} failed ({} coefficients)\n",
        c.settings,
        c.runs,
        c.failed,
        names.len()
    )
}
