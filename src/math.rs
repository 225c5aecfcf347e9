//! Scalar maths in f64 shared by the simulator, `compare` and the plots:
//! the logistic function, the linear predictor and the Bernoulli
//! log-likelihood.
use crate::data::Dataset;

/// statsmodels adds this to μ and 1 − μ inside the log-likelihood's logs.
const LOG_GUARD: f64 = 1e-20;

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

/// Bernoulli log-likelihood of `beta` on `data`, as statsmodels computes
/// it: Σ y·log((μ+1e-20)/(1−μ+1e-20)) + log(1−μ+1e-20), μ = sigmoid(x·β).
pub fn loglike(data: &Dataset, beta: &[f64]) -> f64 {
    data.x()
        .chunks(data.k())
        .zip(data.y())
        .map(|(row, &y)| {
            let mu = sigmoid(dot(row, beta));
            y * ((mu + LOG_GUARD) / (1.0 - mu + LOG_GUARD)).ln() + (1.0 - mu + LOG_GUARD).ln()
        })
        .sum()
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
}
