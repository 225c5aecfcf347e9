//! Sixteen f32 lanes for the fused closed-form kernel: one AVX-512 vector,
//! two AVX2 vectors, or a plain array, with the same bits in each (every
//! operation is an IEEE operation on each lane, multiply-adds fused on all
//! three), and the sigmoid built from them.
//!
//! The kernel is written once, generic over [`Lanes`], and compiled three
//! times: for AVX-512 F, for AVX2 with FMA, and for the baseline x86-64 (or
//! any other target), chosen at run time by [`Isa::detect`]. Since every
//! lane op rounds as IEEE prescribes and the lanes are reduced in one fixed
//! order outside the vectors, the three give the same numbers.
#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::*;

/// Number of lanes: rows handled together.
pub(super) const LANES: usize = 16;

/// Which instruction set the kernel runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Isa {
    /// AVX-512 F: one 16-lane vector.
    Avx512,
    /// AVX2 with FMA: two 8-lane vectors.
    Avx2,
    /// Plain arrays, on any CPU (fused multiply-adds through `f32::mul_add`).
    Portable,
}

impl Isa {
    /// The widest the CPU offers.
    pub(crate) fn detect() -> Isa {
        #[cfg(target_arch = "x86_64")]
        {
            if is_x86_feature_detected!("avx512f") {
                return Isa::Avx512;
            }
            if Isa::avx2_and_fma() {
                return Isa::Avx2;
            }
        }
        Isa::Portable
    }

    /// Whether the CPU can run [`Isa::Avx2`].
    fn avx2_and_fma() -> bool {
        #[cfg(target_arch = "x86_64")]
        {
            is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma")
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            false
        }
    }
}

/// Sixteen f32 values and the lane-wise operations the kernel needs.
pub(super) trait Lanes: Copy {
    fn splat(v: f32) -> Self;
    /// The first 16 values of `s` (at least 16 long).
    fn load(s: &[f32]) -> Self;
    fn to_array(self) -> [f32; LANES];
    fn add(self, b: Self) -> Self;
    fn sub(self, b: Self) -> Self;
    fn mul(self, b: Self) -> Self;
    fn div(self, b: Self) -> Self;
    /// `self * b + c`, rounded once.
    fn mul_add(self, b: Self, c: Self) -> Self;
    /// `self > b ? self : b` (so `b` when either is NaN, as `maxps`).
    fn max(self, b: Self) -> Self;
    /// `self < b ? self : b` (so `b` when either is NaN, as `minps`).
    fn min(self, b: Self) -> Self;
    /// Lanes `t` holding `SHIFTER + m` for whole numbers `m` (|m| < 2²²):
    /// the floats 2^(m + e), `e` a small whole number with m + e a normal exponent.
    fn pow2_of_shifted(t: Self, e: i32) -> Self;
    /// `y · 2ⁿ` for `n` the whole numbers `t - SHIFTER` (n ≤ 128, y in
    /// [0.5, 2], the product normal or overflowing to +inf): exact, so the
    /// same on every instruction set however it is computed.
    #[inline(always)]
    fn scale(y: Self, n: Self, t: Self) -> Self {
        let _ = n;
        // 2^n as 2^(n-1) · 2, so that n = 128 (x near 88.72) needs no
        // exponent field of 255; the last product overflows to +inf where
        // exp(x) does.
        y.mul(Self::pow2_of_shifted(t, -1)).mul(Self::splat(2.0))
    }
}

/// 1.5 · 2²³: adding it rounds a float of magnitude below 2²² to a whole
/// number, which then sits in the low bits of the sum's mantissa.
const SHIFTER: f32 = 12_582_912.0;

/// The exponent field's bias and the mantissa's width.
const BIAS: i32 = 127;
const MANTISSA: i32 = 23;

/// Plain arrays.
#[derive(Clone, Copy)]
pub(super) struct Portable([f32; LANES]);

impl Portable {
    #[inline(always)]
    fn map2(self, b: Self, f: impl Fn(f32, f32) -> f32) -> Self {
        Portable(std::array::from_fn(|i| f(self.0[i], b.0[i])))
    }
}

impl Lanes for Portable {
    #[inline(always)]
    fn splat(v: f32) -> Self {
        Portable([v; LANES])
    }
    #[inline(always)]
    fn load(s: &[f32]) -> Self {
        let mut out = [0.0; LANES];
        out.copy_from_slice(&s[..LANES]);
        Portable(out)
    }
    #[inline(always)]
    fn to_array(self) -> [f32; LANES] {
        self.0
    }
    #[inline(always)]
    fn add(self, b: Self) -> Self {
        self.map2(b, |x, y| x + y)
    }
    #[inline(always)]
    fn sub(self, b: Self) -> Self {
        self.map2(b, |x, y| x - y)
    }
    #[inline(always)]
    fn mul(self, b: Self) -> Self {
        self.map2(b, |x, y| x * y)
    }
    #[inline(always)]
    fn div(self, b: Self) -> Self {
        self.map2(b, |x, y| x / y)
    }
    #[inline(always)]
    fn mul_add(self, b: Self, c: Self) -> Self {
        Portable(std::array::from_fn(|i| self.0[i].mul_add(b.0[i], c.0[i])))
    }
    #[inline(always)]
    fn max(self, b: Self) -> Self {
        self.map2(b, |x, y| if x > y { x } else { y })
    }
    #[inline(always)]
    fn min(self, b: Self) -> Self {
        self.map2(b, |x, y| if x < y { x } else { y })
    }
    #[inline(always)]
    fn pow2_of_shifted(t: Self, e: i32) -> Self {
        Portable(std::array::from_fn(|i| {
            let m = (t.0[i].to_bits() as i32).wrapping_sub(SHIFTER.to_bits() as i32);
            f32::from_bits((m.wrapping_add(e + BIAS) << MANTISSA) as u32)
        }))
    }
}

/// One AVX-512 vector. Its methods may only run where the CPU has AVX-512 F
/// ([`Isa::Avx512`]); they are inlined into functions compiled for it.
#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy)]
pub(super) struct Avx512(__m512);

#[cfg(target_arch = "x86_64")]
impl Lanes for Avx512 {
    #[inline(always)]
    fn splat(v: f32) -> Self {
        // SAFETY (here and below): only called from code compiled for, and
        // run on, a CPU with AVX-512 F; loads read 16 values of a slice
        // checked to hold them.
        unsafe { Avx512(_mm512_set1_ps(v)) }
    }
    #[inline(always)]
    fn load(s: &[f32]) -> Self {
        assert!(s.len() >= LANES);
        unsafe { Avx512(_mm512_loadu_ps(s.as_ptr())) }
    }
    #[inline(always)]
    fn to_array(self) -> [f32; LANES] {
        let mut out = [0.0; LANES];
        unsafe { _mm512_storeu_ps(out.as_mut_ptr(), self.0) };
        out
    }
    #[inline(always)]
    fn add(self, b: Self) -> Self {
        unsafe { Avx512(_mm512_add_ps(self.0, b.0)) }
    }
    #[inline(always)]
    fn sub(self, b: Self) -> Self {
        unsafe { Avx512(_mm512_sub_ps(self.0, b.0)) }
    }
    #[inline(always)]
    fn mul(self, b: Self) -> Self {
        unsafe { Avx512(_mm512_mul_ps(self.0, b.0)) }
    }
    #[inline(always)]
    fn div(self, b: Self) -> Self {
        unsafe { Avx512(_mm512_div_ps(self.0, b.0)) }
    }
    #[inline(always)]
    fn mul_add(self, b: Self, c: Self) -> Self {
        unsafe { Avx512(_mm512_fmadd_ps(self.0, b.0, c.0)) }
    }
    #[inline(always)]
    fn max(self, b: Self) -> Self {
        unsafe { Avx512(_mm512_max_ps(self.0, b.0)) }
    }
    #[inline(always)]
    fn min(self, b: Self) -> Self {
        unsafe { Avx512(_mm512_min_ps(self.0, b.0)) }
    }
    #[inline(always)]
    fn pow2_of_shifted(t: Self, e: i32) -> Self {
        unsafe {
            let m = _mm512_sub_epi32(
                _mm512_castps_si512(t.0),
                _mm512_set1_epi32(SHIFTER.to_bits() as i32),
            );
            let biased = _mm512_add_epi32(m, _mm512_set1_epi32(e + BIAS));
            Avx512(_mm512_castsi512_ps(_mm512_slli_epi32::<MANTISSA_U>(biased)))
        }
    }
    #[inline(always)]
    fn scale(y: Self, n: Self, _t: Self) -> Self {
        unsafe { Avx512(_mm512_scalef_ps(y.0, n.0)) }
    }
}

/// [`MANTISSA`] as the shift intrinsics' constant.
#[cfg(target_arch = "x86_64")]
const MANTISSA_U: u32 = MANTISSA as u32;

/// Two AVX2 vectors: lanes 0–7, then 8–15. Its methods may only run where
/// the CPU has AVX2 and FMA ([`Isa::Avx2`]).
#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy)]
pub(super) struct Avx2(__m256, __m256);

/// An AVX2 binary operation on both halves.
#[cfg(target_arch = "x86_64")]
macro_rules! halves {
    ($f:ident, $a:expr, $b:expr) => {
        unsafe { Avx2($f($a.0, $b.0), $f($a.1, $b.1)) }
    };
}

#[cfg(target_arch = "x86_64")]
impl Lanes for Avx2 {
    #[inline(always)]
    fn splat(v: f32) -> Self {
        // SAFETY (here and below): only called from code compiled for, and
        // run on, a CPU with AVX2 and FMA; loads read 16 values of a slice
        // checked to hold them.
        unsafe {
            let v = _mm256_set1_ps(v);
            Avx2(v, v)
        }
    }
    #[inline(always)]
    fn load(s: &[f32]) -> Self {
        assert!(s.len() >= LANES);
        unsafe {
            Avx2(
                _mm256_loadu_ps(s.as_ptr()),
                _mm256_loadu_ps(s.as_ptr().add(8)),
            )
        }
    }
    #[inline(always)]
    fn to_array(self) -> [f32; LANES] {
        let mut out = [0.0; LANES];
        unsafe {
            _mm256_storeu_ps(out.as_mut_ptr(), self.0);
            _mm256_storeu_ps(out.as_mut_ptr().add(8), self.1);
        }
        out
    }
    #[inline(always)]
    fn add(self, b: Self) -> Self {
        halves!(_mm256_add_ps, self, b)
    }
    #[inline(always)]
    fn sub(self, b: Self) -> Self {
        halves!(_mm256_sub_ps, self, b)
    }
    #[inline(always)]
    fn mul(self, b: Self) -> Self {
        halves!(_mm256_mul_ps, self, b)
    }
    #[inline(always)]
    fn div(self, b: Self) -> Self {
        halves!(_mm256_div_ps, self, b)
    }
    #[inline(always)]
    fn mul_add(self, b: Self, c: Self) -> Self {
        unsafe {
            Avx2(
                _mm256_fmadd_ps(self.0, b.0, c.0),
                _mm256_fmadd_ps(self.1, b.1, c.1),
            )
        }
    }
    #[inline(always)]
    fn max(self, b: Self) -> Self {
        halves!(_mm256_max_ps, self, b)
    }
    #[inline(always)]
    fn min(self, b: Self) -> Self {
        halves!(_mm256_min_ps, self, b)
    }
    #[inline(always)]
    fn pow2_of_shifted(t: Self, e: i32) -> Self {
        unsafe {
            let shifter = _mm256_set1_epi32(SHIFTER.to_bits() as i32);
            let bias = _mm256_set1_epi32(e + BIAS);
            let lo = _mm256_add_epi32(_mm256_sub_epi32(_mm256_castps_si256(t.0), shifter), bias);
            let hi = _mm256_add_epi32(_mm256_sub_epi32(_mm256_castps_si256(t.1), shifter), bias);
            Avx2(
                _mm256_castsi256_ps(_mm256_slli_epi32::<MANTISSA>(lo)),
                _mm256_castsi256_ps(_mm256_slli_epi32::<MANTISSA>(hi)),
            )
        }
    }
}

/// Below this `exp` gives a value under 2⁻¹²⁴ instead of the true one
/// (`1 + exp(x)` is 1 either way); above [`EXP_HI`] it overflows to +inf
/// as the true value does.
const EXP_LO: f32 = -86.0;
const EXP_HI: f32 = 89.0;
const LOG2_E: f32 = std::f32::consts::LOG2_E;
/// ln 2 in two parts, the first with few enough bits that `n · LN2_HI` is exact.
const LN2_HI: f32 = 0.693_359_4;
const LN2_LO: f32 = -2.121_944_4e-4;
/// Cephes' `expf` polynomial on [-ln 2 / 2, ln 2 / 2].
const EXP_POLY: [f32; 6] = [
    1.987_569_1e-4,
    1.398_199_9e-3,
    8.333_452e-3,
    4.166_579_6e-2,
    0.166_666_65,
    0.5,
];

/// `exp(x)` lane by lane to about one unit in the last place for x in
/// [-86, 88.72] (see [`EXP_LO`]); +inf above, NaN for NaN.
#[inline(always)]
pub(super) fn exp<L: Lanes>(x: L) -> L {
    // `max(lo, x)` and `min(hi, ·)` keep a NaN in `x` (the second operand wins).
    let x = L::splat(EXP_HI).min(L::splat(EXP_LO).max(x));
    // t = SHIFTER + n, n the whole number nearest x · log2(e).
    let t = x.mul_add(L::splat(LOG2_E), L::splat(SHIFTER));
    let n = t.sub(L::splat(SHIFTER));
    let r = n.mul_add(L::splat(-LN2_HI), x);
    let r = n.mul_add(L::splat(-LN2_LO), r);
    let mut p = L::splat(EXP_POLY[0]);
    for &c in &EXP_POLY[1..] {
        p = p.mul_add(r, L::splat(c));
    }
    let y = p.mul_add(r.mul(r), r).add(L::splat(1.0));
    L::scale(y, n, t)
}

/// The logistic function of `z` given `-z`: `1 / (1 + exp(-z))` lane by
/// lane, as ATen's sigmoid computes it: exactly 0 where exp(-z) overflows,
/// exactly 1 where it is below half an ulp of 1.
#[inline(always)]
pub(super) fn sigmoid_of_negated<L: Lanes>(minus_z: L) -> L {
    let one = L::splat(1.0);
    one.div(one.add(exp(minus_z)))
}

/// The 16 lanes summed in one fixed order (halves, then quarters, ...).
#[inline(always)]
pub(super) fn sum(v: [f32; LANES]) -> f32 {
    let mut a = v;
    let mut width = LANES / 2;
    while width > 0 {
        for i in 0..width {
            a[i] += a[i + width];
        }
        width /= 2;
    }
    a[0]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exp_each(isa: Isa, x: &[f32]) -> Vec<f32> {
        let mut out = Vec::with_capacity(x.len());
        for block in x.chunks(LANES) {
            let mut b = [0.0; LANES];
            b[..block.len()].copy_from_slice(block);
            let v = match isa {
                #[cfg(target_arch = "x86_64")]
                Isa::Avx512 => unsafe { on_avx512(b) },
                #[cfg(target_arch = "x86_64")]
                Isa::Avx2 => unsafe { on_avx2(b) },
                _ => exp(Portable::load(&b)).to_array(),
            };
            out.extend_from_slice(&v[..block.len()]);
        }
        out
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    unsafe fn on_avx512(b: [f32; LANES]) -> [f32; LANES] {
        exp(Avx512::load(&b)).to_array()
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn on_avx2(b: [f32; LANES]) -> [f32; LANES] {
        exp(Avx2::load(&b)).to_array()
    }

    /// A spread of arguments over exp's whole range, the edges included.
    fn arguments() -> Vec<f32> {
        let mut x: Vec<f32> = (-200_000..=200_000).map(|i| i as f32 * 4.5e-4).collect();
        x.extend([
            -1000.0,
            -87.5,
            -86.0,
            88.72,
            88.722_83,
            88.7229,
            89.5,
            1000.0,
            0.0,
            -0.0,
            f32::INFINITY,
            f32::NEG_INFINITY,
        ]);
        x
    }

    #[test]
    fn exp_is_within_two_ulps_where_it_is_normal() {
        let x = arguments();
        let got = exp_each(Isa::Portable, &x);
        for (&x, &e) in x.iter().zip(&got) {
            let want = (x as f64).exp();
            if (-86.0..=88.72).contains(&x) {
                let ulp = f32::EPSILON as f64 * want;
                assert!(
                    (e as f64 - want).abs() <= 2.0 * ulp,
                    "exp({x}) = {e}, want {want}"
                );
            } else if x > 88.723 {
                assert_eq!(e, f32::INFINITY, "exp({x})");
            } else if x < -86.0 {
                assert!((0.0..=2f32.powi(-124)).contains(&e), "exp({x}) = {e}");
            }
        }
        assert!(exp_each(Isa::Portable, &[f32::NAN])[0].is_nan());
    }

    #[test]
    fn every_instruction_set_gives_the_same_bits() {
        let x = arguments();
        let portable = exp_each(Isa::Portable, &x);
        for isa in [Isa::Avx512, Isa::Avx2] {
            let supported = match isa {
                Isa::Avx512 => Isa::detect() == Isa::Avx512,
                _ => Isa::avx2_and_fma(),
            };
            if !supported {
                continue;
            }
            let got = exp_each(isa, &x);
            for ((a, b), x) in got.iter().zip(&portable).zip(&x) {
                assert_eq!(a.to_bits(), b.to_bits(), "{isa:?} exp({x})");
            }
        }
    }

    #[test]
    fn sums_the_lanes_in_halves() {
        let v: [f32; LANES] = std::array::from_fn(|i| (i + 1) as f32);
        assert_eq!(sum(v), 136.0);
        // 1e8 + 1 loses the 1 unless the halves pair it with -1e8 first.
        let mut v = [0.0; LANES];
        v[0] = 1e8;
        v[8] = -1e8;
        v[1] = 1.0;
        assert_eq!(sum(v), 1.0);
    }
}
