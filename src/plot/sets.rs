//! Which pictures each command draws, from its results: compare, nn and the studies of repeat and summarize.
use super::common::{Plot, PlotError};
use super::{
    distance, glm_loss, loss, outcomes, params, probability, sampling, study, ProbabilitySource,
};
use crate::compare::Comparison;
use crate::data::Dataset;
use crate::glm::GlmFit;
use crate::math::dot;
use crate::nn::{History, NnFit};
use crate::simulate::Simulated;
use crate::spec::LinkKind;
use crate::study::{summarize_cells, Design, Merged};

/// `compare` and `demo`: probability.svg, outcomes.svg, loss.svg,
/// distance.svg (with compare's own `steps_to_match`) and params.svg.
/// `sim` (simulated data) supplies the true p and linear predictor for
/// probability.svg; without it the GLM's fitted ones are drawn. The network must have been trained with a `Record` that kept the
/// loss ([`PlotError::NoLoss`] otherwise).
pub fn comparison(
    c: &Comparison,
    data: &Dataset,
    sim: Option<&Simulated>,
) -> Result<Vec<Plot>, PlotError> {
    let link = c.link;
    let probability = match sim {
        // The simulated truth is the lecture's logit model, whatever link
        // was fitted.
        Some(s) => probability(&s.logit, &s.p, ProbabilitySource::Truth, LinkKind::Logit)?,
        None => probability(&c.glm.lin_pred, &c.glm.mu, ProbabilitySource::Glm, link)?,
    };
    // The network's linear predictor, offset included as the GLM's is.
    let mut nn_lin_pred = lin_pred(data, &c.nn.params);
    if let Some(offset) = &data.roles().offset {
        for (eta, o) in nn_lin_pred.iter_mut().zip(offset) {
            *eta += o;
        }
    }
    let h = history(&c.nn);
    let [loss, params] = training(&c.nn, data, Some(&c.glm))?;
    Ok(vec![
        Plot {
            name: "probability.svg",
            svg: probability,
        },
        Plot {
            name: "outcomes.svg",
            svg: outcomes(data.y(), &c.glm.lin_pred, &nn_lin_pred, link)?,
        },
        loss,
        Plot {
            name: "distance.svg",
            svg: distance(&h.steps, &h.params, &c.glm.params, c.steps_to_match)?,
        },
        params,
    ])
}

/// `nn` (and the training half of `compare`): loss.svg and params.svg from
/// the network's history on `data`. `glm` turns the loss into the excess
/// over the GLM's minimum, with Fisher scoring's, and adds its estimates
/// as reference lines; the data's true coefficients (simulated data) are
/// drawn too.
pub fn training(fit: &NnFit, data: &Dataset, glm: Option<&GlmFit>) -> Result<[Plot; 2], PlotError> {
    let h = history(fit);
    let glm_loss = glm.and_then(|g| glm_loss(g, data));
    Ok([
        Plot {
            name: "loss.svg",
            svg: loss(&h.steps, &h.loss, glm_loss.as_ref())?,
        },
        Plot {
            name: "params.svg",
            svg: params(
                &fit.names,
                &h.steps,
                &h.params,
                glm.map(|g| g.params.as_slice()),
                data.truth(),
            )?,
        },
    ])
}

/// The network's record, or an empty one when none was kept.
fn history(fit: &NnFit) -> std::borrow::Cow<'_, History> {
    match &fit.history {
        Some(h) => std::borrow::Cow::Borrowed(h),
        None => std::borrow::Cow::Owned(History::default()),
    }
}

/// X·β per row of the data's design.
fn lin_pred(data: &Dataset, beta: &[f64]) -> Vec<f64> {
    data.x()
        .chunks(data.k())
        .map(|row| dot(row, beta))
        .collect()
}

/// `repeat` and `summarize` (`--plots`): the names of the pictures
/// [`study_plots`] draws for a study of `design`: the sampling distributions
/// of one cell, or coverage (of the GLM's intervals: not with `--fits nn`)
/// and bias across the cells of a grid.
pub fn study_plot_names(design: &Design) -> &'static [&'static str] {
    match (design.grid.len(), design.fits.glm()) {
        (Some(1), _) => &["sampling.svg"],
        (_, true) => &["coverage.svg", "bias.svg"],
        (_, false) => &["bias.svg"],
    }
}

/// The pictures named by [`study_plot_names`], from the study's lines `m`.
pub fn study_plots(m: &Merged) -> Result<Vec<Plot>, PlotError> {
    let d = &m.design;
    let names = d.names();
    if d.grid.len() == Some(1) {
        let ok = m.lines.iter().filter(|l| !l.is_failed());
        let glm: Vec<Vec<f64>> = ok
            .clone()
            .filter_map(|l| Some(l.glm.as_ref()?.params.clone()))
            .collect();
        let nn: Vec<Vec<f64>> = ok
            .filter_map(|l| Some(l.nn.as_ref()?.params.clone()))
            .collect();
        let svg = sampling(&names, &d.grid.beta[0], &glm, &nn)?;
        return Ok(vec![Plot {
            name: "sampling.svg",
            svg,
        }]);
    }
    let cells = summarize_cells(m);
    let mut plots = Vec::with_capacity(2);
    if d.fits.glm() {
        plots.push(Plot {
            name: "coverage.svg",
            svg: study::coverage(&names, &cells, d.alpha)?,
        });
    }
    plots.push(Plot {
        name: "bias.svg",
        svg: study::bias(&names, &cells)?,
    });
    Ok(plots)
}
