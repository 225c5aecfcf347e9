//! The structural index of a block of CSV text: per 64 bytes, bitmasks of where the delimiters, line ends and quotes are (SSE2 on x86-64, else portable word-at-a-time code).

/// How the masks are computed: both give the same masks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scan {
    /// Eight bytes at a time in a `u64`, on any CPU (on x86-64, only
    /// where a test asks for it).
    #[cfg_attr(all(target_arch = "x86_64", not(test)), allow(dead_code))]
    Portable,
    /// Sixteen bytes at a time with SSE2 compares (every x86-64 CPU has
    /// SSE2).
    #[cfg(target_arch = "x86_64")]
    Sse2,
}

impl Scan {
    /// The fastest scan this build has.
    pub(super) fn best() -> Scan {
        #[cfg(target_arch = "x86_64")]
        {
            Scan::Sse2
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            Scan::Portable
        }
    }
}

/// Where 64 bytes hold the delimiter, LF and `"`: bit `i` for byte `i`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Masks {
    pub delimiter: u64,
    pub line_end: u64,
    pub quote: u64,
}

impl Scan {
    /// The masks of `block`.
    #[inline(always)]
    pub(super) fn masks(self, block: &[u8; 64], delimiter: u8) -> Masks {
        match self {
            Scan::Portable => portable(block, delimiter),
            #[cfg(target_arch = "x86_64")]
            Scan::Sse2 => sse2(block, delimiter),
        }
    }
}

/// The masks, a word of eight bytes at a time.
#[inline(always)]
fn portable(block: &[u8; 64], delimiter: u8) -> Masks {
    let mut m = Masks::default();
    for (i, word) in block.chunks_exact(8).enumerate() {
        let word = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        m.delimiter |= bytes_equal(word, delimiter) << (8 * i);
        m.line_end |= bytes_equal(word, b'\n') << (8 * i);
        m.quote |= bytes_equal(word, b'"') << (8 * i);
    }
    m
}

/// Eight bits, one per byte of `word` (lowest byte first): set where the
/// byte is `b`. Exact: the high-bit test is done on the low seven bits
/// apart, so no carry crosses bytes.
#[inline(always)]
fn bytes_equal(word: u64, b: u8) -> u64 {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    let x = word ^ (u64::from(b) * 0x0101_0101_0101_0101);
    // High bit of each byte set where the byte is zero.
    let zero = !(((x & LOW7) + LOW7) | x | LOW7);
    // Gather the eight high bits into the low byte.
    ((zero >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
}

/// The masks, sixteen bytes at a time.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn sse2(block: &[u8; 64], delimiter: u8) -> Masks {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8,
    };
    // SAFETY: SSE2 is part of x86-64; each load reads 16 bytes inside the
    // 64-byte block.
    unsafe {
        let d = _mm_set1_epi8(delimiter as i8);
        let lf = _mm_set1_epi8(b'\n' as i8);
        let q = _mm_set1_epi8(b'"' as i8);
        let mut m = Masks::default();
        for i in 0..4 {
            let v = _mm_loadu_si128(block.as_ptr().add(16 * i).cast::<__m128i>());
            let bits = |c| u64::from(_mm_movemask_epi8(_mm_cmpeq_epi8(v, c)) as u16) << (16 * i);
            m.delimiter |= bits(d);
            m.line_end |= bits(lf);
            m.quote |= bits(q);
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;

    /// The masks byte by byte, as the definition says.
    fn plain(block: &[u8; 64], delimiter: u8) -> Masks {
        let bit = |c: u8| {
            (0..64)
                .filter(|&i| block[i] == c)
                .fold(0u64, |m, i| m | 1 << i)
        };
        Masks {
            delimiter: bit(delimiter),
            line_end: bit(b'\n'),
            quote: bit(b'"'),
        }
    }

    #[test]
    fn every_scan_gives_the_bytewise_masks() {
        let mut rng = ChaCha8Rng::seed_from_u64(64);
        let scans = [Scan::Portable, Scan::best()];
        for _ in 0..20_000 {
            let mut block = [0u8; 64];
            // Bytes near the ones searched for, and any byte.
            let set = b",\n\"\t;\r0-+.9\x80\xff\x0a\x2b\x2d\x7f\x00\x01";
            for b in &mut block {
                *b = if rng.random_bool(0.8) {
                    set[rng.random_range(0..set.len())]
                } else {
                    rng.random()
                };
            }
            for delimiter in [b',', b'\t', b';', 0x80, 0xff] {
                let want = plain(&block, delimiter);
                for scan in scans {
                    assert_eq!(scan.masks(&block, delimiter), want, "{scan:?} {block:?}");
                }
            }
        }
    }
}
