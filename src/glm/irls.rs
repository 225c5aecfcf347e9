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
use super::qr::{qr_rows, unscale, Flags, BLOCK};
pub use super::qr::{Design, CHUNK};
pub use super::solve::{singular_values, Wls, RCOND_PINV};
use super::sum::{sum_rows_at, Sum};
use super::GlmError;
use crate::par::{avx2, map_chunks};

/// statsmodels' perfect-separation rule: every |μᵢ - yᵢ| at most this
/// (`np.allclose(mu - y, 0)`, default atol).
pub const SEPARATION_ATOL: f64 = 1e-8;

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
    /// The offset does not enter: η₀ is g(μ₀) itself.
    pub fn start<L: Link>(family: &Binomial<L>, y: &[f64]) -> State {
        let mu: Vec<f64> = y.iter().map(|&y| family.starting_mu(y)).collect();
        let eta = mu.iter().map(|&m| family.link.link(m)).collect();
        State { eta, mu }
    }

    /// statsmodels' start from `start_params`: η₀ = Xβ + offset,
    /// μ₀ = g⁻¹(η₀).
    pub fn from_params<L: Link>(
        family: &Binomial<L>,
        x: &Design,
        beta: &[f64],
        rows: &Rows,
    ) -> State {
        let eta: Vec<f64> = x
            .predict_rows(0, x.n(), beta)
            .into_iter()
            .enumerate()
            .map(|(i, e)| e + rows.offset(i))
            .collect();
        let mu = eta.iter().map(|&e| family.link.inverse(e)).collect();
        State { eta, mu }
    }
}

/// Deviance of `mu` against `y`: Σ of [`Binomial::deviance`] times
/// freq_weights times var_weights (statsmodels' order).
pub fn deviance<L: Link>(family: &Binomial<L>, y: &[f64], mu: &[f64], rows: &Rows) -> f64 {
    sum_rows_at(y, mu, |i, y, m| {
        family.deviance(y, m) * rows.freq(i) * rows.var(i)
    })
}

impl Wls {
    /// Pass 1 of an iteration: statsmodels' weights and working response
    /// from `state` (w = iweight / (g'(μ)² V(μ)), z = η + g'(μ)(y - μ) -
    /// offset), and the QR
    /// of [√w X | √w z]. NaN or infinite weights (checked first, as
    /// statsmodels' `_MinimalWLS`) or responses are errors.
    pub fn from_rows<L: Link>(
        family: &Binomial<L>,
        x: &Design,
        y: &[f64],
        rows: &Rows,
        state: &State,
        iteration: usize,
        threads: usize,
    ) -> Result<Wls, GlmError> {
        let k = x.k;
        let link = &family.link;
        let (r, flags) = qr_rows(x, true, threads, |start, sw, z| {
            let mut flags = Flags::default();
            let range = start..start + sw.len();
            let (mus, etas, ys) = (
                &state.mu[range.clone()],
                &state.eta[range.clone()],
                &y[range],
            );
            for ii in 0..sw.len() {
                let mu = mus[ii];
                let i = start + ii;
                let w = rows.iweight(i) * family.weight(mu);
                let zi = etas[ii] + link.deriv(mu) * (ys[ii] - mu) - rows.offset(i);
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
    rows: &Rows,
    state: &mut State,
    iteration: usize,
    threads: usize,
) -> Result<Step, GlmError> {
    let wls = Wls::from_rows(family, x, y, rows, state, iteration, threads)?;
    let params = wls.lstsq()?;
    let (deviance, separation) = update(family, x, y, rows, &params, state, threads);
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
    rows: &Rows,
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
        avx2!(update_chunk(family, x, y, rows, beta, eta, mu, start))
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
#[allow(clippy::too_many_arguments)]
fn update_chunk<L: Link>(
    family: &Binomial<L>,
    x: &Design,
    y: &[f64],
    rows: &Rows,
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
            *e = x.dot_row(i, beta) + rows.offset(i);
            *m = family.link.inverse(*e);
            sep &= (*m - y[i]).abs() <= SEPARATION_ATOL;
            block += family.deviance(y[i], *m) * rows.freq(i) * rows.var(i);
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

/// Run Fisher scoring on design `x` and response `y` (n) with the per-row
/// weights and offset of `rows`, from statsmodels' default start or from
/// `start_params`, on up to `threads` threads.
///
/// The refit uses the working response and weights computed at the start of
/// the last iteration (from μ before the last update), exactly as statsmodels.
#[allow(clippy::too_many_arguments)]
pub fn irls<L: Link>(
    family: &Binomial<L>,
    x: &Design,
    y: &[f64],
    rows: &Rows,
    start_params: Option<&[f64]>,
    tol: f64,
    max_iter: usize,
    threads: usize,
) -> Result<Irls, GlmError> {
    let mut state = match start_params {
        None => State::start(family, y),
        Some(beta) => State::from_params(family, x, beta, rows),
    };
    let mut history = vec![deviance(family, y, &state.mu, rows)];
    let mut converged = false;
    let mut separation = false;
    let mut iterations = 0;
    let mut last = None;
    let mut x_singular_values = None;
    for iteration in 0..max_iter {
        let s = step(family, x, y, rows, &mut state, iteration + 1, threads)?;
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
