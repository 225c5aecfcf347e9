//! A study's result, the same from `repeat` and `logreg summarize`: the
//! text table or `--json` on stdout (or stderr, when stdout carries the
//! lines), and the `--plots` pictures.
use std::path::Path;

use logreg::plot::study_plots;
use logreg::study::{render_study, study_json, Merged, Times};

use super::output::{print_then, write_plots};

/// Where the result goes and in which form.
pub struct StudyOutput<'a> {
    /// `--json`: the JSON object instead of the table.
    pub json: bool,
    /// `--plots DIR`.
    pub plots: Option<&'a Path>,
    /// The result goes to stderr (stdout carries the run lines).
    pub to_stderr: bool,
}

/// Print the summary of `m` (with its Time line and `_s` keys when `times`
/// are known: `repeat`, not `summarize`), then write the plots.
pub fn show(m: &Merged, times: Option<Times>, how: &StudyOutput<'_>) -> anyhow::Result<()> {
    let result = match how.json {
        true => serde_json::to_string_pretty(&study_json(m, times))? + "\n",
        false => render_study(m, times),
    };
    let plots = match how.plots {
        Some(_) => study_plots(m)?,
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
