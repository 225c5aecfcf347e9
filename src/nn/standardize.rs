//! `--standardize`: train on z = (x − mean)/sd, report original-scale coefficients.
//!
//! Defined to match `scripts/original.py --standardize`: mean and population
//! standard deviation (ddof = 0, numpy's default) in f64; z computed in f64 and
//! then cast to the network's precision. A network `[b, w]` on z is
//! `[b − Σ w_j·mean_j/sd_j, w_j/sd_j]` on x, computed in f64.
use crate::data::Dataset;

/// Per-feature location and scale.
#[derive(Debug, Clone, PartialEq)]
pub struct Standardizer {
    /// Column means, one per feature (no intercept).
    pub mean: Vec<f64>,
    /// Population standard deviations, one per feature.
    pub sd: Vec<f64>,
}

impl Standardizer {
    /// Fit on the data's features. `None` if a feature is constant (sd 0).
    pub fn fit(data: &Dataset) -> Option<Self> {
        let (n, k) = (data.n, data.k);
        let mut mean = vec![0.0; k - 1];
        for i in 0..n {
            for j in 1..k {
                mean[j - 1] += data.x[i * k + j];
            }
        }
        mean.iter_mut().for_each(|m| *m /= n as f64);
        let mut var = vec![0.0; k - 1];
        for i in 0..n {
            for j in 1..k {
                let d = data.x[i * k + j] - mean[j - 1];
                var[j - 1] += d * d;
            }
        }
        let sd: Vec<f64> = var.iter().map(|v| (v / n as f64).sqrt()).collect();
        if sd.iter().any(|s| !(s.is_finite() && *s > 0.0)) {
            return None;
        }
        Some(Standardizer { mean, sd })
    }

    /// Row-major standardized features (n × (k−1)), in f64.
    pub fn transform(&self, data: &Dataset) -> Vec<f64> {
        let (n, k) = (data.n, data.k);
        let mut z = Vec::with_capacity(n * (k - 1));
        for i in 0..n {
            for j in 1..k {
                z.push((data.x[i * k + j] - self.mean[j - 1]) / self.sd[j - 1]);
            }
        }
        z
    }

    /// Map `[b, w_1..w_k]` fitted on z back to the original scale.
    pub fn to_original(&self, params: &[f64]) -> Vec<f64> {
        let mut out = Vec::with_capacity(params.len());
        let mut b = params[0];
        for j in 0..self.mean.len() {
            b -= params[j + 1] * self.mean[j] / self.sd[j];
        }
        out.push(b);
        out.extend(params[1..].iter().zip(&self.sd).map(|(w, s)| w / s));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_coefficients_back_to_the_original_scale() {
        // x = [1, 2, 3, 4]: mean 2.5, population sd sqrt(1.25).
        let x = vec![1.0, 1.0, 1.0, 2.0, 1.0, 3.0, 1.0, 4.0];
        let d = Dataset::from_parts(
            vec!["const".into(), "x".into()],
            "y".into(),
            x,
            vec![0.0, 1.0, 0.0, 1.0],
            "t".into(),
        );
        let s = Standardizer::fit(&d).unwrap();
        assert_eq!(s.mean, vec![2.5]);
        assert!((s.sd[0] - 1.25f64.sqrt()).abs() < 1e-15);
        // b + w·z == b' + w'·x for every row.
        let p = s.to_original(&[0.7, -1.3]);
        for (xi, zi) in [1.0, 2.0, 3.0, 4.0].iter().zip(s.transform(&d)) {
            assert!((0.7 - 1.3 * zi - (p[0] + p[1] * xi)).abs() < 1e-12);
        }
    }

    #[test]
    fn refuses_a_constant_feature() {
        let x = vec![1.0, 5.0, 1.0, 5.0];
        let d = Dataset::from_parts(
            vec!["const".into(), "x".into()],
            "y".into(),
            x,
            vec![0.0, 1.0],
            "t".into(),
        );
        assert!(Standardizer::fit(&d).is_none());
    }
}
