//! Rank check of the design matrix: every column must add a direction the
//! columns before it do not span (R's aliased coefficients, found the same
//! way: a QR factorisation without pivoting, in column order).
//!
//! Plain Rust, no libtorch, no panics, k² extra memory. Two passes decide
//! nearly every data set: the largest value of each column (which also finds
//! constant columns), then the Gram matrix X'X of the scaled columns, whose
//! Cholesky factor clears a design that is far from singular (≈ n·k²/2 flops).
//! Only a design that is singular or nearly so takes the exact test: two more
//! passes, lengths and then Givens rotations row by row into the k × k R of a
//! QR (≈ 2·n·k² flops, with a square root per entry).
use super::checks::DesignChecks;
use super::DataError;
use crate::runtime::chunk::CHUNK;
use crate::runtime::threads::{avx2, map_chunks, Threads};

/// A column is aliased when the part of it that the columns before it do not
/// explain is shorter than `RANK_TOL` times its length. Far above the rounding
/// of the QR on unit-length columns (≈ 1e-15), and far below any real signal
/// (R's `glm.fit` uses 1e-11 on the same ratio, `lm` 1e-7).
pub const RANK_TOL: f64 = 1e-10;

/// The Gram screen clears the design when every Cholesky pivot (the squared
/// unexplained fraction of a unit-length column) exceeds this. Rounding in
/// the pivots is about k·n·1e-16 at worst (1e-9 at n = 1e6, k = 11), so a
/// pivot above 1e-8 means more than 1e-4 of the column is unexplained: far
/// from [`RANK_TOL`].
const SCREEN: f64 = 1e-8;

/// Rows summed into each partial Gram matrix (bounds the rounding of the sums).
const BLOCK: usize = 1024;

/// An earlier column is named as part of the combination when its weight is
/// at least this fraction of the largest weight (on unit-length columns).
const WEIGHT_SHOWN: f64 = 1e-6;

/// The rows of a design, visited in order in blocks of whole rows
/// (row-major, k values a row): a data set in memory is one block, a
/// design cache is read back in blocks.
pub trait DesignRows {
    /// Number of columns.
    fn k(&self) -> usize;
    /// Call `f` on every block of rows, in order.
    fn for_each_block(&self, f: &mut dyn FnMut(&[f64])) -> Result<(), DataError>;
}

/// Fail with the name of the first feature column that is constant or an
/// exact linear combination of the columns before it (the later of two
/// aliased columns is named, as R does). Column 0 is the intercept, unless
/// `checks` are [`without_intercept`](DesignChecks::without_intercept): a
/// constant column is then a feature like any other.
///
/// Called by [`Dataset::new`] (and for a design streamed to a cache) on rows
/// whose shapes and values it has checked (n ≥ k ≥ 2, n·k finite values),
/// with `checks` gathered over those rows; a `Dataset` has full rank.
/// `names` are the columns' and `file` names the data in messages.
pub fn check_full_rank(
    rows: &dyn DesignRows,
    checks: &DesignChecks,
    names: &[String],
    file: &str,
    threads: Threads,
) -> Result<(), DataError> {
    let k = rows.k();
    let name = |j: usize| names[j].clone();

    // Pass 1 (the checks): largest magnitude of each column, and whether it
    // is constant.
    if let Some((j, value)) = checks.constant_column() {
        return Err(DataError::ConstantColumn {
            file: file.to_string(),
            column: name(j),
            value,
            intercept: name(0),
        });
    }
    let max = checks.max();

    if clearly_full_rank(rows, max, threads)? {
        return Ok(());
    }

    // Pass 2: lengths, on columns scaled by their largest value (no overflow).
    let mut sumsq = vec![0.0f64; k];
    rows.for_each_block(&mut |x| {
        for row in x.chunks_exact(k) {
            for j in 0..k {
                if max[j] > 0.0 {
                    let v = row[j] / max[j];
                    sumsq[j] += v * v;
                }
            }
        }
    })?;
    // Multiplying by scale[j] gives column j unit length (0 for a zero column).
    let scale: Vec<f64> = (0..k)
        .map(|j| {
            if max[j] > 0.0 && sumsq[j] > 0.0 {
                1.0 / sumsq[j].sqrt()
            } else {
                0.0
            }
        })
        .collect();

    // Pass 3: R of the QR of the scaled matrix, one Givens rotation per
    // (row, column). Every entry stays within [-1, 1].
    let mut r = vec![0.0f64; k * k]; // row-major upper triangle
    let mut z = vec![0.0f64; k];
    rows.for_each_block(&mut |x| {
        for row in x.chunks_exact(k) {
            for j in 0..k {
                z[j] = if max[j] > 0.0 {
                    row[j] / max[j] * scale[j]
                } else {
                    0.0
                };
            }
            for j in 0..k {
                let b = z[j];
                if b == 0.0 {
                    continue;
                }
                let a = r[j * k + j];
                let rho = (a * a + b * b).sqrt();
                let (c, s) = (a / rho, b / rho);
                r[j * k + j] = rho;
                for l in j + 1..k {
                    let (u, v) = (r[j * k + l], z[l]);
                    r[j * k + l] = c * u + s * v;
                    z[l] = c * v - s * u;
                }
            }
        }
    })?;

    // The first column whose unexplained part is (numerically) nothing.
    let Some(j) = (0..k).find(|&j| r[j * k + j].abs() < RANK_TOL) else {
        return Ok(());
    };
    // Its weights on the earlier columns: solve R[..j, ..j] w = R[..j, j].
    let mut w = vec![0.0f64; j];
    for i in (0..j).rev() {
        let mut s = r[i * k + j];
        for l in i + 1..j {
            s -= r[i * k + l] * w[l];
        }
        w[i] = s / r[i * k + i];
    }
    let biggest = w.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let mut of: Vec<String> = (0..j)
        .filter(|&i| w[i].abs() >= WEIGHT_SHOWN * biggest && biggest > 0.0)
        .map(name)
        .collect();
    if of.is_empty() {
        of = (0..j).map(name).collect();
    }
    Err(DataError::Collinear {
        file: file.to_string(),
        column: name(j),
        of,
    })
}

/// The Gram screen: true when the Cholesky factor of the correlation-scaled
/// X'X has every pivot above [`SCREEN`]. False means "ask the QR", not
/// "singular". `max` is each column's largest |value|.
fn clearly_full_rank(
    rows: &dyn DesignRows,
    max: &[f64],
    threads: Threads,
) -> Result<bool, DataError> {
    let k = rows.k();
    let inv: Vec<f64> = max.iter().map(|&m| 1.0 / m).collect();
    if inv.iter().any(|v| !v.is_finite()) {
        return Ok(false); // a zero or subnormal column: leave it to the QR
    }
    let mut sums = GramSums::new(k, &inv, threads);
    rows.for_each_block(&mut |x| sums.add(x))?;
    let gram = sums.finish();
    let d: Vec<f64> = (0..k).map(|a| gram[a * k + a].sqrt()).collect();
    if d.iter().any(|v| !(*v > 0.0 && v.is_finite())) {
        return Ok(false);
    }
    // Cholesky of C = D⁻¹ G D⁻¹ (unit diagonal), in place in the upper triangle.
    let c = |a: usize, b: usize| gram[a * k + b] / (d[a] * d[b]);
    let mut l = vec![0.0f64; k * k]; // row-major, l[j*k+i] = L[j][i], i <= j
    for j in 0..k {
        let mut pivot = c(j, j);
        for i in 0..j {
            pivot -= l[j * k + i] * l[j * k + i];
        }
        if pivot.is_nan() || pivot <= SCREEN {
            return Ok(false);
        }
        let root = pivot.sqrt();
        l[j * k + j] = root;
        for m in j + 1..k {
            let mut s = c(j, m);
            for i in 0..j {
                s -= l[m * k + i] * l[j * k + i];
            }
            l[m * k + j] = s / root;
        }
    }
    Ok(true)
}

/// X'X of the columns scaled by `inv`, over rows that come in blocks of any
/// size: the rows are cut into fixed chunks of [`CHUNK`] rows, whose Gram
/// matrices are added in order (whole chunks within a block on all threads),
/// so the sums are the same for any blocks and any number of threads.
struct GramSums<'a> {
    k: usize,
    inv: &'a [f64],
    total: Vec<f64>,
    /// The chunk being filled, and its rows so far.
    open: ChunkGram,
    in_open: usize,
    /// Threads for whole chunks.
    threads: Threads,
}

impl<'a> GramSums<'a> {
    fn new(k: usize, inv: &'a [f64], threads: Threads) -> Self {
        GramSums {
            k,
            inv,
            total: vec![0.0; k * k],
            open: ChunkGram::new(k),
            in_open: 0,
            threads,
        }
    }

    /// Take the next rows.
    fn add(&mut self, mut x: &[f64]) {
        let (k, inv) = (self.k, self.inv);
        while !x.is_empty() {
            let rows = x.len() / k;
            if self.in_open == 0 && rows >= CHUNK {
                // Whole chunks, on all threads.
                let whole = rows / CHUNK * CHUNK;
                let (now, rest) = x.split_at(whole * k);
                let threads = self.threads.for_design(whole, k);
                let parts = map_chunks(now.chunks(CHUNK * k).collect(), threads, |c: &[f64]| {
                    let mut g = ChunkGram::new(k);
                    avx2!(g.add(c, k, inv));
                    g.finish()
                });
                for p in parts {
                    self.merge(&p);
                }
                x = rest;
                continue;
            }
            let take = (CHUNK - self.in_open).min(rows);
            let (now, rest) = x.split_at(take * k);
            let open = &mut self.open;
            avx2!(open.add(now, k, inv));
            self.in_open += take;
            if self.in_open == CHUNK {
                self.close();
            }
            x = rest;
        }
    }

    /// Add a chunk's Gram matrix to the total.
    fn merge(&mut self, part: &[f64]) {
        for (g, v) in self.total.iter_mut().zip(part) {
            *g += v;
        }
    }

    /// Add the open chunk to the total and open a new one.
    fn close(&mut self) {
        let done = std::mem::replace(&mut self.open, ChunkGram::new(self.k)).finish();
        self.merge(&done);
        self.in_open = 0;
    }

    /// The sums over every row.
    fn finish(mut self) -> Vec<f64> {
        if self.in_open > 0 {
            self.close();
        }
        self.total
    }
}

/// X'X of one chunk's rows (scaled), summed in blocks of [`BLOCK`] rows,
/// the rows taken in as many pieces as they come.
struct ChunkGram {
    gram: Vec<f64>,
    /// The open block's sums, and its rows so far.
    part: Vec<f64>,
    in_part: usize,
    z: Vec<f64>,
}

impl ChunkGram {
    fn new(k: usize) -> Self {
        ChunkGram {
            gram: vec![0.0; k * k],
            part: vec![0.0; k * k],
            in_part: 0,
            z: vec![0.0; k],
        }
    }

    /// Take the next rows (scaled by `inv`). Whole rows of the square are
    /// updated (the lower triangle is not read): the same products in the
    /// same order as the upper triangle alone, in loops that vectorise.
    #[inline(always)]
    fn add(&mut self, x: &[f64], k: usize, inv: &[f64]) {
        match k {
            2 => self.add_k::<2>(x, inv),
            3 => self.add_k::<3>(x, inv),
            4 => self.add_k::<4>(x, inv),
            5 => self.add_k::<5>(x, inv),
            6 => self.add_k::<6>(x, inv),
            7 => self.add_k::<7>(x, inv),
            8 => self.add_k::<8>(x, inv),
            _ => self.add_any(x, k, inv),
        }
    }

    /// [`add`](Self::add) for any row length.
    #[inline(always)]
    fn add_any(&mut self, x: &[f64], k: usize, inv: &[f64]) {
        for row in x.chunks_exact(k) {
            for ((z, r), s) in self.z.iter_mut().zip(row).zip(inv) {
                *z = r * s;
            }
            for (g, &za) in self.part.chunks_exact_mut(k).zip(self.z.iter()) {
                for (g, zb) in g.iter_mut().zip(self.z.iter()) {
                    *g += za * zb;
                }
            }
            self.in_part += 1;
            if self.in_part == BLOCK {
                self.close_part();
            }
        }
    }

    /// [`add`](Self::add) with the row length known to the compiler: the
    /// open block's sums held in registers, the same products and sums in
    /// the same order.
    #[inline(always)]
    fn add_k<const K: usize>(&mut self, x: &[f64], inv: &[f64]) {
        let Ok(inv) = <[f64; K]>::try_from(inv) else {
            unreachable!("{} scales for {K} columns", inv.len());
        };
        let mut part = [[0.0f64; K]; K];
        for (a, row) in part.iter_mut().enumerate() {
            row.copy_from_slice(&self.part[a * K..(a + 1) * K]);
        }
        for row in x.chunks_exact(K) {
            let mut z = [0.0f64; K];
            for ((z, r), s) in z.iter_mut().zip(row).zip(&inv) {
                *z = r * s;
            }
            for (pa, &za) in part.iter_mut().zip(&z) {
                for (p, &zb) in pa.iter_mut().zip(&z) {
                    *p += za * zb;
                }
            }
            self.in_part += 1;
            if self.in_part == BLOCK {
                for (g, pa) in self.gram.chunks_exact_mut(K).zip(&part) {
                    for (g, p) in g.iter_mut().zip(pa) {
                        *g += p;
                    }
                }
                part = [[0.0f64; K]; K];
                self.in_part = 0;
            }
        }
        for (a, row) in part.iter().enumerate() {
            self.part[a * K..(a + 1) * K].copy_from_slice(row);
        }
    }

    /// Add the open block's sums to the chunk's.
    fn close_part(&mut self) {
        for (g, p) in self.gram.iter_mut().zip(&self.part) {
            *g += p;
        }
        self.part.iter_mut().for_each(|v| *v = 0.0);
        self.in_part = 0;
    }

    /// The chunk's sums.
    fn finish(mut self) -> Vec<f64> {
        if self.in_part > 0 {
            self.close_part();
        }
        self.gram
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{explain_rank_deficiency, Dataset};

    /// The sums of a chunk with the row length known to the compiler are
    /// those of the loop for any length, bit for bit, whatever the pieces
    /// the rows come in (across the blocks of [`BLOCK`] rows).
    #[test]
    fn chunk_sums_of_every_width_match_the_general_loop() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        for k in 2..=8 {
            for n in [1, 300, BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK + 5] {
                let x: Vec<f64> = (0..n * k)
                    .map(|_| rng.random_range(-3.0..3.0) * 10f64.powi(rng.random_range(-6..6)))
                    .collect();
                let inv: Vec<f64> = (0..k).map(|_| rng.random_range(0.1..2.0)).collect();
                let mut any = ChunkGram::new(k);
                any.add_any(&x, k, &inv);
                let mut wide = ChunkGram::new(k);
                let cut = rng.random_range(0..=n) * k;
                wide.add(&x[..cut], k, &inv);
                wide.add(&x[cut..], k, &inv);
                let bits = |v: Vec<f64>| v.into_iter().map(f64::to_bits).collect::<Vec<_>>();
                assert_eq!(bits(wide.finish()), bits(any.finish()), "k {k}, n {n}");
            }
        }
    }

    /// A data set with an intercept and the given feature columns, built
    /// through [`Dataset::new`] (which runs the rank check).
    fn design(cols: &[Vec<f64>]) -> Result<Dataset, DataError> {
        let n = cols[0].len();
        let mut names = vec!["const".to_string()];
        names.extend((1..=cols.len()).map(|j| format!("x{j}")));
        let mut x = Vec::new();
        for i in 0..n {
            x.push(1.0);
            x.extend(cols.iter().map(|c| c[i]));
        }
        let y = (0..n).map(|i| (i % 2) as f64).collect();
        Dataset::new(names, "y".into(), x, y, "d.csv".into(), Threads::Auto)
    }

    /// The data set of `cols` is refused with a message containing `want`.
    fn refused_with(cols: &[Vec<f64>], want: &str) {
        let e = design(cols).unwrap_err();
        assert!(e.to_string().contains(want), "{e}");
    }

    fn wave(n: usize, f: f64) -> Vec<f64> {
        (0..n).map(|i| (i as f64 * f).sin()).collect()
    }

    #[test]
    fn accepts_full_rank_including_badly_scaled_columns() {
        let n = 200;
        let big: Vec<f64> = wave(n, 0.7).iter().map(|v| 1e200 * v).collect();
        let tiny: Vec<f64> = wave(n, 1.3).iter().map(|v| 1e-200 * v).collect();
        // A timestamp-like column: large offset, spread 1e-6 of it.
        let stamp: Vec<f64> = wave(n, 2.1).iter().map(|v| 1.7e9 + 1e3 * v).collect();
        assert!(design(&[big, tiny, stamp]).is_ok());
    }

    #[test]
    fn screen_clears_well_conditioned_and_defers_nearly_singular() {
        let n = 300;
        let (a, b) = (wave(n, 0.7), wave(n, 1.1));
        let d = design(&[a.clone(), b.clone()]).unwrap();
        let max = [1.0, 1.0, 1.0];
        assert!(clearly_full_rank(&d, &max, Threads::Auto).unwrap());
        // 1e-7 of x2 is not x1: the screen defers, the QR accepts.
        let close: Vec<f64> = (0..n).map(|i| a[i] + 1e-7 * b[i]).collect();
        let d = design(&[a, close]).unwrap();
        assert!(!clearly_full_rank(&d, &max, Threads::Auto).unwrap());
    }

    #[test]
    fn names_constant_column() {
        let n = 50;
        let e = design(&[wave(n, 0.7), vec![-2.5; n]]).unwrap_err();
        assert_eq!(
            e.to_string(),
            r#"d.csv: column "x2": every value is -2.5, so it duplicates the intercept "const""#
        );
    }

    #[test]
    fn names_the_later_of_aliased_columns_and_what_it_combines() {
        let n = 100;
        let (a, b, c) = (wave(n, 0.7), wave(n, 1.1), wave(n, 1.9));
        let combo: Vec<f64> = (0..n).map(|i| 3.0 * a[i] - 0.1 * c[i] + 2.0).collect();
        let e = design(&[a.clone(), b.clone(), c, combo]).unwrap_err();
        assert_eq!(
            e,
            DataError::Collinear {
                file: "d.csv".into(),
                column: "x4".into(),
                of: vec!["const".into(), "x1".into(), "x3".into()],
            }
        );
        // A copy: the later one is named.
        refused_with(
            &[a.clone(), b, a],
            r#"column "x3" is a linear combination of "x1""#,
        );
    }

    #[test]
    fn near_constant_column_is_aliased_with_the_intercept() {
        let n = 100;
        let almost: Vec<f64> = wave(n, 0.3).iter().map(|v| 1e6 + 1e-9 * v).collect();
        refused_with(
            &[wave(n, 0.7), almost],
            r#"column "x2" is a linear combination of "const""#,
        );
    }

    #[test]
    fn a_lost_rank_is_blamed_on_the_column_far_from_the_others_in_size() {
        let n = 60;
        let big: Vec<f64> = wave(n, 0.7).iter().map(|v| 1e16 * v).collect();
        let d = design(&[wave(n, 1.3), big, wave(n, 2.1)]).unwrap();
        match explain_rank_deficiency(&d, 3) {
            e @ DataError::BadlyScaled { .. } => {
                let msg = e.to_string();
                assert!(msg.contains(r#"column "x2""#), "{msg}");
                assert!(msg.contains("divide it by 1e+16"), "{msg}");
            }
            e => panic!("{e}"),
        }
        // Columns of similar size: the weights are to blame, not a column.
        let d = design(&[wave(n, 1.3), wave(n, 0.7)]).unwrap();
        assert!(matches!(
            explain_rank_deficiency(&d, 2),
            DataError::RankDeficientFit { rank: 2, k: 3, .. }
        ));
    }

    /// The Gram sums are the same bits whatever blocks the rows come in
    /// (a design cache read back within a memory limit) as in one block.
    #[test]
    fn gram_sums_do_not_depend_on_the_blocks() {
        let (k, n) = (3, 2 * CHUNK + 1500);
        let mut x = Vec::with_capacity(n * k);
        for i in 0..n {
            x.extend([1.0, (i as f64 * 0.7).sin(), (i as f64 * 1.3).cos() * 1e3]);
        }
        let inv = [1.0, 1.0, 1e-3];
        let sums = |block: usize| {
            let mut g = GramSums::new(k, &inv, Threads::Auto);
            x.chunks(block * k).for_each(|b| g.add(b));
            g.finish()
        };
        let whole = sums(n);
        for block in [1, 1000, 1024, CHUNK - 1, CHUNK, CHUNK + 7] {
            assert!(sums(block) == whole, "{block} rows a block");
        }
    }
}
