//! Numbers for people and for other tools: table cells that stay short
//! whatever the magnitude, and values in messages and CSV outputs written as
//! Python's `repr` writes them.
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

/// A value in a message or a CSV output, as Python's `repr` writes it: the
/// shortest digits that read back to the same number, in scientific notation
/// from 1e16 on and below 1e-4 (`0.1`, `-3`, `1e+300`, `2.5e-07`). Unlike
/// `repr`, an integral value has no `.0` (`1`, `-0`) and NaN is `NaN`; every
/// CSV reader takes both. Python's `float`, numpy and R read back the very
/// number written; pandas' default parser is not correctly rounded (its
/// `float_precision="round_trip"` is).
#[derive(Debug, Clone, Copy)]
pub struct Short(pub f64);

impl fmt::Display for Short {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.0;
        if !v.is_finite() || v == 0.0 {
            return write!(f, "{v}");
        }
        // Ryu gives the fewest digits that read back as `v` and, of those,
        // the decimal nearest to `v`, as Python's repr picks them (Rust's
        // own shortest form can differ in the last digit); they are laid out
        // here as repr lays them out.
        let mut ryu = ryu::Buffer::new();
        let text = ryu.format_finite(v);
        let (sign, text) = match text.strip_prefix('-') {
            Some(rest) => ("-", rest),
            None => ("", text),
        };
        let (mantissa, e) = text.split_once('e').unwrap_or((text, "0"));
        let e: i32 = e.parse().map_err(|_| fmt::Error)?;
        // The significant digits, and how many stand before the point.
        let mut all = [0u8; 32];
        let (mut n, mut before) = (0usize, None);
        for b in mantissa.bytes() {
            match b {
                b'.' => before = Some(n),
                _ if n < all.len() => {
                    all[n] = b;
                    n += 1;
                }
                _ => return Err(fmt::Error),
            }
        }
        let lead = all[..n].iter().take_while(|&&d| d == b'0').count();
        let digits = &all[lead..n];
        let digits =
            &digits[..digits.len() - digits.iter().rev().take_while(|&&d| d == b'0').count()];
        let digits = std::str::from_utf8(digits).map_err(|_| fmt::Error)?;
        // The decimal exponent of the first significant digit.
        let exp = before.unwrap_or(n) as i32 - lead as i32 + e - 1;
        f.write_str(sign)?;
        if !(-4..16).contains(&exp) {
            let (first, rest) = digits.split_at(1);
            let point = if rest.is_empty() { "" } else { "." };
            return match exp < 0 {
                true => write!(f, "{first}{point}{rest}e-{:02}", -exp),
                false => write!(f, "{first}{point}{rest}e+{exp:02}"),
            };
        }
        if exp < 0 {
            f.write_str("0.")?;
            for _ in 0..(-exp - 1) {
                f.write_str("0")?;
            }
            return f.write_str(digits);
        }
        let point = exp as usize + 1;
        match digits.len() > point {
            true => write!(f, "{}.{}", &digits[..point], &digits[point..]),
            false => {
                f.write_str(digits)?;
                for _ in digits.len()..point {
                    f.write_str("0")?;
                }
                Ok(())
            }
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

    /// Every vector in tests/fixtures/numfmt/repr_vectors.json, made by
    /// Python itself (scripts/make_repr_vectors.py), and each reads back as
    /// the same bits.
    #[test]
    fn matches_python_repr_vectors() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/numfmt/repr_vectors.json"
        );
        let text = std::fs::read_to_string(path).expect("repr_vectors.json");
        let rows: Vec<(u64, String)> = serde_json::from_str(&text).expect("[bits, repr] pairs");
        assert!(rows.len() >= 3000, "only {} vectors", rows.len());
        let mut failures = Vec::new();
        for (bits, repr) in &rows {
            let v = f64::from_bits(*bits);
            let want = repr.strip_suffix(".0").unwrap_or(repr);
            let got = Short(v).to_string();
            if got != want {
                failures.push(format!("{bits}: got {got:?}, Python {repr:?}"));
            }
            if got.parse::<f64>().map(f64::to_bits) != Ok(*bits) {
                failures.push(format!("{bits}: {got:?} does not read back"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        assert_eq!(Short(f64::NAN).to_string(), "NaN");
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
