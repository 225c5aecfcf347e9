//! A formula's design built from a table as statsmodels' formula API
//! builds it through patsy: the factors' kinds and levels from the data,
//! the terms in patsy's order with its full-rank coding, the rows with a
//! missing value in a used column refused or dropped, and the left-hand
//! side's column(s).
use super::coding::{
    kept_rows, level_at, shown_levels, CodedFactor, CodedTerm, Coding, FactorKind, LevelKey,
    TermColumns,
};
use super::column::{is_numeric as numeric_column, names, number_at, type_name};
use super::error::{close_names, DesignError, MAX_CATEGORICAL_IN_TERM, MAX_LEVELS};
use super::level::{str_repr, Level};
use super::subterms::order_and_code;
use crate::data::table::{Column, Table};
use crate::data::MissingPolicy;
use crate::spec::formula::{Factor, FactorCoding, Formula, LevelRef, Term};

/// A formula's design on a table.
#[derive(Debug, Clone, PartialEq)]
pub struct FormulaDesign {
    /// Row-major, `n_rows` × `names.len()`.
    pub x: Vec<f64>,
    pub n_rows: usize,
    /// The columns' names (`Intercept`, `g[T.b]`, `x:g[T.b]`).
    pub names: Vec<String>,
    /// Each term's columns, in order.
    pub terms: Vec<TermColumns>,
    /// Whether the first column is the intercept.
    pub intercept: bool,
    /// The left-hand side's values, row-major, `n_rows` ×
    /// `lhs_names.len()` (one column, or successes and failures).
    pub lhs: Vec<f64>,
    /// The left-hand side's column names (its factors' codes); empty for a
    /// one-sided formula.
    pub lhs_names: Vec<String>,
    /// What statsmodels prints as `Dep. Variable:`: the name, or for two
    /// columns Python's repr of the list (`['S', 'F']`).
    pub dep_variable: String,
    /// The right-hand side's coding, to build the same design on new data.
    pub coding: Coding,
    /// The table's rows in the design (0-based).
    pub kept: Vec<usize>,
    /// The rows dropped for a missing value (0-based).
    pub dropped: Vec<usize>,
}

/// The design of `formula` on `table`; a missing value in a used column
/// (either side) is refused or drops its row as `missing` says. Levels
/// come from every row with a value in that column, dropped rows included,
/// as patsy finds them.
pub fn build_design(
    formula: &Formula,
    table: &Table,
    missing: MissingPolicy,
) -> Result<FormulaDesign, DesignError> {
    let used = formula.used_factors();
    let mut columns: Vec<Option<&Column>> = vec![None; formula.factors.len()];
    for &f in &used {
        let factor = &formula.factors[f];
        match table.column(&factor.column) {
            Some(c) => columns[f] = Some(c),
            None => {
                return Err(DesignError::UnknownColumn {
                    formula: formula.text.clone(),
                    column: factor.column.clone(),
                    span: factor.column_span,
                    close: close_names(&factor.column, &names(table)),
                })
            }
        }
    }
    let column = |f: usize| columns[f].unwrap_or(&EMPTY);
    let is_numeric =
        |f: usize| formula.factors[f].coding == FactorCoding::Auto && numeric_column(column(f));

    let lhs = response(formula, &column)?;

    // The right-hand side's factors, numbered in the coding.
    let mut coded_index = vec![usize::MAX; formula.factors.len()];
    let mut factors = Vec::new();
    for &f in &used {
        if formula.rhs.iter().any(|t| t.factors.contains(&f)) {
            coded_index[f] = factors.len();
            factors.push(coded_factor(
                formula,
                &formula.factors[f],
                column(f),
                is_numeric(f),
            )?);
        }
    }
    for t in &formula.rhs {
        let count = t.factors.iter().filter(|&&f| !is_numeric(f)).count();
        if count > MAX_CATEGORICAL_IN_TERM {
            return Err(DesignError::TermTooLarge {
                formula: formula.text.clone(),
                term: formula.term_name(t),
                count,
            });
        }
    }
    let terms = order_and_code(&formula.rhs, is_numeric)
        .into_iter()
        .map(|(t, blocks)| CodedTerm {
            name: formula.term_name(&formula.rhs[t]),
            subterms: blocks
                .into_iter()
                .map(|b| {
                    b.into_iter()
                        .map(|mut sf| {
                            sf.factor = coded_index[sf.factor];
                            sf
                        })
                        .collect()
                })
                .collect(),
        })
        .collect();
    let coding = Coding { factors, terms };

    let mut counted: Vec<(&str, &Column)> = Vec::new();
    for &f in &used {
        let name = formula.factors[f].column.as_str();
        if !counted.iter().any(|(n, _)| *n == name) {
            counted.push((name, column(f)));
        }
    }
    let (kept, dropped) = kept_rows(table.rows(), &counted, missing)?;
    let rhs_columns: Vec<(&str, &Column)> = coding
        .factors
        .iter()
        .map(|cf| {
            (
                cf.column.as_str(),
                table.column(&cf.column).unwrap_or(&EMPTY),
            )
        })
        .collect();
    let x = coding.fill(&rhs_columns, &kept)?;

    let lhs_names: Vec<String> = lhs
        .iter()
        .map(|&f| formula.factors[f].code.clone())
        .collect();
    let mut y = Vec::with_capacity(kept.len() * lhs.len());
    for &i in &kept {
        for &f in &lhs {
            y.push(number_at(column(f), i));
        }
    }
    let dep_variable = match lhs_names.as_slice() {
        [one] => one.clone(),
        [] => String::new(),
        many => {
            let shown: Vec<String> = many.iter().map(|n| str_repr(n)).collect();
            format!("[{}]", shown.join(", "))
        }
    };
    Ok(FormulaDesign {
        n_rows: kept.len(),
        names: coding.column_names(),
        terms: coding.term_columns(),
        intercept: coding.has_intercept(),
        x,
        lhs: y,
        lhs_names,
        dep_variable,
        coding,
        kept,
        dropped,
    })
}

static EMPTY: Column = Column::Float(Vec::new());

/// The left-hand side's factors: none, one numeric column, or two
/// (successes and failures).
fn response<'a>(
    formula: &Formula,
    column: &impl Fn(usize) -> &'a Column,
) -> Result<Vec<usize>, DesignError> {
    let unsupported = || DesignError::UnsupportedResponse {
        formula: formula.text.clone(),
        found: formula
            .lhs
            .iter()
            .map(|t| formula.term_name(t))
            .collect::<Vec<_>>()
            .join(" + "),
    };
    if formula.lhs.len() > 2 || formula.lhs.iter().any(|t: &Term| t.factors.len() != 1) {
        return Err(unsupported());
    }
    let mut out = Vec::new();
    for t in &formula.lhs {
        let f = t.factors[0];
        let factor = &formula.factors[f];
        let col = column(f);
        if factor.coding != FactorCoding::Auto || !numeric_column(col) {
            return Err(DesignError::CategoricalTarget {
                formula: formula.text.clone(),
                code: factor.code.clone(),
                span: factor.span,
                what: if factor.coding == FactorCoding::Auto {
                    format!("column {:?} holds {}", factor.column, type_name(col))
                } else {
                    "C() makes it categorical".to_string()
                },
            });
        }
        out.push(f);
    }
    Ok(out)
}

/// A right-hand side factor's kind; a categorical one's levels (patsy's
/// order; both False and True for a bool column) and reference.
fn coded_factor(
    formula: &Formula,
    factor: &Factor,
    col: &Column,
    numeric: bool,
) -> Result<CodedFactor, DesignError> {
    let kind = if numeric {
        FactorKind::Numeric
    } else {
        let levels = levels(formula, factor, col)?;
        let reference = match &factor.coding {
            FactorCoding::Categorical { reference: Some(r) } => {
                reference_index(formula, factor, &levels, r)?
            }
            _ => 0,
        };
        FactorKind::Categorical { levels, reference }
    };
    Ok(CodedFactor {
        code: factor.code.clone(),
        column: factor.column.clone(),
        kind,
    })
}

fn levels(formula: &Formula, factor: &Factor, col: &Column) -> Result<Vec<Level>, DesignError> {
    let mut levels: Vec<Level> = Vec::new();
    if let Column::Bool(_) = col {
        levels = vec![Level::Bool(false), Level::Bool(true)];
    } else {
        let mut seen = std::collections::HashSet::new();
        for i in 0..col.len() {
            if let Some(level) = level_at(col, i) {
                if seen.insert(LevelKey::of(&level)) {
                    levels.push(level);
                    if levels.len() > MAX_LEVELS {
                        break;
                    }
                }
            }
        }
    }
    if levels.len() > MAX_LEVELS {
        let count = {
            let mut seen = std::collections::HashSet::new();
            (0..col.len())
                .filter_map(|i| level_at(col, i))
                .filter(|l| seen.insert(LevelKey::of(l)))
                .count()
        };
        return Err(DesignError::TooManyLevels {
            formula: formula.text.clone(),
            code: factor.code.clone(),
            column: factor.column.clone(),
            span: factor.span,
            count,
        });
    }
    if levels.is_empty() {
        return Err(DesignError::NoLevels {
            formula: formula.text.clone(),
            code: factor.code.clone(),
            column: factor.column.clone(),
            span: factor.span,
        });
    }
    levels.sort_by(Level::py_cmp);
    Ok(levels)
}

/// patsy's `_get_level`: the level equal to `r`, else an integer `r` as a
/// position (negative from the end). A level that is neither is refused,
/// also where the factor is coded in full and patsy would not look at it.
fn reference_index(
    formula: &Formula,
    factor: &Factor,
    levels: &[Level],
    r: &LevelRef,
) -> Result<usize, DesignError> {
    if let Some(i) = levels.iter().position(|l| l.matches(r)) {
        return Ok(i);
    }
    let position = match r {
        LevelRef::Int(i) => Some(*i),
        LevelRef::Bool(b) => Some(i64::from(*b)),
        _ => None,
    };
    let n = levels.len() as i64;
    if let Some(p) = position.map(|p| if p < 0 { p + n } else { p }) {
        if (0..n).contains(&p) {
            return Ok(p as usize);
        }
    }
    let span = factor.reference_span.unwrap_or(factor.span);
    Err(DesignError::LevelNotFound {
        formula: formula.text.clone(),
        code: factor.code.clone(),
        span,
        level: span.text(&formula.text).to_string(),
        levels: shown_levels(levels),
    })
}
