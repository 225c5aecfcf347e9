//! Predictions of a saved model on new data: statsmodels'
//! `res.get_prediction(exog, offset=…).summary_frame(alpha)` and
//! `res.predict(exog, offset=…, which="linear")`.
use crate::model::{ModelError, SavedModel};

use crate::spec::{normal, Link};

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

/// The columns of the new data that `model` needs, in the order
/// [`design`] takes them: its features (the names after `const`), then its
/// offset column if it has one.
pub fn columns(model: &SavedModel) -> Vec<String> {
    let mut columns = model.names[1..].to_vec();
    columns.extend(model.offset.clone());
    columns
}

/// The design x (n rows of k, the intercept's 1 first) and the offset of
/// `n` rows of the [`columns`] of `model`, row-major in `values`. An
/// intercept-only model without an offset reads no columns: `values` is
/// then empty and each row is the intercept alone.
pub fn design(model: &SavedModel, values: &[f64], n: usize) -> (Vec<f64>, Option<Vec<f64>>) {
    let k = model.names.len();
    let m = k - 1 + usize::from(model.offset.is_some());
    let mut x = Vec::with_capacity(n * k);
    let mut offset = Vec::with_capacity(if model.offset.is_some() { n } else { 0 });
    for i in 0..n {
        let row = &values[i * m..(i + 1) * m];
        x.push(1.0);
        x.extend_from_slice(&row[..k - 1]);
        offset.extend(row.get(k - 1).copied());
    }
    (x, model.offset.as_ref().map(|_| offset))
}

/// Predict `model` on `x`: n rows of k values, row-major, the intercept
/// first and the features in the model's order; `offset` one value per row
/// (required when the model has an offset column, refused when not).
/// `alpha` sets the intervals' level, 1 − alpha. `file` names the data in
/// messages, and a row whose linear predictor or standard error overflows
/// f64 is refused naming its row (1-based).
pub fn predict(
    model: &SavedModel,
    x: &[f64],
    offset: Option<&[f64]>,
    alpha: f64,
    file: &str,
) -> Result<Prediction, ModelError> {
    predict_lines(model, x, offset, alpha, file, None)
}

/// [`predict`], a refused row named by its entry in `lines` (its line in
/// the file) when given.
pub fn predict_lines(
    model: &SavedModel,
    x: &[f64],
    offset: Option<&[f64]>,
    alpha: f64,
    file: &str,
    lines: Option<&[u64]>,
) -> Result<Prediction, ModelError> {
    let k = model.params.len();
    let n = x.len() / k.max(1);
    let shape = |what: String| ModelError::Shape {
        file: file.into(),
        what,
    };
    if k == 0 || x.len() != n * k {
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
    if let Some(l) = lines {
        if l.len() != n {
            return Err(shape(format!("{} line numbers for {n} rows", l.len())));
        }
    }
    let overflow = |i: usize, what: &'static str| ModelError::Overflow {
        file: file.into(),
        row: lines.map_or(i as u64 + 1, |l| l[i]),
        by_line: lines.is_some(),
        what,
    };
    // One dispatch per call on the kind (per row, not per iteration: no
    // need to monomorphise).
    let link = model.link;
    let rows = || x.chunks_exact(k);
    let linpred: Vec<f64> = rows()
        .enumerate()
        .map(|(i, row)| dot(row, &model.params) + offset.map_or(0.0, |o| o[i]))
        .collect();
    if let Some(i) = linpred.iter().position(|e| !e.is_finite()) {
        return Err(overflow(i, "linear predictor"));
    }
    let mean = linpred.iter().map(|&e| link.inverse(e)).collect();
    let intervals = match model.cov_params.as_ref() {
        None => None,
        Some(cov) => {
            let q = normal::interval_quantile(alpha);
            // xᵀCx ≥ 0 for a positive semi-definite C (the model file is
            // checked to be one); a value below 0 is rounding, at a row
            // where C is singular.
            let se: Vec<f64> = rows()
                .map(|row| quadratic_form(row, cov).max(0.0).sqrt())
                .collect();
            if let Some(i) = se.iter().position(|s| !s.is_finite()) {
                return Err(overflow(i, "standard error"));
            }
            let at = |sign: f64| -> Vec<f64> {
                linpred
                    .iter()
                    .zip(&se)
                    .map(|(&e, &s)| link.inverse(e + sign * q * s))
                    .collect()
            };
            Some(Intervals {
                mean_se: linpred
                    .iter()
                    .zip(&se)
                    .map(|(&e, &s)| link.inverse_deriv(e) * s)
                    .collect(),
                mean_ci_lower: at(-1.0),
                mean_ci_upper: at(1.0),
            })
        }
    };
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
    /// The predictions as CSV: [`csv_header`](Self::csv_header), then
    /// [`csv_rows`](Self::csv_rows).
    pub fn to_csv(&self) -> String {
        let mut out = self.csv_header();
        self.csv_rows(&mut out);
        out
    }

    /// The columns `mean,mean_se,mean_ci_lower,mean_ci_upper,linpred` (a
    /// network's: `mean,linpred`), as a header line.
    pub fn csv_header(&self) -> String {
        let names: Vec<&str> = self.columns().iter().map(|c| c.0).collect();
        names.join(",") + "\n"
    }

    /// One line per row appended to `out`, the columns of
    /// [`csv_header`](Self::csv_header). Numbers as [`crate::numfmt::Short`] writes them
    /// (Python's `repr`).
    pub fn csv_rows(&self, out: &mut String) {
        let columns = self.columns();
        for i in 0..self.mean.len() {
            let cells: Vec<String> = columns
                .iter()
                .map(|c| crate::numfmt::Short(c.1[i]).to_string())
                .collect();
            out.push_str(&cells.join(","));
            out.push('\n');
        }
    }

    fn columns(&self) -> Vec<(&'static str, &[f64])> {
        let mut columns: Vec<(&str, &[f64])> = vec![("mean", &self.mean)];
        if let Some(iv) = &self.intervals {
            columns.push(("mean_se", &iv.mean_se));
            columns.push(("mean_ci_lower", &iv.mean_ci_lower));
            columns.push(("mean_ci_upper", &iv.mean_ci_upper));
        }
        columns.push(("linpred", &self.linpred));
        columns
    }
}
