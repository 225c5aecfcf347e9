//! Binomial counts (`--target S --failures F`): `logreg glm` against
//! statsmodels' fit of the two-column endog (the fixtures of
//! scripts/make_glm_option_fixtures.py in tests/fixtures/glm/counts/), the
//! network on the same counts, and the refusals of bad counts.
use std::path::PathBuf;

use serde_json::Value;

use crate::glm::{args_in, mask_noise_coefs, Fixture};
use crate::support::{fixtures, logreg, temp_dir};

/// Relative tolerance for params, llf, deviance, Pearson's χ², AIC, BIC and
/// the pseudo R²s. star98's design has condition number 3.4e6: logreg's QR
/// solve and statsmodels' pinv agree to 2.2e-13 on its params, above the
/// 1e-13 of the better conditioned option fixtures.
const RTOL_POINT: f64 = 1e-10;
/// Relative tolerance for bse, z, p and the intervals: star98's textbook
/// HC1 (numpy's inverse of X'WX against logreg's) agrees to 9.1e-10.
const RTOL_INFER: f64 = 1e-8;

fn counts_dir() -> PathBuf {
    fixtures().join("glm").join("counts")
}

/// Every counts fixture: its arguments and summary, and its numbers.
fn cases() -> Vec<(Fixture, Value)> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(counts_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    names.sort();
    assert!(names.len() >= 3, "counts fixtures missing: {names:?}");
    names
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            let fx: Fixture =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (fx, serde_json::from_str(&text).unwrap())
        })
        .collect()
}

fn floats(v: &Value) -> Vec<f64> {
    match v {
        Value::Array(a) => a.iter().flat_map(floats).collect(),
        v => vec![v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))],
    }
}

/// `got` against `want`, value by value: within `rtol` relative or `atol[i]`.
fn close(what: &str, got: &[f64], want: &[f64], rtol: f64, atol: &[f64]) {
    assert_eq!(got.len(), want.len(), "{what}: lengths");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        let diff = (g - w).abs();
        assert!(
            diff <= rtol * g.abs().max(w.abs()) || diff <= atol[i],
            "{what}[{i}]: logreg {g:e}, statsmodels {w:e} (difference {diff:e})"
        );
    }
}

#[test]
fn glm_matches_statsmodels_two_column_endog() {
    for (fx, want) in cases() {
        let c = &fx.case;
        let r = logreg(&args_in(&counts_dir(), &fx, &["--json"]));
        let got: Value = serde_json::from_str(&r.ok()).unwrap();
        assert_eq!(got["names"], want["names"], "{c}");
        for key in ["iterations", "nobs", "df_model", "df_resid", "converged"] {
            assert_eq!(got[key], want[key], "{c}: {key}");
        }
        let point = [
            "params",
            "llf",
            "llnull",
            "deviance",
            "null_deviance",
            "pearson_chi2",
            "aic",
            "bic",
            "prsquared_cs",
            "prsquared_mcf",
        ];
        for key in point {
            let w = floats(&want[key]);
            close(
                &format!("{c} {key}"),
                &floats(&got[key]),
                &w,
                RTOL_POINT,
                &vec![0.0; w.len()],
            );
        }
        let (params, bse, z) = (
            floats(&want["params"]),
            floats(&want["bse"]),
            floats(&want["tvalues"]),
        );
        // p = 2Φ(-|z|) moves by about z²·ε relative for ε relative in z;
        // an interval's end by ε on the scale of |params| + 3 bse.
        let p_atol: Vec<f64> = z
            .iter()
            .zip(floats(&want["pvalues"]))
            .map(|(z, p)| RTOL_INFER * z * z * p)
            .collect();
        let ci_atol: Vec<f64> = params
            .iter()
            .zip(&bse)
            .flat_map(|(p, b)| [RTOL_INFER * (p.abs() + 3.0 * b); 2])
            .collect();
        let none = vec![0.0; bse.len()];
        for (key, atol) in [
            ("bse", &none),
            ("tvalues", &none),
            ("pvalues", &p_atol),
            ("conf_int", &ci_atol),
        ] {
            let w = floats(&want[key]);
            close(
                &format!("{c} {key}"),
                &floats(&got[key]),
                &w,
                RTOL_INFER,
                atol,
            );
        }
    }
}

/// The summary text, `Dep. Variable: ['NABOVE', 'NBELOW']` and the number
/// of rows (not of trials) as `No. Observations` included.
#[test]
fn summary_matches_statsmodels_text_for_counts() {
    for (fx, _) in cases() {
        let r = logreg(&args_in(&counts_dir(), &fx, &[]));
        let out = r.ok();
        let table = out.trim_end_matches('\n');
        assert_eq!(
            mask_noise_coefs(table, &fx),
            mask_noise_coefs(&fx.summary, &fx),
            "{}: summary differs\n{}",
            fx.case,
            r.describe()
        );
    }
    let star = cases()
        .into_iter()
        .find(|(fx, _)| fx.case == "counts_star98")
        .unwrap();
    assert!(star
        .0
        .summary
        .contains("Dep. Variable:     ['NABOVE', 'NBELOW']"));
}

/// The network trains on the proportions with the trials as weights, whose
/// maximiser is the GLM's: `compare` puts both side by side, and they agree
/// (counts_small: within 1e-6 after the default 10000 steps).
#[test]
fn network_fits_counts_to_the_glm_estimate() {
    let (fx, want) = cases()
        .into_iter()
        .find(|(fx, _)| fx.case == "counts_small")
        .unwrap();
    let mut args = args_in(&counts_dir(), &fx, &["--json"]);
    args[0] = "compare".into();
    let r = logreg(&args);
    let j: Value = serde_json::from_str(&r.ok()).unwrap();
    let glm = floats(&j["glm"]["params"]);
    let nn = floats(&j["nn"]["params"]);
    close("glm", &glm, &floats(&want["params"]), RTOL_POINT, &[0.0; 3]);
    close("network", &nn, &glm, 0.0, &[1e-5; 3]);
    // Each side's log-likelihood is statsmodels' (binomial coefficient
    // included), so they agree too.
    let (a, b) = (
        j["glm"]["llf"].as_f64().unwrap(),
        j["nn_llf"].as_f64().unwrap(),
    );
    assert!((a - b).abs() < 1e-9 * a.abs(), "{a} vs {b}");
}

/// Run `logreg CMD --data d.csv --target s --failures f` and `flags` on
/// `csv`; expect exit 2 and one line on stderr containing every part of
/// `want`.
fn refuses(cmd: &str, name: &str, csv: &str, flags: &[&str], want: &[&str]) {
    let dir = temp_dir(name);
    let f = dir.join("d.csv");
    std::fs::write(&f, csv).unwrap();
    let mut args = vec![cmd, "--data", f.to_str().unwrap(), "--target", "s"];
    args.extend_from_slice(&["--failures", "f"]);
    args.extend_from_slice(flags);
    let r = logreg(&args);
    assert_eq!(r.code(), Some(2), "{}", r.describe());
    let err = r.stderr();
    assert_eq!(err.lines().count(), 1, "{}", r.describe());
    for w in want {
        assert!(err.contains(w), "wants {w:?}\n{}", r.describe());
    }
    assert!(!err.contains("panicked"), "{}", r.describe());
}

/// Good counts with one bad cell put in by `bad` (line 3's s or f).
fn csv_with(s3: &str, f3: &str) -> String {
    format!("x,s,f\n1,3,1\n2,{s3},{f3}\n3,1,4\n4,2,2\n5,0,3\n")
}

#[test]
fn rejects_negative_counts_naming_file_line_column_and_value() {
    for cmd in ["glm", "nn"] {
        refuses(
            cmd,
            "counts-negative",
            &csv_with("-1", "2"),
            &[],
            &["d.csv: line 3, column \"s\": count \"-1\" is negative"],
        );
    }
    refuses(
        "glm",
        "counts-negative-f",
        &csv_with("1", "-2"),
        &[],
        &["line 3, column \"f\": count \"-2\" is negative"],
    );
}

#[test]
fn rejects_fractional_counts() {
    refuses(
        "glm",
        "counts-fraction",
        &csv_with("1.5", "2"),
        &[],
        &["line 3, column \"s\": count \"1.5\" is not a whole number"],
    );
    refuses(
        "compare",
        "counts-fraction-f",
        &csv_with("1", "0.25"),
        &[],
        &["line 3, column \"f\": count \"0.25\" is not a whole number"],
    );
}

#[test]
fn rejects_missing_counts_unless_dropped() {
    refuses(
        "glm",
        "counts-nan",
        &csv_with("1", "NaN"),
        &[],
        &["line 3, column \"f\"", "NaN", "--missing drop"],
    );
    // Dropped: the fit is that of the other rows.
    let dir = temp_dir("counts-nan-drop");
    let (with, without) = (dir.join("with.csv"), dir.join("without.csv"));
    std::fs::write(&with, csv_with("NaN", "2")).unwrap();
    std::fs::write(&without, "x,s,f\n1,3,1\n3,1,4\n4,2,2\n5,0,3\n").unwrap();
    let fit = |f: &PathBuf, more: &[&str]| {
        let mut args = vec!["glm", "--data", f.to_str().unwrap(), "--target", "s"];
        args.extend_from_slice(&["--failures", "f", "--json"]);
        args.extend_from_slice(more);
        let r = logreg(&args);
        let j: Value = serde_json::from_str(&r.ok()).unwrap();
        (j["params"].clone(), j["nobs"].clone(), r.stderr())
    };
    let (dropped, kept) = (fit(&with, &["--missing", "drop"]), fit(&without, &[]));
    assert_eq!((&dropped.0, &dropped.1), (&kept.0, &kept.1));
    assert!(dropped.2.contains("dropped 1 row(s)"), "{}", dropped.2);
    // A bad count is refused under --missing drop too.
    refuses(
        "glm",
        "counts-drop-negative",
        &csv_with("-1", "2"),
        &["--missing", "drop"],
        &["count \"-1\" is negative"],
    );
}

#[test]
fn rejects_a_row_without_trials() {
    refuses(
        "glm",
        "counts-no-trials",
        &csv_with("0", "0"),
        &[],
        &["d.csv: line 3, columns \"s\" and \"f\": 0 successes and 0 failures"],
    );
}

#[test]
fn rejects_counts_without_successes_or_without_failures() {
    refuses(
        "glm",
        "counts-no-successes",
        "x,s,f\n1,0,1\n2,0,3\n3,0,4\n",
        &[],
        &["column \"s\": every count is 0"],
    );
    refuses(
        "glm",
        "counts-no-failures",
        "x,s,f\n1,1,0\n2,2,0\n3,5,0\n",
        &[],
        &["column \"f\": every count is 0"],
    );
}

/// Trials are not weights: --failures with either weight is refused, as is
/// a streamed fit (which reads no role column) and --failures without a
/// data file.
#[test]
fn refuses_failures_with_weights_streaming_or_no_data() {
    let csv = "x,s,f,w\n1,3,1,1\n2,1,2,2\n3,1,4,1\n4,2,2,1\n";
    for flag in ["--freq-weights", "--var-weights"] {
        refuses(
            "glm",
            "counts-weights",
            csv,
            &[flag, "w"],
            &["cannot be used with", flag],
        );
    }
    refuses(
        "glm",
        "counts-stream",
        csv,
        &["--max-memory", "1G"],
        &["--max-memory", "takes no --failures"],
    );
    for args in [
        &["glm", "--failures", "f"][..],
        &["nn", "--n", "50", "--failures", "f"],
    ] {
        let r = logreg(args);
        assert_eq!(r.code(), Some(2), "{}", r.describe());
        assert!(r.stderr().contains("--data"), "{}", r.describe());
    }
}

/// A model saved from a counts fit records statsmodels' `Dep. Variable`
/// as its target and predicts probabilities from the features alone, as
/// the GLM's mean: statsmodels' `predict` of the proportions.
#[test]
fn a_counts_model_predicts_proportions() {
    let dir = temp_dir("counts-predict");
    let f = dir.join("d.csv");
    std::fs::write(&f, csv_with("1", "2")).unwrap();
    let model = dir.join("m.json");
    let r = logreg(&[
        "glm",
        "--data",
        f.to_str().unwrap(),
        "--target",
        "s",
        "--failures",
        "f",
        "--json",
        "--save-model",
        model.to_str().unwrap(),
    ]);
    let j: Value = serde_json::from_str(&r.ok()).unwrap();
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&model).unwrap()).unwrap();
    assert_eq!(saved["target"], "['s', 'f']");
    let new = dir.join("new.csv");
    std::fs::write(&new, "x\n1\n5\n").unwrap();
    let r = logreg(&[
        "predict",
        "--model",
        model.to_str().unwrap(),
        "--data",
        new.to_str().unwrap(),
    ]);
    let out = r.ok();
    let p = floats(&j["params"]);
    let first: f64 = out
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let want = 1.0 / (1.0 + (-(p[0] + p[1])).exp());
    assert!((first - want).abs() < 1e-12, "{first} vs {want}\n{out}");
}
