//! The cell rule both row readers share: what one field becomes (value, missing or error).
use crate::data::DataError;

/// Cells read as missing: pandas' default `na_values` (after trimming spaces).
pub const NA_VALUES: &[&str] = &[
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
    "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
];

/// Why a cell gives no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Bad {
    /// One of [`NA_VALUES`], or a spelling that parses as NaN.
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

/// One cell as text: spaces around it ignored; [`NA_VALUES`] and NaN are
/// missing; a target must be 0 or 1 (read as `0.0` or `1.0`, never `-0.0`).
#[inline]
pub(super) fn cell(text: &str, target: bool) -> Result<f64, Bad> {
    judge(parse(text.trim_ascii()), target)
}

/// One cell as bytes, for a record that is not all UTF-8: the same rule,
/// and bytes that are not UTF-8 are not a number.
pub(super) fn cell_bytes(raw: &[u8], target: bool) -> Result<f64, Bad> {
    match std::str::from_utf8(raw.trim_ascii()) {
        Ok(s) => cell(s, target),
        Err(_) => judge(Parsed::NotANumber, target),
    }
}

/// A trimmed cell, before its column's role is known.
enum Parsed {
    Value(f64),
    Missing,
    NotANumber,
    Infinite,
}

#[inline]
fn parse(s: &str) -> Parsed {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() => Parsed::Value(v),
        Ok(v) if v.is_nan() => Parsed::Missing,
        Ok(_) => Parsed::Infinite,
        Err(_) if NA_VALUES.contains(&s) => Parsed::Missing,
        Err(_) => Parsed::NotANumber,
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
        for na in NA_VALUES.iter().chain(&["NAN", " nan "]) {
            assert_eq!(cell(na, false), Err(Bad::Missing), "{na:?}");
            assert_eq!(cell(na, true), Err(Bad::Missing), "{na:?}");
        }
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
