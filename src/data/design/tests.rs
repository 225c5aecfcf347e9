//! The designs of tests/fixtures/formula/*.json, written by
//! scripts/make_formula_fixtures.py from patsy and statsmodels: every
//! formula's column names, term columns, kept rows, design and left-hand
//! side, compared exactly; and the saved coding rebuilding the same design.
use serde_json::Value;

use super::*;
use crate::data::table::{Column, Table};
use crate::data::MissingPolicy;
use crate::spec::formula::Formula;

const FRAMES: [&str; 8] = [
    "synthetic",
    "synthetic_na",
    "anes96",
    "fair",
    "star98",
    "spector",
    "cpunish",
    "randhie",
];

fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/tests/fixtures/formula/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

/// The frame's columns as pandas read them.
fn frame(fixture: &Value) -> Table {
    let columns = fixture["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let values = c["values"].as_array().unwrap();
            let column = match c["kind"].as_str().unwrap() {
                "int" if values.iter().all(Value::is_i64) => Column::Int(
                    values
                        .iter()
                        .filter_map(Value::as_i64)
                        .map(i128::from)
                        .collect(),
                ),
                "int" | "float" => Column::Float(values.iter().map(Value::as_f64).collect()),
                "bool" if values.iter().all(Value::is_boolean) => {
                    Column::Bool(values.iter().filter_map(Value::as_bool).collect())
                }
                // pandas reads a bool column with a missing cell as an
                // object column of bools.
                "bool" => Column::BoolObject(values.iter().map(Value::as_bool).collect()),
                _ => Column::Text(
                    values
                        .iter()
                        .map(|v| v.as_str().map(str::to_string))
                        .collect(),
                ),
            };
            (c["name"].as_str().unwrap().to_string(), column)
        })
        .collect();
    table(columns)
}

/// A table of `columns`, its rows on lines 2, 3, ...
fn table(columns: Vec<(String, Column)>) -> Table {
    let rows = columns.first().map_or(0, |(_, c)| c.len());
    let (names, columns) = columns.into_iter().unzip();
    Table {
        file: "test.csv".into(),
        names,
        columns,
        lines: (2..rows as u64 + 2).collect(),
    }
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

fn flat(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .flat_map(|row| row.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()))
        .collect()
}

/// The frame with its columns in reverse order and an extra column: new
/// data for a saved coding.
fn shuffled(frame: &Table) -> Table {
    let mut columns: Vec<_> = frame
        .names
        .iter()
        .cloned()
        .zip(frame.columns.iter().cloned())
        .rev()
        .collect();
    columns.insert(
        1,
        (
            "unused extra".into(),
            Column::Text(vec![None; frame.rows()]),
        ),
    );
    table(columns)
}

#[test]
fn matches_patsy_designs() {
    let mut checked = 0;
    for name in FRAMES {
        let fixture = fixture(name);
        let table = frame(&fixture);
        let new_data = shuffled(&table);
        for case in fixture["cases"].as_array().unwrap() {
            let text = case["formula"].as_str().unwrap();
            let at = format!("{name}: {text}");
            let formula = Formula::parse(text).unwrap_or_else(|e| panic!("{at}: {e}"));
            let d = build_design(&formula, &table, MissingPolicy::Drop)
                .unwrap_or_else(|e| panic!("{at}: {e}"));
            assert_eq!(d.names, strings(&case["names"]), "{at}");
            let terms: Vec<(String, usize, usize)> = case["terms"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| {
                    (
                        t[0].as_str().unwrap().to_string(),
                        t[1].as_u64().unwrap() as usize,
                        t[2].as_u64().unwrap() as usize,
                    )
                })
                .collect();
            let got: Vec<(String, usize, usize)> = d
                .terms
                .iter()
                .map(|t| (t.name.clone(), t.start, t.end))
                .collect();
            assert_eq!(got, terms, "{at}");
            let rows: Vec<usize> = case["rows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r.as_u64().unwrap() as usize)
                .collect();
            assert_eq!(d.kept, rows, "{at}");
            assert_eq!(d.n_rows, rows.len(), "{at}");
            assert_eq!(d.x, flat(&case["design"]), "{at}");
            assert_eq!(
                d.intercept,
                d.names.first().is_some_and(|n| n == "Intercept"),
                "{at}"
            );
            assert_eq!(d.lhs_names, strings(&case["lhs_names"]), "{at}");
            if let Some(dep) = case["dep_variable"].as_str() {
                assert_eq!(d.dep_variable, dep, "{at}");
                assert_eq!(d.lhs, flat(&case["lhs"]), "{at}");
            }

            // The coding, saved and read back, builds the same design on
            // the columns in another order with an extra one.
            let saved = serde_json::to_string(&d.coding).unwrap();
            let coding: Coding = serde_json::from_str(&saved).unwrap();
            let again = coding
                .design(&new_data, MissingPolicy::Drop)
                .unwrap_or_else(|e| panic!("{at}: {e}"));
            assert_eq!(again.kept, d.kept, "{at}");
            assert_eq!(again.x, d.x, "{at}");
            assert_eq!(coding.column_names(), d.names, "{at}");
            checked += 1;
        }
    }
    assert_eq!(checked, 116);
}

/// A small table: y, x, g (text), flag (bool), k (whole numbers), with a
/// missing x on row 2.
fn small() -> Table {
    let text = |v: &[&str]| Column::Text(v.iter().map(|s| Some(s.to_string())).collect());
    table(vec![
        ("y".into(), Column::Int(vec![0, 1, 1, 0])),
        (
            "x".into(),
            Column::Float(vec![Some(0.5), Some(1.5), None, Some(f64::NAN)]),
        ),
        ("g".into(), text(&["b", "a", "c", "a"])),
        ("flag".into(), Column::Bool(vec![true; 4])),
        ("k".into(), Column::Int(vec![1, 2, 3, 2])),
        ("Race".into(), text(&["w", "b", "w", "o"])),
    ])
}

fn design_error(text: &str, missing: MissingPolicy) -> DesignError {
    let formula = Formula::parse(text).unwrap();
    build_design(&formula, &small(), missing).unwrap_err()
}

fn error(text: &str) -> DesignError {
    design_error(text, MissingPolicy::Drop)
}

#[test]
fn rejects_unknown_column_naming_close_matches() {
    let e = error("y ~ k + race");
    let DesignError::UnknownColumn {
        column,
        span,
        close,
        ..
    } = &e
    else {
        panic!("{e:?}")
    };
    assert_eq!(
        (column.as_str(), span.start, close.as_slice()),
        ("race", 8, &["Race".to_string()][..])
    );
    assert!(e.to_string().contains("did you mean \"Race\"?"), "{e}");
    let e = error("y ~ C(Q('kk'), Treatment(1))");
    assert!(
        matches!(&e, DesignError::UnknownColumn { column, .. } if column == "kk"),
        "{e:?}"
    );
}

#[test]
fn rejects_categorical_target() {
    for text in ["g ~ k", "flag ~ k", "C(y) ~ k"] {
        assert!(
            matches!(error(text), DesignError::CategoricalTarget { .. }),
            "{text}"
        );
    }
    for text in ["y + k + x ~ g", "y:k ~ g", "1 + y ~ g"] {
        assert!(
            matches!(error(text), DesignError::UnsupportedResponse { .. }),
            "{text}"
        );
    }
}

#[test]
fn rejects_a_treatment_level_that_does_not_occur() {
    let e = error("y ~ C(g, Treatment('z'))");
    let DesignError::LevelNotFound {
        level,
        levels,
        span,
        ..
    } = &e
    else {
        panic!("{e:?}")
    };
    assert_eq!((level.as_str(), span.start), ("'z'", 19));
    assert_eq!(levels, &["a", "b", "c"]);
    // Also where the factor is coded in full (patsy would not look).
    assert!(matches!(
        error("y ~ 0 + C(g, Treatment('z'))"),
        DesignError::LevelNotFound { .. }
    ));
    // An integer that is not a level is a position, as in patsy.
    assert!(matches!(
        error("y ~ C(k, Treatment(7))"),
        DesignError::LevelNotFound { .. }
    ));
    let formula = Formula::parse("y ~ C(g, Treatment(-1))").unwrap();
    let d = build_design(&formula, &small(), MissingPolicy::Drop).unwrap();
    assert_eq!(
        d.names[1..],
        ["C(g, Treatment(-1))[T.a]", "C(g, Treatment(-1))[T.b]"]
    );
}

#[test]
fn rejects_too_many_levels() {
    let n = MAX_LEVELS + 1;
    let table = table(vec![
        ("y".into(), Column::Int(vec![1; n])),
        ("id".into(), Column::Int((0..n as i128).collect())),
    ]);
    let formula = Formula::parse("y ~ C(id)").unwrap();
    let e = build_design(&formula, &table, MissingPolicy::Drop).unwrap_err();
    assert!(
        matches!(e, DesignError::TooManyLevels { count, .. } if count == n),
        "{e:?}"
    );
    let formula = Formula::parse("y ~ id").unwrap();
    assert!(build_design(&formula, &table, MissingPolicy::Drop).is_ok());
}

#[test]
fn missing_values_are_refused_or_dropped() {
    let e = design_error("y ~ g + x", MissingPolicy::Error);
    assert_eq!(
        e,
        DesignError::Missing {
            row: 2,
            column: "x".into()
        }
    );
    let formula = Formula::parse("y ~ g + x").unwrap();
    let d = build_design(&formula, &small(), MissingPolicy::Drop).unwrap();
    assert_eq!(
        (d.kept.as_slice(), d.dropped.as_slice()),
        (&[0, 1][..], &[2, 3][..])
    );
    // Levels come from every row, dropped ones included (as patsy).
    assert_eq!(d.names, ["Intercept", "g[T.b]", "g[T.c]", "x"]);
    // Columns the formula removed do not count.
    let formula = Formula::parse("y ~ g + x - x").unwrap();
    let d = build_design(&formula, &small(), MissingPolicy::Error).unwrap();
    assert_eq!(d.n_rows, 4);
    let only_missing = table(vec![
        ("y".into(), Column::Int(vec![1, 0])),
        ("x".into(), Column::Float(vec![None, Some(f64::NAN)])),
    ]);
    let formula = Formula::parse("y ~ x").unwrap();
    let e = build_design(&formula, &only_missing, MissingPolicy::Drop).unwrap_err();
    assert_eq!(e, DesignError::AllDropped { dropped: 2 });
    let formula = Formula::parse("y ~ C(x)").unwrap();
    let e = build_design(&formula, &only_missing, MissingPolicy::Drop).unwrap_err();
    assert!(matches!(e, DesignError::NoLevels { .. }), "{e:?}");
}

#[test]
fn new_data_is_checked_against_the_coding() {
    let formula = Formula::parse("y ~ g + x:k").unwrap();
    let small = small();
    let fit = table(
        small
            .names
            .into_iter()
            .zip(small.columns)
            .filter(|(n, _)| n != "x")
            .chain([("x".to_string(), Column::Float(vec![Some(1.0); 4]))])
            .collect(),
    );
    let coding = build_design(&formula, &fit, MissingPolicy::Error)
        .unwrap()
        .coding;
    let new = |g: &str, x: Column| {
        table(vec![
            ("x".into(), x),
            ("k".into(), Column::Float(vec![Some(2.0)])),
            ("g".into(), Column::Text(vec![Some(g.into())])),
        ])
    };
    let d = coding
        .design(&new("c", Column::Int(vec![3])), MissingPolicy::Error)
        .unwrap();
    assert_eq!(d.x, [1.0, 0.0, 1.0, 6.0]);
    let e = coding
        .design(&new("d", Column::Int(vec![3])), MissingPolicy::Error)
        .unwrap_err();
    assert!(
        matches!(&e, DesignError::UnseenLevel { value, row: 0, .. } if value == "\"d\""),
        "{e:?}"
    );
    assert!(e.to_string().contains("its levels: a, b, c"), "{e}");
    let e = coding
        .design(
            &new("a", Column::Text(vec![Some("3".into())])),
            MissingPolicy::Error,
        )
        .unwrap_err();
    assert!(matches!(e, DesignError::NotNumeric { .. }), "{e:?}");
    let e = coding
        .design(
            &table(vec![("G".into(), Column::Text(vec![]))]),
            MissingPolicy::Error,
        )
        .unwrap_err();
    assert!(
        matches!(&e, DesignError::MissingColumn { column, close } if column == "g" && close == &["G"]),
        "{e:?}"
    );
    let mut damaged = coding.clone();
    damaged.terms[0].subterms[0].push(SubtermFactor {
        factor: 9,
        contrast: Contrast::Full,
    });
    assert!(matches!(damaged.check(), Err(DesignError::BadCoding(_))));
}

#[test]
fn rejects_an_interaction_of_too_many_categorical_factors() {
    let n = MAX_CATEGORICAL_IN_TERM + 1;
    let mut columns = vec![("y".to_string(), Column::Int(vec![1]))];
    let names: Vec<String> = (0..n).map(|i| format!("c{i}")).collect();
    for name in &names {
        columns.push((name.clone(), Column::Text(vec![Some("a".into())])));
    }
    let formula = Formula::parse(&format!("y ~ {}", names.join(":"))).unwrap();
    let e = build_design(&formula, &table(columns), MissingPolicy::Drop).unwrap_err();
    assert!(
        matches!(e, DesignError::TermTooLarge { count, .. } if count == n),
        "{e:?}"
    );
}
