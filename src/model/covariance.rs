//! [`check_covariance`]: whether a model file's `cov_params` can be a
//! covariance matrix: finite, symmetric and positive semi-definite, each
//! within rounding.
use crate::math::dot_lanes;

/// How far apart `c[i][j]` and `c[j][i]` may be, relative to
/// `sqrt(c[i][i] c[j][j])` (the largest either can be in a covariance
/// matrix). Predictions use only the symmetric part (xᵀCx is the same for C
/// and (C + Cᵀ)/2), so this refuses only what cannot be rounding: a
/// sandwich (HC) covariance on an ill-conditioned design is far from
/// symmetric (statsmodels' own HC0 at a condition number of about 1e14:
/// 8e-3; this logreg's: 3e-3).
pub const SYMMETRY_RTOL: f64 = 0.05;

/// How negative a pivot of the LDLᵀ factorisation of the correlation matrix
/// (`c[i][j] / sqrt(c[i][i] c[j][j])`, ones on its diagonal, from the
/// symmetric part) may be. Its pivots lie in [0, 1] for a positive
/// semi-definite matrix; rounding moves them below 0 on an ill-conditioned
/// design (statsmodels' own HC0 at a condition number of about 1e14 has an
/// eigenvalue of -9e-6), and a matrix that is not a covariance has them
/// of order -1. The same tolerance bounds a pivot treated as 0, and the
/// square of what must then be 0 below it; a correlation may exceed 1 by
/// as much.
pub const PSD_TOL: f64 = 1e-4;

/// Why `cov` (k × k, checked by the caller) is not a covariance matrix, in
/// words naming the entry; `None` when it is one.
pub fn check_covariance(cov: &[Vec<f64>]) -> Option<String> {
    let k = cov.len();
    for (i, row) in cov.iter().enumerate() {
        for (j, &c) in row.iter().enumerate() {
            if !c.is_finite() {
                return Some(format!("[{i}][{j}] is {c}, not a finite number"));
            }
        }
        if row[i] < 0.0 {
            return Some(format!(
                "[{i}][{i}] is {:e}: a variance cannot be negative",
                row[i]
            ));
        }
    }
    // The correlation matrix, from the mean of c[i][j] and c[j][i]; a zero
    // variance gives a zero row and column (checked to be zero).
    let sd: Vec<f64> = (0..k).map(|i| cov[i][i].sqrt()).collect();
    let mut r = vec![vec![0.0; k]; k];
    for i in 0..k {
        for j in 0..=i {
            let (a, b) = (cov[i][j], cov[j][i]);
            let scale = sd[i] * sd[j];
            if (a - b).abs() > SYMMETRY_RTOL * scale {
                return Some(format!(
                    "not symmetric: [{i}][{j}] is {a:e}, [{j}][{i}] is {b:e}"
                ));
            }
            let m = 0.5 * (a + b);
            let rho = if i == j {
                1.0
            } else if scale > 0.0 {
                m / sd[i] / sd[j]
            } else {
                // A zero variance: its covariances must be zero as well.
                if m == 0.0 {
                    0.0
                } else {
                    f64::INFINITY
                }
            };
            if rho.abs() > 1.0 + PSD_TOL {
                return Some(format!(
                    "not positive semi-definite: [{i}][{j}] = {m:e} exceeds the square root of [{i}][{i}] x [{j}][{j}]"
                ));
            }
            r[i][j] = if sd[i] > 0.0 && sd[j] > 0.0 { rho } else { 0.0 };
        }
    }
    // LDLᵀ in place on the lower triangle, a pivot of about 0 skipping its
    // column (the matrix is singular there, as a rank-deficient fit's is).
    // w[p] = l[j][p]·d[p] for the column j at hand (0 for a skipped p), so
    // each update is a dot product of contiguous rows: O(k³/6) in all,
    // vectorised (a 3000 × 3000 matrix in well under a second).
    let mut d = vec![0.0; k];
    let mut zero = vec![false; k];
    let mut w = vec![0.0; k];
    for j in 0..k {
        if sd[j] == 0.0 {
            zero[j] = true;
            continue;
        }
        for p in 0..j {
            w[p] = if zero[p] { 0.0 } else { r[j][p] * d[p] };
        }
        let dj = r[j][j] - dot_lanes(&r[j][..j], &w[..j]);
        if dj < -PSD_TOL {
            return Some(format!(
                "not positive semi-definite (a pivot of its correlation matrix is {dj:e} at row {j})"
            ));
        }
        for row in &mut r[j + 1..] {
            row[j] -= dot_lanes(&row[..j], &w[..j]);
        }
        if dj <= PSD_TOL {
            zero[j] = true;
            if let Some(i) = (j + 1..k).find(|&i| r[i][j] * r[i][j] > PSD_TOL) {
                return Some(format!("not positive semi-definite (rows {j} and {i})"));
            }
        } else {
            d[j] = dj;
            for row in &mut r[j + 1..] {
                row[j] /= dj;
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_covariances_singular_ones_included() {
        let ok = [
            vec![vec![0.25, 0.125], vec![0.125, 0.5]],
            vec![vec![1.0]],
            vec![vec![0.0]],
            // Rank 1: x x' with x = (1, 2, 3), with rounding noise.
            vec![
                vec![1.0, 2.0, 3.0],
                vec![2.0, 4.0, 6.0 + 1e-15],
                vec![3.0, 6.0, 9.0],
            ],
            vec![vec![2.0, 0.0], vec![0.0, 0.0]],
        ];
        for c in ok {
            assert_eq!(check_covariance(&c), None, "{c:?}");
        }
    }

    #[test]
    fn rejects_negative_variance_asymmetry_and_indefinite() {
        let bad: [(Vec<Vec<f64>>, &str); 5] = [
            (vec![vec![1.0, 0.0], vec![0.0, -1e-3]], "[1][1] is -1e-3"),
            (vec![vec![1.0, 0.5], vec![0.4, 1.0]], "not symmetric"),
            (
                vec![vec![1.0, 2.0], vec![2.0, 1.0]],
                "positive semi-definite",
            ),
            (
                vec![vec![0.0, 1e-3], vec![1e-3, 1.0]],
                "positive semi-definite",
            ),
            (
                // Correlations 0.9, 0.9, -0.9: each pair is fine, the whole is not.
                vec![
                    vec![1.0, 0.9, 0.9],
                    vec![0.9, 1.0, -0.9],
                    vec![0.9, -0.9, 1.0],
                ],
                "pivot",
            ),
        ];
        for (c, want) in bad {
            let got = check_covariance(&c).unwrap_or_else(|| panic!("accepted {c:?}"));
            assert!(got.contains(want), "{got}");
        }
    }
}
