//! `loss.svg`: how far above its minimum each optimiser has brought the
//! loss, step by step, on log axes: SGD's slow walk and Fisher scoring's
//! few iterations side by side.
use plotters::prelude::*;

use super::common::{
    check_len, draw_legend, legend_line, log_floor, log_log_chart, log_tick, pad, pick, render,
    solid, PlotError, StepAxis, AXIS_LIMIT, GLM, MAX_LINE_POINTS, NN,
};
use super::excess::GlmLoss;

/// Axis floor when no value is positive.
const FALLBACK_FLOOR: f64 = 1e-16;

/// Render the loss recorded during training (`loss[i]` after `steps[i]`
/// updates; at most [`MAX_LINE_POINTS`] points, evenly thinned) against the
/// step, both axes logarithmic ([`StepAxis`]: step s at s + 1).
///
/// With `glm`, the excess loss: the network's loss minus `glm.minimum`
/// (its objective at the GLM estimate), and on the same axes Fisher
/// scoring's excess after each iteration, iteration i at step i. Without
/// it, the loss itself. An excess of 0 or below (the network's float32
/// loss rounds to either side of the minimum; Fisher scoring's last
/// iterations reach it to the last bits) cannot sit on a log axis: it is
/// drawn at the axis floor, a decade below the smallest positive value,
/// and the legend says so. Non-finite losses (a diverged run) are left out.
/// Legend lower right with the GLM, under the network's float32 loss,
/// which stays above the floor by its rounding; upper right without it,
/// where the loss falls away from.
pub fn loss(steps: &[usize], loss: &[f64], glm: Option<&GlmLoss>) -> Result<String, PlotError> {
    const PLOT: &str = "loss.svg";
    if loss.is_empty() {
        return Err(PlotError::NoLoss { plot: PLOT });
    }
    check_len(PLOT, "the steps", steps, loss.len())?;
    let minimum = glm.map_or(0.0, |g| g.minimum);
    let network: Vec<(usize, f64)> = pick(loss.len(), MAX_LINE_POINTS)
        .into_iter()
        .map(|i| (steps[i], loss[i] - minimum))
        .filter(|(_, v)| v.is_finite() && *v <= AXIS_LIMIT)
        .collect();
    let fisher: Vec<(usize, f64)> = glm
        .map(|g| {
            (1..)
                .zip(g.fisher.iter().copied())
                .filter(|(_, v)| v.is_finite() && *v <= AXIS_LIMIT)
                .collect()
        })
        .unwrap_or_default();
    let all = || network.iter().chain(&fisher).map(|p| p.1);
    let floor = log_floor(all(), FALLBACK_FLOOR);
    let top = all().fold(floor * 10.0, f64::max);
    // Room above the highest value: a twentieth of the range, in log space.
    let y1 = pad((floor.ln(), top.ln()), 0.05)
        .1
        .exp()
        .min(2.0 * AXIS_LIMIT);
    let at_floor = all().any(|v| v <= 0.0);
    let on_axis = |(s, v): &(usize, f64)| (StepAxis::x(*s), v.max(floor));
    let last = steps
        .iter()
        .copied()
        .chain(fisher.iter().map(|p| p.0))
        .max();
    let axis = StepAxis {
        last: last.unwrap_or(0),
    };
    let (title, y_desc, what) = match glm {
        Some(_) => (
            "Loss above its minimum: SGD against Fisher scoring",
            "excess loss: mean BCE - its minimum (log scale)",
            "excess",
        ),
        None => (
            "Network training loss",
            "loss: mean binary cross-entropy (log scale)",
            "loss",
        ),
    };
    render(|root| {
        let mut chart = log_log_chart(root, title, y_desc, axis, (floor, y1))?;
        // The network's line runs through its positive values and along the
        // floor, broken where it passes from one to the other: its float32
        // loss can round to either side of the minimum for many steps in a
        // row, and a line down to the floor and back at each would fill a
        // band. A lone step on either side is a dot.
        for run in network.chunk_by(|a, b| (a.1 > 0.0) == (b.1 > 0.0)) {
            let points: Vec<(f64, f64)> = run.iter().map(on_axis).collect();
            match points[..] {
                [p] => chart.draw_series([Circle::new(p, 2, NN.filled())])?,
                _ => chart.draw_series(LineSeries::new(points, solid(NN)))?,
            };
        }
        chart
            .draw_series(std::iter::empty::<PathElement<(f64, f64)>>())?
            .label("SGD (network)")
            .legend(legend_line(solid(NN)));
        if let Some(g) = glm {
            let marker = GLM.filled();
            chart
                .draw_series(LineSeries::new(fisher.iter().map(on_axis), solid(GLM)))?
                .label("Fisher scoring (GLM)")
                .legend(legend_line(solid(GLM)));
            chart.draw_series(fisher.iter().map(|p| Circle::new(on_axis(p), 4, marker)))?;
            note(
                &mut chart,
                format!("minimum (GLM estimate): {}", min_label(g.minimum)),
            )?;
        }
        if at_floor {
            note(
                &mut chart,
                format!("{what} <= 0 (rounding): drawn at {}", log_tick(floor)),
            )?;
        }
        let corner = match glm {
            Some(_) => SeriesLabelPosition::LowerRight,
            None => SeriesLabelPosition::UpperRight,
        };
        draw_legend(&mut chart, corner)
    })
}

/// A legend line of text with no sample.
fn note<'a, DB, CT>(chart: &mut ChartContext<'a, DB, CT>, text: String) -> Result<(), PlotError>
where
    DB: DrawingBackend + 'a,
    CT: CoordTranslate<From = (f64, f64)>,
    PlotError: From<DrawingAreaErrorKind<DB::ErrorType>>,
{
    chart
        .draw_series(std::iter::empty::<Circle<(f64, f64), u32>>())?
        .label(text)
        .legend(|(x, y)| EmptyElement::at((x, y)));
    Ok(())
}

/// The minimum for the legend: six decimals, or three significant
/// digits in scientific form below 0.001 (separated data reach ~1e-10).
pub fn min_label(m: f64) -> String {
    if m >= 1e-3 {
        format!("{m:.6}")
    } else {
        format!("{m:.3e}")
    }
}
