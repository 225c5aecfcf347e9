//! A grid study's pictures: `coverage.svg` and `bias.svg`, one point per
//! cell and coefficient with ±1.96 Monte Carlo SE bars.
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::common::{
    check_len, dashed, draw_legend, drawable, finite_range, font, legend_line, pad, param_color,
    render, tick, PlotError, DESC_SIZE, LABEL_SIZE, TITLE_SIZE, TRUTH, WIDTH,
};
use crate::numfmt::Short;
use crate::study::{Cell, CellSummary, Measures};

/// Half-width of an interval bar, in MCSEs: a 95% normal interval for the
/// figure's Monte Carlo error.
pub const MCSE_BAR: f64 = 1.96;

/// Width of the legend panel right of the plot.
const LEGEND_WIDTH: u32 = 190;

/// Most cell labels along the x axis; with more cells every m-th cell is
/// labelled, so that the labels do not overlap.
const MAX_CELL_LABELS: usize = 12;

/// Radius of a point, in pixels.
const POINT_SIZE: u32 = 4;

/// Series of one picture: one per (estimator, coefficient), each a figure
/// and its MCSE per cell (NaN where the cell has no figure).
struct Series {
    label: String,
    color: RGBColor,
    /// A triangle (the network) rather than a circle (the GLM).
    triangle: bool,
    values: Vec<(f64, f64)>,
}

/// One estimator's measures of a cell, if it has them.
type Pick = fn(&CellSummary) -> Option<&Measures>;

/// Coverage of the GLM's intervals per cell and coefficient, with ±1.96
/// MCSE bars and the nominal level `1 - alpha` as a dashed line. An error
/// when no cell has GLM measures (a `--fits nn` study).
pub fn coverage(names: &[String], cells: &[CellSummary], alpha: f64) -> Result<String, PlotError> {
    const PLOT: &str = "coverage.svg";
    check_cells(PLOT, names, cells)?;
    if cells.iter().all(|c| c.glm.is_none()) {
        return Err(PlotError::Empty {
            plot: PLOT,
            what: "the GLM's coverage",
        });
    }
    let series = names
        .iter()
        .enumerate()
        .map(|(j, name)| Series {
            label: name.clone(),
            color: param_color(j),
            triangle: false,
            values: cells
                .iter()
                .map(|c| {
                    let m = c.glm.as_ref();
                    let at = |v: Option<&Vec<f64>>| v.map_or(f64::NAN, |v| v[j]);
                    (
                        at(m.and_then(|m| m.coverage.as_ref())),
                        at(m.and_then(|m| m.coverage_mcse.as_ref())),
                    )
                })
                .collect(),
        })
        .collect();
    let level = 1.0 - alpha;
    draw(
        &format!(
            "Coverage of the GLM's {}% intervals, ±{MCSE_BAR} MCSE",
            Short((level * 100.0 * 1e6).round() / 1e6)
        ),
        "coverage",
        cells,
        series,
        (level, format!("nominal {}", tick(level))),
    )
}

/// Bias of each estimator per cell and coefficient, with ±1.96 MCSE bars
/// and zero as a dashed line: the GLM as circles, the network as
/// triangles, one colour per coefficient.
pub fn bias(names: &[String], cells: &[CellSummary]) -> Result<String, PlotError> {
    const PLOT: &str = "bias.svg";
    check_cells(PLOT, names, cells)?;
    let mut series = Vec::new();
    let estimators: [(&str, bool, Pick); 2] = [
        ("GLM", false, |c| c.glm.as_ref()),
        ("NN", true, |c| c.nn.as_ref()),
    ];
    for (est, triangle, of) in estimators {
        if cells.iter().all(|c| of(c).is_none()) {
            continue;
        }
        for (j, name) in names.iter().enumerate() {
            series.push(Series {
                label: format!("{est} {name}"),
                color: param_color(j),
                triangle,
                values: cells
                    .iter()
                    .map(|c| of(c).map_or((f64::NAN, f64::NAN), |m| (m.bias[j], m.bias_mcse[j])))
                    .collect(),
            });
        }
    }
    draw(
        &format!("Bias of each estimator, ±{MCSE_BAR} MCSE"),
        "bias (mean estimate − true value)",
        cells,
        series,
        (0.0, "zero".into()),
    )
}

/// Check that there are cells and names, and that every list of every
/// cell's measures has one value per name.
fn check_cells(
    plot: &'static str,
    names: &[String],
    cells: &[CellSummary],
) -> Result<(), PlotError> {
    if cells.is_empty() {
        return Err(PlotError::Empty {
            plot,
            what: "the list of cells",
        });
    }
    if names.is_empty() {
        return Err(PlotError::Empty {
            plot,
            what: "the coefficient names",
        });
    }
    let k = names.len();
    for m in cells.iter().flat_map(|c| c.glm.iter().chain(&c.nn)) {
        check_len(plot, "a cell's bias", &m.bias, k)?;
        check_len(plot, "a cell's bias MCSE", &m.bias_mcse, k)?;
        for v in [&m.coverage, &m.coverage_mcse].into_iter().flatten() {
            check_len(plot, "a cell's coverage", v, k)?;
        }
    }
    Ok(())
}

/// A label per cell naming the settings that vary across the cells (one
/// line each), or the cell's number when none does.
pub fn cell_labels(cells: &[Cell]) -> Vec<Vec<String>> {
    let varies = |f: &dyn Fn(&Cell) -> String| -> Option<Vec<String>> {
        let v: Vec<String> = cells.iter().map(f).collect();
        v.iter().any(|x| *x != v[0]).then_some(v)
    };
    let beta = |c: &Cell| {
        let b: Vec<String> = c.beta.iter().map(|b| Short(*b).to_string()).collect();
        format!("beta {}", b.join(","))
    };
    let columns: Vec<Vec<String>> = [
        varies(&|c| format!("n {}", c.n)),
        varies(&|c| format!("lr {}", Short(c.lr))),
        varies(&|c| format!("steps {}", c.steps)),
        varies(&|c| c.optimizer.clone()),
        varies(&beta),
        varies(&|c| format!("data {}", crate::spec::Link::key(&c.true_link))),
        varies(&|c| format!("fit {}", crate::spec::Link::key(&c.link))),
        varies(&|c| format!("x {}", c.x_dist.name())),
        varies(&|c| format!("corr {}", Short(c.x_corr))),
    ]
    .into_iter()
    .flatten()
    .collect();
    (0..cells.len())
        .map(|i| match columns.len() {
            0 => vec![format!("cell {}", i + 1)],
            _ => columns.iter().map(|col| col[i].clone()).collect(),
        })
        .collect()
}

/// Offset of series `s` of `count` within its cell, so that the points of
/// one cell stand side by side within ±0.3 of its position.
fn offset(s: usize, count: usize) -> f64 {
    match count {
        0 | 1 => 0.0,
        _ => -0.3 + 0.6 * s as f64 / (count - 1) as f64,
    }
}

/// A point at `c`: a filled triangle (the network) or circle (the GLM).
fn marker<'a, C: Clone>(
    c: C,
    triangle: bool,
    color: RGBColor,
) -> DynElement<'static, SVGBackend<'a>, C>
where
    Circle<C, u32>: IntoDynElement<'static, SVGBackend<'a>, C>,
    TriangleMarker<C, u32>: IntoDynElement<'static, SVGBackend<'a>, C>,
{
    if triangle {
        TriangleMarker::new(c, POINT_SIZE + 2, color.filled()).into_dyn()
    } else {
        Circle::new(c, POINT_SIZE, color.filled()).into_dyn()
    }
}

/// The ends of a figure's bar, when both can be drawn.
fn bar((v, se): (f64, f64)) -> Option<(f64, f64)> {
    let (lo, hi) = (v - MCSE_BAR * se, v + MCSE_BAR * se);
    (drawable(v) && drawable(lo) && drawable(hi)).then_some((lo, hi))
}

/// Draw `series` over the cells (x = cell, labelled by [`cell_labels`]),
/// each figure a point with its bar, and `reference` as a dashed line.
/// Values that are not [`drawable`] are left out.
fn draw(
    title: &str,
    y_desc: &str,
    cells: &[CellSummary],
    series: Vec<Series>,
    reference: (f64, String),
) -> Result<String, PlotError> {
    let settings: Vec<Cell> = cells.iter().map(|c| c.settings.clone()).collect();
    let labels = cell_labels(&settings);
    let ends = series
        .iter()
        .flat_map(|s| &s.values)
        .flat_map(|&p| match bar(p) {
            Some((lo, hi)) => vec![lo, hi],
            None => vec![p.0],
        });
    let (lo, hi) = finite_range(ends.chain([reference.0])).unwrap_or((0.0, 0.0));
    let (y0, y1) = pad((lo, hi), 0.05);
    let n = cells.len() as f64;
    let label_lines = labels.iter().map(Vec::len).max().unwrap_or(1) as u32;
    let every = cells.len().div_ceil(MAX_CELL_LABELS).max(1);
    render(|root| {
        let area = root.titled(title, font(TITLE_SIZE))?;
        let (left, right) = area.split_horizontally(WIDTH - LEGEND_WIDTH);
        let mut chart = ChartBuilder::on(&left)
            .margin(20)
            .margin_top(10)
            .x_label_area_size(30 + 18 * label_lines)
            .y_label_area_size(70)
            .build_cartesian_2d(-0.5..n - 0.5, y0..y1)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .x_desc("cell")
            .y_desc(y_desc)
            .axis_desc_style(font(DESC_SIZE))
            .label_style(font(LABEL_SIZE))
            // Ticks land on 0 only up to rounding (2.8e-17): label it 0.
            .y_label_formatter(&|v| tick(if v.abs() < 1e-9 * (y1 - y0) { 0.0 } else { *v }))
            .draw()?;
        for (i, lines) in labels.iter().enumerate().step_by(every) {
            let (x, y) = chart.backend_coord(&(i as f64, y0));
            for (l, text) in lines.iter().enumerate() {
                let style = font(14).pos(Pos::new(HPos::Center, VPos::Top));
                root.draw(&Text::new(text.clone(), (x, y + 6 + 17 * l as i32), style))?;
            }
        }
        // The legend lives in a chart of its own right of the plot, holding
        // only legend entries (samples drawn from no data), as params.svg's.
        let mut legend = ChartBuilder::on(&right)
            .margin_top(10)
            .build_cartesian_2d(0.0..1.0, 0.0..1.0)?;
        let (r, r_label) = reference;
        chart.draw_series(LineSeries::new(
            [(-0.5, r), (n - 0.5, r)]
                .into_iter()
                .filter(|_| drawable(r)),
            dashed(TRUTH),
        ))?;
        legend
            .draw_series(std::iter::empty::<PathElement<(f64, f64)>>())?
            .label(r_label)
            .legend(legend_line(dashed(TRUTH)));
        let count = series.len();
        for (s, ser) in series.iter().enumerate() {
            let dx = offset(s, count);
            let color = ser.color;
            let bars = ser.values.iter().enumerate().filter_map(|(i, &p)| {
                let (lo, hi) = bar(p)?;
                let x = i as f64 + dx;
                Some(PathElement::new(
                    vec![(x, lo), (x, hi)],
                    color.stroke_width(2),
                ))
            });
            chart.draw_series(bars)?;
            let points = ser
                .values
                .iter()
                .enumerate()
                .filter(|(_, p)| drawable(p.0))
                .map(|(i, p)| (i as f64 + dx, p.0));
            chart.draw_series(points.map(|c| marker(c, ser.triangle, color)))?;
            let triangle = ser.triangle;
            legend
                .draw_series(std::iter::empty::<Circle<(f64, f64), u32>>())?
                .label(ser.label.clone())
                .legend(move |(x, y)| marker((x + 12, y), triangle, color));
        }
        draw_legend(&mut legend, SeriesLabelPosition::UpperLeft)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::study::{merge, read_lines, summarize_cells};

    /// The cells of scripts/make_mcse_fixture.py's study: 2 × 2 (n × lr),
    /// three coefficients, both estimators.
    fn fixture_summaries() -> Vec<CellSummary> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/repeat/mcse_study.jsonl"
        );
        let text = std::fs::read_to_string(path).unwrap();
        let read = read_lines(path, text.as_bytes()).unwrap();
        summarize_cells(&merge(None, read.runs).unwrap())
    }

    fn names() -> Vec<String> {
        ["const", "x1", "x2"].map(String::from).to_vec()
    }

    /// Elements of `svg` named `tag` whose `attr` is `value`.
    fn count(svg: &str, tag: &str, attr: &str, value: &str) -> usize {
        let doc = roxmltree::Document::parse(svg).expect("well-formed SVG");
        doc.descendants()
            .filter(|n| n.has_tag_name(tag) && n.attribute(attr) == Some(value))
            .count()
    }

    /// Every `<text>`, trimmed.
    fn texts(svg: &str) -> Vec<String> {
        let doc = roxmltree::Document::parse(svg).unwrap();
        doc.descendants()
            .filter(|n| n.has_tag_name("text"))
            .map(|n| n.text().unwrap_or("").trim().to_string())
            .collect()
    }

    /// `#RRGGBB` of coefficient `j`, as plotters writes it.
    fn hex(j: usize) -> String {
        let c = param_color(j);
        format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
    }

    /// Two-point polylines (the bars) stroked in coefficient `j`'s colour.
    fn bars(svg: &str, j: usize) -> usize {
        let doc = roxmltree::Document::parse(svg).unwrap();
        doc.descendants()
            .filter(|n| n.has_tag_name("polyline") && n.attribute("stroke") == Some(&hex(j)))
            .filter(|n| n.attribute("points").unwrap().split_whitespace().count() == 2)
            .count()
    }

    #[test]
    fn coverage_has_a_point_and_a_bar_per_cell_and_coefficient() {
        let cells = fixture_summaries();
        let svg = coverage(&names(), &cells, 0.05).unwrap();
        for j in 0..3 {
            // One point per cell, and the legend's sample.
            assert_eq!(count(&svg, "circle", "fill", &hex(j)), cells.len() + 1);
            assert_eq!(bars(&svg, j), cells.len(), "coefficient {j}");
        }
        assert_eq!(count(&svg, "polyline", "stroke-dasharray", "10 6"), 2);
        let texts = texts(&svg);
        for text in [
            "nominal 0.95",
            "n 50",
            "lr 0.5",
            "const",
            "cell",
            "coverage",
        ] {
            assert!(texts.iter().any(|t| t == text), "no {text} in {texts:?}");
        }
    }

    #[test]
    fn bias_has_both_estimators_per_cell_and_coefficient() {
        let cells = fixture_summaries();
        let svg = bias(&names(), &cells).unwrap();
        for j in 0..3 {
            assert_eq!(count(&svg, "circle", "fill", &hex(j)), cells.len() + 1);
            assert_eq!(count(&svg, "polygon", "fill", &hex(j)), cells.len() + 1);
            assert_eq!(bars(&svg, j), 2 * cells.len(), "coefficient {j}");
        }
        let texts = texts(&svg);
        for text in ["zero", "GLM const", "NN x2"] {
            assert!(texts.iter().any(|t| t == text), "no {text} in {texts:?}");
        }
    }

    #[test]
    fn nan_and_huge_figures_are_left_out_without_panic() {
        let mut cells = fixture_summaries();
        let g = cells[0].glm.as_mut().unwrap();
        g.bias = vec![f64::NAN, 1e308, -f64::INFINITY];
        g.bias_mcse = vec![0.1, f64::NAN, 1e308];
        g.coverage = Some(vec![f64::NAN; 3]);
        let n = cells[1].nn.as_mut().unwrap();
        n.bias_mcse = vec![f64::MAX; 3];
        let svg = bias(&names(), &cells).unwrap();
        // Cell 0's GLM points are gone (NaN, beyond the axis limit), and
        // cell 1's network bars (±1.96 × f64::MAX overflows).
        for j in 0..3 {
            assert_eq!(count(&svg, "circle", "fill", &hex(j)), cells.len());
            assert_eq!(bars(&svg, j), 2 * cells.len() - 2, "coefficient {j}");
        }
        let svg = coverage(&names(), &cells, 0.05).unwrap();
        assert_eq!(count(&svg, "circle", "fill", &hex(0)), cells.len());
        for c in &mut cells {
            c.glm.as_mut().unwrap().coverage = Some(vec![f64::NAN; 3]);
            c.nn.as_mut().unwrap().bias = vec![f64::NAN; 3];
            c.glm.as_mut().unwrap().bias = vec![f64::NAN; 3];
        }
        coverage(&names(), &cells, 0.05).unwrap();
        bias(&names(), &cells).unwrap();
    }

    #[test]
    fn cells_are_labelled_by_the_settings_that_vary() {
        let cells: Vec<Cell> = fixture_summaries()
            .into_iter()
            .map(|c| c.settings)
            .collect();
        assert_eq!(cell_labels(&cells)[1], ["n 50", "lr 0.5"]);
        assert_eq!(cell_labels(&cells[..1]), [["cell 1"]]);
        let mut probit = cells.clone();
        probit[1].link = crate::spec::LinkKind::Probit;
        assert_eq!(cell_labels(&probit)[1], ["n 50", "lr 0.5", "fit probit"]);
    }

    #[test]
    fn rejects_a_study_without_what_the_picture_shows() {
        let mut cells = fixture_summaries();
        assert!(matches!(
            coverage(&names(), &[], 0.05),
            Err(PlotError::Empty { .. })
        ));
        assert!(matches!(
            bias(&names()[..2], &cells),
            Err(PlotError::Length { .. })
        ));
        for c in &mut cells {
            c.glm = None;
        }
        assert!(matches!(
            coverage(&names(), &cells, 0.05),
            Err(PlotError::Empty { .. })
        ));
        assert!(bias(&names(), &cells).is_ok());
    }
}
