//! `logreg glm` with its model options (--link, --freq-weights,
//! --var-weights, --offset, --cov-type, --groups) against the fixtures of
//! scripts/make_glm_option_fixtures.py, through the one statsmodels
//! comparison of `glm.rs`; and the refusals of bad role columns.
use std::path::PathBuf;

use serde::Deserialize;

use crate::glm::{args_in, assert_matches_statsmodels, mask_noise_coefs, run_json, Fixture};
use crate::support::{fixtures, logreg, temp_dir};

fn options_dir() -> PathBuf {
    fixtures().join("glm").join("options")
}

/// An option fixture, and its link as `--link` names it (the JSON's
/// spelling; the summary prints statsmodels' class name).
#[derive(Debug, Deserialize)]
struct OptionFixture {
    link: String,
    #[serde(flatten)]
    fixture: Fixture,
}

/// Every option fixture, by file name.
fn cases() -> Vec<OptionFixture> {
    let mut names: Vec<String> = std::fs::read_dir(options_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|n| n.strip_suffix(".json").map(str::to_string))
        .collect();
    names.sort();
    let cases: Vec<OptionFixture> = names
        .iter()
        .map(|n| {
            let path = options_dir().join(format!("{n}.json"));
            let text = std::fs::read_to_string(&path).unwrap();
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        })
        .collect();
    // Links (5), weights (2), offset, combined, covariances (9), predict (2).
    assert!(cases.len() >= 20, "option fixtures missing: {names:?}");
    cases
}

#[test]
fn matches_statsmodels_for_links_weights_and_offsets() {
    for fx in cases() {
        let (j, _) = run_json(&args_in(&options_dir(), &fx.fixture, &["--json"]));
        let c = &fx.fixture.case;
        assert_matches_statsmodels(c, &j, &fx.fixture.results);
        assert_eq!(j.link, fx.link, "{c}: link");
    }
}

/// The summary text, Date and Time included (`support::logreg` sets the
/// fixtures' SOURCE_DATE_EPOCH); see glm.rs `summary_matches_statsmodels_text`
/// for why text equality holds across machines.
#[test]
fn summary_matches_statsmodels_text_for_options() {
    for fx in cases() {
        let fx = fx.fixture;
        let r = logreg(&args_in(&options_dir(), &fx, &[]));
        let out = r.ok();
        let table = out
            .trim_end_matches('\n')
            .split("\n\nWarnings:\n")
            .next()
            .unwrap();
        assert_eq!(
            mask_noise_coefs(table, &fx),
            mask_noise_coefs(&fx.summary, &fx),
            "{}: summary differs\n{}",
            fx.case,
            r.describe()
        );
    }
}

/// Run `logreg glm` on a small CSV with extra flags; expect exit 2 and one
/// line on stderr containing every part of `want`.
fn refuses(name: &str, csv: &str, flags: &[&str], want: &[&str]) {
    let dir = temp_dir(name);
    let f = dir.join("d.csv");
    std::fs::write(&f, csv).unwrap();
    let mut args = vec!["glm", "--data", f.to_str().unwrap()];
    args.extend_from_slice(flags);
    let r = logreg(&args);
    assert_eq!(r.code(), Some(2), "{}", r.describe());
    let err = r.stderr();
    assert_eq!(err.lines().count(), 1, "{}", r.describe());
    for w in want {
        assert!(err.contains(w), "wants {w:?}\n{}", r.describe());
    }
    assert!(
        !err.contains("panicked") && !err.contains("backtrace"),
        "{}",
        r.describe()
    );
}

/// Good data: x, y, a weight w, an offset o and groups g.
const CSV: &str =
    "x,y,w,o,g\n1,0,1,0.5,a\n2,1,2,0,a\n3,0,1,0,b\n4,1,0,1,b\n5,1,3,0,c\n0.5,0,1,0,c\n";

#[test]
fn role_columns_are_not_features() {
    let dir = temp_dir("roles-not-features");
    let f = dir.join("d.csv");
    std::fs::write(&f, CSV).unwrap();
    let r = logreg(&[
        "glm",
        "--data",
        f.to_str().unwrap(),
        "--var-weights",
        "w",
        "--offset",
        "o",
        "--features",
        "x",
        "--json",
    ]);
    let out = r.ok();
    assert!(out.contains(r#""names":["const","x"]"#), "{}", r.describe());
    // Without --features: every column but the target and the role columns.
    let f2 = dir.join("no-groups.csv");
    let no_groups: String = CSV
        .lines()
        .map(|l| l.rsplit_once(',').unwrap().0.to_string() + "\n")
        .collect();
    std::fs::write(&f2, no_groups).unwrap();
    let r = logreg(&[
        "glm",
        "--data",
        f2.to_str().unwrap(),
        "--freq-weights",
        "w",
        "--offset",
        "o",
        "--json",
    ]);
    assert!(
        r.ok().contains(r#""names":["const","x"]"#),
        "{}",
        r.describe()
    );
}

#[test]
fn rejects_negative_weight_naming_file_line_and_column() {
    let csv = CSV.replace("2,1,2,0,a", "2,1,-2,0,a");
    refuses(
        "neg-weight",
        &csv,
        &["--features", "x", "--var-weights", "w"],
        &[
            "d.csv: line 3, column \"w\"",
            "--var-weights value \"-2\" is negative",
        ],
    );
}

#[test]
fn rejects_non_finite_weight_and_offset() {
    let csv = CSV.replace("2,1,2,0,a", "2,1,inf,0,a");
    refuses(
        "inf-weight",
        &csv,
        &["--features", "x", "--freq-weights", "w"],
        &["line 3", "\"w\"", "inf"],
    );
    let csv = CSV.replace("2,1,2,0,a", "2,1,2,nan,a");
    refuses(
        "nan-offset",
        &csv,
        &["--features", "x", "--offset", "o"],
        &["line 3", "\"o\"", "missing"],
    );
}

#[test]
fn rejects_all_zero_weights() {
    let csv = "x,y,w\n1,0,0\n2,1,0\n3,0,0\n4,1,0\n";
    refuses(
        "zero-weights",
        csv,
        &["--freq-weights", "w"],
        &["d.csv: column \"w\"", "every --freq-weights value is 0"],
    );
}

#[test]
fn rejects_fractional_freq_weights_naming_the_flag() {
    let csv = CSV.replace("2,1,2,0,a", "2,1,1.5,0,a");
    refuses(
        "frac-weights",
        &csv,
        &["--features", "x", "--freq-weights", "w"],
        &["--freq-weights", "not a whole number"],
    );
}

#[test]
fn rejects_role_column_that_is_target_feature_or_another_role() {
    refuses(
        "role-target",
        CSV,
        &["--features", "x", "--offset", "y"],
        &["column \"y\" is both the --offset column and the target"],
    );
    refuses(
        "role-feature",
        CSV,
        &["--features", "x,w", "--var-weights", "w"],
        &["column \"w\" is both the --var-weights column and a feature"],
    );
    refuses(
        "role-twice",
        CSV,
        &[
            "--features",
            "x",
            "--freq-weights",
            "w",
            "--var-weights",
            "w",
        ],
        &["column \"w\" is both the --var-weights column and the --freq-weights column"],
    );
    refuses(
        "role-missing",
        CSV,
        &["--features", "x", "--offset", "nope"],
        &["no --offset column \"nope\""],
    );
}

#[test]
fn rejects_cluster_without_groups_and_groups_without_cluster() {
    refuses(
        "cluster-no-groups",
        CSV,
        &["--features", "x", "--cov-type", "cluster"],
        &["--cov-type cluster needs --groups"],
    );
    refuses(
        "groups-no-cluster",
        CSV,
        &["--features", "x", "--groups", "g"],
        &["--groups is for --cov-type cluster"],
    );
}

#[test]
fn rejects_fewer_than_two_groups() {
    let csv = "x,y,g\n1,0,a\n2,1,a\n3,0,a\n4,1,a\n";
    refuses(
        "one-group",
        csv,
        &["--cov-type", "cluster", "--groups", "g"],
        &["d.csv: column \"g\": 1 group(s); --groups needs at least 2"],
    );
}

#[test]
fn role_flags_need_data() {
    for flag in ["--freq-weights", "--var-weights", "--offset", "--groups"] {
        let r = logreg(&["glm", flag, "w"]);
        assert_eq!(r.code(), Some(2), "{}", r.describe());
        assert!(r.stderr().contains("--data"), "{}", r.describe());
    }
}

/// HC1's n/(n - k) at n = k: refused in one line, not printed as inf or
/// NaN standard errors.
#[test]
fn rejects_a_robust_covariance_that_is_not_finite() {
    refuses(
        "hc1-n-equals-k",
        "y,x\n0,1\n1,2\n",
        &["--cov-type", "HC1", "--json"],
        &[
            "the HC1 covariance is not finite",
            "use another covariance type",
        ],
    );
}

/// Frequency weights of 1e20: Σ w is past what f64 counts exactly, and
/// df_resid = Σ w − rank is a float, as statsmodels' (its summary prints
/// every digit of the whole number, `"%#6d" % 3e20`).
#[test]
fn huge_frequency_weights_give_a_float_df_resid_as_statsmodels() {
    let dir = temp_dir("freq-1e20");
    let f = dir.join("d.csv");
    std::fs::write(
        &f,
        "x,y,w\n1,0,1e20\n2,1,1\n3,0,1e20\n4,1,1\n5,1,1e20\n0.5,0,1\n2.5,1,1\n",
    )
    .unwrap();
    let f = f.to_str().unwrap();
    let r = logreg(&["glm", "--data", f, "--freq-weights", "w", "--json"]);
    let json: serde_json::Value = serde_json::from_str(&r.ok()).unwrap();
    // statsmodels: wnobs - rank = (3e20 + 4) - 2 in f64.
    let want = (3e20_f64 + 4.0) - 2.0;
    assert_eq!(json["df_resid"].as_f64(), Some(want), "{}", r.describe());
    assert_eq!(json["df_model"], 1, "{}", r.describe());
    let out = logreg(&["glm", "--data", f, "--freq-weights", "w"]).ok();
    let line = out.lines().find(|l| l.contains("Df Residuals:")).unwrap();
    assert!(line.ends_with(" 300000000000000000000"), "{out}");
}

/// Weights outside 0 or 1e-100..1e100 are refused naming the file's line
/// and the value as written (not hundreds of digits), in every fitting
/// command, before libtorch sees them.
#[test]
fn rejects_weights_outside_their_range_naming_the_line() {
    for (role, value) in [
        ("--var-weights", "1e306"),
        ("--var-weights", "1e308"),
        ("--var-weights", "1e-101"),
        ("--freq-weights", "1e-300"),
        ("--freq-weights", "1e101"),
    ] {
        let csv = CSV.replace("2,1,2,0,a", &format!("2,1,{value},0,a"));
        refuses(
            "weight-range",
            &csv,
            &["--features", "x", role, "w"],
            &[
                &format!("d.csv: line 3, column \"w\": {role} value \"{value}\""),
                "outside the range of a weight: 0, or 1e-100 to 1e+100",
            ],
        );
    }
}

/// Frequency weights of 0 on every row of class 0 leave one class to fit:
/// refused as a file of one class is, in every fitting command.
#[test]
fn rejects_one_class_left_by_zero_weights() {
    let dir = temp_dir("one-class-by-weights");
    let f = dir.join("d.csv");
    // y = 0 on lines 2, 4 and 7: a zeroes them all; w zeroes two and v the third.
    let csv = "x,y,a,w,v\n1,0,0,0,1\n2,1,2,2,1\n3,0,0,1,0\n4,1,1,1,1\n5,1,3,3,1\n0.5,0,0,0,1\n";
    std::fs::write(&f, csv).unwrap();
    let f = f.to_str().unwrap();
    for cmd in ["glm", "nn", "compare"] {
        for (flags, named) in [
            (&["--freq-weights", "a"][..], "--freq-weights"),
            (
                &["--freq-weights", "w", "--var-weights", "v"][..],
                "--freq-weights or --var-weights",
            ),
        ] {
            let mut args = vec![cmd, "--data", f, "--features", "x"];
            args.extend_from_slice(flags);
            let r = logreg(&args);
            assert_eq!(r.code(), Some(2), "{}", r.describe());
            assert_eq!(
                r.stderr().trim_end(),
                format!(
                    "error: {f}: column \"y\": every target value is 1 on the rows whose {named} is not 0; logistic regression needs both 0 and 1"
                ),
                "{}",
                r.describe()
            );
        }
    }
}

/// An alpha so small that 1 − alpha/2 rounds to 1 would make every
/// interval infinite: refused where --alpha is read.
#[test]
fn rejects_an_alpha_whose_quantile_is_infinite() {
    for cmd in ["glm", "compare", "repeat", "predict"] {
        let r = logreg(&[cmd, "--alpha", "1e-17"]);
        assert_eq!(r.code(), Some(2), "{}", r.describe());
        let err = r.stderr();
        assert_eq!(err.lines().count(), 1, "{}", r.describe());
        assert!(
            err.contains("'--alpha <A>': alpha 1e-17 is too small")
                && err.contains("alpha must be above 1.1e-16"),
            "{}",
            r.describe()
        );
    }
    let r = logreg(&["glm", "--alpha", "2.3e-16", "--json"]);
    let json: serde_json::Value = serde_json::from_str(&r.ok()).unwrap();
    assert!(
        crate::support::floats(&json["conf_int"][0])
            .iter()
            .all(|v| v.is_finite()),
        "{}",
        r.describe()
    );
}
