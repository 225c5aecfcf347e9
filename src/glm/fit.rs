//! `fit`: check the data, run Fisher scoring on f64 tensors, assemble the
//! results. The equivalent of `sm.GLM(y, X, family=Binomial()).fit()`.
use std::time::Instant;

use super::family::Binomial;
use super::irls::{irls, singular_values, Design};
use super::link::{Link, Logit};
use super::results::{assemble, GlmFit, Inputs};
use super::{GlmConfig, GlmError};
use crate::data::Dataset;

/// Fit logistic regression (Binomial family, logit link) to `data` by
/// Fisher scoring, as statsmodels' `GLM(...).fit()` with default settings.
///
/// Separation and non-convergence are not errors: they are reported in
/// [`GlmFit::warnings`]. A design whose weighted rank is below its number
/// of columns is an error ([`GlmError::RankDeficient`]). Passes over the
/// rows run on [`crate::par::threads_for`] threads.
pub fn fit(data: &Dataset, cfg: &GlmConfig) -> Result<GlmFit, GlmError> {
    fit_family(data, cfg, &Binomial::new(Logit))
}

/// [`fit`] with another link for the Binomial family.
pub fn fit_family<L: Link>(
    data: &Dataset,
    cfg: &GlmConfig,
    family: &Binomial<L>,
) -> Result<GlmFit, GlmError> {
    let start = Instant::now();
    cfg.check()?;
    check_data(data)?;
    let threads = crate::par::threads_for(data.n, data.k);
    let x = Design::new(&data.x, data.k);
    let out = irls(family, &x, &data.y, cfg.tol, cfg.max_iter, threads)?;
    if out.rank < data.k {
        return Err(GlmError::RankDeficient {
            rank: out.rank,
            k: data.k,
        });
    }
    // statsmodels' df_model is `np.linalg.matrix_rank(exog) - 1`:
    // singular values above max(s) · max(n, k) · EPS.
    let s = match &out.x_singular_values {
        Some(s) => s.clone(),
        None => singular_values(&x, threads)?,
    };
    let smax = s.iter().cloned().fold(0.0, f64::max);
    let tol = smax * data.n.max(data.k) as f64 * f64::EPSILON;
    let rank_x = s.iter().filter(|&&s| s > tol).count();
    let mut fit = assemble(Inputs {
        family,
        x: &x,
        y: &data.y,
        irls: out,
        rank_x,
        names: data.names.clone(),
        target: data.target.clone(),
        alpha: cfg.alpha,
        tol: cfg.tol,
        max_iter: cfg.max_iter,
        threads,
    })?;
    fit.time_s = start.elapsed().as_secs_f64();
    Ok(fit)
}

/// Shapes agree, every design value is finite, every target is in [0, 1].
fn check_data(d: &Dataset) -> Result<(), GlmError> {
    if d.n == 0 || d.k == 0 {
        return Err(GlmError::Empty { n: d.n, k: d.k });
    }
    if d.x.len() != d.n * d.k || d.y.len() != d.n || d.names.len() != d.k {
        return Err(GlmError::Shape {
            n: d.n,
            k: d.k,
            x_len: d.x.len(),
            y_len: d.y.len(),
        });
    }
    if let Some(i) = d.x.iter().position(|v| !v.is_finite()) {
        return Err(GlmError::NonFiniteX {
            row: i / d.k + 1,
            column: d.names[i % d.k].clone(),
            value: d.x[i],
        });
    }
    if let Some(i) = d.y.iter().position(|v| !(0.0..=1.0).contains(v)) {
        return Err(GlmError::BadTarget {
            row: i + 1,
            value: d.y[i],
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(x: Vec<f64>, y: Vec<f64>, names: &[&str]) -> Dataset {
        Dataset::from_parts(
            names.iter().map(|s| s.to_string()).collect(),
            "y".into(),
            x,
            y,
            "test".into(),
        )
    }

    #[test]
    fn rejects_bad_data() {
        let cfg = GlmConfig::default();
        let d = data(
            vec![1.0, f64::NAN, 1.0, 2.0],
            vec![0.0, 1.0],
            &["const", "a"],
        );
        assert!(matches!(
            fit(&d, &cfg),
            Err(GlmError::NonFiniteX { row: 1, ref column, .. }) if column == "a"
        ));
        let d = data(vec![1.0, 0.0, 1.0, 2.0], vec![0.0, 2.0], &["const", "a"]);
        assert_eq!(
            fit(&d, &cfg),
            Err(GlmError::BadTarget { row: 2, value: 2.0 })
        );
        let d = data(vec![], vec![], &["const"]);
        assert_eq!(fit(&d, &cfg), Err(GlmError::Empty { n: 0, k: 1 }));
        let bad = GlmConfig {
            alpha: 2.0,
            ..GlmConfig::default()
        };
        let d = data(vec![1.0, 0.0, 1.0, 2.0], vec![0.0, 1.0], &["const", "a"]);
        assert_eq!(fit(&d, &bad), Err(GlmError::BadAlpha(2.0)));
    }

    #[test]
    fn rejects_collinear_design() {
        // x2 = 2 x1: rank 2 of 3.
        let mut x = Vec::new();
        let mut y = Vec::new();
        for i in 0..20 {
            let v = i as f64 / 3.0;
            x.extend([1.0, v, 2.0 * v]);
            y.push(if i % 3 == 0 { 1.0 } else { 0.0 });
        }
        let d = data(x, y, &["const", "x1", "x2"]);
        assert_eq!(
            fit(&d, &GlmConfig::default()),
            Err(GlmError::RankDeficient { rank: 2, k: 3 })
        );
    }
}
