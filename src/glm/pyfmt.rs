//! Python's number formatting, as statsmodels' summary uses it: `%`-style
//! `f`/`e`/`g` with width and the `#` flag, `forg`, integer `{:#6d}` and
//! `str(float)`.
//!
//! Rust's `{:.p}` and `{:.pe}` round the exact binary value correctly, as
//! Python does, so only the layout rules differ; they are written out here.

/// A parsed `%[#][width][.precision](f|e|g)` specification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormatSpec {
    /// The `#` flag: `g` keeps trailing zeros and the decimal point.
    pub alternate: bool,
    /// Minimum width; shorter results are right-aligned with spaces.
    pub width: usize,
    /// Digits after the point (`f`, `e`) or significant digits (`g`).
    pub precision: usize,
    /// One of `f`, `e`, `g`.
    pub kind: char,
}

impl FormatSpec {
    /// Parse a spec such as `%#8.5g` or `9.3f` (the `%` is optional).
    /// Returns `None` for anything outside the supported subset.
    pub fn parse(spec: &str) -> Option<FormatSpec> {
        let s = spec.strip_prefix('%').unwrap_or(spec);
        let (alternate, s) = match s.strip_prefix('#') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let kind = s.chars().last()?;
        if !matches!(kind, 'f' | 'e' | 'g') {
            return None;
        }
        let body = &s[..s.len() - 1];
        let (w, p) = match body.split_once('.') {
            Some((w, p)) => (w, Some(p)),
            None => (body, None),
        };
        let width = if w.is_empty() { 0 } else { w.parse().ok()? };
        let precision = match p {
            Some(p) => p.parse().ok()?,
            None => 6,
        };
        Some(FormatSpec {
            alternate,
            width,
            precision,
            kind,
        })
    }
}

/// Format `x` as Python's `"%<spec>" % x` does, e.g. `pyformat("%#8.5g", x)`.
///
/// # Panics
/// If `spec` is not a supported spec; specs are compile-time constants here.
pub fn pyformat(spec: &str, x: f64) -> String {
    let s = FormatSpec::parse(spec).unwrap_or_else(|| panic!("unsupported format spec {spec:?}"));
    format_spec(&s, x)
}

/// Format `x` by a parsed spec.
pub fn format_spec(s: &FormatSpec, x: f64) -> String {
    let body = if x.is_nan() {
        "nan".to_string()
    } else if x.is_infinite() {
        if x > 0.0 { "inf" } else { "-inf" }.to_string()
    } else {
        match s.kind {
            'f' => fixed(x, s.precision, s.alternate),
            'e' => exponent(x, s.precision, s.alternate),
            _ => general(x, s.precision, s.alternate),
        }
    };
    format!("{body:>width$}", width = s.width)
}

/// `%.pf`: with `#` and precision 0 the point stays.
fn fixed(x: f64, p: usize, alternate: bool) -> String {
    let mut s = format!("{x:.p$}");
    if alternate && p == 0 {
        s.push('.');
    }
    s
}

/// Split Rust's `1.2345e-7` into mantissa and exponent.
fn rust_exp(x: f64, p: usize) -> (String, i32) {
    let s = format!("{x:.p$e}");
    let (m, e) = s.split_once('e').expect("Rust's {:e} always has an 'e'");
    (
        m.to_string(),
        e.parse().expect("Rust's exponent is an integer"),
    )
}

/// Python's exponent: sign and at least two digits.
fn py_exp(e: i32) -> String {
    format!("e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
}

/// `%.pe`.
fn exponent(x: f64, p: usize, alternate: bool) -> String {
    let (mut m, e) = rust_exp(x, p);
    if alternate && p == 0 {
        m.push('.');
    }
    m + &py_exp(e)
}

/// `%.pg`: `e` style when the exponent (after rounding to p significant
/// digits) is below -4 or at least p; otherwise `f` style. Without `#`,
/// trailing zeros and a trailing point are removed.
fn general(x: f64, p: usize, alternate: bool) -> String {
    let p = p.max(1);
    let (m, e) = rust_exp(x, p - 1);
    if e < -4 || e >= p as i32 {
        let m = match (alternate, p) {
            (true, 1) => m + ".",
            (true, _) => m,
            (false, _) => strip_zeros(&m),
        };
        m + &py_exp(e)
    } else {
        let decimals = (p as i32 - 1 - e) as usize;
        let f = format!("{x:.decimals$}");
        match (alternate, decimals) {
            (true, 0) => f + ".",
            (true, _) => f,
            (false, _) => strip_zeros(&f),
        }
    }
}

/// Remove trailing zeros after a decimal point, then a trailing point.
fn strip_zeros(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

/// statsmodels' `forg(x, prec)`: `%9.3g`/`%10.4g` when `|x| >= 1e4` or
/// `|x| < 1e-4`, else `%9.3f`/`%10.4f`. Only `prec` 3 and 4 exist there;
/// any other value is treated as 4.
pub fn forg(x: f64, prec: usize) -> String {
    let g = x.abs() >= 1e4 || x.abs() < 1e-4;
    match (prec, g) {
        (3, true) => pyformat("%9.3g", x),
        (3, false) => pyformat("%9.3f", x),
        (_, true) => pyformat("%10.4g", x),
        (_, false) => pyformat("%10.4f", x),
    }
}

/// statsmodels' `d_or_f` for counts: `"{:#6d}"`.
pub fn d_or_f(n: usize) -> String {
    format!("{n:>6}")
}

/// Python's `str(x)` (= `repr`) for a float: the shortest digits that read
/// back to `x`, in fixed notation when the exponent is in `-4..16`, otherwise
/// `1e-05` style; fixed notation always has a point (`1.0`).
pub fn py_str(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.into();
    }
    // Rust's `{:e}` without precision gives the shortest round-trip digits.
    let s = format!("{x:e}");
    let (m, e) = s.split_once('e').expect("Rust's {:e} always has an 'e'");
    let e: i32 = e.parse().expect("Rust's exponent is an integer");
    let (sign, m) = match m.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", m),
    };
    let digits: String = m.chars().filter(|c| *c != '.').collect();
    if (-4..16).contains(&e) {
        let n = digits.len() as i32;
        let body = if e < 0 {
            format!("0.{}{}", "0".repeat((-e - 1) as usize), digits)
        } else if e + 1 >= n {
            format!("{}{}.0", digits, "0".repeat((e + 1 - n) as usize))
        } else {
            let (a, b) = digits.split_at((e + 1) as usize);
            format!("{a}.{b}")
        };
        format!("{sign}{body}")
    } else {
        let (first, rest) = digits.split_at(1);
        let mant = if rest.is_empty() {
            first.to_string()
        } else {
            format!("{first}.{rest}")
        };
        format!("{sign}{mant}{}", py_exp(e))
    }
}

/// Python's `str.center(width)`: when the padding is odd, CPython puts the
/// extra space on the left only if the width is odd as well.
pub fn center(s: &str, width: usize) -> String {
    let len = s.chars().count();
    if len >= width {
        return s.to_string();
    }
    let marg = width - len;
    let left = marg / 2 + (marg & width & 1);
    format!("{}{}{}", " ".repeat(left), s, " ".repeat(marg - left))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference_values::reference_values;

    /// Every vector in tests/fixtures/glm/format_vectors.json, made by
    /// Python itself (scripts/make_format_vectors.py: Python's %-formats and statsmodels' forg).
    #[test]
    fn matches_python_format_vectors() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/glm/format_vectors.json"
        );
        let text = std::fs::read_to_string(path).expect("format_vectors.json");
        let rows: Vec<serde_json::Map<String, serde_json::Value>> =
            serde_json::from_str(&text).expect("a JSON list of objects");
        assert!(rows.len() >= 20, "only {} vectors", rows.len());
        let mut checked = 0;
        let mut failures = Vec::new();
        for row in &rows {
            let xs = row["x"].as_str().expect("x is a string");
            let x: f64 = xs.parse().expect("x parses as f64");
            for (key, want) in row {
                if key == "x" {
                    continue;
                }
                let want = want.as_str().expect("expected value is a string");
                let got = match key.as_str() {
                    "forg3" => forg(x, 3),
                    "forg4" => forg(x, 4),
                    spec => pyformat(spec, x),
                };
                checked += 1;
                if got != want {
                    failures.push(format!("{key} of {xs}: got {got:?}, Python {want:?}"));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        assert!(checked >= 200, "only {checked} checks");
    }

    #[test]
    fn python_str_of_floats() {
        // Python's str(x), from scripts/make_reference_values.py.
        let rows = reference_values("py_str");
        assert!(rows.len() >= 10, "only {} floats", rows.len());
        for r in rows {
            let x: f64 = r["x"].as_str().unwrap().parse().expect("a float");
            assert_eq!(py_str(x), r["str"].as_str().unwrap(), "str({x:e})");
        }
    }

    #[test]
    fn python_center() {
        let rows = reference_values("center");
        assert!(rows.len() >= 4, "only {} strings", rows.len());
        for r in rows {
            let (s, width) = (r["s"].as_str().unwrap(), r["width"].as_u64().unwrap());
            let want = r["centered"].as_str().unwrap();
            assert_eq!(center(s, width as usize), want, "{s:?}.center({width})");
        }
    }

    #[test]
    fn counts_are_right_aligned_in_six() {
        assert_eq!(d_or_f(200), "   200");
        assert_eq!(d_or_f(1_000_000), "1000000");
    }

    #[test]
    fn rejects_unsupported_specs() {
        assert_eq!(FormatSpec::parse("%5d"), None);
        assert_eq!(FormatSpec::parse("%x.3g"), None);
        assert_eq!(
            FormatSpec::parse("%#8.5g"),
            Some(FormatSpec {
                alternate: true,
                width: 8,
                precision: 5,
                kind: 'g'
            })
        );
    }
}
