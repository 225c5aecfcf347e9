//! Output files: nothing is lost or damaged. Special files are written in
//! place, links are followed, modes are kept, an output is never an input,
//! output paths are checked before the work, and Ctrl-C leaves no temporary
//! file behind.
use std::io::Read;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{bin, logreg, send_sigint, temp_dir, Run};

/// How long a test waits for the binary to reach the state it needs (a
/// guard against hanging forever, not a timing assertion).
const PATIENCE: Duration = Duration::from_secs(120);

/// Run `logreg` in `dir` (where a stray file named `-` would appear).
fn logreg_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(bin())
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    Run {
        cmd: format!("logreg {}", args.join(" ")),
        out,
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Bad input: exit 2, nothing on stdout, one `error:` line naming `needles`.
fn assert_refused(r: &Run, needles: &[&str]) {
    assert_eq!(r.code(), Some(2), "{}", r.describe());
    assert!(r.stdout().is_empty(), "{}", r.describe());
    let err = r.stderr();
    assert_eq!(err.lines().count(), 1, "{}", r.describe());
    assert!(err.starts_with("error: "), "{}", r.describe());
    for n in needles {
        assert!(err.contains(n), "{n:?}\n{}", r.describe());
    }
}

/// The names in `dir`, hidden ones included, sorted.
fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// `logreg simulate --n 5`: the reference bytes for the file tests.
fn five_rows() -> String {
    logreg(&["simulate", "--n", "5"]).ok()
}

#[test]
fn writes_into_a_fifo_in_place_and_leaves_it_a_fifo() {
    let dir = temp_dir("out-fifo");
    let fifo = dir.join("pipe.csv");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    // The reader is a child process, so that the test can end it if logreg
    // never opens the FIFO.
    let mut cat = Command::new("cat")
        .arg(&fifo)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let r = logreg(&["simulate", "--n", "5", "--out", s(&fifo)]);
    let still_fifo = std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo();
    if !still_fifo || r.code() != Some(0) {
        let _ = cat.kill();
    }
    let mut got = String::new();
    cat.stdout.take().unwrap().read_to_string(&mut got).unwrap();
    let _ = cat.wait();
    assert!(still_fifo, "the FIFO was replaced\n{}", r.describe());
    r.ok();
    assert_eq!(got, five_rows());
    assert_eq!(entries(&dir), ["pipe.csv"]);
}

#[test]
fn writes_into_a_character_device_in_place() {
    // As root, a device node of our own (the same device as /dev/null), so
    // that a regression cannot replace the system's /dev/null; otherwise
    // /dev/null itself, which a non-root user cannot replace.
    let dir = temp_dir("out-device");
    let dev = if is_root() {
        let node = dir.join("null");
        let made = Command::new("mknod")
            .arg(&node)
            .args(["c", "1", "3"])
            .status()
            .unwrap();
        assert!(made.success());
        node
    } else {
        PathBuf::from("/dev/null")
    };
    let r = logreg(&["simulate", "--n", "5", "--out", s(&dev)]);
    let kind = std::fs::symlink_metadata(&dev).unwrap().file_type();
    assert!(kind.is_char_device(), "{dev:?} replaced\n{}", r.describe());
    r.ok();
}

#[test]
fn writes_through_a_symlink_and_keeps_the_link() {
    let dir = temp_dir("out-symlink");
    let real = dir.join("real.csv");
    let link = dir.join("link.csv");
    std::fs::write(&real, "old\n").unwrap();
    std::os::unix::fs::symlink("real.csv", &link).unwrap();
    logreg(&["simulate", "--n", "5", "--out", s(&link)]).ok();
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(std::fs::read_to_string(&real).unwrap(), five_rows());

    // A link to a file yet to be made: the file is made, the link stays.
    let dangling = dir.join("dangling.csv");
    std::os::unix::fs::symlink("new.csv", &dangling).unwrap();
    logreg(&["simulate", "--n", "5", "--out", s(&dangling)]).ok();
    assert!(std::fs::symlink_metadata(&dangling)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(
        std::fs::read_to_string(dir.join("new.csv")).unwrap(),
        five_rows()
    );
    assert_eq!(
        entries(&dir),
        ["dangling.csv", "link.csv", "new.csv", "real.csv"]
    );
}

#[test]
fn an_existing_file_keeps_its_permissions() {
    let dir = temp_dir("out-mode");
    for mode in [0o600, 0o640, 0o604] {
        let f = dir.join(format!("mode{mode:o}.csv"));
        std::fs::write(&f, "old\n").unwrap();
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(mode)).unwrap();
        logreg(&["simulate", "--n", "5", "--out", s(&f)]).ok();
        let got = std::fs::metadata(&f).unwrap().permissions().mode() & 0o7777;
        assert_eq!(got, mode, "{f:?}: mode {got:o}, was {mode:o}");
        assert_eq!(std::fs::read_to_string(&f).unwrap(), five_rows());
    }
}

#[test]
fn writes_a_file_name_of_255_bytes() {
    // 255 bytes is the longest name Linux file systems take; the temporary
    // name must not be longer than the target's.
    let dir = temp_dir("out-long-name");
    let name = format!("{}.csv", "a".repeat(251));
    assert_eq!(name.len(), 255);
    let f = dir.join(&name);
    logreg(&["simulate", "--n", "5", "--out", s(&f)]).ok();
    assert_eq!(std::fs::read_to_string(&f).unwrap(), five_rows());
    assert_eq!(entries(&dir), [name]);
}

#[test]
fn refuses_an_output_that_is_the_same_file_as_an_input() {
    let dir = temp_dir("out-is-input");
    let data = dir.join("in.csv");
    std::fs::write(&data, five_rows()).unwrap();
    let hard = dir.join("hard.csv");
    std::fs::hard_link(&data, &hard).unwrap();
    let sym = dir.join("sym.csv");
    std::os::unix::fs::symlink("in.csv", &sym).unwrap();
    let dotted = dir.join(".").join("in.csv");
    for trace in [&data, &dotted, &hard, &sym] {
        let r = logreg(&[
            "nn",
            "--data",
            s(&data),
            "--steps",
            "10",
            "--trace",
            s(trace),
        ]);
        assert_refused(&r, &["--trace", s(trace), "--data", s(&data)]);
        assert_eq!(std::fs::read_to_string(&data).unwrap(), five_rows());
    }
    // An input inside a --plots folder, under a picture's name.
    let plots = dir.join("plots");
    std::fs::create_dir(&plots).unwrap();
    let loss = plots.join("loss.svg");
    std::fs::write(&loss, five_rows()).unwrap();
    for cmd in ["nn", "compare"] {
        let r = logreg(&[
            cmd,
            "--data",
            s(&loss),
            "--steps",
            "10",
            "--plots",
            s(&plots),
        ]);
        assert_refused(&r, &["--plots", "--data", s(&loss)]);
        assert_eq!(std::fs::read_to_string(&loss).unwrap(), five_rows());
    }
    // Two outputs that are one file.
    let r = logreg(&[
        "nn",
        "--steps",
        "10",
        "--trace",
        s(&plots.join("params.svg")),
        "--plots",
        s(&plots),
    ]);
    assert_refused(&r, &["--trace", "--plots", "are the same file"]);
}

#[test]
fn output_paths_are_checked_before_the_work() {
    let dir = temp_dir("out-preflight");
    let file = dir.join("in.csv");
    std::fs::write(&file, "x1,y\n").unwrap();
    let missing = dir.join("missing");
    let in_missing = s(&missing.join("out.csv")).to_string();
    let under_file = s(&file.join("out.csv")).to_string();
    let cases: Vec<(Vec<&str>, Vec<&str>)> = vec![
        (
            vec![
                "repeat",
                "--runs",
                "2",
                "--steps",
                "10",
                "--plots",
                s(&file),
            ],
            vec!["--plots", "is not a folder"],
        ),
        (
            vec![
                "repeat",
                "--runs",
                "2",
                "--steps",
                "10",
                "--runs-out",
                s(&dir),
            ],
            vec!["--runs-out", "is a folder"],
        ),
        (
            vec![
                "repeat",
                "--runs",
                "2",
                "--steps",
                "10",
                "--runs-out",
                &in_missing,
            ],
            vec!["--runs-out", "does not exist"],
        ),
        (
            vec!["simulate", "--out", &in_missing],
            vec!["--out", "does not exist"],
        ),
        (
            vec!["simulate", "--out", &under_file],
            vec!["--out", "is not a folder"],
        ),
        (
            vec!["simulate", "--out", s(&dir)],
            vec!["--out", "is a folder"],
        ),
        (
            vec!["nn", "--steps", "10", "--trace", &in_missing],
            vec!["--trace", "does not exist"],
        ),
        (
            vec!["nn", "--steps", "10", "--plots", &under_file],
            vec!["--plots", "is not a folder"],
        ),
        (
            vec!["compare", "--steps", "10", "--plots", s(&file)],
            vec!["--plots", "is not a folder"],
        ),
        (
            vec!["demo", "--plots", s(&file)],
            vec!["--plots", "is not a folder"],
        ),
    ];
    for (args, needles) in cases {
        assert_refused(&logreg(&args), &needles);
    }
    assert_eq!(entries(&dir), ["in.csv"]);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x1,y\n");
}

#[test]
fn a_late_write_failure_keeps_the_printed_result() {
    // A picture or trace that is a link to /dev/full passes every check and
    // then fails to write: the result must already be on stdout.
    let dir = temp_dir("out-late-failure");
    let plots = dir.join("plots");
    std::fs::create_dir(&plots).unwrap();
    std::os::unix::fs::symlink("/dev/full", plots.join("sampling.svg")).unwrap();
    let r = logreg(&[
        "repeat",
        "--runs",
        "2",
        "--steps",
        "10",
        "--plots",
        s(&plots),
    ]);
    assert_eq!(r.code(), Some(1), "{}", r.describe());
    assert!(
        r.stdout().contains("Monte Carlo: 2 runs"),
        "{}",
        r.describe()
    );
    assert!(
        r.stderr().contains("sampling.svg: cannot write"),
        "{}",
        r.describe()
    );

    let trace = dir.join("trace.csv");
    std::os::unix::fs::symlink("/dev/full", &trace).unwrap();
    let r = logreg(&["nn", "--steps", "10", "--trace", s(&trace)]);
    assert_eq!(r.code(), Some(1), "{}", r.describe());
    assert!(r.stdout().contains("Final loss"), "{}", r.describe());
    assert!(
        r.stderr().contains("trace.csv: cannot write"),
        "{}",
        r.describe()
    );
}

#[test]
fn ctrl_c_during_a_write_leaves_no_temporary_file() {
    let dir = temp_dir("out-ctrl-c");
    let out = dir.join("s.csv");
    let mut child = Command::new(bin())
        .args(["simulate", "--n", "5000000", "--out", s(&out)])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Interrupt once the temporary file exists.
    let start = Instant::now();
    while entries(&dir).is_empty() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "ended before a file appeared"
        );
        assert!(start.elapsed() < PATIENCE, "no temporary file appeared");
        std::thread::sleep(Duration::from_millis(5));
    }
    send_sigint(&child);
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert_eq!(status.code(), Some(130), "{status:?}\n{err}");
    assert_eq!(err, "interrupted\n");
    assert!(entries(&dir).is_empty(), "{:?}", entries(&dir));
}

#[test]
fn trace_dash_writes_the_trace_to_stdout_and_the_table_to_stderr() {
    let dir = temp_dir("out-trace-dash");
    let cwd_run = |args: &[&str]| logreg_in(&dir, args);
    let args = ["nn", "--steps", "20", "--log-every", "10", "--trace", "-"];
    let r = cwd_run(&args);
    let out = r.ok();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{}", r.describe());
    assert_eq!(lines[0], "step,loss,const,x1,x2");
    assert!(lines[1].starts_with("0,") && lines[3].starts_with("20,"));
    assert!(r.stderr().contains("Final loss"), "{}", r.describe());
    assert!(
        entries(&dir).is_empty(),
        "a file was written: {:?}",
        entries(&dir)
    );

    // JSON is stdout's result; two things cannot both be stdout.
    let mut json = args.to_vec();
    json.push("--json");
    assert_refused(&cwd_run(&json), &["--trace -", "--json"]);
}

#[test]
fn runs_out_dash_writes_the_lines_to_stdout_and_the_table_to_stderr() {
    let dir = temp_dir("out-runs-out-dash");
    let run = |args: &[&str]| logreg_in(&dir, args);
    let args = ["repeat", "--runs", "3", "--steps", "10", "--runs-out", "-"];
    let r = run(&args);
    let out = r.ok();
    let seeds: Vec<u64> = out
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["seed"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(seeds, [42, 43, 44], "{}", r.describe());
    assert!(
        r.stderr().contains("Monte Carlo: 3 runs"),
        "{}",
        r.describe()
    );
    assert!(
        entries(&dir).is_empty(),
        "a file was written: {:?}",
        entries(&dir)
    );

    let mut json = args.to_vec();
    json.push("--json");
    assert_refused(&run(&json), &["--runs-out -", "--json"]);
}

#[test]
fn an_invalid_source_date_epoch_is_refused_before_the_work() {
    let dir = temp_dir("out-source-date-epoch");
    let plots = dir.join("plots");
    let run = |args: &[&str]| {
        let out = Command::new(bin())
            .args(args)
            .env("SOURCE_DATE_EPOCH", "yesterday")
            .output()
            .unwrap();
        Run {
            cmd: format!("SOURCE_DATE_EPOCH=yesterday logreg {}", args.join(" ")),
            out,
        }
    };
    // demo would write its pictures before printing the table.
    assert_refused(
        &run(&["demo", "--plots", s(&plots)]),
        &["SOURCE_DATE_EPOCH"],
    );
    assert!(!plots.exists());
    // glm would report the missing file first if it read the data first.
    let missing = dir.join("missing.csv");
    assert_refused(
        &run(&["glm", "--data", s(&missing)]),
        &["SOURCE_DATE_EPOCH", "yesterday"],
    );
}

/// Run `logreg` with stderr going to `/dev/full` (every write fails with
/// ENOSPC), or to a pipe whose reader has gone (EPIPE).
fn logreg_with_broken_stderr(args: &[&str], closed_pipe: bool) -> Run {
    let mut cmd = Command::new(bin());
    cmd.args(args)
        .env_remove("LD_LIBRARY_PATH")
        .env("SOURCE_DATE_EPOCH", "1764288000")
        .stdout(Stdio::piped());
    let out = if closed_pipe {
        // A pipe read by nobody: the reader is dropped before the run.
        let mut child = cmd.stderr(Stdio::piped()).spawn().unwrap();
        drop(child.stderr.take());
        child.wait_with_output().unwrap()
    } else {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        cmd.stderr(full).output().unwrap()
    };
    Run {
        cmd: format!(
            "logreg {} 2>{}",
            args.join(" "),
            if closed_pipe {
                "(closed pipe)"
            } else {
                "/dev/full"
            }
        ),
        out,
    }
}

#[test]
fn a_full_or_closed_stderr_loses_only_the_diagnostics() {
    // A warning (separation) and the list of written pictures go to stderr;
    // a failing stderr must neither abort the run nor cost it its result.
    let separated = crate::support::fixtures().join("glm/separated.csv");
    for closed_pipe in [false, true] {
        let r = logreg_with_broken_stderr(&["glm", "--data", s(&separated)], closed_pipe);
        assert_eq!(r.code(), Some(0), "{}", r.describe());
        assert!(
            r.stdout()
                .contains("Generalized Linear Model Regression Results"),
            "{}",
            r.describe()
        );

        let dir = temp_dir(&format!("out-broken-stderr-{closed_pipe}"));
        let plots = dir.join("p");
        let r = logreg_with_broken_stderr(&["demo", "--plots", s(&plots)], closed_pipe);
        assert_eq!(r.code(), Some(0), "{}", r.describe());
        assert!(r.stdout().contains("Same model"), "{}", r.describe());
        let mut names: Vec<String> = std::fs::read_dir(&plots)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "distance.svg",
                "loss.svg",
                "outcomes.svg",
                "params.svg",
                "probability.svg"
            ]
        );

        // An error message that cannot be printed still sets the exit code.
        let r = logreg_with_broken_stderr(&["glm", "--tol", "-1"], closed_pipe);
        assert_eq!(r.code(), Some(2), "{}", r.describe());
    }
}

/// Run `logreg` in `dir` with stdin read from `input`.
fn logreg_in_with_stdin(dir: &Path, args: &[&str], input: &Path) -> Run {
    let out = Command::new(bin())
        .args(args)
        .current_dir(dir)
        .stdin(std::fs::File::open(input).unwrap())
        .output()
        .unwrap();
    Run {
        cmd: format!("logreg {} < {}", args.join(" "), input.display()),
        out,
    }
}

#[test]
fn dash_is_stdout_for_save_model_and_stdin_for_data() {
    let dir = temp_dir("out-dash-model");
    let data = dir.join("d.csv");
    std::fs::write(&data, logreg(&["simulate", "--n", "50"]).ok()).unwrap();
    // A file named `-`, reached as `./-`: read, never written.
    let dash = dir.join("-");
    std::fs::copy(&data, &dash).unwrap();
    for cmd in ["glm", "nn"] {
        let r = logreg_in(&dir, &[cmd, "--data", "./-", "--save-model", "-"]);
        let model: serde_json::Value =
            serde_json::from_str(&r.ok()).unwrap_or_else(|_| panic!("{}", r.describe()));
        assert_eq!(model["format"], "logreg-model", "{}", r.describe());
        assert!(r.stderr().contains("No. Observations") || r.stderr().contains("Final loss"));
        assert_eq!(std::fs::read(&dash).unwrap(), std::fs::read(&data).unwrap());
        assert_eq!(entries(&dir), ["-", "d.csv"]);
    }
    // `--data -` is stdin: the same fit as the file, named stdin in messages.
    let fit = |text: String| {
        let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
        v.as_object_mut().unwrap().remove("time_s");
        v
    };
    let file = fit(logreg_in(&dir, &["glm", "--data", "d.csv", "--json"]).ok());
    let piped = logreg_in_with_stdin(&dir, &["glm", "--data", "-", "--json"], &data).ok();
    assert_eq!(fit(piped), file);
    std::fs::write(dir.join("bad.csv"), "x1,y\n1,2\n").unwrap();
    let r = logreg_in_with_stdin(&dir, &["glm", "--data", "-"], &dir.join("bad.csv"));
    assert_refused(&r, &["stdin: line 2"]);
    std::fs::write(dir.join("na.csv"), "x1,y\n1,0\n2,1\n3,\n4,0\n5,1\n").unwrap();
    let args = ["glm", "--data", "-", "--missing", "drop"];
    let r = logreg_in_with_stdin(&dir, &args, &dir.join("na.csv"));
    r.ok();
    assert!(
        r.stderr().contains("note: stdin: dropped 1 row(s)"),
        "{}",
        r.describe()
    );
    // predict reads its --data from stdin too.
    let model = dir.join("m.json");
    logreg_in(&dir, &["glm", "--data", "d.csv", "--save-model", s(&model)]).ok();
    let by_file = logreg_in(&dir, &["predict", "--model", "m.json", "--data", "d.csv"]).ok();
    let by_stdin = logreg_in_with_stdin(
        &dir,
        &["predict", "--model", "m.json", "--data", "-"],
        &data,
    )
    .ok();
    assert_eq!(by_stdin, by_file);
    // stdin redirected from a file is that file: no output may replace it.
    let r = logreg_in_with_stdin(
        &dir,
        &["glm", "--data", "-", "--save-model", "d.csv"],
        &data,
    );
    assert_refused(&r, &["--save-model d.csv", "same file as --data -"]);
    // Two things cannot both be stdout.
    for args in [
        &["glm", "--data", "d.csv", "--save-model", "-", "--json"][..],
        &["nn", "--steps", "10", "--save-model", "-", "--json"],
        &["nn", "--steps", "10", "--save-model", "-", "--trace", "-"],
    ] {
        assert_refused(&logreg_in(&dir, args), &["both write to stdout"]);
    }
    assert_eq!(std::fs::read(&dash).unwrap(), std::fs::read(&data).unwrap());
}

#[test]
fn summarize_refuses_pictures_over_its_input_files() {
    let dir = temp_dir("out-summarize-inputs");
    let runs = dir.join("runs.jsonl");
    let args = ["repeat", "--runs", "2", "--steps", "10", "--runs-out"];
    logreg(&[&args[..], &[s(&runs)]].concat()).ok();
    let plots = dir.join("plots");
    std::fs::create_dir(&plots).unwrap();
    // An input under a picture's name, a picture linked to an input, and
    // stdin redirected from a picture.
    let inside = plots.join("sampling.svg");
    std::fs::copy(&runs, &inside).unwrap();
    let r = logreg(&["summarize", s(&inside), "--plots", s(&plots)]);
    assert_refused(&r, &["--plots", "same file as input", s(&inside)]);
    let r = logreg_in_with_stdin(&dir, &["summarize", "-", "--plots", "plots"], &inside);
    assert_refused(&r, &["--plots", "same file as input -"]);
    std::fs::remove_file(&inside).unwrap();
    std::os::unix::fs::symlink(&runs, &inside).unwrap();
    let r = logreg(&["summarize", s(&runs), "--plots", s(&plots)]);
    assert_refused(&r, &["--plots", "same file as input", s(&runs)]);
    let lines = std::fs::read_to_string(&runs).unwrap();
    assert_eq!(lines.lines().count(), 2, "{lines}");
}

#[test]
fn refuses_an_output_name_longer_than_the_file_system_takes() {
    let dir = temp_dir("out-name-too-long");
    let f = dir.join("a".repeat(256));
    let plots = dir.join("p");
    let cases: [&[&str]; 3] = [
        &["simulate", "--n", "5", "--out", s(&f)],
        &["glm", "--save-model", s(&f)],
        &["nn", "--steps", "100000000", "--trace", s(&f)],
    ];
    for args in cases {
        assert_refused(
            &logreg(args),
            &["the name is 256 bytes, more than its file system takes"],
        );
    }
    let r = logreg(&[
        "nn",
        "--steps",
        "10",
        "--plots",
        s(&plots.join("b".repeat(256))),
    ]);
    assert_refused(
        &r,
        &["--plots", "is 256 bytes, more than its file system takes"],
    );
    assert!(entries(&dir).is_empty(), "{:?}", entries(&dir));
}

/// Send `signal` (`TERM`, `HUP`) to a running child, as `kill` does.
fn send_signal(child: &std::process::Child, signal: &str) {
    let sent = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .expect("cannot run kill");
    assert!(sent.success(), "kill -{signal} {} failed", child.id());
}

#[test]
fn sigterm_and_sighup_during_a_write_leave_no_temporary_file() {
    // Exit status 128 + the signal's number, as shells report it.
    for (signal, code) in [("TERM", 143), ("HUP", 129)] {
        let dir = temp_dir(&format!("out-sig{signal}"));
        let out = dir.join("s.csv");
        let mut child = Command::new(bin())
            .args(["simulate", "--n", "5000000", "--out", s(&out)])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while entries(&dir).is_empty() {
            assert!(child.try_wait().unwrap().is_none(), "ended too soon");
            assert!(start.elapsed() < PATIENCE, "no temporary file appeared");
            std::thread::sleep(Duration::from_millis(5));
        }
        send_signal(&child, signal);
        let status = child.wait().unwrap();
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        assert_eq!(status.code(), Some(code), "{signal}: {status:?}\n{err}");
        assert_eq!(err, "interrupted\n");
        assert!(entries(&dir).is_empty(), "{:?}", entries(&dir));
    }
}

#[test]
fn repeat_stopped_by_sigterm_keeps_its_completed_runs() {
    let dir = temp_dir("out-repeat-sigterm");
    let f = dir.join("runs.jsonl");
    let mut child = Command::new(bin())
        .args([
            "repeat", "--runs", "2000", "--chunk", "5", "--steps", "2000",
        ])
        .args(["--runs-out", s(&f)])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for the first chunk's lines in the temporary file, then stop it
    // as a job scheduler does.
    let start = Instant::now();
    let lines_so_far = || -> usize {
        std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| std::fs::read_to_string(e.unwrap().path()).map_or(0, |t| t.lines().count()))
            .sum()
    };
    while lines_so_far() < 5 {
        assert!(start.elapsed() < PATIENCE, "no chunk finished");
        std::thread::sleep(Duration::from_millis(50));
    }
    send_signal(&child, "TERM");
    let code = child.wait().unwrap().code();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert_eq!(code, Some(143), "{err}");
    assert_eq!(entries(&dir), ["runs.jsonl"], "{err}");
    let text = std::fs::read_to_string(&f).unwrap();
    let n = text.lines().count();
    assert!((5..2000).contains(&n) && n.is_multiple_of(5), "{n}\n{err}");
    for (i, l) in text.lines().enumerate() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert_eq!(v["seed"], 42 + i as u64, "{l}");
    }
    let note = format!("interrupted: {n} of 2000 runs completed; {n} of them are in");
    assert!(err.lines().any(|l| l.starts_with(&note)), "{err}");
}
