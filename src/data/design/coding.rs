//! The coding of a formula's design, saved with a model: each factor's
//! column, kind, levels and reference, and the terms' blocks of columns in
//! patsy's order. From it the same design is built on new data: columns in
//! any order, extra columns ignored, a level not seen in the fit refused.
use std::collections::HashMap;

use super::column::{is_missing, names, number_at, type_name};
use super::error::DesignError;
use super::level::Level;
use super::subterms::{Contrast, SubtermFactor};
use crate::data::csv::{pandas_float, python_nan};
use crate::data::table::{Column, Table};
use crate::data::MissingPolicy;

/// A factor as coded.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CodedFactor {
    /// Its name in the formula (and in column names): `x`, `C(g)`.
    pub code: String,
    /// The column it reads.
    pub column: String,
    pub kind: FactorKind,
}

/// Numeric, or categorical with its levels (patsy's order) and reference.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactorKind {
    Numeric,
    Categorical {
        levels: Vec<Level>,
        /// Index into `levels` of the level Treatment contrasts leave out.
        reference: usize,
    },
}

/// A term and its blocks of columns (one block per subterm, in order).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CodedTerm {
    /// The term's name: `Intercept`, `x:g`.
    pub name: String,
    /// The blocks; factors are indices into [`Coding::factors`].
    pub subterms: Vec<Vec<SubtermFactor>>,
}

/// The columns of one term: `start..end` of the design's columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermColumns {
    pub name: String,
    pub start: usize,
    pub end: usize,
}

/// The right-hand side's coding.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Coding {
    pub factors: Vec<CodedFactor>,
    /// The terms, in the design's order.
    pub terms: Vec<CodedTerm>,
}

/// A design built from a coding: row-major values and the rows used.
#[derive(Debug, Clone, PartialEq)]
pub struct CodedRows {
    /// Row-major, `kept.len()` × the coding's column count.
    pub x: Vec<f64>,
    /// The table's rows in the design, in order (0-based).
    pub kept: Vec<usize>,
    /// The rows dropped for a missing value (0-based).
    pub dropped: Vec<usize>,
}

/// One column of the design: the factors multiplied into it, each with the
/// level it tests (`None` for a numeric factor's value).
type ColumnPlan = Vec<(usize, Option<usize>)>;

impl Coding {
    /// The design's column names, as patsy names them.
    pub fn column_names(&self) -> Vec<String> {
        self.plan().into_iter().map(|(name, _)| name).collect()
    }

    /// The number of columns.
    pub fn n_columns(&self) -> usize {
        self.plan().len()
    }

    /// Each term's columns.
    pub fn term_columns(&self) -> Vec<TermColumns> {
        let mut start = 0;
        self.terms
            .iter()
            .map(|t| {
                let n: usize = t.subterms.iter().map(|s| self.block_width(s)).sum();
                let cols = TermColumns {
                    name: t.name.clone(),
                    start,
                    end: start + n,
                };
                start += n;
                cols
            })
            .collect()
    }

    /// Whether the design has the intercept column.
    pub fn has_intercept(&self) -> bool {
        self.terms
            .iter()
            .any(|t| t.subterms.iter().any(Vec::is_empty))
    }

    /// Checks a coding read from a file: factor indices, levels and
    /// references in range, contrasts that fit their factors.
    pub fn check(&self) -> Result<(), DesignError> {
        let bad = |what: String| Err(DesignError::BadCoding(what));
        for f in &self.factors {
            if let FactorKind::Categorical { levels, reference } = &f.kind {
                if levels.is_empty() || *reference >= levels.len() {
                    return bad(format!(
                        "factor {:?} has a reference outside its levels",
                        f.code
                    ));
                }
            }
        }
        for t in &self.terms {
            for sf in t.subterms.iter().flatten() {
                let Some(f) = self.factors.get(sf.factor) else {
                    return bad(format!("term {:?} names factor {}", t.name, sf.factor));
                };
                let numeric = matches!(f.kind, FactorKind::Numeric);
                if numeric != (sf.contrast == Contrast::Numeric) {
                    return bad(format!(
                        "term {:?} codes factor {:?} as neither numeric nor categorical",
                        t.name, f.code
                    ));
                }
            }
        }
        Ok(())
    }

    fn block_width(&self, block: &[SubtermFactor]) -> usize {
        block.iter().map(|sf| self.width(sf)).product()
    }

    fn width(&self, sf: &SubtermFactor) -> usize {
        match (&self.factors[sf.factor].kind, sf.contrast) {
            (FactorKind::Categorical { levels, .. }, Contrast::Full) => levels.len(),
            (FactorKind::Categorical { levels, .. }, Contrast::Treatment) => levels.len() - 1,
            _ => 1,
        }
    }

    /// Every column's name and plan, in order: within a block the left-most
    /// factor's columns vary fastest (patsy's `_column_combinations`).
    fn plan(&self) -> Vec<(String, ColumnPlan)> {
        let mut out = Vec::new();
        for term in &self.terms {
            for block in &term.subterms {
                let widths: Vec<usize> = block.iter().map(|sf| self.width(sf)).collect();
                let total: usize = widths.iter().product();
                for combo in 0..total {
                    let mut rest = combo;
                    let mut plan = Vec::with_capacity(block.len());
                    let mut pieces = Vec::with_capacity(block.len());
                    for (sf, &w) in block.iter().zip(&widths) {
                        let c = rest % w;
                        rest /= w;
                        let f = &self.factors[sf.factor];
                        match (&f.kind, sf.contrast) {
                            (FactorKind::Categorical { levels, reference }, contrast) => {
                                let (level, prefix) = match contrast {
                                    Contrast::Treatment => {
                                        (if c < *reference { c } else { c + 1 }, "T.")
                                    }
                                    _ => (c, ""),
                                };
                                pieces.push(format!(
                                    "{}[{prefix}{}]",
                                    f.code,
                                    levels[level].name()
                                ));
                                plan.push((sf.factor, Some(level)));
                            }
                            (FactorKind::Numeric, _) => {
                                pieces.push(f.code.clone());
                                plan.push((sf.factor, None));
                            }
                        }
                    }
                    let name = if pieces.is_empty() {
                        "Intercept".to_string()
                    } else {
                        pieces.join(":")
                    };
                    out.push((name, plan));
                }
            }
        }
        out
    }

    /// The design of this coding on `table` (new data for a saved model):
    /// rows with a missing value in a used column are refused or dropped
    /// as `missing` says; a categorical value that is not a level is
    /// refused.
    pub fn design(&self, table: &Table, missing: MissingPolicy) -> Result<CodedRows, DesignError> {
        self.check()?;
        let mut columns = Vec::new();
        for f in &self.factors {
            let Some(values) = table.column(&f.column) else {
                return Err(DesignError::MissingColumn {
                    column: f.column.clone(),
                    close: super::error::close_names(&f.column, &names(table)),
                });
            };
            columns.push((f.column.as_str(), values));
        }
        let (kept, dropped) = kept_rows(table.rows(), &columns, missing)?;
        let x = self.fill(&columns, &kept)?;
        Ok(CodedRows { x, kept, dropped })
    }

    /// The design's values on the rows `kept`, row-major; `columns[i]` is
    /// factor i's column.
    pub(super) fn fill(
        &self,
        columns: &[(&str, &Column)],
        kept: &[usize],
    ) -> Result<Vec<f64>, DesignError> {
        let values: Vec<FactorRows> = self
            .factors
            .iter()
            .zip(columns)
            .map(|(f, (name, col))| factor_rows(f, name, col, kept))
            .collect::<Result<_, _>>()?;
        let plan: Vec<ColumnPlan> = self.plan().into_iter().map(|(_, p)| p).collect();
        let mut x = Vec::with_capacity(kept.len() * plan.len());
        for r in 0..kept.len() {
            for column in &plan {
                let mut v = 1.0;
                for &(f, level) in column {
                    v *= match (&values[f], level) {
                        (FactorRows::Numeric(xs), _) => xs[r],
                        (FactorRows::Levels(ls), Some(l)) => f64::from(u8::from(ls[r] == l)),
                        (FactorRows::Levels(_), None) => 1.0,
                    };
                }
                x.push(v);
            }
        }
        Ok(x)
    }
}

/// A factor's values on the kept rows.
enum FactorRows {
    Numeric(Vec<f64>),
    /// The index of each row's level.
    Levels(Vec<usize>),
}

/// A level's identity under Python's `==` and `hash`: whole numbers
/// (bools and whole floats included) by their exact value, other numbers
/// by value, text by its characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum LevelKey {
    Integer(i128),
    Number(u64),
    Text(String),
}

impl LevelKey {
    pub(super) fn of(level: &Level) -> LevelKey {
        match (level, level.integer()) {
            (Level::Text(s), _) => LevelKey::Text(s.clone()),
            (_, Some(i)) => LevelKey::Integer(i),
            (Level::Float(v), None) => LevelKey::Number(v.to_bits()),
            (_, None) => LevelKey::Number(0),
        }
    }
}

/// Row `i`'s value as a level (`None` where missing).
pub(super) fn level_at(col: &Column, i: usize) -> Option<Level> {
    match col {
        Column::Int(v) => Some(Level::Int(v[i])),
        Column::Float(v) => v[i].filter(|x| !x.is_nan()).map(Level::Float),
        Column::Bool(v) => Some(Level::Bool(v[i])),
        Column::BoolObject(v) => v[i].map(Level::Bool),
        Column::Text(v) => v[i].clone().filter(|t| !python_nan(t)).map(Level::Text),
    }
}

fn factor_rows(
    f: &CodedFactor,
    name: &str,
    col: &Column,
    kept: &[usize],
) -> Result<FactorRows, DesignError> {
    match &f.kind {
        FactorKind::Numeric => {
            let xs = match col {
                Column::Int(_) | Column::Float(_) => {
                    kept.iter().map(|&i| number_at(col, i)).collect()
                }
                other => {
                    let row = first_not_number(other, kept);
                    return Err(DesignError::NotNumeric {
                        row,
                        value: level_at(other, row).map_or_else(String::new, |l| l.name()),
                        code: f.code.clone(),
                        column: name.to_string(),
                        found: type_name(other),
                    });
                }
            };
            Ok(FactorRows::Numeric(xs))
        }
        FactorKind::Categorical { levels, .. } => {
            let index: HashMap<LevelKey, usize> = levels
                .iter()
                .enumerate()
                .map(|(i, l)| (LevelKey::of(l), i))
                .collect();
            let mut out = Vec::with_capacity(kept.len());
            for &i in kept {
                let level = level_at(col, i);
                match level.as_ref().and_then(|l| index.get(&LevelKey::of(l))) {
                    Some(&l) => out.push(l),
                    None => {
                        return Err(DesignError::UnseenLevel {
                            row: i,
                            column: name.to_string(),
                            code: f.code.clone(),
                            value: level.map_or_else(String::new, |l| as_written(&l)),
                            levels: shown_levels(levels),
                        })
                    }
                }
            }
            Ok(FactorRows::Levels(out))
        }
    }
}

/// The first of the rows `kept` whose cell is neither missing nor a
/// number (the first kept row where there is none).
fn first_not_number(col: &Column, kept: &[usize]) -> usize {
    let number = |i: usize| match col {
        Column::Text(v) => v[i].as_deref().is_none_or(|t| pandas_float(t).is_some()),
        _ => false,
    };
    kept.iter()
        .copied()
        .find(|&i| !number(i))
        .unwrap_or(kept.first().copied().unwrap_or(0))
}

/// A level as a message shows a cell: text as written, quoted; a number
/// or a bool as pandas read it, saying so (a level `1` read from `01`
/// differs from the text level `1`).
fn as_written(level: &Level) -> String {
    match level {
        Level::Text(s) => format!("{s:?}"),
        Level::Bool(_) => format!("{} (read as True/False)", level.name()),
        Level::Int(_) | Level::Float(_) => format!("{} (read as a number)", level.name()),
    }
}

/// Levels' names for a message: the first 20, then how many more.
pub(super) fn shown_levels(levels: &[Level]) -> Vec<String> {
    let mut shown: Vec<String> = levels.iter().take(20).map(Level::name).collect();
    if levels.len() > 20 {
        shown.push(format!("... {} more", levels.len() - 20));
    }
    shown
}

/// The rows to keep and the rows dropped, given the columns that count: a
/// missing value is refused (the first, in row order) or drops its row.
pub(super) fn kept_rows(
    n_rows: usize,
    columns: &[(&str, &Column)],
    missing: MissingPolicy,
) -> Result<(Vec<usize>, Vec<usize>), DesignError> {
    let mut kept = Vec::with_capacity(n_rows);
    let mut dropped = Vec::new();
    for i in 0..n_rows {
        match columns.iter().find(|(_, c)| is_missing(c, i)) {
            None => kept.push(i),
            Some((name, _)) => match missing {
                MissingPolicy::Error => {
                    return Err(DesignError::Missing {
                        row: i,
                        column: name.to_string(),
                    })
                }
                MissingPolicy::Drop => dropped.push(i),
            },
        }
    }
    if kept.is_empty() && !dropped.is_empty() {
        return Err(DesignError::AllDropped {
            dropped: dropped.len(),
        });
    }
    Ok((kept, dropped))
}
