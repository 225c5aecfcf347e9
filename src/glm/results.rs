//! The fitted GLM and its statistics, computed as statsmodels' `GLMResults`
//! does for the Binomial family (scale 1, normal-theory inference).
use serde::Serialize;

use super::covariance::{cov_params, AtEstimate};
use super::irls::{irls, Irls, Memory, Source, SEPARATION_ATOL};
use super::GlmError;
use crate::math::sum::{sum_rows_at, Sum};
use crate::runtime::chunk::CHUNK;
use crate::runtime::threads::map_chunks;
use crate::spec::family::Binomial;
use crate::spec::link::{Link, LinkKind};
use crate::spec::normal;
use crate::spec::roles::RowValues;
use crate::spec::CovType;

/// R's `glm.fit` threshold for "fitted probabilities numerically 0 or 1":
/// μ < 10·DBL_EPSILON or μ > 1 - 10·DBL_EPSILON.
pub const R_BOUNDARY: f64 = 10.0 * f64::EPSILON;

/// A fitted logistic regression. The JSON keys (`--json`) are statsmodels'
/// attribute names; lists follow the order of `names`. This is a contract:
/// keys are added, never renamed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GlmFit {
    /// Design column names: `const`, then the features.
    pub names: Vec<String>,
    /// Estimated coefficients (statsmodels `params`).
    pub params: Vec<f64>,
    /// Standard errors: √diag of `cov_params` (`bse`).
    pub bse: Vec<f64>,
    /// Wald z statistics `params / bse` (statsmodels calls them `tvalues`).
    pub tvalues: Vec<f64>,
    /// Two-sided p-values from the normal distribution, 2·Φ(-|z|).
    pub pvalues: Vec<f64>,
    /// Confidence intervals `[low, high]` = params ∓ Φ⁻¹(1 - alpha/2)·bse.
    pub conf_int: Vec<[f64; 2]>,
    /// Log-likelihood at the estimates.
    pub llf: f64,
    /// Log-likelihood of the intercept-only model (μ = mean of y).
    pub llnull: f64,
    /// Deviance at the estimates.
    pub deviance: f64,
    /// Deviance of the intercept-only model.
    pub null_deviance: f64,
    /// Pearson's χ²: Σ (y - μ)² / (μ (1 - μ)).
    pub pearson_chi2: f64,
    /// Akaike's criterion: -2 llf + 2 (df_model + 1).
    pub aic: f64,
    /// Bayes' criterion from the log-likelihood (statsmodels 0.15's `bic`):
    /// -2 llf + (df_model + 1) log(nobs).
    pub bic: f64,
    /// Cox-Snell pseudo R²: 1 - exp(2 (llnull - llf) / nobs).
    pub prsquared_cs: f64,
    /// McFadden's pseudo R²: 1 - llf / llnull.
    pub prsquared_mcf: f64,
    /// Model degrees of freedom: rank of the design matrix - 1.
    pub df_model: usize,
    /// Residual degrees of freedom: Σ freq_weights (nobs without them) -
    /// rank of the design matrix; a float, as statsmodels', which the JSON
    /// writes as an integer when it is a whole number that f64 counts
    /// exactly (up to 2⁵³), and as a float otherwise (frequency weights in
    /// the billions of billions).
    #[serde(serialize_with = "whole_as_integer")]
    pub df_resid: f64,
    /// Number of observations: rows of the data, whatever the weights
    /// (statsmodels' `nobs`).
    pub nobs: usize,
    /// Weighted least-squares solves (statsmodels' `No. Iterations`).
    pub iterations: usize,
    /// Whether the deviance changed by at most `tol` within `max_iter`.
    pub converged: bool,
    /// Deviance at the starting values, then after each iteration
    /// (`iterations + 1` values; statsmodels' `fit_history["deviance"]`
    /// without its leading `inf`).
    pub deviance_history: Vec<f64>,
    /// Diagnostics (separation, non-convergence), one sentence each.
    pub warnings: Vec<String>,
    /// Wall-clock seconds spent in the fit.
    pub time_s: f64,
    /// The link (the summary's "Link Function:" line prints statsmodels'
    /// class name, `Logit`, `Probit`, `CLogLog`, `LogLog`, `Cauchy`); the
    /// JSON writes it in lower case, as the link is named when chosen
    /// (`logit`, `probit`, `cloglog`, `loglog`, `cauchy`). Added after
    /// `time_s`.
    pub link: LinkKind,
    /// The covariance type, in statsmodels' spelling (`nonrobust`, `HC0`,
    /// …, `cluster`: the summary's "Covariance Type:" line). Added after
    /// `link`.
    pub cov_type: CovType,
    /// The covariance of the estimates (k × k, one list per row, in the
    /// order of `names`; statsmodels' `cov_params()`), of `cov_type`;
    /// `bse`, `tvalues`, `pvalues` and `conf_int` come from it. Added
    /// after `cov_type`.
    pub cov_params: Vec<Vec<f64>>,
    /// Fitted probabilities μ at the estimates (not serialized).
    #[serde(skip)]
    pub mu: Vec<f64>,
    /// Linear predictor Xβ + offset at the estimates (not serialized).
    #[serde(skip)]
    pub lin_pred: Vec<f64>,
    /// Name of the target column (not serialized).
    #[serde(skip)]
    pub target: String,
    /// The alpha of `conf_int` (not serialized).
    #[serde(skip)]
    pub alpha: f64,
    /// Family name as statsmodels prints it, `Binomial` (not serialized).
    #[serde(skip)]
    pub family: &'static str,
    /// The fit's tolerance and iteration cap (not serialized).
    #[serde(skip)]
    pub tol: f64,
    #[serde(skip)]
    pub max_iter: usize,
}

/// `x` as a JSON integer when it is whole and f64 counts exactly to it,
/// else as a float.
fn whole_as_integer<S: serde::Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    const EXACT: f64 = 9007199254740992.0; // 2^53
    if x.fract() == 0.0 && x.abs() <= EXACT {
        s.serialize_i64(*x as i64)
    } else {
        s.serialize_f64(*x)
    }
}

/// `name` in lower case.
impl GlmFit {
    /// The scale parameter, 1 for the Binomial family.
    pub fn scale(&self) -> f64 {
        1.0
    }

    /// The fitting method statsmodels prints, `IRLS`.
    pub fn method(&self) -> &'static str {
        "IRLS"
    }
}

/// Warning text for statsmodels' separation rule.
pub fn separation_warning() -> String {
    format!(
        "perfect separation or prediction detected (every |mu - y| <= {SEPARATION_ATOL:e}): \
         the parameters may not be identified and their standard errors are meaningless"
    )
}

/// Warning text for R's boundary rule.
pub fn boundary_warning(count: usize, n: usize) -> String {
    format!(
        "fitted probabilities numerically 0 or 1 occurred ({count} of {n} rows within \
         10 * DBL_EPSILON of 0 or 1): a sign of separation"
    )
}

/// Whether `warning` is one of the two signs of separation above
/// (statsmodels' rule, or R's fitted probabilities numerically 0 or 1).
pub fn is_separation_warning(warning: &str) -> bool {
    warning == separation_warning()
        || warning.starts_with("fitted probabilities numerically 0 or 1 occurred (")
}

/// Warning text for a fit stopped by `max_iter`.
pub fn max_iter_warning(max_iter: usize, change: f64, tol: f64) -> String {
    format!(
        "IRLS did not converge in {max_iter} iterations (last deviance change {change:.3e} > \
         tol {tol:e}); the estimates are not final"
    )
}

/// Warning text for statistics that came out infinite or NaN.
pub fn non_finite_warning(names: &[&str]) -> String {
    format!(
        "not finite (inf or nan): {}; the weights or values are too large or too small \
         for these statistics in double precision",
        names.join(", ")
    )
}

/// Everything needed to turn an IRLS run into a [`GlmFit`].
pub(crate) struct AssembleInputs<'a, L: Link> {
    pub family: &'a Binomial<L>,
    /// The design and target, read by passes.
    pub src: &'a dyn Source,
    /// The same design as a row-major n × k slice, and the target, when
    /// they are in memory: then the fitted values are kept
    /// ([`GlmFit::mu`], [`GlmFit::lin_pred`]) and any covariance type can
    /// be computed. None (streamed): nonrobust covariance only.
    pub in_memory: Option<(&'a [f64], &'a [f64])>,
    /// Weights and offset.
    pub rows: &'a RowValues<'a>,
    pub irls: Irls,
    pub cov_type: CovType,
    /// Rank of X (numpy's `matrix_rank`), for the degrees of freedom.
    pub rank_x: usize,
    pub names: Vec<String>,
    pub target: String,
    pub alpha: f64,
    pub tol: f64,
    pub max_iter: usize,
    /// Threads for the passes over the rows.
    pub threads: usize,
}

/// Compute the statistics of statsmodels' `GLMResults` from an IRLS run.
pub(crate) fn assemble<L: Link>(inp: AssembleInputs<'_, L>) -> Result<GlmFit, GlmError> {
    let AssembleInputs {
        family,
        src,
        in_memory,
        rows,
        irls,
        cov_type,
        rank_x,
        names,
        target,
        alpha,
        tol,
        max_iter,
        threads,
    } = inp;
    let n = src.n();
    let k = irls.params.len();
    let params = irls.params.clone();
    let keep = in_memory.is_some();
    // results.mu = predict(params): the unclipped inverse link of Xβ +
    // offset; then llf (loglike_obs · var_weights · freq_weights, with
    // n_trials in var and the binomial coefficient added), the
    // deviance (· freq_weights · var_weights) and Pearson's χ²
    // (· iweights) at μ, and R's boundary count, in one pass.
    let link = &family.link;
    let mut lin_pred = Vec::with_capacity(if keep { n } else { 0 });
    let mut mu = Vec::with_capacity(if keep { n } else { 0 });
    let mut sums = [Sum::default(); 3];
    let mut boundary = 0;
    src.pass(&mut |first, x, y| {
        let parts: Vec<(usize, usize)> = (0..x.n())
            .step_by(CHUNK)
            .map(|s| (s, (s + CHUNK).min(x.n())))
            .collect();
        let per_chunk = map_chunks(parts, threads, |(start, end)| {
            let mut lin_pred = x.predict_rows(start, end, &params);
            let g0 = first + start;
            for (i, e) in lin_pred.iter_mut().enumerate() {
                *e += rows.offset(g0 + i);
            }
            let mu: Vec<f64> = lin_pred.iter().map(|&e| link.inverse(e)).collect();
            let ys = &y[start..end];
            let (f, v) = (|i| rows.freq(g0 + i), |i| rows.var(g0 + i));
            let sums = [
                sum_rows_at(ys, &mu, |i, y, m| {
                    family.loglike(y, m) * v(i) * f(i) + rows.log_binomial_coefficient(g0 + i, y)
                }),
                sum_rows_at(ys, &mu, |i, y, m| family.deviance(y, m) * f(i) * v(i)),
                sum_rows_at(ys, &mu, |i, y, m| {
                    family.pearson(y, m) * rows.iweight(g0 + i)
                }),
            ]
            .map(|v| {
                let mut s = Sum::default();
                s.add(v);
                s
            });
            let boundary = mu
                .iter()
                .filter(|&&m| !m.is_nan() && !(R_BOUNDARY..=1.0 - R_BOUNDARY).contains(&m))
                .count();
            (lin_pred, mu, sums, boundary)
        });
        for (l, m, s, b) in per_chunk {
            if keep {
                lin_pred.extend(l);
                mu.extend(m);
            }
            boundary += b;
            for (t, s) in sums.iter_mut().zip(s) {
                t.merge(s);
            }
        }
    })?;
    let [llf, deviance, pearson_chi2] = sums.map(Sum::value);

    // cov_params of the chosen type (scale 1), then statsmodels' normal
    // inference from it (`use_t` is False for a GLM, robust or not).
    let (x_rows, y) = in_memory.unwrap_or((&[], &[]));
    assert!(
        keep || cov_type == CovType::Nonrobust,
        "a streamed fit has nonrobust covariance only"
    );
    let at = AtEstimate {
        family,
        x: x_rows,
        k,
        y,
        mu: &mu,
        rows,
        threads,
    };
    let cov = cov_params(cov_type, &at, &irls.normalized_cov)?;
    let bse: Vec<f64> = (0..k).map(|j| cov[j * k + j].sqrt()).collect();
    let tvalues: Vec<f64> = params.iter().zip(&bse).map(|(b, s)| b / s).collect();
    let pvalues = tvalues.iter().map(|&z| normal::two_sided_p(z)).collect();
    let q = normal::interval_quantile(alpha);
    let conf_int = params
        .iter()
        .zip(&bse)
        .map(|(b, s)| [b - q * s, b + q * s])
        .collect();
    let (llnull, null_deviance) = null_model(family, src, y, rows, threads)?;

    let df_model = rank_x.saturating_sub(1);
    // statsmodels: wnobs - df_model - 1, wnobs = Σ freq_weights (whole
    // numbers, checked by GlmOptions), in f64 as statsmodels computes it.
    let df_resid = rows.wnobs(n) - rank_x as f64;
    let k_params = (df_model + 1) as f64;
    let nobs_f = df_model as f64 + df_resid + 1.0;
    let aic = -2.0 * llf + 2.0 * k_params;
    let bic = -2.0 * llf + k_params * nobs_f.ln();
    let prsquared_cs = 1.0 - ((llnull - llf) * (2.0 / n as f64)).exp();
    let prsquared_mcf = 1.0 - llf / llnull;

    let scalars = [
        ("llf", llf),
        ("llnull", llnull),
        ("deviance", deviance),
        ("null_deviance", null_deviance),
        ("pearson_chi2", pearson_chi2),
        ("aic", aic),
        ("bic", bic),
        ("prsquared_cs", prsquared_cs),
        ("prsquared_mcf", prsquared_mcf),
        ("df_resid", df_resid),
    ];
    let lists = [
        ("params", &params),
        ("bse", &bse),
        ("tvalues", &tvalues),
        ("pvalues", &pvalues),
    ];
    let not_finite: Vec<&str> = scalars
        .iter()
        .filter(|(_, v)| !v.is_finite())
        .map(|&(name, _)| name)
        .chain(
            lists
                .iter()
                .filter(|(_, v)| v.iter().any(|x| !x.is_finite()))
                .map(|&(name, _)| name),
        )
        .collect();
    let warnings = warnings_of(&irls, boundary, n, max_iter, tol, &not_finite);

    Ok(GlmFit {
        names,
        params,
        bse,
        tvalues,
        pvalues,
        conf_int,
        llf,
        llnull,
        deviance,
        null_deviance,
        pearson_chi2,
        aic,
        bic,
        prsquared_cs,
        prsquared_mcf,
        df_model,
        df_resid,
        nobs: n,
        iterations: irls.iterations,
        converged: irls.converged,
        deviance_history: irls.deviance_history,
        warnings,
        time_s: 0.0,
        mu,
        lin_pred,
        target,
        alpha,
        family: family.name(),
        link: family.link.kind(),
        cov_type,
        cov_params: cov.chunks(k).map(<[f64]>::to_vec).collect(),
        tol,
        max_iter,
    })
}

/// The fit's warnings, in order: statsmodels' separation rule, R's
/// boundary rule (`boundary` of `n` rows), non-convergence, and the
/// statistics that came out not finite.
fn warnings_of(
    irls: &Irls,
    boundary: usize,
    n: usize,
    max_iter: usize,
    tol: f64,
    not_finite: &[&str],
) -> Vec<String> {
    let mut warnings = Vec::new();
    if irls.separation {
        warnings.push(separation_warning());
    }
    if boundary > 0 {
        warnings.push(boundary_warning(boundary, n));
    }
    if !irls.converged {
        let h = &irls.deviance_history;
        let change = (h[h.len() - 2] - h[h.len() - 1]).abs();
        warnings.push(max_iter_warning(max_iter, change, tol));
    }
    if !not_finite.is_empty() {
        warnings.push(non_finite_warning(not_finite));
    }
    warnings
}

/// What a Monte Carlo study keeps of a fit: the estimates, their standard
/// errors, the iterations and the warnings, each as [`GlmFit`] has it.
#[derive(Debug, Clone, PartialEq)]
pub struct GlmEstimates {
    /// As [`GlmFit::params`].
    pub params: Vec<f64>,
    /// As [`GlmFit::bse`].
    pub bse: Vec<f64>,
    /// As [`GlmFit::iterations`].
    pub iterations: usize,
    /// As [`GlmFit::converged`].
    pub converged: bool,
    /// As [`GlmFit::warnings`].
    pub warnings: Vec<String>,
}

impl From<GlmFit> for GlmEstimates {
    fn from(f: GlmFit) -> Self {
        GlmEstimates {
            params: f.params,
            bse: f.bse,
            iterations: f.iterations,
            converged: f.converged,
            warnings: f.warnings,
        }
    }
}

/// [`assemble`]'s estimates, standard errors and warnings without the
/// statistics it computes besides (llf, deviance, Pearson's χ², the null
/// model): for a 0/1 target with both classes, no weights, no offset and
/// the nonrobust covariance, whose μ at the estimates all lie in [0, 1],
/// those statistics are finite (every log the Binomial family takes is of
/// a value guarded away from 0 and infinity, and ȳ lies strictly between 0
/// and 1), so the warnings need only μ's boundary count. Anything else goes
/// through [`assemble`].
pub(crate) fn estimates<L: Link>(inp: AssembleInputs<'_, L>) -> Result<GlmEstimates, GlmError> {
    let plain =
        inp.cov_type == CovType::Nonrobust && !inp.rows.weighted() && !inp.rows.has_offset();
    if plain {
        if let Some(boundary) = boundary_of_plain(&inp)? {
            let k = inp.irls.params.len();
            let cov = &inp.irls.normalized_cov;
            let params = inp.irls.params.clone();
            let bse: Vec<f64> = (0..k).map(|j| cov[j * k + j].sqrt()).collect();
            let tvalues: Vec<f64> = params.iter().zip(&bse).map(|(b, s)| b / s).collect();
            let pvalues: Vec<f64> = tvalues.iter().map(|&z| normal::two_sided_p(z)).collect();
            let lists = [
                ("params", &params),
                ("bse", &bse),
                ("tvalues", &tvalues),
                ("pvalues", &pvalues),
            ];
            let not_finite: Vec<&str> = lists
                .iter()
                .filter(|(_, v)| v.iter().any(|x| !x.is_finite()))
                .map(|&(name, _)| name)
                .collect();
            let n = inp.src.n();
            let irls = &inp.irls;
            let warnings = warnings_of(irls, boundary, n, inp.max_iter, inp.tol, &not_finite);
            return Ok(GlmEstimates {
                params,
                bse,
                iterations: irls.iterations,
                converged: irls.converged,
                warnings,
            });
        }
    }
    assemble(inp).map(GlmEstimates::from)
}

/// R's boundary count of μ = g⁻¹(Xβ) at the estimates, when every μ lies
/// in [0, 1] and every target is 0 or 1, both present; None otherwise.
fn boundary_of_plain<L: Link>(inp: &AssembleInputs<'_, L>) -> Result<Option<usize>, GlmError> {
    let (link, params) = (&inp.family.link, &inp.irls.params);
    let (mut boundary, mut plain, mut zeros, mut ones) = (0, true, 0, 0);
    inp.src.pass(&mut |_, x, y| {
        let parts: Vec<(usize, usize)> = (0..x.n())
            .step_by(CHUNK)
            .map(|s| (s, (s + CHUNK).min(x.n())))
            .collect();
        let per_chunk = map_chunks(parts, inp.threads, |(start, end)| {
            let (mut boundary, mut plain, mut zeros, mut ones) = (0, true, 0, 0);
            let lin_pred = x.predict_rows(start, end, params);
            for (&e, &yi) in lin_pred.iter().zip(&y[start..end]) {
                let m = link.inverse(e);
                plain &= (0.0..=1.0).contains(&m);
                boundary += usize::from(!(R_BOUNDARY..=1.0 - R_BOUNDARY).contains(&m));
                zeros += usize::from(yi == 0.0);
                ones += usize::from(yi == 1.0);
            }
            (boundary, plain, zeros, ones)
        });
        for (b, p, z, o) in per_chunk {
            (boundary, plain, zeros, ones) = (boundary + b, plain && p, zeros + z, ones + o);
        }
    })?;
    let both = zeros > 0 && ones > 0 && zeros + ones == inp.src.n();
    Ok((plain && both).then_some(boundary))
}

/// llf and deviance of statsmodels' null model, `GLMResults.null`: the
/// intercept-only fit. Without an offset its fitted value is the same on
/// every row, the iweights-weighted mean of y (`WLS(y, 1, iweights)`);
/// with one, an intercept-only GLM with the same offset and weights,
/// started from g(mean(y)) (in memory only: `y` is the target).
fn null_model<L: Link>(
    family: &Binomial<L>,
    src: &dyn Source,
    y: &[f64],
    rows: &RowValues,
    threads: usize,
) -> Result<(f64, f64), GlmError> {
    let n = src.n();
    let llf = |mu: &dyn Fn(usize) -> f64| {
        sum_targets(src, |i, y| {
            family.loglike(y, mu(i)) * rows.var(i) * rows.freq(i)
                + rows.log_binomial_coefficient(i, y)
        })
    };
    let dev = |mu: &dyn Fn(usize) -> f64| {
        sum_targets(src, |i, y| {
            family.deviance(y, mu(i)) * rows.freq(i) * rows.var(i)
        })
    };
    if rows.has_offset() {
        assert_eq!(y.len(), n, "an offset is fitted in memory");
        let ones = vec![1.0; n];
        let one = Memory::new(&ones, 1, y);
        let mut ysum = Sum::default();
        y.iter().for_each(|&v| ysum.add(v));
        let start = [family.link.link(ysum.value() / n as f64)];
        let fit = irls(
            family,
            &one,
            rows,
            Some(&start),
            1e-8,
            100,
            threads,
            &mut |_, _| {},
        )?;
        let mu: Vec<f64> = (0..n)
            .map(|i| family.link.inverse(fit.params[0] + rows.offset(i)))
            .collect();
        return Ok((llf(&|i| mu[i])?, dev(&|i| mu[i])?));
    }
    if !rows.weighted() {
        if let Some((zeros, ones)) = count_classes(src)? {
            // A 0/1 target: ȳ = ones / n (the compensated sums below give
            // the same bits), and f(y, ȳ) summed over the rows is
            // zeros·f(0, ȳ) + ones·f(1, ȳ).
            let ybar = ones as f64 / n as f64;
            let null = |f: &dyn Fn(f64, f64) -> f64| {
                let part = |count: usize, y: f64| match count {
                    0 => 0.0,
                    c => c as f64 * f(y, ybar),
                };
                part(zeros, 0.0) + part(ones, 1.0)
            };
            return Ok((
                null(&|y, m| family.loglike(y, m)),
                null(&|y, m| family.deviance(y, m)),
            ));
        }
    }
    let (mut wy, mut w) = (Sum::default(), Sum::default());
    src.pass(&mut |first, _, y| {
        for (i, v) in y.iter().enumerate() {
            wy.add(rows.iweight(first + i) * v);
            w.add(rows.iweight(first + i));
        }
    })?;
    let ybar = wy.value() / w.value();
    if rows.weighted() {
        return Ok((llf(&|_| ybar)?, dev(&|_| ybar)?));
    }
    // Unweighted: f(y, ȳ) for the two values a 0/1 target takes, computed
    // once.
    let null = |f: &dyn Fn(f64, f64) -> f64| {
        let (f0, f1) = (f(0.0, ybar), f(1.0, ybar));
        sum_targets(src, |_, v| {
            if v == 0.0 {
                f0
            } else if v == 1.0 {
                f1
            } else {
                f(v, ybar)
            }
        })
    };
    Ok((
        null(&|y, m| family.loglike(y, m))?,
        null(&|y, m| family.deviance(y, m))?,
    ))
}

/// The number of targets of `src` that are 0 and that are 1, when every
/// target is one or the other; None otherwise (proportions).
fn count_classes(src: &dyn Source) -> Result<Option<(usize, usize)>, GlmError> {
    let (mut zeros, mut ones) = (0, 0);
    src.pass(&mut |_, _, y| {
        for &v in y {
            zeros += usize::from(v == 0.0);
            ones += usize::from(v == 1.0);
        }
    })?;
    Ok((zeros + ones == src.n()).then_some((zeros, ones)))
}

/// Σ f(i, yᵢ) over the targets of `src`, in blocks of 128 rows of each
/// pass's block, the blocks compensated (as [`sum_rows_at`]).
fn sum_targets(src: &dyn Source, f: impl Fn(usize, f64) -> f64) -> Result<f64, GlmError> {
    let mut total = Sum::default();
    src.pass(&mut |first, _, y| {
        for (c, chunk) in y.chunks(128).enumerate() {
            let base = first + c * 128;
            total.add(chunk.iter().enumerate().map(|(i, &v)| f(base + i, v)).sum());
        }
    })?;
    Ok(total.value())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference_values::reference_values;

    /// Relative distance of the p-values from scipy's `2*norm.sf(|z|)`:
    /// cephes' ndtr as scipy's, but the C library's exp inside erfc can
    /// round apart from numpy's in the last bits.
    const P_RTOL: f64 = 1e-13;

    /// Relative distance of Φ⁻¹ from scipy's `norm.ppf`: both are cephes'
    /// ndtri, evaluated in the same order.
    const PPF_RTOL: f64 = 2.0 * f64::EPSILON;

    #[test]
    fn p_values_and_quantile_match_scipy() {
        // scipy's values, from scripts/make_reference_values.py.
        let rows = reference_values("two_sided_p");
        assert!(rows.len() >= 4, "only {} p-values", rows.len());
        let z: Vec<f64> = rows.iter().map(|r| r["z"].as_f64().unwrap()).collect();
        let p: Vec<f64> = z.iter().map(|&z| normal::two_sided_p(z)).collect();
        for (g, r) in p.iter().zip(&rows) {
            let w = r["p"].as_f64().unwrap();
            assert!(((g - w) / w).abs() < P_RTOL, "z {}: {g} vs {w}", r["z"]);
        }
        let rows = reference_values("norm_ppf");
        assert!(!rows.is_empty());
        for r in rows {
            let q = r["q"].as_f64().unwrap();
            let (g, w) = (normal::ppf(q), r["ppf"].as_f64().unwrap());
            assert!(((g - w) / w).abs() <= PPF_RTOL, "ppf({q}): {g} vs {w}");
        }
    }
}
