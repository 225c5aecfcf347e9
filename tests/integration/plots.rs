//! `--plots DIR`: which files each command writes, that each is well-formed
//! 800×600 SVG with a title, axis labels and a legend, and that each series
//! has the number of points its inputs give (after the documented caps:
//! lines thinned to 2000 points, smooth curves drawn with 200).
//!
//! Series are told apart by their colour (plotters writes `stroke` / `fill`
//! as `#RRGGBB`); every legend entry adds one sample element in the same
//! style, a 2-point line or one marker.
use std::collections::HashMap;
use std::path::Path;

use super::support::{fixtures, logreg, temp_dir};

/// Colours the plot module uses (src/plot/common.rs).
const GLM: &str = "#1F77B4";
const NN: &str = "#FF7F0E";
const DATA: &str = "#5A5A5A";
const TRUTH: &str = "#333333";
/// Parameter colours, in order (matplotlib's tab10).
const PARAM: [&str; 4] = ["#1F77B4", "#FF7F0E", "#2CA02C", "#D62728"];
/// Dash patterns of reference lines: GLM estimate dashed, true value dotted.
const DASHED: &str = "10 6";
const DOTTED: &str = "2 4";
/// Points of a thinned training path, and of a drawn sigmoid.
const MAX_LINE: usize = 2000;
const CURVE: usize = 200;

/// One element of a parsed SVG: name, attributes and its own text.
#[derive(Debug)]
struct Elem {
    name: String,
    attrs: HashMap<String, String>,
    text: String,
}

impl Elem {
    fn attr(&self, k: &str) -> Option<&str> {
        self.attrs.get(k).map(String::as_str)
    }
    /// Number of points of a `<polyline>`.
    fn points(&self) -> usize {
        self.attr("points").unwrap_or("").split_whitespace().count()
    }
}

/// Parse `svg` as XML with `roxmltree`, panicking on anything not
/// well-formed (unbalanced or mismatched tags, unquoted or repeated
/// attributes, bad entities, text outside the root, more than one root),
/// and return its elements in document order, each with its own text
/// (trimmed pieces, entities decoded). The root must be `<svg>`.
fn parse(svg: &str) -> Vec<Elem> {
    use roxmltree::Error;
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| {
        let what = match e {
            Error::UnexpectedCloseTag(..) => "mismatched closing tag",
            Error::UnclosedRootNode => "unclosed elements",
            Error::UnknownEntityReference(..) => "unknown entity",
            _ => "not well-formed XML",
        };
        panic!("{what}: {e}")
    });
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg", "the root element is <svg>");
    root.descendants()
        .filter(|n| n.is_element())
        .map(|n| Elem {
            name: n.tag_name().name().into(),
            attrs: n
                .attributes()
                .map(|a| (a.name().to_string(), a.value().to_string()))
                .collect(),
            text: n
                .children()
                .filter_map(|c| c.text())
                .map(str::trim)
                .collect(),
        })
        .collect()
}

/// A parsed picture with the queries the tests need.
struct Svg {
    name: String,
    elems: Vec<Elem>,
}

impl Svg {
    fn read(dir: &Path, name: &str) -> Svg {
        let path = dir.join(name);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let elems = parse(&text);
        let root = &elems[0];
        assert_eq!(root.attr("width"), Some("800"), "{name}");
        assert_eq!(root.attr("height"), Some("600"), "{name}");
        Svg {
            name: name.into(),
            elems,
        }
    }

    fn texts(&self) -> Vec<&str> {
        self.elems
            .iter()
            .filter(|e| e.name == "text")
            .map(|e| e.text.as_str())
            .collect()
    }

    /// Assert that a `<text>` reads exactly `s`.
    fn has_text(&self, s: &str) {
        assert!(
            self.texts().contains(&s),
            "{}: no text '{s}' in {:?}",
            self.name,
            self.texts()
        );
    }

    /// Point counts of the polylines stroked in `color` with dash pattern
    /// `dash` (None: solid), in document order.
    fn lines(&self, color: &str, dash: Option<&str>) -> Vec<usize> {
        self.elems
            .iter()
            .filter(|e| {
                e.name == "polyline"
                    && e.attr("stroke") == Some(color)
                    && e.attr("stroke-dasharray") == dash
            })
            .map(Elem::points)
            .collect()
    }

    /// Number of `<name>` elements filled with `color`.
    fn filled(&self, name: &str, color: &str) -> usize {
        self.circles(name, color).len()
    }

    /// The `<name>` elements filled with `color`, in document order.
    fn circles(&self, name: &str, color: &str) -> Vec<&Elem> {
        self.elems
            .iter()
            .filter(|e| e.name == name && e.attr("fill") == Some(color))
            .collect()
    }

    /// The points of the polylines stroked in `color` with dash pattern
    /// `dash`, one list per line, in document order.
    fn line_points(&self, color: &str, dash: Option<&str>) -> Vec<Vec<(f64, f64)>> {
        self.elems
            .iter()
            .filter(|e| {
                e.name == "polyline"
                    && e.attr("stroke") == Some(color)
                    && e.attr("stroke-dasharray") == dash
            })
            .map(|e| {
                e.attr("points")
                    .unwrap_or("")
                    .split_whitespace()
                    .map(|p| {
                        let (x, y) = p.split_once(',').unwrap();
                        (x.parse().unwrap(), y.parse().unwrap())
                    })
                    .collect()
            })
            .collect()
    }

    /// The pixel x of the step axis's tick labelled `label` (tick labels
    /// under the x axis are centred on their tick; the y axis's end at it).
    fn x_tick(&self, label: &str) -> f64 {
        let e = self
            .elems
            .iter()
            .find(|e| {
                e.name == "text" && e.text == label && e.attr("text-anchor") == Some("middle")
            })
            .unwrap_or_else(|| panic!("{}: no x tick {label}", self.name));
        num(e, "x")
    }

    /// The pixel y of the y axis's tick labelled `label`.
    fn y_tick(&self, label: &str) -> f64 {
        let e = self
            .elems
            .iter()
            .find(|e| e.name == "text" && e.text == label && e.attr("text-anchor") == Some("end"))
            .unwrap_or_else(|| panic!("{}: no y tick {label}", self.name));
        num(e, "y")
    }

    /// The pixel y of the plot's bottom edge: where the vertical grid lines
    /// start.
    fn bottom(&self) -> f64 {
        let e = self
            .elems
            .iter()
            .find(|e| e.name == "line" && e.attr("x1") == e.attr("x2"))
            .unwrap_or_else(|| panic!("{}: no vertical grid line", self.name));
        num(e, "y1")
    }
}

/// A numeric attribute.
fn num(e: &Elem, k: &str) -> f64 {
    e.attr(k)
        .unwrap_or_else(|| panic!("no {k}"))
        .parse()
        .unwrap()
}

/// The "wrote DIR/NAME" lines on stderr, as file names.
fn wrote(stderr: &str, dir: &Path) -> Vec<String> {
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix("wrote "))
        .map(|p| {
            let p = Path::new(p);
            assert_eq!(p.parent(), Some(dir), "written outside --plots DIR");
            p.file_name().unwrap().to_string_lossy().into_owned()
        })
        .collect()
}

/// The legend's minimum must be the network's objective at the GLM
/// estimate: for 0/1 outcomes without weights, -llf / n.
fn check_glm_minimum(loss: &Svg, json: &serde_json::Value) {
    let llf = json["glm"]["llf"].as_f64().unwrap();
    let n = json["glm"]["nobs"].as_f64().unwrap();
    let m = -llf / n;
    assert!(m > 1e-3, "these fixtures are not separated");
    loss.has_text(&format!("minimum (GLM estimate): {m:.6}"));
}

/// loss.svg with the GLM: the network's excess (`drawn` points on lines and
/// dots, with one legend sample), and Fisher scoring's after each of the
/// GLM's iterations, a line through a marker per iteration, the last one
/// (the estimate itself: excess 0 up to rounding) at the axis floor.
fn check_excess_loss(l: &Svg, json: &serde_json::Value, drawn: usize) {
    l.has_text("Loss above its minimum: SGD against Fisher scoring");
    l.has_text("optimiser step (log scale: step s drawn at s + 1)");
    l.has_text("excess loss: mean BCE - its minimum (log scale)");
    l.has_text("SGD (network)");
    l.has_text("Fisher scoring (GLM)");
    check_network_excess(l, drawn);
    let iterations = json["glm"]["iterations"].as_u64().unwrap() as usize;
    assert_eq!(l.lines(GLM, None), [iterations, 2]);
    let marks = l.circles("circle", GLM);
    assert_eq!(marks.len(), iterations);
    assert_eq!(
        num(marks[iterations - 1], "cy"),
        l.bottom(),
        "the last iteration is at the floor"
    );
    assert!(marks[..iterations - 1]
        .iter()
        .all(|c| num(c, "cy") < l.bottom()));
    assert!(
        l.texts()
            .iter()
            .any(|t| t.starts_with("excess <= 0 (rounding): drawn at 1e-")),
        "{:?}",
        l.texts()
    );
    check_glm_minimum(l, json);
}

/// The network's `drawn` points in loss.svg, on lines (runs above the floor
/// or on it) and dots (lone steps), and one legend sample.
fn check_network_excess(l: &Svg, drawn: usize) {
    let nn = l.lines(NN, None);
    assert_eq!(nn.last(), Some(&2), "the legend sample");
    let dots = l.filled("circle", NN);
    assert_eq!(nn[..nn.len() - 1].iter().sum::<usize>() + dots, drawn);
}

/// distance.svg: the network's distance from the GLM (`drawn` points), the
/// 1e-3 line, and compare's `steps_to_match` marked on it at that step:
/// its pixel is where the log step axis puts it, from the ticks of steps 0
/// and 1000.
fn check_distance(d: &Svg, json: &serde_json::Value, drawn: usize) {
    d.has_text("Distance from the GLM estimate during training");
    d.has_text("max |network - GLM| over the coefficients (log scale)");
    d.has_text("matched: within 1e-3");
    assert_eq!(d.lines(NN, None), [drawn, 2]);
    let tol_line = d.line_points(TRUTH, Some(DASHED));
    assert_eq!(tol_line.len(), 2, "the 1e-3 line and its legend sample");
    let y_tol = tol_line[0][0].1;
    assert_eq!(y_tol, tol_line[0][1].1, "horizontal");
    assert_eq!(y_tol, d.y_tick("1e-3"), "at 1e-3");
    let m = json["steps_to_match"].as_u64().expect("these runs match") as f64;
    d.has_text(&format!("first within it: step {m}"));
    let marker = d.circles("circle", TRUTH);
    assert_eq!(marker.len(), 2, "the marker and its legend sample");
    assert_eq!(num(marker[0], "cy"), y_tol, "on the 1e-3 line");
    let (x0, x1000) = (d.x_tick("0"), d.x_tick("1000"));
    let want = x0 + (m + 1.0).ln() / 1001f64.ln() * (x1000 - x0);
    let cx = num(marker[0], "cx");
    assert!(
        (cx - want).abs() <= 2.0,
        "marker at x {cx}, step {m} is at {want}"
    );
    // A dotted line from the marker down to the step axis.
    let drop = d.line_points(TRUTH, Some(DOTTED));
    assert_eq!(drop, [vec![(cx, d.bottom()), (cx, y_tol)]]);
}

#[test]
fn demo_writes_five_pictures_with_every_series() {
    let dir = temp_dir("plots-demo").join("new/sub");
    let r = logreg(&["demo", "--json", "--plots", dir.to_str().unwrap()]);
    let json: serde_json::Value = serde_json::from_str(&r.ok()).expect("stdout stays JSON");
    let names = [
        "probability.svg",
        "outcomes.svg",
        "loss.svg",
        "distance.svg",
        "params.svg",
    ];
    assert_eq!(wrote(&r.stderr(), &dir), names, "{}", r.describe());
    let n = 1000;

    let p = Svg::read(&dir, "probability.svg");
    p.has_text("Simulated data: true probability against the true linear predictor");
    p.has_text("true linear predictor  X beta");
    p.has_text("true probability  p = sigmoid(X beta)");
    p.has_text("sigmoid(t) = 1 / (1 + exp(-t))");
    p.has_text("rows (true p), n = 1000");
    // One marker per row plus the legend's; the curve plus its legend sample.
    assert_eq!(p.filled("circle", DATA), n + 1);
    assert_eq!(p.lines(GLM, None), [CURVE, 2]);

    let o = Svg::read(&dir, "outcomes.svg");
    o.has_text("Outcomes and fitted probabilities against the GLM's linear predictor");
    o.has_text("GLM linear predictor  X beta-hat");
    o.has_text("outcome y (jittered) and fitted probability");
    o.has_text("outcomes y (jittered), n = 1000");
    o.has_text("GLM: sigmoid(X beta-hat)");
    o.has_text("network: sigmoid(X w + b)");
    assert_eq!(o.filled("circle", DATA), n + 1);
    assert_eq!(o.lines(GLM, None), [CURVE, 2]);
    assert_eq!(o.lines(NN, None), [n, 2]);

    // 10,000 steps: the record halves itself each time it holds 4096
    // states (every step, then every 2nd, then every 4th): 2501 states,
    // thinned to 2000 points.
    check_excess_loss(&Svg::read(&dir, "loss.svg"), &json, MAX_LINE);
    check_distance(&Svg::read(&dir, "distance.svg"), &json, MAX_LINE);

    let pa = Svg::read(&dir, "params.svg");
    pa.has_text("Network parameters during training");
    pa.has_text("parameter value");
    for (j, name) in ["const", "x1", "x2"].iter().enumerate() {
        pa.has_text(name);
        // The path and its legend sample; the GLM estimate; the true value.
        assert_eq!(pa.lines(PARAM[j], None), [MAX_LINE, 2], "{name}");
        assert_eq!(pa.lines(PARAM[j], Some(DASHED)), [2], "{name}");
        assert_eq!(pa.lines(PARAM[j], Some(DOTTED)), [2], "{name}");
    }
    pa.has_text("GLM estimate");
    pa.has_text("true value");
    assert_eq!(pa.lines(TRUTH, Some(DASHED)), [2]);
    assert_eq!(pa.lines(TRUTH, Some(DOTTED)), [2]);
}

#[test]
fn compare_on_a_data_file_draws_the_glm_fit() {
    let dir = temp_dir("plots-compare");
    let data = fixtures().join("glm/spector.csv");
    let r = logreg(&[
        "compare",
        "--data",
        data.to_str().unwrap(),
        "--target",
        "GRADE",
        "--standardize",
        "--steps",
        "1500",
        "--json",
        "--plots",
        dir.to_str().unwrap(),
    ]);
    let json: serde_json::Value = serde_json::from_str(&r.ok()).expect("stdout stays JSON");
    assert_eq!(
        wrote(&r.stderr(), &dir),
        [
            "probability.svg",
            "outcomes.svg",
            "loss.svg",
            "distance.svg",
            "params.svg"
        ]
    );
    let n = 32;

    let p = Svg::read(&dir, "probability.svg");
    p.has_text("GLM fit: fitted probability against the linear predictor");
    p.has_text("fitted linear predictor  X beta-hat");
    p.has_text("rows (GLM fitted p), n = 32");
    assert_eq!(p.filled("circle", DATA), n + 1);
    assert_eq!(p.lines(GLM, None), [CURVE, 2]);

    let o = Svg::read(&dir, "outcomes.svg");
    assert_eq!(o.filled("circle", DATA), n + 1);
    assert_eq!(o.lines(NN, None), [n, 2]);

    // 1500 steps: 1501 states, under the cap, all drawn.
    check_excess_loss(&Svg::read(&dir, "loss.svg"), &json, 1501);
    check_distance(&Svg::read(&dir, "distance.svg"), &json, 1501);

    // Four coefficients, no true values for a data file.
    let pa = Svg::read(&dir, "params.svg");
    for (j, name) in ["const", "GPA", "TUCE", "PSI"].iter().enumerate() {
        pa.has_text(name);
        assert_eq!(pa.lines(PARAM[j], None), [1501, 2], "{name}");
        assert_eq!(pa.lines(PARAM[j], Some(DASHED)), [2], "{name}");
        assert!(pa.lines(PARAM[j], Some(DOTTED)).is_empty(), "{name}");
    }
    assert!(!pa.texts().contains(&"true value"));
}

#[test]
fn nn_writes_loss_and_params_only() {
    let dir = temp_dir("plots-nn");
    // 4100 steps: recorded every 4100 / 2000 = 2 steps, 2051 states,
    // thinned to 2000 points.
    let r = logreg(&[
        "nn",
        "--n",
        "200",
        "--steps",
        "4100",
        "--plots",
        dir.to_str().unwrap(),
    ]);
    r.ok();
    assert_eq!(wrote(&r.stderr(), &dir), ["loss.svg", "params.svg"]);
    assert!(!dir.join("probability.svg").exists());
    let l = Svg::read(&dir, "loss.svg");
    check_network_excess(&l, MAX_LINE);
    // The GLM, fitted for reference, gives the minimum and Fisher
    // scoring's iterations (7 on these data).
    l.has_text("Fisher scoring (GLM)");
    assert_eq!(l.lines(GLM, None), [7, 2]);
    let pa = Svg::read(&dir, "params.svg");
    for color in &PARAM[..3] {
        assert_eq!(pa.lines(color, None), [MAX_LINE, 2]);
        assert_eq!(pa.lines(color, Some(DASHED)), [2]);
        assert_eq!(pa.lines(color, Some(DOTTED)), [2]);
    }
}

#[test]
fn nn_plots_follow_the_trace_rows() {
    let dir = temp_dir("plots-nn-trace");
    let trace = dir.join("trace.csv");
    let r = logreg(&[
        "nn",
        "--n",
        "200",
        "--steps",
        "300",
        "--trace",
        trace.to_str().unwrap(),
        "--log-every",
        "50",
        "--plots",
        dir.to_str().unwrap(),
    ]);
    r.ok();
    // Steps 0, 50, ..., 250 and the final 300: as the trace's rows.
    let rows = std::fs::read_to_string(&trace).unwrap().lines().count() - 1;
    assert_eq!(rows, 7);
    let l = Svg::read(&dir, "loss.svg");
    assert_eq!(l.lines(NN, None), [rows, 2]);
    let pa = Svg::read(&dir, "params.svg");
    assert_eq!(pa.lines(PARAM[0], None), [rows, 2]);
}

/// The network's float32 loss rounds to either side of the minimum: runs
/// of positive excess are lines, runs at or below 0 are lines along the
/// floor (a decade below the smallest positive value, said in the legend),
/// a lone step a dot; Fisher scoring's exact 0 is a marker on the floor.
#[test]
fn loss_draws_an_excess_at_or_below_zero_at_the_floor() {
    let glm = logreg::plot::GlmLoss {
        minimum: 0.25,
        fisher: vec![1e-2, 1e-5, 1e-11, 0.0],
    };
    let steps: Vec<usize> = (0..6).collect();
    let loss = [0.7, 0.3, 0.25 + 1e-8, 0.25, 0.25 - 1e-9, 0.25 + 2e-8];
    let svg = logreg::plot::loss(&steps, &loss, Some(&glm)).unwrap();
    let dir = temp_dir("plots-floor");
    std::fs::write(dir.join("loss.svg"), &svg).unwrap();
    let l = Svg::read(&dir, "loss.svg");
    l.has_text("excess <= 0 (rounding): drawn at 1e-12");
    l.has_text("minimum (GLM estimate): 0.250000");
    let bottom = l.bottom();
    let nn = l.line_points(NN, None);
    assert_eq!(nn.len(), 3, "two runs and the legend sample");
    assert_eq!(nn[0].len(), 3);
    assert!(nn[0].iter().all(|p| p.1 < bottom));
    assert_eq!(nn[1].len(), 2);
    assert!(nn[1].iter().all(|p| p.1 == bottom), "{:?}", nn[1]);
    let dot = l.circles("circle", NN);
    assert_eq!(dot.len(), 1);
    assert!(num(dot[0], "cy") < bottom);
    let marks: Vec<f64> = l
        .circles("circle", GLM)
        .iter()
        .map(|c| num(c, "cy"))
        .collect();
    assert_eq!(marks.len(), 4);
    assert_eq!(marks[3], bottom);
    assert!(marks.windows(2).all(|w| w[0] < w[1]), "{marks:?}");

    // Without the GLM: the loss itself, all of it above the floor.
    let svg = logreg::plot::loss(&steps, &loss, None).unwrap();
    std::fs::write(dir.join("loss.svg"), &svg).unwrap();
    let l = Svg::read(&dir, "loss.svg");
    l.has_text("Network training loss");
    l.has_text("loss: mean binary cross-entropy (log scale)");
    assert_eq!(l.lines(NN, None), [6, 2]);
    assert!(l.lines(GLM, None).is_empty());
    assert!(!l.texts().iter().any(|t| t.contains("rounding")));
}

/// With binomial counts and an offset the network minimises Σ trials ·
/// BCE(proportion, μ) / n: the minimum loss.svg measures from is that
/// objective at the GLM estimate (not deviance / 2n, nor -llf / n, which
/// differ from it by the entropy of the proportions and the binomial
/// coefficients), so the trained network's loss is at it.
#[test]
fn the_minimum_is_the_networks_objective_for_counts_with_an_offset() {
    let dir = temp_dir("plots-counts");
    let data = fixtures().join("glm/counts/counts_small.csv");
    let r = logreg(&[
        "compare",
        "--data",
        data.to_str().unwrap(),
        "--target",
        "s",
        "--failures",
        "f",
        "--features",
        "x1,x2",
        "--offset",
        "off",
        "--link",
        "cloglog",
        "--missing",
        "drop",
        "--json",
        "--plots",
        dir.to_str().unwrap(),
    ]);
    let json: serde_json::Value = serde_json::from_str(&r.ok()).expect("stdout stays JSON");
    let l = Svg::read(&dir, "loss.svg");
    let m: f64 = l
        .texts()
        .iter()
        .find_map(|t| t.strip_prefix("minimum (GLM estimate): "))
        .expect("the minimum in the legend")
        .parse()
        .unwrap();
    let nn_loss = json["nn"]["loss"].as_f64().unwrap();
    // Six decimals in the legend, and the float32 loss's rounding.
    assert!(
        (nn_loss - m).abs() <= 1e-6,
        "network {nn_loss}, minimum {m}"
    );
    let n = json["glm"]["nobs"].as_f64().unwrap();
    let dev_2n = json["glm"]["deviance"].as_f64().unwrap() / (2.0 * n);
    let llf_n = -json["glm"]["llf"].as_f64().unwrap() / n;
    assert!((dev_2n - m).abs() > 1e-3 && (llf_n - m).abs() > 1e-3);
}

#[test]
fn rejects_a_plots_dir_that_is_a_file() {
    let dir = temp_dir("plots-file");
    let file = dir.join("taken");
    std::fs::write(&file, "x").unwrap();
    let r = logreg(&["nn", "--steps", "10", "--plots", file.to_str().unwrap()]);
    // Checked before training: bad input, exit 2.
    assert_eq!(r.code(), Some(2), "{}", r.describe());
    assert!(r.stdout().is_empty(), "{}", r.describe());
    let err = r.stderr();
    assert!(
        err.starts_with("error: ") && err.contains("--plots") && err.contains("is not a folder"),
        "{}",
        r.describe()
    );
    assert_eq!(err.lines().count(), 1, "{}", r.describe());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
}

#[test]
fn sampling_draws_one_histogram_pair_per_coefficient() {
    // 25 runs: 5 bins. Coefficient a: GLM estimates 0..24 spread over all
    // five bins (5 each), network estimates all 12 (one bin). Coefficient
    // b: every estimate 1.0 (one bin each).
    let names = vec!["a".to_string(), "b".to_string()];
    let truth = [12.0, 1.0];
    let glm: Vec<Vec<f64>> = (0..25).map(|r| vec![r as f64, 1.0]).collect();
    let nn: Vec<Vec<f64>> = (0..25).map(|_| vec![12.0, 1.0]).collect();
    let svg = logreg::plot::sampling(&names, &truth, &glm, &nn).unwrap();
    let dir = temp_dir("plots-sampling");
    std::fs::write(dir.join("sampling.svg"), &svg).unwrap();
    let s = Svg::read(&dir, "sampling.svg");
    s.has_text("Estimates over 25 simulated data sets: GLM and network");
    for t in [
        "a",
        "b",
        "estimate",
        "runs",
        "GLM, 25 runs",
        "network, 25 runs",
    ] {
        s.has_text(t);
    }
    s.has_text("true value 12");
    s.has_text("true value 1");
    // Bars (non-empty bins) plus one legend sample per panel.
    assert_eq!(s.filled("rect", GLM), 5 + 1 + 2);
    assert_eq!(s.filled("rect", NN), 1 + 1 + 2);
    // The true value per panel, and its legend samples.
    assert_eq!(s.lines(TRUTH, Some(DOTTED)), [2, 2, 2, 2]);
}

#[test]
fn sampling_rejects_mismatched_runs() {
    let names = vec!["a".to_string(), "b".to_string()];
    let e = logreg::plot::sampling(&names, &[1.0, 2.0], &[vec![1.0]], &[]).unwrap_err();
    assert!(e.to_string().contains("has 1 values, expected 2"), "{e}");
}

#[test]
#[should_panic(expected = "mismatched closing tag")]
fn the_xml_check_rejects_crossed_tags() {
    parse(r#"<svg width="800"><text>a</g></svg>"#);
}

#[test]
#[should_panic(expected = "unclosed elements")]
fn the_xml_check_rejects_an_unclosed_element() {
    parse(r#"<svg width="800"><g>"#);
}

#[test]
#[should_panic(expected = "unknown entity")]
fn the_xml_check_rejects_a_bad_entity() {
    parse(r#"<svg><text>a &nbsp; b</text></svg>"#);
}

#[test]
fn repeat_draws_the_sampling_distributions() {
    let dir = temp_dir("plots-repeat");
    let runs_out = dir.join("runs.jsonl");
    let plots = dir.join("plots");
    let runs = 30;
    let r = logreg(&[
        "repeat",
        "--runs",
        &runs.to_string(),
        "--n",
        "200",
        "--steps",
        "300",
        "--quiet",
        "--runs-out",
        runs_out.to_str().unwrap(),
        "--plots",
        plots.to_str().unwrap(),
    ]);
    r.ok();
    assert_eq!(wrote(&r.stderr(), &plots), ["sampling.svg"]);
    let s = Svg::read(&plots, "sampling.svg");
    s.has_text(&format!(
        "Estimates over {runs} simulated data sets: GLM and network"
    ));
    // The expected bars, recomputed from the runs' estimates: per
    // coefficient, the non-empty bins of each fit over the shared range.
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&runs_out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), runs);
    let params = |fit: &str, j: usize| -> Vec<f64> {
        lines
            .iter()
            .map(|l| l[fit]["params"][j].as_f64().unwrap())
            .collect()
    };
    let truth = [0.3, -1.0, 2.0];
    let bins = logreg::plot::bin_count(runs);
    let (mut glm_bars, mut nn_bars) = (0, 0);
    for (j, name) in ["const", "x1", "x2"].iter().enumerate() {
        s.has_text(name);
        s.has_text(&format!("true value {}", truth[j]));
        let (g, n) = (params("glm", j), params("nn", j));
        let all = g.iter().chain(&n).chain([&truth[j]]);
        let lo = all.clone().copied().fold(f64::INFINITY, f64::min);
        let hi = all.copied().fold(f64::NEG_INFINITY, f64::max);
        let nonempty = |v: &[f64]| {
            logreg::plot::histogram(v, lo, hi, bins)
                .iter()
                .filter(|c| **c > 0)
                .count()
        };
        glm_bars += nonempty(&g);
        nn_bars += nonempty(&n);
    }
    s.has_text(&format!("GLM, {runs} runs"));
    s.has_text(&format!("network, {runs} runs"));
    // Bars plus one legend sample per panel.
    assert_eq!(s.filled("rect", GLM), glm_bars + 3);
    assert_eq!(s.filled("rect", NN), nn_bars + 3);
    assert_eq!(s.lines(TRUTH, Some(DOTTED)), [2; 6]);
}

/// With another link the curves are that link's inverse (the normal CDF
/// for the probit), for the GLM and for the network, and say so.
#[test]
fn compare_plots_draw_the_links_inverse() {
    let dir = temp_dir("plots-probit");
    let data = fixtures().join("glm/spector.csv");
    let r = logreg(&[
        "compare",
        "--data",
        data.to_str().unwrap(),
        "--target",
        "GRADE",
        "--link",
        "probit",
        "--standardize",
        "--steps",
        "200",
        "--plots",
        dir.to_str().unwrap(),
    ]);
    r.ok();
    let p = Svg::read(&dir, "probability.svg");
    p.has_text("Phi(t)");
    assert!(!p.texts().iter().any(|t| t.contains("sigmoid")));
    let o = Svg::read(&dir, "outcomes.svg");
    o.has_text("GLM: Phi(X beta-hat)");
    o.has_text("network: Phi(X w + b)");
}
