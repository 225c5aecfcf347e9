//! `distance.svg`: how far the network's coefficients are from the GLM's,
//! step by step, on log axes, with the matching tolerance and the step at
//! which the network first came within it.
use plotters::prelude::*;

use super::common::{
    check_len, dashed, dotted, draw_legend, legend_line, log_floor, log_log_chart, log_tick, pad,
    pick, render, solid, PlotError, StepAxis, AXIS_LIMIT, MAX_LINE_POINTS, NN, TRUTH,
};
use crate::compare::{max_abs_diff, MATCH_TOL};

/// Render max_j |β_network,j − β_GLM,j| for the recorded parameters
/// (`path[i]` after `steps[i]` updates; at most [`MAX_LINE_POINTS`] points,
/// evenly thinned) against the step, both axes logarithmic ([`StepAxis`]),
/// with a dashed line at [`MATCH_TOL`] and, at `steps_to_match` (compare's
/// own count, from every step: the record keeps only some), a marker on
/// that line and a dotted line down to the step axis. A distance of 0
/// (the network's float32 coefficients equal to the GLM's) is drawn at
/// the axis floor; non-finite ones (a diverged run) are left out.
pub fn distance(
    steps: &[usize],
    path: &[Vec<f64>],
    glm: &[f64],
    steps_to_match: Option<usize>,
) -> Result<String, PlotError> {
    const PLOT: &str = "distance.svg";
    if path.is_empty() {
        return Err(PlotError::Empty {
            plot: PLOT,
            what: "the parameter path",
        });
    }
    check_len(PLOT, "the steps", steps, path.len())?;
    for p in path {
        check_len(PLOT, "a recorded parameter vector", p, glm.len())?;
    }
    let line: Vec<(usize, f64)> = pick(path.len(), MAX_LINE_POINTS)
        .into_iter()
        .map(|i| (steps[i], max_abs_diff(&path[i], glm)))
        .filter(|(_, d)| d.is_finite() && *d <= AXIS_LIMIT)
        .collect();
    let all = || line.iter().map(|p| p.1).chain([MATCH_TOL]);
    let floor = log_floor(all(), MATCH_TOL / 10.0);
    let top = all().fold(floor * 10.0, f64::max);
    let y1 = pad((floor.ln(), top.ln()), 0.05)
        .1
        .exp()
        .min(2.0 * AXIS_LIMIT);
    let last = steps.last().copied().unwrap_or(0);
    let axis = StepAxis { last };
    let on_axis = |(s, d): &(usize, f64)| (StepAxis::x(*s), d.max(floor));
    render(|root| {
        let mut chart = log_log_chart(
            root,
            "Distance from the GLM estimate during training",
            "max |network - GLM| over the coefficients (log scale)",
            axis,
            (floor, y1),
        )?;
        chart
            .draw_series(LineSeries::new(line.iter().map(on_axis), solid(NN)))?
            .label("SGD (network)")
            .legend(legend_line(solid(NN)));
        if let [p] = line[..] {
            chart.draw_series([Circle::new(on_axis(&p), 3, NN.filled())])?;
        }
        let ends = [axis.range().start, axis.range().end];
        chart
            .draw_series(LineSeries::new(ends.map(|x| (x, MATCH_TOL)), dashed(TRUTH)))?
            .label(format!("matched: within {}", log_tick(MATCH_TOL)))
            .legend(legend_line(dashed(TRUTH)));
        match steps_to_match {
            Some(m) => {
                let x = StepAxis::x(m);
                let marker = TRUTH.filled();
                chart.draw_series(LineSeries::new([(x, floor), (x, MATCH_TOL)], dotted(TRUTH)))?;
                chart
                    .draw_series([Circle::new((x, MATCH_TOL), 6, marker)])?
                    .label(format!("first within it: step {m}"))
                    .legend(move |(x, y)| Circle::new((x + 12, y), 5, marker));
            }
            None => {
                chart
                    .draw_series(std::iter::empty::<Circle<(f64, f64), u32>>())?
                    .label(format!("never within it in {last} steps"))
                    .legend(|(x, y)| EmptyElement::at((x, y)));
            }
        }
        draw_legend(&mut chart, SeriesLabelPosition::UpperRight)
    })
}
