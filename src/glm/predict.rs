//! Predictions of a saved model on new data: statsmodels'
//! `res.get_prediction(exog, offset=…).summary_frame(alpha)` and
//! `res.predict(exog, offset=…, which="linear")`.
use crate::model::{ModelError, SavedModel};

use super::link::{CLogLog, Cauchy, Link, LogLog, Logit, Probit};
use super::{normal, LinkKind};

/// One prediction per row of the new data. The standard error and the
/// interval need the covariance: a GLM model has them, a network's has not.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    /// The predicted probability g⁻¹(linpred) (statsmodels' `mean`).
    pub mean: Vec<f64>,
    /// The linear predictor x·β + offset (statsmodels' `linpred`).
    pub linpred: Vec<f64>,
    /// `mean_se`, `mean_ci_lower`, `mean_ci_upper`; None for a network.
    pub intervals: Option<Intervals>,
}

/// The delta-method standard error of the mean and its interval.
#[derive(Debug, Clone, PartialEq)]
pub struct Intervals {
    /// (g⁻¹)'(linpred) · sqrt(xᵀ C x).
    pub mean_se: Vec<f64>,
    /// g⁻¹(linpred − q · sqrt(xᵀ C x)), q = Φ⁻¹(1 − alpha/2).
    pub mean_ci_lower: Vec<f64>,
    /// g⁻¹(linpred + q · sqrt(xᵀ C x)).
    pub mean_ci_upper: Vec<f64>,
}

/// The link of a [`LinkKind`], as a trait object (one call per row, not per
/// iteration: no need to monomorphise).
fn link_of(kind: LinkKind) -> &'static dyn Link {
    match kind {
        LinkKind::Logit => &Logit,
        LinkKind::Probit => &Probit,
        LinkKind::CLogLog => &CLogLog,
        LinkKind::LogLog => &LogLog,
        LinkKind::Cauchy => &Cauchy,
    }
}

/// Predict `model` on `x`: n rows of k values, row-major, the intercept
/// first and the features in the model's order; `offset` one value per row
/// (required when the model has an offset column, refused when not).
/// `alpha` sets the intervals' level, 1 − alpha. `file` names the data in
/// messages.
pub fn predict(
    model: &SavedModel,
    x: &[f64],
    offset: Option<&[f64]>,
    alpha: f64,
    file: &str,
) -> Result<Prediction, ModelError> {
    let k = model.params.len();
    let n = x.len() / k.max(1);
    let shape = |what: String| ModelError::Shape {
        file: file.into(),
        what,
    };
    if x.len() != n * k {
        return Err(shape(format!("{} values are not rows of {k}", x.len())));
    }
    match (offset, &model.offset) {
        (Some(o), Some(_)) if o.len() != n => {
            return Err(shape(format!("{} offsets for {n} rows", o.len())))
        }
        (Some(_), None) => return Err(shape("an offset for a model without one".into())),
        (None, Some(name)) => return Err(shape(format!("no values for the offset {name:?}"))),
        _ => {}
    }
    let link = link_of(model.link);
    let rows = || x.chunks_exact(k);
    let linpred: Vec<f64> = rows()
        .enumerate()
        .map(|(i, row)| dot(row, &model.params) + offset.map_or(0.0, |o| o[i]))
        .collect();
    let mean = linpred.iter().map(|&e| link.inverse(e)).collect();
    let intervals = model.cov_params.as_ref().map(|cov| {
        let q = normal::ppf(1.0 - alpha / 2.0);
        let se: Vec<f64> = rows().map(|row| quadratic_form(row, cov).sqrt()).collect();
        let at = |sign: f64| -> Vec<f64> {
            linpred
                .iter()
                .zip(&se)
                .map(|(&e, &s)| link.inverse(e + sign * q * s))
                .collect()
        };
        Intervals {
            mean_se: linpred
                .iter()
                .zip(&se)
                .map(|(&e, &s)| link.inverse_deriv(e) * s)
                .collect(),
            mean_ci_lower: at(-1.0),
            mean_ci_upper: at(1.0),
        }
    });
    Ok(Prediction {
        mean,
        linpred,
        intervals,
    })
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// xᵀ C x.
fn quadratic_form(x: &[f64], cov: &[Vec<f64>]) -> f64 {
    x.iter().zip(cov).map(|(xi, row)| xi * dot(row, x)).sum()
}

impl Prediction {
    /// The predictions as CSV: a header, then one line per row, the columns
    /// `mean,mean_se,mean_ci_lower,mean_ci_upper,linpred` (a network's:
    /// `mean,linpred`). Numbers as [`crate::numfmt::Short`] writes them.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        let mut columns: Vec<(&str, &[f64])> = vec![("mean", &self.mean)];
        if let Some(iv) = &self.intervals {
            columns.push(("mean_se", &iv.mean_se));
            columns.push(("mean_ci_lower", &iv.mean_ci_lower));
            columns.push(("mean_ci_upper", &iv.mean_ci_upper));
        }
        columns.push(("linpred", &self.linpred));
        let names: Vec<&str> = columns.iter().map(|c| c.0).collect();
        out.push_str(&names.join(","));
        out.push('\n');
        for i in 0..self.mean.len() {
            let cells: Vec<String> = columns
                .iter()
                .map(|c| crate::numfmt::Short(c.1[i]).to_string())
                .collect();
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        out
    }
}
