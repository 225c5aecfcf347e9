//! Which pictures each command draws, from its results.
use super::common::{Plot, PlotError};
use super::{loss, outcomes, params, probability, Source};
use crate::compare::Comparison;
use crate::data::Dataset;
use crate::glm::GlmFit;
use crate::math::lin_pred;
use crate::nn::NnFit;
use crate::simulate::Simulated;
use crate::spec::LinkKind;

/// `compare` and `demo`: probability.svg, outcomes.svg, loss.svg and
/// params.svg. `sim` (simulated data) supplies the true p and linear
/// predictor for probability.svg; without it the GLM's fitted ones are
/// drawn. The network must have been trained with a `Record` that kept the
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
        Some(s) => probability(&s.logit, &s.p, Source::Truth, LinkKind::Logit)?,
        None => probability(&c.glm.lin_pred, &c.glm.mu, Source::Glm, link)?,
    };
    // The network's linear predictor, offset included as the GLM's is.
    let mut nn_lin_pred = lin_pred(data, &c.nn.params);
    if let Some(offset) = &data.roles().offset {
        for (eta, o) in nn_lin_pred.iter_mut().zip(offset) {
            *eta += o;
        }
    }
    let mut plots = vec![
        Plot {
            name: "probability.svg",
            svg: probability,
        },
        Plot {
            name: "outcomes.svg",
            svg: outcomes(data.y(), &c.glm.lin_pred, &nn_lin_pred, link)?,
        },
    ];
    plots.extend(training(&c.nn, Some(&c.glm), c.truth.as_deref())?);
    Ok(plots)
}

/// `nn` (and the training half of `compare`): loss.svg and params.svg from
/// the network's history. `glm` adds the GLM's minimum loss and estimates
/// as reference lines, `truth` the true coefficients.
pub fn training(
    fit: &NnFit,
    glm: Option<&GlmFit>,
    truth: Option<&[f64]>,
) -> Result<Vec<Plot>, PlotError> {
    let empty = Default::default();
    let h = fit.history.as_ref().unwrap_or(&empty);
    let glm_min = glm.map(|g| g.deviance / (2.0 * g.nobs as f64));
    Ok(vec![
        Plot {
            name: "loss.svg",
            svg: loss(&h.steps, &h.loss, glm_min)?,
        },
        Plot {
            name: "params.svg",
            svg: params(
                &fit.names,
                &h.steps,
                &h.params,
                glm.map(|g| g.params.as_slice()),
                truth,
            )?,
        },
    ])
}
