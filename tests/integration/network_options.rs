//! `compare` and `nn` with the GLM's model options: the network, given the
//! link's inverse as its activation, the weights as BCE's per-sample weight
//! and the offset added to its linear output, meets the GLM fitted with the
//! same options.
use std::path::PathBuf;

use serde_json::Value;

use crate::support::{fixtures, floats, logreg};

/// Where `compare` says the two fits meet (`compare::MATCH_TOL`, its
/// `steps_to_match` criterion). Both minimise the same objective (the
/// weighted Bernoulli log-likelihood with that link and offset); on
/// standardized features plain SGD converges linearly to its minimiser, so
/// given enough steps the network must come within this of the GLM's
/// estimate, whatever the option. A wrong activation, weight or offset
/// moves the minimiser by far more (0.05 to 0.5 on these coefficients).
const MATCH_TOL: f64 = 1e-3;

/// Steps that are enough: a few times the steps `compare` reports it took
/// to come within MATCH_TOL on these cases (from the run itself:
/// `steps_to_match`, asserted below to be reached).
const STEPS: &str = "4000";

fn data(name: &str) -> String {
    let p: PathBuf = fixtures().join("glm").join("options").join(name);
    p.to_string_lossy().into_owned()
}

/// The modechoice columns of the option fixtures.
fn modechoice(extra: &[&str]) -> Vec<String> {
    let mut a: Vec<String> = ["--data", &data("modechoice.csv"), "--target", "choice"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    a.extend(["--features", "ttme,invc,hinc,psize"].map(String::from));
    a.extend(extra.iter().map(|s| s.to_string()));
    a
}

fn json(args: &[String]) -> Value {
    let r = logreg(args);
    serde_json::from_str(&r.ok()).unwrap_or_else(|e| panic!("bad JSON: {e}\n{}", r.describe()))
}

fn compare(case: &str, data_args: Vec<String>, link: &str) {
    let mut args = vec!["compare".to_string()];
    args.extend(data_args);
    args.extend(["--standardize", "--steps", STEPS, "--json"].map(String::from));
    let v = json(&args);
    assert_eq!(v["link"], link, "{case}: {v}");
    let d = v["max_abs_diff"].as_f64().unwrap();
    assert!(d < MATCH_TOL, "{case}: |GLM - NN| = {d:e}");
    assert!(v["steps_to_match"].as_u64().is_some(), "{case}: never met");
    // The GLM's llf is the maximum of the objective both fit: the
    // network's, counted the same way, is at most that (up to rounding
    // of the sum) and, this close to the maximum, nearly equal.
    let (glm, nn) = (
        v["glm"]["llf"].as_f64().unwrap(),
        v["nn_llf"].as_f64().unwrap(),
    );
    assert!(
        nn <= glm + 1e-12 * glm.abs(),
        "{case}: network llf {nn} above the GLM's {glm}"
    );
    assert!(glm - nn < MATCH_TOL, "{case}: llf GLM {glm}, network {nn}");
}

#[test]
fn compare_meets_for_probit() {
    compare("probit", modechoice(&["--link", "probit"]), "Probit");
}

#[test]
fn compare_meets_for_var_weights_and_offset() {
    compare("var_weights", modechoice(&["--var-weights", "vw"]), "Logit");
    compare("offset", modechoice(&["--offset", "off"]), "Logit");
}

#[test]
fn compare_meets_for_freq_weights() {
    let args = [
        "--data",
        &data("anes96_counts.csv"),
        "--target",
        "vote",
        "--freq-weights",
        "count",
    ];
    compare("freq_weights", args.map(String::from).to_vec(), "Logit");
}

/// `nn` takes the same flags: its estimate meets `glm`'s with them.
#[test]
fn nn_meets_glm_for_cloglog_with_weights_and_offset() {
    let opts = modechoice(&[
        "--link",
        "cloglog",
        "--var-weights",
        "vw",
        "--offset",
        "off",
    ]);
    let mut g = vec!["glm".to_string()];
    g.extend(opts.clone());
    g.push("--json".into());
    let mut n = vec!["nn".to_string()];
    n.extend(opts);
    n.extend(["--standardize", "--steps", STEPS, "--json"].map(String::from));
    let (glm, nn) = (floats(&json(&g)["params"]), floats(&json(&n)["params"]));
    let d = glm
        .iter()
        .zip(&nn)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    assert!(d < MATCH_TOL, "|GLM - NN| = {d:e}: glm {glm:?}, nn {nn:?}");
}

/// The table's header names a link other than logit, and only then (the
/// lecture's header stays as it was).
#[test]
fn compare_header_names_a_link_other_than_logit() {
    let header = |link: &str| {
        let mut a = vec!["compare".to_string()];
        a.extend(modechoice(&[
            "--link",
            link,
            "--standardize",
            "--steps",
            "10",
        ]));
        logreg(&a)
            .ok()
            .lines()
            .next()
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        header("cauchy").ends_with("(sgd, lr 0.1), link Cauchy"),
        "{}",
        header("cauchy")
    );
    assert!(
        header("logit").ends_with("(sgd, lr 0.1)"),
        "{}",
        header("logit")
    );
}

/// Writes a small CSV `x,y,w` with `w` on its second data row (line 3).
fn weighted_csv(name: &str, w: &str) -> String {
    let dir = crate::support::temp_dir(name);
    let f = dir.join("d.csv");
    let csv = format!("x,y,w\n1,0,1\n2,1,{w}\n3,0,1\n4,1,1\n5,1,1\n0.5,0,1\n");
    std::fs::write(&f, csv).unwrap();
    f.to_str().unwrap().to_string()
}

/// A weight float32 cannot hold (1e-46 rounds to 0, which trained nothing
/// and reported the initial weights with loss 0) is refused naming the
/// file's line; with `--dtype f64` it is trained.
#[test]
fn nn_rejects_a_weight_float32_cannot_hold() {
    let f = weighted_csv("nn-weight-f32", "1e-46");
    let r = logreg(&["nn", "--data", &f, "--var-weights", "w"]);
    assert_eq!(r.code(), Some(2), "{}", r.describe());
    assert_eq!(
        r.stderr().trim_end(),
        format!("error: {f}: line 3: --var-weights value 1e-46 is outside what the network's float32 holds (1.18e-38 to 3.4e+38 in size); use --dtype f64"),
        "{}",
        r.describe()
    );
    let r = logreg(&[
        "nn",
        "--data",
        &f,
        "--var-weights",
        "w",
        "--dtype",
        "f64",
        "--steps",
        "5",
    ]);
    r.ok();
}

/// Frequency weights follow one rule in every command: 1.5 is refused by
/// `nn` as by `glm` and `compare`, naming the line and the value.
#[test]
fn every_command_rejects_a_fractional_frequency_weight() {
    let f = weighted_csv("nn-freq-frac", "1.5");
    for cmd in ["nn", "glm", "compare"] {
        let r = logreg(&[cmd, "--data", &f, "--freq-weights", "w"]);
        assert_eq!(r.code(), Some(2), "{}", r.describe());
        assert_eq!(
            r.stderr().trim_end(),
            format!("error: {f}: line 3, column \"w\": --freq-weights value \"1.5\" is not a whole number; frequency weights count rows"),
            "{}",
            r.describe()
        );
    }
}
