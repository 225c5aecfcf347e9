//! `logreg repeat` as a simulation study: the design grid,
//! `--fits`, failed runs, `--shard`, `--resume` and `logreg summarize`, and
//! their bad input. Every comparison is between two runs of the binary:
//! the same study computed two ways must give the same bytes.
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{bin, logreg, send_sigint, temp_dir, Run};

/// A small 2 × 2 grid (two n, two learning rates), quick to run, on the
/// default closed-form SGD path. n = 60 and 90 are not multiples of the
/// vector width: unless the sigmoid runs row by row, a run's last float32
/// bits change with the size of its chunk at these n.
const GRID: [&str; 8] = [
    "--runs", "5", "--n", "60,90", "--lr", "0.1,0.5", "--steps", "60",
];

/// `repeat GRID` plus `extra`.
fn study(extra: &[&str]) -> Run {
    let args: Vec<&str> = ["repeat"]
        .iter()
        .copied()
        .chain(GRID)
        .chain(extra.iter().copied())
        .collect();
    logreg(&args)
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `v` without the `_s` (timing) keys, at any depth.
fn without_times(v: serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(o) => o
            .into_iter()
            .filter(|(k, _)| !k.ends_with("_s"))
            .map(|(k, v)| (k, without_times(v)))
            .collect(),
        serde_json::Value::Array(a) => a.into_iter().map(without_times).collect(),
        v => v,
    }
}

fn json(r: &Run) -> serde_json::Value {
    serde_json::from_str(&r.ok()).unwrap_or_else(|e| panic!("{e}\n{}", r.describe()))
}

fn summarize(files: &[&Path], extra: &[&str]) -> Run {
    let args: Vec<&str> = ["summarize"]
        .into_iter()
        .chain(files.iter().map(|f| path(f)))
        .chain(extra.iter().copied())
        .collect();
    logreg(&args)
}

/// The lines of a file, sorted (a study's lines, whatever their order).
fn sorted_lines(p: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_to_string(p)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    v.sort();
    v
}

/// The whole study, once: its `--json` and its lines.
fn whole(dir: &Path) -> (serde_json::Value, std::path::PathBuf) {
    let f = dir.join("whole.jsonl");
    let r = study(&["--json", "--runs-out", path(&f)]);
    (json(&r), f)
}

/// Exit 2 with one line on stderr that contains `needle`.
fn refused(r: &Run, needle: &str) {
    assert_eq!(r.code(), Some(2), "{}", r.describe());
    let err = r.stderr();
    assert_eq!(err.lines().count(), 1, "{}", r.describe());
    assert!(err.contains(needle), "{needle:?} not in\n{}", r.describe());
    assert!(!err.contains("panicked"), "{}", r.describe());
}

#[test]
fn shards_summarized_together_equal_the_unsharded_study_line_for_line() {
    let dir = temp_dir("study-shards");
    let (want, whole_file) = whole(&dir);
    let shards: Vec<_> = (0..3).map(|i| dir.join(format!("s{i}.jsonl"))).collect();
    for (i, f) in shards.iter().enumerate() {
        let shard = format!("{i}/3");
        study(&["--shard", &shard, "--runs-out", path(f)]).ok();
    }
    let refs: Vec<&Path> = shards.iter().map(|p| p.as_path()).collect();
    let got = json(&summarize(&refs, &["--json"]));
    assert_eq!(got, without_times(want));
    let mut all: Vec<String> = shards.iter().flat_map(|f| sorted_lines(f)).collect();
    all.sort();
    assert_eq!(all, sorted_lines(&whole_file));
    // 20 pairs over 3 shards: 7, 7, 6.
    assert_eq!(sorted_lines(&shards[2]).len(), 6);
}

#[test]
fn a_runs_numbers_do_not_depend_on_its_chunk() {
    let dir = temp_dir("study-chunks");
    let (a, b) = (dir.join("a.jsonl"), dir.join("b.jsonl"));
    study(&["--runs-out", path(&a), "--chunk", "1"]).ok();
    study(&["--runs-out", path(&b), "--chunk", "7"]).ok();
    assert_eq!(
        std::fs::read_to_string(&a).unwrap(),
        std::fs::read_to_string(&b).unwrap()
    );
}

#[test]
fn chunks_run_side_by_side_give_the_lines_of_one_thread_in_order() {
    // Without --threads every core runs a chunk at once (on this 2-core
    // machine, two chunks of --chunk 2 over 5 runs per cell, of two cells
    // in one round); the lines must come out in the study's order with the
    // bits of --threads 1, on both gradient paths.
    let dir = temp_dir("study-threads");
    for extra in [&[][..], &["--optimizer", "adam"][..]] {
        let (a, b) = (dir.join("a.jsonl"), dir.join("b.jsonl"));
        let with = |f: &Path, threads: &[&'static str]| -> Vec<String> {
            threads
                .iter()
                .copied()
                .chain(["repeat"])
                .chain(GRID)
                .chain(["--chunk", "2", "--runs-out", path(f)])
                .chain(extra.iter().copied())
                .map(str::to_string)
                .collect()
        };
        logreg(&with(&a, &["--threads", "1"])).ok();
        logreg(&with(&b, &[])).ok();
        assert_eq!(
            std::fs::read_to_string(&a).unwrap(),
            std::fs::read_to_string(&b).unwrap(),
            "{extra:?}"
        );
    }
}

#[test]
fn summarize_prints_what_repeat_prints_without_the_time_line() {
    let dir = temp_dir("study-text");
    let f = dir.join("runs.jsonl");
    let text = study(&["--runs-out", path(&f)]).ok();
    assert!(text.lines().any(|l| l.starts_with("Time: ")), "{text}");
    let without: String = text
        .lines()
        .filter(|l| !l.starts_with("Time: "))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(summarize(&[&f], &[]).ok(), without);
}

#[test]
fn resume_after_a_torn_write_finishes_the_study_as_if_uninterrupted() {
    let dir = temp_dir("study-resume-torn");
    let (want, whole_file) = whole(&dir);
    let text = std::fs::read_to_string(&whole_file).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let f = dir.join("resumed.jsonl");
    // The first 7 lines and half of the 8th, as kill -9 can leave them.
    let torn = &lines[7][..lines[7].len() / 2];
    std::fs::write(&f, lines[..7].join("\n") + "\n" + torn).unwrap();
    let r = study(&["--json", "--resume", "--runs-out", path(&f)]);
    assert_eq!(without_times(json(&r)), without_times(want));
    assert_eq!(sorted_lines(&f), sorted_lines(&whole_file));
}

#[test]
fn resume_of_a_complete_file_runs_nothing_and_prints_the_same_summary() {
    let dir = temp_dir("study-resume-complete");
    let (want, whole_file) = whole(&dir);
    let before = std::fs::read_to_string(&whole_file).unwrap();
    let r = study(&["--json", "--resume", "--runs-out", path(&whole_file)]);
    assert!(r.stderr().contains("0 to run"), "{}", r.describe());
    assert_eq!(without_times(json(&r)), without_times(want));
    assert_eq!(std::fs::read_to_string(&whole_file).unwrap(), before);
}

#[test]
fn resume_after_ctrl_c_finishes_the_study_as_if_uninterrupted() {
    let dir = temp_dir("study-resume-ctrl-c");
    let args = [
        "repeat", "--runs", "40", "--n", "60,90", "--steps", "20000", "--chunk", "2",
    ];
    let want_file = dir.join("whole.jsonl");
    let with = |extra: &[&str]| -> Vec<String> {
        args.iter().chain(extra).map(|s| s.to_string()).collect()
    };
    let want = json(&logreg(&with(&["--json", "--runs-out", path(&want_file)])));
    let f = dir.join("runs.jsonl");
    let child = Command::new(bin())
        .args(with(&["--resume", "--runs-out", path(&f)]))
        .env_remove("LD_LIBRARY_PATH")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // With --resume the lines go straight into the file: wait for some.
    let count = || std::fs::read_to_string(&f).map_or(0, |t| t.lines().count());
    let deadline = Instant::now() + Duration::from_secs(120);
    while count() < 4 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(count() >= 4, "no chunk finished in 120 s");
    send_sigint(&child);
    let done = child.wait_with_output().unwrap();
    let (code, err) = (done.status.code(), String::from_utf8_lossy(&done.stderr));
    assert_eq!(code, Some(130), "{err}");
    let kept = count();
    assert!((4..80).contains(&kept), "{kept} lines\n{err}");
    let r = logreg(&with(&["--json", "--resume", "--runs-out", path(&f)]));
    assert_eq!(without_times(json(&r)), without_times(want));
    assert_eq!(sorted_lines(&f), sorted_lines(&want_file));
}

#[test]
fn glm_only_trains_no_network_and_summarizes_the_glm() {
    let dir = temp_dir("study-glm-only");
    let f = dir.join("runs.jsonl");
    let v = json(&study(&["--fits", "glm", "--json", "--runs-out", path(&f)]));
    assert_eq!(v["fits"], "glm");
    let cells = v["cells"].as_array().unwrap();
    assert_eq!(cells.len(), 4);
    assert!(cells
        .iter()
        .all(|c| c["nn"].is_null() && c["glm"].is_object()));
    let text = std::fs::read_to_string(&f).unwrap();
    assert_eq!(text.lines().count(), 20);
    assert!(text.lines().all(|l| !l.contains("\"nn\"")), "{text}");
}

#[test]
fn a_network_only_grid_plots_the_bias_and_no_glm_coverage() {
    let dir = temp_dir("study-nn-plots");
    let plots = dir.join("plots");
    let r = study(&["--fits", "nn", "--plots", path(&plots)]);
    assert_eq!(r.code(), Some(0), "{}", r.describe());
    assert!(plots.join("bias.svg").is_file(), "{}", r.describe());
    assert!(!plots.join("coverage.svg").exists(), "{}", r.describe());
}

#[test]
fn a_one_estimator_study_of_one_cell_shows_no_empty_columns() {
    let r = logreg(&["repeat", "--runs", "3", "--steps", "20", "--fits", "glm"]);
    assert_eq!(r.code(), Some(0), "{}", r.describe());
    let out = r.stdout();
    assert!(out.contains("fits: glm"), "{out}");
    assert!(!out.contains("NN mean") && !out.contains("NaN"), "{out}");
    assert!(out.contains("cover95"), "{out}");
}

#[test]
fn runs_whose_networks_diverge_are_counted_and_all_failed_exits_1() {
    let dir = temp_dir("study-failed");
    let f = dir.join("runs.jsonl");
    // x up to 100 and lr 3e38: every network's first update overflows
    // float32.
    let args = "repeat --runs 3 --n 60 --steps 50 --lr 3e38 --low -100 --high 100 --fits nn --json";
    let mut args: Vec<&str> = args.split(' ').collect();
    args.extend(["--runs-out", path(&f)]);
    let r = logreg(&args);
    assert_eq!(r.code(), Some(1), "{}", r.describe());
    let v: serde_json::Value = serde_json::from_str(&r.stdout()).unwrap();
    assert_eq!(v["failed"], 3);
    assert_eq!(v["cells"][0]["failed"], 3);
    assert!(r.stderr().contains("every run failed"), "{}", r.describe());
    for l in std::fs::read_to_string(&f).unwrap().lines() {
        let l: serde_json::Value = serde_json::from_str(l).unwrap();
        assert!(
            l["failed"].as_str().unwrap().starts_with("network: "),
            "{l}"
        );
        assert!(l["glm"].is_null() && l["nn"].is_null(), "{l}");
    }
}

#[test]
fn summarize_names_missing_runs_and_drops_exact_duplicates() {
    let dir = temp_dir("study-missing");
    let f = dir.join("s0.jsonl");
    study(&["--shard", "0/2", "--runs-out", path(&f)]).ok();
    let r = summarize(&[&f, &f], &["--json"]);
    assert_eq!(r.code(), Some(3), "{}", r.describe());
    let v: serde_json::Value = serde_json::from_str(&r.stdout()).unwrap();
    assert_eq!(v["missing"], 10);
    assert_eq!(v["duplicates"], 10);
    let err = r.stderr();
    assert!(
        err.contains("missing 10 of 20 runs: cell 0 seeds 43, 45; cell 1 seeds 42, 44, 46"),
        "{err}"
    );
    assert!(err.contains("dropped 10 exact duplicate"), "{err}");
}

#[test]
fn rejects_an_empty_list_item() {
    refused(
        &logreg(&["repeat", "--n", "100,,200"]),
        "--n <N,...>': '100,,200' has an empty item",
    );
    refused(&logreg(&["repeat", "--beta", "0.3,-1,2;"]), "--beta");
    refused(
        &logreg(&["repeat", "--beta", "0.3,-1,2;1,2"]),
        "same length",
    );
}

#[test]
fn rejects_a_value_given_twice_in_a_grid_list() {
    for (flag, list, twice) in [
        ("--n", "100,100", "100"),
        ("--lr", "0.1,1e-1", "1e-1"),
        ("--steps", "5,6,5", "5"),
        ("--optimizer", "sgd,adam,sgd", "sgd"),
        ("--beta", "0.3,1;0.3,1.0", "0.3,1.0"),
    ] {
        refused(&logreg(&["repeat", flag, list]), &format!("{flag} <"));
        refused(
            &logreg(&["repeat", flag, list]),
            &format!("lists {twice} twice"),
        );
    }
}

#[test]
fn rejects_a_shard_outside_its_count() {
    for bad in ["2/2", "a/b", "1/0"] {
        refused(&logreg(&["repeat", "--shard", bad]), "--shard");
    }
}

#[test]
fn rejects_resume_without_a_runs_out_file() {
    refused(
        &logreg(&["repeat", "--resume"]),
        "--resume needs --runs-out",
    );
    refused(
        &logreg(&["repeat", "--resume", "--runs-out", "-"]),
        "--resume needs --runs-out",
    );
}

#[test]
fn rejects_resume_into_a_file_of_another_study() {
    let dir = temp_dir("study-resume-other");
    let (_, f) = whole(&dir);
    let r = logreg(&[
        "repeat",
        "--runs",
        "5",
        "--n",
        "60,90",
        "--lr",
        "0.1,0.7",
        "--steps",
        "60",
        "--resume",
        "--runs-out",
        path(&f),
    ]);
    refused(&r, "from another study");
}

#[test]
fn summarize_rejects_a_line_of_another_study() {
    let dir = temp_dir("study-other");
    let (a, b) = (dir.join("a.jsonl"), dir.join("b.jsonl"));
    study(&["--runs-out", path(&a)]).ok();
    // Same cells and seeds, another GLM tolerance.
    study(&["--runs-out", path(&b), "--glm-tol", "1e-6"]).ok();
    let r = summarize(&[&a, &b], &[]);
    refused(&r, "b.jsonl line 1: from another study than");
    assert!(r.stderr().contains("a.jsonl line 1"), "{}", r.describe());
}

#[test]
fn summarize_rejects_a_file_that_is_not_run_lines() {
    let dir = temp_dir("study-not-json");
    let f = dir.join("x.csv");
    std::fs::write(&f, "x1,x2,y\n1,2,0\n").unwrap();
    refused(&summarize(&[&f], &[]), "x.csv line 1: not a run line");
}

#[test]
fn summarize_needs_at_least_one_file() {
    refused(&logreg(&["summarize"]), "FILE");
}

#[test]
fn resume_refuses_a_fifo_instead_of_waiting_on_it() {
    let dir = temp_dir("study-resume-fifo");
    let fifo = dir.join("runs.jsonl");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    // Reading the FIFO would block for ever: the test itself would hang.
    let r = logreg(&[
        "repeat",
        "--runs",
        "2",
        "--steps",
        "5",
        "--resume",
        "--runs-out",
        path(&fifo),
    ]);
    assert_eq!(r.code(), Some(2), "{}", r.describe());
    assert!(r.stderr().contains("regular file"), "{}", r.describe());
    let kind = std::fs::metadata(&fifo).unwrap().file_type();
    assert!(std::os::unix::fs::FileTypeExt::is_fifo(&kind));
}

/// The lines of a `--runs-out` file.
fn lines_of(p: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(p)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// A GLM-only study at n = 15, where about half the runs are separated.
const SEPARATED: [&str; 7] = ["repeat", "--runs", "40", "--n", "15", "--fits", "glm"];

#[test]
fn separated_glm_fits_are_marked_counted_and_kept_or_failed() {
    let dir = temp_dir("study-separation");
    let (keep, fail) = (dir.join("keep.jsonl"), dir.join("fail.jsonl"));
    let run = |extra: &[&str]| logreg(&[&SEPARATED[..], extra].concat());
    let k = json(&run(&["--json", "--runs-out", path(&keep)]));
    let marked: Vec<u64> = lines_of(&keep)
        .iter()
        .filter(|l| l["separated"] == true)
        .map(|l| l["seed"].as_u64().unwrap())
        .collect();
    assert!(!marked.is_empty() && marked.len() < 40, "{marked:?}");
    let cell = &k["cells"][0];
    assert_eq!(cell["separated"], marked.len(), "{cell}");
    assert_eq!(k["glm_separated"], marked.len());
    // keep: in the figures.
    assert_eq!(cell["failed"], 0, "{cell}");
    assert!(lines_of(&keep)
        .iter()
        .all(|l| l["study"]["settings"].get("on_separation").is_none()));

    // fail: the same runs, failed and left out.
    let f = json(&run(&[
        "--json",
        "--on-separation",
        "fail",
        "--runs-out",
        path(&fail),
    ]));
    let cell = &f["cells"][0];
    assert_eq!(cell["separated"], marked.len(), "{cell}");
    assert_eq!(cell["failed"], marked.len(), "{cell}");
    assert_eq!(f["failed"], marked.len());
    for l in lines_of(&fail) {
        assert_eq!(l["study"]["settings"]["on_separation"], "fail", "{l}");
        let sep = marked.contains(&l["seed"].as_u64().unwrap());
        assert_eq!(l["separated"] == true, sep, "{l}");
        assert_eq!(
            l["failed"]
                .as_str()
                .is_some_and(|w| w.contains("separation")),
            sep,
            "{l}"
        );
    }
    // The table counts them per cell.
    let text = run(&[]).ok();
    let counted = format!("Separated GLM fits: {} of 40 runs", marked.len());
    assert!(text.contains(&counted), "{text}");

    // The setting is part of the study: the other setting's lines are
    // another study, for --resume and for summarize.
    refused(
        &run(&[
            "--on-separation",
            "fail",
            "--resume",
            "--runs-out",
            path(&keep),
        ]),
        "another study",
    );
    let both = summarize(&[&keep, &fail], &[]);
    assert_eq!(both.code(), Some(2), "{}", both.describe());
    // Lines without the key are of the keep study: a resume of them runs
    // nothing.
    let r = run(&["--resume", "--runs-out", path(&keep)]);
    r.ok();
    assert!(
        r.stderr().contains("40 runs already in"),
        "{}",
        r.describe()
    );
}

#[test]
fn a_simulated_data_set_the_data_checks_refuse_is_a_failed_run() {
    // At n = 2 with x1 in [1, 1 + 1e-9] every draw of seeds 9..13 has one
    // class, which a data file with those rows is refused for: each of those
    // runs fails, and the n = 50 cell is summarised as usual.
    let dir = temp_dir("study-bad-draw");
    let f = dir.join("runs.jsonl");
    let args = [
        "--seed",
        "9",
        "repeat",
        "--runs",
        "5",
        "--n",
        "2,50",
        "--beta",
        "0.3,1",
        "--low",
        "1",
        "--high",
        "1.000000001",
        "--steps",
        "20",
        "--json",
        "--runs-out",
    ];
    let v = json(&logreg(&[&args[..], &[path(&f)]].concat()));
    assert_eq!(v["cells"][0]["failed"], 5, "{v}");
    assert_eq!(v["cells"][1]["failed"], 0, "{v}");
    let lines = lines_of(&f);
    assert_eq!(lines.len(), 10);
    for bad in lines.iter().filter(|l| l["cell"]["n"] == 2) {
        let why = bad["failed"].as_str().unwrap_or_default();
        assert!(why.starts_with("data: simulated: "), "{bad}");
        assert!(why.contains("every target value is"), "{bad}");
        assert!(bad.get("glm").is_none() && bad.get("nn").is_none(), "{bad}");
    }
    // A resume finds every run done, the failed ones included.
    let r = logreg(&[&args[..15], &["--resume", "--runs-out", path(&f)]].concat());
    r.ok();
    assert!(
        r.stderr().contains("10 runs already in"),
        "{}",
        r.describe()
    );
    assert_eq!(lines_of(&f).len(), 10);

    // x1 in [1, 1 + 1e-11] is a multiple of the intercept column at the
    // data check's tolerance: every run fails (exit 1), none aborts the study.
    let g = dir.join("rank.jsonl");
    let rank = [
        "--seed",
        "2",
        "repeat",
        "--runs",
        "5",
        "--n",
        "8",
        "--beta",
        "0,0",
        "--low",
        "1",
        "--high",
        "1.00000000001",
        "--steps",
        "20",
        "--json",
        "--runs-out",
    ];
    let r = logreg(&[&rank[..], &[path(&g)]].concat());
    assert_eq!(r.code(), Some(1), "{}", r.describe());
    let lines = lines_of(&g);
    assert_eq!(lines.len(), 5);
    for bad in &lines {
        let why = bad["failed"].as_str().unwrap_or_default();
        assert!(why.starts_with("data: simulated: "), "{bad}");
        assert!(why.contains("linear combination"), "{bad}");
    }
}

#[test]
fn large_figures_in_a_cell_block_never_run_together() {
    // At n = 15 with x in [0, 1e-9] and slopes of 1e10, separated fits give
    // slope estimates near 1e12 and MSEs near 1e24: every row of the block
    // still splits into its 12 fields.
    let text = logreg(&[
        "repeat",
        "--runs",
        "200",
        "--n",
        "15",
        "--fits",
        "glm",
        "--low",
        "0",
        "--high",
        "1e-9",
        "--beta",
        "0.3,-1e10,2e10",
    ])
    .ok();
    let block: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("GLM "))
        .skip(1)
        .take(3)
        .collect();
    assert_eq!(block.len(), 3, "{text}");
    for row in block {
        let fields: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(fields.len(), 12, "{row}\n{text}");
        assert!(row.starts_with("const") || row.contains("e12 "), "{row}");
    }
    assert!(text.contains("e24 "), "{text}");
}

/// `logreg args`, killed if it has not ended within a minute (a hang fails
/// the test instead of stalling the suite).
fn within_a_minute(args: &[&str]) -> Run {
    let child = Command::new(bin())
        .args(args)
        .env_remove("LD_LIBRARY_PATH")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let id = child.id();
    let start = Instant::now();
    let waiter = std::thread::spawn(move || child.wait_with_output().unwrap());
    while !waiter.is_finished() && start.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(50));
    }
    if !waiter.is_finished() {
        let _ = Command::new("kill").args(["-9", &id.to_string()]).status();
    }
    Run {
        cmd: format!("logreg {}", args.join(" ")),
        out: waiter.join().unwrap(),
    }
}

#[test]
fn runs_out_into_a_fifo_writes_the_lines_in_place_without_waiting() {
    let dir = temp_dir("study-runs-out-fifo");
    let fifo = dir.join("runs.jsonl");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let mut cat = Command::new("cat")
        .arg(&fifo)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let r = within_a_minute(&[
        "repeat",
        "--runs",
        "3",
        "--steps",
        "20",
        "--n",
        "30",
        "--runs-out",
        path(&fifo),
    ]);
    if r.code() != Some(0) {
        let _ = cat.kill();
    }
    let mut got = String::new();
    std::io::Read::read_to_string(&mut cat.stdout.take().unwrap(), &mut got).unwrap();
    let _ = cat.wait();
    r.ok();
    assert_eq!(got.lines().count(), 3, "{got}");
    let kind = std::fs::metadata(&fifo).unwrap().file_type();
    assert!(std::os::unix::fs::FileTypeExt::is_fifo(&kind));
}

#[test]
fn runs_out_dev_stdout_writes_the_lines_to_the_pipe() {
    let r = within_a_minute(&[
        "repeat",
        "--runs",
        "3",
        "--steps",
        "20",
        "--n",
        "30",
        "--runs-out",
        "/dev/stdout",
    ]);
    let out = r.ok();
    let lines = out.lines().filter(|l| l.starts_with("{\"seed\"")).count();
    assert_eq!(lines, 3, "{}", r.describe());
}

#[test]
fn a_runs_out_file_not_yet_there_is_locked_too_and_left_absent_if_nothing_completes() {
    let dir = temp_dir("study-lock-new");
    let f = dir.join("race.jsonl");
    // One chunk of slow runs: none completes before the Ctrl-C below.
    let a = Command::new(bin())
        .args([
            "repeat",
            "--runs",
            "40",
            "--chunk",
            "40",
            "--steps",
            "20000",
            "--n",
            "100",
            "--optimizer",
            "adam",
            "--threads",
            "1",
            "--quiet",
            "--runs-out",
            path(&f),
        ])
        .env_remove("LD_LIBRARY_PATH")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while !f.exists() && start.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let resume = logreg(&[
        "repeat",
        "--runs",
        "5",
        "--steps",
        "20",
        "--n",
        "30",
        "--resume",
        "--runs-out",
        path(&f),
    ]);
    send_sigint(&a);
    let out = a.wait_with_output().unwrap();
    refused(&resume, "another process is writing it");
    assert_eq!(out.status.code(), Some(130), "{out:?}");
    assert!(!f.exists(), "{:?}", std::fs::read_to_string(&f));
}

#[test]
fn nothing_compared_gives_no_largest_difference_and_no_convergence_claim() {
    // GLM only: no run has both estimates.
    let r = logreg(&[
        "repeat", "--runs", "5", "--n", "50", "--fits", "glm", "--json",
    ]);
    let v = json(&r);
    assert_eq!(
        v["max_abs_diff"],
        serde_json::json!([null, null, null]),
        "{v}"
    );
    // Every run failed: no difference and no GLM fit to speak of.
    let r = logreg(&["repeat", "--runs", "5", "--lr", "1e38", "--steps", "50"]);
    assert_eq!(r.code(), Some(1), "{}", r.describe());
    let out = r.stdout();
    assert!(!out.contains("0.00e0"), "{}", r.describe());
    assert!(!out.contains("all converged"), "{}", r.describe());
    assert!(out.contains("(no GLM fit)"), "{}", r.describe());
    let r = logreg(&[
        "repeat", "--runs", "5", "--lr", "1e38", "--steps", "50", "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout()).unwrap();
    assert_eq!(
        v["max_abs_diff"],
        serde_json::json!([null, null, null]),
        "{v}"
    );
}

#[test]
fn rejects_on_separation_fail_without_a_glm_fit() {
    refused(
        &study(&["--fits", "nn", "--on-separation", "fail"]),
        "--on-separation fail",
    );
}

#[test]
fn resume_counts_each_run_once_when_lines_are_repeated() {
    let dir = temp_dir("study-resume-dup");
    let f = dir.join("runs.jsonl");
    let args = [
        "repeat",
        "--runs",
        "6",
        "--steps",
        "20",
        "--n",
        "30",
        "--runs-out",
        path(&f),
    ];
    logreg(&args).ok();
    let text = std::fs::read_to_string(&f).unwrap();
    let first: Vec<&str> = text.lines().take(3).collect();
    // Three runs, each twice.
    std::fs::write(&f, [&first[..], &first[..]].concat().join("\n") + "\n").unwrap();
    let r = logreg(&[&args[..], &["--resume"]].concat());
    r.ok();
    assert!(
        r.stderr().contains("resuming: 3 runs already in"),
        "{}",
        r.describe()
    );
}

#[test]
fn resume_refuses_the_lines_of_another_shard() {
    let dir = temp_dir("study-resume-shard");
    let f = dir.join("shard0.jsonl");
    let base = [
        "repeat",
        "--runs",
        "6",
        "--steps",
        "20",
        "--n",
        "30",
        "--runs-out",
        path(&f),
    ];
    logreg(&[&base[..], &["--shard", "0/3"]].concat()).ok();
    let before = std::fs::read(&f).unwrap();
    refused(
        &logreg(&[&base[..], &["--shard", "1/3", "--resume"]].concat()),
        "shard0.jsonl line 1: a run of shard 0/3",
    );
    assert_eq!(std::fs::read(&f).unwrap(), before);
    // Its own shard resumes.
    logreg(&[&base[..], &["--shard", "0/3", "--resume"]].concat()).ok();
}

#[test]
fn summarize_of_an_incomplete_study_whose_runs_all_failed_names_the_missing_runs() {
    let dir = temp_dir("study-summ-failed-missing");
    let f = dir.join("runs.jsonl");
    let r = logreg(&[
        "repeat",
        "--runs",
        "5",
        "--lr",
        "1e38",
        "--steps",
        "50",
        "--runs-out",
        path(&f),
    ]);
    assert_eq!(r.code(), Some(1), "{}", r.describe());
    let text = std::fs::read_to_string(&f).unwrap();
    let three: Vec<&str> = text.lines().take(3).collect();
    std::fs::write(&f, three.join("\n") + "\n").unwrap();
    let r = summarize(&[&f], &[]);
    assert_eq!(r.code(), Some(1), "{}", r.describe());
    let err = r.stderr();
    assert!(
        err.contains("error: incomplete study: missing 2 of 5 runs"),
        "{}",
        r.describe()
    );
    assert!(err.contains("every run failed"), "{}", r.describe());
}

#[test]
fn a_torn_last_line_followed_by_its_newline_is_still_the_torn_last_line() {
    let dir = temp_dir("study-torn-newline");
    let (want, whole_file) = whole(&dir);
    let text = std::fs::read_to_string(&whole_file).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let f = dir.join("resumed.jsonl");
    let torn = &lines[7][..lines[7].len() / 2];
    std::fs::write(&f, lines[..7].join("\n") + "\n" + torn + "\n").unwrap();
    let r = summarize(&[&f], &[]);
    assert_eq!(r.code(), Some(3), "{}", r.describe());
    assert!(r.stderr().contains("line 8: torn"), "{}", r.describe());
    let r = study(&["--json", "--resume", "--runs-out", path(&f)]);
    assert_eq!(without_times(json(&r)), without_times(want));
    assert_eq!(sorted_lines(&f), sorted_lines(&whole_file));
}

/// The warning lines of a run's stderr.
fn warnings(r: &Run) -> Vec<String> {
    r.stderr()
        .lines()
        .filter(|l| l.starts_with("warning: "))
        .map(String::from)
        .collect()
}

/// Every measure that is not finite (`-` in the table, null in --json)
/// comes with a warning saying why, from `repeat` and from `summarize`
/// alike; a study whose measures are all finite has none.
#[test]
fn measures_that_are_not_finite_come_with_a_warning_saying_why() {
    let dir = temp_dir("study-undefined");
    let runs = dir.join("runs.jsonl");
    let one = logreg(&["repeat", "--runs", "1", "--steps", "10"]);
    let out = one.ok();
    assert!(!out.contains("NaN") && out.contains("(-)"), "{out}");
    let few = "warning: the study has fewer than two runs that did not fail: \
               SDs and Monte Carlo SEs need two, every figure one (- in the table, null in --json)";
    assert_eq!(warnings(&one), [few], "{}", one.describe());
    let grid = logreg(&["repeat", "--runs", "1", "--steps", "10", "--n", "60,90"]);
    grid.ok();
    assert_eq!(
        warnings(&grid),
        [few.replace("the study has", "2 of 2 cells have")]
    );

    let zero = ["repeat", "--runs", "4", "--steps", "10", "--beta", "0,-1,2"];
    let r = logreg(&[&zero[..], &["--runs-out", path(&runs), "--json"]].concat());
    let v = json(&r);
    assert!(v["cells"][0]["glm"]["rel_bias"][0].is_null(), "{v}");
    let why = "warning: relative bias is not defined for const (true value 0) \
               (- in the table, null in --json)";
    assert_eq!(warnings(&r), [why], "{}", r.describe());
    let again = summarize(&[&runs], &[]);
    again.ok();
    assert_eq!(warnings(&again), [why], "{}", again.describe());

    let fine = logreg(&["repeat", "--runs", "4", "--steps", "10"]);
    let out = fine.ok();
    assert!(
        warnings(&fine).is_empty() && !out.contains("(-)"),
        "{}",
        fine.describe()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
