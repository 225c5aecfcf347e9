//! What every picture shares: size, fonts, colours, point caps, tick
//! placement, and the step that turns plotters' drawing into an SVG string.
use crate::spec::{Link, LinkKind};
use plotters::coord::combinators::WithKeyPoints;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Width of every picture, in pixels.
pub const WIDTH: u32 = 800;
/// Height of every picture, in pixels.
pub const HEIGHT: u32 = 600;
/// At most this many points per line (a training path is thinned evenly,
/// first and last point kept): 10,000 steps would otherwise cost 10,000
/// coordinates per series for no visible difference at 800 pixels.
pub const MAX_LINE_POINTS: usize = 2000;
/// At most this many markers per scatter (an evenly spaced subsample of the
/// rows, in row order): one `<circle>` per row would make a million-row file
/// into a 100 MB picture.
pub const MAX_SCATTER_POINTS: usize = 5000;
/// Points of a smooth function (the sigmoid) drawn across the x axis.
pub const CURVE_POINTS: usize = 200;

/// Font family: generic, so the viewer picks its own; plotters only
/// estimates text widths (no font files are read when rendering).
pub const FONT: &str = "sans-serif";
/// Font sizes (plotters writes `font-size` as size / 1.24).
pub const TITLE_SIZE: u32 = 26;
pub const DESC_SIZE: u32 = 19;
pub const LABEL_SIZE: u32 = 16;
pub const LEGEND_SIZE: u32 = 17;

/// The GLM's colour (blue).
pub const GLM: RGBColor = RGBColor(31, 119, 180);
/// The network's colour (orange).
pub const NN: RGBColor = RGBColor(255, 127, 14);
/// Data points (grey).
pub const DATA: RGBColor = RGBColor(90, 90, 90);
/// True values (dark grey, not black: black is the axes').
pub const TRUTH: RGBColor = RGBColor(51, 51, 51);
/// Colours of parameters, in order (matplotlib's "tab10"); they repeat
/// after ten.
pub const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

/// Colour of parameter `j`.
pub fn param_color(j: usize) -> RGBColor {
    PALETTE[j % PALETTE.len()]
}

/// Why a picture could not be drawn.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlotError {
    #[error("{plot}: nothing to draw ({what} is empty)")]
    Empty {
        plot: &'static str,
        what: &'static str,
    },
    #[error("{plot}: {what} has {found} values, expected {expected}")]
    Length {
        plot: &'static str,
        what: &'static str,
        found: usize,
        expected: usize,
    },
    #[error("{plot}: no loss was recorded during training")]
    NoLoss { plot: &'static str },
    #[error("drawing failed: {0}")]
    Draw(String),
}

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for PlotError {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        PlotError::Draw(e.to_string())
    }
}

/// Check that `v` has `expected` values.
pub fn check_len<T>(
    plot: &'static str,
    what: &'static str,
    v: &[T],
    expected: usize,
) -> Result<(), PlotError> {
    if v.len() != expected {
        return Err(PlotError::Length {
            plot,
            what,
            found: v.len(),
            expected,
        });
    }
    Ok(())
}

/// One rendered picture: its file name (`loss.svg`) and the SVG text.
#[derive(Debug, Clone, PartialEq)]
pub struct Plot {
    pub name: &'static str,
    pub svg: String,
}

/// Render a picture: `draw` paints onto an 800×600 white canvas and the SVG
/// text comes back (nothing is written anywhere).
pub fn render(
    draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> Result<(), PlotError>,
) -> Result<String, PlotError> {
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE)?;
        draw(&root)?;
        root.present()?;
    }
    Ok(dashes(buf))
}

/// The legend box of the single-panel pictures (loss, outcomes,
/// probability), at `position`.
pub fn draw_legend<'a, DB, CT>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
) -> Result<(), PlotError>
where
    DB: DrawingBackend + 'a,
    CT: CoordTranslate,
    PlotError: From<DrawingAreaErrorKind<DB::ErrorType>>,
{
    chart
        .configure_series_labels()
        .position(position)
        .margin(12)
        .label_font(font(LEGEND_SIZE))
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.5))
        .draw()?;
    Ok(())
}

/// Indices of at most `cap` of `n` items, evenly spaced, first and last kept.
pub fn pick(n: usize, cap: usize) -> Vec<usize> {
    if n <= cap {
        return (0..n).collect();
    }
    if cap < 2 {
        return vec![0];
    }
    (0..cap).map(|i| i * (n - 1) / (cap - 1)).collect()
}

/// Largest magnitude drawn on a linear axis. plotters places ticks from the
/// axis width and its power of ten: a width that overflows to infinity (an
/// axis from -1e308 to 1e308) sends its tick loop round forever. Values
/// beyond this are left out of the pictures, as non-finite ones are.
pub const AXIS_LIMIT: f64 = 1e300;

/// Narrowest axis, as a fraction of the magnitude of its ends: about 4500
/// float64 steps (2.2e-16 each), so tick positions and pixel positions are
/// still distinct numbers.
pub const MIN_REL_WIDTH: f64 = 1e-12;

/// Whether `v` can be placed on a linear axis: finite and within
/// ±[`AXIS_LIMIT`].
pub fn drawable(v: f64) -> bool {
    v.abs() <= AXIS_LIMIT
}

/// A legend's note on rows left out of a picture (` (3 not drawn: ...)`),
/// empty when every row is drawn.
pub fn not_drawn(values: &[f64]) -> String {
    match values.iter().filter(|v| !drawable(**v)).count() {
        0 => String::new(),
        m => format!(" ({m} not drawn: not finite or beyond ±{AXIS_LIMIT:e})"),
    }
}

/// Smallest and largest [`drawable`] value, or None.
pub fn finite_range(v: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    v.into_iter()
        .filter(|x| drawable(*x))
        .fold(None, |acc, x| match acc {
            None => Some((x, x)),
            Some((lo, hi)) => Some((lo.min(x), hi.max(x))),
        })
}

/// `(lo, hi)` widened by `frac` of its width on each side, and to at least
/// [`MIN_REL_WIDTH`] of its magnitude (by a little around a single value),
/// so the axis never has width zero. For ends within ±[`AXIS_LIMIT`] and
/// `frac` up to 1 the result is finite and has a finite width, which
/// plotters needs to place ticks.
pub fn pad((lo, hi): (f64, f64), frac: f64) -> (f64, f64) {
    let (lo, hi) = (
        lo.clamp(-AXIS_LIMIT, AXIS_LIMIT),
        hi.clamp(-AXIS_LIMIT, AXIS_LIMIT),
    );
    let w = hi - lo;
    let magnitude = lo.abs().max(hi.abs());
    if w > MIN_REL_WIDTH * magnitude {
        (lo - frac * w, hi + frac * w)
    } else {
        let d = if magnitude > 0.0 {
            0.05 * magnitude
        } else {
            1.0
        };
        (lo - d, hi + d)
    }
}

/// A tick label: at most four decimals, no trailing zeros.
pub fn tick(v: f64) -> String {
    if v != 0.0 && !(1e-3..1e5).contains(&v.abs()) {
        return format!("{v:.1e}");
    }
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.into()
    }
}

/// Most ticks on a log axis.
pub const MAX_LOG_TICKS: usize = 10;

/// Tick positions for a log axis over `[lo, hi]` (0 < lo < hi). Over three
/// or more powers of ten: those powers, every m-th one (exponents that are
/// multiples of m) where more than [`MAX_LOG_TICKS`] would fit. Over a
/// narrower range: mantissas 1, 2, 5, or 1..9, or tenths, per decade,
/// whichever first gives at least four ticks, thinned to at most
/// [`MAX_LOG_TICKS`]. (plotters' own log ticks are powers of ten, and a
/// loss falling from 0.69 to 0.25 crosses none.) Every tick is the f64
/// nearest its decimal (`2e-7`, not 2 · 10f64.powi(-7)).
pub fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let (e0, e1) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
    let inside = |v: &f64| *v >= lo && *v <= hi;
    let powers: Vec<i32> = (e0..=e1).filter(|&e| inside(&decimal(1, e))).collect();
    if powers.len() >= 3 {
        let m = powers.len().div_ceil(MAX_LOG_TICKS) as i32;
        return powers
            .into_iter()
            .filter(|e| e.rem_euclid(m) == 0)
            .map(|e| decimal(1, e))
            .collect();
    }
    let mantissas: [Vec<u32>; 3] = [
        vec![10, 20, 50],
        (10..100).step_by(10).collect(),
        (10..100).collect(),
    ];
    let mut best = Vec::new();
    for ms in &mantissas {
        best = (e0..=e1)
            .flat_map(|e| ms.iter().map(move |&m| decimal(m, e - 1)))
            .filter(inside)
            .collect();
        if best.len() >= 4 {
            break;
        }
    }
    let step = best.len().div_ceil(MAX_LOG_TICKS).max(1);
    best.into_iter().step_by(step).collect()
}

/// The f64 nearest m · 10^e.
fn decimal(m: u32, e: i32) -> f64 {
    format!("{m}e{e}").parse().expect("a decimal literal")
}

/// A log axis's tick label: as [`tick`] from 0.01 to 10⁴, else the
/// shortest scientific form (`1e-12`, `2.5e-7`, `1e6`).
pub fn log_tick(v: f64) -> String {
    if v == 0.0 || (1e-2..1e5).contains(&v.abs()) {
        tick(v)
    } else {
        format!("{v:e}")
    }
}

/// The step axis of the training pictures (loss, distance, parameters):
/// logarithmic, so the first steps, where most of the change happens, get
/// as much width as the last ones. Step 0 (the start) cannot sit on a log
/// axis, so step s is drawn at s + 1 ([`StepAxis::x`]) and the ticks are
/// labelled with the step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepAxis {
    /// The last step drawn.
    pub last: usize,
}

impl StepAxis {
    /// The axis's description.
    pub const DESC: &'static str = "optimiser step (log scale: step s drawn at s + 1)";

    /// Where step `s` is drawn.
    pub fn x(s: usize) -> f64 {
        s as f64 + 1.0
    }

    /// The axis's range: from step 0 to a little past the last step (so
    /// its tick label fits), at least a decade.
    pub fn range(&self) -> std::ops::Range<f64> {
        1.0..(Self::x(self.last) * Self::PAST_LAST).max(10.0)
    }

    /// How far the axis runs past the last step, as a factor.
    const PAST_LAST: f64 = 1.3;

    /// Tick positions: step 0, then steps 1, 10, 100, ... up to the end of
    /// the axis (every m-th power of ten when more than [`MAX_LOG_TICKS`]
    /// would fit; over fewer than three powers, 2 and 5 of each decade too).
    pub fn ticks(&self) -> Vec<f64> {
        let end = self.range().end;
        let fits = |s: &f64| Self::x(0) + s <= end;
        let powers: Vec<i32> = (0..20).filter(|&e| fits(&decimal(1, e))).collect();
        let mantissas: &[u32] = if powers.len() < 3 { &[1, 2, 5] } else { &[1] };
        let m = (powers.len() + 1).div_ceil(MAX_LOG_TICKS) as i32;
        std::iter::once(Self::x(0))
            .chain(
                powers
                    .into_iter()
                    .filter(|e| e % m == 0)
                    .flat_map(|e| mantissas.iter().map(move |&k| decimal(k, e)))
                    .filter(fits)
                    .map(|s| s + 1.0),
            )
            .collect()
    }

    /// The label of the tick at `x`: its step (`0`, `10`, `1000`, `1e5`).
    pub fn label(x: f64) -> String {
        log_tick((x - 1.0).round())
    }
}

/// The floor of a log axis of magnitudes that may be 0 or below (an
/// excess loss, a distance): a power of ten below the smallest positive
/// finite value in `values` (one decade below it, so values drawn at the
/// floor stand apart from the smallest real one), or `fallback` when none
/// is positive.
pub fn log_floor(values: impl IntoIterator<Item = f64>, fallback: f64) -> f64 {
    values
        .into_iter()
        .filter(|v| *v > 0.0 && v.is_finite())
        .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.min(v))))
        .map_or(fallback, |m| decimal(1, decade(m) - 1))
}

/// The exponent of the largest power of ten at or below `v` (> 0), exact
/// where `log10` rounds across a power.
pub fn decade(v: f64) -> i32 {
    let mut e = v.log10().floor() as i32;
    while decimal(1, e) > v {
        e -= 1;
    }
    while decimal(1, e + 1) <= v {
        e += 1;
    }
    e
}

/// plotters' line styles have no dash pattern, and its `DashedLineSeries`
/// writes every dash as a separate `<polyline>` (about fifty per line).
/// Reference lines are instead drawn as one polyline whose colour carries a
/// marker opacity ([`dashed`], [`dotted`]); this turns the marker into an
/// SVG `stroke-dasharray`, so each reference line is one element and the
/// legend shows the same dashes.
fn dashes(svg: String) -> String {
    svg.replace(
        &format!("opacity=\"{DASHED_ALPHA}\""),
        "opacity=\"1\" stroke-dasharray=\"10 6\"",
    )
    .replace(
        &format!("opacity=\"{DOTTED_ALPHA}\""),
        "opacity=\"1\" stroke-dasharray=\"2 4\"",
    )
}

/// Marker opacities for [`dashes`]: values no other element uses.
const DASHED_ALPHA: f64 = 0.9971;
const DOTTED_ALPHA: f64 = 0.9972;

/// A dashed line in `c` (a fitted reference value).
pub fn dashed(c: RGBColor) -> ShapeStyle {
    c.mix(DASHED_ALPHA).stroke_width(2)
}

/// A dotted line in `c` (a true value).
pub fn dotted(c: RGBColor) -> ShapeStyle {
    c.mix(DOTTED_ALPHA).stroke_width(2)
}

/// A solid line in `c`.
pub fn solid(c: RGBColor) -> ShapeStyle {
    c.stroke_width(2)
}

/// A legend sample: a short line in `style`.
pub fn legend_line(style: ShapeStyle) -> impl Fn((i32, i32)) -> PathElement<(i32, i32)> {
    move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], style)
}

/// Caption, mesh and legend fonts.
pub fn font(size: u32) -> TextStyle<'static> {
    (FONT, size).into_font().into()
}

/// How a curve's legend names the inverse link F: `sigmoid` for the logit,
/// `Phi` (the normal CDF) for the probit, `inverse cloglog` and so on.
pub(super) fn inverse_name(link: LinkKind) -> String {
    match link {
        LinkKind::Logit => "sigmoid".into(),
        LinkKind::Probit => "Phi".into(),
        link => format!("inverse {}", link.name().to_lowercase()),
    }
}

/// The coordinates of a chart against the optimiser's step with both axes
/// logarithmic and ticked at chosen points.
pub type LogLog = Cartesian2d<WithKeyPoints<LogCoord<f64>>, WithKeyPoints<LogCoord<f64>>>;

/// A chart of a positive quantity against the optimiser's step, both axes
/// logarithmic: the step on `axis`, the quantity from `floor` to `y1` ticked
/// by [`log_ticks`], with `title` and the mesh drawn (`y_desc` naming the
/// quantity), ready for its series.
pub fn log_log_chart<'a, 'b>(
    root: &'a DrawingArea<SVGBackend<'b>, Shift>,
    title: &str,
    y_desc: &str,
    axis: StepAxis,
    (floor, y1): (f64, f64),
) -> Result<ChartContext<'a, SVGBackend<'b>, LogLog>, PlotError> {
    let mut chart = ChartBuilder::on(root)
        .caption(title, font(TITLE_SIZE))
        .margin(20)
        .x_label_area_size(55)
        .y_label_area_size(80)
        .build_cartesian_2d(
            axis.range().log_scale().with_key_points(axis.ticks()),
            (floor..y1)
                .log_scale()
                .with_key_points(log_ticks(floor, y1)),
        )?;
    chart
        .configure_mesh()
        .x_desc(StepAxis::DESC)
        .y_desc(y_desc)
        .axis_desc_style(font(DESC_SIZE))
        .label_style(font(LABEL_SIZE))
        .x_label_formatter(&|v| StepAxis::label(*v))
        .y_label_formatter(&|v| log_tick(*v))
        .draw()?;
    Ok(chart)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pick_keeps_ends_and_caps() {
        assert_eq!(pick(5, 10), vec![0, 1, 2, 3, 4]);
        let p = pick(10_001, 2000);
        assert_eq!(p.len(), 2000);
        assert_eq!((p[0], p[1999]), (0, 10_000));
        assert!(p.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn log_ticks_fill_a_narrow_range() {
        let t = log_ticks(0.22, 0.75);
        assert!(t.len() >= 4, "{t:?}");
        assert!(t.iter().all(|v| (0.22..=0.75).contains(v)));
        assert_eq!(log_ticks(0.01, 10.0)[0], 0.01);
    }

    #[test]
    fn log_ticks_over_many_decades_are_powers_of_ten() {
        assert_eq!(
            log_ticks(1e-18, 1.0),
            [1e-18, 1e-16, 1e-14, 1e-12, 1e-10, 1e-8, 1e-6, 1e-4, 1e-2, 1.0]
        );
        assert_eq!(
            log_ticks(3e-9, 0.5),
            [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.1]
        );
        assert_eq!(log_ticks(1e-30, 1.0).len(), 8, "every 4th of 31 powers");
        assert_eq!(log_ticks(0.05, 2.0), [0.05, 0.1, 0.2, 0.5, 1.0, 2.0]);
        assert_eq!(log_ticks(2e-4, 3e-3), [2e-4, 5e-4, 1e-3, 2e-3]);
        for (lo, hi) in [(1e-300, 1e300), (0.22, 0.75), (1e-5, 1e-4), (7.0, 9.0)] {
            let t = log_ticks(lo, hi);
            assert!((2..=MAX_LOG_TICKS).contains(&t.len()), "{lo} {hi}: {t:?}");
            assert!(t.iter().all(|v| (lo..=hi).contains(v)), "{lo} {hi}: {t:?}");
            assert!(t.windows(2).all(|w| w[0] < w[1]), "{lo} {hi}: {t:?}");
        }
    }

    #[test]
    fn log_tick_labels_are_decimal_or_scientific() {
        let labels: Vec<String> = [1e-12, 2.5e-7, 1e-3, 0.01, 0.25, 1.0, 1e4, 1e5, 1e6]
            .map(log_tick)
            .into();
        assert_eq!(
            labels,
            ["1e-12", "2.5e-7", "1e-3", "0.01", "0.25", "1", "10000", "1e5", "1e6"]
        );
    }

    #[test]
    fn the_step_axis_starts_at_step_0_and_labels_steps() {
        let a = StepAxis { last: 10_000 };
        assert_eq!(a.range(), 1.0..10_001.0 * 1.3);
        let labels: Vec<String> = a.ticks().into_iter().map(StepAxis::label).collect();
        assert_eq!(labels, ["0", "1", "10", "100", "1000", "10000"]);
        assert_eq!(StepAxis::x(0), 1.0);
        // A short run still spans a decade; a long one thins its powers.
        assert_eq!(StepAxis { last: 0 }.range(), 1.0..10.0);
        let labels = |last| -> Vec<String> {
            let a = StepAxis { last };
            a.ticks().into_iter().map(StepAxis::label).collect()
        };
        assert_eq!(labels(0), ["0", "1", "2", "5"]);
        assert_eq!(labels(50), ["0", "1", "2", "5", "10", "20", "50"]);
        assert_eq!(labels(300), ["0", "1", "10", "100"]);
        let long = StepAxis {
            last: 10usize.pow(12),
        }
        .ticks();
        assert!(long.len() <= MAX_LOG_TICKS, "{long:?}");
        let labels: Vec<String> = long.into_iter().map(StepAxis::label).collect();
        assert_eq!(
            labels,
            ["0", "1", "100", "10000", "1e6", "1e8", "1e10", "1e12"]
        );
    }

    #[test]
    fn the_log_floor_is_a_decade_below_the_smallest_positive_value() {
        assert_eq!(log_floor([0.3, 2.5e-9, 0.0, -1e-3, f64::NAN], 1e-3), 1e-10);
        assert_eq!(log_floor([1e-8], 1e-3), 1e-9);
        assert_eq!(log_floor([0.0, -1.0], 1e-3), 1e-3);
    }

    #[test]
    fn padded_axes_are_finite_and_wide_enough() {
        for (lo, hi) in [
            (-1e300, 1e300),
            (1e300, 1e300),
            (0.0, 0.0),
            (1e300, 1e300 * (1.0 + 1e-15)),
            (-5e-324, 5e-324),
            (-f64::MAX, f64::MAX),
        ] {
            let (a, b) = pad((lo, hi), 0.05);
            assert!(
                a.is_finite() && b.is_finite() && (b - a).is_finite(),
                "{lo} {hi}"
            );
            assert!(b - a >= MIN_REL_WIDTH * a.abs().max(b.abs()), "{lo} {hi}");
        }
    }

    #[test]
    fn huge_and_non_finite_values_are_left_out_of_ranges() {
        let v = [1.0, f64::NAN, 5e307, -f64::INFINITY, -2.0];
        assert_eq!(finite_range(v), Some((-2.0, 1.0)));
        assert_eq!(finite_range([f64::NAN]), None);
    }

    #[test]
    fn tick_labels_are_short() {
        assert_eq!(tick(0.30000000000000004), "0.3");
        assert_eq!(tick(-0.0), "0");
        assert_eq!(tick(2500.0), "2500");
    }
}
