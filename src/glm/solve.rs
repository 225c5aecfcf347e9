//! SVD solves on the small R: `lstsq`, `pinv` (covariance, rank), singular values of X.
//! Up to [`JACOBI_MAX_K`] columns the singular values are a one-sided
//! Jacobi's in Rust ([`jacobi_svd`]), and where none is cut the solves are
//! triangular (R⁻¹); where one is cut, or above that size, libtorch's SVD.
use tch::{TchError, Tensor};

use super::qr::{qr_parts, unscale, Flags, MergedR};
use super::source::Source;
use super::GlmError;
use crate::math::svd::jacobi_svd;
use crate::spec::link::EPS;

/// The triangular solve is taken when every singular value exceeds the
/// cutoff by this factor. LAPACK's smallest singular values are accurate
/// to about EPS·max(s) only, so near the cutoff its decision to cut can
/// differ from one on Jacobi's accurate values; such a factor takes the
/// SVD, LAPACK's decision and its numbers, as statsmodels does.
const CLEAR_OF_CUTOFF: f64 = 1e6;

/// Most columns whose singular values are [`jacobi_svd`]'s; libtorch's
/// LAPACK call costs more in dispatch than Jacobi's O(k³) sweeps below
/// about this.
pub const JACOBI_MAX_K: usize = 64;

/// statsmodels' `pinv_extended` cutoff: singular values at most
/// `RCOND_PINV * max(s)` are treated as zero.
pub const RCOND_PINV: f64 = 1e-15;

/// `np.linalg.lstsq(..., rcond=-1)`: LAPACK's machine-precision cutoff.
const RCOND_LSTSQ: f64 = EPS;

/// A weighted least-squares problem, reduced to k × k: the upper-triangular
/// R of √w X and c = Qᵀ √w z (from R of [√w X | √w z], stored
/// (k+1) × (k+1) row-major).
#[derive(Debug, Clone)]
pub struct Wls {
    pub(super) k: usize,
    pub(super) r: Vec<f64>,
    /// The weight of every row, when all rows had the same.
    pub(super) uniform: Option<f64>,
}

/// An SVD R = U diag(s) Vᵀ, U and V row-major.
struct Svd {
    u: Vec<f64>,
    s: Vec<f64>,
    v: Vec<f64>,
}

/// How a solve applied the pseudo-inverse of R.
enum Inverse {
    /// No singular value was cut: the pseudo-inverse is R⁻¹, applied by
    /// back substitution (the most accurate way, and no vectors needed).
    Triangular,
    /// Some were cut: V diag(s⁺) Uᵀ from libtorch's SVD, with s⁺ the
    /// inverted singular values, 0 below the cutoff.
    Svd { s_inv: Vec<f64>, v: Vec<f64> },
}

/// A solve's result: β, the singular values of R and how R was inverted.
struct Solved {
    beta: Vec<f64>,
    s: Vec<f64>,
    inverse: Inverse,
}

impl Wls {
    /// When every row had the same weight w (statsmodels' first iteration
    /// for a 0/1 target: μ₀ is 0.25 or 0.75, so w = 3/16 on every row), the
    /// singular values of X itself: those of √w X divided by √w.
    pub fn x_singular_values(&self) -> Result<Option<Vec<f64>>, TchError> {
        let Some(w) = self.uniform.filter(|w| *w > 0.0 && w.is_finite()) else {
            return Ok(None);
        };
        let s = self.singular_values()?;
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

    /// The singular values of R, decreasing: [`jacobi_svd`]'s up to
    /// [`JACOBI_MAX_K`] columns, else (or for a factor that is not
    /// finite) libtorch's.
    fn singular_values(&self) -> Result<Vec<f64>, TchError> {
        if self.k <= JACOBI_MAX_K {
            if let Some(d) = jacobi_svd(&self.r_x(), self.k, false) {
                return Ok(d.s);
            }
        }
        Ok(self.svd()?.s)
    }

    /// libtorch's SVD of R: (U, s, V), each row-major; R = U diag(s) Vᵀ.
    fn svd(&self) -> Result<Svd, TchError> {
        let k = self.k as i64;
        let r = Tensor::f_from_slice(&self.r_x())?.f_view([k, k])?;
        let (u, s, v) = r.f_svd(true, true)?;
        Ok(Svd {
            u: Vec::<f64>::try_from(&u.f_contiguous()?.f_view([-1])?)?,
            s: Vec::<f64>::try_from(&s)?,
            v: Vec::<f64>::try_from(&v.f_contiguous()?.f_view([-1])?)?,
        })
    }

    /// V diag(s⁺) Uᵀ c with s⁺ = 1/s above `rcond · max(s)`, else 0: R⁻¹ c
    /// when no singular value is cut (by the Jacobi values), else through
    /// libtorch's SVD.
    fn solve(&self, rcond: f64) -> Result<Solved, TchError> {
        let k = self.k;
        let c = self.qtz();
        if k <= JACOBI_MAX_K {
            if let Some(d) = jacobi_svd(&self.r_x(), k, false) {
                let cutoff = rcond * d.s.iter().cloned().fold(0.0, f64::max);
                if d.s.iter().all(|&s| s > CLEAR_OF_CUTOFF * cutoff) {
                    return Ok(Solved {
                        beta: self.back_substitute(&c),
                        s: d.s,
                        inverse: Inverse::Triangular,
                    });
                }
            }
        }
        let Svd { u, s, v } = self.svd()?;
        let smax = s.iter().cloned().fold(0.0, f64::max);
        let cutoff = rcond * smax;
        let s_inv: Vec<f64> = s
            .iter()
            .map(|&s| if s > cutoff { 1.0 / s } else { 0.0 })
            .collect();
        // t = diag(s⁺) Uᵀ c
        let t: Vec<f64> = (0..k)
            .map(|j| s_inv[j] * (0..k).map(|i| u[i * k + j] * c[i]).sum::<f64>())
            .collect();
        let beta = (0..k)
            .map(|i| (0..k).map(|j| v[i * k + j] * t[j]).sum())
            .collect();
        Ok(Solved {
            beta,
            s,
            inverse: Inverse::Svd { s_inv, v },
        })
    }

    /// R⁻¹ c for the upper-triangular R, from the last row up.
    fn back_substitute(&self, c: &[f64]) -> Vec<f64> {
        let (k, w) = (self.k, self.k + 1);
        let mut beta = vec![0.0; k];
        for i in (0..k).rev() {
            let row = &self.r[i * w..i * w + k];
            let known: f64 = (i + 1..k).map(|j| row[j] * beta[j]).sum();
            beta[i] = (c[i] - known) / row[i];
        }
        beta
    }

    /// R⁻¹ (k × k, row-major, upper triangular), column by column by back
    /// substitution.
    fn r_inverse(&self) -> Vec<f64> {
        let (k, w) = (self.k, self.k + 1);
        let mut inv = vec![0.0; k * k];
        for j in 0..k {
            for i in (0..=j).rev() {
                let row = &self.r[i * w..i * w + k];
                let known: f64 = (i + 1..=j).map(|l| row[l] * inv[l * k + j]).sum();
                let e = if i == j { 1.0 } else { 0.0 };
                inv[i * k + j] = (e - known) / row[i];
            }
        }
        inv
    }

    /// The least-squares solution as `np.linalg.lstsq(√w X, √w z,
    /// rcond=-1)` (LAPACK `gelsd`): singular values at most EPS·max(s) are
    /// dropped.
    pub fn lstsq(&self) -> Result<Vec<f64>, TchError> {
        Ok(self.solve(RCOND_LSTSQ)?.beta)
    }

    /// statsmodels' `WLS.fit("pinv")`: params = pinv(√w X)·√w z with
    /// `pinv_extended(rcond=1e-15)`, the normalized covariance
    /// pinv·pinvᵀ = V diag(s⁺)² Vᵀ (k × k, row-major; R⁻¹R⁻ᵀ when nothing
    /// is cut), and the rank as numpy's `matrix_rank(diag(s))` (s >
    /// max(s)·k·EPS).
    pub fn pinv(&self) -> Result<(Vec<f64>, Vec<f64>, usize), TchError> {
        let k = self.k;
        let Solved {
            beta: params,
            s,
            inverse,
        } = self.solve(RCOND_PINV)?;
        let mut cov = vec![0.0; k * k];
        match inverse {
            Inverse::Triangular => {
                let inv = self.r_inverse();
                for a in 0..k {
                    for b in 0..k {
                        cov[a * k + b] =
                            (a.max(b)..k).map(|j| inv[a * k + j] * inv[b * k + j]).sum();
                    }
                }
            }
            Inverse::Svd { s_inv, v } => {
                for a in 0..k {
                    for b in 0..k {
                        cov[a * k + b] = (0..k)
                            .map(|j| v[a * k + j] * s_inv[j] * s_inv[j] * v[b * k + j])
                            .sum();
                    }
                }
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
pub fn singular_values(src: &dyn Source, threads: usize) -> Result<Vec<f64>, GlmError> {
    let mut merged = MergedR::new(src.k());
    src.pass(&mut |_, x, _| {
        let ones = |_: usize, _: &[f64], sw: &mut [f64], _: &mut [f64]| {
            sw.fill(1.0);
            Flags::default()
        };
        qr_parts(x, false, threads, ones, &mut merged);
    })?;
    let r = unscale(merged.finish().0, src.scale(), false);
    if src.k() <= JACOBI_MAX_K {
        if let Some(d) = jacobi_svd(&r, src.k(), false) {
            return Ok(d.s);
        }
    }
    let k = src.k() as i64;
    let (_, s, _) = Tensor::f_from_slice(&r)?
        .f_view([k, k])?
        .f_svd(true, false)?;
    Ok(Vec::<f64>::try_from(&s)?)
}
