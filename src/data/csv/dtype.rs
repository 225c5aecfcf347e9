//! [`infer`]: one column's cells typed as pandas' C parser (`read_csv` with its defaults) types them.
//!
//! pandas tries int64, then (when an integer overflows int64) uint64, then
//! float64, then bool, and keeps the cells as text (object) when none
//! fits. Each try reads the cells in order and stops at the first cell it
//! cannot read; which failure comes first decides some columns (an
//! integer beyond int64 followed by `inf` is float64, the same cells the
//! other way round object), and this module follows that order. A cell is
//! missing when it is exactly one of [`NA_VALUES`](super::spelling::NA_VALUES) (no spaces trimmed);
//! numbers may have ASCII spaces around them; True and False are any
//! spelling of `true` and `false` in any case, nothing around them.
use crate::data::table::Column;

use super::spelling::{boolean, float, is_na, is_space, trim};

/// Why a try failed on a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fail {
    /// A cell that is not an integer (pandas moves on to the next dtype).
    Invalid,
    /// An integer beyond the dtype's range.
    Overflow,
    /// uint64 cells mixed with negative or missing ones (pandas keeps the
    /// cells as text, missing markers included).
    Conflict,
}

/// The column's type and values from its cells, as pandas infers them.
pub(super) fn infer(cells: Vec<String>) -> Column {
    let missing: Vec<bool> = cells.iter().map(|c| is_na(c)).collect();
    match int64(&cells, &missing) {
        Ok(values) if missing.iter().any(|&m| m) => {
            return Column::Float(values.iter().map(|v| v.map(|i| i as f64)).collect())
        }
        Ok(values) => return Column::Int(values.into_iter().flatten().map(i128::from).collect()),
        Err(Fail::Overflow) => match uint64(&cells, &missing) {
            Ok(values) => return Column::Int(values.into_iter().map(i128::from).collect()),
            Err(Fail::Conflict) => return Column::Text(cells.into_iter().map(Some).collect()),
            Err(Fail::Overflow) => return text(cells, &missing),
            Err(Fail::Invalid) => {}
        },
        Err(_) => {}
    }
    let floats: Option<Vec<Option<f64>>> = cells
        .iter()
        .zip(&missing)
        .map(|(c, &m)| if m { Some(None) } else { float(c).map(Some) })
        .collect();
    if let Some(values) = floats {
        return Column::Float(values);
    }
    let bools: Option<Vec<Option<bool>>> = cells
        .iter()
        .zip(&missing)
        .map(|(c, &m)| if m { Some(None) } else { boolean(c).map(Some) })
        .collect();
    match bools {
        Some(values) if values.iter().all(Option::is_some) => {
            Column::Bool(values.into_iter().flatten().collect())
        }
        // pandas keeps True/False with missing cells as an object column
        // of Python bools: the same levels as a bool column.
        Some(values) => Column::BoolObject(values),
        None => text(cells, &missing),
    }
}

/// The cells as text, missing ones None.
fn text(cells: Vec<String>, missing: &[bool]) -> Column {
    let cells = cells.into_iter().zip(missing);
    Column::Text(cells.map(|(c, &m)| (!m).then_some(c)).collect())
}

/// pandas' `str_to_int64`: spaces, a sign, digits, spaces; overflow is
/// found while reading the digits, before anything after them.
fn int_cell(cell: &str) -> Result<i64, Fail> {
    let s = cell.trim_start_matches(|c: char| c.is_ascii() && is_space(c as u8));
    let (negative, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let n = digits.bytes().take_while(u8::is_ascii_digit).count();
    if n == 0 {
        return Err(Fail::Invalid);
    }
    let mut value: i128 = 0;
    for b in digits[..n].bytes() {
        value = value * 10 + i128::from(b - b'0');
        let signed = if negative { -value } else { value };
        if signed > i128::from(i64::MAX) || signed < i128::from(i64::MIN) {
            return Err(Fail::Overflow);
        }
    }
    if !trim(&digits[n..]).is_empty() {
        return Err(Fail::Invalid);
    }
    Ok(if negative { -value } else { value } as i64)
}

/// The int64 try: the values (None where missing), or why it failed.
fn int64(cells: &[String], missing: &[bool]) -> Result<Vec<Option<i64>>, Fail> {
    cells
        .iter()
        .zip(missing)
        .map(|(c, &m)| if m { Ok(None) } else { int_cell(c).map(Some) })
        .collect()
}

/// The uint64 try, as pandas' `str_to_uint64` and `_try_uint64`: a
/// negative cell (anything after a `-`) and a missing one are noted, not
/// read; uint64 values mixed with them conflict; a negative cell alone
/// overflows.
fn uint64(cells: &[String], missing: &[bool]) -> Result<Vec<u64>, Fail> {
    let (mut seen_sint, mut seen_uint, mut seen_null) = (false, false, false);
    let mut values = Vec::with_capacity(cells.len());
    for (c, &m) in cells.iter().zip(missing) {
        if m {
            seen_null = true;
            values.push(0);
            continue;
        }
        let s = c.trim_start_matches(|c: char| c.is_ascii() && is_space(c as u8));
        let digits = match s.as_bytes().first() {
            Some(b'-') => {
                seen_sint = true;
                values.push(0);
                continue;
            }
            Some(b'+') => &s[1..],
            _ => s,
        };
        let n = digits.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return Err(Fail::Invalid);
        }
        let mut value: u64 = 0;
        for b in digits[..n].bytes() {
            value = value
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(b - b'0')))
                .ok_or(Fail::Overflow)?;
        }
        if !trim(&digits[n..]).is_empty() {
            return Err(Fail::Invalid);
        }
        seen_uint |= value > i64::MAX as u64;
        values.push(value);
    }
    if seen_uint && (seen_sint || seen_null) {
        return Err(Fail::Conflict);
    }
    if seen_sint {
        return Err(Fail::Overflow);
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(cells: &[&str]) -> Column {
        infer(cells.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn follows_pandas_order_of_tries() {
        let big = "9223372036854775808";
        assert_eq!(col(&[big, "1"]), Column::Int(vec![1 << 63, 1]));
        assert_eq!(col(&[big, "1"]).dtype(), "uint64");
        assert!(matches!(col(&[big, "inf"]), Column::Float(_)));
        assert!(matches!(
            col(&["18446744073709551616", "inf"]),
            Column::Text(_)
        ));
        assert!(matches!(
            col(&["inf", "18446744073709551616"]),
            Column::Float(_)
        ));
        let kept = Column::Text(vec![Some(big.into()), Some("NA".into())]);
        assert_eq!(col(&[big, "NA"]), kept);
        let dropped = Column::Text(vec![Some("-9223372036854775809".into()), None]);
        assert_eq!(col(&["-9223372036854775809", "NA"]), dropped);
        assert_eq!(col(&[" 1", "2 "]), Column::Int(vec![1, 2]));
        assert_eq!(col(&["tRUE", "fALSE"]), Column::Bool(vec![true, false]));
        assert!(matches!(col(&[" True", "False"]), Column::Text(_)));
        assert!(matches!(col(&["1e400", "1"]), Column::Text(_)));
        assert!(matches!(col(&["NAN", "1"]), Column::Text(_)));
        assert!(matches!(col(&[" NA", "1"]), Column::Text(_)));
    }
}
