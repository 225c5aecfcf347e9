//! The singular value decomposition of a small square matrix by one-sided
//! (Hestenes) Jacobi rotations: plain Rust, no LAPACK call, accurate to
//! high relative precision in each singular value of a matrix whose columns
//! differ widely in scale (Demmel and Veselić, "Jacobi's method is more
//! accurate than QR", 1992).
//!
//! The columns of A are rotated in pairs until every pair is orthogonal to
//! within `k · EPS` of the product of their norms; then A·V = U·diag(s)
//! with the column norms as s. The matrix is first brought near 1 by a
//! power of two (exact), so that no column's squared norm overflows; a
//! column whose squares underflow there is below `2^-500` of the largest
//! entry, far below every cutoff the callers apply to `s`.

/// Relative orthogonality at which a pair of columns is left alone.
const EPS: f64 = f64::EPSILON;

/// Sweeps over all pairs at most; Jacobi converges quadratically, and a
/// small matrix needs fewer than ten.
const MAX_SWEEPS: usize = 60;

/// A = U diag(s) Vᵀ of a k × k matrix: U and V row-major k × k (column j
/// the singular vectors of `s[j]`), `s` in decreasing order. U's column is
/// zero where `s[j]` is 0. Without vectors, `u` and `v` are empty.
#[derive(Debug, Clone, PartialEq)]
pub struct Svd {
    pub u: Vec<f64>,
    pub s: Vec<f64>,
    pub v: Vec<f64>,
}

/// The SVD of the row-major k × k matrix `a`, with its singular vectors
/// when `vectors`. None when `a` holds a value that is not finite.
pub fn jacobi_svd(a: &[f64], k: usize, vectors: bool) -> Option<Svd> {
    assert_eq!(a.len(), k * k, "a k × k matrix");
    let m = a.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    if !m.is_finite() || a.iter().any(|v| v.is_nan()) {
        return None;
    }
    let scale = match m > 0.0 {
        true => 2f64.powi(-(m.log2().floor() as i32)),
        false => 1.0,
    };
    // Columns of A, and of V, each contiguous: w[j * k + i] = A(i, j).
    let mut w = vec![0.0; k * k];
    for i in 0..k {
        for j in 0..k {
            w[j * k + i] = a[i * k + j] * scale;
        }
    }
    let mut v = vec![0.0; if vectors { k * k } else { 0 }];
    if vectors {
        for j in 0..k {
            v[j * k + j] = 1.0;
        }
    }
    let tol = EPS;
    for _ in 0..MAX_SWEEPS {
        let mut rotated = false;
        for p in 0..k {
            for q in p + 1..k {
                let (wp, wq) = (&w[p * k..p * k + k], &w[q * k..q * k + k]);
                let (mut alpha, mut beta, mut gamma) = (0.0, 0.0, 0.0);
                for i in 0..k {
                    alpha += wp[i] * wp[i];
                    beta += wq[i] * wq[i];
                    gamma += wp[i] * wq[i];
                }
                if gamma == 0.0 || gamma.abs() <= tol * alpha.sqrt() * beta.sqrt() {
                    continue;
                }
                rotated = true;
                let (c, s) = rotation(alpha, beta, gamma);
                rotate(&mut w, k, p, q, c, s);
                if vectors {
                    rotate(&mut v, k, p, q, c, s);
                }
            }
        }
        if !rotated {
            break;
        }
    }
    let norms: Vec<f64> = (0..k)
        .map(|j| {
            w[j * k..j * k + k]
                .iter()
                .map(|x| x * x)
                .sum::<f64>()
                .sqrt()
        })
        .collect();
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&a, &b| norms[b].total_cmp(&norms[a]));
    let s = order.iter().map(|&j| norms[j] / scale).collect();
    if !vectors {
        return Some(Svd {
            u: Vec::new(),
            s,
            v: Vec::new(),
        });
    }
    let (mut u_out, mut v_out) = (vec![0.0; k * k], vec![0.0; k * k]);
    for (to, &j) in order.iter().enumerate() {
        let nj = norms[j];
        for i in 0..k {
            if nj > 0.0 {
                u_out[i * k + to] = w[j * k + i] / nj;
            }
            v_out[i * k + to] = v[j * k + i];
        }
    }
    Some(Svd {
        u: u_out,
        s,
        v: v_out,
    })
}

/// The rotation (c, s) that makes columns p and q orthogonal, from their
/// squared norms `alpha`, `beta` and their product `gamma` (≠ 0): t = tan θ
/// the smaller root of t² + 2ζt − 1 = 0, ζ = (β − α) / 2γ.
fn rotation(alpha: f64, beta: f64, gamma: f64) -> (f64, f64) {
    let zeta = (beta - alpha) / (2.0 * gamma);
    let t = match zeta.abs() < 1e150 {
        true => zeta.signum() / (zeta.abs() + (1.0 + zeta * zeta).sqrt()),
        false => 0.5 / zeta,
    };
    let c = 1.0 / (1.0 + t * t).sqrt();
    (c, c * t)
}

/// Columns p and q of the column-stored k × k `w`: (c·w_p − s·w_q,
/// s·w_p + c·w_q).
fn rotate(w: &mut [f64], k: usize, p: usize, q: usize, c: f64, s: f64) {
    let (head, tail) = w.split_at_mut(q * k);
    let (wp, wq) = (&mut head[p * k..p * k + k], &mut tail[..k]);
    for i in 0..k {
        let (x, y) = (wp[i], wq[i]);
        wp[i] = c * x - s * y;
        wq[i] = s * x + c * y;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Agreement with numpy's SVD (LAPACK) on a well-conditioned matrix:
    /// a few units in the last place.
    const RTOL: f64 = 1e-14;

    fn product(svd: &Svd, k: usize) -> Vec<f64> {
        let mut a = vec![0.0; k * k];
        for i in 0..k {
            for j in 0..k {
                a[i * k + j] = (0..k)
                    .map(|l| svd.u[i * k + l] * svd.s[l] * svd.v[j * k + l])
                    .sum();
            }
        }
        a
    }

    #[test]
    fn reconstructs_the_matrix_with_orthonormal_factors() {
        let k = 4;
        let a: Vec<f64> = (0..k * k)
            .map(|i| ((i * 7919 % 23) as f64 - 11.0) / 3.0)
            .collect();
        let svd = jacobi_svd(&a, k, true).unwrap();
        for (g, w) in product(&svd, k).iter().zip(&a) {
            assert!((g - w).abs() <= RTOL * 10.0, "{g} vs {w}");
        }
        for m in [&svd.u, &svd.v] {
            for p in 0..k {
                for q in 0..k {
                    let d: f64 = (0..k).map(|i| m[i * k + p] * m[i * k + q]).sum();
                    let want = if p == q { 1.0 } else { 0.0 };
                    assert!((d - want).abs() <= RTOL, "{p} {q}: {d}");
                }
            }
        }
        assert!(svd.s.windows(2).all(|w| w[0] >= w[1]), "{:?}", svd.s);
    }

    #[test]
    fn singular_values_of_a_graded_triangle_keep_their_relative_accuracy() {
        // A unit upper triangle whose columns are scaled by 1, 1e-8 and
        // 1e-100: the product of the singular values is |det A|, the
        // product of the scales, to a few ulps; LAPACK's bidiagonal QR
        // loses the smallest value's relative accuracy on such a matrix.
        let k = 3;
        let d = [1.0, 1e-8, 1e-100];
        let unit = [1.0, 0.5, 0.25, 0.0, 1.0, 0.5, 0.0, 0.0, 1.0];
        let a: Vec<f64> = (0..9).map(|i| unit[i] * d[i % 3]).collect();
        let s = jacobi_svd(&a, k, false).unwrap().s;
        let det = d.iter().product::<f64>();
        let prod = s.iter().product::<f64>();
        assert!(((prod - det) / det).abs() <= RTOL, "{s:?}");
    }

    #[test]
    fn zero_columns_give_zero_values_and_zero_left_vectors() {
        let a = [2.0, 0.0, 0.0, 0.0];
        let svd = jacobi_svd(&a, 2, true).unwrap();
        assert_eq!(svd.s, vec![2.0, 0.0]);
        assert_eq!(svd.u[1], 0.0);
        assert_eq!(svd.u[3], 0.0);
    }

    #[test]
    fn refuses_values_that_are_not_finite() {
        assert_eq!(jacobi_svd(&[1.0, f64::NAN, 0.0, 1.0], 2, true), None);
        assert_eq!(jacobi_svd(&[1.0, f64::INFINITY, 0.0, 1.0], 2, false), None);
    }
}
