//! `probability.svg`: p against the linear predictor, the lecture's sigmoid.
use plotters::prelude::*;

use super::common::{
    check_len, draw_legend, drawable, finite_range, font, inverse_name, legend_line, not_drawn,
    pad, pick, render, solid, tick, PlotError, CURVE_POINTS, DATA, DESC_SIZE, GLM, LABEL_SIZE,
    MAX_SCATTER_POINTS, TITLE_SIZE,
};
use crate::spec::{Link, LinkKind};

/// Where the probabilities come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProbabilitySource {
    /// Simulated data: the true linear predictor Xβ and p = sigmoid(Xβ).
    Truth,
    /// A data file: the GLM's linear predictor Xβ̂ and fitted p (`mu`).
    Glm,
}

/// The x axis always spans at least [-X_MIN_SPAN, X_MIN_SPAN], so the whole
/// S shows even when the data sit on one part of it.
pub const X_MIN_SPAN: f64 = 6.0;

/// Render p against the linear predictor: one marker per row (at most
/// [`MAX_SCATTER_POINTS`], an even subsample) over the curve sigmoid(t)
/// ([`CURVE_POINTS`] points across the axis). Two series; legend upper left,
/// where an increasing S leaves room.
/// The curve is the inverse of `link`: the truth's for simulated data (the
/// lecture's logit), the fit's for a fit.
pub fn probability(
    lin_pred: &[f64],
    p: &[f64],
    source: ProbabilitySource,
    link: LinkKind,
) -> Result<String, PlotError> {
    const PLOT: &str = "probability.svg";
    if lin_pred.is_empty() {
        return Err(PlotError::Empty {
            plot: PLOT,
            what: "the linear predictor",
        });
    }
    check_len(PLOT, "p", p, lin_pred.len())?;
    let (lo, hi) = finite_range(lin_pred.iter().copied()).unwrap_or((0.0, 0.0));
    let (x0, x1) = pad((lo.min(-X_MIN_SPAN), hi.max(X_MIN_SPAN)), 0.02);
    let (title, x_desc, y_desc, rows) = match source {
        ProbabilitySource::Truth => (
            "Simulated data: true probability against the true linear predictor",
            "true linear predictor  X beta",
            "true probability  p = sigmoid(X beta)",
            "rows (true p)",
        ),
        ProbabilitySource::Glm => (
            "GLM fit: fitted probability against the linear predictor",
            "fitted linear predictor  X beta-hat",
            "fitted probability  mu",
            "rows (GLM fitted p)",
        ),
    };
    render(|root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, font(TITLE_SIZE))
            .margin(20)
            .x_label_area_size(55)
            .y_label_area_size(70)
            .build_cartesian_2d(x0..x1, -0.03..1.03)?;
        chart
            .configure_mesh()
            .x_desc(x_desc)
            .y_desc(y_desc)
            .axis_desc_style(font(DESC_SIZE))
            .label_style(font(LABEL_SIZE))
            .x_label_formatter(&|v| tick(*v))
            .y_label_formatter(&|v| tick(*v))
            .draw()?;
        let curve = (0..CURVE_POINTS).map(|i| {
            let t = x0 + (x1 - x0) * i as f64 / (CURVE_POINTS - 1) as f64;
            (t, link.inverse(t))
        });
        let label = match link {
            LinkKind::Logit => "sigmoid(t) = 1 / (1 + exp(-t))".to_string(),
            link => format!("{}(t)", inverse_name(link)),
        };
        chart
            .draw_series(LineSeries::new(curve, solid(GLM)))?
            .label(label)
            .legend(legend_line(solid(GLM)));
        let marker = DATA.mix(0.45).filled();
        chart
            .draw_series(
                pick(lin_pred.len(), MAX_SCATTER_POINTS)
                    .into_iter()
                    .filter(|&i| drawable(lin_pred[i]) && p[i].is_finite())
                    .map(|i| Circle::new((lin_pred[i], p[i]), 3, marker)),
            )?
            .label(format!(
                "{rows}, n = {}{}",
                lin_pred.len(),
                not_drawn(lin_pred)
            ))
            .legend(move |(x, y)| Circle::new((x + 12, y), 4, marker));
        draw_legend(&mut chart, SeriesLabelPosition::UpperLeft)
    })
}
