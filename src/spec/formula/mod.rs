//! Model formulas (`y ~ a + C(g, Treatment('b')) + a:g`) read as patsy,
//! statsmodels' formula engine, reads them: the tokens (`lex.rs`), patsy's
//! spacing of a factor's name (`spacing.rs`), the operator-precedence parse
//! (`parse.rs`), a factor's expression (`factor.rs`) and the term algebra
//! (`eval.rs`) into the term lists of each side (`desc.rs`).
//!
//! Supported: `~`, `+`, `-`, `*`, `/`, `:`, `**`, parentheses, `0`/`1`
//! and `-1`/`-0`; a factor is a column name, `Q("any name")`, or
//! `C(column)`, `C(column, Treatment)`, `C(column, Treatment(level))`,
//! `C(column, Treatment(reference=level))` with a string, number or bool
//! level. Other Python expressions (`np.log(x)`, `I(x**2)`, other
//! contrasts) are refused. The design built from the terms is in
//! `data/design/`; patsy's rules are pinned by patsy's own test cases here
//! and by the fixtures of `scripts/make_formula_fixtures.py`.
mod desc;
mod error;
mod eval;
mod factor;
mod lex;
mod parse;
mod spacing;

pub use desc::{Formula, Term};
pub use error::{FormulaError, FormulaProblem, Span};
pub use factor::{Factor, FactorCoding, LevelRef};
