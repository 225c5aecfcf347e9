//! Why a formula cannot be read: what is wrong, and where (byte offsets and
//! the offending text), in one line.
use std::fmt;

/// A byte range of the formula's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn join(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// The spanned text of `formula` (empty where the span is not in it).
    pub fn text(self, formula: &str) -> &str {
        formula.get(self.start..self.end).unwrap_or("")
    }
}

/// What is wrong with a formula.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormulaProblem {
    /// A character that starts no token (`$`, `?`, a backtick, ...).
    BadCharacter,
    /// A string literal without its closing quote.
    UnclosedString,
    /// A `)` (or `]`, `}`) without its opening bracket.
    UnmatchedClose,
    /// An opening bracket never closed.
    UnclosedBracket,
    /// A term was expected (a column, `C(...)`, `Q(...)`, `0`, `1`, `(`).
    ExpectedTerm,
    /// An operator was expected between two terms.
    ExpectedOperator,
    /// The formula ends where a term was expected.
    EndsEarly,
    /// `~` inside a side of the formula, or twice.
    TildeNotAtTop,
    /// Unary minus applied to something other than 0 or 1.
    UnaryMinus,
    /// A number other than 0 and 1 outside an exponent.
    Number,
    /// The exponent of `**` is not a positive whole number.
    Power,
    /// The intercept (`1`) inside an interaction.
    InterceptInteraction,
    /// A Python expression outside the supported subset (functions, `I()`,
    /// attributes such as `a.b`, `C()` with settings other than
    /// `Treatment`).
    Unsupported,
    /// `Q()` or `C()` without the argument it needs.
    BadArguments(&'static str),
}

impl fmt::Display for FormulaProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormulaProblem::BadCharacter => f.write_str("unexpected character"),
            FormulaProblem::UnclosedString => f.write_str("string without its closing quote"),
            FormulaProblem::UnmatchedClose => {
                f.write_str("closing bracket without its opening one")
            }
            FormulaProblem::UnclosedBracket => f.write_str("bracket never closed"),
            FormulaProblem::ExpectedTerm => {
                f.write_str("expected a term (a column, C(...), Q(\"...\"), 0, 1 or a parenthesis)")
            }
            FormulaProblem::ExpectedOperator => {
                f.write_str("expected an operator (~ + - * / : **) between two terms")
            }
            FormulaProblem::EndsEarly => f.write_str("the formula ends where a term is expected"),
            FormulaProblem::TildeNotAtTop => {
                f.write_str("~ can be used once, between the target and the terms")
            }
            FormulaProblem::UnaryMinus => f.write_str("unary minus applies only to 0 or 1"),
            FormulaProblem::Number => {
                f.write_str("numbers other than 0 and 1 are allowed only after **")
            }
            FormulaProblem::Power => f.write_str("** needs a positive whole number"),
            FormulaProblem::InterceptInteraction => {
                f.write_str("the intercept (1) cannot interact with anything")
            }
            FormulaProblem::Unsupported => f.write_str(
                "unsupported expression: a term is a column name, Q(\"name\"), C(column) or \
                 C(column, Treatment(level)); write a column name that is not an identifier \
                 as Q(\"name\")",
            ),
            FormulaProblem::BadArguments(what) => f.write_str(what),
        }
    }
}

/// A formula that cannot be read: the problem, where it is, and the text
/// there.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("formula {formula:?}, byte {}: {problem}: {text:?}", .span.start)]
pub struct FormulaError {
    pub problem: FormulaProblem,
    /// Where in the formula.
    pub span: Span,
    /// The text at `span` (the whole formula's end where it ends early).
    pub text: String,
    /// The whole formula.
    pub formula: String,
}

impl FormulaError {
    pub fn new(problem: FormulaProblem, span: Span, formula: &str) -> FormulaError {
        FormulaError {
            problem,
            span,
            text: span.text(formula).to_string(),
            formula: formula.to_string(),
        }
    }

    /// Input errors, exit code 2.
    pub fn kind(&self) -> crate::ErrorKind {
        crate::ErrorKind::BadInput
    }
}
