//! `outcomes.svg`: the 0/1 outcomes against the GLM's linear predictor, with
//! both fits' probability curves.
use plotters::prelude::*;
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;

use super::common::{
    check_len, draw_legend, drawable, finite_range, font, inverse_name, legend_line, not_drawn,
    pad, pick, render, solid, tick, PlotError, CURVE_POINTS, DATA, DESC_SIZE, GLM, LABEL_SIZE,
    MAX_LINE_POINTS, MAX_SCATTER_POINTS, NN, TITLE_SIZE,
};
use super::probability::X_MIN_SPAN;
use crate::spec::{Link, LinkKind};

/// Outcomes are drawn at y ± up to this much, so that rows with the same
/// linear predictor do not hide each other.
pub const JITTER: f64 = 0.04;
/// Seed of the jitter (ChaCha20): the same data give the same picture.
pub const JITTER_SEED: u64 = 8;

/// Render the outcomes and the two fitted curves against the GLM's linear
/// predictor η̂ = Xβ̂ (`glm_lin_pred`).
///
/// Three series:
/// - the rows, y jittered by a seeded uniform in ±[`JITTER`] (at most
///   [`MAX_SCATTER_POINTS`] markers, an even subsample);
/// - the GLM: the inverse link F(t) (sigmoid for the logit) over the axis ([`CURVE_POINTS`] points), which is
///   its fitted p as a function of η̂, exactly;
/// - the network: its fitted p per row, F(Xβ_nn + offset), placed at that
///   row's η̂ and joined in order of η̂ (at most [`MAX_LINE_POINTS`]). The
///   network's linear predictor is a different combination of the features,
///   so it is not a function of η̂: when the network has reached the GLM
///   estimate its line lies on the GLM's curve, and where it has not, the
///   line frays into a band whose width shows how far apart the fits are.
///   (Redrawing it as sigmoid over its own linear predictor would put the
///   two curves on the same S whatever the coefficients, showing nothing.)
///
/// Legend at the middle right, left empty by an increasing S between the
/// outcomes at 0 and 1.
pub fn outcomes(
    y: &[f64],
    glm_lin_pred: &[f64],
    nn_lin_pred: &[f64],
    link: LinkKind,
) -> Result<String, PlotError> {
    const PLOT: &str = "outcomes.svg";
    let n = y.len();
    if n == 0 {
        return Err(PlotError::Empty {
            plot: PLOT,
            what: "y",
        });
    }
    check_len(PLOT, "the GLM's linear predictor", glm_lin_pred, n)?;
    check_len(PLOT, "the network's linear predictor", nn_lin_pred, n)?;
    let (lo, hi) = finite_range(glm_lin_pred.iter().copied()).unwrap_or((0.0, 0.0));
    let (x0, x1) = pad((lo.min(-X_MIN_SPAN), hi.max(X_MIN_SPAN)), 0.02);

    let mut rng = ChaCha20Rng::seed_from_u64(JITTER_SEED);
    let jitter: Vec<f64> = (0..n)
        .map(|_| {
            let u = (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
            JITTER * (2.0 * u - 1.0)
        })
        .collect();
    let mut order: Vec<usize> = (0..n).filter(|&i| drawable(glm_lin_pred[i])).collect();
    order.sort_by(|&a, &b| glm_lin_pred[a].total_cmp(&glm_lin_pred[b]));
    let nn_line: Vec<(f64, f64)> = pick(order.len(), MAX_LINE_POINTS)
        .into_iter()
        .map(|k| {
            let i = order[k];
            (glm_lin_pred[i], link.inverse(nn_lin_pred[i]))
        })
        .collect();

    render(|root| {
        let mut chart = ChartBuilder::on(root)
            .caption(
                "Outcomes and fitted probabilities against the GLM's linear predictor",
                font(TITLE_SIZE),
            )
            .margin(20)
            .x_label_area_size(55)
            .y_label_area_size(70)
            .build_cartesian_2d(x0..x1, -0.1..1.1)?;
        chart
            .configure_mesh()
            .x_desc("GLM linear predictor  X beta-hat")
            .y_desc("outcome y (jittered) and fitted probability")
            .axis_desc_style(font(DESC_SIZE))
            .label_style(font(LABEL_SIZE))
            .x_label_formatter(&|v| tick(*v))
            .y_label_formatter(&|v| tick(*v))
            .draw()?;
        let marker = DATA.mix(0.35).filled();
        chart
            .draw_series(
                pick(n, MAX_SCATTER_POINTS)
                    .into_iter()
                    .filter(|&i| drawable(glm_lin_pred[i]))
                    .map(|i| Circle::new((glm_lin_pred[i], y[i] + jitter[i]), 3, marker)),
            )?
            .label(format!(
                "outcomes y (jittered), n = {n}{}",
                not_drawn(glm_lin_pred)
            ))
            .legend(move |(x, y)| Circle::new((x + 12, y), 4, marker));
        let curve = (0..CURVE_POINTS).map(|i| {
            let t = x0 + (x1 - x0) * i as f64 / (CURVE_POINTS - 1) as f64;
            (t, link.inverse(t))
        });
        let f = inverse_name(link);
        chart
            .draw_series(LineSeries::new(curve, solid(GLM).stroke_width(3)))?
            .label(format!("GLM: {f}(X beta-hat)"))
            .legend(legend_line(solid(GLM).stroke_width(3)));
        chart
            .draw_series(LineSeries::new(nn_line, solid(NN)))?
            .label(format!("network: {f}(X w + b)"))
            .legend(legend_line(solid(NN)));
        draw_legend(&mut chart, SeriesLabelPosition::MiddleRight)
    })
}
