//! `fit`: run Fisher scoring on f64 tensors, assemble the
//! results. The equivalent of `sm.GLM(y, X, family=Binomial()).fit()`.
use std::time::Instant;

use super::family::Binomial;
use super::irls::{irls, singular_values, Design};
use super::link::{CLogLog, Cauchy, Link, LogLog, Logit, Probit};
use super::options::{GlmOptions, Rows};
use super::results::{assemble, GlmFit, Inputs};
use super::{CovType, LinkKind};
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
    cfg.check()?;
    fit_rows(data, cfg, family, &Rows::default(), CovType::Nonrobust)
}

/// [`fit`] with the link, weights, offset and covariance type of `opts`,
/// as statsmodels' `GLM(y, X, family=Binomial(link), freq_weights=,
/// var_weights=, offset=).fit(cov_type=, cov_kwds=)` (HC1–HC3: the
/// textbook sandwich, see [`CovType`]). The one place a [`LinkKind`]
/// becomes a link type.
pub fn fit_with(data: &Dataset, cfg: &GlmConfig, opts: &GlmOptions) -> Result<GlmFit, GlmError> {
    cfg.check()?;
    let rows = opts.rows(data.n())?;
    let c = opts.cov_type;
    match opts.link {
        LinkKind::Logit => fit_rows(data, cfg, &Binomial::new(Logit), &rows, c),
        LinkKind::Probit => fit_rows(data, cfg, &Binomial::new(Probit), &rows, c),
        LinkKind::CLogLog => fit_rows(data, cfg, &Binomial::new(CLogLog), &rows, c),
        LinkKind::LogLog => fit_rows(data, cfg, &Binomial::new(LogLog), &rows, c),
        LinkKind::Cauchy => fit_rows(data, cfg, &Binomial::new(Cauchy), &rows, c),
    }
}

/// The fit itself, with checked settings and per-row inputs.
fn fit_rows<L: Link>(
    data: &Dataset,
    cfg: &GlmConfig,
    family: &Binomial<L>,
    rows: &Rows,
    cov_type: CovType,
) -> Result<GlmFit, GlmError> {
    let start = Instant::now();
    let threads = crate::par::threads_for(data.n(), data.k());
    let x = Design::new(data.x(), data.k());
    let out = irls(
        family,
        &x,
        data.y(),
        rows,
        None,
        cfg.tol,
        cfg.max_iter,
        threads,
    )?;
    if out.rank < data.k() {
        return Err(GlmError::RankDeficient {
            rank: out.rank,
            k: data.k(),
        });
    }
    // statsmodels' df_model is `np.linalg.matrix_rank(exog) - 1`:
    // singular values above max(s) · max(n, k) · EPS.
    let s = match &out.x_singular_values {
        Some(s) => s.clone(),
        None => singular_values(&x, threads)?,
    };
    let smax = s.iter().cloned().fold(0.0, f64::max);
    let tol = smax * data.n().max(data.k()) as f64 * f64::EPSILON;
    let rank_x = s.iter().filter(|&&s| s > tol).count();
    let mut fit = assemble(Inputs {
        family,
        x: &x,
        x_rows: data.x(),
        y: data.y(),
        rows,
        irls: out,
        cov_type,
        rank_x,
        names: data.names().to_vec(),
        target: data.target().to_string(),
        alpha: cfg.alpha,
        tol: cfg.tol,
        max_iter: cfg.max_iter,
        threads,
    })?;
    fit.time_s = start.elapsed().as_secs_f64();
    Ok(fit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(x: Vec<f64>, y: Vec<f64>, names: &[&str]) -> Dataset {
        Dataset::new(
            names.iter().map(|s| s.to_string()).collect(),
            "y".into(),
            x,
            y,
            "test".into(),
        )
        .unwrap()
    }

    #[test]
    fn rejects_bad_settings() {
        // Bad data cannot reach the fit: `Dataset::new` refuses it.
        let bad = GlmConfig {
            alpha: 2.0,
            ..GlmConfig::default()
        };
        let d = data(vec![1.0, 0.0, 1.0, 2.0], vec![0.0, 1.0], &["const", "a"]);
        assert_eq!(fit(&d, &bad), Err(GlmError::BadAlpha(2.0)));
    }

    #[test]
    fn rejects_a_design_whose_rank_is_lost_in_the_fit() {
        // Independent columns (the data set passed its rank check), but x2 is
        // 1e-300 the size of the others: the weighted design's pseudo-inverse
        // drops it, rank 2 of 3.
        let mut x = Vec::new();
        let mut y = Vec::new();
        for i in 0..20 {
            let v = i as f64 / 3.0;
            x.extend([1.0, v, 1e-300 * (v * 1.7).sin()]);
            y.push(if i % 3 == 0 { 1.0 } else { 0.0 });
        }
        let d = data(x, y, &["const", "x1", "x2"]);
        assert_eq!(
            fit(&d, &GlmConfig::default()),
            Err(GlmError::RankDeficient { rank: 2, k: 3 })
        );
    }
}
