//! `logreg repeat`: the Monte Carlo study at the lecture's settings (the
//! acceptance run), the per-run lines, reproduction of single runs by
//! `compare`, the JSON contracts, bad flags, and Ctrl-C.
use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde::Deserialize;

use crate::support::{bin, logreg, send_sigint, temp_dir, Run};

/// The network "matches" the GLM within this in every run (the acceptance
/// bound, and `compare::MATCH_TOL`).
const MATCH_TOL: f64 = 1e-3;
/// A batched network against its single run (`compare --seed S+i`) on the
/// default closed-form gradient: rounding order only (measured: worst 7.2e-7
/// over runs of 10,000 steps, under the default kernels,
/// ATEN_CPU_CAPABILITY=default and MKL_ENABLE_INSTRUCTIONS=SSE4_2, at 1 and
/// 2 threads). scripts/test.sh reruns these tests, momentum, --standardize,
/// f64 and --tol included, under those kernels.
const BATCH_TOL: f64 = 1e-5;
/// The GLM of a run against `compare`'s: the same code on the same data.
const GLM_TOL: f64 = 1e-12;

/// The `repeat --json` contract: exactly these keys.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct SummaryJson {
    runs: usize,
    seed: u64,
    n: usize,
    names: Vec<String>,
    #[serde(rename = "true")]
    truth: Vec<f64>,
    glm_mean: Vec<f64>,
    glm_sd: Vec<f64>,
    glm_bse_mean: Vec<f64>,
    coverage: Vec<f64>,
    nn_mean: Vec<f64>,
    nn_sd: Vec<f64>,
    mean_abs_diff: Vec<f64>,
    max_abs_diff: Vec<f64>,
    alpha: f64,
    glm_iterations_mean: f64,
    glm_not_converged: usize,
    glm_with_warnings: usize,
    glm_separated: usize,
    optimizer: String,
    lr: f64,
    nn_steps_mean: f64,
    glm_time_s: f64,
    nn_time_s: f64,
    time_s: f64,
    // The grid study's keys. Keys are added, never renamed.
    fits: String,
    failed: usize,
    missing: usize,
    duplicates: usize,
    cells: Vec<serde_json::Value>,
}

/// One `--runs-out` line: exactly these keys.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct LineJson {
    seed: u64,
    glm: LineGlm,
    nn: LineNn,
    // The grid study's keys.
    cell: LineCell,
    study: serde_json::Value,
    failed: Option<String>,
    /// Written only when true.
    #[serde(default)]
    separated: bool,
}

/// A line's `cell`: the grid point it belongs to.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct LineCell {
    n: usize,
    lr: f64,
    steps: usize,
    optimizer: String,
    beta: Vec<f64>,
    // The data design's keys, written when not logit, uniform, 0.
    true_link: Option<String>,
    link: Option<String>,
    x_dist: Option<String>,
    x_corr: Option<f64>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct LineGlm {
    params: Vec<f64>,
    bse: Vec<f64>,
    iterations: usize,
    converged: bool,
    warnings: Vec<String>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct LineNn {
    params: Vec<f64>,
    loss: f64,
    steps: usize,
}

/// The parts of `compare --json` these tests read.
#[derive(Deserialize, Debug)]
struct CompareJson {
    glm: CompareGlm,
    nn: CompareNn,
}

#[derive(Deserialize, Debug)]
struct CompareGlm {
    params: Vec<f64>,
    bse: Vec<f64>,
    iterations: usize,
}

#[derive(Deserialize, Debug)]
struct CompareNn {
    params: Vec<f64>,
    loss: f64,
}

/// Parse a `--runs-out` file strictly: every line whole and complete.
fn read_lines(path: &std::path::Path) -> Vec<LineJson> {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(
        text.is_empty() || text.ends_with('\n'),
        "{}: last line is not whole: {:?}",
        path.display(),
        &text[text.len().saturating_sub(80)..]
    );
    text.lines()
        .enumerate()
        .map(|(i, l)| {
            serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("{}: line {}: {e}\n{l}", path.display(), i + 1))
        })
        .collect()
}

fn parse_summary(r: &Run) -> SummaryJson {
    serde_json::from_str(&r.ok()).unwrap_or_else(|e| panic!("{e}\n{}", r.describe()))
}

fn max_diff(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max)
}

/// The acceptance run, once for all tests that read it: `logreg repeat
/// --runs 200` at the defaults (seed 42), with `--json` and `--runs-out`.
fn acceptance() -> &'static (Run, SummaryJson, Vec<LineJson>) {
    static RUN: OnceLock<(Run, SummaryJson, Vec<LineJson>)> = OnceLock::new();
    RUN.get_or_init(|| {
        let dir = temp_dir("repeat-acceptance");
        let f = dir.join("runs.jsonl");
        let r = logreg(&[
            "repeat",
            "--runs",
            "200",
            "--json",
            "--runs-out",
            f.to_str().unwrap(),
        ]);
        let s = parse_summary(&r);
        let lines = read_lines(&f);
        (r, s, lines)
    })
}

#[test]
fn acceptance_200_runs_cover_95_percent_and_the_network_matches_the_glm() {
    let (r, s, _) = acceptance();
    assert_eq!(s.runs, 200);
    assert_eq!(s.names, ["const", "x1", "x2"]);
    assert_eq!(s.truth, [0.3, -1.0, 2.0]);
    for (j, name) in s.names.iter().enumerate() {
        assert!(
            (0.90..=0.99).contains(&s.coverage[j]),
            "{name}: coverage {}\n{}",
            s.coverage[j],
            r.describe()
        );
        assert!(
            s.max_abs_diff[j] < MATCH_TOL,
            "{name}: max |GLM - NN| {}",
            s.max_abs_diff[j]
        );
        assert!(s.mean_abs_diff[j] <= s.max_abs_diff[j]);
        // The estimators agree, so their spread agrees; the reported std
        // errors estimate that spread (within 20% at 200 runs).
        assert!((s.glm_sd[j] - s.nn_sd[j]).abs() < MATCH_TOL);
        assert!((s.glm_bse_mean[j] / s.glm_sd[j] - 1.0).abs() < 0.2, "{s:?}");
    }
    assert_eq!(s.nn_steps_mean, 10_000.0);
    assert_eq!(s.glm_not_converged, 0);
    assert!(s.glm_iterations_mean > 3.0 && s.glm_iterations_mean < 20.0);
    assert!(s.time_s >= s.glm_time_s + s.nn_time_s - 1e-9);
    // Not a terminal: no progress bar, nothing on stderr.
    assert_eq!(r.stderr(), "", "{}", r.describe());
}

#[test]
fn runs_out_has_one_whole_line_per_run_with_the_documented_keys() {
    let (_, s, lines) = acceptance();
    assert_eq!(lines.len(), 200);
    for (i, l) in lines.iter().enumerate() {
        assert_eq!(l.seed, 42 + i as u64);
        assert_eq!(l.glm.params.len(), 3);
        assert_eq!(l.glm.bse.len(), 3);
        assert_eq!(l.nn.params.len(), 3);
        assert!(l.glm.converged && l.glm.iterations > 0 && l.glm.warnings.is_empty());
        assert!(l.nn.loss > 0.0 && l.nn.loss.is_finite());
    }
    // The summary is the lines' aggregate.
    let mean0 = lines.iter().map(|l| l.glm.params[0]).sum::<f64>() / 200.0;
    assert!((mean0 - s.glm_mean[0]).abs() < 1e-12);
    let max2 = lines
        .iter()
        .map(|l| (l.glm.params[2] - l.nn.params[2]).abs())
        .fold(0.0, f64::max);
    assert_eq!(max2, s.max_abs_diff[2]);
}

#[test]
fn each_run_is_reproduced_by_compare_with_its_seed() {
    let (_, _, lines) = acceptance();
    for i in [0usize, 1, 137, 199] {
        let l = &lines[i];
        let seed = (42 + i).to_string();
        let r = logreg(&["--seed", &seed, "compare", "--json"]);
        let c: CompareJson =
            serde_json::from_str(&r.ok()).unwrap_or_else(|e| panic!("{e}\n{}", r.describe()));
        assert!(
            max_diff(&l.glm.params, &c.glm.params) <= GLM_TOL,
            "run {i}: GLM {:?} vs compare {:?}",
            l.glm.params,
            c.glm.params
        );
        assert!(max_diff(&l.glm.bse, &c.glm.bse) <= GLM_TOL);
        assert_eq!(l.glm.iterations, c.glm.iterations);
        let d = max_diff(&l.nn.params, &c.nn.params);
        assert!(
            d <= BATCH_TOL,
            "run {i}: network {:?} vs compare {:?} (|d| = {d:e})",
            l.nn.params,
            c.nn.params
        );
        assert!((l.nn.loss - c.nn.loss).abs() <= BATCH_TOL);
    }
}

/// Run `repeat` with `shared` and `own` flags and `--runs-out`, then
/// `compare` with the `shared` flags for the runs in `check`.
fn repeat_then_compare(
    name: &str,
    seed: u64,
    runs: usize,
    own: &[&str],
    shared: &[&str],
    check: &[usize],
) -> Vec<(LineJson, CompareJson)> {
    let dir = temp_dir(name);
    let f = dir.join("runs.jsonl");
    let (seed_s, runs_s) = (seed.to_string(), runs.to_string());
    let mut a = vec!["--seed", &seed_s, "repeat", "--runs", &runs_s];
    let path = f.display().to_string();
    a.extend(["--runs-out", &path]);
    a.extend(own);
    a.extend(shared);
    let r = logreg(&a);
    r.ok();
    let lines = read_lines(&f);
    assert_eq!(lines.len(), runs, "{}", r.describe());
    let mut lines: Vec<Option<LineJson>> = lines.into_iter().map(Some).collect();
    check
        .iter()
        .map(|&i| {
            let l = lines[i].take().unwrap();
            assert_eq!(l.seed, seed + i as u64);
            let s = l.seed.to_string();
            let mut c = vec!["--seed", &s, "compare", "--json"];
            c.extend(shared);
            let r = logreg(&c);
            let cj =
                serde_json::from_str(&r.ok()).unwrap_or_else(|e| panic!("{e}\n{}", r.describe()));
            (l, cj)
        })
        .collect()
}

#[test]
fn adaptive_optimizers_and_exact_mode_equal_compare_bit_for_bit() {
    // Adam, AdamW and RMSprop train on the exact path: each network runs
    // the single run's code on its own tensors, so every bit equals on any
    // CPU (scripts/test.sh reruns this under other ATen and MKL kernels).
    // --exact puts SGD on it too. Chunks of 4 put runs 1 and 4 in different
    // batches at different positions. Both sides run at the same thread
    // count, 1 (the default) or 2.
    for (name, flags) in [
        ("repeat-adam", &["--optimizer", "adam"][..]),
        (
            "repeat-adam-2-threads",
            &["--optimizer", "adam", "--threads", "2"][..],
        ),
        (
            "repeat-adamw",
            &["--optimizer", "adamw", "--lr", "0.01"][..],
        ),
        (
            "repeat-rmsprop",
            &["--optimizer", "rmsprop", "--lr", "0.001"][..],
        ),
        (
            "repeat-sgd-exact",
            &["--exact", "--momentum", "0.9", "--nesterov"][..],
        ),
    ] {
        let own: &[&str] = match flags[0] {
            "--exact" => &["--chunk", "4", "--exact"],
            _ => &["--chunk", "4"],
        };
        let mut shared = vec!["--steps", "1500"];
        shared.extend(flags.iter().filter(|f| **f != "--exact"));
        for (l, c) in repeat_then_compare(name, 11, 5, own, &shared, &[1, 4]) {
            assert_eq!(l.nn.params, c.nn.params, "{name}: seed {}", l.seed);
            assert_eq!(l.nn.loss, c.nn.loss, "{name}: seed {}", l.seed);
            assert_eq!(l.glm.params, c.glm.params);
        }
    }
}

#[test]
fn closed_form_options_stay_within_rounding_of_compare() {
    for (name, flags) in [
        ("repeat-momentum", &["--momentum", "0.9"][..]),
        ("repeat-standardize", &["--standardize"][..]),
        ("repeat-f64", &["--dtype", "f64"][..]),
        ("repeat-tol", &["--tol", "1e-5"][..]),
        (
            "repeat-box",
            &[
                "--n",
                "300",
                "--beta",
                "1,0.5,-0.5,2",
                "--low",
                "-1",
                "--high",
                "2",
            ][..],
        ),
    ] {
        let mut shared = vec!["--steps", "2000"];
        shared.extend(flags);
        for (l, c) in repeat_then_compare(name, 5, 3, &["--chunk", "2"], &shared, &[0, 2]) {
            let d = max_diff(&l.nn.params, &c.nn.params);
            assert!(d <= BATCH_TOL, "{name}: seed {}: |d| = {d:e}", l.seed);
            assert!(max_diff(&l.glm.params, &c.glm.params) <= GLM_TOL);
        }
    }
}

#[test]
fn text_table_has_a_row_per_coefficient_and_the_iterations_line() {
    let r = logreg(&["repeat", "--runs", "3", "--steps", "300", "--chunk", "2"]);
    let out = r.ok();
    for label in [
        "true", "GLM mean", "GLM SD", "mean se", "cover95", "NN mean", "NN SD", "mean |d|",
        "max |d|",
    ] {
        assert!(out.contains(label), "missing {label:?}\n{out}");
    }
    for name in ["const", "x1", "x2"] {
        assert!(out.lines().any(|l| l.starts_with(name)), "{name}\n{out}");
    }
    assert!(out.contains("3 runs of n = 1000 (seeds 42..44)"), "{out}");
    assert!(out.contains("iterations on average"), "{out}");
    assert!(out.contains("network: 300 steps"), "{out}");
    assert!(out.contains("Time:"), "{out}");
}

#[test]
fn runs_out_replaces_an_existing_file_once_runs_complete() {
    let dir = temp_dir("repeat-replace");
    let f = dir.join("runs.jsonl");
    std::fs::write(&f, "old content that is not JSON\n".repeat(50)).unwrap();
    logreg(&[
        "repeat",
        "--runs",
        "2",
        "--steps",
        "10",
        "--runs-out",
        f.to_str().unwrap(),
    ])
    .ok();
    assert_eq!(read_lines(&f).len(), 2);
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        1,
        "a temporary file is left"
    );
}

#[test]
fn runs_out_is_left_intact_when_no_run_completes() {
    // As in a_failed_run_says_how_many_completed: the first run fails.
    let dir = temp_dir("repeat-intact");
    let f = dir.join("runs.jsonl");
    let old = "{\"an earlier\": \"result\"}\n".repeat(50);
    std::fs::write(&f, &old).unwrap();
    let r = logreg(&[
        "repeat",
        "--runs",
        "4",
        "--steps",
        "20",
        "--low=-1e30",
        "--high=1e30",
        "--runs-out",
        f.to_str().unwrap(),
    ]);
    assert_eq!(r.code(), Some(2), "{}", r.describe());
    assert!(
        r.stderr().contains("0 of 4 runs completed; ") && r.stderr().contains("is left as it was"),
        "{}",
        r.describe()
    );
    assert_eq!(std::fs::read_to_string(&f).unwrap(), old);
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        1,
        "a temporary file is left"
    );
}

#[test]
fn one_run_has_no_sd() {
    // ddof = 1: undefined for one run, serialized as null.
    let raw = logreg(&["repeat", "--runs", "1", "--steps", "10", "--json"]).ok();
    let v: serde_json::Value = serde_json::from_str(&raw).unwrap();
    assert!(v["glm_sd"].as_array().unwrap().iter().all(|x| x.is_null()));
    assert!(v["nn_sd"].as_array().unwrap().iter().all(|x| x.is_null()));
    assert!(v["glm_mean"].as_array().unwrap().iter().all(|x| x.is_f64()));
    assert_eq!(v["runs"], 1);
}

#[test]
fn rejects_options_it_cannot_batch_and_bad_counts() {
    for (args, needle) in [
        (
            &["repeat", "--batch-size", "32"][..],
            "--batch-size cannot be used with repeat",
        ),
        (
            &["repeat", "--autograd"][..],
            "--autograd cannot be used with repeat",
        ),
        (&["repeat", "--runs", "0"][..], "--runs"),
        (&["repeat", "--chunk", "0"][..], "--chunk"),
        (&["repeat", "--data", "x.csv"][..], "--data"),
        (&["repeat", "--low", "2", "--high", "1"][..], "--low"),
        (
            &["--seed", "4294967295", "repeat", "--runs", "2"][..],
            "2^32 - 1",
        ),
    ] {
        let r = logreg(args);
        assert_eq!(r.code(), Some(2), "{}", r.describe());
        assert!(r.stderr().contains(needle), "{needle:?}\n{}", r.describe());
        assert!(r.stdout().is_empty());
    }
}

#[test]
fn a_failed_run_says_how_many_completed() {
    // Features of magnitude 1e30 leave the design numerically of rank 2:
    // the first run's GLM fails.
    let dir = temp_dir("repeat-fail");
    let f = dir.join("runs.jsonl");
    let r = logreg(&[
        "repeat",
        "--runs",
        "4",
        "--steps",
        "20",
        "--low=-1e30",
        "--high=1e30",
        "--runs-out",
        f.to_str().unwrap(),
    ]);
    // The settings make data the GLM cannot fit: bad input.
    assert_eq!(r.code(), Some(2), "{}", r.describe());
    let err = r.stderr();
    assert!(
        err.contains(&format!(
            "0 of 4 runs completed; {} is left as it was",
            f.display()
        )),
        "{}",
        r.describe()
    );
    assert!(
        err.contains("run with seed 42: GLM: the design matrix is rank-deficient"),
        "{}",
        r.describe()
    );
    assert!(!f.exists(), "{}", r.describe());
}

#[test]
fn ctrl_c_keeps_the_completed_chunks_as_whole_lines_and_exits_130() {
    let dir = temp_dir("repeat-ctrl-c");
    let f = dir.join("runs.jsonl");
    let mut child = Command::new(bin())
        .args([
            "repeat",
            "--runs",
            "2000",
            "--chunk",
            "5",
            "--steps",
            "2000",
            "--runs-out",
            f.to_str().unwrap(),
        ])
        .env_remove("LD_LIBRARY_PATH")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for the first chunk's lines (in the temporary file that replaces
    // runs.jsonl at the end: the folder's only entry), then interrupt.
    let start = Instant::now();
    let lines_so_far = || -> usize {
        std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| std::fs::read_to_string(e.unwrap().path()).map_or(0, |t| t.lines().count()))
            .sum()
    };
    while lines_so_far() < 5 {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "no chunk finished"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    send_sigint(&child);
    let code = child.wait().unwrap().code();
    let (mut out, mut err) = (String::new(), String::new());
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert_eq!(code, Some(130), "stdout: {out}\nstderr: {err}");
    assert!(out.is_empty(), "{out}");
    let lines = read_lines(&f);
    let n = lines.len();
    assert!(
        (5..2000).contains(&n) && n.is_multiple_of(5),
        "{n} lines\n{err}"
    );
    // A line of its own: an interruption is no error, so no "error:" in
    // front.
    let note = format!("interrupted: {n} of 2000 runs completed; {n} of them are in");
    assert!(err.lines().any(|l| l.starts_with(&note)), "{err}");
    for (i, l) in lines.iter().enumerate() {
        assert_eq!(l.seed, 42 + i as u64);
    }
}

/// `repeat --cov-type HC3`: each run's GLM is `compare --cov-type HC3`'s on
/// the same seed, bit for bit (same machine, same settings), and its bse
/// differ from the nonrobust ones; cluster, which needs a column of --data,
/// is refused before the work.
#[test]
fn cov_type_gives_each_run_the_robust_bse_of_its_compare() {
    let dir = temp_dir("repeat-cov-type");
    let out = dir.join("runs.jsonl");
    let shared = ["--n", "300", "--steps", "20"];
    let mut args = vec!["repeat", "--runs", "3", "--quiet", "--cov-type", "HC3"];
    args.extend(shared);
    args.extend(["--runs-out", out.to_str().unwrap()]);
    logreg(&args).ok();
    let lines = read_lines(&out);
    assert_eq!(lines.len(), 3);
    for line in &lines {
        let seed = line.seed.to_string();
        let mut c = vec!["--seed", &seed, "compare", "--json"];
        c.extend(shared);
        let plain: CompareJson = serde_json::from_str(&logreg(&c).ok()).unwrap();
        c.extend(["--cov-type", "HC3"]);
        let robust: CompareJson = serde_json::from_str(&logreg(&c).ok()).unwrap();
        assert_eq!(line.glm.bse, robust.glm.bse, "seed {seed}");
        assert_eq!(line.glm.params, plain.glm.params, "seed {seed}");
        assert_ne!(line.glm.bse, plain.glm.bse, "seed {seed}");
    }
    let r = logreg(&["repeat", "--runs", "3", "--cov-type", "cluster"]);
    assert_eq!(r.code(), Some(2), "{}", r.describe());
    assert_eq!(r.stderr().lines().count(), 1, "{}", r.describe());
    assert!(r.stderr().contains("--groups"), "{}", r.describe());
}

/// The closed-form batch trains each network on its own slice of the
/// stacked tensors: how the runs are cut into chunks changes no bit. Chunks
/// of 1 and of 7 (a last chunk of 3) against one batch of all 10, at n =
/// 1000, whose rows do not fill the kernels' vector width evenly.
#[test]
fn closed_form_chunks_of_1_and_7_give_the_bits_of_one_batch() {
    let dir = temp_dir("repeat-chunk-bits");
    let lines = |chunk: &str| {
        let f = dir.join(format!("runs-{chunk}.jsonl"));
        let path = f.display().to_string();
        let r = logreg(&[
            "repeat",
            "--runs",
            "10",
            "--steps",
            "1000",
            "--chunk",
            chunk,
            "--quiet",
            "--runs-out",
            &path,
        ]);
        r.ok();
        let text = std::fs::read_to_string(&f).unwrap();
        assert_eq!(text.lines().count(), 10, "{}", r.describe());
        text
    };
    let whole = lines("10");
    assert_eq!(lines("1"), whole, "chunk 1");
    assert_eq!(lines("7"), whole, "chunk 7");
}

#[test]
fn a_network_at_bces_clamp_is_a_failed_run_as_compare_warns() {
    // After 50 steps at these rates the parameters are huge but finite in
    // float32, and many rows sit at BCE's clamp; compare warns of it. Both
    // gradient paths apply compare's rule: closed-form SGD and exact Adam.
    let dir = temp_dir("repeat-clamp");
    let f = dir.join("runs.jsonl");
    for (optimizer, lr) in [("sgd", "1e38"), ("adam", "1e10")] {
        let r = logreg(&[
            "repeat",
            "--runs",
            "3",
            "--steps",
            "50",
            "--lr",
            lr,
            "--optimizer",
            optimizer,
            "--json",
            "--runs-out",
            f.to_str().unwrap(),
        ]);
        // Every run failed: the summary, then exit 1.
        assert_eq!(r.code(), Some(1), "{}", r.describe());
        let v: serde_json::Value = serde_json::from_str(&r.stdout()).unwrap();
        assert_eq!(v["failed"], 3, "{}", r.describe());
        assert!(
            v["nn_mean"].as_array().unwrap().iter().all(|m| m.is_null()),
            "{v}"
        );
        for l in std::fs::read_to_string(&f).unwrap().lines() {
            let l: serde_json::Value = serde_json::from_str(l).unwrap();
            let why = l["failed"].as_str().unwrap_or_default();
            assert!(why.contains("the loss reached BCE's clamp"), "{l}");
            assert!(why.contains(&format!("seed {}", l["seed"])), "{l}");
            assert!(l.get("nn").is_none(), "{l}");
        }
        // The rule is compare's: it warns on the first run's seed.
        let c = logreg(&[
            "compare",
            "--steps",
            "50",
            "--lr",
            lr,
            "--optimizer",
            optimizer,
        ]);
        assert!(
            c.stderr().contains("the loss reached BCE's clamp"),
            "{}",
            c.describe()
        );
    }
}

#[test]
fn a_full_runs_out_disk_still_prints_the_summary_then_fails() {
    // /dev/full takes no byte: the runs are kept in memory, the summary
    // is printed, and the write failure is the exit status.
    let r = logreg(&[
        "repeat",
        "--runs",
        "3",
        "--fits",
        "glm",
        "--json",
        "--runs-out",
        "/dev/full",
    ]);
    assert_eq!(r.code(), Some(1), "{}", r.describe());
    let v: serde_json::Value =
        serde_json::from_str(&r.stdout()).unwrap_or_else(|e| panic!("{e}\n{}", r.describe()));
    assert_eq!(v["runs"], 3, "{}", r.describe());
    assert_eq!(v["failed"], 0, "{}", r.describe());
    let err = r.stderr();
    let last = err.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("error: /dev/full: cannot write"),
        "{}",
        r.describe()
    );
    assert_eq!(err.matches("error:").count(), 1, "{}", r.describe());
}

#[test]
fn help_lists_only_the_flags_repeat_accepts() {
    let out = logreg(&["repeat", "--help"]).ok();
    for flag in ["--batch-size", "--autograd"] {
        assert!(
            !out.lines().any(|l| l.trim_start().starts_with(flag)),
            "{flag} offered:\n{out}"
        );
    }
    assert!(out.contains("--on-separation <WHAT>"), "{out}");
}
