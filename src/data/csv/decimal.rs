//! A fast exact reader for the common shape of a number cell (sign, digits, one point, a short exponent), declining anything else to the full cell rule.

/// Powers of ten that an f64 holds exactly (5^22 < 2^53).
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Powers of five as integers, for the exact rounding check.
const POW5: [u64; 23] = {
    let mut p = [1u64; 23];
    let mut i = 1;
    while i < 23 {
        p[i] = p[i - 1] * 5;
        i += 1;
    }
    p
};

/// The most significant digits a mantissa may have: 10^19 < 2^64.
const MAX_DIGITS: usize = 19;

/// The digits of `field` from `i` on, one at a time, appended to `w`
/// (wrapping: the caller bounds how many digits count); `i` ends at the
/// first byte that is not a digit.
#[inline(always)]
fn one_at_a_time(field: &[u8], i: &mut usize, w: &mut u64) {
    while let Some(&b) = field.get(*i) {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        *w = w.wrapping_mul(10).wrapping_add(u64::from(d));
        *i += 1;
    }
}

/// The correctly rounded f64 of `field` when it is exactly
/// `[+-]? digits [. digits]? ([eE] [+-]? digits)?` or the same with no
/// digit before the point (at least one digit in the mantissa), with at
/// most 19 significant digits in the mantissa, at most 4 in the exponent
/// and a value that one of the exact cases below computes; None otherwise,
/// and the caller reads the field with the full cell rule (std's
/// `f64::from_str`), which gives the same bits wherever this gives a value.
///
/// The value of the mantissa `w` times 10^`e`: zero as is (with its sign);
/// `w <= 2^53` and `|e| <= 22` by one correctly rounded multiplication or
/// division of two exact f64s (Clinger's fast path); a longer `w` with
/// `e == 0` by the correctly rounded conversion of `w`; a longer `w` with
/// `-22 <= e < 0` by [`eisel_lemire`], or where its product cannot decide
/// the rounding, by [`nearest_quotient`].
#[inline(always)]
pub(super) fn decimal(field: &[u8]) -> Option<f64> {
    let len = field.len();
    let first = *field.first()?;
    let neg = first == b'-';
    let start = usize::from(neg || first == b'+');
    let mut i = start;
    let mut w: u64 = 0;
    // The integer digits, one at a time (mostly one or two of them).
    one_at_a_time(field, &mut i, &mut w);
    let mut digits = i - start;
    let mut e: i32 = 0;
    if field.get(i) == Some(&b'.') {
        i += 1;
        let fraction = i;
        // Eight digits at a time, then the last few as eight with zeros
        // in front, then one at a time.
        while let Some(chunk) = field.get(i..i + 8) {
            let Some(eight) = eight_digits(u64::from_le_bytes(chunk.try_into().ok()?)) else {
                break;
            };
            w = w.wrapping_mul(100_000_000).wrapping_add(eight);
            i += 8;
        }
        let left = len - i;
        if (1..8).contains(&left) && len >= 8 {
            let last = u64::from_le_bytes(field[len - 8..].try_into().ok()?);
            let front = 8 * (8 - left) as u32;
            let zeros = 0x3030_3030_3030_3030u64 & ((1u64 << front) - 1);
            if let Some(tail) = eight_digits((last & (u64::MAX << front)) | zeros) {
                w = w.wrapping_mul(POW10_INT[left]).wrapping_add(tail);
                i = len;
            }
        }
        one_at_a_time(field, &mut i, &mut w);
        e = -((i - fraction) as i32);
        digits += i - fraction;
    }
    if digits == 0 {
        return None;
    }
    if digits > MAX_DIGITS && significant(&field[start..i]) > MAX_DIGITS {
        return None;
    }
    if i < len {
        e += exponent(&field[i..])?;
    }
    let v = if w == 0 {
        0.0
    } else if w <= 1 << 53 && (-22..=22).contains(&e) {
        if e < 0 {
            w as f64 / POW10[(-e) as usize]
        } else {
            w as f64 * POW10[e as usize]
        }
    } else if e == 0 {
        w as f64
    } else if (-22..0).contains(&e) {
        let n = (-e) as usize;
        match eisel_lemire(w, n) {
            Some(v) => v,
            None => nearest_quotient(w, n)?,
        }
    } else {
        return None;
    };
    Some(f64::from_bits(v.to_bits() | u64::from(neg) << 63))
}

/// Powers of ten as integers, for the digits read a few at a time.
const POW10_INT: [u64; 8] = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000];

/// The significant digits of a mantissa's text (digits and at most one
/// point): its digits after the leading zeros.
#[cold]
fn significant(mantissa: &[u8]) -> usize {
    let digits = mantissa.iter().filter(|b| b.is_ascii_digit());
    let zeros = digits.clone().take_while(|&&b| b == b'0').count();
    digits.count() - zeros
}

/// The value of an exponent's text (`e` or `E`, a sign, 1 to 4 digits), or
/// None for anything else.
#[inline]
fn exponent(text: &[u8]) -> Option<i32> {
    let (&first, rest) = text.split_first()?;
    if first | 0x20 != b'e' {
        return None;
    }
    let (neg, digits) = match rest.split_first() {
        Some((b'-', d)) => (true, d),
        Some((b'+', d)) => (false, d),
        _ => (false, rest),
    };
    if digits.is_empty() || digits.len() > 4 {
        return None;
    }
    let mut x: i32 = 0;
    for &b in digits {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        x = x * 10 + i32::from(d);
    }
    Some(if neg { -x } else { x })
}

/// `floor(2^(127 + bits(5^n)) / 5^n)` for `1 <= n <= 22`: 5^-n scaled to
/// 128 bits with the top bit set (entry 0 unused), by long division.
const RECIPROCAL5: [u128; 23] = {
    let mut table = [0u128; 23];
    let mut n = 1;
    while n < 23 {
        let d = POW5[n] as u128;
        let bits = 128 - d.leading_zeros() as i32;
        let (mut r, mut q) = (0u128, 0u128);
        let mut pos = 127 + bits;
        while pos >= 0 {
            r = 2 * r + if pos == 127 + bits { 1 } else { 0 };
            q <<= 1;
            if r >= d {
                r -= d;
                q |= 1;
            }
            pos -= 1;
        }
        table[n] = q;
        n += 1;
    }
    table
};

/// The f64 nearest to `w / 10^n` for `2^53 < w` and `1 <= n <= 22`, by
/// the Eisel-Lemire product: `w` (shifted to the top of 64 bits) times
/// [`RECIPROCAL5`]`[n]`, 192 bits, whose top 54 bits give the mantissa and
/// the rounding bit. The table entry is low by less than 1, so the
/// product is low by less than `2^64`: the bits above the lowest word are
/// exact unless a carry could reach them (the middle word's bits below the
/// mantissa's window all ones), and then this gives None. Below the
/// rounding bit the exact quotient always has a nonzero bit (a tie shows
/// up as that all-ones word), so the rounding bit alone decides.
#[inline]
fn eisel_lemire(w: u64, n: usize) -> Option<f64> {
    let q = RECIPROCAL5[n];
    let lz = w.leading_zeros();
    let wn = u128::from(w << lz);
    let high = wn * (q >> 64);
    let low = wn * (q as u64 as u128);
    let mid_sum = (high as u64 as u128) + (low >> 64);
    let mid = mid_sum as u64;
    let hi = ((high >> 64) + (mid_sum >> 64)) as u64;
    let top = hi >> 63;
    // The 64-bit window from the product's top bit, and the bits of the
    // middle word below it.
    let below = if top == 1 { u64::MAX } else { u64::MAX >> 1 };
    if mid & below == below {
        return None;
    }
    let window = if top == 1 {
        hi
    } else {
        (hi << 1) | (mid >> 63)
    };
    let bits5 = 128 - (POW5[n] as u128).leading_zeros() as i32;
    let mut exp2 = 11 - n as i32 - lz as i32 - bits5 + top as i32;
    let mut m = (window >> 11) + ((window >> 10) & 1);
    if m == 1 << 53 {
        m = 1 << 52;
        exp2 += 1;
    }
    let biased = exp2 + 52 + 1023;
    if !(1..2047).contains(&biased) {
        return None;
    }
    Some(f64::from_bits(
        (biased as u64) << 52 | (m & ((1 << 52) - 1)),
    ))
}

/// The number eight ASCII digits (first digit in the lowest byte) spell, or
/// None if any byte is not a digit.
#[inline(always)]
fn eight_digits(chunk: u64) -> Option<u64> {
    let low = chunk.wrapping_sub(0x3030_3030_3030_3030);
    let high = chunk.wrapping_add(0x4646_4646_4646_4646);
    if (low | high) & 0x8080_8080_8080_8080 != 0 {
        return None;
    }
    // Pairs, then quadruples, then the eight digits.
    let v = low.wrapping_mul(10).wrapping_add(low >> 8);
    const MASK: u64 = 0x0000_00FF_0000_00FF;
    const MUL1: u64 = 0x000F_4240_0000_0064; // 100 + (1000000 << 32)
    const MUL2: u64 = 0x0000_2710_0000_0001; // 1 + (10000 << 32)
    let v = (v & MASK)
        .wrapping_mul(MUL1)
        .wrapping_add(((v >> 16) & MASK).wrapping_mul(MUL2))
        >> 32;
    Some(v)
}

/// The f64 nearest to `w / 10^n` (ties to even), for `2^53 < w` and
/// `1 <= n <= 22`: the quotient of the two f64s, within a few units in the
/// last place, moved to the neighbour on the exact quotient's side of a
/// midpoint until neither midpoint next to it is crossed. None if that
/// takes more than a few moves (it never should).
fn nearest_quotient(w: u64, n: usize) -> Option<f64> {
    let mut c = w as f64 / POW10[n];
    for _ in 0..4 {
        let bits = c.to_bits();
        let m = (bits & ((1 << 52) - 1)) | (1 << 52);
        let k = ((bits >> 52) & 0x7FF) as i32 - 1075;
        // Above the midpoint with the next f64 up ((2m + 1) 2^(k-1)).
        match compare(w, n, 2 * m + 1, k - 1)? {
            std::cmp::Ordering::Greater => {
                c = f64::from_bits(bits + 1);
                continue;
            }
            std::cmp::Ordering::Equal if m & 1 == 1 => return Some(f64::from_bits(bits + 1)),
            _ => {}
        }
        // Below the midpoint with the next f64 down (its unit is half as
        // large at the bottom of a binade).
        let (mid, at) = if m == 1 << 52 {
            (4 * m - 1, k - 2)
        } else {
            (2 * m - 1, k - 1)
        };
        match compare(w, n, mid, at)? {
            std::cmp::Ordering::Less => c = f64::from_bits(bits - 1),
            std::cmp::Ordering::Equal if m & 1 == 1 => return Some(f64::from_bits(bits - 1)),
            _ => return Some(c),
        }
    }
    None
}

/// `w / 10^n` against `mid * 2^at`, exactly: `w` against
/// `mid * 5^n * 2^(at + n)` in 128-bit integers. None where a side would
/// not fit (outside the range [`nearest_quotient`] is used in).
#[inline]
fn compare(w: u64, n: usize, mid: u64, at: i32) -> Option<std::cmp::Ordering> {
    let scaled = u128::from(mid) * u128::from(POW5[n]);
    let s = at + n as i32;
    if s >= 0 {
        (scaled.leading_zeros() as i32 > s).then(|| u128::from(w).cmp(&(scaled << s)))
    } else {
        (-s <= 64).then(|| (u128::from(w) << -s).cmp(&scaled))
    }
}

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;

    /// Whenever [`decimal`] gives a value, std gives the same bits; and it
    /// takes the plain shapes it is meant for.
    fn agrees(text: &str) -> bool {
        match decimal(text.as_bytes()) {
            Some(v) => {
                let std = text.parse::<f64>();
                assert_eq!(std.map(f64::to_bits), Ok(v.to_bits()), "{text:?}");
                true
            }
            None => false,
        }
    }

    #[test]
    fn decimal_gives_std_bits_on_edge_cases() {
        for text in [
            "0",
            "-0",
            "+0",
            "00",
            "-0.0",
            "0.0e-0",
            "1.",
            "5.",
            ".5",
            "-.5",
            "+.5",
            "1.e5",
            "007.50",
            "9007199254740992",
            "9007199254740993",
            "9007199254740993.0",
            "18446744073709551615",
            "9999999999999999999",
            "0.30000000000000004",
            "1.7976931348623157e308",
            "2.2250738585072014e-308",
            "0.1000000000000000055",
            "1e22",
            "1e23",
            "1e-22",
            "1e-23",
            "123456789012345678e-22",
            "1234567890123456789e-22",
            "9007199254740993e-22",
            "4503599627370497.5",
            "1e-400",
            "1e400",
        ] {
            agrees(text);
        }
        for taken in [
            "0",
            "-0",
            "1.",
            ".5",
            "-1.5e-3",
            "12345678901234567",
            "0.14853858979342682",
        ] {
            assert!(agrees(taken), "{taken:?}");
        }
        for declined in [
            "",
            ".",
            "+",
            "-",
            "e5",
            "1e",
            "1e+",
            ".e5",
            "1.5.5",
            "--1",
            "+-1",
            "1e5e5",
            "0x10",
            " 1",
            "1 ",
            "1\r",
            "inf",
            "nan",
            "1_0",
            "1,5",
            "12345678901234567890",
            "1e12345",
        ] {
            assert_eq!(decimal(declined.as_bytes()), None, "{declined:?}");
        }
        assert_eq!(decimal(b"-0").map(f64::to_bits), Some((-0.0f64).to_bits()));
    }

    #[test]
    fn decimal_gives_std_bits_on_random_numbers() {
        let mut rng = ChaCha8Rng::seed_from_u64(27);
        let mut taken = 0;
        for _ in 0..400_000 {
            let text = match rng.random_range(0..4) {
                0 => format!("{}", rng.random_range(-3.0..3.0f64)),
                1 => format!("{:e}", f64::from_bits(rng.random::<u64>())),
                2 => {
                    // 17 significant digits and an exponent near the edge of
                    // the exact powers of ten.
                    let w: u64 = rng.random_range(0..10_000_000_000_000_000_000);
                    let e: i32 = rng.random_range(-45..25);
                    format!("{w}e{e}")
                }
                _ => {
                    let digits = |rng: &mut ChaCha8Rng, n: usize| -> String {
                        (0..n)
                            .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
                            .collect()
                    };
                    let (a, b) = (rng.random_range(0..12), rng.random_range(0..12));
                    let mut s = ["", "-", "+"][rng.random_range(0..3)].to_string();
                    s += &digits(&mut rng, a);
                    s.push('.');
                    s += &digits(&mut rng, b);
                    if rng.random_bool(0.4) {
                        s += &format!(
                            "{}{}",
                            ["e", "E"][rng.random_range(0..2)],
                            rng.random_range(-30..30)
                        );
                    }
                    s
                }
            };
            taken += usize::from(agrees(&text));
        }
        assert!(taken > 200_000, "taken {taken}");
    }

    #[test]
    fn long_quotients_give_std_bits_ties_included() {
        let std = |w: u64, n: usize| format!("{w}e-{n}").parse::<f64>().unwrap().to_bits();
        let mut rng = ChaCha8Rng::seed_from_u64(53);
        let mut undecided = 0;
        for i in 0..200_000u64 {
            let n = rng.random_range(1..=22);
            let w = match i % 4 {
                // Just above 2^53, and anywhere up to 19 digits.
                0 => (1 << 53) + rng.random_range(1..5000),
                1 | 2 => rng.random_range((1 << 53) + 1..10_000_000_000_000_000_000),
                // Exact ties: 5^n times an odd number, so that w / 10^n is
                // halfway between two f64s.
                _ => {
                    let odd = rng.random_range(1u64 << 52..1 << 53) | 1;
                    match POW5[n].checked_mul(odd >> (n / 2)) {
                        Some(w) if w > 1 << 53 => w,
                        _ => continue,
                    }
                }
            };
            assert_eq!(
                nearest_quotient(w, n).map(f64::to_bits),
                Some(std(w, n)),
                "{w}e-{n}"
            );
            match eisel_lemire(w, n) {
                Some(v) => assert_eq!(v.to_bits(), std(w, n), "{w}e-{n}"),
                // A quotient with finitely many bits (5^n divides w: ties
                // among them) is left to the exact check; any other almost
                // never is.
                None => undecided += usize::from(w % POW5[n] != 0),
            }
        }
        assert!(undecided < 100, "undecided {undecided}");
    }
}
