//! `logreg repeat --design FILE`: every run fits the file's design with an
//! outcome redrawn from the true coefficients (numpy's, from the fixture of
//! scripts/make_design_file_fixtures.py), reproducible by `compare` on the
//! file with that outcome; `--beta fit` is the file's own GLM; the file is
//! part of the study; bad inputs are refused before any run.
use std::path::{Path, PathBuf};

use crate::support::{fixtures, floats, logreg, temp_dir};

/// Steps per network: enough to show the network is the same one, few
/// enough to keep the test quick.
const STEPS: &str = "200";
/// With unscaled features (TUCE is about 20) a smaller rate keeps SGD stable.
const LR: &str = "0.01";

fn spector() -> PathBuf {
    fixtures().join("formula_fit/spector.csv")
}

fn draws() -> serde_json::Value {
    let text = std::fs::read_to_string(fixtures().join("design_file/spector_draws.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// How a fixture case builds its design, as flags (`--formula F` or
/// `--target T`).
fn design_flags(case: &serde_json::Value) -> Vec<String> {
    match case["formula"].as_str() {
        Some(f) => vec!["--formula".into(), f.into()],
        None => vec!["--target".into(), case["target"].as_str().unwrap().into()],
    }
}

/// `csv` with its GRADE column (the last) replaced by `y`, written to `to`.
fn with_outcome(csv: &Path, y: &[f64], to: &Path) {
    let text = std::fs::read_to_string(csv).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    assert!(header.ends_with(",GRADE"), "{header}");
    let mut out = format!("{header}\n");
    for (line, v) in lines.zip(y) {
        let (rest, _) = line.rsplit_once(',').unwrap();
        out.push_str(&format!("{rest},{v}\n"));
    }
    std::fs::write(to, out).unwrap();
}

fn lines(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Each run of a study on the file's design is `compare` on the file whose
/// outcome is numpy's draw for the run's seed (the fixture): the same X and
/// the same y give the same GLM, and the same network (the exact path),
/// bit for bit; the coefficients carry the design's names.
#[test]
fn runs_are_compare_on_the_file_with_numpys_outcome() {
    let dir = temp_dir("design-file-runs");
    let fx = draws();
    for (c, case) in fx["cases"].as_array().unwrap().iter().enumerate() {
        let beta: Vec<String> = floats(&case["beta"])
            .iter()
            .map(|b| b.to_string())
            .collect();
        let runs_out = dir.join(format!("runs{c}.jsonl"));
        let mut args: Vec<String> = vec!["--seed".into(), "42".into(), "repeat".into()];
        args.extend(["--design".into(), spector().display().to_string()]);
        args.extend(design_flags(case));
        args.push(format!("--beta={}", beta.join(",")));
        args.extend(["--runs", "3", "--steps", STEPS, "--lr", LR, "--exact"].map(String::from));
        args.extend(["--runs-out".into(), runs_out.display().to_string()]);
        args.extend(["--json".into()]);
        let summary: serde_json::Value = serde_json::from_str(&logreg(&args).ok()).unwrap();
        assert_eq!(summary["names"], case["names"]);
        assert_eq!(summary["n"], 32);
        let got = lines(&runs_out);
        assert_eq!(got.len(), 3);
        for line in &got {
            assert!(line.get("failed").is_none(), "{line}");
            let seed = line["seed"].as_u64().unwrap();
            let draw = case["draws"]
                .as_array()
                .unwrap()
                .iter()
                .find(|d| d["seed"] == seed)
                .unwrap();
            let data = dir.join(format!("case{c}-seed{seed}.csv"));
            with_outcome(&spector(), &floats(&draw["y"]), &data);
            let mut args: Vec<String> = vec!["--seed".into(), seed.to_string(), "compare".into()];
            args.extend(["--data".into(), data.display().to_string()]);
            args.extend(design_flags(case));
            args.extend(["--steps", STEPS, "--lr", LR, "--json"].map(String::from));
            let one: serde_json::Value = serde_json::from_str(&logreg(&args).ok()).unwrap();
            assert_eq!(one["glm"]["names"], case["names"]);
            for key in ["params", "bse"] {
                assert_eq!(floats(&line["glm"][key]), floats(&one["glm"][key]), "{key}");
            }
            assert_eq!(floats(&line["nn"]["params"]), floats(&one["nn"]["params"]));
        }
    }
}

/// `--beta fit`: the true coefficients are `glm --data FILE`'s params,
/// recorded in the study's grid, with the file in its settings.
#[test]
fn beta_fit_is_the_glm_of_the_file() {
    let dir = temp_dir("design-file-fit");
    let formula = "GRADE ~ GPA + TUCE + C(PSI)";
    let file = spector().display().to_string();
    let glm: serde_json::Value = serde_json::from_str(
        &logreg(&["glm", "--data", &file, "--formula", formula, "--json"]).ok(),
    )
    .unwrap();
    let runs_out = dir.join("runs.jsonl");
    let out = runs_out.display().to_string();
    logreg(&[
        "repeat",
        "--design",
        &file,
        "--formula",
        formula,
        "--beta",
        "fit",
        "--runs",
        "2",
        "--fits",
        "glm",
        "--runs-out",
        &out,
    ])
    .ok();
    for line in lines(&runs_out) {
        let study = &line["study"];
        assert_eq!(floats(&study["grid"]["beta"][0]), floats(&glm["params"]));
        assert_eq!(floats(&line["cell"]["beta"]), floats(&glm["params"]));
        let record = &study["settings"]["design_file"];
        assert_eq!(record["beta_fit"], true);
        assert_eq!(record["formula"], formula);
        assert_eq!(record["names"], glm["names"]);
        assert_eq!(record["path"], file.as_str());
    }
}

/// With another data link, `--beta fit` is the GLM of that link fitted to
/// the file, so that the fit is the truth the outcomes are drawn from.
#[test]
fn beta_fit_takes_the_data_link() {
    let dir = temp_dir("design-file-fit-probit");
    let formula = "GRADE ~ GPA + TUCE + C(PSI)";
    let file = spector().display().to_string();
    let glm: serde_json::Value = serde_json::from_str(
        &logreg(&[
            "glm",
            "--data",
            &file,
            "--formula",
            formula,
            "--link",
            "probit",
            "--json",
        ])
        .ok(),
    )
    .unwrap();
    let runs_out = dir.join("runs.jsonl");
    let out = runs_out.display().to_string();
    #[rustfmt::skip]
    logreg(&[
        "repeat", "--design", &file, "--formula", formula, "--beta", "fit",
        "--true-link", "probit", "--link", "logit", "--runs", "2", "--fits", "glm",
        "--runs-out", &out,
    ])
    .ok();
    for line in lines(&runs_out) {
        assert_eq!(floats(&line["cell"]["beta"]), floats(&glm["params"]));
        assert_eq!(line["cell"]["true_link"], "probit");
    }
}

/// The file is part of the study: `--resume` on a changed file, and
/// `summarize` of lines from two files, are refused.
#[test]
fn lines_of_another_design_file_do_not_mix() {
    let dir = temp_dir("design-file-mix");
    let copy = dir.join("spector.csv");
    std::fs::copy(spector(), &copy).unwrap();
    let file = copy.display().to_string();
    let run = |out: &str, resume: bool| {
        let mut args = vec![
            "repeat",
            "--design",
            &file,
            "--target",
            "GRADE",
            "--beta=-9,2,0.05,1.2",
            "--runs",
            "2",
            "--fits",
            "glm",
            "--runs-out",
            out,
        ];
        if resume {
            args.push("--resume");
        }
        logreg(&args)
    };
    let a = dir.join("a.jsonl").display().to_string();
    run(&a, false).ok();
    // One value changed: the same path, other bytes.
    let text = std::fs::read_to_string(&copy)
        .unwrap()
        .replacen("2.66,20.0", "2.67,20.0", 1);
    std::fs::write(&copy, text).unwrap();
    let resumed = run(&a, true);
    assert_eq!(resumed.code(), Some(2), "{}", resumed.describe());
    assert!(
        resumed.stderr().contains("another study"),
        "{}",
        resumed.describe()
    );
    let b = dir.join("b.jsonl").display().to_string();
    run(&b, false).ok();
    let mixed = logreg(&["summarize", &a, &b]);
    assert_eq!(mixed.code(), Some(2), "{}", mixed.describe());
    assert!(
        mixed.stderr().contains("another study"),
        "{}",
        mixed.describe()
    );
}

/// Bad inputs are one line on stderr and exit 2, before any run (no
/// `--runs-out` file is made).
#[test]
fn rejects_bad_design_inputs_before_any_run() {
    let dir = temp_dir("design-file-bad");
    let file = spector().display().to_string();
    let out = dir.join("runs.jsonl");
    let runs_out = out.display().to_string();
    let f = "GRADE ~ GPA + TUCE";
    let cases: [(Vec<&str>, &str); 10] = [
        (
            vec!["--design", &file, "--formula", f, "--beta=1,2"],
            "--beta has 2 values, but the design of",
        ),
        (
            vec![
                "--design",
                &file,
                "--formula",
                f,
                "--beta=1,2,3",
                "--n",
                "10",
            ],
            "'--design <FILE>' cannot be used with '--n",
        ),
        (
            vec![
                "--design",
                &file,
                "--formula",
                f,
                "--beta=1,2,3",
                "--low",
                "-1",
            ],
            "cannot be used with '--low",
        ),
        (
            vec![
                "--design",
                &file,
                "--formula",
                "GRADE ~ GPA + TUCX",
                "--beta=1,2,3",
            ],
            "no column \"TUCX\"",
        ),
        (
            vec!["--design", "no-such-file.csv", "--beta", "fit"],
            "no-such-file.csv: cannot read",
        ),
        (vec!["--beta", "fit"], "--beta fit needs --design FILE"),
        (
            vec!["--design", &file, "--formula", f],
            "required arguments were not provided: --beta",
        ),
        (
            vec![
                "--design",
                &file,
                "--formula",
                f,
                "--beta=1,2,3",
                "--x-dist",
                "normal",
            ],
            "cannot be used with '--x-dist",
        ),
        (
            vec![
                "--design",
                &file,
                "--formula",
                f,
                "--beta=1,2,3",
                "--x-corr",
                "0.5",
            ],
            "cannot be used with '--x-corr",
        ),
        (
            vec![
                "--design",
                &file,
                "--formula",
                f,
                "--beta",
                "fit",
                "--link",
                "logit,probit",
            ],
            "--beta fit takes one data link",
        ),
    ];
    for (flags, want) in cases {
        let mut args = vec!["repeat", "--runs", "2", "--runs-out", &runs_out];
        args.extend(flags);
        let r = logreg(&args);
        assert_eq!(r.code(), Some(2), "{}", r.describe());
        assert_eq!(r.stderr().lines().count(), 1, "{}", r.describe());
        assert!(r.stderr().contains(want), "{want}\n{}", r.describe());
        assert!(r.stdout().is_empty() && !out.exists(), "{}", r.describe());
    }
}

/// The design file is an input: no output may replace it (`--runs-out`,
/// with `--resume` too, `--estimates`, `--measures`), and a FIFO, which
/// cannot be read twice, is refused; both before any run, the file intact.
#[test]
fn the_design_file_is_never_an_output_nor_a_fifo() {
    let dir = temp_dir("design-file-input");
    let copy = dir.join("spector.csv");
    std::fs::copy(spector(), &copy).unwrap();
    let before = std::fs::read(&copy).unwrap();
    let file = copy.display().to_string();
    let base = [
        "repeat", "--design", &file, "--target", "GRADE", "--beta", "fit", "--runs", "2",
    ];
    let outputs: [&[&str]; 4] = [
        &["--runs-out", &file],
        &["--runs-out", &file, "--resume"],
        &["--estimates", &file],
        &["--measures", &file],
    ];
    for flags in outputs {
        let mut args = base.to_vec();
        args.extend(flags);
        let r = logreg(&args);
        assert_eq!(r.code(), Some(2), "{}", r.describe());
        assert_eq!(r.stderr().lines().count(), 1, "{}", r.describe());
        assert!(
            r.stderr().contains("an output may not replace an input"),
            "{}",
            r.describe()
        );
        assert_eq!(std::fs::read(&copy).unwrap(), before, "{flags:?}");
    }
    let fifo = dir.join("design.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let fifo = fifo.display().to_string();
    let r = logreg(&[
        "repeat", "--design", &fifo, "--target", "GRADE", "--beta", "fit",
    ]);
    assert_eq!(r.code(), Some(2), "{}", r.describe());
    assert!(
        r.stderr().contains("not a regular file"),
        "{}",
        r.describe()
    );
}
