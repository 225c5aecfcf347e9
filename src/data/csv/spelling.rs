//! The cell spellings pandas' `read_csv` gives a meaning: its missing markers, its bool and infinity spellings, its numbers, and patsy's test for a missing category.

/// Cells read as missing: pandas' default `na_values`, matched exactly as
/// written (pandas trims no spaces around them).
pub const NA_VALUES: &[&str] = &[
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
    "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
];

/// Whether a cell is missing: exactly one of [`NA_VALUES`].
pub(super) fn is_na(cell: &str) -> bool {
    NA_VALUES.contains(&cell)
}

/// pandas' `isspace_ascii`: space, tab, LF, VT, FF, CR.
pub(super) fn is_space(b: u8) -> bool {
    b == b' ' || (b'\t'..=b'\r').contains(&b)
}

/// A cell without pandas' spaces around it.
pub(super) fn trim(cell: &str) -> &str {
    cell.trim_matches(|c: char| c.is_ascii() && is_space(c as u8))
}

/// A cell as pandas' float64 try reads it: a decimal number with spaces
/// around it (one beyond f64's range is not a number), or exactly `inf`,
/// `infinity`, with or without a sign, in any case.
pub(crate) fn float(cell: &str) -> Option<f64> {
    let s = trim(cell);
    let number = |b: u8| b.is_ascii_digit() || b"+-.eE".contains(&b);
    if !s.is_empty() && s.bytes().all(number) {
        return s.parse::<f64>().ok().filter(|v| v.is_finite());
    }
    let unsigned = cell.strip_prefix(['+', '-']).unwrap_or(cell);
    let infinite =
        unsigned.eq_ignore_ascii_case("inf") || unsigned.eq_ignore_ascii_case("infinity");
    match (infinite, cell.starts_with('-')) {
        (false, _) => None,
        (true, false) => Some(f64::INFINITY),
        (true, true) => Some(f64::NEG_INFINITY),
    }
}

/// A cell as pandas' bool try reads it: `true` or `false` in any case.
pub(super) fn boolean(cell: &str) -> Option<bool> {
    if cell.eq_ignore_ascii_case("true") {
        Some(true)
    } else if cell.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// Whether Python's `float(text)` is NaN: patsy's test for a missing
/// categorical value (`nan` in any case, a sign, whitespace around).
pub(crate) fn python_nan(text: &str) -> bool {
    let t = text.trim_matches(|c: char| c.is_whitespace() || ('\x1c'..='\x1f').contains(&c));
    t.strip_prefix(['+', '-'])
        .unwrap_or(t)
        .eq_ignore_ascii_case("nan")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_nan_is_floats_nan() {
        for t in ["nan", "NAN", " +nAn\t", "-NaN"] {
            assert!(python_nan(t), "{t:?}");
        }
        for t in ["NA", "nan1", "", "inf", "n an"] {
            assert!(!python_nan(t), "{t:?}");
        }
    }
}
