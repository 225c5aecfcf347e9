//! A formula model's design on new data: the design its saved coding builds
//! from the new data's raw columns (any order, extra columns ignored), the
//! offset, and which of the table's rows it kept.
use crate::data::design::Coding;
use crate::data::{Column, FormulaReadError, MissingPolicy, Table};

/// The columns of new data a formula model reads: its factors' columns,
/// then `offset`.
pub fn formula_columns(coding: &Coding, offset: Option<&str>) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for f in &coding.factors {
        if !names.contains(&f.column) {
            names.push(f.column.clone());
        }
    }
    if let Some(o) = offset {
        if !names.iter().any(|n| n == o) {
            names.push(o.to_string());
        }
    }
    names
}

/// A formula model's rows of new data: the design (row-major), the offset's
/// values, and the table rows kept.
pub type FormulaRows = (Vec<f64>, Option<Vec<f64>>, Vec<usize>);

/// The design of `coding` on `table` (row-major), the `offset` column's
/// values, and the table rows kept: a row with a missing value in a used
/// column (or the offset) is refused or dropped as `missing` says; a level
/// the fit did not see is refused naming its line.
pub fn formula_rows(
    coding: &Coding,
    offset: Option<&str>,
    table: &Table,
    missing: MissingPolicy,
) -> Result<FormulaRows, FormulaReadError> {
    let offset_values = |i: usize| -> Option<f64> {
        match offset.and_then(|o| table.column(o))? {
            Column::Int(v) => Some(v[i] as f64),
            Column::Float(v) => v[i].filter(|x| !x.is_nan()),
            _ => None,
        }
    };
    // Rows whose offset is missing count as missing rows.
    let rows = coding
        .design(table, missing)
        .map_err(|e| FormulaReadError::design(table, e))?;
    let (mut x, mut kept) = (Vec::new(), Vec::new());
    let mut off = Vec::new();
    let k = coding.n_columns();
    for (r, &i) in rows.kept.iter().enumerate() {
        if offset.is_some() {
            match offset_values(i) {
                Some(v) => off.push(v),
                None if missing == MissingPolicy::Drop => continue,
                None => {
                    return Err(FormulaReadError::Role {
                        file: table.file.clone(),
                        line: table.lines[i],
                        column: offset.unwrap_or_default().to_string(),
                        problem: "the offset is missing or not a number".into(),
                    })
                }
            }
        }
        x.extend_from_slice(&rows.x[r * k..(r + 1) * k]);
        kept.push(i);
    }
    Ok((x, offset.map(|_| off), kept))
}
