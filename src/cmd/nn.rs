//! `logreg nn`: train the network as the PyTorch original does.
use std::fmt::Write as _;
use std::io::{BufWriter, Write};
use std::ops::ControlFlow;
use std::path::PathBuf;

use anyhow::Context;
use logreg::glm::{self, GlmConfig};
use logreg::nn::{train, train_with, NnFit, Observer, Record, Want};
use logreg::numfmt::{cell, Short};
use logreg::plot;

use super::common::{parse_count, DataArgs, TrainArgs};
use super::output::{print_then, write_plots, Output};
use super::preflight::Preflight;
use super::{Global, UsageError};

/// The pictures of `--plots` (from `plot::training`).
const PLOTS: [&str; 2] = ["loss.svg", "params.svg"];

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
    #[arg(long, default_value_t = 100, value_parser = parse_count, allow_hyphen_values = true, help_heading = "Output")]
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
    let trace = a.trace.as_ref().map(|p| Output::from_arg(Some(p)));
    if matches!(trace, Some(Output::Stdout)) && a.json {
        return Err(UsageError(
            "--trace - and --json both write to stdout; give --trace a file".into(),
        )
        .into());
    }
    Preflight::default()
        .input("--data", a.data.data.as_deref())
        .file("--trace", a.trace.as_deref())
        .plots("--plots", a.plots.as_deref(), &PLOTS)
        .check()?;
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
    // The trace streams as training goes (a file: under a temporary name,
    // put in place once training has succeeded). A trace that cannot be
    // written does not stop training: the result is printed, then the
    // error reported.
    let (fit, traced) = match &trace {
        None => (train(&loaded.data, &cfg)?, Ok(())),
        Some(out) => {
            let sink = out.open()?;
            let name = sink.name();
            let mut rows = TraceRows::new(BufWriter::new(sink), a.log_every, &loaded.data.names);
            let fit = train_with(&loaded.data, &cfg, &mut [&mut rows])?;
            let traced = rows
                .finish()
                .and_then(|w| w.into_inner().map_err(|e| e.into_error()))
                .with_context(|| format!("{name}: cannot write"))
                .and_then(|sink| sink.commit());
            (fit, traced)
        }
    };
    for w in &fit.warnings {
        diag!("warning: {w}");
    }
    let plots = match &a.plots {
        Some(_) => {
            // The GLM gives the reference lines; if it cannot be fitted, the
            // pictures are drawn without them.
            let glm = glm::fit(&loaded.data, &GlmConfig::default())
                .inspect_err(|e| diag!("note: --plots: no GLM reference lines (GLM: {e})"))
                .ok();
            plot::training(&fit, glm.as_ref(), loaded.data.truth.as_deref())?
        }
        None => Vec::new(),
    };
    let result = if a.json {
        serde_json::to_string_pretty(&fit)? + "\n"
    } else {
        render(&fit, &loaded.data.target)
    };
    let write_files = || {
        traced?;
        match &a.plots {
            Some(dir) => write_plots(dir, &plots),
            None => Ok(()),
        }
    };
    if let Some(Output::Stdout) = trace {
        // stdout carries the trace alone; the table goes to stderr.
        diag_raw!("{result}");
        return write_files();
    }
    print_then(&result, write_files)
}

/// The --trace CSV, written as training goes: `step,loss,<names...>`, then
/// a row every `every` steps and one after the last step. After the first
/// write error it writes nothing more (training goes on);
/// [`TraceRows::finish`] returns that error.
struct TraceRows<W: Write> {
    out: W,
    every: usize,
    error: Option<std::io::Error>,
}

impl<W: Write> TraceRows<W> {
    /// Start with the header line.
    fn new(mut out: W, every: usize, names: &[String]) -> Self {
        let error = writeln!(out, "step,loss,{}", names.join(",")).err();
        TraceRows { out, every, error }
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
        match self.error.is_none() && (last || step % self.every == 0) {
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
        if let Err(e) = self.out.write_all(row.as_bytes()) {
            self.error = Some(e);
        }
        ControlFlow::Continue(())
    }
}

/// The network's result as a small table.
pub fn render(fit: &NnFit, target: &str) -> String {
    let w = fit.names.iter().map(String::len).max().unwrap_or(5).max(5);
    let mut s = format!(
        "Network: Linear({}, 1) + sigmoid, BCE loss, {} lr {}, {} steps; target {target}\n",
        fit.names.len() - 1,
        fit.optimizer,
        Short(fit.lr),
        fit.steps
    );
    let _ = writeln!(s, "{:<w$}  {:>12}  {:>12}", "", "init", "trained");
    for ((name, i), p) in fit.names.iter().zip(&fit.init_params).zip(&fit.params) {
        let _ = writeln!(s, "{name:<w$}  {:>12}  {:>12}", cell(*i, 6), cell(*p, 6));
    }
    let _ = writeln!(s, "Final loss: {:.10}", fit.loss);
    if let Some(c) = fit.converged_at {
        let _ = writeln!(s, "Converged at step {c} (--tol)");
    }
    let _ = writeln!(s, "Time: {:.3} s", fit.time_s);
    s
}
