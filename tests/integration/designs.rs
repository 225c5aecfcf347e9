//! `repeat`'s data designs: independent seeds, the true and the fitted link,
//! normal and correlated features. Each line is reproduced by `compare`
//! at its recorded seed with its cell's settings; the draws are numpy's
//! (tests/fixtures/numpy/designs.json, scripts/make_numpy_fixtures.py).
use std::path::Path;

use serde_json::Value;

use crate::support::{fixtures, floats, logreg, temp_dir};

/// The GLM of a run against `compare`'s: the same code on the same data.
const GLM_TOL: f64 = 1e-12;
/// A network on the closed-form gradient (SGD, logit) against its single
/// run: rounding order only (tests/integration/repeat.rs's BATCH_TOL).
const BATCH_TOL: f64 = 1e-5;

fn max_diff(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max)
}

fn read_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// `compare`'s flags that reproduce `line`: its seed and its cell.
fn compare_args(line: &Value) -> Vec<String> {
    let c = &line["cell"];
    let beta: Vec<String> = floats(&c["beta"]).iter().map(|b| b.to_string()).collect();
    let s = |k: &str, default: &str| {
        c.get(k).map_or(default.to_string(), |v| match v {
            Value::String(s) => s.clone(),
            v => v.to_string(),
        })
    };
    [
        "--seed",
        &line["seed"].to_string(),
        "compare",
        "--json",
        "--n",
        &c["n"].to_string(),
        "--lr",
        &c["lr"].to_string(),
        "--steps",
        &c["steps"].to_string(),
        "--optimizer",
        c["optimizer"].as_str().unwrap(),
        "--beta",
        &beta.join(","),
        "--true-link",
        &s("true_link", "logit"),
        "--link",
        &s("link", "logit"),
        "--x-dist",
        &s("x_dist", "uniform"),
        "--x-corr",
        &s("x_corr", "0"),
    ]
    .map(String::from)
    .to_vec()
}

/// Every run of a grid with independent seeds has its own seed, S + c·R +
/// i, and `compare` at that seed with the cell's settings reproduces it:
/// the GLM to rounding, the network bit for bit on the exact path (a link
/// other than the logit) and to rounding on the closed form.
#[test]
fn independent_seeds_are_distinct_and_each_line_reproduces_with_compare() {
    let dir = temp_dir("designs-independent");
    let f = dir.join("runs.jsonl");
    let r = logreg(&[
        "--seed",
        "7",
        "repeat",
        "--runs",
        "3",
        "--n",
        "60,90",
        "--steps",
        "40",
        "--true-link",
        "probit",
        "--link",
        "logit,cloglog",
        "--seeds",
        "independent",
        "--quiet",
        "--runs-out",
        f.to_str().unwrap(),
    ]);
    r.ok();
    let lines = read_lines(&f);
    assert_eq!(lines.len(), 12);
    // Cells: link slower than n; S + c·R + i in the study's order.
    let seeds: Vec<u64> = lines.iter().map(|l| l["seed"].as_u64().unwrap()).collect();
    assert_eq!(seeds, (7..19).collect::<Vec<u64>>());
    for (l, want) in lines.iter().zip(
        ["logit", "logit", "cloglog", "cloglog"]
            .iter()
            .flat_map(|l| [*l; 3]),
    ) {
        assert_eq!(l["cell"]["true_link"], "probit");
        assert_eq!(
            l["cell"]
                .get("link")
                .and_then(Value::as_str)
                .unwrap_or("logit"),
            want
        );
        assert_eq!(l["study"]["settings"]["seeds"], "independent");
    }
    for i in [0, 4, 8, 11] {
        let l = &lines[i];
        let r = logreg(&compare_args(l));
        let c: Value = serde_json::from_str(&r.ok()).unwrap();
        let d = max_diff(&floats(&l["glm"]["params"]), &floats(&c["glm"]["params"]));
        assert!(d <= GLM_TOL, "line {i}: GLM differs by {d:e}\n{l}");
        let (got, want) = (floats(&l["nn"]["params"]), floats(&c["nn"]["params"]));
        match l["cell"].get("link").and_then(Value::as_str) {
            Some("cloglog") => assert_eq!(got, want, "line {i}: exact path"),
            _ => assert!(
                max_diff(&got, &want) <= BATCH_TOL,
                "line {i}: {got:?} {want:?}"
            ),
        }
    }
}

/// Common seeds (the default) give every cell the same seeds S..S+R-1;
/// normal, correlated features reproduce with `compare` too.
#[test]
fn common_seeds_repeat_across_cells_and_normal_features_reproduce() {
    let dir = temp_dir("designs-common");
    let f = dir.join("runs.jsonl");
    logreg(&[
        "repeat",
        "--runs",
        "2",
        "--n",
        "80",
        "--fits",
        "glm",
        "--x-dist",
        "normal",
        "--x-corr",
        "0,0.5,-0.4",
        "--quiet",
        "--runs-out",
        f.to_str().unwrap(),
    ])
    .ok();
    let lines = read_lines(&f);
    let seeds: Vec<u64> = lines.iter().map(|l| l["seed"].as_u64().unwrap()).collect();
    assert_eq!(seeds, [42, 43, 42, 43, 42, 43]);
    assert!(lines[0]["study"]["settings"].get("seeds").is_none());
    assert_eq!(lines[5]["cell"]["x_corr"], -0.4);
    for l in [&lines[1], &lines[3], &lines[4]] {
        let r = logreg(&compare_args(l));
        let c: Value = serde_json::from_str(&r.ok()).unwrap();
        let d = max_diff(&floats(&l["glm"]["params"]), &floats(&c["glm"]["params"]));
        assert!(d <= GLM_TOL, "GLM differs by {d:e}\n{l}");
    }
}

/// Shards of a study with independent seeds summarize to the unsharded
/// study's text (less its Time line), and a resume with other seeds is
/// refused as another study.
#[test]
fn independent_shards_merge_and_a_resume_with_other_seeds_is_refused() {
    let dir = temp_dir("designs-shards");
    let study = [
        "repeat",
        "--runs",
        "3",
        "--n",
        "40,50",
        "--fits",
        "glm",
        "--link",
        "probit",
        "--seeds",
        "independent",
        "--quiet",
    ];
    let whole = logreg(&study).ok();
    let mut files = Vec::new();
    for s in ["0/2", "1/2"] {
        let f = dir.join(format!("s{}.jsonl", &s[..1]));
        let mut a = study.to_vec();
        a.extend(["--shard", s, "--runs-out", f.to_str().unwrap()]);
        logreg(&a).ok();
        files.push(f.display().to_string());
    }
    let merged = logreg(
        &[
            &["summarize"][..],
            &files.iter().map(String::as_str).collect::<Vec<_>>(),
        ]
        .concat(),
    )
    .ok();
    let drop_time = |s: &str| -> String {
        s.lines()
            .filter(|l| !l.starts_with("Time:"))
            .map(|l| format!("{l}\n"))
            .collect()
    };
    assert_eq!(drop_time(&merged), drop_time(&whole));
    assert!(
        merged.contains("(seeds 42..47, independent per cell)"),
        "{merged}"
    );

    let mut a = study.to_vec();
    a.retain(|&x| x != "independent");
    let pos = a.iter().position(|&x| x == "--seeds").unwrap();
    a.insert(pos + 1, "common");
    a.extend(["--resume", "--runs-out", &files[0]]);
    let r = logreg(&a);
    assert_eq!(r.code(), Some(2), "{}", r.describe());
    assert!(r.stderr().contains("another study"), "{}", r.describe());
}

/// `simulate --x-dist normal --x-corr R --true-link L` writes numpy's draws.
#[test]
fn simulate_writes_numpys_designed_draws() {
    let path = fixtures().join("numpy/designs.json");
    let fx: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    for c in fx["designs"].as_array().unwrap() {
        let beta: Vec<String> = floats(&c["beta"]).iter().map(|b| b.to_string()).collect();
        let out = logreg(&[
            "--seed",
            &c["seed"].to_string(),
            "simulate",
            "--n",
            &c["n"].to_string(),
            "--beta",
            &beta.join(","),
            "--x-dist",
            c["x_dist"].as_str().unwrap(),
            "--x-corr",
            &c["x_corr"].to_string(),
            "--true-link",
            c["link"].as_str().unwrap(),
        ])
        .ok();
        let rows: Vec<Vec<f64>> = out
            .lines()
            .skip(1)
            .map(|l| l.split(',').map(|v| v.parse().unwrap()).collect())
            .collect();
        for (i, (row, (x, y))) in rows
            .iter()
            .zip(c["x"].as_array().unwrap().iter().zip(floats(&c["y"])))
            .enumerate()
        {
            let k = row.len() - 1;
            assert_eq!(row[..k], floats(x)[..], "{} row {i}", c["seed"]);
            assert_eq!(row[k], y, "{} row {i}", c["seed"]);
        }
    }
}

/// Bad designs are refused before any work, exit 2, one line naming the flag.
#[test]
fn rejects_impossible_designs_with_one_line() {
    let cases: [(&[&str], &str); 6] = [
        (
            &["simulate", "--x-corr", "0.5"],
            "--x-corr 0.5 needs --x-dist normal",
        ),
        (
            &[
                "simulate", "--x-dist", "normal", "--beta", "0,1,1,1", "--x-corr", "-0.5",
            ],
            "--x-corr -0.5 with 3 features: a common correlation must lie in (-1/2, 1)",
        ),
        (
            &[
                "repeat", "--x-dist", "normal", "--beta", "0.3,1", "--x-corr", "0,0.5",
            ],
            "--x-corr 0.5 with 1 feature(s): a correlation needs two features or more",
        ),
        (
            &["repeat", "--x-dist", "uniform,normal", "--x-corr", "0,0.3"],
            "needs --x-dist normal",
        ),
        (
            &[
                "--seed",
                "4294967291",
                "repeat",
                "--runs",
                "3",
                "--n",
                "50,60",
                "--seeds",
                "independent",
            ],
            "--seeds independent",
        ),
        (
            &["compare", "--data", "x.csv", "--true-link", "probit"],
            "cannot be used with",
        ),
    ];
    for (args, want) in cases {
        let r = logreg(args);
        assert_eq!(r.code(), Some(2), "{}", r.describe());
        let err = r.stderr();
        assert!(err.contains(want), "{}", r.describe());
        if !want.contains("cannot") {
            assert_eq!(err.trim_end().lines().count(), 1, "{}", r.describe());
        }
        assert!(r.stdout().is_empty(), "{}", r.describe());
    }
}
