//! A study as text: the one-cell table of today's `repeat`, one block per
//! cell, and the counts of failed and missing runs.
use std::fmt::Write;

use super::mcse::{summarize_cells, CellSummary};
use super::merge::Merged;
use super::run::Times;
use super::summary::{summarize, Summary};
use crate::numfmt::{cell, Short};

/// The per-coefficient table and the lines below it; a figure that is not
/// finite is `-`, as in the cell blocks.
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
    let head = [
        "", "true", "GLM mean", "GLM SD", "mean se", &cover, "NN mean", "NN SD", "mean |d|",
        "max |d|",
    ];
    let mut rows = vec![head.map(String::from).to_vec()];
    for j in 0..s.names.len() {
        rows.push(vec![
            s.names[j].clone(),
            num(s.truth[j], 4),
            num(s.glm_mean[j], 6),
            num(s.glm_sd[j], 6),
            num(s.glm_bse_mean[j], 6),
            match s.coverage[j] {
                c if c.is_finite() => format!("{c:.3}"),
                _ => "-".into(),
            },
            num(s.nn_mean[j], 6),
            num(s.nn_sd[j], 6),
            sci(s.mean_abs_diff[j]),
            sci(s.max_abs_diff[j]),
        ]);
    }
    out.push_str(&columns(&rows, &[w, 9, 11, 10, 10, 9, 11, 10, 10, 10]));
    let _ = writeln!(out);
    let not_conv = match s.glm_not_converged {
        // No run has a GLM fit: nothing converged or failed to.
        _ if s.glm_iterations_mean.is_nan() => "no GLM fit".to_string(),
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
    if s.glm_separated > 0 {
        let _ = writeln!(
            out,
            "Separated GLM fits: {} of {} runs (\"separated\" in --runs-out)",
            s.glm_separated, s.runs
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
    // Today's table compares both fits; with one estimator it would be
    // half empty, so a one-estimator study gets the cell block only.
    if d.grid.len() == Some(1) && d.fits == super::line::Fits::Both {
        out.push_str(&render(&summarize(m, times)));
    } else {
        let cells = d.grid.len().unwrap_or(0);
        let _ = writeln!(
            out,
            "Monte Carlo study: {cells} {} of {} runs (seeds {}..{}{}), fits: {}",
            if cells == 1 { "cell" } else { "cells" },
            d.runs,
            d.seed,
            d.last_seed().unwrap_or(u64::MAX),
            match d.seeds() {
                super::line::Seeds::Independent if cells > 1 => ", independent per cell",
                _ => "",
            },
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

/// The cell's data design, when it is not the lecture's (uniform features,
/// logit data, logit fits): `, data probit, fit logit, x normal (corr 0.5)`.
fn data_design(s: &super::line::Cell) -> String {
    use crate::simulate::XDist;
    use crate::spec::{Link, LinkKind};
    let mut out = String::new();
    if s.true_link != LinkKind::Logit || s.link != LinkKind::Logit {
        let _ = write!(out, ", data {}, fit {}", s.true_link.key(), s.link.key());
    }
    if s.x_dist != XDist::Uniform || s.x_corr != 0.0 {
        let _ = write!(out, ", x {}", s.x_dist.name());
        if s.x_corr != 0.0 {
            let _ = write!(out, " (corr {})", Short(s.x_corr));
        }
    }
    out
}

/// One cell's block of the text table: a line with its settings and
/// counts, then per estimator present (GLM, then network) a header and one
/// row per coefficient, each Monte Carlo SE in parentheses right after its
/// figure (`-0.0123 (0.0041)`), and a line on the fits' effort. A figure
/// that cannot be computed (NaN: fewer than two runs, or no run) is `-`.
/// 97 columns for names of up to 5 characters and figures below 10 in
/// magnitude; a column widens to fit larger figures, always at least one
/// space from the one before.
pub fn render_cell(c: &CellSummary, names: &[String], alpha: f64) -> String {
    let s = &c.settings;
    let beta: Vec<String> = s.beta.iter().map(|b| Short(*b).to_string()).collect();
    let mut out = String::new();
    let _ = write!(
        out,
        "n {}, lr {}, steps {}, {}, beta ({}){}: {} runs, {} failed, {} missing",
        s.n,
        Short(s.lr),
        s.steps,
        s.optimizer,
        beta.join(", "),
        data_design(s),
        c.runs,
        c.failed,
        c.missing
    );
    if c.glm.is_some() {
        let _ = write!(out, ", {} with GLM warnings", c.warnings);
    }
    let _ = writeln!(out);
    let level = format!("{}", ((1.0 - alpha) * 100.0 * 1e6).round() / 1e6);
    // Each estimator's two own columns: the GLM's model SE and coverage,
    // the network's differences from the GLM.
    if let Some(m) = &c.glm {
        let none = vec![f64::NAN; m.mean.len()];
        let model_se = m.model_se.as_ref().unwrap_or(&none);
        let cov = m.coverage.as_ref().unwrap_or(&none);
        let cov_se = m.coverage_mcse.as_ref().unwrap_or(&none);
        let own = |j: Option<usize>| match j {
            None => ["model SE".into(), format!("cover{level} (MCSE)")],
            Some(j) => [num(model_se[j], 4), with_se(cov[j], cov_se[j], 3)],
        };
        estimator_rows(&mut out, "GLM", (9, 15), c, m, names, own);
    }
    if let Some(m) = &c.nn {
        let none = vec![f64::NAN; m.mean.len()];
        let mean_d = m.mean_abs_diff.as_ref().unwrap_or(&none);
        let max_d = m.max_abs_diff.as_ref().unwrap_or(&none);
        let own = |j: Option<usize>| match j {
            None => ["mean |d|".into(), "max |d|".into()],
            Some(j) => [sci(mean_d[j]), sci(max_d[j])],
        };
        estimator_rows(&mut out, "NN", (11, 13), c, m, names, own);
    }
    let mut effort = Vec::new();
    if c.glm.is_some() {
        effort.push(format!(
            "Fisher scoring {} iterations on average ({} not converged)",
            num(c.glm_iterations_mean, 2),
            c.glm_not_converged
        ));
    }
    if c.nn.is_some() {
        let steps = match c.nn_steps_mean {
            v if v.is_nan() => "-".into(),
            v => fmt_steps(v),
        };
        effort.push(format!("network {steps} steps on average"));
    }
    let _ = writeln!(out, "{}", effort.join("; "));
    if c.separated > 0 {
        let _ = writeln!(
            out,
            "Separated GLM fits: {} of {} runs (\"separated\" in --runs-out)",
            c.separated, c.runs
        );
    }
    more_rows(&mut out, c, names, &level);
    out
}

/// The measures beyond the first rows of a cell's block, per estimator
/// present: the GLM's relative bias, power (the type-I error where the true
/// value is 0, said in a line below), interval width, its model SE's MCSE,
/// the model SE's relative error in percent and bias-eliminated coverage;
/// the network's relative bias. 99 columns for names of up to 5
/// characters.
fn more_rows(out: &mut String, c: &CellSummary, names: &[String], level: &str) {
    let w = names.iter().map(String::len).max().unwrap_or(5).max(5);
    let name = |j: usize| names.get(j).map_or("?", String::as_str).to_string();
    if let Some(m) = &c.glm {
        let none = vec![f64::NAN; m.mean.len()];
        let get = |v: &Option<Vec<f64>>| v.clone().unwrap_or_else(|| none.clone());
        let (power, power_se) = (get(&m.power), get(&m.power_mcse));
        let (width, width_se) = (get(&m.ci_width), get(&m.ci_width_mcse));
        let model_se_mcse = get(&m.model_se_mcse);
        let (err, err_se) = (get(&m.rel_se_error), get(&m.rel_se_error_mcse));
        let (be, be_se) = (get(&m.be_coverage), get(&m.be_coverage_mcse));
        let mut rows = vec![[
            "GLM",
            "rel bias (MCSE)",
            "power (MCSE)",
            "CI width (MCSE)",
            "model SE MCSE",
            "SE err% (MCSE)",
            "BE cover (MCSE)",
        ]
        .map(String::from)
        .to_vec()];
        for j in 0..m.mean.len() {
            rows.push(vec![
                name(j),
                with_se(m.rel_bias[j], m.rel_bias_mcse[j], 3),
                with_se(power[j], power_se[j], 3),
                with_se(width[j], width_se[j], 4),
                num(model_se_mcse[j], 4),
                with_se(err[j], err_se[j], 1),
                with_se(be[j], be_se[j], 3),
            ]);
        }
        out.push_str(&columns(&rows, &[w, 16, 14, 16, 14, 15, 16]));
        let zero: Vec<String> = (0..m.mean.len())
            .filter(|&j| c.settings.beta.get(j) == Some(&0.0))
            .map(name)
            .collect();
        if !zero.is_empty() {
            let _ = writeln!(
                out,
                "power: share of runs whose {level}% Wald interval leaves out 0; the type-I error \
                 for {} (true value 0)",
                zero.join(", ")
            );
        }
    }
    if let Some(m) = &c.nn {
        let mut rows = vec![vec!["NN".to_string(), "rel bias (MCSE)".into()]];
        for j in 0..m.mean.len() {
            rows.push(vec![name(j), with_se(m.rel_bias[j], m.rel_bias_mcse[j], 3)]);
        }
        out.push_str(&columns(&rows, &[w, 16]));
    }
}

/// One estimator's header and rows in a cell's block: `label` over one
/// row per coefficient; its own two columns, at least `own_widths` wide,
/// hold `own(None)` (their titles) and `own(Some(j))` (coefficient j's).
fn estimator_rows(
    out: &mut String,
    label: &str,
    own_widths: (usize, usize),
    c: &CellSummary,
    m: &super::mcse::Measures,
    names: &[String],
    own: impl Fn(Option<usize>) -> [String; 2],
) {
    let w = names.iter().map(String::len).max().unwrap_or(5).max(5);
    let own_head = own(None);
    let mut rows = vec![vec![
        label.to_string(),
        "true".into(),
        "mean".into(),
        "bias (MCSE)".into(),
        "emp SE (MCSE)".into(),
        own_head[0].clone(),
        own_head[1].clone(),
        "MSE (MCSE)".into(),
    ]];
    for j in 0..m.mean.len() {
        let [a, b] = own(Some(j));
        rows.push(vec![
            names.get(j).map_or("?", String::as_str).to_string(),
            num(c.settings.beta.get(j).copied().unwrap_or(f64::NAN), 4),
            num(m.mean[j], 4),
            with_se(m.bias[j], m.bias_mcse[j], 4),
            with_se(m.emp_se[j], m.emp_se_mcse[j], 4),
            a,
            b,
            with_se(m.mse[j], m.mse_mcse[j], 5),
        ]);
    }
    let (a, b) = own_widths;
    out.push_str(&columns(&rows, &[w, 8, 9, 17, 16, a, b, 18]));
}

/// Rows of cells as text: the first column left-aligned, the others
/// right-aligned, each column as wide as `min` says or as its widest cell
/// needs with one space before it, whichever is more, so that figures of
/// any size never run together.
fn columns(rows: &[Vec<String>], min: &[usize]) -> String {
    let len = |s: &String| s.chars().count();
    let widths: Vec<usize> = min
        .iter()
        .enumerate()
        .map(|(c, &m)| {
            let widest = rows.iter().filter_map(|r| r.get(c)).map(len).max();
            let gap = usize::from(c > 0);
            m.max(widest.unwrap_or(0) + gap)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        for (c, v) in r.iter().enumerate() {
            let w = widths.get(c).copied().unwrap_or(len(v) + 1);
            let _ = match c {
                0 => write!(out, "{v:<w$}"),
                _ => write!(out, "{v:>w$}"),
            };
        }
        out.push('\n');
    }
    out
}

/// A figure of a cell's block: [`cell`], or `-` where it is not finite
/// (as `--json` has null there).
fn num(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        "-".into()
    } else {
        cell(v, decimals)
    }
}

/// A figure with its Monte Carlo SE in parentheses right after it.
fn with_se(v: f64, se: f64, decimals: usize) -> String {
    format!("{} ({})", num(v, decimals), num(se, decimals))
}

/// A difference in scientific notation (`8.00e-6`), or `-` where it is
/// not finite.
fn sci(v: f64) -> String {
    if !v.is_finite() {
        "-".into()
    } else {
        format!("{v:.2e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::study::line::Fits;
    use crate::study::mcse::tests::{edge_summaries, fixture_summaries, one_run_cell};

    fn names() -> Vec<String> {
        ["const", "x1", "x2"].map(String::from).to_vec()
    }

    /// The row of coefficient `name` under the header starting with `est`.
    fn row<'a>(block: &'a str, est: &str, name: &str) -> &'a str {
        block
            .lines()
            .skip_while(|l| !l.starts_with(est))
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("no {est} row {name} in\n{block}"))
    }

    #[test]
    fn every_mcse_sits_in_parentheses_beside_its_figure() {
        for c in fixture_summaries() {
            let block = render_cell(&c, &names(), 0.05);
            let (g, n) = (c.glm.as_ref().unwrap(), c.nn.as_ref().unwrap());
            for (j, name) in names().iter().enumerate() {
                let r = row(&block, "GLM", name);
                let cov = g.coverage.as_ref().unwrap()[j];
                let cov_se = g.coverage_mcse.as_ref().unwrap()[j];
                for want in [
                    with_se(g.bias[j], g.bias_mcse[j], 4),
                    with_se(g.emp_se[j], g.emp_se_mcse[j], 4),
                    with_se(cov, cov_se, 3),
                    with_se(g.mse[j], g.mse_mcse[j], 5),
                ] {
                    assert!(want.contains(" ("), "{want}");
                    assert!(r.contains(&want), "{want:?} not in {r:?}");
                }
                let r = row(&block, "NN", name);
                for want in [
                    with_se(n.bias[j], n.bias_mcse[j], 4),
                    with_se(n.emp_se[j], n.emp_se_mcse[j], 4),
                    with_se(n.mse[j], n.mse_mcse[j], 5),
                    sci(n.max_abs_diff.as_ref().unwrap()[j]),
                ] {
                    assert!(r.contains(&want), "{want:?} not in {r:?}");
                }
            }
            assert!(
                block.starts_with(&format!("n {}, lr ", c.settings.n)),
                "{block}"
            );
            let counts = format!("{} runs, {} failed, 0 missing", c.runs, c.failed);
            assert!(block.lines().next().unwrap().contains(&counts), "{block}");
        }
    }

    /// The further rows: the header's second GLM (or NN) line, then the
    /// row of coefficient `name`.
    fn more_row<'a>(block: &'a str, est: &str, name: &str) -> &'a str {
        block
            .lines()
            .skip_while(|l| !(l.starts_with(est) && l.contains("rel bias")))
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("no further {est} row {name} in\n{block}"))
    }

    #[test]
    fn the_further_measures_sit_below_the_first_rows_with_their_mcse() {
        for c in fixture_summaries().into_iter().chain(edge_summaries()) {
            let block = render_cell(&c, &names(), 0.05);
            let (g, n) = (c.glm.as_ref().unwrap(), c.nn.as_ref().unwrap());
            let at = |v: &Option<Vec<f64>>, j: usize| v.as_ref().unwrap()[j];
            for (j, name) in names().iter().enumerate() {
                let r = more_row(&block, "GLM", name);
                for want in [
                    with_se(g.rel_bias[j], g.rel_bias_mcse[j], 3),
                    with_se(at(&g.power, j), at(&g.power_mcse, j), 3),
                    with_se(at(&g.ci_width, j), at(&g.ci_width_mcse, j), 4),
                    num(at(&g.model_se_mcse, j), 4),
                    with_se(at(&g.rel_se_error, j), at(&g.rel_se_error_mcse, j), 1),
                    with_se(at(&g.be_coverage, j), at(&g.be_coverage_mcse, j), 3),
                ] {
                    assert!(r.contains(&want), "{want:?} not in {r:?}");
                }
                let r = more_row(&block, "NN", name);
                assert!(r.contains(&with_se(n.rel_bias[j], n.rel_bias_mcse[j], 3)));
            }
        }
    }

    #[test]
    fn power_is_called_the_type_i_error_where_the_true_value_is_0() {
        for c in edge_summaries() {
            let block = render_cell(&c, &names(), 0.05);
            let note = "the type-I error for x1 (true value 0)";
            assert!(block.contains(note), "{block}");
            // Its relative bias cannot be computed.
            assert!(more_row(&block, "GLM", "x1").contains("- (-)"), "{block}");
        }
        for c in fixture_summaries() {
            let block = render_cell(&c, &names(), 0.05);
            assert!(!block.contains("type-I"), "{block}");
        }
    }

    #[test]
    fn a_block_fits_in_100_columns() {
        for c in fixture_summaries().into_iter().chain(edge_summaries()) {
            let block = render_cell(&c, &names(), 0.05);
            for l in block.lines() {
                assert!(l.chars().count() <= 100, "{} columns: {l}", l.len());
            }
        }
    }

    #[test]
    fn a_glm_only_cell_shows_no_network_rows() {
        let c = one_run_cell(0.1, false, Fits::Glm);
        let block = render_cell(&c, &names()[..2], 0.05);
        assert!(block.lines().any(|l| l.starts_with("GLM")), "{block}");
        assert!(!block.lines().any(|l| l.starts_with("NN")), "{block}");
        assert!(!block.contains("network"), "{block}");
        // Settings, the GLM's header and rows, effort, the further header
        // and rows.
        assert_eq!(block.lines().count(), 1 + 1 + 2 + 1 + 1 + 2, "{block}");
    }

    #[test]
    fn figures_that_need_two_runs_are_dashes_never_nan() {
        let c = one_run_cell(0.1, false, Fits::Both);
        let block = render_cell(&c, &names()[..2], 0.05);
        assert!(!block.to_lowercase().contains("nan"), "{block}");
        // One run: bias is known, its MCSE is not.
        let r = row(&block, "GLM", "x1");
        assert!(r.contains(&format!("{} (-)", cell(0.1, 4))), "{r}");
        let failed = one_run_cell(0.1, true, Fits::Both);
        let block = render_cell(&failed, &names()[..2], 0.05);
        assert!(!block.to_lowercase().contains("nan"), "{block}");
        assert!(row(&block, "NN", "const").contains("- (-)"), "{block}");
    }
}
