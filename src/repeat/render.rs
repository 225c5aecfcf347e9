//! A study as text: the one-cell table of today's `repeat`, one block per
//! cell, and the counts of failed and missing runs.
use std::fmt::Write;

use super::mcse::{summarize_cells, CellSummary};
use super::merge::Merged;
use super::study::Times;
use super::summary::{summarize, Summary};
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
    if let Some(t) = s.times {
        let _ = writeln!(
            out,
            "Time: {:.2} s (GLM {:.2} s, network {:.2} s)",
            t.time_s, t.glm_time_s, t.nn_time_s
        );
    }
    let _ = writeln!(
        out,
        "SD: sample standard deviation over runs (ddof = 1); mean se: mean reported std err; \
         {cover}: share of runs whose {level}% Wald interval contains the true value; d = GLM - NN."
    );
    out
}

/// A study's text, the same from `repeat` and `summarize` (the Time line
/// only with `times`): for one cell, its table; then each cell's block; then
/// the failed and missing runs, when there are any.
pub fn render_study(m: &Merged, times: Option<Times>) -> String {
    let d = &m.design;
    let names = d.names();
    let mut out = String::new();
    if d.grid.len() == Some(1) {
        out.push_str(&render(&summarize(m, times)));
    } else {
        let cells = d.grid.len().unwrap_or(0);
        let _ = writeln!(
            out,
            "Monte Carlo study: {cells} cells of {} runs (seeds {}..{}), fits: {}",
            d.runs,
            d.seed,
            d.seed + d.runs.saturating_sub(1) as u64,
            d.fits
        );
        if let Some(t) = times {
            let _ = writeln!(
                out,
                "Time: {:.2} s (GLM {:.2} s, network {:.2} s)",
                t.total_s, t.glm_s, t.nn_s
            );
        }
    }
    for c in summarize_cells(m) {
        let _ = writeln!(out);
        out.push_str(&render_cell(&c, &names, d.alpha));
    }
    let failed = m.lines.iter().filter(|l| l.is_failed()).count();
    if failed > 0 || !m.missing.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "Failed runs: {failed} of {} (see \"failed\" in --runs-out); missing runs: {}",
            m.lines.len(),
            m.missing.len()
        );
    }
    out
}

fn fmt_steps(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
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
