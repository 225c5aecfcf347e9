//! `--progress`: plain lines (done, total, rate, ETA, and one at the end)
//! on stderr only, at the interval asked for; nothing without a terminal
//! unless asked; the numbers on stdout the same whatever is shown; bad
//! values refused in one line.
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::support::{bin, fixtures, logreg, temp_dir, Run};

/// A `--progress lines` line of a count, read back:
/// `progress: 1200000/2000000 steps (60%), 118000 steps/s, ETA 7s`, or
/// `done in 7s` at the end.
#[derive(Debug)]
struct Line {
    done: u64,
    total: u64,
    unit: String,
    rate: f64,
    /// Whether it is the last line (`done in`), not an ETA.
    last: bool,
}

/// Whether `s` reads as a clock: `7s`, `2m05s`, `3h07m`.
fn is_clock(s: &str) -> bool {
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let two = |t: &str| t.len() == 2 && digits(t);
    if let Some((h, m)) = s.strip_suffix('m').and_then(|t| t.split_once('h')) {
        return digits(h) && two(m);
    }
    match s.strip_suffix('s') {
        Some(t) => match t.split_once('m') {
            Some((m, sec)) => digits(m) && two(sec),
            None => digits(t),
        },
        None => false,
    }
}

/// `line` read as a count's line, or why it is not one.
fn parse_line(line: &str) -> Result<Line, String> {
    let bad = |why: &str| format!("{why}: {line:?}");
    let rest = line
        .strip_prefix("progress: ")
        .ok_or_else(|| bad("no prefix"))?;
    let parts: Vec<&str> = rest.split(", ").collect();
    let [count, rate, end] = parts.as_slice() else {
        return Err(bad("not three parts"));
    };
    let (fraction, tail) = count.split_once(' ').ok_or_else(|| bad("no unit"))?;
    let (done, total) = fraction.split_once('/').ok_or_else(|| bad("no total"))?;
    let (done, total): (u64, u64) = match (done.parse(), total.parse()) {
        (Ok(d), Ok(t)) => (d, t),
        _ => return Err(bad("done/total not whole numbers")),
    };
    let (unit, percent) = tail.split_once(" (").ok_or_else(|| bad("no percent"))?;
    let percent: u64 = percent
        .strip_suffix("%)")
        .and_then(|p| p.parse().ok())
        .ok_or_else(|| bad("bad percent"))?;
    let want = (done * 100).checked_div(total).unwrap_or(100);
    if percent != want {
        return Err(bad("percent is not done/total"));
    }
    let (rate, per) = rate.split_once(' ').ok_or_else(|| bad("no rate unit"))?;
    if per != format!("{unit}/s") {
        return Err(bad("rate not in the unit a second"));
    }
    if !rate.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return Err(bad("rate not a plain number"));
    }
    let rate: f64 = rate.parse().map_err(|_| bad("rate not a number"))?;
    let last = match (end.strip_prefix("ETA "), end.strip_prefix("done in ")) {
        (Some(t), _) if t == "unknown" || is_clock(t) => false,
        (_, Some(t)) if is_clock(t) => true,
        _ => return Err(bad("no ETA or time taken")),
    };
    Ok(Line {
        done,
        total,
        unit: unit.to_string(),
        rate,
        last,
    })
}

/// Every stderr line of `run` read as a count's line, checked: in `unit`,
/// of `total`, done never going back, only the last one the end's.
fn lines_of(run: &Run, unit: &str, total: u64) -> Vec<Line> {
    let lines: Vec<Line> = run
        .stderr()
        .lines()
        .map(|l| parse_line(l).unwrap_or_else(|e| panic!("{e}\n{}", run.describe())))
        .collect();
    assert!(!lines.is_empty(), "no lines\n{}", run.describe());
    for (i, l) in lines.iter().enumerate() {
        let is_last = i + 1 == lines.len();
        assert_eq!(
            (l.unit.as_str(), l.total, l.last),
            (unit, total, is_last),
            "line {i}\n{}",
            run.describe()
        );
        if i > 0 {
            assert!(l.done >= lines[i - 1].done, "{}", run.describe());
        }
    }
    lines
}

/// The JSON on stdout without its timings (keys ending in `_s`).
fn numbers(run: &Run) -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(m) => {
                m.retain(|k, _| !k.ends_with("_s"));
                m.values_mut().for_each(strip);
            }
            Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut v: Value = serde_json::from_str(&run.ok())
        .unwrap_or_else(|e| panic!("stdout is not one JSON document: {e}\n{}", run.describe()));
    strip(&mut v);
    v
}

#[test]
fn lines_give_done_total_rate_and_eta_on_stderr_and_leave_the_numbers_alone() {
    for command in ["nn", "compare"] {
        let base = [command, "--steps", "20000", "--json"];
        let quiet = logreg(&[&base[..], &["--progress", "none"]].concat());
        assert_eq!(quiet.stderr(), "", "{}", quiet.describe());
        let run = logreg(&[&base[..], &["--progress", "lines", "--progress-every", "0"]].concat());
        // The same network to the bit: the JSON's numbers print the f32
        // results in full.
        assert_eq!(
            numbers(&run),
            numbers(&quiet),
            "{command}: {}",
            run.describe()
        );
        let lines = lines_of(&run, "steps", 20000);
        assert!(lines.len() >= 3, "several lines\n{}", run.describe());
        let end = lines.last().unwrap();
        assert_eq!(end.done, 20000, "{}", run.describe());
        assert!(end.rate > 0.0, "{}", run.describe());
    }
}

#[test]
fn lines_come_at_the_interval_asked_for_and_once_at_the_end() {
    let run = logreg(&[
        "nn",
        "--steps",
        "3000",
        "--progress",
        "lines",
        "--progress-every",
        "3600",
    ]);
    run.ok();
    let lines = lines_of(&run, "steps", 3000);
    assert_eq!(lines.len(), 1, "only the end's line\n{}", run.describe());
}

#[test]
fn demo_and_repeat_report_steps_and_runs() {
    let every = ["--progress", "lines", "--progress-every", "0"];
    let demo = logreg(&[&["demo", "--json"][..], &every].concat());
    assert_eq!(
        numbers(&demo),
        numbers(&logreg(&["demo", "--json"])),
        "{}",
        demo.describe()
    );
    lines_of(&demo, "steps", 10000);
    let study = ["repeat", "--runs", "6", "--steps", "200", "--json"];
    let repeat = logreg(&[&study[..], &every].concat());
    let quiet = logreg(&[&study[..], &["--quiet"]].concat());
    assert_eq!(numbers(&repeat), numbers(&quiet), "{}", repeat.describe());
    let lines = lines_of(&repeat, "runs", 6);
    assert_eq!(lines.last().unwrap().done, 6, "{}", repeat.describe());
}

#[test]
fn auto_shows_nothing_where_stderr_is_not_a_terminal_and_bar_draws_anyway() {
    for args in [
        &["nn", "--steps", "2000"][..],
        &["compare", "--steps", "2000"],
        &["repeat", "--runs", "4", "--steps", "100"],
    ] {
        let run = logreg(args);
        run.ok();
        assert_eq!(run.stderr(), "", "{}", run.describe());
    }
    let bar = logreg(&["nn", "--steps", "2000", "--json", "--progress", "bar"]);
    assert!(
        bar.stderr().contains("/2000 steps"),
        "a bar\n{}",
        bar.describe()
    );
    assert_eq!(
        numbers(&bar),
        numbers(&logreg(&["nn", "--steps", "2000", "--json"])),
        "{}",
        bar.describe()
    );
}

/// Run `logreg` with its design cache folder in `cache`.
fn logreg_in(cache: &Path, args: &[&str]) -> Run {
    let out = Command::new(bin())
        .args(args)
        .env("XDG_CACHE_HOME", cache)
        .env("SOURCE_DATE_EPOCH", "1764288000")
        .output()
        .expect("cannot start logreg");
    Run {
        cmd: format!("logreg {}", args.join(" ")),
        out,
    }
}

#[test]
fn a_streamed_glm_gives_a_line_per_iteration_and_one_in_memory_gives_none() {
    let cache = temp_dir("progress-glm");
    let data = fixtures().join("glm").join("lecture.csv");
    let base = ["glm", "--data", data.to_str().unwrap(), "--target", "y"];
    let lines = ["--progress", "lines", "--progress-every", "0"];
    let streamed = logreg_in(
        &cache,
        &[&base[..], &["--max-memory", "1M"], &lines].concat(),
    );
    let plain = logreg_in(&cache, &[&base[..], &["--max-memory", "1M"]].concat());
    assert_eq!(streamed.ok(), plain.ok(), "{}", streamed.describe());
    let said: Vec<String> = streamed.stderr().lines().map(String::from).collect();
    let iterations = said.len() - 1;
    assert!(iterations >= 3, "{}", streamed.describe());
    for (i, l) in said[..iterations].iter().enumerate() {
        let head = format!("progress: IRLS iteration {}: ", i + 1);
        assert!(
            l.starts_with(&head) && l.contains(" rows/s, deviance "),
            "{l}\n{}",
            streamed.describe()
        );
    }
    let end = said.last().unwrap();
    let took = end
        .strip_prefix(&format!("{}, done in ", said[iterations - 1]))
        .unwrap_or_else(|| panic!("{end}\n{}", streamed.describe()));
    assert!(is_clock(took), "{end}");
    let memory = logreg_in(&cache, &[&base[..], &lines].concat());
    memory.ok();
    assert_eq!(memory.stderr(), "", "{}", memory.describe());
}

#[test]
fn rejects_bad_progress_values_and_quiet_with_progress_in_one_line() {
    for (args, names) in [
        (&["nn", "--progress", "sometimes"][..], "--progress"),
        (
            &["compare", "--progress", "lines", "--progress-every", "-1"],
            "--progress-every",
        ),
        (&["demo", "--progress-every", "soon"], "--progress-every"),
        (&["repeat", "--quiet", "--progress", "lines"], "--quiet"),
        (&["repeat", "--quiet", "--progress", "none"], "--progress"),
    ] {
        let run = logreg(args);
        assert_eq!(run.code(), Some(2), "{}", run.describe());
        assert_eq!(run.stdout(), "", "{}", run.describe());
        let err = run.stderr();
        assert!(
            err.lines().count() == 1 && err.starts_with("error: ") && err.contains(names),
            "{}",
            run.describe()
        );
    }
}

#[test]
fn reads_lines_and_clocks_as_written() {
    let l = parse_line("progress: 1200000/2000000 steps (60%), 118000 steps/s, ETA 7s").unwrap();
    assert_eq!(
        (l.done, l.total, l.rate, l.last),
        (1200000, 2000000, 118000.0, false)
    );
    assert!(
        parse_line("progress: 3/4 runs (75%), 1.5 runs/s, done in 2m05s")
            .unwrap()
            .last
    );
    for bad in [
        "progress: 3/4 runs (70%), 1.5 runs/s, ETA 1s",
        "progress: 3/4 runs (75%), 1.5e3 runs/s, ETA 1s",
        "progress: 3/4 runs (75%), 1.5 steps/s, ETA 1s",
        "progress: 3/4 runs (75%), 1.5 runs/s, ETA 1 s",
        "3/4 runs (75%), 1.5 runs/s, ETA 1s",
    ] {
        assert!(parse_line(bad).is_err(), "{bad}");
    }
    for (s, ok) in [
        ("7s", true),
        ("2m05s", true),
        ("3h07m", true),
        ("2m5s", false),
        ("s", false),
    ] {
        assert_eq!(is_clock(s), ok, "{s}");
    }
}
