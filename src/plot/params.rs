//! `params.svg`: each parameter's path during training, with the GLM
//! estimate and the true value as reference lines.
use plotters::prelude::*;

use super::common::{
    check_len, dashed, dotted, drawable, finite_range, font, legend_line, pad, param_color, pick,
    render, solid, tick, PlotError, StepAxis, DESC_SIZE, LABEL_SIZE, LEGEND_SIZE, MAX_LINE_POINTS,
    TITLE_SIZE, TRUTH, WIDTH,
};

/// Width of the legend panel right of the plot: paths fan out from the
/// initial values to the estimates, so no corner inside the plot stays empty.
const LEGEND_WIDTH: u32 = 170;

/// Render parameter `j`'s path (`path[i][j]` after `steps[i]` updates) in
/// colour j, at most [`MAX_LINE_POINTS`] points each (evenly thinned),
/// against the step on a log axis ([`StepAxis`]: step s at s + 1).
/// With `glm`, a dashed line per parameter at its GLM estimate; with
/// `truth`, a dotted one at its true value, both in the parameter's colour
/// across all steps. The legend, right of the plot, names each parameter
/// (one solid sample per colour) and then the two line styles (grey
/// samples drawn without data).
pub fn params(
    names: &[String],
    steps: &[usize],
    path: &[Vec<f64>],
    glm: Option<&[f64]>,
    truth: Option<&[f64]>,
) -> Result<String, PlotError> {
    const PLOT: &str = "params.svg";
    if path.is_empty() {
        return Err(PlotError::Empty {
            plot: PLOT,
            what: "the parameter path",
        });
    }
    let k = names.len();
    check_len(PLOT, "the steps", steps, path.len())?;
    for p in path {
        check_len(PLOT, "a recorded parameter vector", p, k)?;
    }
    if let Some(g) = glm {
        check_len(PLOT, "the GLM estimate", g, k)?;
    }
    if let Some(t) = truth {
        check_len(PLOT, "the true coefficients", t, k)?;
    }
    let (lo, hi) = finite_range(
        path.iter()
            .flatten()
            .chain(glm.into_iter().flatten())
            .chain(truth.into_iter().flatten())
            .copied(),
    )
    .unwrap_or((0.0, 0.0));
    let (y0, y1) = pad((lo, hi), 0.05);
    let axis = StepAxis {
        last: *steps.last().expect("path is not empty"),
    };
    let (x0, x1) = (axis.range().start, axis.range().end);
    let idx = pick(path.len(), MAX_LINE_POINTS);
    render(|root| {
        let area = root.titled("Network parameters during training", font(TITLE_SIZE))?;
        let (left, right) = area.split_horizontally(WIDTH - LEGEND_WIDTH);
        let mut chart = ChartBuilder::on(&left)
            .margin(20)
            .margin_top(10)
            .x_label_area_size(55)
            .y_label_area_size(70)
            .build_cartesian_2d(
                axis.range().log_scale().with_key_points(axis.ticks()),
                y0..y1,
            )?;
        chart
            .configure_mesh()
            .x_desc(StepAxis::DESC)
            .y_desc("parameter value")
            .axis_desc_style(font(DESC_SIZE))
            .label_style(font(LABEL_SIZE))
            .x_label_formatter(&|v| StepAxis::label(*v))
            .y_label_formatter(&|v| tick(*v))
            .draw()?;
        // The legend lives in a chart of its own right of the plot, holding
        // only legend entries (samples drawn from no data).
        let mut legend = ChartBuilder::on(&right)
            .margin_top(10)
            .build_cartesian_2d(0.0..1.0, 0.0..1.0)?;
        let mut entry = |label: String, style: ShapeStyle| -> Result<(), PlotError> {
            legend
                .draw_series(std::iter::empty::<PathElement<(f64, f64)>>())?
                .label(label)
                .legend(legend_line(style));
            Ok(())
        };
        for (j, name) in names.iter().enumerate() {
            let c = param_color(j);
            let line = idx
                .iter()
                .filter(|&&i| drawable(path[i][j]))
                .map(|&i| (StepAxis::x(steps[i]), path[i][j]));
            chart.draw_series(LineSeries::new(line, solid(c)))?;
            entry(name.clone(), solid(c))?;
            if let Some(g) = glm.map(|g| g[j]).filter(|g| drawable(*g)) {
                chart.draw_series(LineSeries::new([(x0, g), (x1, g)], dashed(c)))?;
            }
            if let Some(t) = truth.map(|t| t[j]).filter(|t| drawable(*t)) {
                chart.draw_series(LineSeries::new([(x0, t), (x1, t)], dotted(c)))?;
            }
        }
        if glm.is_some() {
            entry("GLM estimate".into(), dashed(TRUTH))?;
        }
        if truth.is_some() {
            entry("true value".into(), dotted(TRUTH))?;
        }
        legend
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .margin(10)
            .label_font(font(LEGEND_SIZE))
            .background_style(WHITE)
            .border_style(BLACK.mix(0.5))
            .draw()?;
        Ok(())
    })
}
