//! [`read_formula`]: a data set from a file and a model formula, as
//! statsmodels' formula API builds it (patsy's design of the columns the
//! formula uses, the left-hand side as the target or as binomial counts).
use std::path::Path;

use super::csv::read_table;
use super::design::{build_design, close_names, Coding, DesignError, FormulaDesign};
use super::formula_error::FormulaReadError;
use super::table::{Column, Table};
use super::{CsvOptions, DataError, Dataset, Groups, MissingPolicy, RowColumns};
use crate::setting::Setting;
use crate::spec::formula::Formula;

/// The data set of `formula` on the file `path`: the formula is parsed,
/// only the columns it uses and the role columns of `opts.roles` are read
/// (as pandas types them), its design is built (a missing value in a used
/// column, or in a role column, refused or its row dropped, as
/// `opts.missing` says), and the
/// data set takes the design's names (`Intercept` first, or no intercept
/// for `- 1` and `0 +`: [`Dataset::without_intercept`]),
/// the left-hand side as its target (two columns: successes and failures)
/// and the role columns of the kept rows. Also returns the design's
/// [`Coding`] (to rebuild it on new data) and the number of rows dropped.
/// `opts.target` and `opts.features` are not read.
pub fn read_formula(
    path: &Path,
    formula: &str,
    opts: &CsvOptions,
) -> Result<(Dataset, Coding, usize), FormulaReadError> {
    let formula = Formula::parse(formula)?;
    let mut names: Vec<String> = Vec::new();
    for f in formula.used_factors() {
        let column = &formula.factors[f].column;
        if !names.contains(column) {
            names.push(column.clone());
        }
    }
    let roles: Vec<(Setting, String)> = opts
        .roles
        .named()
        .into_iter()
        .map(|(r, c)| (r, c.to_string()))
        .collect();
    for (_, c) in &roles {
        if !names.contains(c) {
            names.push(c.clone());
        }
    }
    let table = read_table(path, &names, opts).map_err(|e| unknown_column(&formula, e))?;
    let file = table.file.clone();
    let mut design = build_design(&formula, &table, opts.missing)
        .map_err(|error| FormulaReadError::design(&table, error))?;
    if opts.missing == MissingPolicy::Drop {
        drop_missing_roles(&mut design, &table, &roles).map_err(|error| {
            FormulaReadError::Design {
                file: file.clone(),
                line: None,
                error: Box::new(error),
            }
        })?;
    }
    let mut rows = role_columns(&table, &roles, &design.kept)?;
    let lines: Vec<u64> = design.kept.iter().map(|&i| table.lines[i]).collect();
    rows.lines = Some(lines.clone());
    let at_line = |e: DataError| at_line(e, &lines);
    let threads = opts.threads;
    let data = match design.lhs_names.as_slice() {
        [target] if design.intercept => Dataset::new(
            design.names,
            target.clone(),
            design.x,
            design.lhs,
            file,
            threads,
        )
        .map_err(at_line)?
        .with_roles(rows)?,
        [target] => Dataset::without_intercept(
            design.names,
            (target.clone(), design.lhs),
            None,
            design.x,
            file,
            threads,
            rows,
        )
        .map_err(at_line)?,
        [successes, failures] => {
            let (s, f): (Vec<f64>, Vec<f64>) = design.lhs.chunks(2).map(|c| (c[0], c[1])).unzip();
            rows.failures = Some(f);
            let (successes, failures) = ((successes.clone(), s), failures.clone());
            match design.intercept {
                true => Dataset::from_counts(
                    design.names,
                    successes,
                    failures,
                    design.x,
                    file,
                    threads,
                    rows,
                )
                .map_err(at_line)?,
                false => Dataset::without_intercept(
                    design.names,
                    successes,
                    Some(failures),
                    design.x,
                    file,
                    threads,
                    rows,
                )
                .map_err(at_line)?,
            }
        }
        _ => {
            return Err(FormulaReadError::Design {
                file,
                line: None,
                error: Box::new(DesignError::UnsupportedResponse {
                    formula: formula.text.clone(),
                    found: "nothing (a target is needed: `y ~ ...`)".into(),
                }),
            })
        }
    };
    Ok((data, design.coding, design.dropped.len()))
}

/// The design's rows with a missing value in a role column (weights, the
/// offset, groups) left out, as statsmodels' formula API (`missing="drop"`)
/// drops the rows whose weights or offset are NaN after patsy has built the
/// design: the levels stay those patsy found. All rows dropped is refused
/// ([`DesignError::AllDropped`]).
fn drop_missing_roles(
    design: &mut FormulaDesign,
    table: &Table,
    roles: &[(Setting, String)],
) -> Result<(), DesignError> {
    let columns: Vec<&Column> = roles.iter().filter_map(|(_, n)| table.column(n)).collect();
    let missing = |i: usize| {
        columns.iter().any(|c| match c {
            Column::Float(v) => v[i].is_none_or(f64::is_nan),
            c => c.is_missing(i),
        })
    };
    if !design.kept.iter().any(|&i| missing(i)) {
        return Ok(());
    }
    let (k, n) = (design.names.len(), design.kept.len());
    let m = design.lhs.len() / n;
    let (mut x, mut lhs, mut kept) = (Vec::new(), Vec::new(), Vec::new());
    for (r, &i) in design.kept.iter().enumerate() {
        if missing(i) {
            design.dropped.push(i);
            continue;
        }
        x.extend_from_slice(&design.x[r * k..(r + 1) * k]);
        lhs.extend_from_slice(&design.lhs[r * m..(r + 1) * m]);
        kept.push(i);
    }
    design.dropped.sort_unstable();
    if kept.is_empty() {
        return Err(DesignError::AllDropped {
            dropped: design.dropped.len(),
        });
    }
    (design.x, design.lhs, design.n_rows) = (x, lhs, kept.len());
    design.kept = kept;
    Ok(())
}

/// A design value that is not finite, or a target other than 0 or 1,
/// named by its file line (`lines`: each design row's), as the reader
/// without a formula names it; other errors as they are.
fn at_line(e: DataError, lines: &[u64]) -> DataError {
    let line = |row: usize| lines.get(row.wrapping_sub(1)).copied();
    match e {
        DataError::NonFinite {
            file,
            row,
            column,
            value,
        } if line(row).is_some() => DataError::Infinite {
            file,
            line: line(row).unwrap_or_default(),
            column,
            value: crate::numfmt::Short(value).to_string(),
        },
        DataError::TargetNotBinary {
            file,
            row,
            column,
            value,
        } if line(row).is_some() => DataError::NotBinary {
            file,
            line: line(row).unwrap_or_default(),
            column,
            value: crate::numfmt::Short(value).to_string(),
        },
        other => other,
    }
}

/// A column the formula names that the file lacks, as the design words it
/// (the formula, where, and close names); other read errors as they are.
fn unknown_column(formula: &Formula, e: DataError) -> FormulaReadError {
    if let DataError::NoColumn {
        file,
        name,
        available,
        ..
    } = &e
    {
        if let Some(factor) = formula.factors.iter().find(|f| &f.column == name) {
            let available: Vec<&str> = available.iter().map(String::as_str).collect();
            return FormulaReadError::Design {
                file: file.clone(),
                line: None,
                error: Box::new(DesignError::UnknownColumn {
                    formula: formula.text.clone(),
                    column: name.clone(),
                    span: factor.column_span,
                    close: close_names(name, &available),
                }),
            };
        }
    }
    FormulaReadError::Data(e)
}

/// The role columns on the rows `kept`: weights and the offset as
/// numbers, groups as labels; a missing value or text in a numeric role is
/// refused naming its line.
fn role_columns(
    table: &Table,
    roles: &[(Setting, String)],
    kept: &[usize],
) -> Result<RowColumns, FormulaReadError> {
    let mut out = RowColumns::default();
    for (role, name) in roles {
        let column = table
            .column(name)
            .expect("read_table read every role column");
        let refuse = |i: usize, problem: &str| FormulaReadError::Role {
            file: table.file.clone(),
            line: table.lines[i],
            column: name.clone(),
            problem: problem.to_string(),
        };
        if *role == Setting::Groups {
            let labels = kept
                .iter()
                .map(|&i| label(column, i).ok_or_else(|| refuse(i, "missing group")))
                .collect::<Result<Vec<String>, _>>()?;
            out.groups = Some(Groups::from_labels(&labels));
            continue;
        }
        let values = kept
            .iter()
            .map(|&i| match column {
                Column::Int(v) => Ok(v[i] as f64),
                Column::Float(v) => v[i]
                    .filter(|x| !x.is_nan())
                    .ok_or_else(|| refuse(i, "missing value (the formula's rows need one)")),
                _ => Err(refuse(i, "not a number")),
            })
            .collect::<Result<Vec<f64>, _>>()?;
        *out.numeric_mut(*role) = Some(values);
    }
    Ok(out)
}

/// Row `i`'s cell as a label (None where missing).
fn label(column: &Column, i: usize) -> Option<String> {
    match column {
        Column::Int(v) => Some(v[i].to_string()),
        Column::Float(v) => v[i].filter(|x| !x.is_nan()).map(|x| x.to_string()),
        Column::Bool(v) => Some(if v[i] { "True" } else { "False" }.to_string()),
        Column::BoolObject(v) => v[i].map(|b| if b { "True" } else { "False" }.to_string()),
        Column::Text(v) => v[i].clone(),
    }
}
