//! Numbers for people: table cells that stay short whatever the magnitude,
//! and values in messages written as Python's `repr` writes them.
use std::fmt;

/// Below this magnitude (and not 0) a table cell is written in scientific notation.
pub const SCI_BELOW: f64 = 1e-4;
/// From this magnitude on, a table cell is written in scientific notation.
pub const SCI_FROM: f64 = 1e5;

/// A table cell: `decimals` digits after the point for ordinary magnitudes
/// (0, and [`SCI_BELOW`] <= |v| < [`SCI_FROM`]); otherwise scientific
/// notation with as many significant digits (`decimals - 1` after the point),
/// so that 1e300 is `1.00000e300`, not 301 digits. NaN and infinities are
/// written as `NaN`, `inf`, `-inf`.
pub fn cell(v: f64, decimals: usize) -> String {
    if !v.is_finite() || v == 0.0 || (SCI_BELOW..SCI_FROM).contains(&v.abs()) {
        format!("{v:.decimals$}")
    } else {
        format!("{v:.*e}", decimals.saturating_sub(1))
    }
}

/// A value in a message, as Python's `repr` writes it: the shortest digits
/// that read back to the same number, in scientific notation from 1e16 on
/// and below 1e-4 (`0.1`, `-3`, `1e+300`, `2.5e-07`).
#[derive(Debug, Clone, Copy)]
pub struct Short(pub f64);

impl fmt::Display for Short {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.0;
        if v.is_finite() && v != 0.0 && !(1e-4..1e16).contains(&v.abs()) {
            let s = format!("{v:e}");
            match s.split_once('e') {
                Some((m, e)) if !e.starts_with('-') => write!(f, "{m}e+{e:0>2}"),
                Some((m, e)) => write!(f, "{m}e-{:0>2}", &e[1..]),
                None => f.write_str(&s),
            }
        } else {
            write!(f, "{v}")
        }
    }
}

/// `v` rounded to `digits` significant digits (for sizes in messages).
pub fn round_sig(v: f64, digits: usize) -> f64 {
    format!("{v:.*e}", digits.saturating_sub(1))
        .parse()
        .unwrap_or(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_fixed_for_ordinary_magnitudes_and_scientific_otherwise() {
        assert_eq!(cell(0.424312, 6), "0.424312");
        assert_eq!(cell(-1.22, 4), "-1.2200");
        assert_eq!(cell(0.0, 6), "0.000000");
        assert_eq!(cell(5e307, 6), "5.00000e307");
        assert_eq!(cell(-1.25e-300, 4), "-1.250e-300");
        assert_eq!(cell(12345.6, 2), "12345.60");
        assert_eq!(cell(123456.0, 2), "1.2e5");
        assert_eq!(cell(f64::NAN, 6), "NaN");
        assert_eq!(cell(f64::NEG_INFINITY, 6), "-inf");
        // Sign, point, 6 significant digits, "e-" and 3 exponent digits.
        for v in [1e300, -1e-300, 3.3e38, 7e-12] {
            assert!(cell(v, 6).len() <= 13, "{}", cell(v, 6));
        }
    }

    #[test]
    fn short_is_pythons_repr() {
        for (v, s) in [
            (0.1, "0.1"),
            (-3.0, "-3"),
            (1e300, "1e+300"),
            (2.5e-7, "2.5e-07"),
            (1e16, "1e+16"),
            (123456.0, "123456"),
            (f64::INFINITY, "inf"),
        ] {
            assert_eq!(Short(v).to_string(), s);
        }
        assert_eq!(
            Short(round_sig(1.819969553779298e16, 3)).to_string(),
            "1.82e+16"
        );
    }
}
