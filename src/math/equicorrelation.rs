//! The Cholesky factor of the equicorrelation matrix (ones on the diagonal,
//! `r` everywhere else), written as a short recurrence that a numpy script
//! repeats operation for operation.
//!
//! By symmetry every entry of column j below the diagonal is the same
//! number c_j. With s_j = c_0² + … + c_{j−1}² (summed left to right, s_0 =
//! 0): `L[j][j] = sqrt(1 − s_j)` and `c_j = (r − s_j) / L[j][j]`. In Python:
//!
//! ```text
//! s, L = 0.0, np.zeros((k, k))
//! for j in range(k):
//!     d = math.sqrt(1.0 - s); c = (r - s) / d
//!     L[j, j] = d; L[j + 1:, j] = c; s = s + c * c
//! ```
//!
//! The matrix is positive definite exactly when −1/(k−1) < r < 1, which
//! [`in_range`] checks.

/// Whether `r` is a common correlation that `k` variables can have:
/// −1/(k−1) < r < 1; one variable has no correlation to give, so only 0.
pub fn in_range(r: f64, k: usize) -> bool {
    match k {
        0 | 1 => r == 0.0,
        _ => r > -1.0 / (k - 1) as f64 && r < 1.0,
    }
}

/// The lower-triangular factor L (row-major, k × k) with L·Lᵀ the
/// equicorrelation matrix of `k` variables with correlation `r`; `r` in the
/// range [`in_range`] accepts.
pub fn cholesky(k: usize, r: f64) -> Vec<f64> {
    let mut l = vec![0.0; k * k];
    let mut s = 0.0_f64;
    for j in 0..k {
        let d = (1.0 - s).sqrt();
        let c = (r - s) / d;
        l[j * k + j] = d;
        for i in j + 1..k {
            l[i * k + j] = c;
        }
        s += c * c;
    }
    l
}

#[cfg(test)]
mod tests {
    use super::*;

    /// L·Lᵀ gives back the matrix within rounding.
    #[test]
    fn factor_times_its_transpose_is_the_equicorrelation_matrix() {
        for (k, r) in [(1, 0.3), (2, -0.9), (3, 0.5), (5, -0.2), (8, 0.95)] {
            let l = cholesky(k, r);
            for i in 0..k {
                for j in 0..k {
                    let v: f64 = (0..k).map(|m| l[i * k + m] * l[j * k + m]).sum();
                    let want = if i == j { 1.0 } else { r };
                    assert!((v - want).abs() < 1e-14, "k {k} r {r} ({i}, {j}): {v}");
                }
                for j in i + 1..k {
                    assert_eq!(l[i * k + j], 0.0);
                }
            }
        }
    }

    #[test]
    fn the_range_is_where_the_matrix_is_positive_definite() {
        assert!(in_range(0.0, 3) && in_range(-0.49, 3) && in_range(0.99, 3));
        assert!(!in_range(-0.5, 3) && !in_range(1.0, 3) && !in_range(f64::NAN, 3));
        assert!(in_range(-0.99, 2) && !in_range(-1.0, 2));
        assert!(in_range(0.0, 1) && !in_range(-0.5, 1) && !in_range(0.5, 1));
    }
}
