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
use super::family::Binomial;
use super::link::Link;
use super::options::Rows;
use super::qr::{qr_parts, unscale, Flags, Merged, BLOCK};
pub use super::qr::{Design, CHUNK};
pub use super::solve::{singular_values, Wls, RCOND_PINV};
pub use super::source::{Memory, Source};
use super::sum::Sum;
use super::GlmError;
use crate::par::{avx2, map_chunks};

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
    /// η and μ of row `i` of the block `x` (target `y`, offset `offset`).
    #[inline(always)]
    fn at<L: Link>(
        &self,
        family: &Binomial<L>,
        x: &Design,
        i: usize,
        y: f64,
        offset: f64,
    ) -> (f64, f64) {
        match self {
            State::Start => {
                let mu = family.starting_mu(y);
                (family.link.link(mu), mu)
            }
            State::Params(beta) => {
                let eta = x.dot_row(i, beta) + offset;
                (eta, family.link.inverse(eta))
            }
        }
    }
}

impl Wls {
    /// Pass 1 of an iteration: statsmodels' weights and working response
    /// from `state` (w = iweight / (g'(μ)² V(μ)), z = η + g'(μ)(y - μ) -
    /// offset), and the QR
    /// of [√w X | √w z]. NaN or infinite weights (checked first, as
    /// statsmodels' `_MinimalWLS`) or responses are errors.
    pub fn from_rows<L: Link>(
        family: &Binomial<L>,
        src: &dyn Source,
        rows: &Rows,
        state: &State,
        iteration: usize,
        threads: usize,
    ) -> Result<Wls, GlmError> {
        let k = src.k();
        let link = &family.link;
        let mut merged = Merged::new(k + 1);
        src.pass(&mut |first, x, y| {
            let fill = |start: usize, sw: &mut [f64], z: &mut [f64]| {
                let mut flags = Flags::default();
                for ii in 0..sw.len() {
                    let i = start + ii;
                    let g = first + i;
                    let (eta, mu) = state.at(family, x, i, y[i], rows.offset(g));
                    let w = rows.iweight(g) * family.weight(mu);
                    let zi = eta + link.deriv(mu) * (y[i] - mu) - rows.offset(g);
                    flags.add(w, zi);
                    sw[ii] = w.sqrt();
                    z[ii] = zi;
                }
                flags
            };
            qr_parts(x, true, threads, fill, &mut merged);
        })?;
        let (r, flags) = merged.finish();
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
            r: unscale(r, src.scale(), true),
            uniform,
        })
    }
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
/// working response from `state`, the WLS solve, then the new η, μ (the
/// new `state`), deviance and separation check. `iteration` (1-based) is
/// only used in error messages.
pub fn step<L: Link>(
    family: &Binomial<L>,
    src: &dyn Source,
    rows: &Rows,
    state: &mut State,
    iteration: usize,
    threads: usize,
) -> Result<Step, GlmError> {
    let wls = Wls::from_rows(family, src, rows, state, iteration, threads)?;
    let params = wls.lstsq()?;
    *state = State::Params(params.clone());
    let (deviance, separation) = update(family, src, rows, state, threads)?;
    Ok(Step {
        params,
        deviance,
        separation,
        wls,
    })
}

/// Pass 2 of an iteration: η and μ of `state` row by row; the deviance at
/// μ (Σ of [`Binomial::deviance`] times freq_weights times var_weights,
/// statsmodels' order), and whether every |μ - y| <= [`SEPARATION_ATOL`].
pub fn update<L: Link>(
    family: &Binomial<L>,
    src: &dyn Source,
    rows: &Rows,
    state: &State,
    threads: usize,
) -> Result<(f64, bool), GlmError> {
    let mut total = Sum::default();
    let mut sep = true;
    src.pass(&mut |first, x, y| {
        let n = x.n();
        let parts: Vec<(usize, usize)> = (0..n)
            .step_by(CHUNK)
            .map(|s| (s, (s + CHUNK).min(n)))
            .collect();
        let sums = map_chunks(parts, threads, |(start, end)| {
            avx2!(update_chunk(family, x, y, rows, state, first, start, end))
        });
        for (s, p) in sums {
            total.merge(s);
            sep &= p;
        }
    })?;
    Ok((total.value(), sep))
}

/// [`update`] on rows `start..end` of the block `x` whose first row is row
/// `first` of the data.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn update_chunk<L: Link>(
    family: &Binomial<L>,
    x: &Design,
    y: &[f64],
    rows: &Rows,
    state: &State,
    first: usize,
    start: usize,
    end: usize,
) -> (Sum, bool) {
    let mut total = Sum::default();
    let mut sep = true;
    let mut b = start;
    while b < end {
        let e = (b + BLOCK).min(end);
        let mut block = 0.0;
        for (i, &yi) in y.iter().enumerate().take(e).skip(b) {
            let g = first + i;
            let (_, m) = state.at(family, x, i, yi, rows.offset(g));
            sep &= (m - yi).abs() <= SEPARATION_ATOL;
            block += family.deviance(yi, m) * rows.freq(g) * rows.var(g);
        }
        total.add(block);
        b = e;
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
    rows: &Rows,
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
    let mut history = vec![update(family, src, rows, &state, threads)?.0];
    let mut converged = false;
    let mut separation = false;
    let mut iterations = 0;
    let mut last = None;
    let mut x_singular_values = None;
    for iteration in 0..max_iter {
        let s = step(family, src, rows, &mut state, iteration + 1, threads)?;
        if iteration == 0 {
            x_singular_values = s.wls.x_singular_values()?;
        }
        let prev = *history.last().expect("history starts with dev0");
        history.push(s.deviance);
        iterations = iteration + 1;
        on_iteration(iterations, s.deviance);
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
