//! Streaming Householder QR of the weighted design, chunk by chunk, chunks merged in order.
use crate::math::{column_scales, dot_lanes};
use crate::runtime::chunk::CHUNK;
use crate::runtime::threads::{avx2, map_chunks};

/// Rows per Householder block: 128 rows × (k + 1) columns stay in L1 cache
/// for k ≈ 10.
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

impl Flags {
    #[inline(always)]
    pub(super) fn add(&mut self, w: f64, z: f64) {
        self.bad_w |= !w.is_finite();
        self.bad_z |= !z.is_finite();
        self.w_min = self.w_min.min(w);
        self.w_max = self.w_max.max(w);
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
            absorb(r, &mut self.m, c, c);
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
        // Column by column: contiguous stores into the column-major block.
        let rows = &x.x[i * k..(i + b) * k];
        for (j, col) in m.chunks_exact_mut(BLOCK).take(k).enumerate() {
            for (dst, xr) in col.iter_mut().zip(rows.chunks_exact(k)) {
                *dst = xr[j];
            }
        }
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

/// [`absorb`] compiled for AVX-512 F where the CPU has it, else for AVX2
/// or the baseline: the same bits on each (see `avx512!`). A function with
/// the target feature, because a closure around the call (`avx512!`) was
/// not inlined into its AVX-compiled caller here: the Householder loops
/// ran on SSE2.
fn absorb_widest(r: &mut [f64], m: &mut [f64], b: usize, c: usize) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") {
        #[target_feature(enable = "avx512f")]
        fn wide(r: &mut [f64], m: &mut [f64], b: usize, c: usize) {
            absorb(r, m, b, c)
        }
        // SAFETY: the CPU supports AVX-512 F (checked just above).
        return unsafe { wide(r, m, b, c) };
    }
    avx2!(absorb(r, m, b, c))
}

/// Fold a block of rows into R by Householder reflections: R ← the R of
/// [R; M]. `m` is column-major with `b` rows and `c` columns (overwritten);
/// `r` is c × c row-major upper triangular. LAPACK `dlarfg`'s reflector.
#[inline(always)]
fn absorb(r: &mut [f64], m: &mut [f64], b: usize, c: usize) {
    for j in 0..c {
        let (head, tail) = m.split_at_mut((j + 1) * b);
        let v = &mut head[j * b..];
        let sigma = dot_lanes(v, v);
        if sigma == 0.0 {
            continue;
        }
        let alpha = r[j * c + j];
        let norm = alpha.hypot(sigma.sqrt());
        let beta = if alpha >= 0.0 { -norm } else { norm };
        let tau = (beta - alpha) / beta;
        let scale = 1.0 / (alpha - beta);
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

    /// The Householder updates give the same bits at every vector width:
    /// [`absorb_widest`] (AVX-512 or AVX2 where this CPU has them) against
    /// [`absorb`] compiled for the baseline x86-64 here, over blocks of
    /// several shapes. A width-dependent sum order would fail this on any
    /// machine with AVX2.
    #[test]
    fn householder_updates_give_the_same_bits_at_every_vector_width() {
        for (b, c) in [(BLOCK, 4), (BLOCK, 12), (37, 5), (1, 3)] {
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
