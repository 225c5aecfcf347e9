//! `fit`: run Fisher scoring on f64 tensors, assemble the
//! results. The equivalent of `sm.GLM(y, X, family=Binomial()).fit()`.
use std::time::Instant;

use super::irls::{irls, singular_values, Irls, Memory, OnIteration, Source};
use super::options::GlmOptions;
use super::results::{assemble, estimates, AssembleInputs, GlmEstimates, GlmFit};
use super::{GlmConfig, GlmError};
use crate::data::Dataset;
use crate::spec::family::Binomial;
use crate::spec::link::{with_link, Link, LinkKind, Logit};
use crate::spec::roles::RowValues;
use crate::spec::CovType;

/// Fit logistic regression (Binomial family, logit link) to `data` by
/// Fisher scoring, as statsmodels' `GLM(...).fit()` with default settings.
///
/// Separation and non-convergence are not errors: they are reported in
/// [`GlmFit::warnings`]. A design whose weighted rank is below its number
/// of columns is an error ([`GlmError::RankDeficient`]). Passes over the
/// rows run on `cfg.threads` ([`crate::runtime::threads::Threads::for_design`]).
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
    fit_rows(data, cfg, family, &RowValues::default(), CovType::Nonrobust)
}

/// [`fit`] with the link, weights, offset and covariance type of `opts`,
/// as statsmodels' `GLM(y, X, family=Binomial(link), freq_weights=,
/// var_weights=, offset=).fit(cov_type=, cov_kwds=)` (HC1–HC3: the
/// textbook sandwich, see [`CovType`]), compiled once per link
/// ([`with_link!`]).
pub fn fit_with(data: &Dataset, cfg: &GlmConfig, opts: &GlmOptions) -> Result<GlmFit, GlmError> {
    cfg.check()?;
    let rows = opts.rows(data.n())?;
    let c = opts.cov_type;
    with_link!(opts.link, |l| {
        let family = Binomial::new(l);
        fit_rows(data, cfg, &family, &rows, c)
    })
}

/// [`fit_with`]'s estimates, standard errors, iterations and warnings
/// (the same numbers and sentences), without the statistics a Monte Carlo
/// study does not report where the warnings do not need them (see
/// [`GlmEstimates`]).
pub fn fit_estimates(
    data: &Dataset,
    cfg: &GlmConfig,
    opts: &GlmOptions,
) -> Result<GlmEstimates, GlmError> {
    cfg.check()?;
    let rows = opts.rows(data.n())?;
    let c = opts.cov_type;
    with_link!(opts.link, |l| {
        let family = Binomial::new(l);
        let src = Memory::new(data.x(), data.k(), data.y());
        let (out, rank_x, threads) = irls_and_rank(&src, cfg, &family, &rows, &mut |_, _| {})?;
        estimates(AssembleInputs {
            family: &family,
            src: &src,
            in_memory: Some((data.x(), data.y())),
            rows: &rows,
            irls: out,
            cov_type: c,
            rank_x,
            names: data.names().to_vec(),
            target: data.dep_variable(),
            alpha: cfg.alpha,
            tol: cfg.tol,
            max_iter: cfg.max_iter,
            threads,
        })
    })
}

/// [`fit_with`] on a design read by passes ([`Source`], e.g. the blocks
/// of a [`Streamed`](crate::data::design_cache::Streamed) cache), with the design's column
/// `names` and the `target`'s name: the link of choice, no weights, no
/// offset, nonrobust covariance. The result equals the in-memory fit's
/// but for the rounding of how the rows are cut into blocks (the same
/// iterations, the same bits when blocks are whole multiples of
/// [`CHUNK`](crate::runtime::chunk::CHUNK) rows), without the fitted values
/// ([`GlmFit::mu`] and [`GlmFit::lin_pred`] are left empty).
/// `on_iteration` hears of each iteration (for a progress line).
pub fn fit_source(
    src: &dyn Source,
    names: Vec<String>,
    target: String,
    cfg: &GlmConfig,
    link: LinkKind,
    on_iteration: OnIteration<'_>,
) -> Result<GlmFit, GlmError> {
    cfg.check()?;
    let rows_names = RowsAndNames {
        in_memory: None,
        names,
        target,
    };
    let (r, c, on) = (&RowValues::default(), CovType::Nonrobust, on_iteration);
    with_link!(link, |l| {
        let family = Binomial::new(l);
        fit_on(src, rows_names, cfg, &family, r, c, on)
    })
}

/// The fit itself, with checked settings and per-row inputs, in memory.
fn fit_rows<L: Link>(
    data: &Dataset,
    cfg: &GlmConfig,
    family: &Binomial<L>,
    rows: &RowValues,
    cov_type: CovType,
) -> Result<GlmFit, GlmError> {
    let src = Memory::new(data.x(), data.k(), data.y());
    let rows_names = RowsAndNames {
        in_memory: Some((data.x(), data.y())),
        names: data.names().to_vec(),
        target: data.dep_variable(),
    };
    fit_on(
        &src,
        rows_names,
        cfg,
        family,
        rows,
        cov_type,
        &mut |_, _| {},
    )
}

/// What the statistics need besides the passes: the rows in memory (if
/// they are) and the names.
struct RowsAndNames<'a> {
    in_memory: Option<(&'a [f64], &'a [f64])>,
    names: Vec<String>,
    target: String,
}

/// Fisher scoring on `src`, then the statistics.
fn fit_on<L: Link>(
    src: &dyn Source,
    rows_names: RowsAndNames<'_>,
    cfg: &GlmConfig,
    family: &Binomial<L>,
    rows: &RowValues,
    cov_type: CovType,
    on_iteration: OnIteration<'_>,
) -> Result<GlmFit, GlmError> {
    let start = Instant::now();
    let (out, rank_x, threads) = irls_and_rank(src, cfg, family, rows, on_iteration)?;
    let mut fit = assemble(AssembleInputs {
        family,
        src,
        in_memory: rows_names.in_memory,
        rows,
        irls: out,
        cov_type,
        rank_x,
        names: rows_names.names,
        target: rows_names.target,
        alpha: cfg.alpha,
        tol: cfg.tol,
        max_iter: cfg.max_iter,
        threads,
    })?;
    fit.time_s = start.elapsed().as_secs_f64();
    Ok(fit)
}

/// Fisher scoring on `src` (a rank below k is an error), the rank of X
/// and the threads of the passes.
fn irls_and_rank<L: Link>(
    src: &dyn Source,
    cfg: &GlmConfig,
    family: &Binomial<L>,
    rows: &RowValues,
    on_iteration: OnIteration<'_>,
) -> Result<(Irls, usize, usize), GlmError> {
    let (n, k) = (src.n(), src.k());
    let threads = cfg.threads.for_design(n, k);
    let out = irls(
        family,
        src,
        rows,
        None,
        cfg.tol,
        cfg.max_iter,
        threads,
        on_iteration,
    )?;
    if out.rank < k {
        return Err(GlmError::RankDeficient { rank: out.rank, k });
    }
    // statsmodels' df_model is `np.linalg.matrix_rank(exog) - 1`:
    // singular values above max(s) · max(n, k) · EPS.
    let s = match &out.x_singular_values {
        Some(s) => s.clone(),
        None => singular_values(src, threads)?,
    };
    let smax = s.iter().cloned().fold(0.0, f64::max);
    let tol = smax * n.max(k) as f64 * f64::EPSILON;
    let rank_x = s.iter().filter(|&&s| s > tol).count();
    Ok((out, rank_x, threads))
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::sync::Mutex;
    use std::thread::ThreadId;

    use super::*;
    use crate::runtime::threads::Threads;

    fn data(x: Vec<f64>, y: Vec<f64>, names: &[&str]) -> Dataset {
        Dataset::new(
            names.iter().map(|s| s.to_string()).collect(),
            "y".into(),
            x,
            y,
            "test".into(),
            Threads::Auto,
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

    /// A study's estimates are the full fit's: the same parameters, standard
    /// errors, iterations and warnings, bit for bit, on smooth data, on
    /// separated data (statsmodels' rule and R's boundary count), with
    /// every link, and with a robust covariance (which takes the full path).
    #[test]
    fn estimates_are_the_full_fit_s() {
        let n = 300;
        let (mut x, mut smooth, mut separated) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..n {
            let v = (i as f64 * 0.37).sin() * 2.0;
            x.extend([1.0, v]);
            smooth.push(((i * 7919) % 13 < 6 + (v > 0.5) as usize * 4) as u8 as f64);
            separated.push(f64::from(u8::from(v > 0.1)));
        }
        let mut warned = 0;
        for y in [smooth, separated] {
            let d = data(x.clone(), y, &["const", "x1"]);
            for link in LinkKind::ALL {
                for cov_type in [CovType::Nonrobust, CovType::HC0] {
                    let opts = GlmOptions {
                        link,
                        cov_type,
                        ..GlmOptions::default()
                    };
                    let cfg = GlmConfig::default();
                    let full = fit_with(&d, &cfg, &opts).map(GlmEstimates::from);
                    let est = fit_estimates(&d, &cfg, &opts);
                    assert_eq!(full, est, "{link:?} {cov_type:?}");
                    warned += est.map_or(0, |e| e.warnings.len());
                }
            }
        }
        assert!(warned > 0, "no fit warned");
    }

    /// The logit link, noting every thread it is evaluated on.
    #[derive(Default)]
    struct Spy {
        seen: Mutex<HashSet<ThreadId>>,
    }

    impl Spy {
        fn note(&self) {
            self.seen
                .lock()
                .unwrap()
                .insert(std::thread::current().id());
        }
    }

    impl Link for Spy {
        fn kind(&self) -> LinkKind {
            Logit.kind()
        }
        fn name(&self) -> &'static str {
            Logit.name()
        }
        fn key(&self) -> &'static str {
            Logit.key()
        }
        fn about(&self) -> &'static str {
            Logit.about()
        }
        fn f_activation(&self, eta: &tch::Tensor) -> Result<tch::Tensor, tch::TchError> {
            Logit.f_activation(eta)
        }
        fn link(&self, mu: f64) -> f64 {
            self.note();
            Logit.link(mu)
        }
        fn inverse(&self, eta: f64) -> f64 {
            self.note();
            Logit.inverse(eta)
        }
        fn deriv(&self, mu: f64) -> f64 {
            Logit.deriv(mu)
        }
        fn deriv2(&self, mu: f64) -> f64 {
            Logit.deriv2(mu)
        }
        fn inverse_deriv(&self, eta: f64) -> f64 {
            Logit.inverse_deriv(eta)
        }
    }

    /// The thread count travels in each fit's config: two fits running at
    /// once in one process, one fixed at 1 thread and one at 4, each keep
    /// to their own, and agree to the bit.
    #[test]
    fn two_fits_at_once_each_use_their_own_thread_count() {
        // Four of the fit's chunks of rows, below the automatic rule's
        // size, so that only a fixed count spreads them over threads.
        let n = 4 * crate::runtime::chunk::CHUNK;
        let mut x = Vec::with_capacity(2 * n);
        let mut y = Vec::with_capacity(n);
        for i in 0..n {
            let v = (i as f64 * 0.37).sin() * 2.0;
            x.extend([1.0, v]);
            y.push(((i * 7919) % 13 < 6 + (v > 0.5) as usize * 4) as u8 as f64);
        }
        assert!(2 * n < crate::runtime::threads::PARALLEL_MIN_VALUES);
        let d = data(x, y, &["const", "x1"]);
        let fit_on = |threads: usize| {
            let family = Binomial::new(Spy::default());
            let cfg = GlmConfig {
                threads: Threads::Fixed(threads),
                ..GlmConfig::default()
            };
            let fit = fit_family(&d, &cfg, &family).unwrap();
            (fit, family.link.seen.into_inner().unwrap().len())
        };
        let ((one, on_one), (four, on_four)) = std::thread::scope(|s| {
            let one = s.spawn(|| fit_on(1));
            let four = s.spawn(|| fit_on(4));
            (one.join().unwrap(), four.join().unwrap())
        });
        assert_eq!(on_one, 1, "the fit fixed at 1 thread ran on {on_one}");
        assert!(on_four > 1, "the fit fixed at 4 threads ran on one");
        assert_eq!(one.params, four.params);
        assert_eq!(one.bse, four.bse);
        assert_eq!(one.deviance.to_bits(), four.deviance.to_bits());
    }
}
