//! The formula's text as Python tokens (names, numbers, strings,
//! operators), as patsy reads it with Python's tokenizer: each token with
//! its byte span.
use super::error::{FormulaError, FormulaProblem, Span};

/// A token's class, as Python's tokenizer names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenClass {
    Name,
    Number,
    String,
    Op,
}

/// One token: its class, its text as written and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub class: TokenClass,
    pub text: String,
    pub span: Span,
}

/// Python's operators and delimiters, longest first.
const OPS: [&str; 35] = [
    "**=", "//=", ">>=", "<<=", "...", "**", "//", "==", "!=", "<=", ">=", "<<", ">>", "->", ":=",
    "+=", "-=", "*=", "/=", "+", "-", "*", "/", "%", "@", "&", "|", "^", "~", ":", "<", ">", "(",
    ")", ",",
];
const MORE_OPS: [&str; 7] = ["[", "]", "{", "}", ".", ";", "="];

/// The tokens of `formula`, or where a character starts none.
pub fn tokenize(formula: &str) -> Result<Vec<Token>, FormulaError> {
    let bytes = formula.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < formula.len() {
        let c = formula[i..].chars().next().unwrap_or(' ');
        let start = i;
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        let class = if c.is_alphabetic() || c == '_' {
            i = scan(formula, i, |ch| ch.is_alphanumeric() || ch == '_');
            // A string prefix (r"..", b'..', f".."): not in the subset.
            if i < formula.len() && matches!(bytes[i], b'"' | b'\'') {
                return Err(bad(FormulaProblem::Unsupported, start, i + 1, formula));
            }
            TokenClass::Name
        } else if c.is_ascii_digit()
            || (c == '.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            i = number_end(bytes, i);
            TokenClass::Number
        } else if c == '"' || c == '\'' {
            i = string_end(formula, i)?;
            TokenClass::String
        } else if let Some(op) = OPS
            .iter()
            .chain(MORE_OPS.iter())
            .find(|op| formula[i..].starts_with(**op))
        {
            i += op.len();
            TokenClass::Op
        } else {
            return Err(bad(
                FormulaProblem::BadCharacter,
                start,
                start + c.len_utf8(),
                formula,
            ));
        };
        tokens.push(Token {
            class,
            text: formula[start..i].to_string(),
            span: Span::new(start, i),
        });
    }
    Ok(tokens)
}

fn bad(problem: FormulaProblem, start: usize, end: usize, formula: &str) -> FormulaError {
    FormulaError::new(problem, Span::new(start, end), formula)
}

fn scan(text: &str, mut i: usize, keep: impl Fn(char) -> bool) -> usize {
    for ch in text[i..].chars() {
        if !keep(ch) {
            break;
        }
        i += ch.len_utf8();
    }
    i
}

/// The end of a number: digits, letters (exponents, hex, suffixes), `_`,
/// `.`, and a sign right after an exponent's `e`.
fn number_end(bytes: &[u8], start: usize) -> usize {
    let hex = matches!(bytes[start..], [b'0', b'x' | b'X', ..]);
    let mut i = start;
    while i < bytes.len() {
        let b = bytes[i];
        let sign_after_e =
            matches!(b, b'+' | b'-') && i > start && matches!(bytes[i - 1], b'e' | b'E') && !hex;
        if b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || sign_after_e {
            i += 1;
        } else {
            break;
        }
    }
    i
}

/// The end of the string literal opening at `start` (one line, `'` or `"`,
/// backslash escapes).
fn string_end(formula: &str, start: usize) -> Result<usize, FormulaError> {
    let bytes = formula.as_bytes();
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b if b == quote => return Ok(i + 1),
            _ => i += 1,
        }
    }
    Err(bad(
        FormulaProblem::UnclosedString,
        start,
        formula.len(),
        formula,
    ))
}

/// The value of a string literal (its text with the quotes): Python's
/// escapes `\\ \' \" \n \t \r \0`, `\xNN`, `\uNNNN`; any other backslash is
/// kept, as Python keeps it.
pub fn string_value(literal: &str) -> String {
    let inner = &literal[1..literal.len() - 1];
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\\') => out.push('\\'),
            Some('\'') => out.push('\''),
            Some('"') => out.push('"'),
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('0') => out.push('\0'),
            Some(e @ ('x' | 'u')) => {
                let digits: String = chars.clone().take(if e == 'x' { 2 } else { 4 }).collect();
                match u32::from_str_radix(&digits, 16)
                    .ok()
                    .and_then(char::from_u32)
                {
                    Some(ch) if digits.len() == if e == 'x' { 2 } else { 4 } => {
                        out.push(ch);
                        for _ in 0..digits.len() {
                            chars.next();
                        }
                    }
                    _ => {
                        out.push('\\');
                        out.push(e);
                    }
                }
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(formula: &str) -> Vec<String> {
        tokenize(formula)
            .unwrap()
            .into_iter()
            .map(|t| t.text)
            .collect()
    }

    #[test]
    fn splits_python_tokens() {
        assert_eq!(
            texts("y~C(g,Treatment('a b'))+x**2-1e-3"),
            [
                "y",
                "~",
                "C",
                "(",
                "g",
                ",",
                "Treatment",
                "(",
                "'a b'",
                ")",
                ")",
                "+",
                "x",
                "**",
                "2",
                "-",
                "1e-3"
            ]
        );
        assert_eq!(texts("a.b // 2"), ["a", ".", "b", "//", "2"]);
        assert_eq!(texts("1E+5-0x1e-3"), ["1E+5", "-", "0x1e", "-", "3"]);
    }

    #[test]
    fn rejects_unknown_character_with_its_position() {
        let e = tokenize("y ~ x + $z").unwrap_err();
        assert_eq!(e.problem, FormulaProblem::BadCharacter);
        assert_eq!((e.span.start, e.text.as_str()), (8, "$"));
    }

    #[test]
    fn rejects_unclosed_string() {
        let e = tokenize("y ~ Q(\"a b)").unwrap_err();
        assert_eq!(e.problem, FormulaProblem::UnclosedString);
        assert_eq!(e.span.start, 6);
    }

    #[test]
    fn reads_string_values() {
        assert_eq!(string_value(r#""a \"b\"\n""#), "a \"b\"\n");
        assert_eq!(string_value(r"'\x41\d'"), "A\\d");
    }
}
