//! `logreg glm`: statsmodels' numbers and table on the fixtures of
//! scripts/make_glm_fixtures.py, diagnostics, flags, the JSON contract.
use std::path::PathBuf;

use serde::Deserialize;

use crate::support::{fixtures, logreg, temp_dir};

// The fixtures are statsmodels' numbers (numpy's LAPACK) from one machine;
// logreg computes the same float64 IRLS with libtorch's kernels, which MKL
// and ATen pick by CPU. scripts/kernel_spread.py measured the worst relative
// difference on every fixture under the default kernels,
// ATEN_CPU_CAPABILITY=default, MKL_ENABLE_INSTRUCTIONS=SSE4_2 and =AVX2, at
// 1 and 2 threads. Each bound is a few times the worst seen, still far
// below any difference of method (an iteration more, another start or
// clipping moves these values by 1e-6 or more).
/// Relative tolerance for params, llf, deviance, AIC, BIC and the deviance
/// history: worst 2.3e-14 (anes96), about 100 float64 epsilons.
const RTOL_POINT: f64 = 1e-13;
/// Relative tolerance for bse, z, p and the CI: worst 3.7e-13 (anes96's
/// p-values and intervals: the covariance is a pseudo-inverse, which
/// amplifies rounding by the design's condition number).
const RTOL_INFER: f64 = 1e-12;
/// Relative tolerance for the deviance history of a separated fit: its
/// deviance is a sum of terms e^(-|η|) with |η| in the hundreds, so a
/// rounding of β (about cond·EPS relative) moves it |η| times more:
/// 400 · 10 · 2.2e-16 ≈ 1e-12 on the separated set, with a margin.
const RTOL_SEPARATED_DEVIANCE: f64 = 1e-11;
/// A coefficient below this many standard errors is zero up to rounding
/// (the separated set's intercept, about 1e-12 with a bse of 1e4): its
/// digits are noise on every platform, so it is compared on the bse scale.
const ZERO_IN_BSE: f64 = 1e-14;

/// statsmodels' results, as `logreg glm --json` writes them and as the
/// fixtures record them: the one shape both are compared in.
#[derive(Debug, Deserialize)]
pub(crate) struct Results {
    names: Vec<String>,
    params: Vec<f64>,
    bse: Vec<f64>,
    tvalues: Vec<f64>,
    pvalues: Vec<f64>,
    conf_int: Vec<[f64; 2]>,
    llf: f64,
    llnull: f64,
    deviance: f64,
    null_deviance: f64,
    pearson_chi2: f64,
    aic: f64,
    bic: f64,
    prsquared_cs: f64,
    prsquared_mcf: f64,
    df_model: usize,
    df_resid: usize,
    nobs: usize,
    iterations: usize,
    converged: bool,
    deviance_history: Vec<f64>,
    /// The covariance keys: always in `glm --json`; in the option fixtures
    /// only (the other fixtures lack them).
    #[serde(default)]
    cov_type: Option<String>,
    #[serde(default)]
    cov_params: Option<Vec<Vec<f64>>>,
    /// statsmodels' warnings: in the fixtures only (empty for logreg's JSON).
    #[serde(default)]
    statsmodels_warnings: Vec<String>,
}

/// `logreg glm --json`: a missing key fails to parse; that there is no
/// other key is pinned by `json_keys_are_in_documented_order` (serde's
/// `deny_unknown_fields` does not work with `flatten`).
#[derive(Debug, Deserialize)]
pub(crate) struct GlmJson {
    #[serde(flatten)]
    results: Results,
    warnings: Vec<String>,
    time_s: f64,
    pub(crate) link: String,
}

impl std::ops::Deref for GlmJson {
    type Target = Results;
    fn deref(&self) -> &Results {
        &self.results
    }
}

/// The JSON keys in their documented order.
const KEYS: [&str; 26] = [
    "names",
    "params",
    "bse",
    "tvalues",
    "pvalues",
    "conf_int",
    "llf",
    "llnull",
    "deviance",
    "null_deviance",
    "pearson_chi2",
    "aic",
    "bic",
    "prsquared_cs",
    "prsquared_mcf",
    "df_model",
    "df_resid",
    "nobs",
    "iterations",
    "converged",
    "deviance_history",
    "warnings",
    "time_s",
    "link",
    "cov_type",
    "cov_params",
];

/// One fixture: statsmodels' results and how to reproduce them.
#[derive(Debug, Deserialize)]
pub(crate) struct Fixture {
    pub(crate) case: String,
    /// `logreg glm` arguments; the CSV is named relative to the fixtures.
    pub(crate) args: Vec<String>,
    /// statsmodels' `summary().as_text()`, its clock frozen at the
    /// fixture's `source_date_epoch` (the value `support::logreg` sets).
    pub(crate) summary: String,
    #[serde(flatten)]
    pub(crate) results: Results,
}

impl std::ops::Deref for Fixture {
    type Target = Results;
    fn deref(&self) -> &Results {
        &self.results
    }
}

fn glm_dir() -> PathBuf {
    fixtures().join("glm")
}

fn load(case: &str) -> Fixture {
    let path = glm_dir().join(format!("{case}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every fixture case (every .json but the format and link vectors).
fn all_cases() -> Vec<Fixture> {
    let mut names: Vec<String> = std::fs::read_dir(glm_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json") && n != "format_vectors.json" && n != "link_vectors.json")
        .map(|n| n.trim_end_matches(".json").to_string())
        .collect();
    names.sort();
    let cases: Vec<Fixture> = names.iter().map(|n| load(n)).collect();
    assert!(cases.len() >= 6, "fixtures missing: {names:?}");
    cases
}

/// The fixture's arguments with the CSV file made absolute.
fn args_of(fx: &Fixture, extra: &[&str]) -> Vec<String> {
    args_in(&glm_dir(), fx, extra)
}

/// `logreg glm` and the fixture's arguments, its CSV (named relative to
/// `dir`) made absolute, then `extra`.
pub(crate) fn args_in(dir: &std::path::Path, fx: &Fixture, extra: &[&str]) -> Vec<String> {
    let mut args = vec!["glm".to_string()];
    let mut it = fx.args.iter();
    while let Some(a) = it.next() {
        args.push(a.clone());
        if a == "--data" {
            let f = it.next().expect("--data has a value");
            args.push(dir.join(f).to_string_lossy().into_owned());
        }
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

pub(crate) fn run_json(args: &[String]) -> (GlmJson, String) {
    let r = logreg(args);
    let out = r.ok();
    assert!(
        out.ends_with("}\n") && out.matches('\n').count() == 1,
        "{}",
        r.describe()
    );
    let j: GlmJson =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("bad JSON: {e}\n{}", r.describe()));
    (j, r.stderr())
}

/// `got` within `rtol` of `want` (relative to the larger) or `atol`.
pub(crate) fn close(what: &str, got: f64, want: f64, rtol: f64, atol: f64) {
    let diff = (got - want).abs();
    assert!(
        diff <= rtol * got.abs().max(want.abs()) || diff <= atol,
        "{what}: logreg {got:e}, statsmodels {want:e} (difference {diff:e}, rtol {rtol:e})"
    );
}

/// [`close`] element by element, with an `atol` for each.
pub(crate) fn close_all(what: &str, got: &[f64], want: &[f64], rtol: f64, atol: &[f64]) {
    assert_eq!(got.len(), want.len(), "{what}: lengths");
    for i in 0..got.len() {
        close(&format!("{what}[{i}]"), got[i], want[i], rtol, atol[i]);
    }
}

/// Replace the coef and z cells of rows whose coefficient is zero up to
/// rounding (its z is noise too; scripts/parity.py's rule).
pub(crate) fn mask_noise_coefs(s: &str, fx: &Fixture) -> String {
    let stub_w = fx.names.iter().map(|n| n.len()).max().unwrap().max(10);
    let noisy: Vec<&String> = (0..fx.names.len())
        .filter(|&i| fx.params[i].abs() < ZERO_IN_BSE * fx.bse[i])
        .map(|i| &fx.names[i])
        .collect();
    s.lines()
        .map(|l| {
            let hit = noisy
                .iter()
                .any(|n| l.starts_with(&format!("{n:<stub_w$} ")));
            if hit {
                // stub, coef (10), std err (11), z (11), ...
                format!(
                    "{}{}{}{}{}",
                    &l[..stub_w + 1],
                    "#".repeat(10),
                    &l[stub_w + 11..stub_w + 22],
                    "#".repeat(11),
                    &l[stub_w + 33..]
                )
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every number of logreg's `j` against statsmodels' `fx`, within the
/// tolerances above; `c` names the case in failure messages. The one
/// field-by-field comparison with the fixtures (the library's own test of
/// `fit` against them went: this one runs the same fit through `--data`,
/// with tighter, measured tolerances).
pub(crate) fn assert_matches_statsmodels(c: &str, j: &Results, fx: &Results) {
    assert_eq!(j.names, fx.names, "{c}");
    let param_atol: Vec<f64> = fx.bse.iter().map(|b| ZERO_IN_BSE * b).collect();
    let z_atol = vec![ZERO_IN_BSE; fx.bse.len()];
    let none = vec![0.0; fx.bse.len()];
    close_all(
        &format!("{c} params"),
        &j.params,
        &fx.params,
        RTOL_POINT,
        &param_atol,
    );
    close_all(&format!("{c} bse"), &j.bse, &fx.bse, RTOL_INFER, &none);
    close_all(
        &format!("{c} z"),
        &j.tvalues,
        &fx.tvalues,
        RTOL_INFER,
        &z_atol,
    );
    // p = 2Φ(-|z|) moves by |z|·dz relative, and dz = z·rel(z): a relative
    // error ε in z is about z²·ε in p (cov_HC0_freq_weights: z = 10.3).
    let p_atol: Vec<f64> = fx
        .tvalues
        .iter()
        .zip(&fx.pvalues)
        .map(|(z, p)| RTOL_INFER * z * z * p)
        .collect();
    close_all(
        &format!("{c} p"),
        &j.pvalues,
        &fx.pvalues,
        RTOL_INFER,
        &p_atol,
    );
    // An interval's end is params ∓ z·bse: its error is on the scale of
    // those terms, not of their difference, which can be near 0 (cov_HC0's
    // x4: 4.7e-4 from terms of 1e-2). z ≤ 3 for every alpha the fixtures use.
    let ci_atol: Vec<f64> = fx
        .params
        .iter()
        .zip(&fx.bse)
        .map(|(p, b)| RTOL_INFER * (p.abs() + 3.0 * b))
        .collect();
    let lo = |v: &[[f64; 2]]| v.iter().map(|c| c[0]).collect::<Vec<_>>();
    let hi = |v: &[[f64; 2]]| v.iter().map(|c| c[1]).collect::<Vec<_>>();
    close_all(
        &format!("{c} ci low"),
        &lo(&j.conf_int),
        &lo(&fx.conf_int),
        RTOL_INFER,
        &ci_atol,
    );
    close_all(
        &format!("{c} ci high"),
        &hi(&j.conf_int),
        &hi(&fx.conf_int),
        RTOL_INFER,
        &ci_atol,
    );
    for (what, got, want) in [
        ("llf", j.llf, fx.llf),
        ("llnull", j.llnull, fx.llnull),
        ("deviance", j.deviance, fx.deviance),
        ("null_deviance", j.null_deviance, fx.null_deviance),
        ("pearson_chi2", j.pearson_chi2, fx.pearson_chi2),
        ("aic", j.aic, fx.aic),
        ("bic", j.bic, fx.bic),
        ("prsquared_cs", j.prsquared_cs, fx.prsquared_cs),
        ("prsquared_mcf", j.prsquared_mcf, fx.prsquared_mcf),
    ] {
        close(&format!("{c} {what}"), got, want, RTOL_POINT, 0.0);
    }
    assert_eq!(j.iterations, fx.iterations, "{c}: iterations");
    assert_eq!(j.converged, fx.converged, "{c}: converged");
    assert_eq!(
        (j.df_model, j.df_resid, j.nobs),
        (fx.df_model, fx.df_resid, fx.nobs),
        "{c}: df_model, df_resid, nobs"
    );
    // The option fixtures record the covariance (the older ones do not):
    // the binary must give the same.
    if let Some(want) = &fx.cov_type {
        assert_eq!(j.cov_type.as_ref(), Some(want), "{c}: cov_type");
    }
    if let Some(want) = &fx.cov_params {
        let got = j.cov_params.as_ref().expect("cov_params in --json");
        assert_eq!(got.len(), want.len(), "{c}: cov_params rows");
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            close_all(&format!("{c} cov_params[{i}]"), g, w, RTOL_INFER, &none);
        }
    }
    let h_atol = vec![0.0; fx.deviance_history.len()];
    let separated = fx
        .statsmodels_warnings
        .iter()
        .any(|w| w.starts_with("PerfectSeparationWarning"));
    close_all(
        &format!("{c} deviance_history"),
        &j.deviance_history,
        &fx.deviance_history,
        if separated {
            RTOL_SEPARATED_DEVIANCE
        } else {
            RTOL_POINT
        },
        &h_atol,
    );
}

#[test]
fn matches_statsmodels_fixtures_within_float64_rounding() {
    for fx in all_cases() {
        let (j, _) = run_json(&args_of(&fx, &["--json"]));
        assert_matches_statsmodels(&fx.case, &j, &fx);
        assert!(
            j.time_s >= 0.0 && j.time_s.is_finite(),
            "{}: time_s",
            fx.case
        );
    }
}

/// Text equality, though the numbers come from another machine: the cells
/// print 3 to 5 significant digits, and the worst measured spread (3.7e-13
/// relative, see RTOL_INFER) could change one only if its value lay within
/// that of a rounding boundary; no fixture's does (this test passes under
/// every kernel setting of scripts/kernel_spread.py). The noise cells of a
/// zero coefficient are masked. Date and Time are compared as they are:
/// `support::logreg` sets the fixtures' SOURCE_DATE_EPOCH, so they pin its
/// UTC rendering against Python's `time.strftime`.
#[test]
fn summary_matches_statsmodels_text() {
    for fx in all_cases() {
        let r = logreg(&args_of(&fx, &[]));
        let out = r.ok();
        let text = out.strip_suffix('\n').expect("ends with a newline");
        // Our warnings follow the table, after a blank line.
        let table = text.split("\n\nWarnings:\n").next().unwrap();
        assert_eq!(
            mask_noise_coefs(table, &fx),
            mask_noise_coefs(&fx.summary, &fx),
            "{}: summary differs\n{}",
            fx.case,
            r.describe()
        );
    }
}

#[test]
fn lecture_data_takes_seven_iterations() {
    let fx = load("lecture");
    // The fixture was fitted by statsmodels from `logreg simulate --seed 42`.
    assert_eq!(fx.iterations, 7);
    let (sim, stderr) = run_json(&["glm".to_string(), "--json".to_string()]);
    assert_eq!(sim.iterations, 7);
    assert!(sim.converged);
    assert!(sim.warnings.is_empty() && stderr.is_empty(), "{stderr}");
    // Simulated in memory or read from the CSV: the same fit.
    let (csv, _) = run_json(&args_of(&fx, &["--json"]));
    assert_eq!(sim.params, csv.params);
    close_all(
        "lecture params",
        &sim.params,
        &fx.params,
        RTOL_POINT,
        &[0.0; 3],
    );
}

#[test]
fn separation_warns_on_stderr_and_under_the_table_and_exits_0() {
    let fx = load("separated");
    let r = logreg(&args_of(&fx, &[]));
    let out = r.ok();
    let err = r.stderr();
    assert!(
        err.contains("warning: perfect separation or prediction detected"),
        "{}",
        r.describe()
    );
    assert!(
        err.contains("warning: fitted probabilities numerically 0 or 1 occurred"),
        "{}",
        r.describe()
    );
    assert!(
        out.contains("\n\nWarnings:\n[1] perfect separation"),
        "{out}"
    );
    assert!(
        out.contains("\n[2] fitted probabilities numerically 0 or 1"),
        "{out}"
    );
    let (j, _) = run_json(&args_of(&fx, &["--json"]));
    assert_eq!(j.warnings.len(), 2, "{:?}", j.warnings);
    assert_eq!(j.iterations, fx.iterations);
    assert!(j.converged);
}

#[test]
fn max_iter_stops_unconverged_with_a_warning() {
    let fx = load("spector_maxiter");
    assert!(!fx.converged);
    let (j, err) = run_json(&args_of(&fx, &["--json"]));
    assert_eq!((j.iterations, j.converged), (fx.iterations, false));
    assert_eq!(j.deviance_history.len(), fx.iterations + 1);
    assert_eq!(j.warnings.len(), 1, "{:?}", j.warnings);
    assert!(
        j.warnings[0].contains("did not converge in 3 iterations"),
        "{:?}",
        j.warnings
    );
    assert!(
        err.contains("warning: IRLS did not converge in 3 iterations"),
        "{err}"
    );
    // The same data converge by default, with no warning.
    let (full, err) = run_json(&args_of(&load("spector"), &["--json"]));
    assert!(
        full.converged && full.warnings.is_empty() && err.is_empty(),
        "{err}"
    );
}

#[test]
fn json_keys_are_in_documented_order() {
    let out = logreg(&["glm", "--json"]).ok();
    let mut last = 0;
    for k in KEYS {
        let at = out
            .find(&format!("\"{k}\":"))
            .unwrap_or_else(|| panic!("key {k} missing: {out}"));
        assert!(at >= last, "key {k} out of order: {out}");
        last = at;
    }
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v.as_object().unwrap().len(), KEYS.len());
}

#[test]
fn alpha_sets_interval_labels_and_width() {
    let fx = load("spector");
    let (wide, _) = run_json(&args_of(&fx, &["--json", "--alpha", "0.01"]));
    let (base, _) = run_json(&args_of(&fx, &["--json"]));
    for i in 0..base.params.len() {
        assert!(wide.conf_int[i][0] < base.conf_int[i][0]);
        assert!(wide.conf_int[i][1] > base.conf_int[i][1]);
    }
    let out = logreg(&args_of(&fx, &["--alpha", "0.01"])).ok();
    assert!(out.contains("[0.005      0.995]"), "{out}");
}

#[test]
fn rejects_invalid_flags_with_exit_code_2() {
    for bad in [
        vec!["glm", "--alpha", "0"],
        vec!["glm", "--alpha", "1"],
        vec!["glm", "--alpha", "x"],
        vec!["glm", "--tol", "-1"],
        vec!["glm", "--tol", "nan"],
        vec!["glm", "--max-iter", "0"],
    ] {
        let r = logreg(&bad);
        assert_eq!(r.code(), Some(2), "{}", r.describe());
        assert!(r.stderr().starts_with("error:"), "{}", r.describe());
        assert!(r.stdout().is_empty(), "{}", r.describe());
    }
}

#[test]
fn rejects_collinear_design_with_exit_code_2() {
    let dir = temp_dir("glm-collinear");
    let f = dir.join("c.csv");
    let mut csv = String::from("a,b,y\n");
    for i in 0..30 {
        csv.push_str(&format!("{},{},{}\n", i, 2 * i, (i % 3 == 0) as u8));
    }
    std::fs::write(&f, csv).unwrap();
    let r = logreg(&["glm", "--data", f.to_str().unwrap()]);
    assert_eq!(r.code(), Some(2), "{}", r.describe());
    let err = r.stderr();
    assert!(
        err.starts_with("error:") && err.lines().count() == 1,
        "{}",
        r.describe()
    );
    assert!(!err.contains("panicked"), "{}", r.describe());
}

/// `glm --json` on `--threads t` with the keys ending in `_s` (timings)
/// removed, as text (serde_json writes every f64 in its shortest
/// round-tripping form, so equal text is equal bits).
fn json_on_threads(threads: &str, data: &[&str]) -> String {
    let r = logreg(&[&["--threads", threads, "glm", "--json"][..], data].concat());
    let out = r.ok();
    let mut v: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e})\n{}", r.describe()));
    v.as_object_mut()
        .expect("a JSON object")
        .retain(|k, _| !k.ends_with("_s"));
    serde_json::to_string(&v).unwrap()
}

#[test]
fn one_thread_and_two_threads_give_identical_json() {
    // 300,000 rows × 4 columns = 1.2e6 values: past the 2^20 at which the
    // automatic rule goes parallel, and 10 chunks of 32,768 rows, so two
    // threads each factor several chunks and the merge order is tested.
    let data = ["--n", "300000", "--beta", "0.3,-1,2,0.5"];
    let one = json_on_threads("1", &data);
    let two = json_on_threads("2", &data);
    assert_eq!(one, two, "glm --json differs between 1 and 2 threads");
    assert!(one.contains("\"params\""), "{one}");
}
