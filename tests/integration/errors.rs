//! Errors, exit codes and warnings across subcommands: bad input is one line
//! and exit 2, a failed fit is exit 1, each message says what is wrong once,
//! and results that went wrong without failing say so.
use crate::support::{logreg, temp_dir, Run};

/// One line on stderr starting with "error: ", nothing on stdout.
fn assert_one_line_error(r: &Run) {
    let err = r.stderr();
    assert!(
        err.starts_with("error: ") && err.lines().count() == 1,
        "{}",
        r.describe()
    );
    assert!(r.stdout().is_empty(), "{}", r.describe());
    assert!(
        !err.contains("panicked") && !err.contains("Usage:") && !err.contains("Exception"),
        "{}",
        r.describe()
    );
}

/// A CSV of 200 rows `x1,y` with x1 = scale · Uniform(-3, 3) and y drawn
/// from a logistic model on the unscaled x (a fixed, seeded pattern).
fn scaled_csv(dir: &std::path::Path, name: &str, scale: f64) -> String {
    let mut csv = String::from("x1,y\n");
    let mut state: u64 = 12345;
    for _ in 0..200 {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let u = (state >> 11) as f64 / (1u64 << 53) as f64;
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let v = (state >> 11) as f64 / (1u64 << 53) as f64;
        let x = -3.0 + 6.0 * u;
        let y = (v < 1.0 / (1.0 + (-x).exp())) as u8;
        csv.push_str(&format!("{:e},{y}\n", x * scale));
    }
    let path = dir.join(name);
    std::fs::write(&path, csv).unwrap();
    path.display().to_string()
}

/// Whether this machine can train on CUDA (then the no-CUDA rows are skipped).
fn has_cuda() -> bool {
    logreg(&["nn", "--device", "cuda", "--steps", "1"]).code() == Some(0)
}

#[test]
fn exit_codes_are_2_for_bad_input_and_1_for_a_failed_fit_in_every_subcommand() {
    let dir = temp_dir("errors-codes");
    let tiny = scaled_csv(&dir, "tiny.csv", 1e-300);
    let scaled = scaled_csv(&dir, "scaled.csv", 1e16);
    let big = dir.join("big.csv");
    std::fs::write(&big, "x1,y\n1e39,1\n-1e39,0\n2e39,1\n-3e39,0\n").unwrap();
    let big = big.display().to_string();
    let missing = dir.join("missing.csv").display().to_string();
    let cuda = has_cuda();
    let rows: Vec<(Vec<&str>, i32)> = vec![
        // Too few simulated rows for the coefficients.
        (vec!["glm", "--n", "1"], 2),
        (vec!["compare", "--n", "1"], 2),
        (vec!["repeat", "--n", "2"], 2),
        // A learning rate float32 cannot hold.
        (vec!["nn", "--lr", "1e308"], 2),
        (vec!["compare", "--lr", "1e308"], 2),
        (vec!["repeat", "--lr", "1e308"], 2),
        // Data the network cannot use.
        (vec!["nn", "--data", &big], 2),
        (vec!["compare", "--data", &big], 2),
        // A column too large for the GLM's double precision.
        (vec!["glm", "--data", &scaled], 2),
        (vec!["compare", "--data", &scaled, "--steps", "5"], 2),
        // Files and flags.
        (vec!["glm", "--data", &missing], 2),
        (vec!["nn", "--data", &missing], 2),
        (vec!["glm", "--tol", "-1"], 2),
        (vec!["repeat", "--runs", "-1"], 2),
        (vec!["simulate", "--low", "1", "--high", "0"], 2),
        (vec!["simulate", "--low=-1e308", "--high", "1e308"], 2),
        (vec!["nn", "--optimizer", "adam", "--momentum", "0.9"], 2),
        // A training that diverges is a failed fit.
        (
            vec!["nn", "--optimizer", "adam", "--lr", "1e38", "--steps", "20"],
            1,
        ),
        (
            vec![
                "compare",
                "--optimizer",
                "adam",
                "--lr",
                "1e38",
                "--steps",
                "20",
            ],
            1,
        ),
        // Succeeds: --standardize copes with a column around 1e-300.
        (
            vec!["nn", "--data", &tiny, "--standardize", "--steps", "50"],
            0,
        ),
    ];
    let no_cuda_rows: Vec<(Vec<&str>, i32)> = vec![
        (vec!["nn", "--device", "cuda", "--steps", "1"], 2),
        (vec!["compare", "--device", "cuda", "--steps", "1"], 2),
        (vec!["repeat", "--device", "cuda", "--steps", "1"], 2),
    ];
    let rows = rows
        .into_iter()
        .chain(no_cuda_rows.into_iter().filter(|_| !cuda));
    for (args, code) in rows {
        let r = logreg(&args);
        assert_eq!(r.code(), Some(code), "{}", r.describe());
        if code == 2 {
            let err = r.stderr();
            // repeat adds how many runs completed before its error line.
            let last = err.lines().last().unwrap_or("");
            assert!(
                last.starts_with("error: ") && err.lines().count() <= 2,
                "{}",
                r.describe()
            );
            assert!(!err.contains("libtorch:"), "{}", r.describe());
        }
    }
}

#[test]
fn a_negative_value_reaches_the_flags_check_in_one_line() {
    for (args, flag) in [
        (&["glm", "--tol", "-1"][..], "--tol"),
        (&["glm", "--tol=-1"][..], "--tol"),
        (&["glm", "--n", "-5"][..], "--n"),
        (&["glm", "--max-iter", "-1"][..], "--max-iter"),
        (&["glm", "--alpha", "-0.1"][..], "--alpha"),
        (&["--seed", "-1", "glm"][..], "--seed"),
        (&["--threads", "-2", "glm"][..], "--threads"),
        (&["nn", "--lr", "-1e-5"][..], "--lr"),
        (&["nn", "--steps", "-1"][..], "--steps"),
        (&["nn", "--momentum", "-0.5"][..], "--momentum"),
        (&["nn", "--batch-size", "-3"][..], "--batch-size"),
        (&["nn", "--tol", "-1"][..], "--tol"),
        (&["nn", "--log-every", "-1"][..], "--log-every"),
        (&["compare", "--glm-tol", "-1"][..], "--glm-tol"),
        (&["repeat", "--runs", "-3"][..], "--runs"),
        (&["repeat", "--chunk", "-3"][..], "--chunk"),
    ] {
        let r = logreg(args);
        assert_eq!(r.code(), Some(2), "{}", r.describe());
        assert_one_line_error(&r);
        let err = r.stderr();
        assert!(
            err.contains("invalid value '-") && err.contains(flag),
            "{}",
            r.describe()
        );
    }
}

#[test]
fn conflicting_flags_are_refused_in_one_line() {
    let data = crate::support::fixtures()
        .join("nn/lecture.csv")
        .display()
        .to_string();
    for (args, needle) in [
        (
            vec!["nn", "--optimizer", "adam", "--momentum", "0.9"],
            "--momentum",
        ),
        (
            vec!["nn", "--optimizer", "rmsprop", "--momentum", "0"],
            "--momentum",
        ),
        (
            vec!["compare", "--optimizer", "adamw", "--nesterov"],
            "--nesterov",
        ),
        (
            vec!["repeat", "--optimizer", "adam", "--momentum", "0.5"],
            "--momentum",
        ),
        (vec!["glm", "--data", &data, "--n", "5"], "--n"),
        (vec!["nn", "--data", &data, "--beta", "1,2"], "--beta"),
        (vec!["compare", "--data", &data, "--low=-2"], "--low"),
        (vec!["glm", "--high", "2", "--data", &data], "--high"),
    ] {
        let r = logreg(&args);
        assert_eq!(r.code(), Some(2), "{}", r.describe());
        assert_one_line_error(&r);
        assert!(r.stderr().contains(needle), "{}", r.describe());
    }
    // Defaults do not conflict: SGD with its momentum, a file without --n.
    logreg(&["nn", "--momentum", "0.9", "--steps", "5"]).ok();
    logreg(&["glm", "--data", &data]).ok();
}

/// Segments of a message between ": ", longer than this, must not repeat
/// (short ones such as a column name may).
const REPEAT_MIN_LEN: usize = 12;

#[test]
fn error_messages_say_each_thing_once() {
    let dir = temp_dir("errors-once");
    let scaled = scaled_csv(&dir, "scaled.csv", 1e16);
    let mut cases = vec![
        vec!["compare".to_string(), "--n".into(), "1".into()],
        vec![
            "compare".into(),
            "--data".into(),
            scaled,
            "--steps".into(),
            "5".into(),
        ],
        vec!["compare".into(), "--low=-1e30".into(), "--high=1e30".into()],
        vec![
            "compare".into(),
            "--optimizer".into(),
            "adam".into(),
            "--lr".into(),
            "1e38".into(),
            "--steps".into(),
            "20".into(),
        ],
    ];
    if !has_cuda() {
        cases.push(vec!["compare".into(), "--device".into(), "cuda".into()]);
    }
    for args in cases {
        let r = logreg(&args);
        assert_ne!(r.code(), Some(0), "{}", r.describe());
        let err = r.stderr();
        let parts: Vec<&str> = err
            .trim()
            .split(": ")
            .filter(|p| p.len() >= REPEAT_MIN_LEN)
            .collect();
        for (i, p) in parts.iter().enumerate() {
            assert!(!parts[..i].contains(p), "{p:?} twice\n{}", r.describe());
        }
    }
}

#[test]
fn a_rank_lost_to_scale_names_the_file_and_column_and_suggests_rescaling() {
    let dir = temp_dir("errors-rank");
    let big = scaled_csv(&dir, "big.csv", 1e16);
    let small = scaled_csv(&dir, "small.csv", 1e-16);
    for (file, remedy) in [
        (&big, "divide it by 1e+16"),
        (&small, "multiply it by 1e+16"),
    ] {
        for args in [
            vec!["glm", "--data", file],
            vec!["compare", "--data", file, "--steps", "5"],
        ] {
            let r = logreg(&args);
            assert_eq!(r.code(), Some(2), "{}", r.describe());
            assert_one_line_error(&r);
            let err = r.stderr();
            assert!(
                err.contains(file.as_str())
                    && err.contains("column \"x1\"")
                    && err.contains(remedy),
                "{}",
                r.describe()
            );
        }
    }
    // Simulated data: the remedy is the box.
    let r = logreg(&["compare", "--low=-1e30", "--high=1e30", "--steps", "5"]);
    assert_eq!(r.code(), Some(2), "{}", r.describe());
    assert!(
        r.stderr().contains("simulated: column") && r.stderr().contains("--low/--high"),
        "{}",
        r.describe()
    );
}

#[test]
fn standardize_measures_columns_around_1e300_and_1e_minus_300() {
    let dir = temp_dir("errors-standardize");
    for (name, scale) in [("huge.csv", 1e300), ("tiny.csv", 1e-300)] {
        let f = scaled_csv(&dir, name, scale);
        let r = logreg(&[
            "nn",
            "--data",
            &f,
            "--standardize",
            "--steps",
            "300",
            "--json",
        ]);
        let v: serde_json::Value = serde_json::from_str(&r.ok()).unwrap();
        let w1 = v["params"][1].as_f64().unwrap();
        // The slope on the original scale is about 1/scale times the
        // slope on the unscaled x (between 0.1 and 10 here).
        assert!(
            (0.1..10.0).contains(&(w1 * scale)),
            "{name}: w1 = {w1}\n{}",
            r.describe()
        );
        assert!(!r.stderr().contains("constant"), "{}", r.describe());
    }
}

#[test]
fn simulate_refuses_a_linear_predictor_that_can_overflow() {
    let r = logreg(&[
        "simulate",
        "--low=-1e308",
        "--high",
        "1e308",
        "--with-truth",
    ]);
    assert_eq!(r.code(), Some(2), "{}", r.describe());
    assert_one_line_error(&r);
    assert!(r.stderr().contains("linear predictor"), "{}", r.describe());
}

#[test]
fn simulate_draws_finite_values_from_a_box_wider_than_f64() {
    let out = logreg(&[
        "simulate",
        "--low=-1e308",
        "--high",
        "1e308",
        "--beta",
        "0,1e-10,-1e-10",
        "--n",
        "500",
        "--with-truth",
    ])
    .ok();
    let mut rows = out.lines();
    assert_eq!(rows.next(), Some("x1,x2,y,logit,p"));
    let mut n = 0;
    for row in rows {
        for cell in row.split(',') {
            let v: f64 = cell.parse().unwrap();
            assert!(v.is_finite() && v.abs() < 1e308, "{row}");
        }
        n += 1;
    }
    assert_eq!(n, 500);
}

#[test]
fn nn_warns_when_the_loss_sits_at_the_bce_clamp() {
    let r = logreg(&["nn", "--lr", "1e30", "--steps", "100", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&r.ok()).unwrap();
    let warnings = v["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{}", r.describe());
    assert!(
        warnings[0].as_str().unwrap().contains("clamp"),
        "{}",
        r.describe()
    );
    assert!(
        r.stderr()
            .starts_with("warning: the loss reached BCE's clamp"),
        "{}",
        r.describe()
    );
    // compare says it too, and a sound training has no warnings.
    let r = logreg(&["compare", "--lr", "1e30", "--steps", "100"]);
    assert!(
        r.stderr()
            .contains("warning: network: the loss reached BCE's clamp"),
        "{}",
        r.describe()
    );
    let r = logreg(&["nn", "--steps", "100", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&r.ok()).unwrap();
    assert_eq!(v["warnings"], serde_json::json!([]));
    assert!(r.stderr().is_empty(), "{}", r.describe());
}

/// Longest run of digits a table cell may have: 6 decimals plus a few
/// integer digits (scientific notation takes over from 1e5).
const MAX_DIGIT_RUN: usize = 12;

fn longest_digit_run(s: &str) -> usize {
    s.split(|c: char| !c.is_ascii_digit())
        .map(str::len)
        .max()
        .unwrap_or(0)
}

#[test]
fn tables_write_huge_and_tiny_numbers_in_scientific_notation() {
    let dir = temp_dir("errors-tables");
    let tiny = scaled_csv(&dir, "tiny.csv", 1e-300);
    for (args, needle) in [
        (
            vec!["compare", "--beta", "0.3,5e307", "--steps", "10"],
            "5.000e307",
        ),
        (
            vec![
                "repeat",
                "--runs",
                "3",
                "--n",
                "50",
                "--beta",
                "0.3,5e307",
                "--steps",
                "10",
            ],
            "5.000e307",
        ),
        (
            vec!["nn", "--data", &tiny, "--standardize", "--steps", "10"],
            "e299",
        ),
        (vec!["compare", "--lr", "1e30", "--steps", "10"], "e29"),
    ] {
        let r = logreg(&args);
        let out = r.ok();
        assert!(longest_digit_run(&out) <= MAX_DIGIT_RUN, "{}", r.describe());
        assert!(out.contains(needle), "{needle:?}\n{}", r.describe());
    }
}

#[test]
fn glm_flags_give_the_same_message_in_glm_and_in_compare() {
    // The GLM flags are declared once (GlmArgs): one value parser, one text.
    // Only the tolerance's name differs (`--tol` in glm, `--glm-tol` where
    // the network's `--tol` shares the command line).
    for (glm, compare) in [
        (
            &["glm", "--alpha", "2"][..],
            &["compare", "--alpha", "2"][..],
        ),
        (
            &["glm", "--max-iter", "0"][..],
            &["compare", "--max-iter", "0"][..],
        ),
        (
            &["glm", "--tol", "-1"][..],
            &["compare", "--glm-tol", "-1"][..],
        ),
    ] {
        let (g, c) = (logreg(glm), logreg(compare));
        assert_one_line_error(&g);
        assert_eq!(g.code(), Some(2), "{}", g.describe());
        assert_eq!(c.code(), Some(2), "{}", c.describe());
        assert_eq!(
            g.stderr().replace("--tol", "--glm-tol"),
            c.stderr(),
            "{}\n{}",
            g.describe(),
            c.describe()
        );
    }
}

/// Flags that name a data file's columns, or stream its design, are refused
/// without `--data` even next to a simulated-data flag (which clap lets
/// stand in for the `--data` they require): never silently ignored, never
/// a panic.
#[test]
fn column_and_streaming_flags_need_a_data_file_even_with_simulation_flags() {
    for (args, flag) in [
        (
            &["nn", "--freq-weights", "w", "--n", "100", "--steps", "5"][..],
            "--freq-weights",
        ),
        (
            &["glm", "--var-weights", "w", "--beta", "1,2"][..],
            "--var-weights",
        ),
        (
            &["compare", "--offset", "o", "--n", "100", "--steps", "5"][..],
            "--offset",
        ),
        (
            &[
                "glm",
                "--cov-type",
                "cluster",
                "--groups",
                "g",
                "--n",
                "100",
            ][..],
            "--groups",
        ),
        (&["glm", "--features", "x1", "--n", "100"][..], "--features"),
        (
            &["glm", "--max-memory", "1K", "--beta", "1,2"][..],
            "--max-memory",
        ),
    ] {
        let run = logreg(args);
        assert_eq!(run.code(), Some(2), "{}", run.describe());
        let err = run.stderr();
        assert_eq!(err.lines().count(), 1, "{}", run.describe());
        assert!(
            err.starts_with(&format!("error: {flag} needs --data FILE")),
            "{}",
            run.describe()
        );
    }
}
