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

/// The fit itself, with checked per-row inputs.
fn fit_rows<L: Link>(
    data: &Dataset,
    cfg: &GlmConfig,
    family: &Binomial<L>,
    rows: &Rows,
    cov_type: CovType,
) -> Result<GlmFit, GlmError> {
    let start = Instant::now();
    cfg.check()?;
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

    /// Relative tolerance for params, llf, deviance, aic, bic (the issue's
    /// acceptance bound; the replica agrees to about 1e-15).
    const RTOL_POINT: f64 = 1e-8;
    /// Relative tolerance for bse, z, p and the CI (the bound).
    const RTOL_INFER: f64 = 1e-6;

    fn close(what: &str, got: f64, want: f64, rtol: f64, noise: f64) {
        let diff = (got - want).abs();
        assert!(
            diff <= rtol * got.abs().max(want.abs()) || diff <= noise,
            "{what}: got {got:e}, statsmodels {want:e} (diff {diff:e})"
        );
    }

    fn nums(v: &serde_json::Value) -> Vec<f64> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect()
    }

    /// Read a fixture CSV by hand (the CSV reader lives in `data`).
    fn fixture_data(dir: &std::path::Path, fx: &serde_json::Value) -> Dataset {
        let text = std::fs::read_to_string(dir.join(fx["csv"].as_str().unwrap())).unwrap();
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
        let target = fx["target"].as_str().unwrap();
        let features: Vec<String> = fx["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap().to_string())
            .collect();
        let (mut x, mut y) = (Vec::new(), Vec::new());
        for line in lines {
            let f: Vec<f64> = line.split(',').map(|v| v.parse().unwrap()).collect();
            x.push(1.0);
            x.extend(features.iter().map(|c| f[col(c)]));
            y.push(f[col(target)]);
        }
        let names = std::iter::once("const".to_string())
            .chain(features)
            .collect();
        Dataset::new(names, target.into(), x, y, "fixture".into()).unwrap()
    }

    /// Blank the coef and z cells of the rows in `rows`: a coefficient that
    /// is zero up to rounding, and its z, print different noise digits on
    /// every platform (scripts/parity.py's rule).
    fn mask_coefs(summary: &str, names: &[String], rows: &[usize]) -> String {
        let stub_w = names.iter().map(|n| n.len()).max().unwrap_or(0).max(10);
        let lines: Vec<String> = summary
            .lines()
            .map(|l| {
                let hit = rows
                    .iter()
                    .any(|&i| l.starts_with(&format!("{:<stub_w$} ", names[i])));
                if hit && l.len() >= stub_w + 33 {
                    // stub, coef (10), std err (11), z (11), ...
                    format!(
                        "{}{}{}{}{}",
                        &l[..stub_w + 1],
                        "#".repeat(10),
                        &l[stub_w + 11..stub_w + 22],
                        "#".repeat(11),
                        &l[stub_w + 33..]
                    )
                } else {
                    l.to_string()
                }
            })
            .collect();
        lines.join("\n")
    }

    /// Assert that `fit` (of `data`) matches the statsmodels fixture `fx`:
    /// estimates, inference, statistics, iterations and the summary text.
    fn compare_with_fixture(case: &str, fit: &GlmFit, data: &Dataset, fx: &serde_json::Value) {
        let bse = nums(&fx["bse"]);
        for (i, (g, w)) in fit.params.iter().zip(nums(&fx["params"])).enumerate() {
            // A coefficient that is zero up to rounding (the separated
            // case's intercept, ~1e-12 with bse 1e4) is compared on the
            // scale of its standard error.
            close(
                &format!("{case} params[{i}]"),
                *g,
                w,
                RTOL_POINT,
                1e-14 * bse[i],
            );
        }
        for (key, got) in [
            ("bse", &fit.bse),
            ("tvalues", &fit.tvalues),
            ("pvalues", &fit.pvalues),
        ] {
            for (i, (g, w)) in got.iter().zip(nums(&fx[key])).enumerate() {
                let noise = if key == "tvalues" { 1e-14 } else { 0.0 };
                close(&format!("{case} {key}[{i}]"), *g, w, RTOL_INFER, noise);
            }
        }
        for (i, ci) in fx["conf_int"].as_array().unwrap().iter().enumerate() {
            let w = nums(ci);
            close(
                &format!("{case} ci[{i}].0"),
                fit.conf_int[i][0],
                w[0],
                RTOL_INFER,
                0.0,
            );
            close(
                &format!("{case} ci[{i}].1"),
                fit.conf_int[i][1],
                w[1],
                RTOL_INFER,
                0.0,
            );
        }
        for (key, got) in [
            ("llf", fit.llf),
            ("llnull", fit.llnull),
            ("deviance", fit.deviance),
            ("null_deviance", fit.null_deviance),
            ("pearson_chi2", fit.pearson_chi2),
            ("aic", fit.aic),
            ("bic", fit.bic),
            ("prsquared_cs", fit.prsquared_cs),
            ("prsquared_mcf", fit.prsquared_mcf),
        ] {
            close(
                &format!("{case} {key}"),
                got,
                fx[key].as_f64().unwrap(),
                RTOL_POINT,
                0.0,
            );
        }
        assert_eq!(
            fit.iterations as u64,
            fx["iterations"].as_u64().unwrap(),
            "{case}"
        );
        assert_eq!(fit.converged, fx["converged"].as_bool().unwrap(), "{case}");
        assert_eq!(
            fit.df_model as u64,
            fx["df_model"].as_u64().unwrap(),
            "{case}"
        );
        assert_eq!(
            fit.df_resid as u64,
            fx["df_resid"].as_u64().unwrap(),
            "{case}"
        );
        assert_eq!(fit.nobs as u64, fx["nobs"].as_u64().unwrap(), "{case}");
        let hist = nums(&fx["deviance_history"]);
        assert_eq!(fit.deviance_history.len(), hist.len(), "{case}");
        for (i, (g, w)) in fit.deviance_history.iter().zip(hist).enumerate() {
            close(
                &format!("{case} deviance_history[{i}]"),
                *g,
                w,
                RTOL_POINT,
                0.0,
            );
        }
        // The fixture's clock was frozen at its SOURCE_DATE_EPOCH (UTC).
        let when = crate::glm::SummaryTime::utc(fx["source_date_epoch"].as_i64().unwrap()).unwrap();
        let text = crate::glm::summary(fit, data.target(), when);
        let table = text.split("\n\nWarnings:").next().unwrap();
        let noisy: Vec<usize> = (0..fit.params.len())
            .filter(|&i| fit.params[i].abs() < 1e-14 * fit.bse[i])
            .collect();
        assert_eq!(
            mask_coefs(table, &fit.names, &noisy),
            mask_coefs(fx["summary"].as_str().unwrap(), &fit.names, &noisy),
            "{case} summary"
        );
        assert_eq!(table.len() < text.len(), !fit.warnings.is_empty(), "{case}");
    }

    /// Assert that `fit.cov_params` is the fixture's (statsmodels', or the
    /// script's textbook HC1–HC3 when `cov_source` says so). An element is
    /// compared relative to itself or, for one near 0, to the scale of its
    /// row and column, √(C_aa C_bb).
    fn compare_cov_params(case: &str, fit: &GlmFit, fx: &serde_json::Value) {
        let want: Vec<Vec<f64>> = fx["cov_params"]
            .as_array()
            .unwrap()
            .iter()
            .map(nums)
            .collect();
        let k = fit.params.len();
        assert_eq!(fit.cov_params.len(), k, "{case}");
        assert_eq!(want.len(), k, "{case}");
        for a in 0..k {
            for b in 0..k {
                let scale = (want[a][a] * want[b][b]).sqrt();
                close(
                    &format!("{case} cov_params[{a}][{b}]"),
                    fit.cov_params[a][b],
                    want[a][b],
                    RTOL_INFER,
                    RTOL_INFER * scale,
                );
            }
        }
    }

    /// A column of a fixture CSV by name, by hand as [`fixture_data`].
    fn fixture_column(dir: &std::path::Path, fx: &serde_json::Value, name: &str) -> Vec<f64> {
        let text = std::fs::read_to_string(dir.join(fx["csv"].as_str().unwrap())).unwrap();
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let col = header.iter().position(|h| *h == name).unwrap();
        lines
            .map(|l| l.split(',').nth(col).unwrap().parse().unwrap())
            .collect()
    }

    /// The link, weight and offset fixtures of
    /// scripts/make_glm_option_fixtures.py (copied unchanged from its
    /// output), fitted through [`fit_with`]; the weight and offset columns
    /// are not features.
    #[test]
    fn matches_statsmodels_option_fixtures() {
        let dir = std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/glm/options"
        ));
        let mut cases = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().map_or(true, |e| e != "json") {
                continue;
            }
            let fx: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let case = fx["case"].as_str().unwrap().to_string();
            let data = fixture_data(dir, &fx);
            let column = |key: &str| fx[key].as_str().map(|c| fixture_column(dir, &fx, c));
            let opts = GlmOptions {
                link: fx["link"].as_str().unwrap().parse().unwrap(),
                freq_weights: column("freq_weights"),
                var_weights: column("var_weights"),
                offset: column("offset"),
                cov_type: fx["cov_type"].as_str().unwrap().parse().unwrap(),
                groups: column("groups").map(|g| g.iter().map(|&v| v as usize).collect()),
            };
            let cfg = GlmConfig {
                max_iter: fx["maxiter"].as_u64().unwrap() as usize,
                alpha: fx["alpha"].as_f64().unwrap(),
                ..GlmConfig::default()
            };
            let fit = fit_with(&data, &cfg, &opts).unwrap();
            assert_eq!(fit.link, fx["link_statsmodels"].as_str().unwrap(), "{case}");
            // The JSON spells the link as chosen and the type as statsmodels.
            let json = serde_json::to_value(&fit).unwrap();
            for key in ["link", "cov_type"] {
                assert_eq!(json[key], fx[key], "{case} JSON {key}");
            }
            compare_with_fixture(&case, &fit, &data, &fx);
            compare_cov_params(&case, &fit, &fx);
            cases += 1;
        }
        assert!(cases >= 20, "only {cases} fixtures");
    }
}
