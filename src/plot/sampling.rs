//! `sampling.svg`: how each coefficient's GLM and network estimates spread
//! over the runs of a Monte Carlo study, with the true value.
use plotters::prelude::*;

use super::common::{
    dotted, drawable, finite_range, font, legend_line, pad, render, tick, PlotError, GLM, NN,
    TITLE_SIZE, TRUTH,
};

/// Fewest and most histogram bins; in between, √runs.
pub const MIN_BINS: usize = 5;
pub const MAX_BINS: usize = 30;

/// Bin counts of `values` over `bins` equal bins of `[lo, hi]` (the last
/// bin closed); non-finite values are left out.
pub fn histogram(values: &[f64], lo: f64, hi: f64, bins: usize) -> Vec<usize> {
    let mut counts = vec![0; bins];
    let w = (hi - lo) / bins as f64;
    for v in values.iter().filter(|v| drawable(**v)) {
        let b = (((v - lo) / w).floor() as isize).clamp(0, bins as isize - 1) as usize;
        counts[b] += 1;
    }
    counts
}

/// The y axis reaches this times the tallest bar: the top part is the
/// legend's (three lines, about 30% of a panel's height).
const HEADROOM: f64 = 1.75;

/// Number of bins for `runs` values: ⌈√runs⌉ within [MIN_BINS, MAX_BINS].
pub fn bin_count(runs: usize) -> usize {
    ((runs as f64).sqrt().ceil() as usize).clamp(MIN_BINS, MAX_BINS)
}

/// Render one panel per coefficient (a grid of ⌈√k⌉ columns) holding a
/// histogram of its GLM estimates and one of its network estimates over
/// the runs (`glm[r][j]`, `nn[r][j]`: run r, coefficient j). The two share
/// their bins, [`bin_count`] of them between the smallest and largest
/// value (true value included); each bin shows the GLM's count in its left
/// half and the network's in its right half, so that two near-identical
/// distributions stay both visible. Empty bins draw nothing. The true
/// value is a dotted vertical line. Each panel has its own axes, title
/// (the coefficient's name) and legend; the y axis leaves the top
/// part free for the legend.
///
/// `nn` may hold fewer runs than `glm` (runs whose training failed).
pub fn sampling(
    names: &[String],
    truth: &[f64],
    glm: &[Vec<f64>],
    nn: &[Vec<f64>],
) -> Result<String, PlotError> {
    const PLOT: &str = "sampling.svg";
    let k = names.len();
    if k == 0 {
        return Err(PlotError::Empty {
            plot: PLOT,
            what: "the coefficient names",
        });
    }
    if glm.is_empty() && nn.is_empty() {
        return Err(PlotError::Empty {
            plot: PLOT,
            what: "the list of runs",
        });
    }
    super::common::check_len(PLOT, "the true coefficients", truth, k)?;
    for r in glm.iter().chain(nn) {
        super::common::check_len(PLOT, "an estimate vector", r, k)?;
    }
    let runs = glm.len().max(nn.len());
    let bins = bin_count(runs);
    let cols = (k as f64).sqrt().ceil() as usize;
    let rows = k.div_ceil(cols);
    render(|root| {
        let area = root.titled(
            &format!("Estimates over {runs} simulated data sets: GLM and network"),
            font(TITLE_SIZE),
        )?;
        let panels = area.split_evenly((rows, cols));
        for (j, panel) in panels.iter().enumerate().take(k) {
            let g: Vec<f64> = glm.iter().map(|r| r[j]).collect();
            let n: Vec<f64> = nn.iter().map(|r| r[j]).collect();
            let (lo, hi) =
                finite_range(g.iter().chain(&n).chain([&truth[j]]).copied()).unwrap_or((0.0, 0.0));
            let (lo, hi) = pad((lo, hi), 0.0);
            let w = (hi - lo) / bins as f64;
            let gc = histogram(&g, lo, hi, bins);
            let nc = histogram(&n, lo, hi, bins);
            let top = gc.iter().chain(&nc).copied().max().unwrap_or(0).max(1) as f64 * HEADROOM;
            let (x0, x1) = pad((lo, hi), 0.03);
            let mut chart = ChartBuilder::on(panel)
                .caption(&names[j], font(20))
                .margin(10)
                .x_label_area_size(42)
                .y_label_area_size(52)
                .build_cartesian_2d(x0..x1, 0.0..top)?;
            chart
                .configure_mesh()
                .x_desc("estimate")
                .y_desc("runs")
                .axis_desc_style(font(16))
                .label_style(font(14))
                .x_labels(5)
                .y_labels(5)
                .x_label_formatter(&|v| tick(*v))
                .y_label_formatter(&|v| tick(*v))
                .draw()?;
            for (counts, color, half, label, m) in [
                (&gc, GLM, 0.0, "GLM", g.len()),
                (&nc, NN, 0.5, "network", n.len()),
            ] {
                let style = color.mix(0.85).filled();
                chart
                    .draw_series(counts.iter().enumerate().filter(|(_, c)| **c > 0).map(
                        |(b, c)| {
                            let left = lo + w * (b as f64 + half);
                            Rectangle::new([(left, 0.0), (left + w / 2.0, *c as f64)], style)
                        },
                    ))?
                    .label(format!("{label}, {m} runs"))
                    .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 22, y + 6)], style));
            }
            let t = truth[j];
            let line = [(t, 0.0), (t, top)].into_iter().filter(|_| drawable(t));
            chart
                .draw_series(LineSeries::new(line, dotted(TRUTH)))?
                .label(format!("true value {}", tick(t)))
                .legend(legend_line(dotted(TRUTH)));
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperRight)
                .margin(6)
                .legend_area_size(26)
                .label_font(font(14))
                .background_style(WHITE.mix(0.9))
                .border_style(BLACK.mix(0.5))
                .draw()?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_counts_every_finite_value_once() {
        let c = histogram(&[0.0, 0.1, 0.5, 0.99, 1.0, f64::NAN], 0.0, 1.0, 4);
        assert_eq!(c, vec![2, 0, 1, 2]);
    }

    #[test]
    fn bins_grow_with_the_square_root_of_runs() {
        assert_eq!(bin_count(1), MIN_BINS);
        assert_eq!(bin_count(100), 10);
        assert_eq!(bin_count(1_000_000), MAX_BINS);
    }
}
