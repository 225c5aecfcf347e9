//! Cells read as `pandas.read_csv` reads them, through `glm --formula` and
//! `predict`: the fixtures of scripts/make_cell_fit_fixtures.py (whole
//! numbers beyond 2^53 and int64 as categories, True/False with spaces or
//! in odd case, NaN spellings and NA markers with spaces, an offset the
//! formula also uses, an infinity statsmodels refuses).
use std::path::PathBuf;

use serde_json::Value;

use crate::glm::{close, close_all};
use crate::support::{fixtures, floats, logreg, temp_dir};

/// params, bse and llf against statsmodels: relative. These designs are
/// small and well conditioned; a cell read differently moves a parameter
/// by far more (a level dropped, merged or added changes the columns).
const RTOL: f64 = 1e-8;

fn dir() -> PathBuf {
    fixtures().join("cells")
}

fn fixture(name: &str) -> Value {
    let text = std::fs::read_to_string(dir().join(format!("{name}.json"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The fixture's arguments after `cmd`, its `--data` file made absolute.
fn args(cmd: &str, fx: &Value, extra: &[&str]) -> Vec<String> {
    let mut out = vec![cmd.to_string()];
    let mut it = fx["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap());
    while let Some(a) = it.next() {
        out.push(a.to_string());
        if a == "--data" {
            let f = it.next().expect("--data has a value");
            out.push(dir().join(f).to_string_lossy().into_owned());
        }
    }
    out.extend(extra.iter().map(|s| s.to_string()));
    out
}

fn strings(v: &Value) -> Vec<String> {
    let items = v.as_array().unwrap().iter();
    items.map(|s| s.as_str().unwrap().to_string()).collect()
}

/// `glm --formula` on the case gives statsmodels' names, params, bse, llf
/// and nobs.
fn matches_statsmodels(name: &str) {
    let fx = fixture(name);
    let out = logreg(&args("glm", &fx, &["--json"])).ok();
    let j: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(strings(&j["names"]), strings(&fx["names"]), "{name}");
    let k = fx["names"].as_array().unwrap().len();
    let params = floats(&j["params"]);
    close_all(
        &format!("{name} params"),
        &params,
        &floats(&fx["params"]),
        RTOL,
        &vec![0.0; k],
    );
    let bse = floats(&j["bse"]);
    close_all(
        &format!("{name} bse"),
        &bse,
        &floats(&fx["bse"]),
        RTOL,
        &vec![0.0; k],
    );
    close(
        &format!("{name} llf"),
        j["llf"].as_f64().unwrap(),
        fx["llf"].as_f64().unwrap(),
        RTOL,
        0.0,
    );
    assert_eq!(j["nobs"].as_f64(), fx["nobs"].as_f64(), "{name} nobs");
}

#[test]
fn keys_whole_numbers_beyond_2_pow_53_exactly() {
    matches_statsmodels("big_int");
}

#[test]
fn reads_whole_numbers_beyond_int64_as_uint64_levels() {
    matches_statsmodels("uint64");
}

#[test]
fn keeps_true_with_spaces_as_a_text_level() {
    matches_statsmodels("space_bool");
}

#[test]
fn reads_true_and_false_in_any_case_as_bool() {
    matches_statsmodels("case_bool");
}

#[test]
fn drops_nan_spellings_of_a_text_column_as_patsy_does() {
    matches_statsmodels("nan_text");
    // Without --missing drop, the first such cell is refused by its line.
    let fx = fixture("nan_text");
    let mut a = args("glm", &fx, &[]);
    let at = a.iter().position(|s| s == "--missing").unwrap();
    a.drain(at..at + 2);
    let run = logreg(&a);
    assert_eq!(run.code(), Some(2), "{}", run.describe());
    let err = run.stderr();
    assert!(
        err.contains("nan_text.csv: line 5: column \"d\": missing value"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn keeps_na_markers_with_spaces_as_text_levels() {
    matches_statsmodels("space_na");
}

#[test]
fn refuses_an_infinity_in_a_numeric_column_naming_its_line() {
    let fx = fixture("inf_numeric");
    assert!(fx["error"].as_str().unwrap().contains("inf"), "{fx}");
    let run = logreg(&args("glm", &fx, &[]));
    assert_eq!(run.code(), Some(2), "{}", run.describe());
    let err = run.stderr();
    assert!(
        err.contains("inf_numeric.csv: line 11, column \"x\": \"inf\" is not a finite number"),
        "{err}"
    );
}

/// An offset column the formula also uses: the fit, and the saved model's
/// predictions with it, are statsmodels'.
#[test]
fn fits_and_predicts_with_an_offset_the_formula_uses() {
    matches_statsmodels("offset_used");
    let fx = fixture("offset_used");
    let tmp = temp_dir("cells-offset");
    let model = tmp.join("m.json");
    let model = model.to_str().unwrap();
    logreg(&args("glm", &fx, &["--save-model", model])).ok();
    let data = dir().join("offset_used.csv");
    let out = logreg(&[
        "predict",
        "--model",
        model,
        "--data",
        data.to_str().unwrap(),
    ])
    .ok();
    let mut lines = out.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let rows: Vec<Vec<f64>> = lines
        .map(|l| l.split(',').map(|v| v.parse().unwrap()).collect())
        .collect();
    let p = &fx["predict"];
    for (name, key) in [
        ("mean", "mean"),
        ("mean_se", "mean_se"),
        ("linpred", "linpred"),
    ] {
        let got: Vec<f64> = rows.iter().map(|r| r[col(name)]).collect();
        let want = floats(&p[key]);
        close_all(
            &format!("predict {name}"),
            &got,
            &want,
            RTOL,
            &vec![1e-14; want.len()],
        );
    }
}

#[test]
fn refuses_stdin_as_the_model() {
    let data = dir().join("offset_used.csv");
    let run = logreg(&["predict", "--model", "-", "--data", data.to_str().unwrap()]);
    assert_eq!(run.code(), Some(2), "{}", run.describe());
    assert!(run.stderr().contains("--model -"), "{}", run.stderr());
}

/// A formula model's new data: a cell that is not a number in a numeric
/// column, and a level the fit did not see, are refused naming the line
/// and the cell.
#[test]
fn predict_names_the_line_and_cell_it_refuses() {
    let fx = fixture("big_int");
    let tmp = temp_dir("cells-predict");
    let model = tmp.join("m.json");
    let model = model.to_str().unwrap();
    logreg(&args("glm", &fx, &["--save-model", model])).ok();
    let run_on = |text: &str| {
        let data = tmp.join("new.csv");
        std::fs::write(&data, text).unwrap();
        logreg(&[
            "predict",
            "--model",
            model,
            "--data",
            data.to_str().unwrap(),
        ])
    };
    let run = run_on("x,g\n0.5,90071992547409921\nabc,90071992547409920\n");
    assert_eq!(run.code(), Some(2), "{}", run.describe());
    assert!(
        run.stderr()
            .contains("new.csv: line 3: column \"x\" holds text (\"abc\")"),
        "{}",
        run.stderr()
    );
    let run = run_on("x,g\n0.5,90071992547409923\n");
    assert_eq!(run.code(), Some(2), "{}", run.describe());
    assert!(
        run.stderr().contains(
            "new.csv: line 2: column \"g\": level 90071992547409923 (read as a number) of C(g) did not occur"
        ),
        "{}",
        run.stderr()
    );
    let run = run_on("x,g\n0.5,a\n");
    assert!(
        run.stderr().contains("level \"a\" of C(g)"),
        "{}",
        run.stderr()
    );
}

/// Formula-mode messages name the intercept as the design does.
#[test]
fn names_the_intercept_as_the_formula_does() {
    let tmp = temp_dir("cells-intercept");
    let data = tmp.join("c.csv");
    std::fs::write(&data, "y,x\n0,1\n1,1\n0,1\n1,1\n").unwrap();
    let run = logreg(&[
        "glm",
        "--data",
        data.to_str().unwrap(),
        "--formula",
        "y ~ x",
    ]);
    assert_eq!(run.code(), Some(2), "{}", run.describe());
    assert!(
        run.stderr()
            .contains("duplicates the intercept \"Intercept\""),
        "{}",
        run.stderr()
    );
}
