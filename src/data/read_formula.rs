//! [`read_formula`]: a data set from a file and a model formula, as
//! statsmodels' formula API builds it (patsy's design of the columns the
//! formula uses, the left-hand side as the target or as binomial counts).
use std::path::Path;

use super::csv::read_table;
use super::design::{build_design, close_names, Coding, DesignError};
use super::formula_error::FormulaReadError;
use super::table::{Column, Table};
use super::{CsvOptions, DataError, Dataset, Groups, RowColumns};
use crate::setting::Setting;
use crate::spec::formula::Formula;

/// The data set of `formula` on the file `path`: the formula is parsed,
/// only the columns it uses and the role columns of `opts.roles` are read
/// (as pandas types them), its design is built (a missing value in a used
/// column refused or its row dropped, as `opts.missing` says), and the
/// data set takes the design's names (`Intercept` first: a formula without
/// an intercept is refused, [`FormulaReadError::NoIntercept`]),
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
    let design = build_design(&formula, &table, opts.missing).map_err(|error| {
        let line = match &error {
            DesignError::Missing { row, .. }
            | DesignError::UnseenLevel { row, .. }
            | DesignError::NotNumeric { row, .. } => table.lines.get(*row).copied(),
            _ => None,
        };
        FormulaReadError::Design {
            file: file.clone(),
            line,
            error: Box::new(error),
        }
    })?;
    if !design.intercept {
        return Err(FormulaReadError::NoIntercept {
            file,
            formula: formula.text.clone(),
        });
    }
    let mut rows = role_columns(&table, &roles, &design.kept)?;
    let lines: Vec<u64> = design.kept.iter().map(|&i| table.lines[i]).collect();
    rows.lines = Some(lines.clone());
    let at_line = |e: DataError| at_line(e, &lines);
    let threads = opts.threads;
    let data = match design.lhs_names.as_slice() {
        [target] => Dataset::new(
            design.names,
            target.clone(),
            design.x,
            design.lhs,
            file,
            threads,
        )
        .map_err(at_line)?
        .with_roles(rows)?,
        [successes, failures] => {
            let (s, f): (Vec<f64>, Vec<f64>) = design.lhs.chunks(2).map(|c| (c[0], c[1])).unzip();
            rows.failures = Some(f);
            Dataset::from_counts(
                design.names,
                (successes.clone(), s),
                failures.clone(),
                design.x,
                file,
                threads,
                rows,
            )
            .map_err(at_line)?
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
        Column::Text(v) => v[i].clone(),
    }
}
