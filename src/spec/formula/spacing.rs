//! A factor's code text, spaced as patsy spaces it (`patsy.tokens.
//! pretty_untokenize`): `C(g,Treatment('a'))` is named
//! `C(g, Treatment('a'))`, and two spellings that space alike are one
//! factor.
use super::lex::{Token, TokenClass};

/// Operators with a space on both sides.
const SPACE_BOTH: [&str; 19] = [
    "+", "-", "*", "/", "%", "&", "^", "|", "<", ">", "==", "<>", "!=", "<=", ">=", "<<", ">>",
    "**", "//",
];

/// The tokens' text joined with patsy's spacing.
pub fn pretty(tokens: &[Token]) -> String {
    let mut text = String::new();
    let mut prev_was_space_delim = false;
    let mut prev_wants_space = false;
    let mut prev_was_open_paren_or_comma = false;
    let mut prev_was_object_like = false;
    let mut brackets: Vec<&str> = Vec::new();
    for token in tokens {
        let t = token.text.as_str();
        if token.class != TokenClass::Op {
            if prev_wants_space || prev_was_space_delim {
                text.push(' ');
            }
            text.push_str(t);
            prev_wants_space = false;
            prev_was_space_delim = true;
        } else {
            if matches!(t, "(" | "[" | "{") {
                brackets.push(t);
            } else if !brackets.is_empty() && matches!(t, ")" | "]" | "}") {
                brackets.pop();
            }
            let both = SPACE_BOTH.contains(&t);
            let mut before = both || matches!(t, "!" | "~");
            let mut after = both || matches!(t, "," | ":");
            if t == ":" && brackets.last() == Some(&"[") {
                after = false;
            }
            if matches!(t, "*" | "**") && prev_was_open_paren_or_comma {
                before = false;
                after = false;
            }
            if t == "=" && brackets.is_empty() {
                before = true;
                after = true;
            }
            if matches!(t, "+" | "-") && !prev_was_object_like {
                before = false;
                after = false;
            }
            if prev_wants_space || before {
                text.push(' ');
            }
            text.push_str(t);
            prev_wants_space = after;
            prev_was_space_delim = false;
        }
        prev_was_object_like = token.class != TokenClass::Op || t == ")";
        prev_was_open_paren_or_comma = matches!(t, "(" | ",");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::super::lex::tokenize;
    use super::*;

    fn spaced(code: &str) -> String {
        pretty(&tokenize(code).unwrap())
    }

    /// patsy's own cases (`test_pretty_untokenize_and_normalize_token_spacing`).
    #[test]
    fn spaces_as_patsy() {
        assert_eq!(spaced("1+1"), "1 + 1");
        assert_eq!(spaced("1*(2+3**2)"), "1 * (2 + 3 ** 2)");
        assert_eq!(spaced("foo(a=bar.baz[1:])"), "foo(a=bar.baz[1:])");
        assert_eq!(spaced("foo ( * args )"), "foo(*args)");
        assert_eq!(spaced("foo (1, a ** args )"), "foo(1, a ** args)");
        assert_eq!(spaced("a=foo(b = 1)"), "a = foo(b=1)");
        assert_eq!(
            spaced("C( g,Treatment(reference = -1))"),
            "C(g, Treatment(reference=-1))"
        );
    }
}
