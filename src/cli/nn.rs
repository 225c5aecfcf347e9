//! `logreg nn`: train the network as the PyTorch original does.
use std::io::BufWriter;
use std::path::PathBuf;

use anyhow::Context;
use logreg::glm::{self, GlmConfig};
use logreg::model::SavedModel;
use logreg::nn::{render, train_spec_reporting, Record, TraceRows};
use logreg::plot;

use super::args::{parse_count, DataArgs, ModelArgs, TrainArgs};
use super::args::{JsonArg, PlotsArg, ProgressArg, SaveModelArg};
use super::flags;
use super::output::{print_then, write_plots, Output};
use super::preflight::Preflight;
use super::progress::{Counter, Shown};
use super::Global;

/// The pictures of `--plots` (from `plot::training`).
const PLOTS: [&str; 2] = ["loss.svg", "params.svg"];

/// Train logistic regression as a one-layer network: Linear(k, 1), sigmoid,
/// BCE loss, full-batch SGD, seeded like `torch.manual_seed(seed)`. With the
/// same data and seed, the initial and trained weights equal PyTorch's.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  logreg nn --seed 7\n  logreg nn --data scores.csv --target admitted --standardize --json\n  logreg nn --data d.csv --link probit --var-weights w --offset off --standardize",
    mut_arg("json", |a| a.help("Print one JSON object instead of the table")),
    mut_arg("plots", |a| a.help("Write loss.svg and params.svg into DIR (created if missing), with the GLM (fitted at its defaults) as reference lines. The loss is kept every steps/2000 steps, or every --log-every steps with --trace (at most 4097 states: the interval doubles as the record fills)")),
)]
pub struct Args {
    #[command(flatten)]
    pub data: DataArgs,
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub train: TrainArgs,
    /// Write a CSV of step, loss and parameters every --log-every steps.
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    pub trace: Option<PathBuf>,
    /// Steps between rows of --trace.
    #[arg(long, default_value_t = 100, value_parser = parse_count, allow_hyphen_values = true, help_heading = "Output")]
    pub log_every: usize,
    #[command(flatten)]
    pub json: JsonArg,
    #[command(flatten)]
    pub plots: PlotsArg,
    #[command(flatten)]
    pub save_model: SaveModelArg,
    #[command(flatten)]
    pub progress: ProgressArg,
}

pub fn run(g: &Global, a: Args) -> anyhow::Result<()> {
    let trace = a.trace.as_ref().map(|p| Output::from_arg(Some(p)));
    Preflight::default()
        .input("--data", a.data.data.as_deref())
        .file("--trace", a.trace.as_deref())
        .plots("--plots", a.plots.dir.as_deref(), &PLOTS)
        .file("--save-model", a.save_model.path.as_deref())
        .json(a.json.on)
        .check()?;
    let loaded = a.data.load_roles(g, a.model.roles(None))?;
    let spec = a.model.spec(&loaded.data);
    // The pictures' record: every --log-every steps with --trace (the
    // trace's rows), else every steps/2000; the library thins it further
    // on long runs.
    let record = a.plots.dir.as_ref().map(|_| Record {
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
    let mut progress = Counter::steps(Shown::of(&a.progress), cfg.steps);
    let (fit, traced) = match &trace {
        None => {
            let fit =
                train_spec_reporting(&loaded.data, &spec, &cfg, &mut [], progress.reported())?;
            (fit, Ok(()))
        }
        Some(out) => {
            let sink = out.open()?;
            let name = sink.name();
            let mut rows = TraceRows::new(BufWriter::new(sink), a.log_every, loaded.data.names());
            let fit = train_spec_reporting(
                &loaded.data,
                &spec,
                &cfg,
                &mut [&mut rows],
                progress.reported(),
            )?;
            let traced = rows
                .finish()
                .and_then(|w| w.into_inner().map_err(|e| e.into_error()))
                .with_context(|| format!("{name}: cannot write"))
                .and_then(|sink| sink.commit());
            (fit, traced)
        }
    };
    progress.finish();
    for w in &fit.warnings {
        diag!("warning: {w}");
    }
    let plots = match &a.plots.dir {
        Some(_) => {
            // The GLM gives the reference lines; if it cannot be fitted, the
            // pictures are drawn without them.
            let opts = a.model.glm_options(&loaded.data);
            let glm = glm::fit_with(
                &loaded.data,
                &GlmConfig {
                    threads: g.threads,
                    ..GlmConfig::default()
                },
                &opts,
            )
            .inspect_err(|e| {
                diag!(
                    "note: --plots: no GLM reference lines (GLM: {})",
                    flags::message(e)
                )
            })
            .ok();
            plot::training(&fit, &loaded.data, glm.as_ref())?.into()
        }
        None => Vec::new(),
    };
    let result = if a.json.on {
        serde_json::to_string_pretty(&fit)? + "\n"
    } else {
        render(&fit, &loaded.data.dep_variable())
    };
    let write_files = || {
        traced?;
        // The model file records the network's link and offset column, so
        // that `predict` applies the same inverse link and offset.
        a.save_model.write(|| {
            SavedModel::from_nn(
                &fit,
                a.model.link,
                a.model.offset.as_deref(),
                &loaded.data.dep_variable(),
            )
            .with_formula(a.data.formula.as_deref(), loaded.coding.clone())
        })?;
        match &a.plots.dir {
            Some(dir) => write_plots(dir, &plots),
            None => Ok(()),
        }
    };
    if matches!(trace, Some(Output::Stdout)) || a.save_model.to_stdout() {
        // stdout carries the trace or the model alone; the table goes to
        // stderr.
        diag_raw!("{result}");
        return write_files();
    }
    print_then(&result, write_files)
}
