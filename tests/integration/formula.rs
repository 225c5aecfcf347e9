//! `--formula`: statsmodels' formula API (patsy's design) on the fixtures of
//! scripts/make_formula_fit_fixtures.py, prediction from a formula's coding,
//! binomial counts, and every refusal of a bad formula.
use std::path::PathBuf;

use serde::Deserialize;

use crate::glm::{close, close_all};
use crate::support::{fixtures, logreg, temp_dir};

// The tolerances, wider than the plain GLM's (tests/integration/
// glm.rs) because these designs are worse conditioned: dummy columns,
// interactions of raw covariates (star98's three-way products reach 1e6
// next to proportions of 1e-2). The estimates and the log-likelihood are
// still held far below any difference of method (an iteration, a column
// coded differently, a dropped row each move them by 1e-6 or more).
/// params, llf, deviance, Pearson χ², AIC, BIC: relative.
const RTOL_POINT: f64 = 1e-10;
/// bse, z, p-values, interval ends: relative (with the absolute terms of
/// glm.rs for p-values far in the tail and interval ends near 0).
const RTOL_INFER: f64 = 1e-8;

/// statsmodels' results as the fixtures record them and as `glm --json`
/// writes them.
#[derive(Debug, Deserialize)]
struct Results {
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
    df_model: usize,
    df_resid: usize,
    nobs: usize,
    iterations: usize,
    converged: bool,
}

/// The predictions of a model fitted to a file's first rows on the rest.
#[derive(Debug, Deserialize)]
struct Predict {
    train_args: Vec<String>,
    new_csv: String,
    keep: String,
    names: Vec<String>,
    ids: Vec<String>,
    mean: Vec<f64>,
    mean_se: Vec<f64>,
    mean_ci_lower: Vec<f64>,
    mean_ci_upper: Vec<f64>,
    linpred: Vec<f64>,
}

#[derive(Debug, Deserialize)]
struct Fixture {
    case: String,
    args: Vec<String>,
    summary: String,
    #[serde(flatten)]
    results: Results,
    #[serde(default)]
    predict: Option<Predict>,
    #[serde(default)]
    network: Option<Network>,
}

/// scripts/original.py's network trained on the case's design (no bias
/// without an intercept), on one thread.
#[derive(Debug, Deserialize)]
struct Network {
    args: Vec<String>,
    bias: bool,
    names: Vec<String>,
    init_params: Vec<f64>,
    params: Vec<f64>,
    loss: f64,
}

/// `nn --json`'s keys that the network fixtures pin.
#[derive(Debug, Deserialize)]
struct NnJson {
    names: Vec<String>,
    params: Vec<f64>,
    init_params: Vec<f64>,
    loss: f64,
}

fn dir() -> PathBuf {
    fixtures().join("formula_fit")
}

fn cases() -> Vec<Fixture> {
    let mut names: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    let cases: Vec<Fixture> = names
        .iter()
        .map(|n| {
            let path = dir().join(n);
            let text = std::fs::read_to_string(&path).unwrap();
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        })
        .collect();
    assert!(cases.len() >= 7, "fixtures missing: {names:?}");
    cases
}

/// `cmd` and `args` with each `--data` file made absolute, then `extra`.
fn args(cmd: &str, args: &[String], extra: &[&str]) -> Vec<String> {
    let mut out = vec![cmd.to_string()];
    let mut it = args.iter();
    while let Some(a) = it.next() {
        out.push(a.clone());
        if a == "--data" {
            let f = it.next().expect("--data has a value");
            out.push(dir().join(f).to_string_lossy().into_owned());
        }
    }
    out.extend(extra.iter().map(|s| s.to_string()));
    out
}

fn assert_matches(c: &str, j: &Results, fx: &Results) {
    assert_eq!(j.names, fx.names, "{c}: names");
    let k = fx.names.len();
    let none = vec![0.0; k];
    close_all(
        &format!("{c} params"),
        &j.params,
        &fx.params,
        RTOL_POINT,
        &none,
    );
    close_all(&format!("{c} bse"), &j.bse, &fx.bse, RTOL_INFER, &none);
    close_all(
        &format!("{c} z"),
        &j.tvalues,
        &fx.tvalues,
        RTOL_INFER,
        &none,
    );
    let p_atol: Vec<f64> = (fx.tvalues.iter().zip(&fx.pvalues))
        .map(|(z, p)| RTOL_INFER * z * z * p)
        .collect();
    close_all(
        &format!("{c} p"),
        &j.pvalues,
        &fx.pvalues,
        RTOL_INFER,
        &p_atol,
    );
    let ci_atol: Vec<f64> = (fx.params.iter().zip(&fx.bse))
        .map(|(p, b)| RTOL_INFER * (p.abs() + 3.0 * b))
        .collect();
    for (end, name) in [(0, "low"), (1, "high")] {
        let g: Vec<f64> = j.conf_int.iter().map(|v| v[end]).collect();
        let w: Vec<f64> = fx.conf_int.iter().map(|v| v[end]).collect();
        close_all(&format!("{c} ci {name}"), &g, &w, RTOL_INFER, &ci_atol);
    }
    for (what, got, want) in [
        ("llf", j.llf, fx.llf),
        ("llnull", j.llnull, fx.llnull),
        ("deviance", j.deviance, fx.deviance),
        ("null_deviance", j.null_deviance, fx.null_deviance),
        ("pearson_chi2", j.pearson_chi2, fx.pearson_chi2),
        ("aic", j.aic, fx.aic),
        ("bic", j.bic, fx.bic),
    ] {
        close(&format!("{c} {what}"), got, want, RTOL_POINT, 0.0);
    }
    assert_eq!(
        (j.iterations, j.converged, j.df_model, j.df_resid, j.nobs),
        (
            fx.iterations,
            fx.converged,
            fx.df_model,
            fx.df_resid,
            fx.nobs
        ),
        "{c}: iterations, converged, df_model, df_resid, nobs"
    );
}

/// Every fixture, with an intercept or without (`- 1`, `0 +`).
fn fitted_cases() -> Vec<Fixture> {
    let cases = cases();
    let without = cases
        .iter()
        .filter(|fx| fx.results.names.first().map(String::as_str) != Some("Intercept"))
        .count();
    assert!(without >= 3, "fixtures without an intercept missing");
    cases
}

#[test]
fn formula_fits_match_statsmodels_formula_api() {
    for fx in fitted_cases() {
        let r = logreg(&args("glm", &fx.args, &["--json"]));
        let j: Results = serde_json::from_str(&r.ok())
            .unwrap_or_else(|e| panic!("{}: bad JSON: {e}\n{}", fx.case, r.describe()));
        assert_matches(&fx.case, &j, &fx.results);
    }
}

/// The summary text equals statsmodels' (Date and Time too: `support::logreg`
/// sets the fixtures' SOURCE_DATE_EPOCH), from `Dep. Variable:` (for counts
/// statsmodels' list of the two columns) to the coefficient names.
#[test]
fn formula_summaries_match_statsmodels_text() {
    for fx in fitted_cases() {
        let r = logreg(&args("glm", &fx.args, &[]));
        let out = r.ok();
        let table = out
            .trim_end_matches('\n')
            .split("\n\nWarnings:\n")
            .next()
            .unwrap();
        assert_eq!(
            table,
            fx.summary,
            "{}: summary differs\n{}",
            fx.case,
            r.describe()
        );
    }
}

#[test]
fn a_formula_model_predicts_new_data_by_its_raw_columns() {
    let tmp = temp_dir("formula-predict");
    for fx in cases() {
        let Some(p) = &fx.predict else { continue };
        let model = tmp.join(format!("{}.json", fx.case));
        let model_s = model.to_string_lossy().into_owned();
        logreg(&args("glm", &p.train_args, &["--save-model", &model_s])).ok();
        let new = dir().join(&p.new_csv).to_string_lossy().into_owned();
        let r = logreg(&[
            "predict", "--model", &model_s, "--data", &new, "--keep", &p.keep,
        ]);
        let out = r.ok();
        let mut lines = out.lines();
        assert_eq!(
            lines.next(),
            Some(
                format!(
                    "{},mean,mean_se,mean_ci_lower,mean_ci_upper,linpred",
                    p.keep
                )
                .as_str()
            ),
            "{}",
            fx.case
        );
        let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
        assert_eq!(rows.len(), p.mean.len(), "{}: rows", fx.case);
        let col = |j: usize| -> Vec<f64> { rows.iter().map(|r| r[j].parse().unwrap()).collect() };
        let ids: Vec<String> = rows.iter().map(|r| r[0].to_string()).collect();
        assert_eq!(ids, p.ids, "{}: ids", fx.case);
        let none = vec![0.0; rows.len()];
        let c = &fx.case;
        close_all(&format!("{c} mean"), &col(1), &p.mean, RTOL_INFER, &none);
        close_all(
            &format!("{c} mean_se"),
            &col(2),
            &p.mean_se,
            RTOL_INFER,
            &none,
        );
        close_all(
            &format!("{c} lower"),
            &col(3),
            &p.mean_ci_lower,
            RTOL_INFER,
            &none,
        );
        close_all(
            &format!("{c} upper"),
            &col(4),
            &p.mean_ci_upper,
            RTOL_INFER,
            &none,
        );
        let lin_atol: Vec<f64> = vec![RTOL_INFER; rows.len()];
        close_all(
            &format!("{c} linpred"),
            &col(5),
            &p.linpred,
            RTOL_INFER,
            &lin_atol,
        );
        assert!(!p.names.is_empty());
    }
}

/// `args` fails with exit code 2 and an `error:` line on stderr holding
/// every one of `wanted`.
fn refused(args: &[&str], wanted: &[&str]) {
    let r = logreg(args);
    assert_eq!(r.code(), Some(2), "{}", r.describe());
    let err = r.stderr();
    let line = err
        .lines()
        .find(|l| l.starts_with("error:"))
        .unwrap_or_else(|| panic!("no error line\n{}", r.describe()));
    for w in wanted {
        assert!(line.contains(w), "{w:?} not in {line:?}\n{}", r.describe());
    }
}

fn fair() -> String {
    dir().join("fair.csv").to_string_lossy().into_owned()
}

#[test]
fn rejects_an_unknown_column_naming_close_matches() {
    let f = fair();
    refused(
        &[
            "glm",
            "--data",
            &f,
            "--formula",
            "affair ~ rate_mariage + age",
        ],
        &[
            "fair.csv",
            "byte 9",
            "no column \"rate_mariage\"",
            "did you mean \"rate_marriage\"",
        ],
    );
}

#[test]
fn rejects_a_syntax_error_showing_its_position() {
    let f = fair();
    refused(
        &[
            "glm",
            "--data",
            &f,
            "--formula",
            "affair ~ age + (religious",
        ],
        &["byte 15", "("],
    );
    refused(
        &["nn", "--data", &f, "--formula", "affair ~ age +"],
        &["byte 13"],
    );
}

#[test]
fn rejects_a_categorical_target() {
    let f = fair();
    refused(
        &["glm", "--data", &f, "--formula", "occupation ~ age"],
        &["target occupation is categorical", "text"],
    );
    refused(
        &["compare", "--data", &f, "--formula", "has_children ~ age"],
        &["target has_children is categorical", "True/False"],
    );
}

#[test]
fn rejects_a_treatment_level_that_does_not_occur() {
    let f = fair();
    refused(
        &[
            "glm",
            "--data",
            &f,
            "--formula",
            "affair ~ C(occupation, Treatment('pilot'))",
        ],
        &["no level 'pilot'", "its levels: farming, managerial"],
    );
}

#[test]
fn rejects_more_levels_than_the_limit() {
    let tmp = temp_dir("formula-levels");
    let path = tmp.join("ids.csv");
    let mut text = String::from("y,id\n");
    for i in 0..1001 {
        text.push_str(&format!("{},{i}\n", i % 2));
    }
    std::fs::write(&path, text).unwrap();
    let p = path.to_string_lossy().into_owned();
    refused(
        &["glm", "--data", &p, "--formula", "y ~ C(id)"],
        &["1001 levels, more than 1000", "identifier"],
    );
}

#[test]
fn rejects_a_formula_with_target_features_failures_or_max_memory() {
    let f = fair();
    let with = |extra: &[&str], wanted: &[&str]| {
        let mut a = vec!["glm", "--data", &f, "--formula", "affair ~ age"];
        a.extend_from_slice(extra);
        refused(&a, wanted);
    };
    with(&["--target", "affair"], &["--formula", "--target"]);
    with(&["--features", "age"], &["--formula", "--features"]);
    with(&["--failures", "age"], &["--failures", "S + F ~"]);
    with(&["--max-memory", "1G"], &["--max-memory", "--formula"]);
}

/// A model fitted to fair_train.csv, saved in `tmp`.
fn fair_model(tmp: &std::path::Path) -> String {
    let model = tmp.join("fair.json").to_string_lossy().into_owned();
    let train = dir().join("fair_train.csv").to_string_lossy().into_owned();
    let formula = "affair ~ age + C(occupation, Treatment(reference='white-collar'))";
    logreg(&[
        "glm",
        "--data",
        &train,
        "--formula",
        formula,
        "--save-model",
        &model,
    ])
    .ok();
    model
}

#[test]
fn predict_rejects_an_unseen_level_naming_its_line() {
    let tmp = temp_dir("formula-unseen");
    let model = fair_model(&tmp);
    let new = tmp.join("new.csv");
    std::fs::write(&new, "age,occupation\n30,farming\n41,astronaut\n").unwrap();
    let n = new.to_string_lossy().into_owned();
    refused(
        &["predict", "--model", &model, "--data", &n],
        &[
            "new.csv",
            "line 3",
            "\"occupation\"",
            "\"astronaut\"",
            "did not occur",
        ],
    );
}

#[test]
fn predict_rejects_keeping_a_missing_column() {
    let tmp = temp_dir("formula-keep");
    let model = fair_model(&tmp);
    let new = dir().join("fair_new.csv").to_string_lossy().into_owned();
    refused(
        &[
            "predict", "--model", &model, "--data", &new, "--keep", "idx",
        ],
        &["fair_new.csv", "\"idx\""],
    );
}

/// How far another CPU's kernels move a float32 network's numbers (as
/// tests/integration/nn.rs measures them): one ulp of a draw, a few ulps of
/// a trained parameter, half an ulp of the loss.
const NET_INIT: f64 = f32::EPSILON as f64;
const NET_PARAMS: f64 = 8.0 * f32::EPSILON as f64;
const NET_LOSS: f64 = f32::EPSILON as f64 / 2.0;

/// A formula without an intercept trains `nn.Linear(k, 1, bias=False)` on
/// the same design: the parameters are the design's, none for a bias, as
/// scripts/original.py's network on statsmodels' design (the fixture).
#[test]
fn a_formula_without_an_intercept_trains_a_network_without_a_bias() {
    let nets: Vec<(Fixture, Network)> = cases()
        .into_iter()
        .filter_map(|mut fx| fx.network.take().map(|n| (fx, n)))
        .filter(|(_, n)| !n.bias)
        .collect();
    assert!(!nets.is_empty(), "no network fixture without a bias");
    for (fx, net) in nets {
        let extra: Vec<&str> = net.args.iter().map(String::as_str).collect();
        let mut a = vec!["--threads".to_string(), "1".to_string()];
        a.extend(args("nn", &fx.args, &[&extra[..], &["--json"]].concat()));
        let r = logreg(&a);
        let j: NnJson = serde_json::from_str(&r.ok())
            .unwrap_or_else(|e| panic!("{}: bad JSON: {e}\n{}", fx.case, r.describe()));
        let c = &fx.case;
        assert_eq!(j.names, net.names, "{c}: names");
        assert_eq!(j.names, fx.results.names, "{c}: the GLM's names");
        let k = net.names.len();
        assert_eq!((j.init_params.len(), j.params.len()), (k, k), "{c}");
        let atol = |t: f64| vec![t; k];
        close_all(
            &format!("{c} init"),
            &j.init_params,
            &net.init_params,
            0.0,
            &atol(NET_INIT),
        );
        close_all(
            &format!("{c} params"),
            &j.params,
            &net.params,
            0.0,
            &atol(NET_PARAMS),
        );
        close(&format!("{c} loss"), j.loss, net.loss, 0.0, NET_LOSS);
    }
}

/// `compare` puts the GLM's and the network's coefficients of a design
/// without an intercept side by side under the design's names.
#[test]
fn compare_without_an_intercept_shows_the_same_names() {
    let fx = cases()
        .into_iter()
        .find(|fx| fx.case == "spector_0")
        .unwrap();
    let r = logreg(&args("compare", &fx.args, &["--steps", "10", "--json"]));
    let v: serde_json::Value = serde_json::from_str(&r.ok()).unwrap();
    let names =
        |side: &str| -> Vec<String> { serde_json::from_value(v[side]["names"].clone()).unwrap() };
    assert_eq!(names("glm"), fx.results.names);
    assert_eq!(names("nn"), fx.results.names);
    assert_eq!(
        v["nn"]["params"].as_array().unwrap().len(),
        fx.results.names.len()
    );
    let text = logreg(&args("compare", &fx.args, &["--steps", "10"])).ok();
    for name in &fx.results.names {
        assert!(
            text.lines().any(|l| l.starts_with(name.as_str())),
            "{name} not in\n{text}"
        );
    }
}

/// A network saved from a formula without an intercept predicts new data
/// with its own parameters: linpred = x·w, no bias added.
#[test]
fn a_network_without_an_intercept_predicts_without_a_bias() {
    let fx = cases()
        .into_iter()
        .find(|fx| fx.case == "spector_0")
        .unwrap();
    let p = fx.predict.as_ref().unwrap();
    let tmp = temp_dir("formula-nn-nointercept");
    let model = tmp.join("m.json").to_string_lossy().into_owned();
    let r = logreg(&args(
        "nn",
        &p.train_args,
        &["--steps", "50", "--json", "--save-model", &model],
    ));
    let j: NnJson = serde_json::from_str(&r.ok()).unwrap();
    let new = dir().join(&p.new_csv);
    let out = logreg(&[
        "predict",
        "--model",
        &model,
        "--data",
        &new.to_string_lossy(),
    ])
    .ok();
    // The design of spector_0's rows, as patsy builds `0 + C(PSI) + GPA`.
    let text = std::fs::read_to_string(&new).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let at = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (psi, gpa) = (at("PSI"), at("GPA"));
    let want: Vec<f64> = lines
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            let psi: f64 = cells[psi].parse().unwrap();
            let gpa: f64 = cells[gpa].parse().unwrap();
            (1.0 - psi) * j.params[0] + psi * j.params[1] + gpa * j.params[2]
        })
        .collect();
    let got: Vec<f64> = out
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap().parse().unwrap())
        .collect();
    close_all("linpred", &got, &want, 1e-12, &vec![1e-12; want.len()]);
}

/// `--standardize` centres the features, which a design without an
/// intercept cannot absorb: refused in one line, before training.
#[test]
fn standardize_is_refused_without_an_intercept() {
    let fx = cases()
        .into_iter()
        .find(|fx| fx.case == "spector_nc")
        .unwrap();
    for cmd in ["nn", "compare"] {
        let a = args(cmd, &fx.args, &["--standardize"]);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        refused(&a, &["--standardize", "no intercept"]);
    }
}

/// Without `--keep`, a formula model's predictions are the plain model's
/// CSV: the header `mean,...,linpred` and as many fields on every row, the
/// same numbers as with `--keep` (less the kept column).
#[test]
fn a_formula_model_predicts_without_keep_in_the_plain_columns() {
    let tmp = temp_dir("formula-predict-plain");
    let fx = cases()
        .into_iter()
        .find(|fx| fx.case == "modechoice")
        .unwrap();
    let p = fx.predict.as_ref().unwrap();
    let model = tmp.join("m.json").to_string_lossy().into_owned();
    logreg(&args("glm", &p.train_args, &["--save-model", &model])).ok();
    let new = dir().join(&p.new_csv).to_string_lossy().into_owned();
    let plain = logreg(&["predict", "--model", &model, "--data", &new]).ok();
    let kept = logreg(&[
        "predict", "--model", &model, "--data", &new, "--keep", &p.keep,
    ])
    .ok();
    let mut lines = plain.lines();
    assert_eq!(
        lines.next(),
        Some("mean,mean_se,mean_ci_lower,mean_ci_upper,linpred")
    );
    for (row, with_id) in lines.zip(kept.lines().skip(1)) {
        assert_eq!(row.split(',').count(), 5, "{row}");
        assert_eq!(with_id.split_once(',').unwrap().1, row);
    }
    assert_eq!(plain.lines().count(), kept.lines().count());
}

/// `path`'s CSV text with the cell of column `column` emptied on the data
/// rows `rows` (0-based), written to `out` (the fixtures have no quoted
/// fields).
fn with_empty_cells(path: &std::path::Path, column: &str, rows: &[usize], out: &std::path::Path) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let j = header.split(',').position(|h| h == column).unwrap();
    let mut new = format!("{header}\n");
    for (i, line) in lines.enumerate() {
        let mut cells: Vec<&str> = line.split(',').collect();
        if rows.contains(&i) {
            cells[j] = "";
        }
        new.push_str(&cells.join(","));
        new.push('\n');
    }
    std::fs::write(out, new).unwrap();
}

/// A True/False column with a missing cell is pandas' object column of
/// bools: its levels are the same bools as a plain column's (patsy names
/// both `has_children[T.True]`), so a model fitted on either kind of file
/// predicts the other's rows.
#[test]
fn bool_levels_are_the_same_with_a_missing_cell() {
    let tmp = temp_dir("formula-bool-na");
    let fx = cases().into_iter().find(|fx| fx.case == "fair").unwrap();
    let p = fx.predict.as_ref().unwrap();
    let formula = p.train_args[3].clone();
    let s = |p: &std::path::Path| p.to_string_lossy().into_owned();
    let (train, new) = (dir().join("fair_train.csv"), dir().join(&p.new_csv));
    let (train_na, new_na) = (tmp.join("train_na.csv"), tmp.join("new_na.csv"));
    with_empty_cells(&train, "has_children", &[0], &train_na);
    with_empty_cells(&new, "has_children", &[0], &new_na);
    let fit = |data: &std::path::Path, model: &str| {
        let m = s(&tmp.join(model));
        let r = logreg(&[
            "glm",
            "--data",
            &s(data),
            "--formula",
            &formula,
            "--missing",
            "drop",
            "--save-model",
            &m,
            "--json",
        ]);
        let j: Results = serde_json::from_str(&r.ok()).unwrap();
        assert_eq!(j.names, fx.results.names, "{}", r.describe());
        m
    };
    let (plain, na) = (fit(&train, "plain.json"), fit(&train_na, "na.json"));
    let predict = |model: &str, data: &std::path::Path| {
        let r = logreg(&[
            "predict",
            "--model",
            model,
            "--data",
            &s(data),
            "--keep",
            "id",
            "--missing",
            "drop",
        ]);
        r.ok()
    };
    let all = predict(&plain, &new);
    let rows_na = predict(&plain, &new_na);
    assert_eq!(rows_na.lines().count() + 1, all.lines().count());
    for line in rows_na.lines() {
        assert!(
            all.lines().any(|l| l == line),
            "{line} not in the plain file's rows"
        );
    }
    assert_eq!(predict(&na, &new).lines().count(), all.lines().count());
}

/// With `--missing drop`, a row whose weight or offset is missing is left
/// out as statsmodels' formula API leaves it out: the fit equals the fit of
/// the file without those rows (refused with `--missing error`).
#[test]
fn missing_role_values_drop_their_rows_under_a_formula() {
    let tmp = temp_dir("formula-role-na");
    let text = std::fs::read_to_string(dir().join("spector.csv")).unwrap();
    let mut lines = text.lines();
    let mut full = format!("{},w,o\n", lines.next().unwrap());
    let mut fewer = full.clone();
    for (i, line) in lines.enumerate() {
        let w = if i == 3 {
            String::new()
        } else {
            format!("{}", 0.5 + 0.05 * i as f64)
        };
        let o = if i == 9 {
            "NA".to_string()
        } else {
            format!("{}", 0.02 * i as f64 - 0.3)
        };
        let row = format!("{line},{w},{o}\n");
        full.push_str(&row);
        if i != 3 && i != 9 {
            fewer.push_str(&row);
        }
    }
    let (a, b) = (tmp.join("full.csv"), tmp.join("fewer.csv"));
    std::fs::write(&a, full).unwrap();
    std::fs::write(&b, fewer).unwrap();
    let fit = |data: &std::path::Path, missing: &str| {
        logreg(&[
            "glm",
            "--data",
            &data.to_string_lossy(),
            "--formula",
            "GRADE ~ GPA + C(PSI)",
            "--var-weights",
            "w",
            "--offset",
            "o",
            "--missing",
            missing,
            "--json",
        ])
    };
    let json = |r: crate::support::Run| {
        let mut v: serde_json::Value = serde_json::from_str(&r.ok()).unwrap();
        v.as_object_mut().unwrap().retain(|k, _| !k.ends_with("_s"));
        (v, r.stderr())
    };
    let (dropped, note) = json(fit(&a, "drop"));
    let (plain, _) = json(fit(&b, "drop"));
    assert_eq!(dropped, plain);
    assert_eq!(dropped["nobs"], 30);
    assert!(note.contains("dropped 2 row"), "{note}");
    refused(
        &[
            "glm",
            "--data",
            &a.to_string_lossy(),
            "--formula",
            "GRADE ~ GPA + C(PSI)",
            "--var-weights",
            "w",
            "--offset",
            "o",
        ],
        &["line 5", "\"w\""],
    );
}

/// `--keep` names each column once: a column named twice is refused in
/// one line, exit 2.
#[test]
fn predict_rejects_keeping_a_column_twice() {
    let tmp = temp_dir("formula-keep-twice");
    let model = fair_model(&tmp);
    let new = dir().join("fair_new.csv").to_string_lossy().into_owned();
    refused(
        &[
            "predict",
            "--model",
            &model,
            "--data",
            &new,
            "--keep",
            "id,age, id",
        ],
        &["--keep", "\"id\"", "twice"],
    );
}

/// `--keep` copies each cell as the file writes it (`1.50` stays `1.50`,
/// a missing marker stays as written), for a formula model and a plain
/// one alike.
#[test]
fn predict_keeps_cells_as_written() {
    let tmp = temp_dir("predict-keep-raw");
    let cells = ["1.50", "-0.25", "2.0", "3e-1", "0.10", "4", "NA", "+7"];
    let mut csv = String::from("x,y,tag\n");
    for (i, c) in cells.iter().enumerate() {
        let x = [0.3, -1.2, 2.5, 0.7, -0.4, 1.9, -2.2, 0.05][i];
        csv.push_str(&format!("{x},{},{c}\n", [0, 1, 1, 0, 1, 0, 0, 1][i]));
    }
    let data = tmp.join("d.csv").to_string_lossy().into_owned();
    std::fs::write(&data, csv).unwrap();
    for (name, fit) in [
        ("plain", vec!["--target", "y", "--features", "x"]),
        ("formula", vec!["--formula", "y ~ x"]),
    ] {
        let model = tmp
            .join(format!("{name}.json"))
            .to_string_lossy()
            .into_owned();
        let mut a = vec!["glm", "--data", &data, "--save-model", &model];
        a.extend(fit);
        logreg(&a).ok();
        let out = logreg(&[
            "predict", "--model", &model, "--data", &data, "--keep", "tag,x",
        ])
        .ok();
        let kept: Vec<&str> = out
            .lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap())
            .collect();
        assert_eq!(kept, cells, "{name}");
    }
}
