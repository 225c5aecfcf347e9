//! The term algebra: a parse tree evaluated into the terms of each side,
//! with patsy's rules (`patsy.desc.Evaluator`): `+` joins, `-` removes,
//! `a:b` interacts every term of `a` with every term of `b`, `a*b` is
//! `a + b + a:b`, `a/b` is `a + (all of a's factors):b`, `(a+b)**n`
//! interacts up to n terms; `1`/`0` and `-1`/`-0` put in and take out the
//! intercept, which cannot interact.
use super::desc::{Formula, Term};
use super::error::{FormulaError, FormulaProblem, Span};
use super::factor::{read_factor, Factor};
use super::lex::tokenize;
use super::parse::{parse_tree, Node, NodeKind};

/// patsy's `IntermediateExpr`: a side's terms so far, and what it says of
/// the intercept.
struct Expr {
    intercept: bool,
    intercept_span: Option<Span>,
    intercept_removed: bool,
    terms: Vec<Term>,
}

impl Expr {
    fn new(intercept: bool, span: Option<Span>, removed: bool, terms: Vec<Term>) -> Expr {
        let mut kept: Vec<Term> = Vec::new();
        for t in terms {
            if !kept.contains(&t) {
                kept.push(t);
            }
        }
        Expr {
            intercept,
            intercept_span: span,
            intercept_removed: removed,
            terms: kept,
        }
    }

    fn terms(terms: Vec<Term>) -> Expr {
        Expr::new(false, None, false, terms)
    }
}

struct Evaluator<'a> {
    text: &'a str,
    factors: Vec<Factor>,
}

impl Formula {
    /// Reads `text` as patsy does (`ModelDesc.from_formula`); an empty
    /// formula is `~ 1`.
    pub fn parse(text: &str) -> Result<Formula, FormulaError> {
        formula(text)
    }
}

fn formula(text: &str) -> Result<Formula, FormulaError> {
    let source = if text.trim().is_empty() { "~ 1" } else { text };
    let tree = parse_tree(source, tokenize(source)?)?;
    let mut ev = Evaluator {
        text: source,
        factors: Vec::new(),
    };
    let mut sides = Vec::new();
    for arg in &tree.args {
        sides.push(ev.eval(arg)?);
    }
    if sides.len() == 1 {
        sides.insert(0, Expr::new(false, None, true, Vec::new()));
    }
    let rhs = sides.pop().unwrap_or_else(|| Expr::terms(Vec::new()));
    let lhs = sides.pop().unwrap_or_else(|| Expr::terms(Vec::new()));
    Ok(Formula {
        text: text.to_string(),
        factors: ev.factors,
        lhs: with_intercept(lhs.intercept, lhs.terms),
        rhs: with_intercept(!rhs.intercept_removed, rhs.terms),
    })
}

fn with_intercept(doit: bool, terms: Vec<Term>) -> Vec<Term> {
    let mut out = if doit {
        vec![Term::intercept()]
    } else {
        Vec::new()
    };
    for t in terms {
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

impl Evaluator<'_> {
    fn err(&self, problem: FormulaProblem, span: Span) -> FormulaError {
        FormulaError::new(problem, span, self.text)
    }

    fn eval(&mut self, node: &Node) -> Result<Expr, FormulaError> {
        let zero = |n: &Node| n.kind == NodeKind::Zero;
        let one = |n: &Node| n.kind == NodeKind::One;
        match (&node.kind, node.args.as_slice()) {
            (NodeKind::Zero, _) => Ok(Expr::new(false, None, true, Vec::new())),
            (NodeKind::One, _) => Ok(Expr::new(true, Some(node.span), false, Vec::new())),
            (NodeKind::Number(_), _) => Err(self.err(FormulaProblem::Number, node.span)),
            (NodeKind::Expr { tokens, code }, _) => {
                let factor = read_factor(tokens, code, node.span, self.text)?;
                let index = match self.factors.iter().position(|f| f.code == factor.code) {
                    Some(i) => i,
                    None => {
                        self.factors.push(factor);
                        self.factors.len() - 1
                    }
                };
                Ok(Expr::terms(vec![Term::new([index])]))
            }
            (NodeKind::Op("~"), _) => Err(self.err(FormulaProblem::TildeNotAtTop, node.op_span)),
            (NodeKind::Op("+"), [arg]) => self.eval(arg),
            (NodeKind::Op("-"), [arg]) => {
                if zero(arg) {
                    Ok(Expr::new(true, Some(node.span), false, Vec::new()))
                } else if one(arg) {
                    Ok(Expr::new(false, None, true, Vec::new()))
                } else {
                    Err(self.err(FormulaProblem::UnaryMinus, node.span))
                }
            }
            (NodeKind::Op("+"), [left, right]) => {
                let l = self.eval(left)?;
                if zero(right) {
                    return Ok(Expr::new(false, None, true, l.terms));
                }
                let r = self.eval(right)?;
                let terms = [l.terms, r.terms].concat();
                Ok(if r.intercept {
                    Expr::new(true, r.intercept_span, false, terms)
                } else {
                    Expr::new(l.intercept, l.intercept_span, l.intercept_removed, terms)
                })
            }
            (NodeKind::Op("-"), [left, right]) => {
                let l = self.eval(left)?;
                if zero(right) {
                    return Ok(Expr::new(true, Some(right.span), false, l.terms));
                }
                if one(right) {
                    return Ok(Expr::new(false, None, true, l.terms));
                }
                let r = self.eval(right)?;
                let terms: Vec<Term> = l
                    .terms
                    .into_iter()
                    .filter(|t| !r.terms.contains(t))
                    .collect();
                Ok(if r.intercept {
                    Expr::new(false, None, true, terms)
                } else {
                    Expr::new(l.intercept, l.intercept_span, l.intercept_removed, terms)
                })
            }
            (NodeKind::Op(":"), [left, right]) => {
                let (l, r) = (self.eval(left)?, self.eval(right)?);
                self.interaction(&l, &r)
            }
            (NodeKind::Op("*"), [left, right]) => {
                let (l, r) = (self.eval(left)?, self.eval(right)?);
                let both = self.interaction(&l, &r)?;
                Ok(Expr::terms([l.terms, r.terms, both.terms].concat()))
            }
            (NodeKind::Op("/"), [left, right]) => {
                let (l, r) = (self.eval(left)?, self.eval(right)?);
                self.interactable(&l)?;
                let all = Term::new(l.terms.iter().flat_map(|t| t.factors.iter().copied()));
                let nested = self.interaction(&Expr::terms(vec![all]), &r)?;
                Ok(Expr::terms([l.terms, nested.terms].concat()))
            }
            (NodeKind::Op("**"), [left, right]) => {
                let l = self.eval(left)?;
                self.interactable(&l)?;
                let power = match &right.kind {
                    NodeKind::One => 1,
                    NodeKind::Number(text) => text.parse::<i64>().unwrap_or(-1),
                    _ => -1,
                };
                if power < 1 {
                    return Err(self.err(FormulaProblem::Power, right.span));
                }
                let power = (power as usize).min(l.terms.len());
                let mut all = l.terms.clone();
                let mut big = Expr::terms(l.terms.clone());
                for _ in 1..power {
                    big = self.interaction(&l, &big)?;
                    all.extend(big.terms.iter().cloned());
                }
                Ok(Expr::terms(all))
            }
            _ => Err(self.err(FormulaProblem::Unsupported, node.span)),
        }
    }

    fn interactable(&self, e: &Expr) -> Result<(), FormulaError> {
        match (e.intercept, e.intercept_span) {
            (true, Some(span)) => Err(self.err(FormulaProblem::InterceptInteraction, span)),
            _ => Ok(()),
        }
    }

    fn interaction(&self, l: &Expr, r: &Expr) -> Result<Expr, FormulaError> {
        self.interactable(l)?;
        self.interactable(r)?;
        let mut terms = Vec::new();
        for a in &l.terms {
            for b in &r.terms {
                terms.push(Term::new(a.factors.iter().chain(&b.factors).copied()));
            }
        }
        Ok(Expr::terms(terms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each side's term names, as patsy's `_eval_tests` list them.
    fn sides(text: &str) -> (Vec<String>, Vec<String>) {
        let f = Formula::parse(text).unwrap();
        let names = |terms: &[Term]| terms.iter().map(|t| f.term_name(t)).collect();
        (names(&f.lhs), names(&f.rhs))
    }

    fn rhs(text: &str) -> Vec<String> {
        sides(text).1
    }

    /// patsy's `_eval_tests` (desc.py) that fall in the subset.
    #[test]
    fn evaluates_as_patsy() {
        assert_eq!(rhs(""), ["Intercept"]);
        assert_eq!(rhs("0"), Vec::<String>::new());
        assert_eq!(rhs("- 1"), Vec::<String>::new());
        assert_eq!(rhs("- 0"), ["Intercept"]);
        assert_eq!(rhs("a + 0"), ["a"]);
        assert_eq!(rhs("0 + a + 1"), ["Intercept", "a"]);
        assert_eq!(rhs("a + b - 1"), ["a", "b"]);
        assert_eq!(rhs("a + b - a"), ["Intercept", "b"]);
        assert_eq!(rhs("a:b + b:a"), ["Intercept", "a:b"]);
        assert_eq!(rhs("a*b"), ["Intercept", "a", "b", "a:b"]);
        assert_eq!(
            rhs("a*b*c"),
            ["Intercept", "a", "b", "a:b", "c", "a:c", "b:c", "a:b:c"]
        );
        assert_eq!(rhs("a/b"), ["Intercept", "a", "a:b"]);
        assert_eq!(rhs("(a + b)/c"), ["Intercept", "a", "b", "a:b:c"]);
        assert_eq!(
            rhs("(a + b + c)**2"),
            ["Intercept", "a", "b", "c", "a:b", "a:c", "b:c"]
        );
        assert_eq!(rhs("(a + b)**5"), ["Intercept", "a", "b", "a:b"]);
        assert_eq!(rhs("a*b - a:b"), ["Intercept", "a", "b"]);
        assert_eq!(rhs("a:a"), ["Intercept", "a"]);
        assert_eq!(
            rhs("C(a , Treatment('x')) + C(a,Treatment('x'))"),
            ["Intercept", "C(a, Treatment('x'))"]
        );
        assert_eq!(
            sides("S + F ~ x"),
            (
                vec!["S".into(), "F".into()],
                vec!["Intercept".into(), "x".into()]
            )
        );
        assert_eq!(sides("~ x").0, Vec::<String>::new());
    }

    #[test]
    fn rejects_what_patsy_rejects_with_the_position() {
        let err = |text: &str| Formula::parse(text).unwrap_err();
        let e = err("y ~ x + 2");
        assert_eq!((e.problem, e.text.as_str()), (FormulaProblem::Number, "2"));
        let e = err("y ~ -x");
        assert_eq!((e.problem, e.span.start), (FormulaProblem::UnaryMinus, 4));
        let e = err("y ~ (x + 1):z");
        assert_eq!(
            (e.problem, e.text.as_str()),
            (FormulaProblem::InterceptInteraction, "1")
        );
        let e = err("y ~ x ~ z");
        assert_eq!(e.problem, FormulaProblem::TildeNotAtTop);
        let e = err("y ~ x**0");
        assert_eq!(e.problem, FormulaProblem::Power);
        let e = err("y ~ np.log(x)");
        assert_eq!(
            (e.problem, e.text.as_str()),
            (FormulaProblem::Unsupported, "np.log(x)")
        );
    }
}
