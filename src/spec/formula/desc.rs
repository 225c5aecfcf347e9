//! A parsed formula: its factors and the term lists of its two sides
//! (patsy's `ModelDesc`), before any data is seen.
use super::factor::Factor;

/// An interaction of factors (indices into [`Formula::factors`], each once,
/// in the order written); no factors is the intercept. Terms are equal when
/// they hold the same factors in any order (`a:b` is `b:a`), as in patsy.
#[derive(Debug, Clone, Eq)]
pub struct Term {
    pub factors: Vec<usize>,
}

impl Term {
    /// The intercept term.
    pub fn intercept() -> Term {
        Term {
            factors: Vec::new(),
        }
    }

    /// The term of these factors, each kept once, first occurrence first.
    pub fn new(factors: impl IntoIterator<Item = usize>) -> Term {
        let mut kept = Vec::new();
        for f in factors {
            if !kept.contains(&f) {
                kept.push(f);
            }
        }
        Term { factors: kept }
    }

    pub fn is_intercept(&self) -> bool {
        self.factors.is_empty()
    }
}

impl PartialEq for Term {
    fn eq(&self, other: &Term) -> bool {
        self.factors.len() == other.factors.len()
            && self.factors.iter().all(|f| other.factors.contains(f))
    }
}

/// A formula read into terms: `lhs ~ rhs`, each side a list of distinct
/// terms in the order written. The right-hand side holds the intercept
/// (first) unless the formula removes it (`- 1`, `0 +`, `+ 0`).
#[derive(Debug, Clone, PartialEq)]
pub struct Formula {
    /// The formula as given.
    pub text: String,
    /// Every factor the formula names, one per code, in order of first
    /// appearance (some may be in no term once `-` removed them).
    pub factors: Vec<Factor>,
    /// The left-hand side (empty for a one-sided formula `~ x`).
    pub lhs: Vec<Term>,
    /// The right-hand side.
    pub rhs: Vec<Term>,
}

impl Formula {
    /// A term's name: its factors' codes joined by `:`, or `Intercept`.
    pub fn term_name(&self, term: &Term) -> String {
        if term.is_intercept() {
            return "Intercept".to_string();
        }
        let codes: Vec<&str> = term
            .factors
            .iter()
            .map(|&f| self.factors[f].code.as_str())
            .collect();
        codes.join(":")
    }

    /// Whether the right-hand side has the intercept.
    pub fn has_intercept(&self) -> bool {
        self.rhs.iter().any(Term::is_intercept)
    }

    /// The factors some term of either side uses, in index order: the
    /// columns whose missing values count.
    pub fn used_factors(&self) -> Vec<usize> {
        (0..self.factors.len())
            .filter(|f| {
                self.lhs
                    .iter()
                    .chain(&self.rhs)
                    .any(|t| t.factors.contains(f))
            })
            .collect()
    }
}
