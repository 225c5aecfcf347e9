//! The cell rule both row readers share: what one field becomes (value, missing or error).
use super::spelling::NA_VALUES;
use crate::data::DataError;

/// Why a cell gives no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Bad {
    /// One of [`NA_VALUES`].
    Missing,
    /// A target cell that is not 0 or 1 (also text, or an infinity).
    NotBinary,
    /// A feature cell that is not a number.
    NotANumber,
    /// A feature cell that is an infinity, or too large for an f64.
    Infinite,
}

impl Bad {
    /// The error for this cell, at `line` in `column` of `file`.
    pub(super) fn error(self, file: String, line: u64, column: String, value: String) -> DataError {
        let make: fn(String, u64, String, String) -> DataError = match self {
            Bad::Missing => missing_err,
            Bad::NotBinary => not_binary_err,
            Bad::NotANumber => not_a_number_err,
            Bad::Infinite => infinite_err,
        };
        make(file, line, column, value)
    }
}

fn missing_err(file: String, line: u64, column: String, value: String) -> DataError {
    DataError::Missing {
        file,
        line,
        column,
        value,
    }
}

fn not_binary_err(file: String, line: u64, column: String, value: String) -> DataError {
    DataError::NotBinary {
        file,
        line,
        column,
        value,
    }
}

fn not_a_number_err(file: String, line: u64, column: String, value: String) -> DataError {
    DataError::NotANumber {
        file,
        line,
        column,
        value,
    }
}

fn infinite_err(file: String, line: u64, column: String, value: String) -> DataError {
    DataError::Infinite {
        file,
        line,
        column,
        value,
    }
}

/// One cell as text: a number with spaces around it ignored; exactly one
/// of [`NA_VALUES`] is missing; `true` and `false` in any case, as pandas'
/// C parser compares its bool cells, as pandas writes them (nothing
/// around them) read as 1 and 0; other text (`NAN`, ` NA`) is not a
/// number; a target must be 0 or 1 (read as `0.0` or `1.0`, never `-0.0`).
#[inline]
pub(super) fn cell(text: &str, target: bool) -> Result<f64, Bad> {
    judge(parse(text), target)
}

/// The cell rule's common case, read straight from the bytes where a field
/// starts: spaces, a finite number, spaces, then the field's end (the
/// `delimiter`, LF, or the end of `bytes`). Gives the value [`cell`] gives
/// for that field and the field's length (the end is not included); None
/// when the field is anything else (missing, text, an infinity, a target
/// other than 0 or 1, a quote, other bytes), which [`cell`] then decides.
/// `delimiter` must be one that [`number_safe_delimiter`] allows: the
/// number parser never reads it as part of a number.
///
/// The number is read by `fast_float2`, which rounds correctly as std's
/// `f64::from_str` does; a test compares the two on random and edge-case
/// text.
#[inline]
pub(super) fn cell_prefix(bytes: &[u8], delimiter: u8, target: bool) -> Option<(f64, usize)> {
    let space = |b: &&u8| b.is_ascii_whitespace() && **b != b'\n' && **b != delimiter;
    let lead = bytes.iter().take_while(space).count();
    let (v, len) = fast_float2::parse_partial::<f64, _>(&bytes[lead..]).ok()?;
    if !v.is_finite() {
        return None;
    }
    let end = lead + len;
    let end = end + bytes[end..].iter().take_while(space).count();
    match bytes.get(end) {
        Some(&b) if b != delimiter && b != b'\n' => return None,
        _ => {}
    }
    judge(Parsed::Value(v), target).ok().map(|v| (v, end))
}

/// Whether [`cell_prefix`] may be used with `delimiter`: not a byte that can
/// be part of a number (digits, letters of `e`, `inf`, `nan`, signs, the
/// decimal point).
pub(super) fn number_safe_delimiter(delimiter: u8) -> bool {
    !delimiter.is_ascii_alphanumeric() && !b"+-.".contains(&delimiter)
}

/// One cell as bytes, for a record that is not all UTF-8: the same rule,
/// and bytes that are not UTF-8 are not a number.
pub(super) fn cell_bytes(raw: &[u8], target: bool) -> Result<f64, Bad> {
    match std::str::from_utf8(raw) {
        Ok(s) => cell(s, target),
        Err(_) => judge(Parsed::NotANumber, target),
    }
}

/// A cell, before its column's role is known.
enum Parsed {
    Value(f64),
    Missing,
    NotANumber,
    Infinite,
}

#[inline]
fn parse(raw: &str) -> Parsed {
    // A CRLF line's last field, as the quote-free splitter gives it.
    let raw = raw.strip_suffix('\r').unwrap_or(raw);
    let s = raw.trim_ascii();
    let number = |b: u8| b.is_ascii_digit() || b"+-.eE".contains(&b);
    if !s.is_empty() && s.bytes().all(number) {
        return match s.parse::<f64>() {
            Ok(v) if v.is_finite() => Parsed::Value(v),
            Ok(_) => Parsed::Infinite,
            Err(_) => Parsed::NotANumber,
        };
    }
    if NA_VALUES.contains(&raw) {
        return Parsed::Missing;
    }
    if let Some(b) = super::spelling::boolean(raw) {
        return Parsed::Value(f64::from(u8::from(b)));
    }
    match super::spelling::float(raw) {
        Some(v) if !v.is_finite() => Parsed::Infinite,
        _ => Parsed::NotANumber,
    }
}

/// A missing cell is missing in any column; otherwise a target takes 0 or 1
/// only, and a feature any finite number.
#[inline]
fn judge(cell: Parsed, target: bool) -> Result<f64, Bad> {
    match (cell, target) {
        (Parsed::Missing, _) => Err(Bad::Missing),
        (Parsed::Value(v), true) if v == 0.0 || v == 1.0 => Ok(v.abs()),
        (_, true) => Err(Bad::NotBinary),
        (Parsed::Value(v), false) => Ok(v),
        (Parsed::NotANumber, false) => Err(Bad::NotANumber),
        (Parsed::Infinite, false) => Err(Bad::Infinite),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_rule_reads_values_missing_and_errors() {
        assert_eq!(cell(" 1.5\t", false), Ok(1.5));
        assert_eq!(cell("1e-400", false), Ok(0.0));
        assert_eq!(cell("1e400", false), Err(Bad::Infinite));
        assert_eq!(cell("-inf", false), Err(Bad::Infinite));
        assert_eq!(cell("abc", false), Err(Bad::NotANumber));
        let spellings = [
            ("True", "False"),
            ("TRUE", "FALSE"),
            ("true", "false"),
            ("tRUE", "fALSE"),
        ];
        for (t, f) in spellings {
            for target in [false, true] {
                assert_eq!(cell(t, target), Ok(1.0), "{t:?}");
                assert_eq!(cell(f, target).map(f64::to_bits), Ok(0.0f64.to_bits()));
            }
        }
        for text in [
            "T", "F", "yes", " True", "False ", "True1", "NAN", " nan ", " NA", "  ",
        ] {
            assert_eq!(cell(text, false), Err(Bad::NotANumber), "{text:?}");
        }
        for na in NA_VALUES {
            assert_eq!(cell(na, false), Err(Bad::Missing), "{na:?}");
            assert_eq!(cell(na, true), Err(Bad::Missing), "{na:?}");
        }
        assert_eq!(cell("NA\r", false), Err(Bad::Missing));
    }

    #[test]
    fn cell_rule_takes_only_zero_or_one_as_target() {
        assert_eq!(cell(" 1e0 ", true), Ok(1.0));
        assert_eq!(cell("-0", true).map(f64::to_bits), Ok(0.0f64.to_bits()));
        for bad in ["2", "0.5", "inf", "1e400", "yes"] {
            assert_eq!(cell(bad, true), Err(Bad::NotBinary), "{bad:?}");
        }
    }

    #[test]
    fn cell_rule_on_bytes_matches_text_and_rejects_other_bytes() {
        assert_eq!(cell_bytes(b" 2.5 ", false), Ok(2.5));
        assert_eq!(cell_bytes(b"NA", true), Err(Bad::Missing));
        assert_eq!(cell_bytes(b"\xff1", false), Err(Bad::NotANumber));
        assert_eq!(cell_bytes(b"\xff1", true), Err(Bad::NotBinary));
    }
}

#[cfg(test)]
mod prefix_tests {
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;

    /// Random text for a cell: numbers of every shape the grammar allows
    /// (signs, digits on either side of the point, exponents near f64's
    /// limits, mantissas longer than 19 digits), and short strings of the
    /// bytes a number or its near misses are made of.
    fn random_cell(rng: &mut ChaCha8Rng) -> String {
        const DIGITS: &[u8] = b"0123456789";
        const NEAR: &[u8] = b"0123456789+-.eEinfatyINFATY \t";
        let pick = |rng: &mut ChaCha8Rng, set: &[u8]| set[rng.random_range(0..set.len())] as char;
        let mut s = String::new();
        match rng.random_range(0..4) {
            0 => {
                let len = rng.random_range(0..10);
                (0..len).for_each(|_| s.push(pick(rng, NEAR)));
            }
            1 => {
                // A float's shortest text, its exponent form, or 17 digits.
                let v = f64::from_bits(rng.random::<u64>());
                s = match rng.random_range(0..3) {
                    0 => format!("{v}"),
                    1 => format!("{v:e}"),
                    _ => format!("{v:.16e}"),
                };
            }
            _ => {
                s.push_str(["", "-", "+"][rng.random_range(0..3)]);
                let int = rng.random_range(0..25);
                (0..int).for_each(|_| s.push(pick(rng, DIGITS)));
                if rng.random_bool(0.7) {
                    s.push('.');
                }
                let frac = rng.random_range(0..25);
                (0..frac).for_each(|_| s.push(pick(rng, DIGITS)));
                if rng.random_bool(0.5) {
                    s.push(pick(rng, b"eE"));
                    s.push_str(["", "-", "+"][rng.random_range(0..3)]);
                    let e: i32 = rng.random_range(-330..330);
                    s.push_str(&e.unsigned_abs().to_string());
                }
            }
        }
        if rng.random_bool(0.1) {
            s = format!(" {s}\t");
        }
        s
    }

    /// Text near the edges: subnormals, the largest finite value and the
    /// first that overflows, halfway cases, 2^53 + 1, long mantissas, every
    /// spelling of infinity and NaN, and near misses of the grammar.
    const EDGES: &[&str] = &[
        "0",
        "-0",
        "+0",
        "00",
        "0.0e-0",
        "1.",
        ".5",
        "-.5",
        "+.5",
        "1.e5",
        ".",
        "+",
        "-",
        "e5",
        "1e",
        "1e+",
        "1e-",
        "--1",
        "+-1",
        "1.5.5",
        "1e5e5",
        "0x10",
        "0x1p3",
        "1_000",
        "1,5",
        "1e308",
        "1e309",
        "-1e309",
        "1.7976931348623157e308",
        "1.7976931348623158e308",
        "1.7976931348623159e308",
        "4.9e-324",
        "5e-324",
        "2.4703282292062327e-324",
        "2.4703282292062328e-324",
        "1e-400",
        "2.2250738585072011e-308",
        "2.2250738585072012e-308",
        "9007199254740993",
        "9007199254740992.5",
        "123456789012345678901234567890",
        "0.1000000000000000055511151231257827",
        "inf",
        "-inf",
        "+inf",
        "INF",
        "Inf",
        "infinity",
        "Infinity",
        "-INFINITY",
        "infinit",
        "nan",
        "NaN",
        "-nan",
        "+nan",
        "NAN",
        "nan(1)",
        "1.#INF",
        " 1 ",
        "\t-2.5\x0c",
        "1\r",
    ];

    /// The fast cell rule against the full one (std's `f64::from_str`) on
    /// one text: whenever it gives a value, that is the full rule's value,
    /// bit for bit, for a field of exactly that text; and it takes every
    /// field the full rule reads as a value.
    fn agrees(text: &str, target: bool) {
        let full = cell(text, target).map(f64::to_bits);
        for (delimiter, after) in [(b',', ",x"), (b'\t', "\tx"), (b',', "\n1"), (b';', "")] {
            if text.as_bytes().contains(&delimiter) || text.contains('\n') {
                continue;
            }
            let bytes = format!("{text}{after}");
            let fast = cell_prefix(bytes.as_bytes(), delimiter, target);
            match fast {
                Some((v, len)) => {
                    assert_eq!(len, text.len(), "{text:?} then {after:?}");
                    assert_eq!(full, Ok(v.to_bits()), "{text:?}");
                }
                None => assert!(full.is_err(), "{text:?} then {after:?}: declined"),
            }
        }
    }

    #[test]
    fn cell_prefix_gives_std_values_on_edge_cases() {
        for text in EDGES {
            agrees(text, false);
            agrees(text, true);
        }
        for text in ["1", "0", " 1e0 ", "-0", "+1.0"] {
            assert!(
                cell_prefix(text.as_bytes(), b',', true).is_some(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn cell_prefix_gives_std_values_on_random_text() {
        let mut rng = ChaCha8Rng::seed_from_u64(16);
        for _ in 0..300_000 {
            let text = random_cell(&mut rng);
            agrees(&text, false);
        }
    }

    #[test]
    fn cell_prefix_is_only_for_delimiters_outside_numbers() {
        for d in *b"0123456789+-.eEiInNaAfFxX" {
            assert!(!number_safe_delimiter(d), "{}", d as char);
        }
        for d in *b",;\t |:" {
            assert!(number_safe_delimiter(d), "{}", d as char);
        }
    }
}
