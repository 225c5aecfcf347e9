//! Fisher scoring (IRLS) as statsmodels' `GLM._fit_irls`: start from
//! μ₀ = family.starting_mu(y), solve a weighted least-squares problem per
//! iteration (LAPACK `gelsd`, as `np.linalg.lstsq`), stop when the deviance
//! changes by at most `tol` (absolute), then refit once with the
//! pseudo-inverse (SVD, rcond 1e-15), which gives the parameters and their
//! covariance.
use tch::{Kind, TchError, Tensor};

use super::family::Binomial;
use super::link::{Link, EPS};
use super::GlmError;

/// statsmodels' perfect-separation rule: every |μᵢ - yᵢ| at most this
/// (`np.allclose(mu - y, 0)`, default atol).
pub const SEPARATION_ATOL: f64 = 1e-8;

/// statsmodels' `pinv_extended` cutoff: singular values at most
/// `RCOND_PINV * max(s)` are treated as zero.
pub const RCOND_PINV: f64 = 1e-15;

/// What the Fisher-scoring loop produces.
#[derive(Debug)]
pub struct Irls {
    /// Parameters from the final pseudo-inverse refit (k).
    pub params: Tensor,
    /// `pinv(√w X) pinv(√w X)ᵀ`: the covariance of `params` at scale 1 (k × k).
    pub normalized_cov: Tensor,
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
}

fn all_true(t: &Tensor) -> Result<bool, TchError> {
    Ok(t.f_all()?.f_int64_value(&[])? != 0)
}

fn all_finite(t: &Tensor) -> Result<bool, TchError> {
    all_true(&t.f_isfinite()?)
}

/// √w-weighted design (n × k) and response (n), as statsmodels whitens.
fn whiten(x: &Tensor, z: &Tensor, w: &Tensor) -> Result<(Tensor, Tensor), TchError> {
    let sw = w.f_sqrt()?;
    Ok((x.f_mul(&sw.f_unsqueeze(1)?)?, z.f_mul(&sw)?))
}

/// statsmodels' `_MinimalWLS.fit("lstsq")`: `np.linalg.lstsq(√w X, √w z,
/// rcond=-1)`, i.e. LAPACK `gelsd` with machine-precision rcond.
fn wls_lstsq(x: &Tensor, z: &Tensor, w: &Tensor) -> Result<Tensor, TchError> {
    let (wx, wz) = whiten(x, z, w)?;
    let (sol, _, _, _) = wx.f_linalg_lstsq(&wz.f_unsqueeze(1)?, -1.0, "gelsd")?;
    sol.f_squeeze_dim(1)
}

/// The final refit, statsmodels' `WLS(z, X, w).fit("pinv")`: `pinv_extended`
/// by SVD (rcond 1e-15), params = pinv·√w z, normalized covariance
/// pinv·pinvᵀ; the rank as numpy's `matrix_rank(diag(s))`.
fn wls_pinv(x: &Tensor, z: &Tensor, w: &Tensor) -> Result<(Tensor, Tensor, usize), TchError> {
    let (wx, wz) = whiten(x, z, w)?;
    // torch.svd returns V (not Vᵀ); reduced U is n × k.
    let (u, s, v) = wx.f_svd(true, true)?;
    let sv = Vec::<f64>::try_from(&s)?;
    let smax = sv.iter().cloned().fold(0.0, f64::max);
    let cutoff = RCOND_PINV * smax;
    let s_inv: Vec<f64> = sv
        .iter()
        .map(|&s| if s > cutoff { 1.0 / s } else { 0.0 })
        .collect();
    let s_inv = Tensor::f_from_slice(&s_inv)?;
    // pinv = V · diag(s⁺) · Uᵀ  (k × n)
    let pinv = v.f_matmul(&u.f_mul(&s_inv.f_unsqueeze(0)?)?.f_transpose(0, 1)?)?;
    let params = pinv.f_mv(&wz)?;
    let cov = pinv.f_matmul(&pinv.f_transpose(0, 1)?)?;
    let k = sv.len();
    let rank_tol = smax * k as f64 * EPS;
    let rank = sv.iter().filter(|&&s| s > rank_tol).count();
    Ok((params, cov, rank))
}

/// Run Fisher scoring on design `x` (n × k, f64) and response `y` (n, f64).
///
/// The refit uses the working response and weights computed at the start of
/// the last iteration (from μ before the last update), exactly as statsmodels.
pub fn irls<L: Link>(
    family: &Binomial<L>,
    x: &Tensor,
    y: &Tensor,
    tol: f64,
    max_iter: usize,
) -> Result<Irls, GlmError> {
    debug_assert_eq!(x.kind(), Kind::Double);
    let link = &family.link;
    let mut mu = family.starting_mu(y)?;
    let mut eta = link.link(&mu)?;
    let dev0 = family.deviance(y, &mu)?;
    let mut history = vec![dev0];
    let mut converged = false;
    let mut separation = false;
    let mut iterations = 0;
    // z and w of the last iteration, for the refit.
    let mut last = None;
    for iteration in 0..max_iter {
        let w = family.weights(&mu)?;
        let z = eta.f_add(&link.deriv(&mu)?.f_mul(&y.f_sub(&mu)?)?)?;
        if !all_finite(&w)? {
            return Err(GlmError::Infeasible {
                what: "weights",
                iteration: iteration + 1,
            });
        }
        if !all_finite(&z)? {
            return Err(GlmError::Infeasible {
                what: "response",
                iteration: iteration + 1,
            });
        }
        let beta = wls_lstsq(x, &z, &w)?;
        eta = x.f_mv(&beta)?;
        mu = link.inverse(&eta)?;
        let dev = family.deviance(y, &mu)?;
        let prev = *history.last().expect("history starts with dev0");
        history.push(dev);
        last = Some((z, w));
        iterations = iteration + 1;
        if all_true(&mu.f_sub(y)?.f_abs()?.f_le(SEPARATION_ATOL)?)? {
            separation = true;
        }
        // np.allclose(prev, dev, atol=tol, rtol=0): equal infinities count.
        converged = (prev - dev).abs() <= tol || prev == dev;
        if converged {
            break;
        }
    }
    let (z, w) = last.expect("max_iter >= 1 is checked by GlmConfig::check");
    let (params, normalized_cov, rank) = wls_pinv(x, &z, &w)?;
    Ok(Irls {
        params,
        normalized_cov,
        rank,
        iterations,
        converged,
        deviance_history: history,
        separation,
    })
}
