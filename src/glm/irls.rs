//! Fisher scoring (IRLS) as statsmodels' `GLM._fit_irls`: start from
//! μ₀ = family.starting_mu(y), solve a weighted least-squares problem per
//! iteration (as `np.linalg.lstsq`: SVD, machine-precision cutoff), stop when
//! the deviance changes by at most `tol` (absolute), then refit once with the
//! pseudo-inverse (rcond 1e-15), which gives the parameters and their
//! covariance.
//!
//! The work over the rows is one fused pass per iteration, in plain Rust
//! on the row-major design (no n × k copy is ever made): [`pass`] computes
//! η = Xβ and μ = g⁻¹(η) of each row once, and from them both the deviance
//! at μ with the separation rule (which decide whether the loop stops) and
//! statsmodels' weights w and working response z of the next iteration,
//! folded into a streaming Householder QR of [√w X | √w z] one block of
//! rows at a time: the k × k factor R and Qᵀ√w z. A fit of t iterations
//! reads the rows t + 1 times; the last pass's QR goes unused (the loop
//! stopped), which costs less than a second pass per iteration would.
//!
//! The singular values of R are those of √w X, so the SVD of the small R
//! ([`Wls::lstsq`], [`Wls::pinv`]) gives what LAPACK `gelsd` and
//! statsmodels' `pinv_extended` compute from the n × k matrix: the same
//! cutoffs, the same rank, pinv·pinvᵀ = V S⁻² Vᵀ. The last iteration's
//! factorisation is the final refit's, since statsmodels refits on the z and
//! w of the last iteration. RowValues are cut into fixed chunks whose factors
//! are combined in order, so the numbers do not depend on the thread count.
pub use super::qr::ScaledDesign;
use super::qr::{qr_parts, unscale, Flags, MergedR, Report, BLOCK};
pub use super::solve::{singular_values, Wls, RCOND_PINV};
pub use super::source::{Memory, Source};
use super::GlmError;
use crate::math::sum::Sum;
use crate::runtime::threads::avx512;
use crate::spec::family::Binomial;
use crate::spec::link::Link;
use crate::spec::roles::RowValues;

/// statsmodels' perfect-separation rule: every |μᵢ - yᵢ| at most this
/// (`np.allclose(mu - y, 0)`, default atol).
pub const SEPARATION_ATOL: f64 = 1e-8;

/// Where an iteration's η and μ come from: statsmodels' start, or the
/// parameters of the last solve. Each pass recomputes them row by row (a
/// dot product of k values), so no vector of n values is kept between
/// passes and a design read in blocks needs no more memory than a block.
#[derive(Debug, Clone)]
pub enum State {
    /// statsmodels' start: μ₀ = `family.starting_mu(y)` and η₀ = g(μ₀).
    /// The offset does not enter: η₀ is g(μ₀) itself.
    Start,
    /// η = Xβ + offset, μ = g⁻¹(η) (after a solve, or from
    /// `start_params`).
    Params(Vec<f64>),
}

impl State {
    /// η and μ of a block of rows, given column-major in `cols` (column j
    /// at `cols[j * BLOCK..]`, as [`qr_parts`] hands them to its `fill`),
    /// their targets `y` and offsets `offset`: η of each row the sum
    /// x_i1 β_1 + … + x_ik β_k in column order (a dot product along the
    /// row, the same bits), computed for all rows of the block one column at
    /// a time so that it vectorises; then μ = g⁻¹(η) over the rows (libm's
    /// exp for the logit: its exact bits keep the fit's, see `vmath`).
    #[inline(always)]
    fn block<L: Link>(
        &self,
        family: &Binomial<L>,
        cols: &[f64],
        y: &[f64],
        offset: &[f64],
        eta: &mut [f64],
        mu: &mut [f64],
    ) {
        let b = eta.len();
        let (y, offset, mu) = (&y[..b], &offset[..b], &mut mu[..b]);
        match self {
            State::Start => {
                for ii in 0..b {
                    mu[ii] = family.starting_mu(y[ii]);
                    eta[ii] = family.link.link(mu[ii]);
                }
            }
            State::Params(beta) => {
                // -0.0, the additive identity, starts the sum as std's
                // `Iterator::sum` of f64 does.
                eta.fill(-0.0);
                for (j, bj) in beta.iter().enumerate() {
                    let col = &cols[j * BLOCK..j * BLOCK + b];
                    for ii in 0..b {
                        eta[ii] += col[ii] * bj;
                    }
                }
                for ii in 0..b {
                    eta[ii] += offset[ii];
                }
                for ii in 0..b {
                    mu[ii] = family.link.inverse(eta[ii]);
                }
            }
        }
    }
}

/// What one pass over the rows reports, merged in row order: the
/// deviance and the separation rule at the pass's μ, and what the next
/// weights and working responses looked like.
#[derive(Debug, Default)]
struct Seen {
    /// Σ deviance · freq_weights · var_weights, per block of rows.
    deviance: Sum,
    /// Whether some |μ - y| exceeds [`SEPARATION_ATOL`] (or is NaN).
    apart: bool,
    flags: Flags,
}

impl Report for Seen {
    fn merge(&mut self, later: Seen) {
        self.deviance.merge(later.deviance);
        self.apart |= later.apart;
        self.flags.merge(later.flags);
    }
}

/// What one pass over the rows produced.
#[derive(Debug)]
pub struct Pass {
    /// The deviance at the pass's μ (Σ of [`Binomial::deviance`] times
    /// freq_weights times var_weights, statsmodels' order).
    pub deviance: f64,
    /// Whether statsmodels' separation rule holds at that μ: every
    /// |μ - y| <= [`SEPARATION_ATOL`].
    pub separation: bool,
    k: usize,
    r: Vec<f64>,
    flags: Flags,
}

/// One pass over the rows at `state`: η and μ row by row; the deviance
/// and the separation rule at μ; and from the same η and μ statsmodels'
/// weights and working response (w = iweight / (g'(μ)² V(μ)), z = η +
/// g'(μ)(y - μ) - offset) and the QR of [√w X | √w z], the least-squares
/// problem of the next iteration ([`Pass::wls`]).
pub fn pass<L: Link>(
    family: &Binomial<L>,
    src: &dyn Source,
    rows: &RowValues,
    state: &State,
    threads: usize,
) -> Result<Pass, GlmError> {
    let k = src.k();
    let mut merged = MergedR::new(k + 1);
    src.pass(&mut |first, x, y| {
        let fill = |start: usize, cols: &[f64], sw: &mut [f64], z: &mut [f64]| {
            let ys = &y[start..start + sw.len()];
            avx512!(fill_block(
                family,
                state,
                rows,
                cols,
                first + start,
                ys,
                sw,
                z
            ))
        };
        qr_parts(x, true, threads, fill, &mut merged);
    })?;
    let (r, seen) = merged.finish();
    Ok(Pass {
        deviance: seen.deviance.value(),
        separation: !seen.apart,
        k,
        r: unscale(r, src.scale(), true),
        flags: seen.flags,
    })
}

/// Lanes of the flags of a block's rows: row i goes to lane i % LANES, the
/// lanes are merged at the end.
const LANES: usize = 8;

/// One block of at most [`BLOCK`] rows of a [`pass`], the first of them
/// row `first` of the data: the rows of X column-major in `cols` (see
/// [`State::block`]), targets `y`.
/// Writes √w and z of each row, reports the deviance, the separation rule
/// and the flags of w and z. Stage by stage over the rows, each loop
/// without a call so that it vectorises; the flags are reduced in
/// [`LANES`] lanes, the deviance as numpy sums a block. Inlined into an
/// AVX-512 or AVX2-compiled caller where the CPU has it (see `avx512!`).
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn fill_block<L: Link>(
    family: &Binomial<L>,
    state: &State,
    rows: &RowValues,
    cols: &[f64],
    first: usize,
    y: &[f64],
    sw: &mut [f64],
    z: &mut [f64],
) -> Seen {
    let b = sw.len();
    let link = &family.link;
    let [mut eta, mut mu, mut freq, mut var, mut offset, mut dev, mut w] = [[0.0; BLOCK]; 7];
    // Each role copied as a slice or filled with its neutral value, so that
    // these loops vectorise: the values of `RowValues::freq`, `var` and
    // `offset` (var = var_weights · trials, 1 where missing).
    let given = |v: Option<&[f64]>, neutral: f64, out: &mut [f64]| match v {
        Some(v) => out.copy_from_slice(&v[first..first + b]),
        None => out.fill(neutral),
    };
    given(rows.freq_weights, 1.0, &mut freq[..b]);
    given(rows.offset, 0.0, &mut offset[..b]);
    given(rows.var_weights, 1.0, &mut var[..b]);
    if let Some(t) = rows.trials {
        for (v, t) in var[..b].iter_mut().zip(&t[first..first + b]) {
            *v *= t;
        }
    }
    state.block(family, cols, y, &offset, &mut eta[..b], &mut mu);
    let (y, z, sw) = (&y[..b], &mut z[..b], &mut sw[..b]);
    let mut far = [0u8; BLOCK];
    // A block of 0/1 targets (every block of a 0/1 design) takes the
    // deviance with one log a row, the same bits.
    // (A fold without a branch, so that it vectorises.)
    let binary = y
        .iter()
        .fold(true, |all, &v| all & ((v == 0.0) | (v == 1.0)));
    if binary {
        for ii in 0..b {
            dev[ii] = family.deviance_binary(y[ii], mu[ii]) * freq[ii] * var[ii];
        }
    } else {
        for ii in 0..b {
            dev[ii] = family.deviance(y[ii], mu[ii]) * freq[ii] * var[ii];
        }
    }
    for ii in 0..b {
        let (yi, m) = (y[ii], mu[ii]);
        let close = (m - yi).abs() <= SEPARATION_ATOL;
        far[ii] = u8::from(!close);
        w[ii] = (freq[ii] * var[ii]) * family.weight(m);
        z[ii] = eta[ii] + link.deriv(m) * (yi - m) - offset[ii];
        sw[ii] = w[ii].sqrt();
    }
    // The flags in LANES lanes (row i in lane i % LANES), the deviance as
    // numpy sums a block (`numpy_block_sum`).
    let mut apart = [0u8; LANES];
    let mut bad = [0u8; LANES];
    let (mut w_min, mut w_max) = ([f64::INFINITY; LANES], [f64::NEG_INFINITY; LANES]);
    let mut lane = |l: usize, ii: usize| {
        apart[l] |= far[ii];
        bad[l] |= u8::from(!w[ii].is_finite()) | (u8::from(!z[ii].is_finite()) << 1);
        w_min[l] = w_min[l].min(w[ii]);
        w_max[l] = w_max[l].max(w[ii]);
    };
    let whole = b - b % LANES;
    for g in (0..whole).step_by(LANES) {
        for l in 0..LANES {
            lane(l, g + l);
        }
    }
    for ii in whole..b {
        lane(ii - whole, ii);
    }
    let bad = bad.iter().fold(0, |a, b| a | b);
    let mut seen = Seen {
        apart: apart.iter().any(|&a| a != 0),
        flags: Flags {
            bad_w: bad & 1 != 0,
            bad_z: bad & 2 != 0,
            w_min: w_min.iter().fold(f64::INFINITY, |a, &b| a.min(b)),
            w_max: w_max.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b)),
        },
        ..Seen::default()
    };
    seen.deviance.add(numpy_block_sum(&dev[..b]));
    seen
}

/// Σ v as `np.sum` adds at most 128 values: 0 plus numpy's pairwise sum,
/// which takes fewer than 8 one after another from 0, and more in 8 lanes
/// (row i in lane i % 8, each started at its first value) combined as
/// ((0+1)+(2+3))+((4+5)+(6+7)), then the rows after the last whole 8 one
/// after another. The lanes keep the additions independent, where a sum in
/// row order is a chain of dependent ones, one per row.
#[inline(always)]
fn numpy_block_sum(v: &[f64]) -> f64 {
    debug_assert!(v.len() <= BLOCK);
    if v.len() < 8 {
        let mut s = 0.0;
        for x in v {
            s += x;
        }
        return s;
    }
    let whole = v.len() - v.len() % 8;
    let mut r = [0.0f64; 8];
    r.copy_from_slice(&v[..8]);
    for g in (8..whole).step_by(8) {
        for l in 0..8 {
            r[l] += v[g + l];
        }
    }
    let mut s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for x in &v[whole..] {
        s += x;
    }
    0.0 + s
}

impl Pass {
    /// The least-squares problem of iteration `iteration` (1-based, for
    /// the message) built from this pass's μ. NaN or infinite weights
    /// (checked first, as statsmodels' `_MinimalWLS`) or responses are
    /// errors.
    pub fn wls(self, iteration: usize) -> Result<Wls, GlmError> {
        let flags = self.flags;
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
            k: self.k,
            r: self.r,
            uniform,
        })
    }
}

/// What one iteration's work produced.
#[derive(Debug, Clone)]
pub struct Step {
    /// The WLS solution (`lstsq`).
    pub params: Vec<f64>,
    /// Deviance at the μ the step started from.
    pub deviance: f64,
    /// The iteration's least-squares problem.
    pub wls: Wls,
}

/// One Fisher-scoring iteration's work, as [`irls`] does it: one [`pass`]
/// at `state`, then the WLS solve; `state` moves to its solution.
/// `iteration` (1-based) is only used in error messages.
pub fn step<L: Link>(
    family: &Binomial<L>,
    src: &dyn Source,
    rows: &RowValues,
    state: &mut State,
    iteration: usize,
    threads: usize,
) -> Result<Step, GlmError> {
    let p = pass(family, src, rows, state, threads)?;
    let deviance = p.deviance;
    let wls = p.wls(iteration)?;
    let params = wls.lstsq()?;
    *state = State::Params(params.clone());
    Ok(Step {
        params,
        deviance,
        wls,
    })
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

/// What is reported after each iteration: its number (1-based) and the
/// deviance it reached.
pub type OnIteration<'a> = &'a mut dyn FnMut(usize, f64);

/// Run Fisher scoring on the design and response of `src` with the per-row
/// weights and offset of `rows`, from statsmodels' default start or from
/// `start_params`, on up to `threads` threads.
///
/// The refit uses the working response and weights computed at the start of
/// the last iteration (from μ before the last update), exactly as statsmodels.
#[allow(clippy::too_many_arguments)]
pub fn irls<L: Link>(
    family: &Binomial<L>,
    src: &dyn Source,
    rows: &RowValues,
    start_params: Option<&[f64]>,
    tol: f64,
    max_iter: usize,
    threads: usize,
    on_iteration: OnIteration<'_>,
) -> Result<Irls, GlmError> {
    let mut state = match start_params {
        None => State::Start,
        Some(beta) => State::Params(beta.to_vec()),
    };
    // Each pass gives the deviance at the current μ and the next
    // iteration's WLS problem from the same μ.
    let mut p = pass(family, src, rows, &state, threads)?;
    let mut history = vec![p.deviance];
    let mut converged = false;
    let mut separation = false;
    let mut iterations = 0;
    let mut last = None;
    let mut x_singular_values = None;
    for iteration in 0..max_iter {
        let wls = p.wls(iteration + 1)?;
        if iteration == 0 {
            x_singular_values = wls.x_singular_values()?;
        }
        state = State::Params(wls.lstsq()?);
        p = pass(family, src, rows, &state, threads)?;
        let prev = *history.last().expect("history starts with dev0");
        history.push(p.deviance);
        iterations = iteration + 1;
        on_iteration(iterations, p.deviance);
        separation |= p.separation;
        last = Some(wls);
        // np.allclose(prev, dev, atol=tol, rtol=0): equal infinities count.
        converged = (prev - p.deviance).abs() <= tol || prev == p.deviance;
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

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::spec::Logit;

    /// A source that counts its passes over the rows.
    struct Counted<'a> {
        inner: Memory<'a>,
        passes: AtomicUsize,
    }

    impl Source for Counted<'_> {
        fn n(&self) -> usize {
            self.inner.n()
        }
        fn k(&self) -> usize {
            self.inner.k()
        }
        fn scale(&self) -> &[f64] {
            self.inner.scale()
        }
        fn pass(&self, f: &mut dyn FnMut(usize, &ScaledDesign, &[f64])) -> Result<(), GlmError> {
            self.passes.fetch_add(1, Ordering::Relaxed);
            self.inner.pass(f)
        }
    }

    /// The block sum gives numpy's bits (tests/fixtures/numpy/block_sums.json,
    /// by scripts/make_numpy_sum_fixture.py: values of mixed signs and
    /// magnitudes, so that any other order of addition rounds otherwise).
    #[test]
    fn a_block_sums_as_numpy_does() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/numpy/block_sums.json"
        );
        let text = std::fs::read_to_string(path).expect("block_sums.json");
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let cases = v["cases"].as_array().unwrap();
        assert!(cases.len() > 50, "{} cases", cases.len());
        let mut lengths = std::collections::BTreeSet::new();
        for case in cases {
            let values: Vec<f64> = case["values"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| f64::from_bits(b.as_u64().unwrap()))
                .collect();
            let want = case["sum"].as_u64().unwrap();
            let got = numpy_block_sum(&values);
            assert_eq!(
                got.to_bits(),
                want,
                "{values:?}: {got} vs {}",
                f64::from_bits(want)
            );
            lengths.insert(values.len());
        }
        assert!(lengths.contains(&0) && lengths.contains(&7) && lengths.contains(&BLOCK));
    }

    /// Each pass gives the deviance at the current μ and the next
    /// iteration's least-squares problem, so a fit of t iterations reads
    /// the rows t + 1 times (not 2t + 1, a QR pass and an update pass per
    /// iteration).
    #[test]
    fn a_fit_reads_the_rows_once_per_iteration_and_once_more() {
        let n = 300;
        let mut x = Vec::with_capacity(2 * n);
        let mut y = Vec::with_capacity(n);
        for i in 0..n {
            let v = (i as f64 * 0.37).sin() * 2.0;
            x.extend([1.0, v]);
            y.push(if (i * 7919) % 13 < 6 + (v > 0.5) as usize * 4 {
                1.0
            } else {
                0.0
            });
        }
        let src = Counted {
            inner: Memory::new(&x, 2, &y),
            passes: AtomicUsize::new(0),
        };
        let family = Binomial::new(Logit);
        let out = irls(
            &family,
            &src,
            &RowValues::default(),
            None,
            1e-8,
            100,
            1,
            &mut |_, _| {},
        )
        .unwrap();
        assert!(out.converged && out.iterations >= 3, "{out:?}");
        assert_eq!(src.passes.load(Ordering::Relaxed), out.iterations + 1);
    }
}
