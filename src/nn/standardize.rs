//! `--standardize`: train on z = (x − mean)/sd, report original-scale coefficients.
//!
//! Defined to match `scripts/original.py --standardize`: mean and population
//! standard deviation (ddof = 0, numpy's default) in f64; z computed in f64 and
//! then cast to the network's precision. A network `[b, w]` on z is
//! `[b − Σ w_j·mean_j/sd_j, w_j/sd_j]` on x, computed in f64.
use std::fmt;

use crate::data::Dataset;
use crate::numfmt::Short;
use crate::setting::{in_fields, In, Setting, Worded, Wording};

/// Why a feature cannot be standardized.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StandardizeError {
    /// Every value of the feature is the same: its standard deviation is 0.
    #[error("{}", in_fields(self))]
    Constant { column: String, value: f64 },
    /// The design has no intercept (a formula's `- 1` or `0 +`): the
    /// centred features need one to absorb their means.
    #[error("{}", in_fields(self))]
    NoIntercept,
    /// The feature varies, but its standard deviation is 0 or infinite in
    /// f64 even computed on the column divided by its largest |value|.
    #[error("{}", in_fields(self))]
    Unrepresentable {
        column: String,
        largest: f64,
        sd: f64,
    },
}

impl Worded for StandardizeError {
    fn write(&self, w: &Wording, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let standardize = In(&Setting::Standardize, w);
        match self {
            StandardizeError::Constant { column, value } => write!(
                f,
                "{standardize}: feature '{column}' is constant (every value is {}): its standard deviation is 0",
                Short(*value)
            ),
            StandardizeError::NoIntercept => write!(
                f,
                "{standardize}: the design has no intercept, and centring the features needs one to absorb their means; drop {standardize}, or the formula's `- 1` or `0 +`"
            ),
            StandardizeError::Unrepresentable {
                column,
                largest,
                sd,
            } => write!(
                f,
                "{standardize}: feature '{column}' (largest |value| {}): its standard deviation is {} in f64; rescale the column",
                Short(*largest),
                Short(*sd)
            ),
        }
    }
}

/// Per-feature location and scale.
#[derive(Debug, Clone, PartialEq)]
pub struct Standardizer {
    /// Column means, one per feature (no intercept).
    pub mean: Vec<f64>,
    /// Population standard deviations, one per feature.
    pub sd: Vec<f64>,
}

impl Standardizer {
    /// Fit on the data's features: mean, then the population standard
    /// deviation, as numpy computes them. A column whose plain sums overflow
    /// or underflow (values around 1e300 or 1e-300: the squares leave f64) is
    /// measured again divided by its largest |value|, and the results scaled
    /// back; ordinary columns never take that path, so their numbers do not
    /// change. Fails for a constant feature, or one whose standard deviation
    /// is still not a positive f64, or a design without an intercept.
    pub fn fit(data: &Dataset) -> Result<Self, StandardizeError> {
        if !data.has_intercept() {
            return Err(StandardizeError::NoIntercept);
        }
        let (n, k) = (data.n(), data.k());
        let mut mean = vec![0.0; k - 1];
        for i in 0..n {
            for j in 1..k {
                mean[j - 1] += data.x()[i * k + j];
            }
        }
        mean.iter_mut().for_each(|m| *m /= n as f64);
        let mut var = vec![0.0; k - 1];
        for i in 0..n {
            for j in 1..k {
                let d = data.x()[i * k + j] - mean[j - 1];
                var[j - 1] += d * d;
            }
        }
        let mut sd: Vec<f64> = var.iter().map(|v| (v / n as f64).sqrt()).collect();
        for j in 1..k {
            if sd[j - 1].is_finite() && sd[j - 1] > 0.0 {
                continue;
            }
            let col = data.column(j);
            let name = || {
                data.names()
                    .get(j)
                    .cloned()
                    .unwrap_or_else(|| format!("x{j}"))
            };
            if let Some(&first) = col.first().filter(|f| col.iter().all(|v| v == *f)) {
                return Err(StandardizeError::Constant {
                    column: name(),
                    value: first,
                });
            }
            let largest = col.iter().fold(0.0f64, |m, v| m.max(v.abs()));
            let (m, s) = scaled_moments(&col, largest);
            if !(s.is_finite() && s > 0.0 && m.is_finite()) {
                return Err(StandardizeError::Unrepresentable {
                    column: name(),
                    largest,
                    sd: s,
                });
            }
            mean[j - 1] = m;
            sd[j - 1] = s;
        }
        Ok(Standardizer { mean, sd })
    }

    /// Row-major standardized features (n × (k−1)), in f64.
    pub fn transform(&self, data: &Dataset) -> Vec<f64> {
        let (n, k) = (data.n(), data.k());
        let mut z = Vec::with_capacity(n * (k - 1));
        for i in 0..n {
            for j in 1..k {
                z.push((data.x()[i * k + j] - self.mean[j - 1]) / self.sd[j - 1]);
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

/// Mean and population standard deviation of `col` computed on
/// `col / largest` (every value within [-1, 1]) and scaled back.
fn scaled_moments(col: &[f64], largest: f64) -> (f64, f64) {
    let n = col.len() as f64;
    let m = col.iter().map(|v| v / largest).sum::<f64>() / n;
    let var = col.iter().map(|v| (v / largest - m).powi(2)).sum::<f64>() / n;
    (m * largest, var.sqrt() * largest)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An intercept and one feature `x` (the values given), with target `y`.
    fn one_feature(x: &[f64], y: &[f64]) -> Dataset {
        let design = x.iter().flat_map(|&v| [1.0, v]).collect();
        Dataset::new(
            vec!["const".into(), "x".into()],
            "y".into(),
            design,
            y.to_vec(),
            "t".into(),
            crate::runtime::threads::Threads::Auto,
        )
        .unwrap()
    }

    #[test]
    fn maps_coefficients_back_to_the_original_scale() {
        // x = [1, 2, 3, 4]: mean 2.5, population sd sqrt(1.25).
        let d = one_feature(&[1.0, 2.0, 3.0, 4.0], &[0.0, 1.0, 0.0, 1.0]);
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
    fn standardizes_columns_whose_squares_leave_f64() {
        for scale in [1e300, 1e-300, 1e-310] {
            let vals = [1.0, 2.0, 3.0, 4.0];
            let x: Vec<f64> = vals.iter().map(|v| v * scale).collect();
            let d = one_feature(&x, &[0.0, 1.0, 0.0, 1.0]);
            let s = Standardizer::fit(&d).unwrap();
            let rel = |a: f64, b: f64| ((a - b) / b).abs();
            assert!(rel(s.mean[0], 2.5 * scale) < 1e-12, "{scale}: {:?}", s);
            assert!(
                rel(s.sd[0], 1.25f64.sqrt() * scale) < 1e-12,
                "{scale}: {:?}",
                s
            );
            let z = s.transform(&d);
            assert!(rel(z[3], 1.5 / 1.25f64.sqrt()) < 1e-12, "{scale}: {z:?}");
        }
    }
}
