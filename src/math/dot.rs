//! Dot products in f64: a row's linear predictor, and the vectorised
//! dot product of the passes over rows.

/// One row's linear predictor x·β, summed left to right (the row's
/// first term, the intercept's, first).
pub fn dot(row: &[f64], beta: &[f64]) -> f64 {
    row.iter().zip(beta).map(|(x, b)| x * b).sum()
}

/// Σ a[i]·b[i] with two vectors of four running sums, so the compiler
/// vectorises it (the QR's Householder updates, the model file's
/// covariance check).
#[inline(always)]
pub fn dot_lanes(a: &[f64], b: &[f64]) -> f64 {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The simulator's bytes were made summing from the intercept's term:
    /// an all-negative-zero predictor stays -0 (written `-0` in the CSV).
    #[test]
    fn dot_sums_from_the_first_term_keeping_negative_zero() {
        assert!(dot(&[1.0, 1.5], &[-0.0, -0.0]).is_sign_negative());
        assert_eq!(dot(&[1.0, 2.0, 3.0], &[0.5, -1.0, 2.0]), 0.5 - 2.0 + 6.0);
    }
}
