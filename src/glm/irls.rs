//! Fisher scoring (IRLS) as statsmodels' `GLM._fit_irls`: start from
//! μ₀ = family.starting_mu(y), solve a weighted least-squares problem per
//! iteration (as `np.linalg.lstsq`: SVD, machine-precision cutoff), stop when
//! the deviance changes by at most `tol` (absolute), then refit once with the
//! pseudo-inverse (rcond 1e-15), which gives the parameters and their
//! covariance.
//!
//! The work over the rows is done in two fused passes per iteration, in
//! plain Rust on the row-major design (no n × k copy is ever made):
//!
//! 1. [`Wls::from_rows`]: the weights w and working response z of each row,
//!    and a streaming Householder QR of [√w X | √w z], one block of rows at a
//!    time: the k × k factor R and Qᵀ√w z;
//! 2. `update`: η = Xβ, μ = g⁻¹(η), the deviance and the separation rule.
//!
//! The singular values of R are those of √w X, so the SVD of the small R
//! ([`Wls::lstsq`], [`Wls::pinv`]) gives what LAPACK `gelsd` and
//! statsmodels' `pinv_extended` compute from the n × k matrix: the same
//! cutoffs, the same rank, pinv·pinvᵀ = V S⁻² Vᵀ. The last iteration's
//! factorisation is the final refit's, since statsmodels refits on the z and
//! w of the last iteration. Rows are cut into fixed chunks whose factors
//! are combined in order, so the numbers do not depend on the thread count.
use tch::{TchError, Tensor};

use super::family::Binomial;
use super::link::Link;
use super::link::EPS;
use super::sum::{sum_rows, Sum};
use super::GlmError;

/// statsmodels' perfect-separation rule: every |μᵢ - yᵢ| at most this
/// (`np.allclose(mu - y, 0)`, default atol).
pub const SEPARATION_ATOL: f64 = 1e-8;

/// statsmodels' `pinv_extended` cutoff: singular values at most
/// `RCOND_PINV * max(s)` are treated as zero.
pub const RCOND_PINV: f64 = 1e-15;

/// `np.linalg.lstsq(..., rcond=-1)`: LAPACK's machine-precision cutoff.
const RCOND_LSTSQ: f64 = EPS;

/// Rows per Householder block: 128 rows × (k + 1) columns stay in L1 cache
/// for k ≈ 10.
const BLOCK: usize = 128;

/// Rows per chunk: each chunk is factored on its own (on any thread) and the
/// chunks' factors are combined in order, so results are the same for any
/// number of threads.
pub const CHUNK: usize = 1 << 15;

/// Evaluate a call to an `#[inline(always)]` function compiled for AVX2
/// when the CPU has it, else for the baseline x86-64. The code uses no
/// fused multiply-add, so both give the same bits: only the vector width
/// differs.
macro_rules! avx2 {
    ($call:expr) => {{
        #[cfg(target_arch = "x86_64")]
        {
            #[target_feature(enable = "avx2")]
            unsafe fn wide<R>(f: impl FnOnce() -> R) -> R {
                f()
            }
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU supports AVX2 (checked just above).
                unsafe { wide(|| $call) }
            } else {
                $call
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            $call
        }
    }};
}
pub(crate) use avx2;

/// The design matrix as the fit reads it: row-major n × k (as
/// [`Dataset::x`](crate::data::Dataset)), with a power-of-two scale per
/// column used inside the QR so that no square over- or underflows (exact:
/// the scales are undone on R).
#[derive(Debug, Clone)]
pub struct Design<'a> {
    x: &'a [f64],
    n: usize,
    k: usize,
    scale: Vec<f64>,
}

impl<'a> Design<'a> {
    /// Wrap a row-major n × k slice; `x.len()` must be a multiple of `k`.
    pub fn new(x: &'a [f64], k: usize) -> Self {
        assert!(
            k > 0 && x.len() % k == 0,
            "design of {} values, k = {k}",
            x.len()
        );
        let n = x.len() / k;
        let mut max = vec![0.0f64; k];
        for row in x.chunks_exact(k) {
            for (m, v) in max.iter_mut().zip(row) {
                *m = m.max(v.abs());
            }
        }
        let scale = max.iter().map(|&m| pow2_scale(m)).collect();
        Design { x, n, k, scale }
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
    fn dot_row(&self, i: usize, beta: &[f64]) -> f64 {
        self.row(i).iter().zip(beta).map(|(x, b)| x * b).sum()
    }

    /// Xβ for rows `start..end`.
    pub fn predict_rows(&self, start: usize, end: usize, beta: &[f64]) -> Vec<f64> {
        (start..end).map(|i| self.dot_row(i, beta)).collect()
    }
}

/// A power of two that brings `m` (a column's largest |value|) near 1; 1 for
/// a zero column.
fn pow2_scale(m: f64) -> f64 {
    if m > 0.0 && m.is_finite() {
        let e = m.log2().floor().clamp(-1000.0, 1000.0) as i32;
        2f64.powi(-e)
    } else {
        1.0
    }
}

/// η and μ of every row: what an iteration starts from and leaves behind.
#[derive(Debug, Clone)]
pub struct State {
    /// Linear predictor.
    pub eta: Vec<f64>,
    /// Mean, g⁻¹(η).
    pub mu: Vec<f64>,
}

impl State {
    /// statsmodels' start: μ₀ = `family.starting_mu(y)` and η₀ = g(μ₀).
    pub fn start<L: Link>(family: &Binomial<L>, y: &[f64]) -> State {
        let mu: Vec<f64> = y.iter().map(|&y| family.starting_mu(y)).collect();
        let eta = mu.iter().map(|&m| family.link.link(m)).collect();
        State { eta, mu }
    }
}

/// Deviance of `mu` against `y`: Σ of [`Binomial::deviance`].
pub fn deviance<L: Link>(family: &Binomial<L>, y: &[f64], mu: &[f64]) -> f64 {
    sum_rows(y, mu, |y, m| family.deviance(y, m))
}

/// A weighted least-squares problem, reduced to k × k: the upper-triangular
/// R of √w X and c = Qᵀ √w z (from R of [√w X | √w z], stored
/// (k+1) × (k+1) row-major).
#[derive(Debug, Clone)]
pub struct Wls {
    k: usize,
    r: Vec<f64>,
    /// The weight of every row, when all rows had the same.
    uniform: Option<f64>,
}

/// What the pass over the rows noticed about w and z.
#[derive(Debug, Clone, Copy)]
struct Flags {
    bad_w: bool,
    bad_z: bool,
    w_min: f64,
    w_max: f64,
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
    fn add(&mut self, w: f64, z: f64) {
        self.bad_w |= !w.is_finite();
        self.bad_z |= !z.is_finite();
        self.w_min = self.w_min.min(w);
        self.w_max = self.w_max.max(w);
    }

    fn merge(&mut self, o: Flags) {
        self.bad_w |= o.bad_w;
        self.bad_z |= o.bad_z;
        self.w_min = self.w_min.min(o.w_min);
        self.w_max = self.w_max.max(o.w_max);
    }
}

impl Wls {
    /// Pass 1 of an iteration: statsmodels' weights and working response
    /// from `state` (w = 1/(g'(μ)² V(μ)), z = η + g'(μ)(y - μ)), and the QR
    /// of [√w X | √w z]. NaN or infinite weights (checked first, as
    /// statsmodels' `_MinimalWLS`) or responses are errors.
    pub fn from_rows<L: Link>(
        family: &Binomial<L>,
        x: &Design,
        y: &[f64],
        state: &State,
        iteration: usize,
        threads: usize,
    ) -> Result<Wls, GlmError> {
        let k = x.k;
        let link = &family.link;
        let (r, flags) = qr_rows(x, true, threads, |start, sw, z| {
            let mut flags = Flags::default();
            let rows = start..start + sw.len();
            let (mus, etas, ys) = (&state.mu[rows.clone()], &state.eta[rows.clone()], &y[rows]);
            for ii in 0..sw.len() {
                let mu = mus[ii];
                let w = family.weight(mu);
                let zi = etas[ii] + link.deriv(mu) * (ys[ii] - mu);
                flags.add(w, zi);
                sw[ii] = w.sqrt();
                z[ii] = zi;
            }
            flags
        });
        if flags.bad_w {
            return Err(GlmError::Infeasible {
                what: "weights",
                iteration,
            });
        }
        if flags.bad_z {
            return Err(GlmError::Infeasible {
                what: "response",
                iteration,
            });
        }
        let uniform = (flags.w_min == flags.w_max).then_some(flags.w_min);
        Ok(Wls {
            k,
            r: unscale(r, x, true),
            uniform,
        })
    }

    /// When every row had the same weight w (statsmodels' first iteration
    /// for a 0/1 target: μ₀ is 0.25 or 0.75, so w = 3/16 on every row), the
    /// singular values of X itself: those of √w X divided by √w.
    pub fn x_singular_values(&self) -> Result<Option<Vec<f64>>, TchError> {
        let Some(w) = self.uniform.filter(|w| *w > 0.0 && w.is_finite()) else {
            return Ok(None);
        };
        let (_, s, _) = self.svd()?;
        Ok(Some(s.iter().map(|s| s / w.sqrt()).collect()))
    }

    /// R (k × k, row-major).
    fn r_x(&self) -> Vec<f64> {
        let (k, c) = (self.k, self.k + 1);
        (0..k)
            .flat_map(|i| self.r[i * c..i * c + k].to_vec())
            .collect()
    }

    /// Qᵀ √w z (k).
    fn qtz(&self) -> Vec<f64> {
        let c = self.k + 1;
        (0..self.k).map(|i| self.r[i * c + self.k]).collect()
    }

    /// SVD of R: (U, s, V), each row-major; R = U diag(s) Vᵀ.
    fn svd(&self) -> Result<(Vec<f64>, Vec<f64>, Vec<f64>), TchError> {
        let k = self.k as i64;
        let r = Tensor::f_from_slice(&self.r_x())?.f_view([k, k])?;
        let (u, s, v) = r.f_svd(true, true)?;
        Ok((
            Vec::<f64>::try_from(&u.f_contiguous()?.f_view([-1])?)?,
            Vec::<f64>::try_from(&s)?,
            Vec::<f64>::try_from(&v.f_contiguous()?.f_view([-1])?)?,
        ))
    }

    /// V diag(s⁺) Uᵀ c with s⁺ = 1/s above `rcond · max(s)`, else 0; also
    /// s⁺ and V.
    fn solve(&self, rcond: f64) -> Result<(Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>), TchError> {
        let k = self.k;
        let (u, s, v) = self.svd()?;
        let smax = s.iter().cloned().fold(0.0, f64::max);
        let cutoff = rcond * smax;
        let s_inv: Vec<f64> = s
            .iter()
            .map(|&s| if s > cutoff { 1.0 / s } else { 0.0 })
            .collect();
        let c = self.qtz();
        // t = diag(s⁺) Uᵀ c
        let t: Vec<f64> = (0..k)
            .map(|j| s_inv[j] * (0..k).map(|i| u[i * k + j] * c[i]).sum::<f64>())
            .collect();
        let beta = (0..k)
            .map(|i| (0..k).map(|j| v[i * k + j] * t[j]).sum())
            .collect();
        Ok((beta, s, s_inv, v))
    }

    /// The least-squares solution as `np.linalg.lstsq(√w X, √w z,
    /// rcond=-1)` (LAPACK `gelsd`): singular values at most EPS·max(s) are
    /// dropped.
    pub fn lstsq(&self) -> Result<Vec<f64>, TchError> {
        Ok(self.solve(RCOND_LSTSQ)?.0)
    }

    /// statsmodels' `WLS.fit("pinv")`: params = pinv(√w X)·√w z with
    /// `pinv_extended(rcond=1e-15)`, the normalized covariance
    /// pinv·pinvᵀ = V diag(s⁺)² Vᵀ (k × k, row-major), and the rank as
    /// numpy's `matrix_rank(diag(s))` (s > max(s)·k·EPS).
    pub fn pinv(&self) -> Result<(Vec<f64>, Vec<f64>, usize), TchError> {
        let k = self.k;
        let (params, s, s_inv, v) = self.solve(RCOND_PINV)?;
        let mut cov = vec![0.0; k * k];
        for a in 0..k {
            for b in 0..k {
                cov[a * k + b] = (0..k)
                    .map(|j| v[a * k + j] * s_inv[j] * s_inv[j] * v[b * k + j])
                    .sum();
            }
        }
        let smax = s.iter().cloned().fold(0.0, f64::max);
        let tol = smax * k as f64 * EPS;
        let rank = s.iter().filter(|&&s| s > tol).count();
        Ok((params, cov, rank))
    }
}

/// Singular values of X itself (unweighted), from the QR of X: what
/// `np.linalg.matrix_rank(exog)` looks at.
pub fn singular_values(x: &Design, threads: usize) -> Result<Vec<f64>, TchError> {
    let (r, _) = qr_rows(x, false, threads, |_, sw, _| {
        sw.fill(1.0);
        Flags::default()
    });
    let r = unscale(r, x, false);
    let k = x.k as i64;
    let (_, s, _) = Tensor::f_from_slice(&r)?
        .f_view([k, k])?
        .f_svd(true, false)?;
    Vec::<f64>::try_from(&s)
}

/// Undo the column scales on R: R = R' D⁻¹ (the z column, if any, unscaled).
fn unscale(mut r: Vec<f64>, x: &Design, with_z: bool) -> Vec<f64> {
    let c = x.k + usize::from(with_z);
    for i in 0..c {
        for j in 0..x.k {
            r[i * c + j] /= x.scale[j];
        }
    }
    r
}

/// Streaming QR over the rows of [√w X D | √w z] (the z column when
/// `with_z`). `fill(start, sw, z)` writes √w and z of rows `start..start +
/// sw.len()` and reports on them. Returns R (c × c row-major, c = k +
/// with_z) and the merged reports.
fn qr_rows<F>(x: &Design, with_z: bool, threads: usize, fill: F) -> (Vec<f64>, Flags)
where
    F: Fn(usize, &mut [f64], &mut [f64]) -> Flags + Sync,
{
    let c = x.k + usize::from(with_z);
    let chunks: Vec<(usize, usize)> = (0..x.n)
        .step_by(CHUNK)
        .map(|s| (s, (s + CHUNK).min(x.n)))
        .collect();
    let factor = |(start, end): (usize, usize)| qr_chunk(x, with_z, c, start, end, &fill);
    let parts: Vec<(Vec<f64>, Flags)> = map_chunks(chunks, threads, factor);
    if parts.len() == 1 {
        return parts.into_iter().next().expect("one part");
    }
    // Combine the chunks' R factors, in order: the QR of the stacked R's.
    let mut r = vec![0.0; c * c];
    let mut flags = Flags::default();
    let mut m = vec![0.0; c * c];
    for (part, f) in parts {
        flags.merge(f);
        for i in 0..c {
            for j in 0..c {
                m[j * c + i] = part[i * c + j];
            }
        }
        absorb(&mut r, &mut m, c, c);
    }
    (r, flags)
}

/// Run `f` on every item, on up to `threads` scoped threads (contiguous
/// runs of items per thread); results in item order.
pub(crate) fn map_chunks<T, R, F>(items: Vec<T>, threads: usize, f: F) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let threads = threads.clamp(1, items.len().max(1));
    if threads == 1 {
        return items.into_iter().map(f).collect();
    }
    let per = items.len().div_ceil(threads);
    let mut groups: Vec<Vec<T>> = Vec::with_capacity(threads);
    let mut items = items.into_iter();
    loop {
        let g: Vec<T> = items.by_ref().take(per).collect();
        if g.is_empty() {
            break;
        }
        groups.push(g);
    }
    let f = &f;
    std::thread::scope(|s| {
        let mut groups = groups.into_iter();
        let first = groups.next().unwrap_or_default();
        let handles: Vec<_> = groups
            .map(|g| s.spawn(move || g.into_iter().map(f).collect::<Vec<R>>()))
            .collect();
        let mut out: Vec<R> = first.into_iter().map(f).collect();
        for h in handles {
            out.extend(h.join().expect("worker thread panicked"));
        }
        out
    })
}

/// QR of rows `start..end`, one block of [`BLOCK`] rows at a time (the last
/// block padded with zero rows, which change nothing). Compiled for AVX2
/// where the CPU has it (see `avx2!`).
fn qr_chunk<F>(
    x: &Design,
    with_z: bool,
    c: usize,
    start: usize,
    end: usize,
    fill: &F,
) -> (Vec<f64>, Flags)
where
    F: Fn(usize, &mut [f64], &mut [f64]) -> Flags,
{
    avx2!(qr_chunk_body(x, with_z, c, start, end, fill))
}

#[inline(always)]
fn qr_chunk_body<F>(
    x: &Design,
    with_z: bool,
    c: usize,
    start: usize,
    end: usize,
    fill: &F,
) -> (Vec<f64>, Flags)
where
    F: Fn(usize, &mut [f64], &mut [f64]) -> Flags,
{
    let k = x.k;
    let mut r = vec![0.0; c * c];
    let mut m = vec![0.0; BLOCK * c];
    let mut sw = [0.0; BLOCK];
    let mut z = [0.0; BLOCK];
    let mut flags = Flags::default();
    let mut i = start;
    while i < end {
        let b = BLOCK.min(end - i);
        if b < BLOCK {
            m.fill(0.0);
        }
        flags.merge(fill(i, &mut sw[..b], &mut z[..b]));
        // Column by column: contiguous stores into the column-major block.
        let rows = &x.x[i * k..(i + b) * k];
        for (j, col) in m.chunks_exact_mut(BLOCK).take(k).enumerate() {
            let sj = x.scale[j];
            for ((dst, xr), s) in col.iter_mut().zip(rows.chunks_exact(k)).zip(&sw[..b]) {
                *dst = xr[j] * sj * s;
            }
        }
        if with_z {
            let col = &mut m[k * BLOCK..k * BLOCK + b];
            for ((dst, zi), s) in col.iter_mut().zip(&z[..b]).zip(&sw[..b]) {
                *dst = zi * s;
            }
        }
        absorb(&mut r, &mut m, BLOCK, c);
        i += b;
    }
    (r, flags)
}

/// Fold a block of rows into R by Householder reflections: R ← the R of
/// [R; M]. `m` is column-major with `b` rows and `c` columns (overwritten);
/// `r` is c × c row-major upper triangular. LAPACK `dlarfg`'s reflector.
#[inline(always)]
fn absorb(r: &mut [f64], m: &mut [f64], b: usize, c: usize) {
    for j in 0..c {
        let (head, tail) = m.split_at_mut((j + 1) * b);
        let v = &mut head[j * b..];
        let sigma = dot(v, v);
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
            let s = (r[j * c + l] + dot(v, col)) * tau;
            r[j * c + l] -= s;
            for (e, &vi) in col.iter_mut().zip(v.iter()) {
                *e -= s * vi;
            }
        }
    }
}

/// Dot product with two vectors of four running sums (vectorises).
#[inline(always)]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut s0 = [0.0f64; 4];
    let mut s1 = [0.0f64; 4];
    let ca = a.chunks_exact(8);
    let cb = b.chunks_exact(8);
    let tail: f64 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for l in 0..4 {
            s0[l] += x[l] * y[l];
            s1[l] += x[l + 4] * y[l + 4];
        }
    }
    let s: [f64; 4] = std::array::from_fn(|l| s0[l] + s1[l]);
    (s[0] + s[2]) + (s[1] + s[3]) + tail
}

/// What one iteration produced.
#[derive(Debug, Clone)]
pub struct Step {
    /// The WLS solution of this iteration (`lstsq`).
    pub params: Vec<f64>,
    /// Deviance at the new μ.
    pub deviance: f64,
    /// Whether statsmodels' separation rule holds at the new μ.
    pub separation: bool,
    /// The iteration's least-squares problem (the final refit reuses it).
    pub wls: Wls,
}

/// One Fisher-scoring iteration, as statsmodels' loop body: weights and
/// working response from `state`, the WLS solve, then the new η, μ (written
/// into `state`), deviance and separation check. `iteration` (1-based) is
/// only used in error messages.
pub fn step<L: Link>(
    family: &Binomial<L>,
    x: &Design,
    y: &[f64],
    state: &mut State,
    iteration: usize,
    threads: usize,
) -> Result<Step, GlmError> {
    let wls = Wls::from_rows(family, x, y, state, iteration, threads)?;
    let params = wls.lstsq()?;
    let (deviance, separation) = update(family, x, y, &params, state, threads);
    Ok(Step {
        params,
        deviance,
        separation,
        wls,
    })
}

/// Pass 2 of an iteration: η = Xβ and μ = g⁻¹(η) into `state`; the
/// deviance at μ, and whether every |μ - y| <= [`SEPARATION_ATOL`].
fn update<L: Link>(
    family: &Binomial<L>,
    x: &Design,
    y: &[f64],
    beta: &[f64],
    state: &mut State,
    threads: usize,
) -> (f64, bool) {
    let parts: Vec<(&mut [f64], &mut [f64], usize)> = state
        .eta
        .chunks_mut(CHUNK)
        .zip(state.mu.chunks_mut(CHUNK))
        .enumerate()
        .map(|(c, (e, m))| (e, m, c * CHUNK))
        .collect();
    let sums = map_chunks(parts, threads, |(eta, mu, start)| {
        avx2!(update_chunk(family, x, y, beta, eta, mu, start))
    });
    let mut total = Sum::default();
    let mut sep = true;
    for (s, p) in sums {
        total.merge(s);
        sep &= p;
    }
    (total.value(), sep)
}

/// [`update`] on one chunk of rows, from row `start`.
#[inline(always)]
fn update_chunk<L: Link>(
    family: &Binomial<L>,
    x: &Design,
    y: &[f64],
    beta: &[f64],
    eta: &mut [f64],
    mu: &mut [f64],
    start: usize,
) -> (Sum, bool) {
    let mut total = Sum::default();
    let mut sep = true;
    for (b, (eb, mb)) in eta.chunks_mut(BLOCK).zip(mu.chunks_mut(BLOCK)).enumerate() {
        let first = start + b * BLOCK;
        let mut block = 0.0;
        for (ii, (e, m)) in eb.iter_mut().zip(mb.iter_mut()).enumerate() {
            let i = first + ii;
            *e = x.dot_row(i, beta);
            *m = family.link.inverse(*e);
            sep &= (*m - y[i]).abs() <= SEPARATION_ATOL;
            block += family.deviance(y[i], *m);
        }
        total.add(block);
    }
    (total, sep)
}

/// What the Fisher-scoring loop produces.
#[derive(Debug)]
pub struct Irls {
    /// Parameters from the final pseudo-inverse refit (k).
    pub params: Vec<f64>,
    /// `pinv(√w X) pinv(√w X)ᵀ`: the covariance of `params` at scale 1
    /// (k × k, row-major).
    pub normalized_cov: Vec<f64>,
    /// Rank of √w X by numpy's `matrix_rank(diag(s))` rule
    /// (s > max(s) · k · EPS), as statsmodels' `WLS.fit("pinv")`.
    pub rank: usize,
    /// Number of weighted least-squares solves (statsmodels' `No. Iterations`).
    pub iterations: usize,
    /// Whether |Δdeviance| <= tol was met within `max_iter`.
    pub converged: bool,
    /// Deviance at μ₀, then after each solve (`iterations + 1` values).
    pub deviance_history: Vec<f64>,
    /// Whether statsmodels' perfect-separation rule held after any solve.
    pub separation: bool,
    /// Singular values of X, when the first iteration's weights were all
    /// equal (see [`Wls::x_singular_values`]).
    pub x_singular_values: Option<Vec<f64>>,
}

/// Run Fisher scoring on design `x` and response `y` (n), on up to
/// `threads` threads.
///
/// The refit uses the working response and weights computed at the start of
/// the last iteration (from μ before the last update), exactly as statsmodels.
pub fn irls<L: Link>(
    family: &Binomial<L>,
    x: &Design,
    y: &[f64],
    tol: f64,
    max_iter: usize,
    threads: usize,
) -> Result<Irls, GlmError> {
    let mut state = State::start(family, y);
    let mut history = vec![deviance(family, y, &state.mu)];
    let mut converged = false;
    let mut separation = false;
    let mut iterations = 0;
    let mut last = None;
    let mut x_singular_values = None;
    for iteration in 0..max_iter {
        let s = step(family, x, y, &mut state, iteration + 1, threads)?;
        if iteration == 0 {
            x_singular_values = s.wls.x_singular_values()?;
        }
        let prev = *history.last().expect("history starts with dev0");
        history.push(s.deviance);
        iterations = iteration + 1;
        separation |= s.separation;
        last = Some(s.wls);
        // np.allclose(prev, dev, atol=tol, rtol=0): equal infinities count.
        converged = (prev - s.deviance).abs() <= tol || prev == s.deviance;
        if converged {
            break;
        }
    }
    let wls = last.expect("max_iter >= 1 is checked by GlmConfig::check");
    let (params, normalized_cov, rank) = wls.pinv()?;
    Ok(Irls {
        params,
        normalized_cov,
        rank,
        iterations,
        converged,
        deviance_history: history,
        separation,
        x_singular_values,
    })
}
