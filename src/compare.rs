//! Both fits on the same data, side by side: same model, same objective,
//! different optimiser.
use std::fmt::Write;
use std::ops::ControlFlow;

use serde::Serialize;

use crate::data::Dataset;
use crate::glm::{self, GlmConfig, GlmFit, GlmOptions};
use crate::math::dot;
use crate::nn::{self, ModelSpec, NnFit, Observer, StepProgress, TrainConfig, Want};
use crate::numfmt::{cell, Short};
use crate::spec::roles::RowValues;
use crate::spec::{Binomial, Link, LinkKind};

/// The network "matches" the GLM once every coefficient is within this.
pub const MATCH_TOL: f64 = 1e-3;

/// Why a comparison failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CompareError {
    /// The message is "GLM", then the GLM's error as the source (printed
    /// once, as the next link of the chain).
    #[error("GLM")]
    Glm(#[from] glm::GlmError),
    /// "network", then the training error as the source.
    #[error("network")]
    Nn(#[from] nn::TrainError),
}

impl CompareError {
    /// The kind of the fit that failed.
    pub fn kind(&self) -> crate::ErrorKind {
        match self {
            CompareError::Glm(e) => e.kind(),
            CompareError::Nn(e) => e.kind(),
        }
    }
}

/// Both fits and how far apart they are. Serialized as the `compare --json`
/// object (a documented contract; see README "JSON output").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// The GLM fit (statsmodels' attribute names).
    pub glm: GlmFit,
    /// The network fit.
    pub nn: NnFit,
    /// True coefficients, for simulated data; null for a data file.
    #[serde(rename = "true")]
    pub truth: Option<Vec<f64>>,
    /// max |GLM − NN| over the coefficients.
    pub max_abs_diff: f64,
    /// First step after which every network coefficient is within
    /// [`MATCH_TOL`] of the GLM's; null if that never happened.
    pub steps_to_match: Option<usize>,
    /// The link both fit, written as statsmodels' class name (`Logit`);
    /// the network's activation is its inverse.
    #[serde(serialize_with = "class_name")]
    pub link: LinkKind,
    /// The network's log-likelihood, counted as the GLM's `llf` is (same
    /// link, weights and offset).
    pub nn_llf: f64,
}

/// The link as statsmodels' class name, as [`Comparison::link`] is written.
fn class_name<S: serde::Serializer>(link: &LinkKind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(link.name())
}

/// Fit `data` both ways: the GLM first, then the network, watched at every
/// step until it first comes within [`MATCH_TOL`] of the GLM's estimate
/// (`steps_to_match`), with no memory that grows with the steps.
pub fn compare(
    data: &Dataset,
    glm_cfg: &GlmConfig,
    train_cfg: &TrainConfig,
) -> Result<Comparison, CompareError> {
    let plain = (GlmOptions::default(), ModelSpec::default());
    compare_with(data, glm_cfg, &plain.0, train_cfg, &plain.1)
}

/// [`compare`] for the model `opts` and `spec` describe (one link, weights
/// and offset on both sides: the caller builds `spec` from the same columns
/// as `opts`).
pub fn compare_with(
    data: &Dataset,
    glm_cfg: &GlmConfig,
    opts: &GlmOptions,
    train_cfg: &TrainConfig,
    spec: &ModelSpec,
) -> Result<Comparison, CompareError> {
    compare_reporting(data, glm_cfg, opts, train_cfg, spec, None)
}

/// [`compare_with`], telling `progress` (if any) how many steps the
/// network has taken as it trains ([`nn::train_spec_reporting`]: the
/// numbers are the same).
pub fn compare_reporting(
    data: &Dataset,
    glm_cfg: &GlmConfig,
    opts: &GlmOptions,
    train_cfg: &TrainConfig,
    spec: &ModelSpec,
    progress: Option<&mut dyn StepProgress>,
) -> Result<Comparison, CompareError> {
    let glm = glm::fit_with(data, glm_cfg, opts)?;
    let mut matcher = Matcher::new(&glm.params);
    let nn = nn::train_spec_reporting(data, spec, train_cfg, &mut [&mut matcher], progress)?;
    let steps_to_match = matcher.first();
    let rows = opts.rows(data.n())?;
    let nn_llf = loglike(data, &nn.params, opts.link, &rows);
    Ok(assemble(data, glm, nn, steps_to_match, nn_llf))
}

/// Put two finished fits together and measure the distance between them;
/// `steps_to_match` comes from a [`Matcher`] that watched the training,
/// `nn_llf` is the network's log-likelihood as the GLM counts it.
pub fn assemble(
    data: &Dataset,
    glm: GlmFit,
    nn: NnFit,
    steps_to_match: Option<usize>,
    nn_llf: f64,
) -> Comparison {
    let diff = max_abs_diff(&glm.params, &nn.params);
    Comparison {
        link: glm.link,
        glm,
        nn,
        truth: data.truth().map(<[f64]>::to_vec),
        max_abs_diff: diff,
        steps_to_match,
        nn_llf,
    }
}

/// Watches training for the first state (after `s` updates, `s` from 0 to
/// the last step) whose every coefficient is within [`MATCH_TOL`] of a
/// target; it asks for nothing once it has found it.
#[derive(Debug, Clone, PartialEq)]
pub struct Matcher<'a> {
    target: &'a [f64],
    first: Option<usize>,
}

impl<'a> Matcher<'a> {
    /// Watch for `target` (`[const, x1..]`, the GLM's estimate).
    pub fn new(target: &'a [f64]) -> Self {
        Matcher {
            target,
            first: None,
        }
    }

    /// The first step within [`MATCH_TOL`] seen so far.
    pub fn first(&self) -> Option<usize> {
        self.first
    }
}

impl Observer for Matcher<'_> {
    fn wants(&self, _step: usize, _last: bool) -> Want {
        match self.first {
            None => Want::Params,
            Some(_) => Want::Nothing,
        }
    }

    fn observe(
        &mut self,
        step: usize,
        _last: bool,
        _loss: Option<f64>,
        params: &[f64],
    ) -> ControlFlow<()> {
        if self.first.is_none() && max_abs_diff(params, self.target) < MATCH_TOL {
            self.first = Some(step);
        }
        ControlFlow::Continue(())
    }
}

/// Largest absolute difference between two coefficient vectors.
pub fn max_abs_diff(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max)
}

/// The side-by-side table and the lines below it. (`_data` is not read:
/// the network's log-likelihood is [`Comparison::nn_llf`].)
pub fn render(_data: &Dataset, c: &Comparison) -> String {
    let w = c
        .glm
        .names
        .iter()
        .map(String::len)
        .max()
        .unwrap_or(5)
        .max(5);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Same model, same objective, different optimiser: GLM (Fisher scoring) vs network ({}, lr {}){}",
        c.nn.optimizer,
        Short(c.nn.lr),
        match c.link {
            LinkKind::Logit => String::new(),
            link => format!(", link {link}"),
        }
    );
    let truth_col = c.truth.is_some();
    let _ = write!(s, "{:<w$}", "");
    if truth_col {
        let _ = write!(s, " {:>10}", "true");
    }
    let _ = writeln!(
        s,
        " {:>12} {:>10} {:>12} {:>11}",
        "GLM", "std err", "network", "|GLM - NN|"
    );
    for j in 0..c.glm.names.len() {
        let _ = write!(s, "{:<w$}", c.glm.names[j]);
        if let Some(t) = &c.truth {
            let _ = write!(s, " {:>10}", cell(t[j], 4));
        }
        let d = (c.glm.params[j] - c.nn.params[j]).abs();
        let _ = writeln!(
            s,
            " {:>12} {:>10} {:>12} {:>11.2e}",
            cell(c.glm.params[j], 6),
            cell(c.glm.bse[j], 4),
            cell(c.nn.params[j], 6),
            d
        );
    }
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "Fisher scoring: {} iterations{}   network: {} steps",
        c.glm.iterations,
        if c.glm.converged {
            ""
        } else {
            " (not converged)"
        },
        c.nn.steps
    );
    let _ = writeln!(
        s,
        "Log-likelihood: GLM {}   network {}",
        cell(c.glm.llf, 6),
        cell(c.nn_llf, 6)
    );
    let _ = writeln!(
        s,
        "Time:           GLM {:.4} s   network {:.4} s",
        c.glm.time_s, c.nn.time_s
    );
    match c.steps_to_match {
        Some(m) => {
            let _ = writeln!(
                s,
                "The network first came within {MATCH_TOL:e} of the GLM estimate at step {m}."
            );
        }
        None => {
            let _ = writeln!(
                s,
                "The network never came within {MATCH_TOL:e} of the GLM estimate."
            );
        }
    }
    s
}

/// The log-likelihood of `beta` as the GLM counts it for `link` and the
/// per-row `rows`: Σ var·freq·ℓ(y, g⁻¹(x·β + offset)) (plus the binomial
/// coefficient of binomial counts), left to right, ℓ the
/// Binomial family's per-row term ([`Binomial::loglike`], statsmodels'
/// guards): statsmodels' `llf` at `beta`, its scale 1.
fn loglike(data: &Dataset, beta: &[f64], link: LinkKind, rows: &RowValues) -> f64 {
    let family: Binomial = Binomial::default();
    data.x()
        .chunks(data.k())
        .zip(data.y())
        .enumerate()
        .map(|(i, (row, &y))| {
            let mu = link.inverse(dot(row, beta) + rows.offset(i));
            family.loglike(y, mu) * rows.var(i) * rows.freq(i) + rows.log_binomial_coefficient(i, y)
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::roles::RowValues;

    /// Rounding of a sum of n equal terms: a few ulps of the total.
    const SUM_RTOL: f64 = 1e-14;

    /// At β = 0 every μ is 1/2 and each row adds log(1/2); a prediction
    /// of 0 or 1 on the wrong side stays finite through the family's guard
    /// (log(1e-20) per row).
    #[test]
    fn loglike_sums_the_family_terms_with_its_guard() {
        let names = vec!["const".to_string(), "x".to_string()];
        let x = vec![1.0, -1.0, 1.0, 2.0, 1.0, 3.0, 1.0, -4.0];
        let y = vec![0.0, 1.0, 1.0, 0.0];
        let data = Dataset::new(
            names,
            "y".into(),
            x,
            y,
            "test".into(),
            crate::runtime::threads::Threads::Auto,
        )
        .unwrap();
        let at_zero = loglike(&data, &[0.0, 0.0], LinkKind::Logit, &RowValues::default());
        let want = 4.0 * 0.5f64.ln();
        assert!((at_zero - want).abs() <= SUM_RTOL * want.abs(), "{at_zero}");
        // x·β = ±1000 puts every row's μ at 0 or 1, each on the wrong side.
        let wrong = loglike(
            &data,
            &[0.0, -1000.0],
            LinkKind::Logit,
            &RowValues::default(),
        );
        let guard = 4.0 * 1e-20f64.ln();
        assert!((wrong - guard).abs() <= SUM_RTOL * guard.abs(), "{wrong}");
    }
}
