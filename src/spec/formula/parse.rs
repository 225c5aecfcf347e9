//! The formula's parse tree: patsy's formula tokens (operators, brackets
//! and embedded Python expressions) read by its operator-precedence parser
//! (`patsy.parse_formula`, `patsy.infix_parser`), with its precedences:
//! `~` -100, `+ -` 100, `* /` 200, `:` 300, `**` 500, binary operators
//! left-associative.
use super::error::{FormulaError, FormulaProblem, Span};
use super::lex::{Token, TokenClass};
use super::spacing::pretty;

/// What a node of the tree is.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// An operator (`~ + - * / : **`) applied to its arguments (one or two).
    Op(&'static str),
    /// The literal `0`.
    Zero,
    /// The literal `1`.
    One,
    /// Any other number (allowed only as the exponent of `**`).
    Number(String),
    /// An embedded Python expression: its tokens and its text spaced as
    /// patsy spaces it.
    Expr { tokens: Vec<Token>, code: String },
}

/// A node of the parse tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub args: Vec<Node>,
    /// The whole node's text (brackets included).
    pub span: Span,
    /// The operator's own token, for an operator.
    pub op_span: Span,
}

/// A token of the formula language.
#[derive(Debug, Clone)]
enum Lexeme {
    Open(Span),
    Close(Span),
    Op(&'static str, Span),
    Atom(Node),
}

const OPERATORS: [&str; 7] = ["~", "+", "-", "*", "/", ":", "**"];

fn binary_precedence(op: &str) -> i32 {
    match op {
        "~" => -100,
        "+" | "-" => 100,
        "*" | "/" => 200,
        ":" => 300,
        _ => 500,
    }
}

/// Unary operators: `~`, `+` and `-`.
fn unary_precedence(op: &str) -> Option<i32> {
    match op {
        "~" => Some(-100),
        "+" | "-" => Some(100),
        _ => None,
    }
}

/// The parse tree of `formula`, rooted at a `~` node (with one argument
/// when the formula has no left-hand side).
pub fn parse_tree(formula: &str, tokens: Vec<Token>) -> Result<Node, FormulaError> {
    let lexemes = lexemes(formula, tokens)?;
    let tree = infix(formula, lexemes)?;
    Ok(match tree.kind {
        NodeKind::Op("~") => tree,
        _ => Node {
            kind: NodeKind::Op("~"),
            span: tree.span,
            op_span: Span::new(tree.span.start, tree.span.start),
            args: vec![tree],
        },
    })
}

/// patsy's `_tokenize_formula`: operators and brackets stand alone; any
/// other run of tokens up to the next operator or `)` outside brackets is
/// one Python expression.
fn lexemes(formula: &str, tokens: Vec<Token>) -> Result<Vec<Lexeme>, FormulaError> {
    let err = |p, span| FormulaError::new(p, span, formula);
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        if t.class == TokenClass::Op {
            if t.text == "(" {
                out.push(Lexeme::Open(t.span));
                i += 1;
                continue;
            }
            if t.text == ")" {
                out.push(Lexeme::Close(t.span));
                i += 1;
                continue;
            }
            if let Some(op) = OPERATORS.iter().find(|op| **op == t.text) {
                out.push(Lexeme::Op(op, t.span));
                i += 1;
                continue;
            }
        }
        let start = i;
        let mut depth = 0i32;
        while i < tokens.len() {
            let t = &tokens[i];
            let text = t.text.as_str();
            if t.class == TokenClass::Op {
                if depth == 0 && (text == ")" || OPERATORS.contains(&text)) {
                    break;
                }
                if matches!(text, "(" | "[" | "{") {
                    depth += 1;
                }
                if matches!(text, ")" | "]" | "}") {
                    depth -= 1;
                }
                if depth < 0 {
                    return Err(err(FormulaProblem::UnmatchedClose, t.span));
                }
            }
            i += 1;
        }
        let expr = tokens[start..i].to_vec();
        let span = expr[0].span.join(expr[expr.len() - 1].span);
        if depth != 0 {
            return Err(err(FormulaProblem::UnclosedBracket, span));
        }
        let code = pretty(&expr);
        let kind = match code.as_str() {
            "0" => NodeKind::Zero,
            "1" => NodeKind::One,
            _ if is_python_number(&code) => NodeKind::Number(code),
            _ => NodeKind::Expr { tokens: expr, code },
        };
        out.push(Lexeme::Atom(Node {
            kind,
            args: Vec::new(),
            span,
            op_span: span,
        }));
    }
    Ok(out)
}

/// Whether Python's `int()` or `float()` reads `text` (patsy's test for a
/// number), for the texts a formula's expression can have.
fn is_python_number(text: &str) -> bool {
    let plain = text.replace('_', "");
    !text.starts_with('_')
        && !text.ends_with('_')
        && !text.contains("__")
        && plain.parse::<f64>().is_ok()
}

struct StackOp {
    op: &'static str,
    arity: usize,
    precedence: i32,
    span: Span,
}

/// patsy's `infix_parse`.
fn infix(formula: &str, lexemes: Vec<Lexeme>) -> Result<Node, FormulaError> {
    let err = |p, span| FormulaError::new(p, span, formula);
    let mut ops: Vec<StackOp> = Vec::new();
    let mut nouns: Vec<Node> = Vec::new();
    let mut want_noun = true;
    for lexeme in lexemes {
        if want_noun {
            match lexeme {
                Lexeme::Open(span) => ops.push(StackOp {
                    op: "(",
                    arity: 0,
                    precedence: -9_999_999,
                    span,
                }),
                Lexeme::Op(op, span) => match unary_precedence(op) {
                    Some(precedence) => ops.push(StackOp {
                        op,
                        arity: 1,
                        precedence,
                        span,
                    }),
                    None => return Err(err(FormulaProblem::ExpectedTerm, span)),
                },
                Lexeme::Atom(node) => {
                    nouns.push(node);
                    want_noun = false;
                }
                Lexeme::Close(span) => return Err(err(FormulaProblem::ExpectedTerm, span)),
            }
        } else {
            match lexeme {
                Lexeme::Close(span) => {
                    while ops.last().is_some_and(|o| o.op != "(") {
                        reduce(&mut ops, &mut nouns);
                    }
                    let Some(open) = ops.pop() else {
                        return Err(err(FormulaProblem::UnmatchedClose, span));
                    };
                    if let Some(last) = nouns.last_mut() {
                        last.span = open.span.join(last.span).join(span);
                    }
                }
                Lexeme::Op(op, span) => {
                    let precedence = binary_precedence(op);
                    while ops.last().is_some_and(|o| precedence <= o.precedence) {
                        reduce(&mut ops, &mut nouns);
                    }
                    ops.push(StackOp {
                        op,
                        arity: 2,
                        precedence,
                        span,
                    });
                    want_noun = true;
                }
                Lexeme::Open(span) => return Err(err(FormulaProblem::ExpectedOperator, span)),
                Lexeme::Atom(node) => return Err(err(FormulaProblem::ExpectedOperator, node.span)),
            }
        }
    }
    if want_noun {
        let span = match ops.last() {
            Some(o) => o.span,
            None => Span::new(formula.len(), formula.len()),
        };
        return Err(err(FormulaProblem::EndsEarly, span));
    }
    while let Some(top) = ops.last() {
        if top.op == "(" {
            return Err(err(FormulaProblem::UnclosedBracket, top.span));
        }
        reduce(&mut ops, &mut nouns);
    }
    nouns
        .pop()
        .ok_or_else(|| err(FormulaProblem::EndsEarly, Span::new(0, formula.len())))
}

fn reduce(ops: &mut Vec<StackOp>, nouns: &mut Vec<Node>) {
    let Some(top) = ops.pop() else { return };
    let at = nouns.len().saturating_sub(top.arity);
    let args: Vec<Node> = nouns.drain(at..).collect();
    let span = args.iter().fold(top.span, |s, a| s.join(a.span));
    nouns.push(Node {
        kind: NodeKind::Op(top.op),
        args,
        span,
        op_span: top.span,
    });
}

#[cfg(test)]
mod tests {
    use super::super::lex::tokenize;
    use super::*;

    /// The tree as patsy's tests write it: ["op", args...] or the atom's text.
    fn shape(node: &Node) -> String {
        match &node.kind {
            NodeKind::Op(op) => {
                let args: Vec<String> = node.args.iter().map(shape).collect();
                format!("[{op} {}]", args.join(" "))
            }
            NodeKind::Zero => "0".into(),
            NodeKind::One => "1".into(),
            NodeKind::Number(t) => t.clone(),
            NodeKind::Expr { code, .. } => code.clone(),
        }
    }

    fn tree(formula: &str) -> String {
        shape(&parse_tree(formula, tokenize(formula).unwrap()).unwrap())
    }

    fn error(formula: &str) -> FormulaError {
        tokenize(formula)
            .and_then(|t| parse_tree(formula, t))
            .unwrap_err()
    }

    /// patsy's `_parser_tests` (parse_formula.py), in the subset's terms.
    #[test]
    fn parses_as_patsy() {
        assert_eq!(tree("a ~ b"), "[~ a b]");
        assert_eq!(tree("a ~ ((((b))))"), "[~ a b]");
        assert_eq!(tree("a ~ ((((+b))))"), "[~ a [+ b]]");
        assert_eq!(tree("a + b + c"), "[~ [+ [+ a b] c]]");
        assert_eq!(tree("a + b ~ c * d"), "[~ [+ a b] [* c d]]");
        assert_eq!(tree("a + b * c"), "[~ [+ a [* b c]]]");
        assert_eq!(tree("-a**2"), "[~ [- [** a 2]]]");
        assert_eq!(tree("-a:b"), "[~ [- [: a b]]]");
        assert_eq!(tree("(a + b):c"), "[~ [: [+ a b] c]]");
        assert_eq!(tree("a*b:c"), "[~ [* a [: b c]]]");
        assert_eq!(tree("a+b / c"), "[~ [+ a [/ b c]]]");
        assert_eq!(tree("~ a"), "[~ a]");
        assert_eq!(tree("-1"), "[~ [- 1]]");
        assert_eq!(
            tree("y ~ C( g,Treatment('x') ) - 1"),
            "[~ y [- C(g, Treatment('x')) 1]]"
        );
    }

    #[test]
    fn rejects_syntax_errors_with_their_position() {
        let e = error("y ~ x +");
        assert_eq!((e.problem, e.span.start), (FormulaProblem::EndsEarly, 6));
        let e = error("y ~ x * * z");
        assert_eq!((e.problem, e.span.start), (FormulaProblem::ExpectedTerm, 8));
        let e = error("y ~ (x + z");
        assert_eq!(
            (e.problem, e.span.start),
            (FormulaProblem::UnclosedBracket, 4)
        );
        let e = error("y ~ x + z)");
        assert_eq!(
            (e.problem, e.span.start),
            (FormulaProblem::UnmatchedClose, 9)
        );
        let e = error("y ~ C(x");
        assert_eq!(
            (e.problem, e.text.as_str()),
            (FormulaProblem::UnclosedBracket, "C(x")
        );
        assert_eq!(
            error("y ~ x +").to_string(),
            "formula \"y ~ x +\", byte 6: the formula ends where a term is expected: \"+\""
        );
        let e = error("y ~ (x)(z)");
        assert_eq!(e.problem, FormulaProblem::ExpectedOperator);
    }
}
