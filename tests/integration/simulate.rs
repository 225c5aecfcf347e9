//! `logreg simulate`: reproducible bytes, the right shape, clap-style errors.
use crate::support::{logreg, temp_dir};

#[test]
fn same_seed_gives_identical_bytes() {
    let a = logreg(&["simulate", "--seed", "5", "--n", "1000"]).ok();
    let b = logreg(&["simulate", "--seed", "5", "--n", "1000"]).ok();
    assert_eq!(a, b);
    let lines: Vec<&str> = a.lines().collect();
    assert_eq!(lines[0], "x1,x2,y");
    assert_eq!(lines.len(), 1001);
    for l in &lines[1..] {
        let f: Vec<f64> = l.split(',').map(|v| v.parse().unwrap()).collect();
        assert_eq!(f.len(), 3);
        assert!(
            (-3.0..=3.0).contains(&f[0]) && (-3.0..=3.0).contains(&f[1]),
            "{l}"
        );
        assert!(f[2] == 0.0 || f[2] == 1.0, "{l}");
    }
    let c = logreg(&["simulate", "--seed", "6", "--n", "1000"]).ok();
    assert_ne!(a, c);
}

#[test]
fn out_file_matches_stdout_and_beta_sets_columns() {
    let dir = temp_dir("sim-out");
    let f = dir.join("d.csv");
    let args = [
        "simulate",
        "--beta",
        "0.5,1,-1,2",
        "--n",
        "10",
        "--with-truth",
    ];
    let stdout = logreg(&args).ok();
    let mut with_out: Vec<&str> = args.to_vec();
    let fs = f.to_str().unwrap();
    with_out.extend(["--out", fs]);
    assert_eq!(logreg(&with_out).ok(), "");
    assert_eq!(std::fs::read_to_string(&f).unwrap(), stdout);
    assert!(stdout.starts_with("x1,x2,x3,y,logit,p\n"), "{stdout}");
}

#[test]
fn rejects_invalid_flags_with_exit_code_2() {
    for bad in [
        vec!["simulate", "--n", "0"],
        vec!["simulate", "--low", "3", "--high", "3"],
        vec!["simulate", "--beta", "1"],
        vec!["simulate", "--beta", "1,abc"],
    ] {
        let r = logreg(&bad);
        assert_eq!(r.code(), Some(2), "{}", r.describe());
        assert!(r.stderr().starts_with("error:"), "{}", r.describe());
        assert!(!r.stderr().contains("panicked"), "{}", r.describe());
    }
}
