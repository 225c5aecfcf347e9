//! `--data FILE`: every malformed file is one line on stderr naming the file,
//! line, column and value, with exit code 2 (never a panic, backtrace or
//! libtorch message); every spelling of the same data fits to the same
//! numbers. Fixtures: tests/fixtures/csv/, written by its make_fixtures.py.
use std::path::PathBuf;

use crate::support::{fixtures, logreg, temp_dir, Run};

fn csv_fixture(name: &str) -> PathBuf {
    fixtures().join("csv").join(name)
}

/// Text that must never reach a user: Rust panics and backtraces, C++ traces.
const FORBIDDEN: &[&str] = &[
    "panicked",
    "backtrace",
    "RUST_BACKTRACE",
    "internal error",
    "libtorch",
    "c10::",
    "terminate called",
    "Exception raised",
];

/// Assert exit code 2, nothing on stdout, and exactly one `error:` line on
/// stderr containing each of `want`.
fn assert_data_error(r: &Run, want: &[&str]) {
    assert_eq!(r.code(), Some(2), "{}", r.describe());
    assert!(r.stdout().is_empty(), "{}", r.describe());
    let err = r.stderr();
    assert!(err.starts_with("error: "), "{}", r.describe());
    assert_eq!(err.trim_end().lines().count(), 1, "{}", r.describe());
    for w in want {
        assert!(
            err.contains(w),
            "expected {w:?} in stderr\n{}",
            r.describe()
        );
    }
    for f in FORBIDDEN {
        assert!(!err.contains(f), "{f:?} reached the user\n{}", r.describe());
    }
}

/// Run `logreg glm --data <fixture> <extra...>`.
fn glm(fixture: &str, extra: &[&str]) -> Run {
    let path = csv_fixture(fixture);
    let mut args = vec!["glm", "--data", path.to_str().unwrap()];
    args.extend_from_slice(extra);
    logreg(&args)
}

/// One error case per rule of the CSV reader: fixture, extra flags, and what the
/// message must contain (the fixture's name is always required too).
const ERROR_CASES: &[(&str, &[&str], &[&str])] = &[
    ("bad_empty.csv", &[], &["the file is empty"]),
    ("bad_blank_lines.csv", &[], &["the file is empty"]),
    (
        "bad_header_only.csv",
        &[],
        &["line 1: a header but no data rows"],
    ),
    (
        "bad_ragged_short.csv",
        &[],
        &["line 7: 2 field(s), but the header has 3", "column \"y\""],
    ),
    (
        "bad_ragged_long.csv",
        &[],
        &[
            "line 7: 4 fields, but the header has 3",
            "extra value \"7\" in column 4",
        ],
    ),
    (
        "bad_unclosed_quote.csv",
        &[],
        &["line 5: 2 field(s)", "is a quote left open?"],
    ),
    (
        "bad_duplicate_column.csv",
        &[],
        &["line 1: the column name \"x1\" appears twice (columns 1 and 3)"],
    ),
    (
        "bad_no_target.csv",
        &[],
        &["line 1: no target column \"y\"; the columns are \"x1\", \"x2\", \"outcome\""],
    ),
    (
        "good.csv",
        &["--target", "Y"],
        &["no target column \"Y\"; the columns are \"x1\", \"x2\", \"y\""],
    ),
    (
        "good.csv",
        &["--features", "x1,x9"],
        &["no feature column \"x9\"; the columns are \"x1\", \"x2\", \"y\""],
    ),
    (
        "good.csv",
        &["--features", "x1,y"],
        &["column \"y\" is both the target and a feature"],
    ),
    (
        "good.csv",
        &["--features", "x2,x2"],
        &["feature column \"x2\" is requested twice"],
    ),
    (
        "good_semicolon.csv",
        &[],
        &["the columns are \"x1;x2;y\" (is the delimiter ';'? set it with --delimiter)"],
    ),
    (
        "good_quoted_spaces.csv",
        &[],
        &["line 3, column \"id\": \"r0\" is not a number"],
    ),
    (
        "bad_not_a_number.csv",
        &[],
        &[
            "line 8, column \"x2\": \"abc\" is not a number",
            "(--formula reads a text column as categories)",
        ],
    ),
    (
        "bad_infinite.csv",
        &[],
        &["line 4, column \"x1\": \"1e400\" is not a finite number"],
    ),
    (
        "bad_negative_infinity.csv",
        &[],
        &["line 5, column \"x2\": \"-Infinity\" is not a finite number"],
    ),
    (
        "bad_missing_empty.csv",
        &[],
        &[
            "line 10, column \"x2\": missing value \"\"",
            "--missing drop",
        ],
    ),
    (
        "bad_missing_na.csv",
        &[],
        &["line 6, column \"x1\": missing value \"NA\""],
    ),
    (
        "bad_missing_nan.csv",
        &[],
        &["line 11, column \"x2\": missing value \"NaN\""],
    ),
    (
        "good_missing.csv",
        &["--missing", "error"],
        &["line 6, column \"x1\": missing value \"NA\""],
    ),
    (
        "bad_target_not_binary.csv",
        &[],
        &["line 9, column \"y\": target value \"2\" is not 0 or 1"],
    ),
    (
        "bad_single_class.csv",
        &[],
        &["column \"y\": every target value is 1; logistic regression needs both 0 and 1"],
    ),
    (
        "bad_too_few_rows.csv",
        &[],
        &["2 data row(s) for 3 coefficients"],
    ),
    (
        "bad_constant_column.csv",
        &[],
        &["column \"x2\": every value is 3.5, so it duplicates the intercept \"const\""],
    ),
    (
        "bad_collinear.csv",
        &[],
        &["column \"x3\" is a linear combination of \"const\", \"x1\", \"x2\""],
    ),
    (
        "bad_collinear.csv",
        &["--features", "x3,x1,x2"],
        &["column \"x2\" is a linear combination of \"const\", \"x3\", \"x1\""],
    ),
    (
        "bad_not_utf8_name.csv",
        &[],
        &["line 1, column 2: the column name", "is not valid UTF-8"],
    ),
    (
        "bad_not_utf8_cell.csv",
        &[],
        &["line 3, column \"x2\":", "is not a number"],
    ),
    ("bad_utf16.csv", &[], &["the file is UTF-16 encoded"]),
    ("bad_bare_cr.csv", &[], &["lines end in a bare CR"]),
    ("bad_binary.csv", &[], &["line 1: no target column \"y\""]),
    ("no_such_file.csv", &[], &["cannot read"]),
];

#[test]
fn rejects_each_malformed_file_with_one_line_and_exit_code_2() {
    for (fixture, extra, want) in ERROR_CASES {
        let r = glm(fixture, extra);
        let mut want = want.to_vec();
        want.push(fixture);
        assert_data_error(&r, &want);
    }
}

#[test]
fn every_fitting_command_reports_data_errors_the_same_way() {
    for cmd in ["nn", "compare"] {
        for (fixture, want) in [
            ("bad_ragged_short.csv", "line 7: 2 field(s)"),
            ("bad_collinear.csv", "column \"x3\" is a linear combination"),
        ] {
            let path = csv_fixture(fixture);
            let r = logreg(&[cmd, "--data", path.to_str().unwrap()]);
            assert_data_error(&r, &[fixture, want]);
        }
    }
}

/// A box one f64 step wide: every feature is 1 or 1 + 2^-52, so each is the
/// intercept up to rounding (the rank check's tolerance, 1e-10, is far above).
const DEGENERATE_BOX: &[&str] = &["--n", "50", "--low", "1", "--high", "1.0000000000000002"];

#[test]
fn rank_deficient_files_and_simulated_data_meet_the_same_check() {
    // The same draw, as a file and simulated in memory.
    let dir = temp_dir("data-rank-both-ways");
    let mut args = vec!["simulate"];
    args.extend_from_slice(DEGENERATE_BOX);
    let csv = logreg(&args).ok();
    let file = dir.join("degenerate.csv");
    std::fs::write(&file, csv).unwrap();
    let file = file.to_str().unwrap();
    let why =
        ": column \"x1\" is a linear combination of \"const\"; drop it or choose other columns";
    for cmd in ["glm", "nn", "compare"] {
        let r = logreg(&[cmd, "--data", file, "--steps", "5"][..if cmd == "glm" { 3 } else { 5 }]);
        assert_data_error(&r, &[&format!("error: {file}{why}")]);
        let mut args = vec![cmd, "--steps", "5"];
        args.truncate(if cmd == "glm" { 1 } else { 3 });
        args.extend_from_slice(DEGENERATE_BOX);
        let r = logreg(&args);
        assert_data_error(&r, &[&format!("error: simulated{why}")]);
    }
    // repeat draws the same data for its first run (seed 42): a failed run
    // whose line says why (every run here, so exit 1 after the summary).
    let mut args = vec!["repeat", "--runs", "2", "--steps", "5", "--runs-out", "-"];
    args.extend_from_slice(DEGENERATE_BOX);
    let r = logreg(&args);
    assert_eq!(r.code(), Some(1), "{}", r.describe());
    let out = r.stdout();
    let first: serde_json::Value = serde_json::from_str(out.lines().next().unwrap_or_default())
        .unwrap_or_else(|e| panic!("{e}\n{}", r.describe()));
    assert_eq!(first["seed"], 42, "{}", r.describe());
    assert_eq!(
        first["failed"].as_str(),
        Some(format!("data: simulated{why}").as_str()),
        "{}",
        r.describe()
    );
}

#[test]
fn rejects_a_directory_as_data() {
    let r = logreg(&["glm", "--data", fixtures().join("csv").to_str().unwrap()]);
    assert_data_error(&r, &["cannot read"]);
}

/// Odd files a new user might try, made on the fly: each is a clean data
/// error (the exact wording is pinned by the unit tests in src/data/csv/reader.rs).
#[test]
fn odd_inputs_give_clean_errors() {
    let dir = temp_dir("data-odd");
    let cases: &[&[u8]] = &[
        b"\n",
        b",",
        b",\n,\n",
        b"\"",
        b"y\n1\n",
        b"x,y\ninf,0\n1,1\n",
        b"x,y\n1,0\n2,1\n3,\xff\n",
        b"x, y \n1,0\n2,1\n3,0\n4,1\n5,5e-324\n",
        b"a b,y\n1,0\n2,1\n3,0\n4,1e308\n",
        b"x,y\n1,0\n2,1\n3,0\n4,1\n5,-0.5\n",
        b"const,y\n1,0\n2,1\n",
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03",
        b"x\x00,y\x00\n\x001,\x000\n",
    ];
    for (i, bytes) in cases.iter().enumerate() {
        let f = dir.join(format!("odd{i}.csv"));
        std::fs::write(&f, bytes).unwrap();
        let r = logreg(&["glm", "--data", f.to_str().unwrap()]);
        assert_data_error(&r, &[&format!("odd{i}.csv")]);
    }
}

/// `glm --json` with keys ending in `_s` (timings) removed.
fn fit_json(fixture: &str, extra: &[&str]) -> serde_json::Value {
    let r = glm(fixture, &[extra, &["--json"]].concat());
    let out = r.ok();
    let mut v: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e})\n{}", r.describe()));
    if let Some(obj) = v.as_object_mut() {
        obj.retain(|k, _| !k.ends_with("_s"));
    }
    v
}

#[test]
fn accepts_bom_crlf_and_no_final_newline() {
    let plain = fit_json("good.csv", &[]);
    for fixture in [
        "good_bom.csv",
        "good_crlf.csv",
        "good_no_final_newline.csv",
        "good_bom_crlf_no_final_newline.csv",
    ] {
        assert_eq!(fit_json(fixture, &[]), plain, "{fixture}");
    }
}

#[test]
fn target_first_tsv_and_other_delimiters_give_identical_fits() {
    let plain = fit_json("good.csv", &[]);
    assert_eq!(fit_json("good_target_first.csv", &[]), plain);
    assert_eq!(fit_json("good.tsv", &[]), plain);
    assert_eq!(fit_json("good_semicolon.csv", &["--delimiter", ";"]), plain);
    assert_eq!(
        fit_json("good_quoted_spaces.csv", &["--features", "x1,x2"]),
        plain
    );
    assert_eq!(
        fit_json(
            "good_target_first.csv",
            &["--target", "y", "--features", "x1,x2"]
        ),
        plain
    );
}

/// A frame as pandas writes it (an index column with no name, a bool
/// target as `True`/`False`) fits as the plain file does, with one note.
#[test]
fn pandas_index_and_bool_target_fit_as_the_plain_file() {
    let r = glm("good_pandas.csv", &["--json"]);
    r.ok();
    let note = "good_pandas.csv: column 1 has no name (a pandas index?), so not a feature";
    assert_eq!(r.stderr().matches("note: ").count(), 1, "{}", r.describe());
    assert!(r.stderr().contains(note), "{}", r.describe());
    assert_eq!(fit_json("good_pandas.csv", &[]), fit_json("good.csv", &[]));
    // Named features leave the unnamed column out with the same note.
    let r = glm("good_pandas.csv", &["--features", "x2,x1"]);
    r.ok();
    assert_eq!(r.stderr().matches("note: ").count(), 1, "{}", r.describe());
    assert!(r.stderr().contains(note), "{}", r.describe());
    // A header with an empty name between others: the same rule.
    let r = glm("bad_empty_name.csv", &["--json"]);
    assert!(
        r.stderr().contains("column 2 has no name"),
        "{}",
        r.describe()
    );
}

/// pandas' spellings of True and False read as 1 and 0 in a feature.
#[test]
fn bool_feature_fits_as_ones_and_zeros() {
    assert_eq!(
        fit_json("good_bool_feature.csv", &[]),
        fit_json("good_bool_feature_01.csv", &[])
    );
}

#[test]
fn missing_drop_removes_rows_and_says_how_many() {
    let r = glm("good_missing.csv", &["--missing", "drop", "--json"]);
    r.ok();
    assert!(r.stderr().contains("dropped 3 row(s)"), "{}", r.describe());
    assert_eq!(
        fit_json("good_missing.csv", &["--missing", "drop"]),
        fit_json("good.csv", &[])
    );
}

/// A draw of one class (β₀ = 30 makes every p ≈ 1): refused in every
/// fitting command with the file's message naming "simulated", as the same
/// draw written by `simulate` and read back is.
#[test]
fn simulated_data_of_one_class_is_refused_as_a_file_is() {
    let draw = ["--n", "5", "--beta", "30,0.1,0.1"];
    let dir = temp_dir("data-one-class-both-ways");
    let mut args = vec!["simulate"];
    args.extend_from_slice(&draw);
    let file = dir.join("one-class.csv");
    std::fs::write(&file, logreg(&args).ok()).unwrap();
    let file = file.to_str().unwrap();
    let why = ": column \"y\": every target value is 1; logistic regression needs both 0 and 1";
    for cmd in ["glm", "nn", "compare"] {
        assert_data_error(
            &logreg(&[cmd, "--data", file]),
            &[&format!("error: {file}{why}")],
        );
        let mut args = vec![cmd];
        args.extend_from_slice(&draw);
        assert_data_error(&logreg(&args), &[&format!("error: simulated{why}")]);
    }
}

/// An empty `--groups` cell is a missing value as in any other column: the
/// row is dropped with `--missing drop`, refused naming its line otherwise.
#[test]
fn an_empty_group_label_is_a_missing_value() {
    let dir = temp_dir("data-empty-group");
    let file = dir.join("g.csv");
    std::fs::write(
        &file,
        "x,y,g\n1,0,a\n2,1,a\n3,0,b\n4,1,\n5,1,c\n0.5,0,c\n2.5,1,b\n",
    )
    .unwrap();
    let file = file.to_str().unwrap();
    let cluster = ["--cov-type", "cluster", "--groups", "g"];
    let mut args = vec!["glm", "--data", file];
    args.extend_from_slice(&cluster);
    assert_data_error(
        &logreg(&args),
        &[&format!(
            "error: {file}: line 5, column \"g\": missing value \"\""
        )],
    );
    args.extend_from_slice(&["--missing", "drop", "--json"]);
    let r = logreg(&args);
    let json: serde_json::Value = serde_json::from_str(&r.ok()).unwrap();
    assert_eq!(json["nobs"], 6, "{}", r.describe());
    assert!(r.stderr().contains("dropped 1 row(s)"), "{}", r.describe());
}

/// `logreg --threads T glm --json --data FILE ARGS` with the timings (keys
/// ending in `_s`) removed, or the error; FILE piped to `--data -` (the
/// full reader: a pipe cannot be reopened) where `threads` is None.
fn large_file_run(path: &std::path::Path, threads: Option<&str>, args: &[&str]) -> String {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut cmd = Command::new(crate::support::bin());
    cmd.env_remove("LD_LIBRARY_PATH")
        .env("SOURCE_DATE_EPOCH", "1764288000");
    let data = match threads {
        Some(t) => {
            cmd.args(["--threads", t]);
            path.to_str().unwrap()
        }
        None => "-",
    };
    cmd.args(["glm", "--json", "--data", data]).args(args);
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let feed = match threads {
        Some(_) => None,
        None => {
            let bytes = std::fs::read(path).unwrap();
            Some(std::thread::spawn(move || {
                let _ = stdin.write_all(&bytes);
            }))
        }
    };
    let out = child.wait_with_output().unwrap();
    if let Some(f) = feed {
        f.join().unwrap();
    }
    if !out.status.success() {
        return format!(
            "exit {:?}: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
                .replace("error: stdin:", "error: FILE:")
                .replace(path.to_str().unwrap(), "FILE")
        );
    }
    let mut v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v.as_object_mut().unwrap().retain(|k, _| !k.ends_with("_s"));
    serde_json::to_string(&v).unwrap()
}

/// A file of three 8 MiB rounds of the fast path (the second and third read
/// on several threads, in pieces, while the next round is read) gives the
/// full reader's numbers, drops and errors, on 1, 2 and 3 threads: as it
/// is, with a missing value dropped in the second round, and with a bad
/// cell in the third.
#[test]
fn a_large_file_reads_the_same_on_any_threads_as_through_a_pipe() {
    let dir = temp_dir("large-csv");
    let path = dir.join("d.csv");
    let p = path.to_str().unwrap();
    logreg(&["simulate", "--n", "700000", "--seed", "3", "--out", p]).ok();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.len() > 3 * (8 << 20), "{} bytes", text.len());
    let mut lines: Vec<&str> = text.lines().collect();
    let plain = text.clone();
    let edit = |lines: &mut Vec<&str>, at: usize, from: usize| -> String {
        let line = lines[at];
        let cut = line.find(',').unwrap();
        let new = format!("{}{}", &line[..from.min(cut)], &line[cut..]);
        let mut all: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
        all[at] = new;
        all.join("\n") + "\n"
    };
    // Line 400,001's x1 emptied: in the second round, well inside it.
    let missing = edit(&mut lines, 400_000, 0);
    let bad = {
        let mut all: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
        all[520_000] = all[520_000].replacen(',', ",1.5e", 1);
        all.join("\n") + "\n"
    };
    for (name, body, args) in [
        ("plain", &plain, &[][..]),
        ("missing", &missing, &["--missing", "drop"][..]),
        ("missing refused", &missing, &[][..]),
        ("bad cell", &bad, &[][..]),
    ] {
        std::fs::write(&path, body).unwrap();
        let full = large_file_run(&path, None, args);
        for t in ["1", "2", "3"] {
            let got = large_file_run(&path, Some(t), args);
            assert_eq!(got, full, "{name}, --threads {t}");
        }
        match name {
            "plain" | "missing" => assert!(full.contains("\"params\""), "{name}: {full}"),
            _ => assert!(
                full.starts_with("exit Some(2): error: FILE: line"),
                "{name}: {full}"
            ),
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
