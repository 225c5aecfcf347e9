//! `logreg predict` and `--save-model`: statsmodels' `get_prediction` on new
//! data (fixtures from scripts/make_glm_option_fixtures.py), the round trip
//! fit → save → predict, and one-line errors for bad model files and data.
use std::path::{Path, PathBuf};

use logreg::data::{read_columns, read_csv, CsvOptions};
use logreg::glm::{fit, GlmConfig};
use logreg::model::predict;
use logreg::model::SavedModel;
use serde_json::Value;

use crate::support::{fixtures, floats, logreg, temp_dir, Run};

/// Mean and linpred depend on the params alone, which match statsmodels to
/// about 1e-14 (the same IRLS and final pinv refit); 1e-10 leaves room for
/// the sum x·β taken in another order and for exp/log rounding, and still
/// catches any wrong column, offset or link.
const MEAN_RTOL: f64 = 1e-10;

/// The standard error and the interval also depend on cov_params: a bound
/// of 1e-6 relative, loose as a bound on bse would be; measured ~1e-14.
const SE_RTOL: f64 = 1e-6;

/// The fit's own fitted values against predict on the training file: the
/// same params, but the fit takes x·β in its chunked row pass and predict
/// in a plain sum, so the last bits may differ.
const ROUND_TRIP_RTOL: f64 = 1e-13;

fn options_dir() -> PathBuf {
    fixtures().join("glm/options")
}

fn case(name: &str) -> Value {
    let path = options_dir().join(format!("{name}.json"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// A fixture's argument list with the file after `--data` made absolute.
fn args_in_fixture_dir(args: &Value) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for a in args.as_array().unwrap() {
        let a = a.as_str().unwrap().to_string();
        match out.last().map(String::as_str) {
            Some("--data") => out.push(options_dir().join(a).display().to_string()),
            _ => out.push(a),
        }
    }
    out
}

fn assert_close(what: &str, got: &[f64], want: &[f64], rtol: f64) {
    assert_eq!(got.len(), want.len(), "{what}: lengths");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= rtol * w.abs(),
            "{what}[{i}]: got {g:e}, want {w:e} (rtol {rtol:e})"
        );
    }
}

/// Parse predict's CSV: the header and the columns.
fn parse_csv(text: &str) -> (Vec<String>, Vec<Vec<f64>>) {
    let mut lines = text.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    let mut cols = vec![Vec::new(); header.len()];
    for line in lines {
        for (c, cell) in line.split(',').enumerate() {
            cols[c].push(cell.parse::<f64>().unwrap());
        }
    }
    (header, cols)
}

/// Fit a fixture case with `glm --save-model` into `dir`; the model's path.
fn save_glm_model(fx: &Value, dir: &Path) -> PathBuf {
    let model = dir.join("model.json");
    let mut args = vec!["glm".to_string()];
    args.extend(args_in_fixture_dir(&fx["args"]));
    args.extend(["--save-model".into(), model.display().to_string()]);
    logreg(&args).ok();
    model
}

fn run_predict(model: &Path, rest: &[String]) -> Run {
    let mut args = vec![
        "predict".into(),
        "--model".into(),
        model.display().to_string(),
    ];
    args.extend(rest.iter().cloned());
    logreg(&args)
}

/// Exit 2, one line on stderr that contains every one of `parts`.
fn assert_one_line_error(r: &Run, parts: &[&str]) {
    assert_eq!(r.code(), Some(2), "{}", r.describe());
    let err = r.stderr();
    assert_eq!(err.lines().count(), 1, "{}", r.describe());
    for p in parts {
        assert!(err.contains(p), "missing {p:?}\n{}", r.describe());
    }
}

/// `glm --save-model` with the fixture's own flags, then `predict` on its
/// new data: statsmodels' get_prediction frame, for the logit and for
/// probit with an offset.
#[test]
fn fit_save_predict_matches_statsmodels_get_prediction() {
    for name in ["predict_logit", "predict_offset"] {
        let fx = case(name);
        let dir = temp_dir(name);
        let model = save_glm_model(&fx, &dir);
        let p = &fx["prediction"];
        let out = run_predict(&model, &args_in_fixture_dir(&p["args"])).ok();
        let (header, cols) = parse_csv(&out);
        let want: Vec<String> = p["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().into())
            .collect();
        assert_eq!(header, want, "{name}");
        for (col, got) in header.iter().zip(&cols) {
            let rtol = if matches!(col.as_str(), "mean" | "linpred") {
                MEAN_RTOL
            } else {
                SE_RTOL
            };
            assert_close(
                &format!("{name} {col}"),
                got,
                &floats(&p[col.as_str()]),
                rtol,
            );
        }
    }
}

/// A model file made from a fixture's statsmodels params and cov_params.
fn model_from_fixture(fx: &Value) -> SavedModel {
    let text = serde_json::json!({
        "format": "logreg-model", "version": 1, "kind": "glm",
        "names": fx["names"], "params": fx["params"], "link": fx["link"],
        "cov_type": fx["cov_type"], "cov_params": fx["cov_params"],
        "offset": fx["offset"], "target": fx["target"],
    })
    .to_string();
    SavedModel::from_json(&text, "fixture").unwrap()
}

/// The design (const first) and offset of `file` for `model`.
fn design(model: &SavedModel, file: &Path) -> (Vec<f64>, Option<Vec<f64>>) {
    let mut names = model.names[1..].to_vec();
    names.extend(model.offset.clone());
    let (_, values) = read_columns(file, &names, None).unwrap();
    let k = model.names.len();
    let mut x = Vec::new();
    let mut off = Vec::new();
    for row in values.chunks_exact(names.len()) {
        x.push(1.0);
        x.extend_from_slice(&row[..k - 1]);
        off.extend(row.get(k - 1));
    }
    (x, model.offset.as_ref().map(|_| off))
}

#[test]
fn predict_with_offset_and_probit_matches_statsmodels_get_prediction() {
    let fx = case("predict_offset");
    let model = model_from_fixture(&fx);
    let p = &fx["prediction"];
    let file = options_dir().join(p["csv"].as_str().unwrap());
    let (x, off) = design(&model, &file);
    let alpha = p["alpha"].as_f64().unwrap();
    let got = predict(&model, &x, off.as_deref(), alpha, "new").unwrap();
    let iv = got.intervals.as_ref().unwrap();
    assert_close("mean", &got.mean, &floats(&p["mean"]), MEAN_RTOL);
    assert_close("linpred", &got.linpred, &floats(&p["linpred"]), MEAN_RTOL);
    assert_close("mean_se", &iv.mean_se, &floats(&p["mean_se"]), SE_RTOL);
    assert_close(
        "mean_ci_lower",
        &iv.mean_ci_lower,
        &floats(&p["mean_ci_lower"]),
        SE_RTOL,
    );
    assert_close(
        "mean_ci_upper",
        &iv.mean_ci_upper,
        &floats(&p["mean_ci_upper"]),
        SE_RTOL,
    );
}

#[test]
fn predict_on_training_rows_gives_statsmodels_fitted_values_with_cloglog_and_offset() {
    let fx = case("combined");
    let model = model_from_fixture(&fx);
    let (x, off) = design(&model, &options_dir().join(fx["csv"].as_str().unwrap()));
    let got = predict(&model, &x, off.as_deref(), 0.05, "train").unwrap();
    assert_close("mean", &got.mean, &floats(&fx["fittedvalues"]), MEAN_RTOL);
}

#[test]
fn fit_save_predict_on_the_training_file_gives_the_fitted_values() {
    let fx = case("predict_logit");
    let dir = temp_dir("predict-round-trip");
    let model = save_glm_model(&fx, &dir);
    let train = options_dir().join("modechoice.csv");
    let out = run_predict(&model, &["--data".into(), train.display().to_string()]).ok();
    let (header, cols) = parse_csv(&out);
    // The library's fit of the same data: its fitted values μ and Xβ.
    let features: Vec<String> = strings(&fx["features"]);
    let opts = CsvOptions {
        target: "choice".into(),
        features: Some(features),
        ..CsvOptions::default()
    };
    let (data, _) = read_csv(&train, &opts).unwrap();
    let fitted = fit(&data, &GlmConfig::default()).unwrap();
    assert_eq!(header[0], "mean");
    assert_close("mean", &cols[0], &fitted.mu, ROUND_TRIP_RTOL);
    assert_close("linpred", &cols[4], &fitted.lin_pred, ROUND_TRIP_RTOL);
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().into())
        .collect()
}

#[test]
fn nn_model_predicts_mean_and_linpred_only() {
    let dir = temp_dir("predict-nn");
    let model = dir.join("nn.json");
    let data = dir.join("d.csv");
    logreg(&["simulate", "--n", "50", "--out", data.to_str().unwrap()]).ok();
    let m = model.to_str().unwrap();
    logreg(&[
        "nn",
        "--data",
        data.to_str().unwrap(),
        "--steps",
        "10",
        "--save-model",
        m,
    ])
    .ok();
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&model).unwrap()).unwrap();
    assert_eq!(saved["kind"], "nn");
    assert!(saved.get("cov_params").is_none());
    let out = run_predict(&model, &["--data".into(), data.display().to_string()]).ok();
    let (header, cols) = parse_csv(&out);
    assert_eq!(header, ["mean", "linpred"]);
    assert_eq!(cols[0].len(), 50);
}

#[test]
fn rejects_bad_model_files_with_one_line() {
    let dir = temp_dir("predict-bad-model");
    let data = options_dir()
        .join("modechoice_new.csv")
        .display()
        .to_string();
    let good = std::fs::read_to_string(save_glm_model(&case("predict_logit"), &dir)).unwrap();
    let mut missing: Value = serde_json::from_str(&good).unwrap();
    missing.as_object_mut().unwrap().remove("params");
    let cases: [(&str, String, &[&str]); 5] = [
        ("not-json.json", "{\"format\": ".into(), &["not JSON"]),
        (
            "no-format.json",
            "{\"version\": 1}".into(),
            &["no \"format\""],
        ),
        (
            "newer.json",
            good.replace("\"version\": 1", "\"version\": 3"),
            &["version 3", "versions 1 to 2"],
        ),
        (
            "no-params.json",
            missing.to_string(),
            &["no \"params\" key"],
        ),
        (
            "bad-link.json",
            good.replace("\"logit\"", "\"identity\""),
            &["\"identity\""],
        ),
    ];
    for (name, text, parts) in cases {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let r = run_predict(&path, &["--data".into(), data.clone()]);
        let mut want = vec![name];
        want.extend_from_slice(parts);
        assert_one_line_error(&r, &want);
    }
}

#[test]
fn rejects_new_data_without_a_model_column_naming_it() {
    let dir = temp_dir("predict-missing-column");
    let model = save_glm_model(&case("predict_logit"), &dir);
    let data = dir.join("new.csv");
    std::fs::write(&data, "psize,hinc,invc\n1,2,3\n").unwrap();
    let r = run_predict(&model, &["--data".into(), data.display().to_string()]);
    assert_one_line_error(&r, &["new.csv", "no column \"ttme\""]);
}

#[test]
fn out_is_written_whole_and_never_replaces_the_input() {
    let dir = temp_dir("predict-out");
    let model = save_glm_model(&case("predict_logit"), &dir);
    let data = dir.join("new.csv");
    std::fs::copy(options_dir().join("modechoice_new.csv"), &data).unwrap();
    let data_arg = data.display().to_string();
    let stdout = run_predict(&model, &["--data".into(), data_arg.clone()]).ok();
    let out = dir.join("pred.csv");
    let with_out = [
        "--data".into(),
        data_arg.clone(),
        "--out".into(),
        out.display().to_string(),
    ];
    assert_eq!(run_predict(&model, &with_out).ok(), "");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), stdout);
    // A failure leaves an existing --out as it was, with no temporary file.
    std::fs::write(&out, "old").unwrap();
    let bad = [
        "--data".into(),
        data_arg.clone(),
        "--alpha".into(),
        "0.1".into(),
        "--out".into(),
        out.display().to_string(),
    ];
    std::fs::write(&model, "{}").unwrap();
    assert_eq!(run_predict(&model, &bad).code(), Some(2));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "old");
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        3,
        "a temporary file was left"
    );
    // --out naming the input is refused before the work.
    let same = ["--data".into(), data_arg.clone(), "--out".into(), data_arg];
    let before = std::fs::read(&data).unwrap();
    assert_one_line_error(
        &run_predict(&model, &same),
        &["--out", "same file as --data"],
    );
    assert_eq!(std::fs::read(&data).unwrap(), before);
}

#[test]
fn save_model_path_is_checked_before_the_work() {
    let dir = temp_dir("save-model-preflight");
    let path = dir.join("no-such-folder/m.json").display().to_string();
    for cmd in ["glm", "nn"] {
        let r = logreg(&[cmd, "--save-model", &path]);
        assert_one_line_error(&r, &["--save-model", "does not exist"]);
        assert_eq!(r.stdout(), "", "the work ran\n{}", r.describe());
    }
}

/// An endless input as the model file (`/dev/zero`) is refused in one line
/// after a bounded read, not read until memory runs out.
#[test]
fn rejects_an_endless_model_file_after_a_bounded_read() {
    let r = run_predict(
        Path::new("/dev/zero"),
        &[
            "--data".into(),
            fixtures().join("glm/spector.csv").display().to_string(),
        ],
    );
    assert_one_line_error(&r, &["/dev/zero", "not a model file"]);
}

/// A glm model file written by hand: `params` for `names` (const first),
/// `cov` its covariance, the link and any extra or replaced keys in `more`.
fn hand_model(names: &[&str], params: &[f64], cov: Value, link: &str, more: Value) -> String {
    let mut m = serde_json::json!({
        "format": "logreg-model", "version": 1, "kind": "glm",
        "names": names, "params": params, "link": link,
        "cov_type": "nonrobust", "cov_params": cov,
        "offset": null, "target": "y",
    });
    for (k, v) in more.as_object().into_iter().flatten() {
        m[k] = v.clone();
    }
    m.to_string()
}

/// `predict` with the model `text` on the CSV `data`, both written to `dir`.
fn predict_text(dir: &Path, text: &str, data: &str, rest: &[&str]) -> Run {
    let model = dir.join("m.json");
    std::fs::write(&model, text).unwrap();
    let csv = dir.join("new.csv");
    std::fs::write(&csv, data).unwrap();
    let mut args: Vec<String> = vec!["--data".into(), csv.display().to_string()];
    args.extend(rest.iter().map(|s| s.to_string()));
    run_predict(&model, &args)
}

/// The delta method's standard error, (g⁻¹)'(η)·se(η), is finite wherever
/// the mean is: at linear predictors far beyond where exp(η) overflows
/// (statsmodels' logit formula t/(1+t)² gives NaN from η ≈ 709.8), for every
/// link, and 0 in the far tails.
#[test]
fn mean_se_is_finite_at_extreme_linear_predictors() {
    let dir = temp_dir("predict-extreme-eta");
    let etas = [
        0.0, 1.5, 40.0, 709.78, 709.79, 710.0, 745.2, 1e3, 1e300, -1e300,
    ];
    let mut data = String::from("x\n");
    for e in etas.iter().flat_map(|&e| [e, -e]) {
        data.push_str(&format!("{e:e}\n"));
    }
    for link in ["logit", "probit", "cloglog", "loglog", "cauchy"] {
        // x's coefficient known exactly: se = 0.01 at every x, however large.
        let cov = serde_json::json!([[1e-4, 0.0], [0.0, 0.0]]);
        let text = hand_model(&["const", "x"], &[0.0, 1.0], cov, link, Value::Null);
        let out = predict_text(&dir, &text, &data, &[]).ok();
        let (header, cols) = parse_csv(&out);
        assert_eq!(header[1], "mean_se");
        for (c, col) in header.iter().zip(&cols) {
            for (i, v) in col.iter().enumerate() {
                assert!(v.is_finite(), "{link}: {c} of row {i} is {v}\n{out}");
            }
        }
        for (i, se) in cols[1].iter().enumerate() {
            assert!(*se >= 0.0, "{link}: mean_se of row {i} is {se}");
            if cols[4][i].abs() >= 1e300 && link != "cauchy" {
                assert_eq!(*se, 0.0, "{link}: row {i}");
            }
        }
    }
    // The logit's at η = 0: μ(1 − μ)·se = 0.25 · sqrt(1e-4).
    let text = hand_model(
        &["const", "x"],
        &[0.0, 1.0],
        serde_json::json!([[1e-4, 0.0], [0.0, 1e-10]]),
        "logit",
        Value::Null,
    );
    let (_, cols) = parse_csv(&predict_text(&dir, &text, "x\n0\n", &[]).ok());
    assert!((cols[1][0] - 0.0025).abs() < 1e-15, "{}", cols[1][0]);
}

/// A model file's covariance must be one (symmetric and positive
/// semi-definite within rounding), its type and keys known and single:
/// each other file is one line naming the key, exit 2.
#[test]
fn rejects_model_files_whose_covariance_or_keys_are_wrong() {
    let dir = temp_dir("predict-bad-cov");
    let names = ["const", "x"];
    let params = [0.5, -1.0];
    let model = |cov: Value, more: Value| hand_model(&names, &params, cov, "logit", more);
    let good = serde_json::json!([[0.25, 0.1], [0.1, 0.5]]);
    let cases: Vec<(String, Vec<&str>)> = vec![
        (
            model(serde_json::json!([[0.25, 0.1], [0.1, -0.5]]), Value::Null),
            vec!["\"cov_params\"", "[1][1]", "negative"],
        ),
        (
            model(serde_json::json!([[0.25, 0.1], [0.3, 0.5]]), Value::Null),
            vec!["\"cov_params\"", "not symmetric"],
        ),
        (
            model(serde_json::json!([[1.0, 2.0], [2.0, 1.0]]), Value::Null),
            vec!["\"cov_params\"", "positive semi-definite"],
        ),
        (
            model(
                serde_json::json!([[1e300, 1e300], [-1e300, 1e300]]),
                Value::Null,
            ),
            vec!["\"cov_params\"", "not symmetric"],
        ),
        (
            model(good.clone(), serde_json::json!({"cov_type": "banana"})),
            vec!["\"cov_type\"", "\"banana\"", "nonrobust"],
        ),
        (
            model(
                good.clone(),
                serde_json::json!({"names": ["const", "const"]}),
            ),
            vec!["\"const\"", "twice"],
        ),
        (
            model(good.clone(), Value::Null).replacen('{', "{\"link\": \"probit\", ", 1),
            vec!["\"link\"", "more than once"],
        ),
        (
            model(
                serde_json::json!([[0.25, 0.1, 0.0], [0.1, 0.5]]),
                Value::Null,
            ),
            vec!["cov_params is 2 x 2 to 3, not 2 x 2"],
        ),
    ];
    for (text, parts) in cases {
        let r = predict_text(&dir, &text, "x\n1\n", &[]);
        let mut want = vec!["m.json"];
        want.extend(parts);
        assert_one_line_error(&r, &want);
    }
}

/// `"version": 1.0` is version 1, and a UTF-8 byte order mark before the
/// JSON is skipped (as in a CSV file): the same predictions as the plain file.
#[test]
fn reads_version_one_point_zero_and_a_byte_order_mark() {
    let dir = temp_dir("predict-version-bom");
    let cov = serde_json::json!([[0.25, 0.1], [0.1, 0.5]]);
    let plain = hand_model(&["const", "x"], &[0.5, -1.0], cov, "probit", Value::Null);
    let want = predict_text(&dir, &plain, "x\n1\n2\n", &[]).ok();
    let float = plain.replace("\"version\":1", "\"version\":1.0");
    assert_ne!(float, plain);
    for text in [
        float.clone(),
        format!("\u{feff}{plain}"),
        format!("\u{feff}{float}"),
    ] {
        assert_eq!(predict_text(&dir, &text, "x\n1\n2\n", &[]).ok(), want);
    }
    let r = predict_text(
        &dir,
        &plain.replace("\"version\":1", "\"version\":1.5"),
        "x\n1\n",
        &[],
    );
    assert_one_line_error(&r, &["\"version\"", "whole number"]);
}

/// An intercept-only model (a hand-written file: the fits need a feature)
/// predicts its constant on every row, reading no column, as a glm and as a
/// network's model, with and without an offset.
#[test]
fn intercept_only_model_predicts_the_constant() {
    let dir = temp_dir("predict-intercept-only");
    let glm = hand_model(
        &["const"],
        &[0.5],
        serde_json::json!([[0.04]]),
        "logit",
        Value::Null,
    );
    let (header, cols) = parse_csv(&predict_text(&dir, &glm, "a\n7\n8\n9\n", &[]).ok());
    assert_eq!(header.len(), 5);
    let mu = 1.0 / (1.0 + (-0.5f64).exp());
    assert_eq!(cols[0].len(), 3);
    for ((m, se), eta) in cols[0].iter().zip(&cols[1]).zip(&cols[4]) {
        assert!((m - mu).abs() < 1e-15, "{m}");
        assert!((se - mu * (1.0 - mu) * 0.2).abs() < 1e-15, "{se}");
        assert_eq!(*eta, 0.5);
    }
    let nn = serde_json::json!({
        "format": "logreg-model", "version": 1, "kind": "nn", "names": ["const"],
        "params": [-0.25], "link": "logit", "offset": "o", "target": "y",
    })
    .to_string();
    let (header, cols) = parse_csv(&predict_text(&dir, &nn, "a,o\n7,1\n8,2\n", &[]).ok());
    assert_eq!(header, ["mean", "linpred"]);
    assert_eq!(cols[1], [0.75, 1.75]);
}

/// `--missing drop` leaves out the rows with a missing value in a column
/// the model reads (statsmodels drops them too), says how many on stderr,
/// and predicts the others; `--missing error` (the default) refuses them.
#[test]
fn missing_drop_leaves_out_rows_with_a_missing_value() {
    let dir = temp_dir("predict-missing-drop");
    let cov = serde_json::json!([[0.25, 0.1], [0.1, 0.5]]);
    let text = hand_model(&["const", "x"], &[0.5, -1.0], cov, "logit", Value::Null);
    let data = "x,other\n1,NA\nNA,2\n\n3,\n,4\n";
    let kept = predict_text(&dir, &text, "x\n1\n3\n", &[]).ok();
    let r = predict_text(&dir, &text, data, &["--missing", "drop"]);
    assert_eq!(r.ok(), kept);
    assert!(r.stderr().contains("dropped 2 row(s)"), "{}", r.describe());
    let r = predict_text(&dir, &text, data, &["--missing", "error"]);
    assert_one_line_error(&r, &["new.csv", "line 3", "missing value"]);
    let r = predict_text(&dir, &text, "x\nNA\n\nNaN\n", &["--missing", "drop"]);
    assert_one_line_error(&r, &["new.csv", "every data row", "2 row(s) dropped"]);
    let r = predict_text(&dir, &text, "x\n", &["--missing", "drop"]);
    assert_one_line_error(&r, &["new.csv", "line 1", "no data rows"]);
}

/// A row whose linear predictor or standard error overflows f64 is refused
/// naming its line, not written as inf or NaN.
#[test]
fn rejects_a_row_whose_prediction_overflows_naming_its_line() {
    let dir = temp_dir("predict-overflow");
    let huge = hand_model(
        &["const", "x"],
        &[0.0, 1e308],
        serde_json::json!([[1.0, 0.0], [0.0, 1.0]]),
        "logit",
        Value::Null,
    );
    let r = predict_text(&dir, &huge, "x\n0.5\n10\n", &[]);
    assert_one_line_error(&r, &["new.csv", "line 3", "linear predictor overflows"]);
    let wide = hand_model(
        &["const", "x"],
        &[0.0, 1.0],
        serde_json::json!([[1e300, 0.0], [0.0, 1e300]]),
        "logit",
        Value::Null,
    );
    let r = predict_text(&dir, &wide, "x\n1\n1e10\n", &[]);
    assert_one_line_error(&r, &["new.csv", "line 3", "standard error overflows"]);
}

/// Run `logreg args` with its data segment limited to `bytes`
/// (RLIMIT_DATA: the heap and private mappings).
fn logreg_with_data_limit(args: &[String], bytes: u64) -> Run {
    use std::os::unix::process::CommandExt;
    let mut cmd = std::process::Command::new(crate::support::bin());
    cmd.args(args).env_remove("LD_LIBRARY_PATH");
    // SAFETY: setrlimit is async-signal-safe and touches no Rust state.
    unsafe {
        cmd.pre_exec(move || {
            let lim = libc::rlimit {
                rlim_cur: bytes as libc::rlim_t,
                rlim_max: bytes as libc::rlim_t,
            };
            if libc::setrlimit(libc::RLIMIT_DATA, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    Run {
        cmd: format!("logreg {} (RLIMIT_DATA {bytes})", args.join(" ")),
        out: cmd.output().expect("cannot start logreg"),
    }
}

/// Rows predicted in bounded memory: 2,000,000 rows (holding their
/// predictions at once takes about 350 MB more) run under a 200 MiB data
/// limit (the binary and libtorch start in about 60), and the output spans
/// many blocks in order, written whole to --out.
#[test]
fn predicts_a_large_file_block_by_block_in_bounded_memory() {
    const ROWS: usize = 2_000_000;
    const LIMIT: u64 = 200 << 20;
    let dir = temp_dir("predict-streaming");
    let cov = serde_json::json!([[0.01, 0.0], [0.0, 0.01]]);
    let text = hand_model(&["const", "x"], &[0.5, -1.0], cov, "logit", Value::Null);
    let model = dir.join("m.json");
    std::fs::write(&model, text).unwrap();
    let csv = dir.join("big.csv");
    let mut data = String::with_capacity(ROWS * 8);
    data.push_str("x\n");
    for i in 0..ROWS {
        data.push_str(&format!("{}\n", (i % 1000) as f64 / 100.0));
    }
    std::fs::write(&csv, data).unwrap();
    let out = dir.join("pred.csv");
    let args: Vec<String> = [
        "predict",
        "--model",
        model.to_str().unwrap(),
        "--data",
        csv.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    logreg_with_data_limit(&args, LIMIT).ok();
    let written = std::fs::read_to_string(&out).unwrap();
    let mut lines = written.lines();
    assert_eq!(
        lines.next(),
        Some("mean,mean_se,mean_ci_lower,mean_ci_upper,linpred")
    );
    let mut n = 0;
    for (i, line) in lines.enumerate() {
        let linpred: f64 = line.rsplit(',').next().unwrap().parse().unwrap();
        let want = 0.5 - (i % 1000) as f64 / 100.0;
        assert!((linpred - want).abs() < 1e-12, "row {i}: {line}");
        n += 1;
    }
    assert_eq!(n, ROWS);
}

/// A 96 MiB model file of the wrong shape (a covariance row of 48 million
/// numbers for 2 params) is refused by its shape, in one line, before its
/// numbers are built: under a 200 MiB data limit (the numbers alone would
/// take 384 MB, a JSON tree of them several GB).
#[test]
fn refuses_a_large_model_file_of_the_wrong_shape_in_bounded_memory() {
    const LIMIT: u64 = 200 << 20;
    let dir = temp_dir("predict-large-model");
    let row = "0,".repeat(48 << 20);
    let text = format!(
        "{{\"format\": \"logreg-model\", \"version\": 1, \"kind\": \"glm\", \
         \"cov_params\": [[{row}0], [0, 1]], \"names\": [\"const\", \"x\"], \
         \"params\": [0, 1], \"link\": \"logit\", \"cov_type\": \"nonrobust\", \
         \"offset\": null, \"target\": \"y\"}}"
    );
    let model = dir.join("big.json");
    std::fs::write(&model, text).unwrap();
    drop(row);
    let csv = dir.join("new.csv");
    std::fs::write(&csv, "x\n1\n").unwrap();
    let args: Vec<String> = [
        "predict",
        "--model",
        model.to_str().unwrap(),
        "--data",
        csv.to_str().unwrap(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let r = logreg_with_data_limit(&args, LIMIT);
    assert_one_line_error(
        &r,
        &["big.json", "cov_params is 2 x 2 to 50331649, not 2 x 2"],
    );
}

/// A robust covariance of a nearly collinear design (x2 = x1 plus noise of
/// 1e-7) is far from symmetric in f64, statsmodels' too; the model file
/// `glm --save-model` writes for it is still read and predicts.
#[test]
fn own_hc_model_of_a_nearly_collinear_design_is_accepted() {
    let dir = temp_dir("predict-collinear-hc");
    let csv = dir.join("col.csv");
    let mut data = String::from("x1,x2,x3,y\n");
    for i in 0..300u32 {
        let t = f64::from(i);
        let (x1, x3) = ((0.37 * t).sin(), (0.71 * t).cos());
        let x2 = x1 + 1e-7 * (1.3 * t).cos();
        let y = u32::from((i * 7919) % 13 < 6 + u32::from(x1 + x3 > 0.0) * 3);
        data.push_str(&format!("{x1},{x2},{x3},{y}\n"));
    }
    std::fs::write(&csv, data).unwrap();
    let csv = csv.display().to_string();
    for cov_type in ["nonrobust", "HC0", "HC3"] {
        let model = dir.join(format!("{cov_type}.json"));
        let m = model.display().to_string();
        logreg(&[
            "glm",
            "--data",
            &csv,
            "--cov-type",
            cov_type,
            "--save-model",
            &m,
        ])
        .ok();
        let out = run_predict(&model, &["--data".into(), csv.clone()]).ok();
        assert_eq!(parse_csv(&out).1[0].len(), 300, "{cov_type}");
    }
}

/// Blocks are written as they are predicted, but --out still appears whole
/// or not at all: a bad cell after the first block leaves an existing
/// --out as it was, with no temporary file, and the error names its line.
#[test]
fn a_bad_cell_after_the_first_block_leaves_out_as_it_was() {
    const ROWS: usize = 100_000;
    let dir = temp_dir("predict-late-error");
    let cov = serde_json::json!([[0.01, 0.0], [0.0, 0.01]]);
    let text = hand_model(&["const", "x"], &[0.5, -1.0], cov, "logit", Value::Null);
    let model = dir.join("m.json");
    std::fs::write(&model, text).unwrap();
    let csv = dir.join("new.csv");
    let mut data = String::from("x\n");
    for i in 0..ROWS {
        data.push_str(&format!("{}\n", i % 10));
    }
    data.push_str("oops\n");
    std::fs::write(&csv, data).unwrap();
    let out = dir.join("pred.csv");
    std::fs::write(&out, "old").unwrap();
    let args = [
        "--data".into(),
        csv.display().to_string(),
        "--out".into(),
        out.display().to_string(),
    ];
    let r = run_predict(&model, &args);
    let line = format!("line {}", ROWS + 2);
    assert_one_line_error(&r, &["new.csv", &line, "\"oops\""]);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "old");
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        3,
        "a temporary file was left"
    );
}

/// The cloglog mean 1 − exp(−exp(η)) keeps its relative accuracy in the
/// lower tail, where 1 − exp(−t) cancels (11% low at η = −35.52, 0 from
/// η ≈ −36.7): checked against the series t − t²/2 (t = exp(η) < 1e-8,
/// the next term below 1e-17 relative), with its delta-method standard
/// error exp(η − t)·se = t·(1 − t + …)·se and an interval that holds the
/// mean.
#[test]
fn cloglog_mean_is_accurate_in_the_lower_tail() {
    let dir = temp_dir("predict-cloglog-tail");
    let etas = [-20.0, -35.52, -40.0, -300.0];
    let mut data = String::from("x\n");
    for e in etas {
        data.push_str(&format!("{e:?}\n"));
    }
    // se(η) = 0.1 at every row.
    let cov = serde_json::json!([[1e-2, 0.0], [0.0, 0.0]]);
    let text = hand_model(&["const", "x"], &[0.0, 1.0], cov, "cloglog", Value::Null);
    let out = predict_text(&dir, &text, &data, &[]).ok();
    let (header, cols) = parse_csv(&out);
    assert_eq!(
        header,
        [
            "mean",
            "mean_se",
            "mean_ci_lower",
            "mean_ci_upper",
            "linpred"
        ]
    );
    let series = |eta: f64| {
        let t = eta.exp();
        t - t * t / 2.0
    };
    let rel = |got: f64, want: f64| ((got - want) / want).abs();
    for (i, &eta) in etas.iter().enumerate() {
        let (mean, se, lo, hi) = (cols[0][i], cols[1][i], cols[2][i], cols[3][i]);
        assert!(
            rel(mean, series(eta)) < 1e-15,
            "η = {eta}: mean {mean}\n{out}"
        );
        let t = eta.exp();
        assert!(
            rel(se, 0.1 * t * (1.0 - t)) < 1e-14,
            "η = {eta}: se {se}\n{out}"
        );
        assert!(
            0.0 < lo && lo < mean && mean < hi,
            "η = {eta}: {lo} {mean} {hi}"
        );
        // The bounds are the mean at η ∓ q·se, where the mean is exp(η)
        // to within t relative: their product is the mean's square.
        assert!(
            rel(lo * hi, mean * mean) < 1e-8,
            "η = {eta}: {lo} {mean} {hi}"
        );
    }
}

/// An offset that is also one of the model's features would be read twice
/// (the fits refuse a column in two roles): refused on read, naming the key.
#[test]
fn rejects_an_offset_that_is_also_a_feature() {
    let dir = temp_dir("predict-offset-feature");
    let cov = serde_json::json!([[0.25, 0.1], [0.1, 0.5]]);
    for offset in ["x", "const"] {
        let text = hand_model(
            &["const", "x"],
            &[0.5, -1.0],
            cov.clone(),
            "logit",
            serde_json::json!({ "offset": offset }),
        );
        let r = predict_text(&dir, &text, "x,const\n1,2\n", &[]);
        let name = format!("{offset:?}");
        assert_one_line_error(&r, &["m.json", "\"offset\"", &name, "\"names\""]);
    }
}

/// A version too large for f64 to hold exactly is named as the number read,
/// not as a different integer (u64's largest).
#[test]
fn names_a_newer_version_as_read() {
    let dir = temp_dir("predict-version-large");
    let cov = serde_json::json!([[0.25, 0.1], [0.1, 0.5]]);
    let plain = hand_model(&["const", "x"], &[0.5, -1.0], cov, "logit", Value::Null);
    for (written, named) in [
        ("3", "version 3 is newer"),
        (
            "18446744073709551617",
            "version 1.8446744073709552e19 is newer",
        ),
    ] {
        let text = plain.replace("\"version\":1", &format!("\"version\":{written}"));
        let r = predict_text(&dir, &text, "x\n1\n", &[]);
        assert_one_line_error(&r, &["m.json", named]);
        assert!(
            !r.stderr().contains("18446744073709551615"),
            "{}",
            r.describe()
        );
    }
}

/// The new data's header is checked before the model's covariance (a check
/// that costs seconds for thousands of coefficients): a missing column is
/// reported first, even with a covariance that would be refused.
#[test]
fn checks_the_data_columns_before_the_covariance() {
    let dir = temp_dir("predict-columns-first");
    let bad_cov = serde_json::json!([[1.0, 2.0], [2.0, 1.0]]);
    let text = hand_model(&["const", "x"], &[0.5, -1.0], bad_cov, "logit", Value::Null);
    let r = predict_text(&dir, &text, "z\n1\n", &[]);
    assert_one_line_error(&r, &["new.csv", "line 1", "no column \"x\""]);
    let r = predict_text(&dir, &text, "x\n1\n", &[]);
    assert_one_line_error(&r, &["m.json", "\"cov_params\"", "positive semi-definite"]);
}
