//! Per-cell performance measures with their Monte Carlo standard errors,
//! after Morris, White and Crowther, "Using simulation studies to evaluate
//! statistical methods", Statistics in Medicine 38 (2019), Table 6. Computed
//! from run lines only, so `repeat` and `summarize` give the same numbers,
//! summed in the study's fixed order (by seed within a cell). The measures
//! beyond Morris et al.'s core set (relative bias, power, interval width,
//! the model SE's MCSE and relative error, bias-eliminated coverage) follow
//! rsimsum's `simsum` (White, "rsimsum: Summarise results from Monte Carlo
//! simulation studies", JOSS 3 (2018)), formula for formula.
use serde::Serialize;

use super::line::{Cell, Fits, GlmLine, RunLine};

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
    /// Network only, with both fits: largest |GLM − network| (NaN when a
    /// difference is NaN, or there are no runs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_abs_diff: Option<Vec<f64>>,
    /// Relative bias (θ̄ − θ)/θ, a fraction; NaN (null) where θ = 0.
    pub rel_bias: Vec<f64>,
    /// bias_mcse / |θ| (rsimsum: the SD of (θ̂ᵢ − θ)/θ over √R).
    pub rel_bias_mcse: Vec<f64>,
    /// Share of runs whose Wald test at level `alpha` rejects β = 0: whose
    /// interval θ̂ᵢ ∓ z·bseᵢ (as coverage counts it) leaves out 0. For a
    /// coefficient whose true value is 0 this is the type-I error (GLM
    /// only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub power: Option<Vec<f64>>,
    /// √(p(1−p)/R) (GLM only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub power_mcse: Option<Vec<f64>>,
    /// Mean interval width, mean of 2·z·bseᵢ (GLM only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci_width: Option<Vec<f64>>,
    /// SD of the widths (ddof = 1) over √R (GLM only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci_width_mcse: Option<Vec<f64>>,
    /// √(Var(bse²)/(4R·model_se²)), Var with ddof = 1 (GLM only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_se_mcse: Option<Vec<f64>>,
    /// Relative error of the model SE in percent: 100·(model_se/emp_se − 1)
    /// (GLM only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rel_se_error: Option<Vec<f64>>,
    /// 100·(model_se/emp_se)·√(Var(bse²)/(4R·model_se⁴) + 1/(2(R−1)))
    /// (GLM only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rel_se_error_mcse: Option<Vec<f64>>,
    /// Bias-eliminated coverage: share of runs whose interval contains θ̄
    /// instead of θ (GLM only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub be_coverage: Option<Vec<f64>>,
    /// √(b(1−b)/R) (GLM only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub be_coverage_mcse: Option<Vec<f64>>,
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
    /// Runs whose GLM fit showed separation (the lines' `separated`),
    /// failed ones included: in the measures under `--on-separation keep`,
    /// failed under `fail`.
    pub separated: usize,
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
        rel_bias: Vec::with_capacity(k),
        rel_bias_mcse: Vec::with_capacity(k),
        power: None,
        power_mcse: None,
        ci_width: None,
        ci_width_mcse: None,
        model_se_mcse: None,
        rel_se_error: None,
        rel_se_error_mcse: None,
        be_coverage: None,
        be_coverage_mcse: None,
    };
    for (j, &t) in truth.iter().enumerate() {
        // No runs: every figure is NaN (0/0), never a number made of an
        // empty sum.
        let mean = if est.is_empty() {
            f64::NAN
        } else {
            col(j).sum::<f64>() / r
        };
        let mse = if est.is_empty() {
            f64::NAN
        } else {
            col(j).map(|x| (x - t) * (x - t)).sum::<f64>() / r
        };
        m.mean.push(mean);
        m.bias.push(mean - t);
        m.mse.push(mse);
        // Relative to a true value of 0 there is nothing to divide by.
        let rel = |v: f64| if t == 0.0 { f64::NAN } else { v / t.abs() };
        m.rel_bias
            .push(if t == 0.0 { f64::NAN } else { (mean - t) / t });
        // The spreads need two runs: with fewer they are NaN (R − 1 = 0
        // would give 0/0, and R = 0 a negative zero).
        if est.len() < 2 {
            m.bias_mcse.push(f64::NAN);
            m.emp_se.push(f64::NAN);
            m.emp_se_mcse.push(f64::NAN);
            m.mse_mcse.push(f64::NAN);
            m.rel_bias_mcse.push(f64::NAN);
            continue;
        }
        let ss: f64 = col(j).map(|x| (x - mean) * (x - mean)).sum();
        let emp_se = (ss / (r - 1.0)).sqrt();
        let mse_ss: f64 = col(j)
            .map(|x| {
                let d = (x - t) * (x - t) - mse;
                d * d
            })
            .sum();
        let bias_mcse = (ss / (r * (r - 1.0))).sqrt();
        m.bias_mcse.push(bias_mcse);
        m.rel_bias_mcse.push(rel(bias_mcse));
        m.emp_se.push(emp_se);
        m.emp_se_mcse.push(emp_se / (2.0 * (r - 1.0)).sqrt());
        m.mse_mcse.push((mse_ss / (r * (r - 1.0))).sqrt());
    }
    m
}

/// Largest of `v`: NaN when `v` is empty or holds a NaN (as numpy's `max`;
/// `f64::max` would skip a NaN).
fn max_of(v: impl Iterator<Item = f64>) -> f64 {
    v.fold(None, |acc: Option<f64>, x| match acc {
        Some(a) if a.is_nan() || a >= x => Some(a),
        _ => Some(x),
    })
    .unwrap_or(f64::NAN)
}

/// Whether the interval θ̂ ∓ z·se, as the fit reports it
/// (`GlmFit::conf_int`), contains `t`.
fn covers(b: f64, s: f64, z: f64, t: f64) -> bool {
    b - z * s <= t && t <= b + z * s
}

/// Per coefficient, the share of `glms` whose interval at level 1 − `alpha`
/// contains the true value: the interval as the fit reports it
/// (`GlmFit::conf_int`, θ̂ ∓ z·bse with z = Φ⁻¹(1 − alpha/2)). NaN without
/// runs. The one coverage count of a study, for the cells and for the
/// one-cell `Summary`.
pub(super) fn coverage(glms: &[&GlmLine], truth: &[f64], alpha: f64) -> Vec<f64> {
    let z = crate::spec::normal::interval_quantile(alpha);
    truth
        .iter()
        .enumerate()
        .map(|(j, &t)| share(glms, |g| covers(g.params[j], g.bse[j], z, t)))
        .collect()
}

/// The share of `glms` for which `hit` holds (NaN without runs).
fn share(glms: &[&GlmLine], hit: impl Fn(&GlmLine) -> bool) -> f64 {
    glms.iter().filter(|g| hit(g)).count() as f64 / glms.len() as f64
}

/// √(p(1−p)/R): the MCSE of a share `p` of R runs.
fn share_mcse(p: f64, r: f64) -> f64 {
    (p * (1.0 - p) / r).sqrt()
}

/// The GLM's measures that need its standard errors, added to `m` (whose
/// core measures are those of `glms`' estimates): model SE, coverage,
/// power, interval width, the model SE's MCSE and relative error, and
/// bias-eliminated coverage, at interval level 1 − `alpha`.
fn add_se_measures(m: &mut Measures, glms: &[&GlmLine], truth: &[f64], alpha: f64) {
    let z = crate::spec::normal::interval_quantile(alpha);
    let r = glms.len() as f64;
    let k = truth.len();
    let mean_of = |v: &dyn Fn(&GlmLine) -> f64| glms.iter().map(|g| v(g)).sum::<f64>() / r;
    // Σ(vᵢ − v̄)²/(R − 1): NaN with fewer than two runs.
    let var_of = |v: &dyn Fn(&GlmLine) -> f64, mean: f64| match glms.len() {
        0 | 1 => f64::NAN,
        _ => {
            glms.iter()
                .map(|g| (v(g) - mean) * (v(g) - mean))
                .sum::<f64>()
                / (r - 1.0)
        }
    };
    let mut model_se = Vec::with_capacity(k);
    let mut model_se_mcse = Vec::with_capacity(k);
    let mut power = Vec::with_capacity(k);
    let mut width = Vec::with_capacity(k);
    let mut width_mcse = Vec::with_capacity(k);
    let mut rel_err = Vec::with_capacity(k);
    let mut rel_err_mcse = Vec::with_capacity(k);
    let mut be = Vec::with_capacity(k);
    for j in 0..k {
        let se2 = |g: &GlmLine| g.bse[j] * g.bse[j];
        let se2_mean = mean_of(&se2);
        let se2_var = var_of(&se2, se2_mean);
        let se = se2_mean.sqrt();
        model_se.push(se);
        let se_2 = se * se;
        model_se_mcse.push((se2_var / (4.0 * r * se_2)).sqrt());
        let ratio = se / m.emp_se[j];
        rel_err.push(100.0 * (ratio - 1.0));
        rel_err_mcse.push(
            100.0 * ratio * (se2_var / (4.0 * r * se_2 * se_2) + 1.0 / (2.0 * (r - 1.0))).sqrt(),
        );
        let w = |g: &GlmLine| 2.0 * z * g.bse[j];
        let w_mean = mean_of(&w);
        width.push(w_mean);
        width_mcse.push((var_of(&w, w_mean) / r).sqrt());
        power.push(share(glms, |g| !covers(g.params[j], g.bse[j], z, 0.0)));
        let centre = m.mean[j];
        be.push(share(glms, |g| covers(g.params[j], g.bse[j], z, centre)));
    }
    let cov = coverage(glms, truth, alpha);
    let mcse = |v: &[f64]| v.iter().map(|p| share_mcse(*p, r)).collect();
    m.model_se = Some(model_se);
    m.coverage_mcse = Some(mcse(&cov));
    m.coverage = Some(cov);
    m.model_se_mcse = Some(model_se_mcse);
    m.power_mcse = Some(mcse(&power));
    m.power = Some(power);
    m.ci_width = Some(width);
    m.ci_width_mcse = Some(width_mcse);
    m.rel_se_error = Some(rel_err);
    m.rel_se_error_mcse = Some(rel_err_mcse);
    m.be_coverage_mcse = Some(mcse(&be));
    m.be_coverage = Some(be);
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
            add_se_measures(&mut m, &glm_lines, truth, alpha);
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
                m.max_abs_diff = Some((0..k).map(|j| max_of(d(j))).collect());
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
            separated: lines.iter().filter(|l| l.separated).count(),
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
            let missing = m.missing.in_cell(c);
            CellSummary::from_lines(cell, &lines, missing, m.design.fits, m.design.alpha)
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::study::line::{GlmLine, NnLine};
    use crate::study::merge::{merge, Origin};
    use crate::study::read::read_lines;

    /// Relative tolerance against numpy: the same formulas summed in a
    /// different order (numpy sums pairwise) differ by a few ulps times R
    /// (40 runs: about 1e-14); 1e-12 leaves room and still catches any
    /// wrong formula (a wrong divisor is off by 1% or more).
    const NUMPY_RTOL: f64 = 1e-12;

    fn fixture(name: &str) -> String {
        let path = format!(
            "{}/tests/fixtures/repeat/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// The lines of a study of scripts/make_mcse_fixture.py, in file order.
    fn lines_of(file: &str) -> Vec<(Origin, RunLine)> {
        let text = fixture(file);
        read_lines(file, text.as_bytes()).unwrap().runs
    }

    /// The lines of scripts/make_mcse_fixture.py's first study.
    fn study_lines() -> Vec<(Origin, RunLine)> {
        lines_of("mcse_study.jsonl")
    }

    fn summaries(lines: Vec<(Origin, RunLine)>) -> Vec<CellSummary> {
        summarize_cells(&merge(None, lines).unwrap())
    }

    /// The summaries of scripts/make_mcse_fixture.py's study (2 × 2 cells,
    /// `const`, `x1`, `x2`), for the tests of what is drawn from them.
    pub(crate) fn fixture_summaries() -> Vec<CellSummary> {
        summaries(study_lines())
    }

    /// The summaries of scripts/make_mcse_fixture.py's second study (2
    /// cells, `x1`'s true value 0, failed and separated runs).
    pub(crate) fn edge_summaries() -> Vec<CellSummary> {
        summaries(lines_of("mcse_edge_study.jsonl"))
    }

    /// A cell of one run, estimates the truth plus `d`, GLM-only or both.
    pub(crate) fn one_run_cell(d: f64, failed: bool, fits: Fits) -> CellSummary {
        let line = run(d, failed);
        CellSummary::from_lines(&cell(), &[&line], 0, fits, 0.05)
    }

    fn close(got: f64, want: f64) -> bool {
        got == want || (got - want).abs() <= NUMPY_RTOL * got.abs().max(want.abs())
    }

    /// The summaries of `study` against numpy's in `expected`: the
    /// settings, counts and every measure (null where numpy's is not a
    /// number), the same keys.
    fn matches_numpy(study: &str, expected: &str) -> Vec<CellSummary> {
        let expected: serde_json::Value = serde_json::from_str(&fixture(expected)).unwrap();
        let want = expected["cells"].as_array().unwrap();
        let got = summaries(lines_of(study));
        assert_eq!(want.len(), got.len());
        for (c, (g, w)) in got.iter().zip(want).enumerate() {
            let g = serde_json::to_value(g).unwrap();
            assert_eq!(g["settings"], w["settings"], "{study} cell {c}");
            let counts = ["runs", "failed", "missing", "warnings", "glm_not_converged"];
            for count in counts.into_iter().chain(["separated"]) {
                assert_eq!(g[count], w[count], "{study} cell {c}: {count}");
            }
            for mean in ["glm_iterations_mean", "nn_steps_mean"] {
                let (a, b) = (g[mean].as_f64().unwrap(), w[mean].as_f64().unwrap());
                assert!(close(a, b), "{study} cell {c}: {mean} {a} vs numpy {b}");
            }
            for est in ["glm", "nn"] {
                let (gm, wm) = (g[est].as_object().unwrap(), w[est].as_object().unwrap());
                let keys = |m: &serde_json::Map<_, _>| {
                    let mut k = m.keys().cloned().collect::<Vec<String>>();
                    k.sort();
                    k
                };
                assert_eq!(keys(gm), keys(wm), "{study} cell {c} {est}: the measures");
                for (key, wv) in wm {
                    let wv = wv.as_array().unwrap();
                    let gv = gm[key].as_array().unwrap();
                    assert_eq!(gv.len(), wv.len(), "{study} cell {c} {est} {key}");
                    for (j, (a, b)) in gv.iter().zip(wv).enumerate() {
                        let what = format!("{study} cell {c} {est} {key}[{j}]");
                        match (a.as_f64(), b.as_f64()) {
                            (Some(a), Some(b)) => assert!(close(a, b), "{what}: {a} vs numpy {b}"),
                            _ => assert!(a.is_null() && b.is_null(), "{what}: {a} vs numpy {b}"),
                        }
                    }
                }
            }
        }
        got
    }

    #[test]
    fn every_measure_matches_numpy_on_a_shuffled_two_by_two_grid() {
        let got = matches_numpy("mcse_study.jsonl", "mcse_expected.json");
        assert_eq!(got.len(), 4);
        // The fixture holds the edge cases it is meant to.
        let cov = |c: usize| got[c].glm.as_ref().unwrap().coverage.clone().unwrap();
        let mcse = |c: usize| got[c].glm.as_ref().unwrap().coverage_mcse.clone().unwrap();
        assert_eq!((cov(3)[2], mcse(3)[2]), (1.0, 0.0));
        assert_eq!((cov(2)[0], mcse(2)[0]), (0.0, 0.0));
        assert_eq!(got[1].failed, 1);
        assert!(got.iter().any(|c| c.warnings > 0));
    }

    /// A zero coefficient (power is its type-I error, relative bias null),
    /// a failed run, a separated run kept and a separated run that failed.
    #[test]
    fn every_measure_matches_numpy_with_a_zero_coefficient_and_failed_and_separated_runs() {
        let got = matches_numpy("mcse_edge_study.jsonl", "mcse_edge_expected.json");
        assert_eq!(got.len(), 2);
        for c in &got {
            let (g, n) = (c.glm.as_ref().unwrap(), c.nn.as_ref().unwrap());
            assert!(g.rel_bias[1].is_nan() && n.rel_bias[1].is_nan());
            assert!(g.power.as_ref().unwrap()[1] > 0.0);
            // At a true value of 0, power counts the intervals that leave
            // the truth out: one minus coverage, exactly.
            let (p, cov) = (
                g.power.as_ref().unwrap()[1],
                g.coverage.as_ref().unwrap()[1],
            );
            assert!(close(p, 1.0 - cov), "{p} vs 1 - {cov}");
        }
        assert_eq!((got[0].failed, got[1].failed), (1, 1));
        assert_eq!((got[0].separated, got[1].separated), (0, 2));
    }

    #[test]
    fn reshuffled_and_duplicated_lines_give_bitwise_equal_summaries() {
        let lines = study_lines();
        let json = |s: &[CellSummary]| serde_json::to_string(s).unwrap();
        let first = json(&summaries(lines.clone()));
        let mut reversed = lines.clone();
        reversed.reverse();
        // Every line twice, the copies interleaved: a shard given twice.
        let doubled: Vec<_> = lines.iter().chain(&reversed).cloned().collect();
        let mut rotated = lines.clone();
        rotated.rotate_left(37);
        for other in [reversed, doubled, rotated] {
            assert_eq!(json(&summaries(other)), first);
        }
    }

    fn cell() -> Cell {
        Cell {
            n: 10,
            lr: 0.1,
            steps: 5,
            optimizer: "sgd".into(),
            beta: vec![0.5, -1.0],
            true_link: crate::spec::LinkKind::Logit,
            link: crate::spec::LinkKind::Logit,
            x_dist: crate::simulate::XDist::Uniform,
            x_corr: 0.0,
        }
    }

    /// A run of `cell()` whose estimates are the truth plus `d`.
    fn run(d: f64, failed: bool) -> RunLine {
        let grid = crate::study::line::Grid {
            n: vec![10],
            lr: vec![0.1],
            steps: vec![5],
            optimizer: vec!["sgd".into()],
            beta: vec![vec![0.5, -1.0]],
            true_link: None,
            link: vec![crate::spec::LinkKind::Logit],
            x_dist: vec![crate::simulate::XDist::Uniform],
            x_corr: vec![0.0],
        };
        RunLine {
            seed: 0,
            cell: cell(),
            glm: Some(GlmLine {
                params: vec![0.5 + d, -1.0 + d],
                bse: vec![0.1, 0.1],
                iterations: 6,
                converged: true,
                warnings: vec![],
            }),
            nn: (!failed).then(|| NnLine {
                params: vec![0.5 + 2.0 * d, -1.0 + 2.0 * d],
                loss: 0.5,
                steps: 5,
            }),
            failed: failed.then(|| "network: diverged".into()),
            separated: false,
            study: crate::study::line::Design {
                seed: 0,
                runs: 1,
                fits: Fits::Both,
                alpha: 0.05,
                grid,
                settings: Default::default(),
            }
            .into(),
        }
    }

    fn all_nan(v: &[f64]) -> bool {
        v.iter().all(|x| x.is_nan())
    }

    #[test]
    fn one_run_has_a_mean_but_no_spread() {
        let line = run(0.25, false);
        let s = CellSummary::from_lines(&cell(), &[&line], 0, Fits::Both, 0.05);
        let glm = s.glm.unwrap();
        assert_eq!(glm.mean, [0.75, -0.75]);
        assert_eq!(glm.bias, [0.25, 0.25]);
        assert_eq!(glm.mse, [0.0625, 0.0625]);
        for v in [&glm.bias_mcse, &glm.emp_se, &glm.emp_se_mcse, &glm.mse_mcse] {
            assert!(all_nan(v), "{v:?}");
        }
        // 0.25 is beyond 1.96 · 0.1: both intervals miss, with MCSE 0.
        assert_eq!(glm.coverage.unwrap(), [0.0, 0.0]);
        assert_eq!(glm.coverage_mcse.unwrap(), [0.0, 0.0]);
        // Relative bias needs one run, its MCSE two; the interval of the
        // one run holds its own estimate, and leaves out 0.
        assert_eq!(glm.rel_bias, [0.5, -0.25]);
        assert!(all_nan(&glm.rel_bias_mcse));
        assert_eq!(glm.be_coverage.unwrap(), [1.0, 1.0]);
        assert_eq!(glm.power.unwrap(), [1.0, 1.0]);
        for v in [glm.ci_width_mcse, glm.model_se_mcse, glm.rel_se_error] {
            assert!(all_nan(&v.unwrap()));
        }
        assert_eq!(s.nn.unwrap().max_abs_diff.unwrap(), [0.25, 0.25]);
    }

    #[test]
    fn a_cell_whose_runs_all_failed_is_counted_and_all_nan() {
        let lines = [run(0.1, true), run(0.2, true)];
        let refs: Vec<&RunLine> = lines.iter().collect();
        let s = CellSummary::from_lines(&cell(), &refs, 3, Fits::Both, 0.05);
        assert_eq!((s.runs, s.failed, s.missing, s.warnings), (2, 2, 3, 0));
        assert!(s.glm_iterations_mean.is_nan() && s.nn_steps_mean.is_nan());
        for m in [s.glm.as_ref().unwrap(), s.nn.as_ref().unwrap()] {
            let lists = [&m.mean, &m.bias, &m.bias_mcse, &m.emp_se, &m.emp_se_mcse];
            for v in lists.into_iter().chain([&m.mse, &m.mse_mcse]) {
                assert!(all_nan(v), "{v:?}");
            }
        }
        let glm = s.glm.unwrap();
        let se_based = [glm.model_se, glm.coverage, glm.coverage_mcse, glm.power];
        let more = [
            glm.ci_width,
            glm.model_se_mcse,
            glm.rel_se_error,
            glm.be_coverage,
        ];
        for v in se_based.into_iter().chain(more) {
            assert!(all_nan(&v.unwrap()));
        }
        assert!(all_nan(&glm.rel_bias) && all_nan(&s.nn.as_ref().unwrap().rel_bias));
        let nn = s.nn.unwrap();
        assert!(all_nan(&nn.mean_abs_diff.unwrap()));
        assert!(all_nan(&nn.max_abs_diff.unwrap()));
    }

    #[test]
    fn a_one_estimator_study_has_only_that_estimators_measures() {
        let lines = [run(0.1, false), run(-0.1, false)];
        let refs: Vec<&RunLine> = lines.iter().collect();
        let glm = CellSummary::from_lines(&cell(), &refs, 0, Fits::Glm, 0.05);
        assert!(glm.nn.is_none());
        assert_eq!(glm.glm.unwrap().coverage.unwrap(), [1.0, 1.0]);
        let nn = CellSummary::from_lines(&cell(), &refs, 0, Fits::Nn, 0.05);
        assert!(nn.glm.is_none());
        let m = nn.nn.unwrap();
        assert!(m.coverage.is_none() && m.model_se.is_none());
        assert!(m.power.is_none() && m.ci_width.is_none() && m.be_coverage.is_none());
        assert!(m.rel_se_error.is_none() && m.model_se_mcse.is_none());
        assert!(m.mean_abs_diff.is_none() && m.max_abs_diff.is_none());
        assert_eq!(m.bias, [0.0, 0.0]);
    }

    #[test]
    fn the_largest_difference_is_nan_when_one_is() {
        assert_eq!(max_of([1.0, 3.0, 2.0].into_iter()), 3.0);
        assert!(max_of([1.0, f64::NAN, 2.0].into_iter()).is_nan());
        assert!(max_of(std::iter::empty()).is_nan());
    }

    /// The intervals a study's coverage counts are the fit's own
    /// `conf_int`, bit for bit: a true value exactly on either end of a
    /// reported interval is covered, the next f64 outside is not. At
    /// alpha 0.1 and 0.05 (Φ⁻¹(0.95) is where a second Φ⁻¹, libtorch's,
    /// rounds apart from cephes').
    #[test]
    fn coverage_counts_exactly_the_intervals_the_fit_reports() {
        use crate::glm::{fit_with, GlmConfig, GlmOptions};
        use crate::simulate::{simulate, SimConfig};
        for alpha in [0.1, 0.05] {
            let cfg = GlmConfig {
                alpha,
                ..GlmConfig::default()
            };
            for seed in 1..6 {
                let sim = simulate(&SimConfig {
                    n: 200,
                    seed,
                    ..SimConfig::default()
                })
                .unwrap();
                let fit = fit_with(&sim.data, &cfg, &GlmOptions::default()).unwrap();
                let line = GlmLine {
                    params: fit.params.clone(),
                    bse: fit.bse.clone(),
                    iterations: fit.iterations,
                    converged: fit.converged,
                    warnings: fit.warnings.clone(),
                };
                for (j, &[lo, hi]) in fit.conf_int.iter().enumerate() {
                    let at = |t: f64| {
                        let mut truth = fit.params.clone();
                        truth[j] = t;
                        coverage(&[&line], &truth, alpha)[j]
                    };
                    let what = format!("alpha {alpha}, seed {seed}, coefficient {j}");
                    assert_eq!(at(lo), 1.0, "{what}: lower end {lo:e}");
                    assert_eq!(at(hi), 1.0, "{what}: upper end {hi:e}");
                    assert_eq!(at(lo.next_down()), 0.0, "{what}: below {lo:e}");
                    assert_eq!(at(hi.next_up()), 0.0, "{what}: above {hi:e}");
                }
            }
        }
    }
}
