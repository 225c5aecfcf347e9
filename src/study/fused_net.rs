//! One network of the fused closed-form path: its rows laid out for the
//! lanes, its state, and a run of its steps (the forward pass, the
//! gradient, the SGD update and the `--tol` check in one pass over its rows
//! per step), its loss and its rows at BCE's clamp.
//!
//! A network's numbers depend on nothing but its own rows and settings:
//! the rows are summed in [`LANES`] lanes, block after block, and the lanes
//! in one fixed order, on every instruction set ([`Isa`]).
use std::ops::Range;

use super::lanes::{sigmoid_of_negated, sum, Isa, Lanes, Portable, LANES};
#[cfg(target_arch = "x86_64")]
use super::lanes::{Avx2, Avx512};
use crate::nn::BCE_BACKWARD_EPS;

/// Most features (design columns besides the intercept) the kernel takes.
pub(super) const MAX_FEATURES: usize = 7;
/// Most parameters: the bias and one weight per feature.
const MAX_PARAMS: usize = MAX_FEATURES + 1;

/// BCE's clamp of the logarithm, and the row loss at it.
const LOG_CLAMP: f64 = -100.0;

/// The rows of every network of a batch: per network, each feature's column
/// and then the target, each padded with zeros to `padded` rows (a whole
/// number of blocks of [`LANES`]).
pub(super) struct Rows {
    pub values: Vec<f32>,
    /// Rows per network.
    pub n: usize,
    /// Features per network.
    pub k: usize,
    /// `n` rounded up to whole blocks.
    pub padded: usize,
}

impl Rows {
    /// Values per network.
    pub(super) fn stride(&self) -> usize {
        (self.k + 1) * self.padded
    }

    /// `n` rounded up to a whole number of blocks.
    pub(super) fn padded_len(n: usize) -> usize {
        n.div_ceil(LANES) * LANES
    }
}

/// The optimiser's settings, as `nn::Stepper`'s SGD applies them in float32.
#[derive(Debug, Clone, Copy)]
pub(super) struct Sgd {
    /// `-lr`, as the update `p.add_(d, -lr)` takes it.
    pub neg_lr: f32,
    pub momentum: f32,
    pub nesterov: bool,
    /// The `--tol` stop.
    pub tol: Option<f64>,
}

/// Where a network that met `tol` stopped.
#[derive(Debug, Clone, Copy)]
pub(super) struct Met {
    /// Steps taken.
    pub step: usize,
    /// Parameters after its last step.
    pub theta: [f32; MAX_PARAMS],
    /// The loss of its last step's forward pass.
    pub loss: f32,
}

/// One network in training.
#[derive(Debug, Clone)]
pub(super) struct NetState {
    /// `[bias, w...]`.
    pub theta: [f32; MAX_PARAMS],
    /// SGD's momentum buffer, once the first step has made it.
    buf: Option<[f32; MAX_PARAMS]>,
    /// The loss of the last step's forward pass (NaN until it is computed).
    pub loss: f32,
    pub met: Option<Met>,
    /// The step at whose start its parameters were no longer finite.
    pub diverged_at: Option<usize>,
}

impl NetState {
    pub(super) fn new(theta: [f32; MAX_PARAMS]) -> Self {
        NetState {
            theta,
            buf: None,
            loss: f32::NAN,
            met: None,
            diverged_at: None,
        }
    }

    /// The parameters it reports: where it met `tol`, else its last.
    pub(super) fn result(&self) -> ([f32; MAX_PARAMS], f32) {
        match &self.met {
            Some(m) => (m.theta, m.loss),
            None => (self.theta, self.loss),
        }
    }
}

/// A run of steps for some networks: `steps` of `total`.
pub(super) struct Span<'a> {
    pub nets: &'a mut [NetState],
    /// Their rows, [`Rows::stride`] values each.
    pub rows: &'a [f32],
    pub n: usize,
    pub padded: usize,
    pub steps: Range<usize>,
    pub total: usize,
    pub sgd: Sgd,
}

/// The mean BCE and the rows at its clamp.
#[derive(Debug, Clone, Copy)]
pub(super) struct Bce {
    pub mean: f32,
    pub clamped: i64,
}

/// Run `span` on `isa` for networks of `k` features (1 to [`MAX_FEATURES`]).
pub(super) fn run(isa: Isa, k: usize, span: &mut Span<'_>) {
    macro_rules! on {
        ($f:ident) => {
            match k {
                1 => $f::<1>(span),
                2 => $f::<2>(span),
                3 => $f::<3>(span),
                4 => $f::<4>(span),
                5 => $f::<5>(span),
                6 => $f::<6>(span),
                7 => $f::<7>(span),
                _ => unreachable!("checked against MAX_FEATURES"),
            }
        };
    }
    match isa {
        // SAFETY: `Isa::detect` found the instruction set on this CPU.
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512 => unsafe { on!(span_avx512) },
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2 => unsafe { on!(span_avx2) },
        _ => on!(span_portable),
    }
}

/// The mean BCE and the rows at its clamp of one network (`rows`: its
/// [`Rows::stride`] values) at `theta`.
pub(super) fn bce(
    isa: Isa,
    k: usize,
    rows: &[f32],
    n: usize,
    padded: usize,
    theta: &[f32; MAX_PARAMS],
) -> Bce {
    macro_rules! on {
        ($f:ident) => {
            match k {
                1 => $f::<1>(rows, n, padded, theta),
                2 => $f::<2>(rows, n, padded, theta),
                3 => $f::<3>(rows, n, padded, theta),
                4 => $f::<4>(rows, n, padded, theta),
                5 => $f::<5>(rows, n, padded, theta),
                6 => $f::<6>(rows, n, padded, theta),
                7 => $f::<7>(rows, n, padded, theta),
                _ => unreachable!("checked against MAX_FEATURES"),
            }
        };
    }
    match isa {
        // SAFETY: `Isa::detect` found the instruction set on this CPU.
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512 => unsafe { on!(bce_avx512) },
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2 => unsafe { on!(bce_avx2) },
        _ => on!(bce_portable),
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn span_avx512<const K: usize>(span: &mut Span<'_>) {
    span_on::<Avx512, K>(span)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn span_avx2<const K: usize>(span: &mut Span<'_>) {
    span_on::<Avx2, K>(span)
}

fn span_portable<const K: usize>(span: &mut Span<'_>) {
    span_on::<Portable, K>(span)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn bce_avx512<const K: usize>(
    rows: &[f32],
    n: usize,
    padded: usize,
    theta: &[f32; MAX_PARAMS],
) -> Bce {
    bce_on::<Avx512, K>(rows, n, padded, theta)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn bce_avx2<const K: usize>(
    rows: &[f32],
    n: usize,
    padded: usize,
    theta: &[f32; MAX_PARAMS],
) -> Bce {
    bce_on::<Avx2, K>(rows, n, padded, theta)
}

fn bce_portable<const K: usize>(
    rows: &[f32],
    n: usize,
    padded: usize,
    theta: &[f32; MAX_PARAMS],
) -> Bce {
    bce_on::<Portable, K>(rows, n, padded, theta)
}

/// Lanes that are 1 for the rows of the last block below `n`, 0 after.
#[inline(always)]
fn tail_mask<L: Lanes>(n: usize) -> L {
    let full = n % LANES;
    let mask: [f32; LANES] = std::array::from_fn(|j| if full == 0 || j < full { 1.0 } else { 0.0 });
    L::load(&mask)
}

/// The predictions `sigmoid(z)`, `z = bias + Σ w_c x_c`, of the block at
/// row `at`, given the negated parameters: `-z` is summed as `z` would be,
/// every rounding mirrored.
#[inline(always)]
fn predict<L: Lanes, const K: usize>(
    cols: &[&[f32]; K],
    at: usize,
    minus: &Negated<L, K>,
) -> (L, [L; K]) {
    let xs: [L; K] = std::array::from_fn(|c| L::load(&cols[c][at..at + LANES]));
    let mut minus_z = minus.bias;
    for (w, x) in minus.w.iter().zip(&xs) {
        minus_z = w.mul_add(*x, minus_z);
    }
    (sigmoid_of_negated(minus_z), xs)
}

/// The parameters negated, in lanes.
struct Negated<L, const K: usize> {
    bias: L,
    w: [L; K],
}

impl<L: Lanes, const K: usize> Negated<L, K> {
    #[inline(always)]
    fn new(theta: &[f32; MAX_PARAMS]) -> Self {
        Negated {
            bias: L::splat(-theta[0]),
            w: std::array::from_fn(|c| L::splat(-theta[c + 1])),
        }
    }
}

/// The feature columns and the target of one network's rows.
#[inline(always)]
fn columns<const K: usize>(rows: &[f32], padded: usize) -> ([&[f32]; K], &[f32]) {
    let cols = std::array::from_fn(|c| &rows[c * padded..(c + 1) * padded]);
    (cols, &rows[K * padded..(K + 1) * padded])
}

/// A row's `dL/dz` times n as autograd's BCE and sigmoid backward give it
/// (see [`BCE_BACKWARD_EPS`]): `p - y` times `min(s / eps, 1)`, `s = p(1 - p)`.
/// The factor is 1 unless s is below eps (about |z| > 27.6, and p exactly 0
/// or 1 in float32, where a row predicted 1 with target 0 gets no gradient),
/// so the other rows keep `p - y` bit for bit.
#[inline(always)]
fn residual<L: Lanes>(p: L, y: L) -> L {
    let one = L::splat(1.0);
    let s = one.sub(p).mul(p);
    let inv_eps = L::splat((1.0 / BCE_BACKWARD_EPS) as f32);
    p.sub(y).mul(s.mul(inv_eps).min(one))
}

/// The gradient's sums `Σ r` and `Σ r x_c` at `theta`, `r` each row's
/// [`residual`].
#[inline(always)]
fn gradient_sums<L: Lanes, const K: usize>(
    rows: &[f32],
    n: usize,
    padded: usize,
    theta: &[f32; MAX_PARAMS],
) -> [f32; MAX_PARAMS] {
    let (cols, y) = columns::<K>(rows, padded);
    let minus = Negated::<L, K>::new(theta);
    let mut acc0 = L::splat(0.0);
    let mut acc = [L::splat(0.0); K];
    let blocks = padded / LANES;
    let full = n / LANES;
    for b in 0..blocks {
        let at = b * LANES;
        let (p, xs) = predict::<L, K>(&cols, at, &minus);
        let mut r = residual(p, L::load(&y[at..at + LANES]));
        if b >= full {
            r = r.mul(tail_mask::<L>(n));
        }
        acc0 = acc0.add(r);
        for c in 0..K {
            acc[c] = r.mul_add(xs[c], acc[c]);
        }
    }
    let mut out = [0.0; MAX_PARAMS];
    out[0] = sum(acc0.to_array());
    for c in 0..K {
        out[c + 1] = sum(acc[c].to_array());
    }
    out
}

/// One row's BCE in f64, its logarithms clamped at -100 as libtorch's; NaN
/// for a NaN prediction (which libtorch's BCE refuses).
fn row_bce(p: f32, y: f32) -> f64 {
    if p.is_nan() {
        return f64::NAN;
    }
    let (p, y) = (p as f64, y as f64);
    let log_p = p.ln().max(LOG_CLAMP);
    let log_q = (-p).ln_1p().max(LOG_CLAMP);
    (y - 1.0) * log_q - y * log_p
}

#[inline(always)]
fn bce_on<L: Lanes, const K: usize>(
    rows: &[f32],
    n: usize,
    padded: usize,
    theta: &[f32; MAX_PARAMS],
) -> Bce {
    let (cols, y) = columns::<K>(rows, padded);
    let minus = Negated::<L, K>::new(theta);
    let (mut total, mut clamped) = (0.0f64, 0i64);
    for at in (0..n).step_by(LANES) {
        let (p, _) = predict::<L, K>(&cols, at, &minus);
        for (j, &p) in p.to_array().iter().enumerate().take(n - at) {
            let row = row_bce(p, y[at + j]);
            total += row;
            clamped += i64::from(row >= -LOG_CLAMP);
        }
    }
    Bce {
        mean: (total / n as f64) as f32,
        clamped,
    }
}

#[inline(always)]
fn span_on<L: Lanes, const K: usize>(span: &mut Span<'_>) {
    let Span {
        nets,
        rows,
        n,
        padded,
        steps,
        total,
        sgd,
    } = span;
    let (n, padded, total, sgd) = (*n, *padded, *total, *sgd);
    let stride = (K + 1) * padded;
    let n_f32 = n as f32;
    for (net, rows) in nets.iter_mut().zip(rows.chunks_exact(stride)) {
        for step in steps.clone() {
            if net.met.is_some() || net.diverged_at.is_some() {
                break;
            }
            if !net.theta[..=K].iter().all(|t| t.is_finite()) {
                net.diverged_at = Some(step);
                break;
            }
            let before = net.theta;
            if step + 1 == total {
                net.loss = bce_on::<L, K>(rows, n, padded, &before).mean;
            }
            let sums = gradient_sums::<L, K>(rows, n, padded, &before);
            let mut d = [0.0f32; MAX_PARAMS];
            for c in 0..=K {
                d[c] = sums[c] / n_f32;
            }
            if sgd.momentum != 0.0 {
                let buf = match net.buf {
                    None => d,
                    Some(mut buf) => {
                        for c in 0..=K {
                            buf[c] = buf[c] * sgd.momentum + d[c];
                        }
                        buf
                    }
                };
                net.buf = Some(buf);
                for c in 0..=K {
                    d[c] = match sgd.nesterov {
                        true => sgd.momentum.mul_add(buf[c], d[c]),
                        false => buf[c],
                    };
                }
            }
            for (t, d) in net.theta[..=K].iter_mut().zip(&d) {
                *t = sgd.neg_lr.mul_add(*d, *t);
            }
            if let Some(tol) = sgd.tol {
                let met = (0..=K).all(|c| (((net.theta[c] - before[c]).abs()) as f64) < tol);
                if met {
                    net.met = Some(Met {
                        step: step + 1,
                        theta: net.theta,
                        loss: bce_on::<L, K>(rows, n, padded, &before).mean,
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_at_the_clamp_counts_100_and_nan_stays_nan() {
        assert_eq!(row_bce(0.0, 1.0), 100.0);
        assert_eq!(row_bce(1.0, 0.0), 100.0);
        assert_eq!(row_bce(1.0, 1.0), 0.0);
        assert!((row_bce(0.25, 1.0) - 4f64.ln()).abs() < 1e-15);
        assert!(row_bce(f32::NAN, 1.0).is_nan());
    }

    #[test]
    fn the_tail_mask_covers_the_rows_below_n() {
        let m = tail_mask::<Portable>(21).to_array();
        assert_eq!(m.iter().filter(|&&v| v == 1.0).count(), 5);
        assert_eq!(m[4], 1.0);
        assert_eq!(m[5], 0.0);
        assert_eq!(Rows::padded_len(21), 32);
        assert_eq!(Rows::padded_len(32), 32);
    }
}
