//! A formula's design, as statsmodels' formula API builds it through
//! patsy: [`build_design`] turns a [`Formula`](crate::spec::formula::Formula)
//! and a [`Table`](crate::data::table::Table) of typed columns into the design matrix, its column and term names, the
//! left-hand side and a [`Coding`] that rebuilds the same columns on new
//! data ([`Coding::design`]).
//!
//! patsy's rules, pinned by tests/fixtures/formula/ (written by
//! scripts/make_formula_fixtures.py from patsy itself; compared in
//! `tests.rs`): text and bool columns are categorical, numeric ones
//! numeric unless in `C()`; levels sorted (numbers numerically, text by
//! code point, False < True; a bool factor always has both); terms grouped
//! by their numeric factors and coded full rank (`subterms.rs`); level
//! names are Python's `str`/`repr` (`level.rs`).
mod build;
mod coding;
mod column;
mod error;
mod level;
mod subterms;
#[cfg(test)]
mod tests;

pub use build::{build_design, FormulaDesign};
pub use coding::{CodedFactor, CodedRows, CodedTerm, Coding, FactorKind, TermColumns};
pub use error::{close_names, DesignError, MAX_CATEGORICAL_IN_TERM, MAX_LEVELS};
pub use level::{str_repr, Level};
pub use subterms::{Contrast, SubtermFactor};
