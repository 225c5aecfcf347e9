//! Scalar maths in f64 shared by the simulator, `compare` and the plots:
//! the logistic function, the linear predictor and the Bernoulli
//! log-likelihood; and the dot product of the passes over rows.
use crate::data::Dataset;
use crate::glm::Rows;
use crate::spec::{Binomial, Link, LinkKind};

/// Logistic function, written to stay accurate for large |t|.
pub fn sigmoid(t: f64) -> f64 {
    if t >= 0.0 {
        1.0 / (1.0 + (-t).exp())
    } else {
        let e = t.exp();
        e / (1.0 + e)
    }
}

/// One row's linear predictor x·β, summed left to right (the row's
/// first term, the intercept's, first).
pub fn dot(row: &[f64], beta: &[f64]) -> f64 {
    row.iter().zip(beta).map(|(x, b)| x * b).sum()
}

/// X·β per row of the data's design.
pub fn lin_pred(data: &Dataset, beta: &[f64]) -> Vec<f64> {
    data.x()
        .chunks(data.k())
        .map(|row| dot(row, beta))
        .collect()
}

/// The log-likelihood of `beta` as the GLM counts it for `link` and the
/// per-row `rows`: Σ var·freq·ℓ(y, g⁻¹(x·β + offset)), left to right, ℓ the
/// Binomial family's per-row term ([`Binomial::loglike`], statsmodels'
/// guards): statsmodels' `llf` at `beta`, its scale 1.
pub fn loglike(data: &Dataset, beta: &[f64], link: LinkKind, rows: &Rows) -> f64 {
    let family: Binomial = Binomial::default();
    data.x()
        .chunks(data.k())
        .zip(data.y())
        .enumerate()
        .map(|(i, (row, &y))| {
            let mu = link.inverse(dot(row, beta) + rows.offset(i));
            family.loglike(y, mu) * rows.var(i) * rows.freq(i)
        })
        .sum()
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

    #[test]
    fn sigmoid_is_symmetric_and_bounded() {
        for t in [-800.0, -30.0, -1.0, 0.0, 1.0, 30.0, 800.0] {
            let s = sigmoid(t);
            assert!((0.0..=1.0).contains(&s));
            assert!((s + sigmoid(-t) - 1.0).abs() < 1e-15);
        }
    }

    /// The simulator's bytes were made summing from the intercept's term:
    /// an all-negative-zero predictor stays -0 (written `-0` in the CSV).
    #[test]
    fn dot_sums_from_the_first_term_keeping_negative_zero() {
        assert!(dot(&[1.0, 1.5], &[-0.0, -0.0]).is_sign_negative());
        assert_eq!(dot(&[1.0, 2.0, 3.0], &[0.5, -1.0, 2.0]), 0.5 - 2.0 + 6.0);
    }

    /// Rounding of a sum of n equal terms: a few ulps of the total.
    const SUM_RTOL: f64 = 1e-14;

    /// At β = 0 every μ is 1/2 and each row adds log(1/2); a prediction
    /// of 0 or 1 on the wrong side stays finite through the family's guard
    /// (log(1e-20) per row).
    #[test]
    fn loglike_sums_the_family_terms_with_its_guard() {
        let names = vec!["const".to_string(), "x".to_string()];
        let x = vec![1.0, -1.0, 1.0, 2.0, 1.0, 3.0, 1.0, -4.0];
        let y = vec![0.0, 1.0, 1.0, 0.0];
        let data = Dataset::new(names, "y".into(), x, y, "test".into()).unwrap();
        let at_zero = loglike(&data, &[0.0, 0.0], LinkKind::Logit, &Rows::default());
        let want = 4.0 * 0.5f64.ln();
        assert!((at_zero - want).abs() <= SUM_RTOL * want.abs(), "{at_zero}");
        // x·β = ±1000 puts every row's μ at 0 or 1, each on the wrong side.
        let wrong = loglike(&data, &[0.0, -1000.0], LinkKind::Logit, &Rows::default());
        let guard = 4.0 * 1e-20f64.ln();
        assert!((wrong - guard).abs() <= SUM_RTOL * guard.abs(), "{wrong}");
    }
}
