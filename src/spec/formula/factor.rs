//! A factor of the formula: the column it reads (a name, or `Q("name")`),
//! whether `C()` makes it categorical, and Treatment's reference level,
//! read from the tokens of one embedded expression.
use super::error::{FormulaError, FormulaProblem, Span};
use super::lex::{string_value, Token, TokenClass};

/// A level named in `Treatment(...)`, as written: patsy compares it with
/// the levels by Python's `==` (so `2` matches the level `2.0`), and an
/// integer that is not a level counts as a position (negative from the
/// end).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LevelRef {
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

/// How a factor is coded.
#[derive(Debug, Clone, PartialEq)]
pub enum FactorCoding {
    /// A bare column: numeric for a numeric column, categorical for text
    /// and bool columns (patsy's rule).
    Auto,
    /// `C(column)` or `C(column, Treatment(...))`: categorical whatever the
    /// column's type, with the reference level where one is named (the
    /// first level otherwise).
    Categorical { reference: Option<LevelRef> },
}

/// One factor: patsy names it by its code, spaced as patsy spaces it, and
/// two factors with the same code are the same factor.
#[derive(Debug, Clone, PartialEq)]
pub struct Factor {
    /// The factor's name: `x`, `Q("x y")`, `C(g, Treatment('b'))`.
    pub code: String,
    /// The column it reads.
    pub column: String,
    pub coding: FactorCoding,
    /// Where the factor is in the formula (its first occurrence).
    pub span: Span,
    /// Where its column's name is.
    pub column_span: Span,
    /// Where its reference level is, when one is named.
    pub reference_span: Option<Span>,
}

/// Python's keywords: not column names a bare term can use.
const KEYWORDS: [&str; 35] = [
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

const C_ARGUMENTS: &str =
    "C() takes a column and, optionally, Treatment, Treatment(level) or Treatment(reference=level)";
const Q_ARGUMENTS: &str = "Q() takes one string, the column's name: Q(\"name with spaces\")";

/// The factor an expression names, or why the expression is not one.
pub fn read_factor(
    tokens: &[Token],
    code: &str,
    span: Span,
    formula: &str,
) -> Result<Factor, FormulaError> {
    let unsupported = || FormulaError::new(FormulaProblem::Unsupported, span, formula);
    let mut r = Reader {
        tokens,
        at: 0,
        span,
        formula,
    };
    let factor = match tokens {
        [t] if t.class == TokenClass::Name => {
            if KEYWORDS.contains(&t.text.as_str()) {
                return Err(unsupported());
            }
            Factor {
                code: code.to_string(),
                column: t.text.clone(),
                coding: FactorCoding::Auto,
                span,
                column_span: t.span,
                reference_span: None,
            }
        }
        [t, ..] if t.class == TokenClass::Name && t.text == "Q" => {
            let (column, column_span) = r.quoted()?;
            r.end(Q_ARGUMENTS)?;
            Factor {
                code: code.to_string(),
                column,
                coding: FactorCoding::Auto,
                span,
                column_span,
                reference_span: None,
            }
        }
        [t, open, ..] if t.class == TokenClass::Name && t.text == "C" && open.text == "(" => {
            r.at = 2;
            let (column, column_span) = r.column()?;
            let mut reference = None;
            let mut reference_span = None;
            if r.eat(",") && !r.peek_is(")") {
                if !r.eat_name("Treatment") {
                    return Err(r.bad(C_ARGUMENTS));
                }
                if r.eat("(") {
                    if !r.peek_is(")") {
                        if r.peek_name("reference")
                            && r.tokens.get(r.at + 1).is_some_and(|t| t.text == "=")
                        {
                            r.at += 2;
                        }
                        let (level, at) = r.literal()?;
                        reference = Some(level);
                        reference_span = Some(at);
                        r.eat(",");
                    }
                    r.expect(")", C_ARGUMENTS)?;
                }
                r.eat(",");
            }
            r.expect(")", C_ARGUMENTS)?;
            if r.at != tokens.len() {
                return Err(r.bad(C_ARGUMENTS));
            }
            Factor {
                code: code.to_string(),
                column,
                coding: FactorCoding::Categorical { reference },
                span,
                column_span,
                reference_span,
            }
        }
        _ => return Err(unsupported()),
    };
    Ok(factor)
}

struct Reader<'a> {
    tokens: &'a [Token],
    at: usize,
    span: Span,
    formula: &'a str,
}

impl Reader<'_> {
    fn bad(&self, what: &'static str) -> FormulaError {
        let span = self.tokens.get(self.at).map_or(self.span, |t| t.span);
        FormulaError::new(FormulaProblem::BadArguments(what), span, self.formula)
    }

    fn peek_is(&self, text: &str) -> bool {
        self.tokens
            .get(self.at)
            .is_some_and(|t| t.class == TokenClass::Op && t.text == text)
    }

    fn peek_name(&self, name: &str) -> bool {
        self.tokens
            .get(self.at)
            .is_some_and(|t| t.class == TokenClass::Name && t.text == name)
    }

    fn eat(&mut self, text: &str) -> bool {
        let hit = self.peek_is(text);
        self.at += usize::from(hit);
        hit
    }

    fn eat_name(&mut self, name: &str) -> bool {
        let hit = self.peek_name(name);
        self.at += usize::from(hit);
        hit
    }

    fn expect(&mut self, text: &str, what: &'static str) -> Result<(), FormulaError> {
        if self.eat(text) {
            Ok(())
        } else {
            Err(self.bad(what))
        }
    }

    fn end(&self, what: &'static str) -> Result<(), FormulaError> {
        if self.at == self.tokens.len() {
            Ok(())
        } else {
            Err(self.bad(what))
        }
    }

    /// `Q("name")` from the current token (the `Q`).
    fn quoted(&mut self) -> Result<(String, Span), FormulaError> {
        self.at += 1;
        self.expect("(", Q_ARGUMENTS)?;
        let Some(t) = self
            .tokens
            .get(self.at)
            .filter(|t| t.class == TokenClass::String)
        else {
            return Err(self.bad(Q_ARGUMENTS));
        };
        self.at += 1;
        self.eat(",");
        self.expect(")", Q_ARGUMENTS)?;
        Ok((string_value(&t.text), t.span))
    }

    /// A column: a name, or `Q("name")`.
    fn column(&mut self) -> Result<(String, Span), FormulaError> {
        match self.tokens.get(self.at) {
            Some(t)
                if t.class == TokenClass::Name
                    && t.text == "Q"
                    && self.tokens.get(self.at + 1).is_some_and(|n| n.text == "(") =>
            {
                self.quoted()
            }
            Some(t) if t.class == TokenClass::Name && !KEYWORDS.contains(&t.text.as_str()) => {
                self.at += 1;
                Ok((t.text.clone(), t.span))
            }
            _ => Err(self.bad(C_ARGUMENTS)),
        }
    }

    /// A level: a string, a number (signed), True or False.
    fn literal(&mut self) -> Result<(LevelRef, Span), FormulaError> {
        let what = "a level is a string, a number, True or False: Treatment('level')";
        let negative = self.eat("-");
        let sign_span = if negative {
            Some(self.tokens[self.at - 1].span)
        } else {
            None
        };
        let Some(t) = self.tokens.get(self.at) else {
            return Err(self.bad(what));
        };
        let span = sign_span.map_or(t.span, |s| s.join(t.span));
        let level = match t.class {
            TokenClass::String if !negative => LevelRef::Text(string_value(&t.text)),
            TokenClass::Name if !negative && t.text == "True" => LevelRef::Bool(true),
            TokenClass::Name if !negative && t.text == "False" => LevelRef::Bool(false),
            TokenClass::Number => {
                let digits = t.text.replace('_', "");
                let sign = if negative { -1.0 } else { 1.0 };
                if let Ok(i) = digits.parse::<i64>() {
                    LevelRef::Int(if negative { -i } else { i })
                } else if let Ok(v) = digits.parse::<f64>() {
                    LevelRef::Float(sign * v)
                } else {
                    return Err(self.bad(what));
                }
            }
            _ => return Err(self.bad(what)),
        };
        self.at += 1;
        Ok((level, span))
    }
}

#[cfg(test)]
mod tests {
    use super::super::lex::tokenize;
    use super::super::spacing::pretty;
    use super::*;

    fn factor(code: &str) -> Result<Factor, FormulaError> {
        let tokens = tokenize(code).unwrap();
        read_factor(&tokens, &pretty(&tokens), Span::new(0, code.len()), code)
    }

    #[test]
    fn reads_columns_and_categories() {
        let f = factor("Q(\"x y\")").unwrap();
        assert_eq!((f.column.as_str(), f.code.as_str()), ("x y", "Q(\"x y\")"));
        assert_eq!(f.coding, FactorCoding::Auto);
        let f = factor("C(Q('a b'),Treatment(reference=-2))").unwrap();
        assert_eq!(f.column, "a b");
        assert_eq!(f.code, "C(Q('a b'), Treatment(reference=-2))");
        assert_eq!(
            f.coding,
            FactorCoding::Categorical {
                reference: Some(LevelRef::Int(-2))
            }
        );
        let f = factor("C(g, Treatment(\"w\"))").unwrap();
        assert_eq!(
            f.coding,
            FactorCoding::Categorical {
                reference: Some(LevelRef::Text("w".into()))
            }
        );
        assert_eq!(
            f.reference_span.map(|s| s.text("C(g, Treatment(\"w\"))")),
            Some("\"w\"")
        );
        for (code, level) in [
            ("C(k, Treatment(2.5))", LevelRef::Float(2.5)),
            ("C(k, Treatment(True))", LevelRef::Bool(true)),
        ] {
            assert_eq!(
                factor(code).unwrap().coding,
                FactorCoding::Categorical {
                    reference: Some(level)
                }
            );
        }
        for code in ["C(g)", "C(g, Treatment)", "C(g, Treatment())"] {
            assert_eq!(
                factor(code).unwrap().coding,
                FactorCoding::Categorical { reference: None }
            );
        }
    }

    #[test]
    fn rejects_expressions_outside_the_subset() {
        for code in ["np.log(x)", "I(x ** 2)", "a.b", "x[0]", "lambda"] {
            assert_eq!(
                factor(code).unwrap_err().problem,
                FormulaProblem::Unsupported,
                "{code}"
            );
        }
        for code in [
            "C(g, Sum)",
            "C(g, Treatment(x))",
            "C()",
            "Q(x)",
            "C(g, levels=[1])",
            "C(g) x",
        ] {
            assert!(
                matches!(
                    factor(code).unwrap_err().problem,
                    FormulaProblem::BadArguments(_)
                ),
                "{code}"
            );
        }
    }
}
