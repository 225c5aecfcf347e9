//! A level of a categorical factor: its value as pandas read it, patsy's
//! order of levels (numbers numerically and before text, text by code
//! point, False before True), Python's `==` between them, and its name in
//! a column name (Python's `str` of text, `repr` of anything else: `1`,
//! `1.0`, `True`).
use std::cmp::Ordering;

use crate::numfmt::Short;
use crate::spec::formula::LevelRef;

/// A level's value.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Bool(bool),
    /// A whole number as pandas read it: int64, or uint64 beyond i64.
    Int(i128),
    Float(f64),
    Text(String),
}

impl Level {
    /// The value as a number, for bools, whole numbers and numbers (Python
    /// compares them as numbers: `True == 1 == 1.0`).
    fn number(&self) -> Option<f64> {
        match self {
            Level::Bool(b) => Some(f64::from(u8::from(*b))),
            Level::Int(i) => Some(*i as f64),
            Level::Float(v) => Some(*v),
            Level::Text(_) => None,
        }
    }

    /// The value as an exact integer, for bools, whole numbers and floats
    /// that are whole (Python's `==` between int and float is exact).
    pub(super) fn integer(&self) -> Option<i128> {
        match self {
            Level::Bool(b) => Some(i128::from(*b)),
            Level::Int(i) => Some(*i),
            Level::Float(v) if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e38 => {
                Some(*v as i128)
            }
            Level::Float(_) | Level::Text(_) => None,
        }
    }

    /// patsy's order (`SortAnythingKey`): numbers numerically, before
    /// text; text by code point.
    pub fn py_cmp(&self, other: &Level) -> Ordering {
        match (self, other) {
            (Level::Int(a), Level::Int(b)) => a.cmp(b),
            (Level::Text(a), Level::Text(b)) => a.cmp(b),
            (Level::Text(_), _) => Ordering::Greater,
            (_, Level::Text(_)) => Ordering::Less,
            (a, b) => a
                .number()
                .unwrap_or(0.0)
                .total_cmp(&b.number().unwrap_or(0.0)),
        }
    }

    /// Python's `==`.
    pub fn py_eq(&self, other: &Level) -> bool {
        match (self, other) {
            (Level::Text(a), Level::Text(b)) => a == b,
            (Level::Float(a), Level::Float(b)) => a == b,
            (Level::Text(_), _) | (_, Level::Text(_)) => false,
            (a, b) => a.integer().is_some() && a.integer() == b.integer(),
        }
    }

    /// Python's `==` between this level and a level named in `Treatment`.
    pub fn matches(&self, r: &LevelRef) -> bool {
        let r = match r {
            LevelRef::Text(s) => Level::Text(s.clone()),
            LevelRef::Int(i) => Level::Int(i128::from(*i)),
            LevelRef::Float(v) => Level::Float(*v),
            LevelRef::Bool(b) => Level::Bool(*b),
        };
        self.py_eq(&r)
    }

    /// The level's name in a column name (patsy's `_obj_to_readable_str`).
    pub fn name(&self) -> String {
        match self {
            Level::Text(s) => s.clone(),
            Level::Bool(true) => "True".into(),
            Level::Bool(false) => "False".into(),
            Level::Int(i) => i.to_string(),
            Level::Float(v) => float_repr(*v),
        }
    }
}

/// Python's `repr` of a float: `1.0`, `0.5`, `1e+20`, `inf`.
pub fn float_repr(v: f64) -> String {
    if v == 0.0 {
        return if v.is_sign_negative() { "-0.0" } else { "0.0" }.into();
    }
    let text = Short(v).to_string();
    if v.is_finite() && !text.contains(['.', 'e', 'n']) {
        format!("{text}.0")
    } else {
        text
    }
}

/// Python's `repr` of a string: single quotes unless the text has a single
/// quote and no double quote; backslash, the quote and control characters
/// escaped.
pub fn str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_levels_as_python() {
        assert_eq!(Level::Float(1.0).name(), "1.0");
        assert_eq!(Level::Float(0.5).name(), "0.5");
        assert_eq!(Level::Float(0.0).name(), "0.0");
        assert_eq!(Level::Float(1e20).name(), "1e+20");
        assert_eq!(Level::Float(123456.0).name(), "123456.0");
        assert_eq!(Level::Int(-3).name(), "-3");
        assert_eq!(Level::Bool(true).name(), "True");
        assert_eq!(str_repr("it's"), "\"it's\"");
        assert_eq!(str_repr("Q(\"a b\")"), "'Q(\"a b\")'");
        assert_eq!(str_repr("a\\b'\""), "'a\\\\b\\'\"'");
        assert_eq!(str_repr("a'b\"c\\\n"), "'a\\'b\"c\\\\\\n'");
    }

    #[test]
    fn orders_and_compares_as_python() {
        let mut levels = vec![Level::Text("b".into()), Level::Float(2.0), Level::Int(1)];
        levels.sort_by(Level::py_cmp);
        assert_eq!(
            levels,
            [Level::Int(1), Level::Float(2.0), Level::Text("b".into())]
        );
        assert!(Level::Float(2.0).matches(&LevelRef::Int(2)));
        assert!(Level::Bool(true).matches(&LevelRef::Int(1)));
        assert!(!Level::Text("1".into()).matches(&LevelRef::Int(1)));
        let big = 1i128 << 60;
        assert!(!Level::Int(big + 1).py_eq(&Level::Int(big)));
        assert!(!Level::Int(big + 1).py_eq(&Level::Float(big as f64)));
        assert!(Level::Int(big).py_eq(&Level::Float(big as f64)));
    }
}
