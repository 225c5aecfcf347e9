//! A study's result, the same from `repeat` and `logreg summarize`: the
//! text table or `--json` on stdout (or stderr, when stdout carries the
//! lines), and the `--plots` pictures.
use std::path::Path;

use logreg::plot::Plot;
use logreg::study::{render_study, study_json, summarize_cells, Design, Merged, Times};

use super::output::{print_then, write_plots};

/// The pictures of `--plots` for `design`: the sampling distributions of
/// one cell, or coverage (of the GLM's intervals: not with `--fits nn`) and
/// bias across the cells of a grid.
pub fn plot_names(design: &Design) -> &'static [&'static str] {
    match (design.grid.len(), design.fits.glm()) {
        (Some(1), _) => &["sampling.svg"],
        (_, true) => &["coverage.svg", "bias.svg"],
        (_, false) => &["bias.svg"],
    }
}

/// Where the result goes and in which form.
pub struct Show<'a> {
    /// `--json`: the JSON object instead of the table.
    pub json: bool,
    /// `--plots DIR`.
    pub plots: Option<&'a Path>,
    /// The result goes to stderr (stdout carries the run lines).
    pub to_stderr: bool,
}

/// Print the summary of `m` (with its Time line and `_s` keys when `times`
/// are known: `repeat`, not `summarize`), then write the plots.
pub fn show(m: &Merged, times: Option<Times>, how: &Show<'_>) -> anyhow::Result<()> {
    let result = match how.json {
        true => serde_json::to_string_pretty(&study_json(m, times))? + "\n",
        false => render_study(m, times),
    };
    let plots = match how.plots {
        Some(_) => pictures(m)?,
        None => Vec::new(),
    };
    let write = || match how.plots {
        Some(dir) => write_plots(dir, &plots),
        None => Ok(()),
    };
    if how.to_stderr {
        diag_raw!("{result}");
        return write();
    }
    print_then(&result, write)
}

/// The pictures named by [`plot_names`].
fn pictures(m: &Merged) -> anyhow::Result<Vec<Plot>> {
    let d = &m.design;
    let names = d.names();
    if d.grid.len() == Some(1) {
        let ok = m.lines.iter().filter(|l| !l.is_failed());
        let glm: Vec<Vec<f64>> = ok
            .clone()
            .filter_map(|l| Some(l.glm.as_ref()?.params.clone()))
            .collect();
        let nn: Vec<Vec<f64>> = ok
            .filter_map(|l| Some(l.nn.as_ref()?.params.clone()))
            .collect();
        let svg = logreg::plot::sampling(&names, &d.grid.beta[0], &glm, &nn)?;
        return Ok(vec![Plot {
            name: "sampling.svg",
            svg,
        }]);
    }
    let cells = summarize_cells(m);
    let mut plots = Vec::with_capacity(2);
    if d.fits.glm() {
        plots.push(Plot {
            name: "coverage.svg",
            svg: logreg::plot::study::coverage(&names, &cells, d.alpha)?,
        });
    }
    plots.push(Plot {
        name: "bias.svg",
        svg: logreg::plot::study::bias(&names, &cells)?,
    });
    Ok(plots)
}
