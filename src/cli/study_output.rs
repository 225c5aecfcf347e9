//! A study's result, the same from `repeat` and `logreg summarize`: the
//! text table or `--json` on stdout (or stderr, when stdout carries the
//! lines or a CSV), the `--plots` pictures, and the `--estimates` and
//! `--measures` CSV files.
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use logreg::plot::study_plots;
use logreg::study::{
    render_study, study_json, undefined_measures, write_estimates, write_measures, Merged, Times,
};

use super::output::{print_then, write_plots, Output};
use super::preflight::Preflight;

/// `--estimates` and `--measures`: the study in long format, for rsimsum,
/// pandas or a spreadsheet.
#[derive(Debug, Default, clap::Args)]
pub struct ExportArgs {
    /// Write the estimates as CSV to FILE, one row per run, estimator and
    /// coefficient: the cell's settings (one column each), seed, estimator
    /// (glm, nn), term, true, estimate, se, ci_lower, ci_upper (empty for
    /// the network), failed, separated. Written whole or not at all; `-`
    /// writes it to stdout, and the table then goes to stderr (not with
    /// --json, which is stdout's).
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    pub estimates: Option<PathBuf>,
    /// Write the measures as CSV to FILE, one row per cell, estimator,
    /// coefficient and measure (the keys of --json's cells[].glm and
    /// cells[].nn): the cell's settings, estimator, term, true, measure,
    /// value, mcse. Written whole or not at all; `-` as for --estimates.
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    pub measures: Option<PathBuf>,
}

impl ExportArgs {
    /// The two files for the checks before the work (`-`: stdout, which
    /// only one thing may take).
    pub fn preflight<'a, 'p>(&self, p: &'a mut Preflight<'p>) -> &'a mut Preflight<'p> {
        p.file("--estimates", self.estimates.as_deref())
            .file("--measures", self.measures.as_deref())
    }

    /// Whether one of them goes to stdout.
    fn to_stdout(&self) -> bool {
        [&self.estimates, &self.measures]
            .into_iter()
            .flatten()
            .any(|p| p.as_os_str() == "-")
    }
}

/// Where the result goes and in which form.
pub struct StudyOutput<'a> {
    /// `--json`: the JSON object instead of the table.
    pub json: bool,
    /// `--plots DIR`.
    pub plots: Option<&'a Path>,
    /// The result goes to stderr (stdout carries the run lines).
    pub to_stderr: bool,
    /// `--estimates`, `--measures`.
    pub exports: &'a ExportArgs,
}

/// Print the summary of `m` (with its Time line and `_s` keys when `times`
/// are known: `repeat`, not `summarize`), then write the plots and the
/// CSV files. A CSV on stdout sends the summary to stderr. Then a warning
/// on stderr explains every measure that is not finite.
pub fn show(m: &Merged, times: Option<Times>, how: &StudyOutput<'_>) -> anyhow::Result<()> {
    let shown = show_result(m, times, how);
    for why in undefined_measures(m) {
        diag!("warning: {why}");
    }
    shown
}

/// [`show`] but the warnings.
fn show_result(m: &Merged, times: Option<Times>, how: &StudyOutput<'_>) -> anyhow::Result<()> {
    let result = match how.json {
        true => serde_json::to_string_pretty(&study_json(m, times))? + "\n",
        false => render_study(m, times),
    };
    let plots = match how.plots {
        Some(_) => study_plots(m)?,
        None => Vec::new(),
    };
    let write = || {
        if let Some(dir) = how.plots {
            write_plots(dir, &plots)?;
        }
        if let Some(p) = &how.exports.estimates {
            write_csv(p, |w| write_estimates(m, w))?;
        }
        if let Some(p) = &how.exports.measures {
            write_csv(p, |w| write_measures(m, w))?;
        }
        Ok(())
    };
    if how.to_stderr || how.exports.to_stdout() {
        diag_raw!("{result}");
        return write();
    }
    print_then(&result, write)
}

/// Write a CSV to `path` (`-`: stdout) as `rows` makes it: a file appears
/// whole or not at all.
fn write_csv(
    path: &Path,
    rows: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let mut sink = Output::from_arg(Some(&path.to_path_buf())).open()?;
    let name = sink.name();
    let mut w = BufWriter::new(&mut sink);
    rows(&mut w)
        .and_then(|()| w.flush())
        .with_context(|| format!("{name}: cannot write"))?;
    drop(w);
    sink.commit()
}
