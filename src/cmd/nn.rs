//! `logreg nn`: train the network as the PyTorch original does.
use std::fmt::Write;
use std::path::PathBuf;

use logreg::glm::{self, GlmConfig};
use logreg::nn::{train, NnFit, Record};
use logreg::numfmt::{cell, Short};
use logreg::plot;

use super::common::{parse_count, DataArgs, TrainArgs};
use super::output::{print, write_atomic};
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
    #[arg(long, default_value_t = 100, value_parser = parse_count, allow_hyphen_values = true, help_heading = "Output")]
    pub log_every: usize,
    /// Print one JSON object instead of the table.
    #[arg(long, help_heading = "Output")]
    pub json: bool,
    /// Write loss.svg and params.svg into DIR (created if missing), with the
    /// GLM (fitted at its defaults) as reference lines. The loss is kept
    /// every steps/2000 steps, or every --log-every steps with --trace.
    #[arg(long, value_name = "DIR", help_heading = "Output")]
    pub plots: Option<PathBuf>,
}

pub fn run(g: &Global, a: Args) -> anyhow::Result<()> {
    let loaded = a.data.load(g)?;
    let record = a
        .trace
        .as_ref()
        .map(|_| Record {
            every: a.log_every,
            loss: true,
        })
        .or(a.plots.as_ref().map(|_| Record {
            every: (a.train.steps / plot::MAX_LINE_POINTS).max(1),
            loss: true,
        }));
    let cfg = a.train.config(g.seed, record)?;
    let fit = train(&loaded.data, &cfg)?;
    for w in &fit.warnings {
        eprintln!("warning: {w}");
    }
    if let Some(path) = &a.trace {
        write_atomic(path, trace_csv(&fit).as_bytes())?;
    }
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

/// `step,loss,<names...>` rows from the training history.
fn trace_csv(fit: &NnFit) -> String {
    let mut s = format!("step,loss,{}\n", fit.names.join(","));
    if let Some(h) = &fit.history {
        for ((step, loss), p) in h.steps.iter().zip(&h.loss).zip(&h.params) {
            let _ = write!(s, "{step},{loss}");
            for v in p {
                let _ = write!(s, ",{v}");
            }
            s.push('\n');
        }
    }
    s
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
