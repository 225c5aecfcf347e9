//! `logreg summarize` and the `--runs-out` journal of `repeat --resume` as
//! input to trust: each line checked against its study, the study's claims
//! checked before anything is held for them, missing runs as an exit status,
//! one writer per file, and a last line without its newline.
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{bin, fixtures, logreg, temp_dir, Run};

/// A small study of two cells, quick to run.
const STUDY: [&str; 7] = ["repeat", "--runs", "4", "--n", "30,40", "--steps", "20"];

/// `repeat STUDY --runs-out file` plus `extra`.
fn study(file: &Path, extra: &[&str]) -> Run {
    let mut args: Vec<&str> = STUDY.to_vec();
    args.extend(["--runs-out", path(file), "--quiet"]);
    args.extend(extra);
    logreg(&args)
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The whole study's lines, in `dir`.
fn whole(dir: &Path) -> PathBuf {
    let f = dir.join("whole.jsonl");
    study(&f, &[]).ok();
    f
}

fn lines(p: &Path) -> Vec<String> {
    std::fs::read_to_string(p)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn sorted_lines(p: &Path) -> Vec<String> {
    let mut v = lines(p);
    v.sort();
    v
}

/// `lines` as run lines, changed by `edit`, written to `p`, one a line.
fn write_edited(p: &Path, lines: &[String], edit: impl Fn(usize, &mut serde_json::Value)) {
    let text: String = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            edit(i, &mut v);
            v.to_string() + "\n"
        })
        .collect();
    std::fs::write(p, text).unwrap();
}

/// Exit 2 with one line on stderr that contains `needle`.
fn refused(r: &Run, needle: &str) {
    assert_eq!(r.code(), Some(2), "{}", r.describe());
    let err = r.stderr();
    assert_eq!(err.lines().count(), 1, "{}", r.describe());
    assert!(
        err.starts_with("error: ") && err.contains(needle),
        "{}",
        r.describe()
    );
}

#[test]
fn summarize_rejects_a_line_without_a_fit_of_its_study() {
    let dir = temp_dir("summ-incomplete-line");
    let all = lines(&whole(&dir));
    let f = dir.join("edited.jsonl");
    write_edited(&f, &all, |i, v| {
        if i == 2 {
            v.as_object_mut().unwrap().remove("nn");
        }
    });
    refused(
        &logreg(&["summarize", path(&f)]),
        "edited.jsonl line 3: not a whole run of its study (it has no \"nn\" and no \"failed\", \
         but its study fits both)",
    );
    // --resume reads its file with the same checks: it would skip that run.
    refused(
        &study(&f, &["--resume"]),
        "edited.jsonl line 3: not a whole run",
    );
    // A glm-only study's line with a network is not one of its runs either.
    let g = dir.join("glm.jsonl");
    study(&g, &["--fits", "glm"]).ok();
    let glm = lines(&g);
    write_edited(&g, &glm, |i, v| {
        if i == 0 {
            v["nn"] = serde_json::json!({"params": [0.0, 0.0, 0.0], "loss": 0.5, "steps": 20});
        }
    });
    refused(
        &logreg(&["summarize", path(&g)]),
        "glm.jsonl line 1: not a whole run of its study (it has \"nn\", but its study fits glm)",
    );
}

#[test]
fn summarize_rejects_a_network_that_took_other_steps_than_its_cell() {
    let dir = temp_dir("summ-steps");
    let all = lines(&whole(&dir));
    let f = dir.join("edited.jsonl");
    for steps in [7, 21] {
        write_edited(&f, &all, |i, v| {
            if i == 5 {
                v["nn"]["steps"] = steps.into();
            }
        });
        refused(
            &logreg(&["summarize", path(&f)]),
            &format!(
                "edited.jsonl line 6: not a whole run of its study (\"nn\" \"steps\" is {steps}, \
                 but its cell trains 20 steps"
            ),
        );
    }
}

#[test]
fn summarize_rejects_a_glm_that_took_more_iterations_than_its_study_allows() {
    let dir = temp_dir("summ-iterations");
    let all = lines(&whole(&dir));
    let f = dir.join("edited.jsonl");
    write_edited(&f, &all, |i, v| {
        if i == 1 {
            v["glm"]["iterations"] = 101.into();
        }
    });
    refused(
        &logreg(&["summarize", path(&f)]),
        "edited.jsonl line 2: not a whole run of its study (\"glm\" \"iterations\" is 101, but \
         its study stops at \"max_iter\" 100)",
    );
}

#[test]
fn summarize_prints_the_summary_then_exits_3_naming_missing_runs_as_ranges() {
    let dir = temp_dir("summ-missing");
    let full = whole(&dir);
    let all = lines(&full);
    let complete = logreg(&["summarize", path(&full), "--json"]);
    assert_eq!(complete.code(), Some(0), "{}", complete.describe());
    // Cell 0 keeps seeds 42 and 45; cell 1 keeps none.
    let f = dir.join("part.jsonl");
    std::fs::write(&f, format!("{}\n{}\n", all[0], all[3])).unwrap();
    let r = logreg(&["summarize", path(&f), "--json"]);
    assert_eq!(r.code(), Some(3), "{}", r.describe());
    let v: serde_json::Value = serde_json::from_str(&r.stdout()).unwrap();
    assert_eq!(v["missing"], 6, "{}", r.describe());
    // Cell 1 has no run, so its measures are not defined either.
    assert_eq!(
        r.stderr(),
        "warning: 1 of 2 cells have fewer than two runs that did not fail: SDs and Monte Carlo \
         SEs need two, every figure one (- in the table, null in --json)\n\
         error: incomplete study: missing 6 of 8 runs: cell 0 seeds 43..44; cell 1 seeds 42..45\n"
    );
}

/// Run `logreg args` with its data segment (heap) capped at `kib` KiB.
fn with_heap_cap(kib: u64, args: &[&str]) -> Run {
    let out = Command::new("bash")
        .args([
            "-c",
            &format!("ulimit -d {kib} && exec \"$0\" \"$@\""),
            bin(),
        ])
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap();
    Run {
        cmd: format!("(ulimit -d {kib}) logreg {}", args.join(" ")),
        out,
    }
}

#[test]
fn summarize_holds_what_the_lines_hold_not_what_their_study_claims() {
    let dir = temp_dir("summ-claims");
    let all = lines(&whole(&dir));
    let f = dir.join("claims.jsonl");
    // A 200 MB heap is far more than two lines need, and far less than one
    // entry per claimed run.
    const HEAP_KIB: u64 = 200_000;
    write_edited(&f, &all[..1], |_, v| v["study"]["runs"] = 30_000_000.into());
    let r = with_heap_cap(HEAP_KIB, &["summarize", path(&f)]);
    assert_eq!(r.code(), Some(3), "{}", r.describe());
    assert!(
        r.stderr().ends_with(
            "error: incomplete study: missing 59999999 of 60000000 runs: cell 0 seeds \
             43..30000041; cell 1 seeds 42..30000041\n"
        ),
        "{}",
        r.describe()
    );
    // A study that no machine could run is refused, as repeat refuses it.
    write_edited(&f, &all[..1], |_, v| {
        v["study"]["runs"] = 1_000_000_000_000_000u64.into()
    });
    let r = with_heap_cap(HEAP_KIB, &["summarize", path(&f)]);
    refused(
        &r,
        "claims.jsonl line 1: its \"study\" is not one that logreg repeat runs (\"runs\" \
         1000000000000000 (2 cells) needs at least",
    );
    // A seed range past 2^64 - 1 is refused too.
    write_edited(&f, &all[..1], |_, v| {
        v["study"]["seed"] = u64::MAX.into();
        v["seed"] = u64::MAX.into();
    });
    refused(
        &logreg(&["summarize", path(&f)]),
        "the last run's seed exceeds 2^64 - 1",
    );
}

#[test]
fn a_second_writer_of_a_runs_out_file_is_refused() {
    let dir = temp_dir("summ-lock");
    let full = whole(&dir);
    let f = dir.join("journal.jsonl");
    std::fs::write(&f, lines(&full)[..3].join("\n") + "\n").unwrap();
    // Another writer holds the file's lock, as a running --resume does.
    let held = File::open(&f).unwrap();
    held.try_lock().unwrap();
    let before = std::fs::read(&f).unwrap();
    refused(
        &study(&f, &["--resume"]),
        "journal.jsonl: another process is writing it (it is locked)",
    );
    refused(&study(&f, &[]), "another process is writing it");
    assert_eq!(std::fs::read(&f).unwrap(), before);
    drop(held);
    study(&f, &["--resume"]).ok();
    assert_eq!(sorted_lines(&f), sorted_lines(&full));
}

#[test]
fn a_whole_last_line_without_its_newline_is_read_not_cut() {
    let dir = temp_dir("summ-no-newline");
    let full = whole(&dir);
    let all = lines(&full);
    let f = dir.join("no-newline.jsonl");
    std::fs::write(&f, all.join("\n")).unwrap();
    let r = logreg(&["summarize", path(&f)]);
    assert_eq!(r.code(), Some(0), "{}", r.describe());
    assert_eq!(r.stdout(), logreg(&["summarize", path(&full)]).ok());
    assert_eq!(r.stderr(), "", "{}", r.describe());
    // --resume keeps that line and starts the next on a line of its own.
    std::fs::write(&f, all[..5].join("\n")).unwrap();
    let r = study(&f, &["--resume"]);
    assert_eq!(r.code(), Some(0), "{}", r.describe());
    assert!(
        r.stderr().contains("resuming: 5 runs already in") && !r.stderr().contains("torn"),
        "{}",
        r.describe()
    );
    assert_eq!(sorted_lines(&f), sorted_lines(&full));
}

#[test]
fn summarize_refuses_a_claimed_study_that_repeat_would_refuse() {
    let dir = temp_dir("summ-claimed-settings");
    let all = lines(&whole(&dir));
    let study = |key: &'static str, value: serde_json::Value| {
        move |_: usize, v: &mut serde_json::Value| {
            let mut at = &mut v["study"];
            for part in key.split('.') {
                at = &mut at[part];
            }
            *at = value.clone();
        }
    };
    let cases: [(&str, serde_json::Value, &str); 8] = [
        (
            "alpha",
            serde_json::json!(7),
            "\"alpha\": alpha must be between 0 and 1",
        ),
        (
            "alpha",
            serde_json::json!(1e-17),
            "\"alpha\": alpha 1e-17 is too small",
        ),
        (
            "grid.n",
            serde_json::json!([30, 40, 30]),
            "its grid lists n 30 twice",
        ),
        (
            "grid.lr",
            serde_json::json!([-1.0]),
            "learning rate -1, not a finite number > 0",
        ),
        (
            "grid.lr",
            serde_json::json!([0.1, 0.1]),
            "its grid lists lr 0.1 twice",
        ),
        (
            "settings.cov_type",
            serde_json::json!("HC9"),
            "\"cov_type\" is \"HC9\"",
        ),
        (
            "settings.dtype",
            serde_json::json!("f16"),
            "\"dtype\" is \"f16\"",
        ),
        (
            "settings.on_separation",
            serde_json::json!("Fail"),
            "\"on_separation\" is \"Fail\"",
        ),
    ];
    for (i, (key, value, needle)) in cases.into_iter().enumerate() {
        let f = dir.join(format!("claimed-{i}.jsonl"));
        write_edited(&f, &all, study(key, value));
        refused(&logreg(&["summarize", path(&f)]), needle);
    }
    // A run whose GLM reports a negative standard error is no run.
    let f = dir.join("negative-bse.jsonl");
    write_edited(&f, &all, |i, v| {
        if i == 1 {
            v["glm"]["bse"][0] = serde_json::json!(-0.1);
        }
    });
    refused(&logreg(&["summarize", path(&f)]), "negative \"bse\"");
}

#[test]
fn a_separated_run_of_a_study_that_fails_them_must_say_failed() {
    let dir = temp_dir("summ-separated-unfailed");
    let f = dir.join("sep.jsonl");
    logreg(&[
        "repeat",
        "--runs",
        "20",
        "--n",
        "15",
        "--fits",
        "glm",
        "--on-separation",
        "fail",
        "--quiet",
        "--runs-out",
        path(&f),
    ])
    .ok();
    let all = lines(&f);
    assert!(
        all.iter().any(|l| l.contains("\"separated\":true")),
        "no separated run"
    );
    let g = dir.join("unfailed.jsonl");
    write_edited(&g, &all, |_, v| {
        if v["separated"] == true {
            v.as_object_mut().unwrap().remove("failed");
        }
    });
    refused(
        &logreg(&["summarize", path(&g)]),
        "is \"separated\" and not \"failed\", but its study fails separated fits",
    );
}

#[test]
fn an_explicit_keep_is_the_study_that_leaves_it_out() {
    let dir = temp_dir("summ-explicit-keep");
    let all = lines(&whole(&dir));
    let f = dir.join("mixed.jsonl");
    write_edited(&f, &all, |i, v| {
        if i % 2 == 0 {
            v["study"]["settings"]["on_separation"] = serde_json::json!("keep");
        }
    });
    let plain = logreg(&["summarize", "--json", path(&dir.join("whole.jsonl"))]);
    let mixed = logreg(&["summarize", "--json", path(&f)]);
    assert_eq!(mixed.ok(), plain.ok());
}

/// scripts/make_mcse_fixture.py's second study: a zero coefficient, a
/// failed run, a separated run kept and a separated run that failed.
fn edge_study() -> PathBuf {
    fixtures().join("repeat/mcse_edge_study.jsonl")
}

/// `scripts/check_estimates_csv.py EST STUDY MEASURES`: pandas recomputes
/// every measure of the study's `--json` from the estimates CSV, and finds
/// them all in the measures CSV. Skipped without LOGREG_PYTHON.
fn pandas_gives_back(est: &Path, json: &Path, measures: &Path) {
    let Ok(python) = std::env::var("LOGREG_PYTHON") else {
        eprintln!("LOGREG_PYTHON not set (scripts/setup.sh): the pandas check is skipped");
        return;
    };
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scripts/check_estimates_csv.py"
    );
    let out = Command::new(&python)
        .args([script, path(est), path(json), path(measures)])
        .output()
        .expect("cannot run LOGREG_PYTHON");
    let (so, se) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{script}:\n{so}\n{se}");
    assert!(so.starts_with("ok: "), "{so}");
}

#[test]
fn the_estimates_csv_read_by_pandas_gives_back_the_measures() {
    let dir = temp_dir("export-pandas");
    let (est, measures, json) = (
        dir.join("est.csv"),
        dir.join("measures.csv"),
        dir.join("study.json"),
    );
    let exports = ["--estimates", path(&est), "--measures", path(&measures)];
    // The fixture: failed and separated runs, a zero coefficient.
    let r = logreg(&[&["summarize", path(&edge_study()), "--json"], &exports[..]].concat());
    std::fs::write(&json, r.ok()).unwrap();
    let text = std::fs::read_to_string(&est).unwrap();
    // A row per run (60), estimator (2) and coefficient (3), and the header.
    assert_eq!(text.lines().count(), 1 + 60 * 2 * 3, "{text}");
    assert!(
        text.starts_with("n,lr,steps,optimizer,beta,seed,estimator,term,true,estimate,se,"),
        "{text}"
    );
    assert!(
        text.contains(",true,true\n"),
        "no failed separated run: {text}"
    );
    pandas_gives_back(&est, &json, &measures);
    // A study `repeat` runs and writes itself, one cell GLM-only.
    let r = logreg(&[&STUDY[..], &["--quiet", "--json"], &exports[..]].concat());
    std::fs::write(&json, r.ok()).unwrap();
    pandas_gives_back(&est, &json, &measures);
    let one = [
        "repeat", "--runs", "6", "--n", "40", "--fits", "glm", "--beta", "0,1,-1", "--json",
    ];
    let r = logreg(&[&one[..], &exports[..]].concat());
    std::fs::write(&json, r.ok()).unwrap();
    assert_eq!(
        std::fs::read_to_string(&est).unwrap().lines().count(),
        1 + 6 * 3
    );
    pandas_gives_back(&est, &json, &measures);
}

#[test]
fn a_csv_on_stdout_sends_the_table_to_stderr() {
    let study = edge_study();
    for flag in ["--estimates", "--measures"] {
        let r = logreg(&["summarize", path(&study), flag, "-"]);
        let out = r.ok();
        assert!(
            out.starts_with("n,lr,steps,optimizer,beta,"),
            "{}",
            r.describe()
        );
        assert!(!out.contains("Monte Carlo"), "{}", r.describe());
        assert!(
            r.stderr().starts_with("Monte Carlo study: 2 cells"),
            "{}",
            r.describe()
        );
    }
    // The table, then the warnings (a relative bias at a true value of 0).
    let plain = logreg(&["summarize", path(&study)]);
    let table = plain.ok();
    assert!(
        plain.stderr().starts_with("warning: relative bias"),
        "{}",
        plain.describe()
    );
    let r = logreg(&["summarize", path(&study), "--measures", "-"]);
    assert_eq!(r.stderr(), table + &plain.stderr(), "{}", r.describe());
}

#[test]
fn two_writers_of_stdout_are_refused() {
    let study = edge_study();
    let s = path(&study);
    let r = logreg(&["summarize", s, "--json", "--estimates", "-"]);
    refused(&r, "--estimates - and --json both write to stdout");
    let r = logreg(&["summarize", s, "--estimates", "-", "--measures", "-"]);
    refused(&r, "--estimates - and --measures - both write to stdout");
    let r = logreg(&[&STUDY[..], &["--runs-out", "-", "--measures", "-"]].concat());
    refused(&r, "--runs-out - and --measures - both write to stdout");
    let r = logreg(&[&STUDY[..], &["--json", "--estimates", "-"]].concat());
    refused(&r, "--estimates - and --json both write to stdout");
}

#[test]
fn an_export_never_replaces_an_input_or_another_output() {
    let dir = temp_dir("export-input");
    let input = dir.join("lines.jsonl");
    std::fs::copy(edge_study(), &input).unwrap();
    let before = std::fs::read(&input).unwrap();
    for flag in ["--estimates", "--measures"] {
        let r = logreg(&["summarize", path(&input), flag, path(&input)]);
        refused(&r, "an output may not replace an input");
        assert_eq!(std::fs::read(&input).unwrap(), before);
    }
    let out = dir.join("runs.jsonl");
    let r = logreg(
        &[
            &STUDY[..],
            &["--runs-out", path(&out), "--estimates", path(&out)],
        ]
        .concat(),
    );
    refused(&r, "are the same file");
    let r = logreg(&[
        "summarize",
        path(&input),
        "--estimates",
        "/nonexistent-dir/e.csv",
    ]);
    refused(&r, "does not exist");
    assert!(!dir.join("e.csv").exists());
}
