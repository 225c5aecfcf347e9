//! Streaming Householder QR of the weighted design, chunk by chunk, chunks merged in order.
use crate::math::{column_scales, dot_lanes};
use crate::runtime::chunk::CHUNK;
use crate::runtime::threads::{avx2, map_chunks};

/// Rows per Householder block: 128 rows × (k + 1) columns stay in L1 cache
/// for k ≈ 10 (a multiple of [`LANES`]).
pub(super) const BLOCK: usize = 128;

/// The design matrix as the fit reads it: row-major n × k (as
/// [`Dataset::x`](crate::data::Dataset)), with a power-of-two scale per
/// column used inside the QR so that no square over- or underflows (exact:
/// the scales are undone on R).
#[derive(Debug, Clone)]
pub struct ScaledDesign<'a> {
    x: &'a [f64],
    n: usize,
    pub(super) k: usize,
    scale: Vec<f64>,
}

impl<'a> ScaledDesign<'a> {
    /// Wrap a row-major n × k slice; `x.len()` must be a multiple of `k`.
    pub fn new(x: &'a [f64], k: usize) -> Self {
        assert!(
            k > 0 && x.len().is_multiple_of(k),
            "design of {} values, k = {k}",
            x.len()
        );
        let n = x.len() / k;
        let scale = column_scales(x, k);
        ScaledDesign { x, n, k, scale }
    }

    /// A block of rows of a larger design, with that design's column
    /// scales (`scale.len()` = k).
    pub fn with_scale(x: &'a [f64], scale: &[f64]) -> Self {
        let k = scale.len();
        assert!(
            k > 0 && x.len().is_multiple_of(k),
            "block of {} values, k = {k}",
            x.len()
        );
        ScaledDesign {
            x,
            n: x.len() / k,
            k,
            scale: scale.to_vec(),
        }
    }

    /// The power-of-two scale of each column.
    pub fn scale(&self) -> &[f64] {
        &self.scale
    }

    /// Number of rows.
    pub fn n(&self) -> usize {
        self.n
    }

    /// Number of columns.
    pub fn k(&self) -> usize {
        self.k
    }

    fn row(&self, i: usize) -> &[f64] {
        &self.x[i * self.k..(i + 1) * self.k]
    }

    /// Xβ for one row.
    #[inline(always)]
    pub(super) fn dot_row(&self, i: usize, beta: &[f64]) -> f64 {
        self.row(i).iter().zip(beta).map(|(x, b)| x * b).sum()
    }

    /// Xβ for rows `start..end`.
    pub fn predict_rows(&self, start: usize, end: usize, beta: &[f64]) -> Vec<f64> {
        (start..end).map(|i| self.dot_row(i, beta)).collect()
    }
}

/// What a pass's `fill` reports about its rows besides R, merged in row
/// order (block after block within a chunk, then chunk after chunk), so
/// that it does not depend on the thread count either.
pub(super) trait Report: Default + Send {
    /// Add the report of the rows that follow.
    fn merge(&mut self, later: Self);
}

/// What the pass over the rows noticed about w and z.
#[derive(Debug, Clone, Copy)]
pub(super) struct Flags {
    pub bad_w: bool,
    pub bad_z: bool,
    pub w_min: f64,
    pub w_max: f64,
}

impl Default for Flags {
    fn default() -> Self {
        Flags {
            bad_w: false,
            bad_z: false,
            w_min: f64::INFINITY,
            w_max: f64::NEG_INFINITY,
        }
    }
}

impl Report for Flags {
    fn merge(&mut self, o: Flags) {
        self.bad_w |= o.bad_w;
        self.bad_z |= o.bad_z;
        self.w_min = self.w_min.min(o.w_min);
        self.w_max = self.w_max.max(o.w_max);
    }
}

/// Undo the column scales on R: R = R' D⁻¹ (the z column, if any, unscaled).
pub(super) fn unscale(mut r: Vec<f64>, scale: &[f64], with_z: bool) -> Vec<f64> {
    let k = scale.len();
    let c = k + usize::from(with_z);
    for i in 0..c {
        for j in 0..k {
            r[i * c + j] /= scale[j];
        }
    }
    r
}

/// Streaming QR over the rows of [√w X D | √w z] (the z column when
/// `with_z`). `fill(start, cols, sw, z)` writes √w and z of rows `start..start +
/// sw.len()` (one block of at most [`BLOCK`] rows) and reports on them;
/// `cols` holds those rows of X, unscaled and column-major: column j at
/// `cols[j * BLOCK..j * BLOCK + sw.len()]`, so that a loop over the rows
/// of one column vectorises.
/// Returns R (c × c row-major, c = k + with_z) and the merged reports.
#[cfg(test)]
pub(super) fn qr_rows<F, T>(
    x: &ScaledDesign,
    with_z: bool,
    threads: usize,
    fill: F,
) -> (Vec<f64>, T)
where
    F: Fn(usize, &[f64], &mut [f64], &mut [f64]) -> T + Sync,
    T: Report,
{
    let mut merged = MergedR::new(x.k + usize::from(with_z));
    qr_parts(x, with_z, threads, fill, &mut merged);
    merged.finish()
}

/// The QR of each chunk of [`CHUNK`] rows of the block `x` (on up to
/// `threads` threads), added in order to `merged`. `fill` as in
/// [`qr_rows`], with row indices of the block.
pub(super) fn qr_parts<F, T>(
    x: &ScaledDesign,
    with_z: bool,
    threads: usize,
    fill: F,
    merged: &mut MergedR<T>,
) where
    F: Fn(usize, &[f64], &mut [f64], &mut [f64]) -> T + Sync,
    T: Report,
{
    let c = x.k + usize::from(with_z);
    let chunks: Vec<(usize, usize)> = (0..x.n)
        .step_by(CHUNK)
        .map(|s| (s, (s + CHUNK).min(x.n)))
        .collect();
    let factor = |(start, end): (usize, usize)| qr_chunk(x, with_z, c, start, end, &fill);
    for (part, flags) in map_chunks(chunks, threads, factor) {
        merged.add(part, flags);
    }
}

/// The chunks' R factors combined in order, as they come: the QR of the
/// stacked R's. A single chunk's R is kept as it is.
#[derive(Debug)]
pub(super) struct MergedR<T> {
    c: usize,
    first: Option<Vec<f64>>,
    r: Option<Vec<f64>>,
    report: T,
    m: Vec<f64>,
}

impl<T: Report> MergedR<T> {
    /// Nothing merged yet, for c × c factors.
    pub(super) fn new(c: usize) -> Self {
        MergedR {
            c,
            first: None,
            r: None,
            report: T::default(),
            m: vec![0.0; c * c],
        }
    }

    /// Add the next chunk's R and report.
    pub(super) fn add(&mut self, part: Vec<f64>, report: T) {
        self.report.merge(report);
        if self.first.is_none() && self.r.is_none() {
            self.first = Some(part);
            return;
        }
        let c = self.c;
        let r = self.r.get_or_insert_with(|| vec![0.0; c * c]);
        for p in self.first.take().into_iter().chain([part]) {
            for i in 0..c {
                for j in 0..c {
                    self.m[j * c + i] = p[i * c + j];
                }
            }
            absorb_rows(r, &mut self.m, c, c);
        }
    }

    /// R of every row added (zero when none was) and the merged reports.
    pub(super) fn finish(self) -> (Vec<f64>, T) {
        let r = self
            .r
            .or(self.first)
            .unwrap_or_else(|| vec![0.0; self.c * self.c]);
        (r, self.report)
    }
}

/// QR of rows `start..end`, one block of [`BLOCK`] rows at a time (the last
/// block padded with zero rows, which change nothing): the block's rows
/// copied column-major once, read by `fill`, then scaled in place to
/// √w X D; the Householder updates on the widest vectors the CPU has
/// ([`absorb_widest`]).
fn qr_chunk<F, T>(
    x: &ScaledDesign,
    with_z: bool,
    c: usize,
    start: usize,
    end: usize,
    fill: &F,
) -> (Vec<f64>, T)
where
    F: Fn(usize, &[f64], &mut [f64], &mut [f64]) -> T,
    T: Report,
{
    let k = x.k;
    let mut r = vec![0.0; c * c];
    let mut m = vec![0.0; BLOCK * c];
    let mut sw = [0.0; BLOCK];
    let mut z = [0.0; BLOCK];
    let mut report = T::default();
    let mut i = start;
    while i < end {
        let b = BLOCK.min(end - i);
        if b < BLOCK {
            m.fill(0.0);
        }
        transpose_widest(&x.x[i * k..(i + b) * k], k, &mut m);
        report.merge(fill(i, &m[..k * BLOCK], &mut sw[..b], &mut z[..b]));
        for (j, col) in m.chunks_exact_mut(BLOCK).take(k).enumerate() {
            let sj = x.scale[j];
            for (dst, s) in col.iter_mut().zip(&sw[..b]) {
                *dst = *dst * sj * s;
            }
        }
        if with_z {
            let col = &mut m[k * BLOCK..k * BLOCK + b];
            for ((dst, zi), s) in col.iter_mut().zip(&z[..b]).zip(&sw[..b]) {
                *dst = zi * s;
            }
        }
        absorb_widest(&mut r, &mut m, BLOCK, c);
        i += b;
    }
    (r, report)
}

/// The row-major rows `rows` (k values each, at most [`BLOCK`] rows)
/// copied column-major into `m` (column j at `m[j * BLOCK..]`): four rows
/// by four columns at a time in AVX registers where the CPU has them (an
/// exact copy either way).
fn transpose_widest(rows: &[f64], k: usize, m: &mut [f64]) {
    let b = rows.len() / k;
    assert!(b <= BLOCK && m.len() >= k * BLOCK, "block of {b} rows");
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx") {
        // SAFETY: the CPU supports AVX (checked just above); the sizes are
        // checked just above as well.
        return unsafe { transpose_avx(rows, k, m) };
    }
    transpose(rows, k, 0..k, m)
}

/// [`transpose_widest`] for the columns `cols`, one value at a time,
/// column by column (contiguous stores).
fn transpose(rows: &[f64], k: usize, cols: std::ops::Range<usize>, m: &mut [f64]) {
    for j in cols {
        for (dst, xr) in m[j * BLOCK..].iter_mut().zip(rows.chunks_exact(k)) {
            *dst = xr[j];
        }
    }
}

/// [`transpose_widest`] on AVX: each 4 × 4 tile of the rows loaded as four
/// row vectors, transposed by unpacks and lane permutes, stored as four
/// column vectors; the rows past the last group of four and the columns
/// past the last whole tile copied one value at a time.
///
/// # Safety
/// The CPU must support AVX; `rows.len()` is a multiple of `k` of at most
/// [`BLOCK`] rows and `m.len() >= k * BLOCK`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
unsafe fn transpose_avx(rows: &[f64], k: usize, m: &mut [f64]) {
    use std::arch::x86_64::*;
    let b = rows.len() / k;
    let (src, dst) = (rows.as_ptr(), m.as_mut_ptr());
    let (b4, k4) = (b - b % 4, k - k % 4);
    for r in (0..b4).step_by(4) {
        for j in (0..k4).step_by(4) {
            // SAFETY: rows r..r + 4 and columns j..j + 4 lie inside `rows`
            // (r + 4 <= b, j + 4 <= k) and inside `m` (j + 4 <= k,
            // r + 4 <= BLOCK).
            unsafe {
                let a0 = _mm256_loadu_pd(src.add(r * k + j));
                let a1 = _mm256_loadu_pd(src.add((r + 1) * k + j));
                let a2 = _mm256_loadu_pd(src.add((r + 2) * k + j));
                let a3 = _mm256_loadu_pd(src.add((r + 3) * k + j));
                let t0 = _mm256_unpacklo_pd(a0, a1);
                let t1 = _mm256_unpackhi_pd(a0, a1);
                let t2 = _mm256_unpacklo_pd(a2, a3);
                let t3 = _mm256_unpackhi_pd(a2, a3);
                _mm256_storeu_pd(dst.add(j * BLOCK + r), _mm256_permute2f128_pd(t0, t2, 0x20));
                _mm256_storeu_pd(
                    dst.add((j + 1) * BLOCK + r),
                    _mm256_permute2f128_pd(t1, t3, 0x20),
                );
                _mm256_storeu_pd(
                    dst.add((j + 2) * BLOCK + r),
                    _mm256_permute2f128_pd(t0, t2, 0x31),
                );
                _mm256_storeu_pd(
                    dst.add((j + 3) * BLOCK + r),
                    _mm256_permute2f128_pd(t1, t3, 0x31),
                );
            }
        }
    }
    for rr in b4..b {
        for j in 0..k4 {
            m[j * BLOCK + rr] = rows[rr * k + j];
        }
    }
    transpose(rows, k, k4..k, m)
}

/// [`absorb`] on AVX-512 registers where the CPU has them
/// ([`absorb_avx512`]), else compiled for AVX2 or the baseline: the same
/// bits on each (the lanes are written out, no fused multiply-add is
/// formed).
fn absorb_widest(r: &mut [f64], m: &mut [f64], b: usize, c: usize) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") {
        // SAFETY: the CPU supports AVX-512 F (checked just above); the
        // sizes are absorb's.
        return unsafe { absorb_avx512(r, m, b, c) };
    }
    avx2!(absorb(r, m, b, c))
}

/// Lanes of the dot products over a block's rows: row i goes to lane
/// i % LANES, the lanes are added in a fixed order at the end, so the sums
/// do not depend on the vector width the loops are compiled for.
const LANES: usize = 8;

/// The lanes of a dot product added in a fixed order, [`dot_lanes`]'s.
#[inline(always)]
fn lanes_sum(a: [f64; LANES]) -> f64 {
    ((a[0] + a[4]) + (a[2] + a[6])) + ((a[1] + a[5]) + (a[3] + a[7]))
}

/// Columns whose dot products with the reflector one sweep over the rows
/// computes (independent sums, so the sweep is not bound by the latency of
/// an add, and the reflector is read once for all of them).
const GROUP: usize = 4;

/// Σ v·v over a multiple of [`LANES`] rows, row i in lane i % LANES.
#[inline(always)]
fn norm2(v: &[f64]) -> f64 {
    let mut a = [0.0; LANES];
    for x in v.chunks_exact(LANES) {
        for l in 0..LANES {
            a[l] += x[l] * x[l];
        }
    }
    lanes_sum(a)
}

/// Apply the reflector (1 at R's row j, `v` in the block's rows, a
/// multiple of [`LANES`] of them) to the G columns `cols` (each
/// `v.len()` rows) and to their entries `rj` of R's row j: the G dot
/// products in one sweep over the rows, then each column updated.
#[inline(always)]
fn reflect<const G: usize>(v: &[f64], tau: f64, rj: &mut [f64], cols: &mut [f64]) {
    let b = v.len();
    let mut acc = [[0.0; LANES]; G];
    {
        let cs: [&[f64]; G] = std::array::from_fn(|q| &cols[q * b..(q + 1) * b]);
        let mut g = 0;
        while g + LANES <= b {
            let x: &[f64; LANES] = v[g..g + LANES].try_into().expect("LANES values");
            for q in 0..G {
                let y: &[f64; LANES] = cs[q][g..g + LANES].try_into().expect("LANES values");
                for l in 0..LANES {
                    acc[q][l] += x[l] * y[l];
                }
            }
            g += LANES;
        }
    }
    for (q, col) in cols.chunks_exact_mut(b).take(G).enumerate() {
        let s = (rj[q] + lanes_sum(acc[q])) * tau;
        rj[q] -= s;
        for (e, &vi) in col.iter_mut().zip(v) {
            *e -= s * vi;
        }
    }
}

/// [`absorb`] for any number of rows `b` (R's c rows when chunks are
/// merged): one reflector at a time, each dot product in [`dot_lanes`]'s
/// order, as [`absorb`] sums.
fn absorb_rows(r: &mut [f64], m: &mut [f64], b: usize, c: usize) {
    for j in 0..c {
        let (head, tail) = m.split_at_mut((j + 1) * b);
        let v = &mut head[j * b..];
        let sigma = dot_lanes(v, v);
        if sigma == 0.0 {
            continue;
        }
        let (beta, tau, scale) = reflector(r[j * c + j], sigma);
        for e in v.iter_mut() {
            *e *= scale;
        }
        r[j * c + j] = beta;
        for l in j + 1..c {
            let col = &mut tail[(l - j - 1) * b..(l - j) * b];
            let s = (r[j * c + l] + dot_lanes(v, col)) * tau;
            r[j * c + l] -= s;
            for (e, &vi) in col.iter_mut().zip(v.iter()) {
                *e -= s * vi;
            }
        }
    }
}

/// LAPACK `dlarfg`'s reflector for a column whose entry in R is `alpha`
/// and whose squared norm in the block is `sigma` (> 0): R's new entry β,
/// τ, and the scale 1 / (α - β) of the block's part of the vector.
#[inline(always)]
fn reflector(alpha: f64, sigma: f64) -> (f64, f64, f64) {
    let norm = alpha.hypot(sigma.sqrt());
    let beta = if alpha >= 0.0 { -norm } else { norm };
    (beta, (beta - alpha) / beta, 1.0 / (alpha - beta))
}

/// Fold a block of rows into R by Householder reflections: R ← the R of
/// [R; M]. `m` is column-major with `b` rows and `c` columns (overwritten);
/// `r` is c × c row-major upper triangular; `b` is a multiple of
/// [`LANES`]. LAPACK `dlarfg`'s reflector, applied to the columns
/// on its right [`GROUP`] at a time.
#[inline(always)]
fn absorb(r: &mut [f64], m: &mut [f64], b: usize, c: usize) {
    debug_assert!(b.is_multiple_of(LANES) && m.len() >= b * c);
    for j in 0..c {
        let (head, tail) = m.split_at_mut((j + 1) * b);
        let v = &mut head[j * b..];
        let sigma = norm2(v);
        if sigma == 0.0 {
            continue;
        }
        let alpha = r[j * c + j];
        let (beta, tau, scale) = reflector(alpha, sigma);
        for e in v.iter_mut() {
            *e *= scale;
        }
        r[j * c + j] = beta;
        let v = &*v;
        let mut l = j + 1;
        while l < c {
            let g = (c - l).min(GROUP);
            let rj = &mut r[j * c + l..j * c + l + g];
            let cols = &mut tail[(l - j - 1) * b..(l - j - 1 + g) * b];
            match g {
                4 => reflect::<4>(v, tau, rj, cols),
                3 => reflect::<3>(v, tau, rj, cols),
                2 => reflect::<2>(v, tau, rj, cols),
                _ => reflect::<1>(v, tau, rj, cols),
            }
            l += g;
        }
    }
}

/// [`absorb`] on AVX-512 registers: one register per [`LANES`] lanes, the
/// same operations in the same order (no fused multiply-add), so the same
/// bits as the portable loops.
///
/// # Safety
/// The CPU must support AVX-512 F; as [`absorb`], `b` is a multiple of
/// [`LANES`] and `m.len() >= b * c`, `r.len() >= c * c`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn absorb_avx512(r: &mut [f64], m: &mut [f64], b: usize, c: usize) {
    use std::arch::x86_64::*;
    assert!(b.is_multiple_of(LANES) && m.len() >= b * c && r.len() >= c * c);
    let lanes = |a: __m512d| {
        let mut x = [0.0; LANES];
        // SAFETY: x holds LANES = 8 values.
        unsafe { _mm512_storeu_pd(x.as_mut_ptr(), a) };
        lanes_sum(x)
    };
    let p = m.as_mut_ptr();
    for j in 0..c {
        // SAFETY: every pointer below stays inside m's columns 0..c (b
        // rows each), and b is a multiple of 32.
        unsafe {
            let v = p.add(j * b);
            let mut a = _mm512_setzero_pd();
            for g in (0..b).step_by(LANES) {
                let x = _mm512_loadu_pd(v.add(g));
                a = _mm512_add_pd(a, _mm512_mul_pd(x, x));
            }
            let sigma = lanes(a);
            if sigma == 0.0 {
                continue;
            }
            let alpha = r[j * c + j];
            let (beta, tau, scale) = reflector(alpha, sigma);
            let sc = _mm512_set1_pd(scale);
            for g in (0..b).step_by(LANES) {
                _mm512_storeu_pd(v.add(g), _mm512_mul_pd(_mm512_loadu_pd(v.add(g)), sc));
            }
            r[j * c + j] = beta;
            let mut l = j + 1;
            while l < c {
                let g = (c - l).min(GROUP);
                let cols = p.add(l * b);
                let rj = &mut r[j * c + l..j * c + l + g];
                match g {
                    4 => reflect_avx512::<4>(v, tau, rj, cols, b),
                    3 => reflect_avx512::<3>(v, tau, rj, cols, b),
                    2 => reflect_avx512::<2>(v, tau, rj, cols, b),
                    _ => reflect_avx512::<1>(v, tau, rj, cols, b),
                }
                l += g;
            }
        }
    }
}

/// [`reflect`] on AVX-512 registers, the columns at `cols` (G columns of
/// `b` rows, column-major), the reflector at `v`.
///
/// # Safety
/// The CPU must support AVX-512 F; `v` and the G columns at `cols` hold `b`
/// values each (a multiple of [`LANES`]) and do not overlap.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
#[inline]
unsafe fn reflect_avx512<const G: usize>(
    v: *const f64,
    tau: f64,
    rj: &mut [f64],
    cols: *mut f64,
    b: usize,
) {
    use std::arch::x86_64::*;
    // SAFETY: as the function's contract says.
    unsafe {
        let mut acc = [_mm512_setzero_pd(); G];
        for g in (0..b).step_by(LANES) {
            let x = _mm512_loadu_pd(v.add(g));
            for (q, a) in acc.iter_mut().enumerate() {
                *a = _mm512_add_pd(*a, _mm512_mul_pd(x, _mm512_loadu_pd(cols.add(q * b + g))));
            }
        }
        for (q, a) in acc.iter().enumerate() {
            let mut x = [0.0; LANES];
            _mm512_storeu_pd(x.as_mut_ptr(), *a);
            let s = (rj[q] + lanes_sum(x)) * tau;
            rj[q] -= s;
            let sv = _mm512_set1_pd(s);
            let col = cols.add(q * b);
            for g in (0..b).step_by(LANES) {
                let e = _mm512_loadu_pd(col.add(g));
                _mm512_storeu_pd(
                    col.add(g),
                    _mm512_sub_pd(e, _mm512_mul_pd(sv, _mm512_loadu_pd(v.add(g)))),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A well-conditioned n × 3 design (intercept and two columns in
    /// [-1, 1) from a fixed LCG) and per-row weights and responses.
    fn design(n: usize) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        let mut s: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
        };
        let mut x = Vec::with_capacity(n * 3);
        let (mut sw, mut z) = (Vec::with_capacity(n), Vec::with_capacity(n));
        for _ in 0..n {
            x.extend([1.0, next(), 100.0 * next()]);
            sw.push(0.25 + next().abs());
            z.push(3.0 * next());
        }
        (x, sw, z)
    }

    /// R of [√w X | √w z] for the design of three chunks (2 × 32,768 +
    /// 4,464 rows): on `threads` threads, or all rows as one chunk (None).
    fn qr(threads: Option<usize>) -> Vec<f64> {
        let n = 2 * CHUNK + 4_464;
        let (xv, sw, z) = design(n);
        let x = ScaledDesign::new(&xv, 3);
        let fill = |start: usize, _: &[f64], s: &mut [f64], zz: &mut [f64]| {
            s.copy_from_slice(&sw[start..start + s.len()]);
            zz.copy_from_slice(&z[start..start + zz.len()]);
            Flags::default()
        };
        match threads {
            Some(t) => qr_rows(&x, true, t, fill).0,
            None => qr_chunk(&x, true, 4, 0, n, &fill).0,
        }
    }

    /// The chunks are fixed (32,768 rows) and merged in order, whichever
    /// thread factored them: any thread count gives the same bits.
    #[test]
    fn qr_over_several_chunks_is_the_same_on_any_thread_count() {
        let one = qr(Some(1));
        for threads in [2, 3, 8] {
            assert_eq!(qr(Some(threads)), one, "{threads} threads");
        }
    }

    /// Merging the R of three chunks equals factoring all rows as one
    /// chunk, up to the sign of each row of R (a Householder QR fixes R
    /// only up to signs), within 1e-13 of the row's largest entry. Both are
    /// backward-stable QRs of the same [√w X | √w z] (cond ≈ 10² here):
    /// they agree to about cond · eps · √(blocks) ≈ 1e-13 relative in the
    /// worst case; measured 1e-15 or below.
    #[test]
    fn merged_chunks_equal_one_chunk_within_rounding() {
        let merged = qr(Some(2));
        let single = qr(None);
        let mut worst = 0.0f64;
        for i in 0..4 {
            let (a, b) = (&merged[i * 4..i * 4 + 4], &single[i * 4..i * 4 + 4]);
            let sign = if (a[i] >= 0.0) == (b[i] >= 0.0) {
                1.0
            } else {
                -1.0
            };
            let big = a.iter().fold(0.0f64, |m, v| m.max(v.abs()));
            for (p, q) in a.iter().zip(b) {
                worst = worst.max((p - sign * q).abs() / big);
            }
        }
        assert!(worst <= 1e-13, "merged vs one chunk: {worst:e}");
        assert!(merged[0].abs() > 1.0, "R is not trivial: {merged:?}");
    }

    /// The block copy in AVX registers (where this CPU has them) puts every
    /// value where the copy one value at a time does, for widths with and
    /// without a remainder past whole 4 × 4 tiles.
    #[test]
    fn block_transpose_matches_the_copy_one_value_at_a_time() {
        for k in 1..=13 {
            for b in [BLOCK, BLOCK - 1, 37, 4, 3, 1] {
                let rows: Vec<f64> = (0..b * k).map(|i| i as f64 + 0.5).collect();
                let (mut wide, mut one) = (vec![-1.0; k * BLOCK], vec![-1.0; k * BLOCK]);
                transpose_widest(&rows, k, &mut wide);
                transpose(&rows, k, 0..k, &mut one);
                assert_eq!(wide, one, "k = {k}, {b} rows");
                assert_eq!(one[(k - 1) * BLOCK + b - 1], (b * k) as f64 - 0.5);
            }
        }
    }

    /// The Householder updates give the same bits at every vector width:
    /// [`absorb_widest`] (AVX-512 or AVX2 where this CPU has them) against
    /// [`absorb`] compiled for the baseline x86-64 here, over blocks of
    /// several shapes. A width-dependent sum order would fail this on any
    /// machine with AVX2.
    #[test]
    fn householder_updates_give_the_same_bits_at_every_vector_width() {
        for (b, c) in [(BLOCK, 4), (BLOCK, 12), (32, 5), (64, 3)] {
            let (xv, _, _) = design(b * c);
            let m0: Vec<f64> = xv[..b * c].iter().map(|v| v * 1.7 - 0.3).collect();
            let r0: Vec<f64> = (0..c * c)
                .map(|i| {
                    if i % (c + 1) == 0 {
                        2.0 + i as f64
                    } else {
                        0.0
                    }
                })
                .collect();
            let (mut r1, mut m1) = (r0.clone(), m0.clone());
            absorb_widest(&mut r1, &mut m1, b, c);
            let (mut r2, mut m2) = (r0.clone(), m0.clone());
            absorb(&mut r2, &mut m2, b, c);
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&r1), bits(&r2), "R, block {b} x {c}");
            assert_ne!(r1, r0, "the block changed R");
        }
    }
}
