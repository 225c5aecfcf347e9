//! `loss.svg`: the network's training loss per step on a log scale, with
//! the GLM's minimum.
use plotters::prelude::*;

use super::common::{
    check_len, dashed, draw_legend, finite_range, font, legend_line, log_ticks, pad, pick, render,
    solid, tick, PlotError, AXIS_LIMIT, DESC_SIZE, GLM, LABEL_SIZE, MAX_LINE_POINTS, NN,
    TITLE_SIZE,
};

/// Render the loss (mean BCE over the full data) at each recorded step, at
/// most [`MAX_LINE_POINTS`] of them (evenly thinned), on a log y axis. With
/// `glm_min` (the GLM's deviance / 2n, which is the mean BCE at the GLM
/// estimate and so the lowest loss the network can reach), a dashed
/// horizontal line across all steps. Legend upper right: the loss falls
/// away from there.
///
/// The log axis needs positive values: a loss of 0 (possible in float32
/// on separated data) is drawn at the bottom of the axis.
pub fn loss(steps: &[usize], loss: &[f64], glm_min: Option<f64>) -> Result<String, PlotError> {
    const PLOT: &str = "loss.svg";
    if loss.is_empty() {
        return Err(PlotError::NoLoss { plot: PLOT });
    }
    check_len(PLOT, "the steps", steps, loss.len())?;
    // The log axis holds values in [MIN_LOG, AXIS_LIMIT]: log_ticks and the
    // padding below then stay finite and positive.
    let positive = |v: &f64| (MIN_LOG..=AXIS_LIMIT).contains(v);
    let (lo, hi) = finite_range(
        loss.iter()
            .chain(glm_min.as_ref())
            .copied()
            .filter(positive),
    )
    .unwrap_or((1e-3, 1.0));
    // Pad by a fraction of the range in log space.
    let (llo, lhi) = pad((lo.ln(), hi.ln()), 0.05);
    let (y0, y1) = (
        llo.exp().max(MIN_LOG / 2.0),
        lhi.exp().min(2.0 * AXIS_LIMIT),
    );
    let last = *steps.last().expect("loss is not empty") as f64;
    let x1 = last.max(1.0);
    let line: Vec<(f64, f64)> = pick(loss.len(), MAX_LINE_POINTS)
        .into_iter()
        .map(|i| {
            let v = if positive(&loss[i]) { loss[i] } else { y0 };
            (steps[i] as f64, v)
        })
        .collect();
    let ticks = log_ticks(y0, y1);
    render(|root| {
        let mut chart = ChartBuilder::on(root)
            .caption(
                "Network training loss against the GLM's minimum",
                font(TITLE_SIZE),
            )
            .margin(20)
            .x_label_area_size(55)
            .y_label_area_size(80)
            .build_cartesian_2d(0.0..x1, (y0..y1).log_scale().with_key_points(ticks))?;
        chart
            .configure_mesh()
            .x_desc("optimiser step")
            .y_desc("loss: mean binary cross-entropy (log scale)")
            .axis_desc_style(font(DESC_SIZE))
            .label_style(font(LABEL_SIZE))
            .x_label_formatter(&|v| tick(*v))
            .y_label_formatter(&|v| tick(*v))
            .draw()?;
        chart
            .draw_series(LineSeries::new(line, solid(NN)))?
            .label(format!("network loss, {} recorded steps", loss.len()))
            .legend(legend_line(solid(NN)));
        if let Some(m) = glm_min.filter(positive) {
            chart
                .draw_series(LineSeries::new([(0.0, m), (x1, m)], dashed(GLM)))?
                .label(format!("GLM minimum: deviance / 2n = {}", min_label(m)))
                .legend(legend_line(dashed(GLM)));
        }
        draw_legend(&mut chart, SeriesLabelPosition::UpperRight)
    })
}

/// Smallest loss placed on the log axis; smaller ones (0 and subnormals)
/// are drawn at its bottom.
const MIN_LOG: f64 = 1e-300;

/// The GLM's minimum for the legend: six decimals, or three significant
/// digits in scientific form below 0.001 (separated data reach ~1e-10).
pub fn min_label(m: f64) -> String {
    if m >= 1e-3 {
        format!("{m:.6}")
    } else {
        format!("{m:.3e}")
    }
}
