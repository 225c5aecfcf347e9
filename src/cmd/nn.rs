//! `logreg nn`: train the network as the PyTorch original does.
use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::builder::TypedValueParser;
use logreg::glm::{self, GlmConfig};
use logreg::nn::{train, train_with, NnFit, Observer, Record, Want};
use logreg::plot;

use super::common::{DataArgs, TrainArgs};
use super::output::print;
use super::Global;

/// Train logistic regression as a one-layer network: Linear(k, 1), sigmoid,
/// BCE loss, full-batch SGD, seeded like `torch.manual_seed(seed)`. With the
/// same data and seed, the initial and trained weights equal PyTorch's.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  logreg nn --seed 7\n  logreg nn --data scores.csv --target admitted --standardize --json"
)]
pub struct Args {
    #[command(flatten)]
    pub data: DataArgs,
    #[command(flatten)]
    pub train: TrainArgs,
    /// Write a CSV of step, loss and parameters every --log-every steps.
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    pub trace: Option<PathBuf>,
    /// Steps between rows of --trace.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..).map(|v| v as usize), help_heading = "Output")]
    pub log_every: usize,
    /// Print one JSON object instead of the table.
    #[arg(long, help_heading = "Output")]
    pub json: bool,
    /// Write loss.svg and params.svg into DIR (created if missing), with the
    /// GLM (fitted at its defaults) as reference lines. The loss is kept
    /// every steps/2000 steps, or every --log-every steps with --trace (at
    /// most 4097 states: the interval doubles as the record fills).
    #[arg(long, value_name = "DIR", help_heading = "Output")]
    pub plots: Option<PathBuf>,
}

pub fn run(g: &Global, a: Args) -> anyhow::Result<()> {
    let loaded = a.data.load(g)?;
    // The pictures' record: every --log-every steps with --trace (the
    // trace's rows), else every steps/2000; the library thins it further
    // on long runs.
    let record = a.plots.as_ref().map(|_| Record {
        every: match a.trace {
            Some(_) => a.log_every,
            None => (a.train.steps / plot::MAX_LINE_POINTS).max(1),
        },
        loss: true,
    });
    let cfg = a.train.config(g.seed, record)?;
    let fit = match &a.trace {
        None => train(&loaded.data, &cfg)?,
        Some(path) => {
            let mut rows = TraceRows::new(open_trace(path)?, a.log_every, &loaded.data.names)
                .with_context(|| format!("{}: cannot write", path.display()))?;
            let fit = train_with(&loaded.data, &cfg, &mut [&mut rows]);
            let file = rows
                .finish()
                .with_context(|| format!("{}: cannot write", path.display()))?;
            let fit = fit?;
            file.commit()?;
            fit
        }
    };
    if let Some(dir) = &a.plots {
        // The GLM gives the reference lines; if it cannot be fitted, the
        // pictures are drawn without them.
        let glm = glm::fit(&loaded.data, &GlmConfig::default())
            .inspect_err(|e| eprintln!("note: --plots: no GLM reference lines (GLM: {e})"))
            .ok();
        let plots = plot::training(&fit, glm.as_ref(), loaded.data.truth.as_deref())?;
        super::output::write_plots(dir, &plots)?;
    }
    if a.json {
        print(&(serde_json::to_string_pretty(&fit)? + "\n"))
    } else {
        print(&render(&fit, &loaded.data.target))
    }
}

/// The --trace CSV, written as training goes: `step,loss,<names...>`, then
/// a row every `every` steps and one after the last step. The first write
/// error stops training; [`TraceRows::finish`] returns it.
struct TraceRows<W: Write> {
    out: W,
    every: usize,
    error: Option<std::io::Error>,
}

impl<W: Write> TraceRows<W> {
    /// Write the header line.
    fn new(mut out: W, every: usize, names: &[String]) -> std::io::Result<Self> {
        writeln!(out, "step,loss,{}", names.join(","))?;
        Ok(TraceRows {
            out,
            every,
            error: None,
        })
    }

    /// Flush, and hand back the sink, or the first write error.
    fn finish(mut self) -> std::io::Result<W> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

impl<W: Write> Observer for TraceRows<W> {
    fn wants(&self, step: usize, last: bool) -> Want {
        match last || step % self.every == 0 {
            true => Want::ParamsAndLoss,
            false => Want::Nothing,
        }
    }

    fn observe(
        &mut self,
        step: usize,
        _last: bool,
        loss: Option<f64>,
        params: &[f64],
    ) -> ControlFlow<()> {
        let mut row = format!("{step},{}", loss.unwrap_or(f64::NAN));
        for v in params {
            let _ = write!(row, ",{v}");
        }
        row.push('\n');
        match self.out.write_all(row.as_bytes()) {
            Ok(()) => ControlFlow::Continue(()),
            Err(e) => {
                self.error = Some(e);
                ControlFlow::Break(())
            }
        }
    }
}

/// Open the --trace file for streaming: a temporary file next to the target
/// (created now, so an unwritable folder fails before training), renamed
/// over the target by [`TraceFile::commit`]; dropped uncommitted, it is
/// removed. Written whole or not at all, as [`super::output::write_atomic`].
fn open_trace(path: &Path) -> anyhow::Result<TraceFile> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .with_context(|| format!("{}: not a file name", path.display()))?;
    let tmp = dir.join(format!(
        ".{}.tmp{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let file = File::create(&tmp).with_context(|| format!("{}: cannot write", path.display()))?;
    Ok(TraceFile {
        path: path.to_path_buf(),
        tmp,
        out: Some(BufWriter::new(file)),
    })
}

/// A file being written under a temporary name (see [`open_trace`]).
struct TraceFile {
    path: PathBuf,
    tmp: PathBuf,
    out: Option<BufWriter<File>>,
}

impl TraceFile {
    /// Flush, sync and rename over the target.
    fn commit(mut self) -> anyhow::Result<()> {
        let out = self.out.take().expect("committed once");
        let result = (|| -> std::io::Result<()> {
            let file = out.into_inner().map_err(|e| e.into_error())?;
            file.sync_all()?;
            std::fs::rename(&self.tmp, &self.path)
        })();
        result.with_context(|| format!("{}: cannot write", self.path.display()))
    }
}

impl Write for TraceFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.out.as_mut().expect("not committed").write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.as_mut().expect("not committed").flush()
    }
}

impl Drop for TraceFile {
    fn drop(&mut self) {
        // Not renamed (an error, or a failed commit): leave nothing behind.
        // After a rename there is nothing under the temporary name.
        let _ = std::fs::remove_file(&self.tmp);
    }
}

/// A coefficient for a table: fixed point, or scientific when very large or small.
pub fn num(v: f64) -> String {
    if v != 0.0 && !(1e-4..1e5).contains(&v.abs()) {
        format!("{v:.5e}")
    } else {
        format!("{v:.6}")
    }
}

/// The network's result as a small table.
pub fn render(fit: &NnFit, target: &str) -> String {
    let w = fit.names.iter().map(String::len).max().unwrap_or(5).max(5);
    let mut s = format!(
        "Network: Linear({}, 1) + sigmoid, BCE loss, {} lr {:?}, {} steps; target {target}\n",
        fit.names.len() - 1,
        fit.optimizer,
        fit.lr,
        fit.steps
    );
    let _ = writeln!(s, "{:<w$}  {:>12}  {:>12}", "", "init", "trained");
    for ((name, i), p) in fit.names.iter().zip(&fit.init_params).zip(&fit.params) {
        let _ = writeln!(s, "{name:<w$}  {:>12}  {:>12}", num(*i), num(*p));
    }
    let _ = writeln!(s, "Final loss: {:.10}", fit.loss);
    if let Some(c) = fit.converged_at {
        let _ = writeln!(s, "Converged at step {c} (--tol)");
    }
    let _ = writeln!(s, "Time: {:.3} s", fit.time_s);
    s
}
