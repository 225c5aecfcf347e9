//! `logreg repeat`: the lecture's experiment many times over, both fits each
//! time, summarised; the networks of a chunk of runs train as one batch.
use std::fs::File;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use anyhow::Context;
use clap::builder::TypedValueParser;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use logreg::repeat::{
    render, run_line, summarize, Control, GradientPath, RepeatConfig, RepeatError, RunResult,
    Study, DEFAULT_CHUNK,
};

use super::common::{GlmArgs, SimArgs, TrainArgs};
use super::output::print;
use super::{Global, UsageError};

/// Exit status after Ctrl-C (128 + SIGINT), as shells report it.
const EXIT_INTERRUPTED: i32 = 130;

/// The end of `--help`: what a run is, how seeds and batches work, and
/// Ctrl-C. (The first line of the help is the subcommand's doc in `mod.rs`.)
const LONG_HELP: &str = "\
Run i (from 0) simulates its data with seed S + i and seeds its network with \
S + i, so `logreg --seed S+i compare` (same flags) reproduces it alone. The \
table shows, per coefficient: the true value; the GLM's mean, SD (ddof 1) and \
mean std err; how often its Wald interval covers the truth; the network's \
mean and SD; and the mean and largest |GLM - NN|.

The networks of a chunk of runs (--chunk) train together as one set of \
tensors, so many runs cost little more than one. With SGD the gradient is \
computed in closed form (within about 1e-6 of compare); Adam, AdamW and \
RMSprop, and SGD with --exact, run compare's own step code per network and \
equal it bit for bit. --batch-size and --autograd cannot be batched.

Ctrl-C abandons the current chunk: the completed chunks' runs stay in \
--runs-out as whole lines, stderr says how many completed, and the exit \
status is 130 (nothing is printed on stdout).

Examples:
  logreg repeat --runs 200
  logreg --seed 7 repeat --runs 1000 --n 500 --json --runs-out runs.jsonl
  python -c \"import pandas; print(pandas.read_json('runs.jsonl', lines=True))\"";

/// `logreg repeat`'s flags; the end of the help text is [`LONG_HELP`].
#[derive(Debug, clap::Args)]
#[command(
    after_long_help = LONG_HELP,
    after_help = "Examples:\n  logreg repeat --runs 200\n  logreg --seed 7 repeat --runs 1000 --n 500 --json --runs-out runs.jsonl\n  python -c \"import pandas; print(pandas.read_json('runs.jsonl', lines=True))\""
)]
pub struct Args {
    /// Number of runs.
    #[arg(long, default_value_t = 100,
          value_parser = clap::value_parser!(u64).range(1..).map(|v| v as usize))]
    pub runs: usize,
    #[command(flatten)]
    pub sim: SimArgs,
    #[command(flatten)]
    pub glm: GlmArgs,
    #[command(flatten)]
    pub train: TrainArgs,
    /// Runs whose networks train together as one batch. A chunk is also the
    /// unit that Ctrl-C keeps: runs of an unfinished chunk are dropped.
    #[arg(long, default_value_t = DEFAULT_CHUNK, value_name = "RUNS",
          value_parser = clap::value_parser!(u64).range(1..).map(|v| v as usize), help_heading = "Monte Carlo")]
    pub chunk: usize,
    /// Print the aggregate as one JSON object ("runs", "names", "true",
    /// "glm_mean", "glm_sd", "glm_bse_mean", "coverage", "nn_mean", "nn_sd",
    /// "mean_abs_diff", "max_abs_diff", ..., "time_s").
    #[arg(long, help_heading = "Output")]
    pub json: bool,
    /// Write one JSON line per run to FILE ({"seed", "glm": {"params", "bse",
    /// "iterations", "converged", "warnings"}, "nn": {"params", "loss"}}), for
    /// pandas.read_json(FILE, lines=True). The file is truncated at the start
    /// and gets each chunk's lines as the chunk finishes: after Ctrl-C or a
    /// failure it holds the completed runs, whole lines only.
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    pub runs_out: Option<PathBuf>,
    /// Train every network with the exact gradient path, whose numbers equal
    /// `compare`'s bit for bit, for SGD too (several times slower). Adam, AdamW and
    /// RMSprop always use it; SGD by default uses the closed-form gradient,
    /// within about 1e-6 of `compare`.
    #[arg(long, help_heading = "Monte Carlo")]
    pub exact: bool,
    /// No progress bar (there is one on stderr only when stderr is a terminal).
    #[arg(long, help_heading = "Output")]
    pub quiet: bool,
    /// Write sampling.svg into DIR (created if missing): each coefficient's
    /// GLM and network estimates over the runs, with the true value.
    #[arg(long, value_name = "DIR", help_heading = "Output")]
    pub plots: Option<PathBuf>,
}

pub fn run(g: &Global, a: Args) -> anyhow::Result<()> {
    let cfg = RepeatConfig {
        runs: a.runs,
        seed: g.seed,
        sim: a.sim.config(g.seed)?,
        glm: a.glm.config()?,
        train: a.train.config(g.seed, None)?,
        chunk: a.chunk,
        gradient: match a.exact {
            true => GradientPath::Exact,
            false => GradientPath::Auto,
        },
    };
    let mut study = Study::new(cfg).map_err(usage_or_run)?;

    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = Arc::clone(&stop);
        ctrlc::set_handler(move || stop.store(true, Ordering::SeqCst))
            .context("cannot install the Ctrl-C handler")?;
    }
    let mut out = match &a.runs_out {
        Some(p) => Some(RunsOut::create(p)?),
        None => None,
    };
    let steps = study.config().train.steps.max(1) as u64;
    let runs_total = study.config().runs;
    let bar = progress_bar(a.quiet, runs_total as u64 * steps);

    let mut runs: Vec<RunResult> = Vec::with_capacity(runs_total);
    loop {
        let base = study.completed() as u64 * steps;
        let len = study.next_chunk_len() as u64;
        bar.set_message(format!("{}/{runs_total} runs", study.completed()));
        let mut on_step = |step: usize| bar.set_position(base + step as u64 * len);
        let mut ctl = Control {
            stop: Some(&stop),
            progress: Some(&mut on_step),
        };
        match study.next_chunk(&mut ctl) {
            Ok(Some(chunk)) => {
                if let Some(o) = out.as_mut() {
                    if let Err(e) = o.append(&chunk) {
                        bar.finish_and_clear();
                        eprintln!("{}", completed_note(&study, o.lines, &a.runs_out));
                        return Err(e);
                    }
                }
                runs.extend(chunk);
                bar.set_position(study.completed() as u64 * steps);
            }
            Ok(None) => break,
            Err(e) => {
                bar.finish_and_clear();
                eprintln!("{}", completed_note(&study, study.completed(), &a.runs_out));
                return Err(usage_or_run(e));
            }
        }
    }
    bar.finish_and_clear();
    if !study.is_finished() {
        // Only a stop request ends the loop early.
        eprintln!(
            "interrupted: {}",
            completed_note(&study, study.completed(), &a.runs_out)
        );
        drop(out);
        std::process::exit(EXIT_INTERRUPTED);
    }
    let summary = summarize(&study, &runs);
    if let Some(dir) = &a.plots {
        let glm: Vec<Vec<f64>> = runs.iter().map(|r| r.glm.params.clone()).collect();
        let nn: Vec<Vec<f64>> = runs.iter().map(|r| r.nn.params.clone()).collect();
        let truth = &study.config().sim.beta;
        let svg = logreg::plot::sampling(study.names(), truth, &glm, &nn)?;
        let plot = logreg::plot::Plot {
            name: "sampling.svg",
            svg,
        };
        super::output::write_plots(dir, &[plot])?;
    }
    if a.json {
        print(&(serde_json::to_string_pretty(&summary)? + "\n"))
    } else {
        print(&render(&summary))
    }
}

/// Settings errors are usage errors (exit 2); a failed run is not.
fn usage_or_run(e: RepeatError) -> anyhow::Error {
    if e.is_usage() {
        let mut msg = e.to_string();
        let mut cause = std::error::Error::source(&e);
        while let Some(c) = cause {
            msg.push_str(&format!(": {c}"));
            cause = c.source();
        }
        UsageError(msg).into()
    } else {
        e.into()
    }
}

/// "N of R runs completed", and where they are.
fn completed_note(study: &Study, lines: usize, runs_out: &Option<PathBuf>) -> String {
    let mut s = format!(
        "{} of {} runs completed",
        study.completed(),
        study.config().runs
    );
    if let Some(p) = runs_out {
        s.push_str(&format!("; {lines} of them are in {}", p.display()));
    }
    s
}

/// A bar on stderr when stderr is a terminal and not `--quiet`; else hidden.
fn progress_bar(quiet: bool, len: u64) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{elapsed_precise} {wide_bar} {percent:>3}% {msg} (ETA {eta})")
    {
        bar.set_style(style);
    }
    bar
}

/// The `--runs-out` file: whole lines, appended a chunk at a time.
struct RunsOut {
    path: PathBuf,
    file: File,
    /// Bytes of whole lines written so far.
    len: u64,
    /// Lines written so far.
    lines: usize,
}

impl RunsOut {
    /// Create (or truncate) the file.
    fn create(path: &Path) -> anyhow::Result<Self> {
        let file =
            File::create(path).with_context(|| format!("{}: cannot create", path.display()))?;
        Ok(RunsOut {
            path: path.to_path_buf(),
            file,
            len: 0,
            lines: 0,
        })
    }

    /// Append one line per run, each with a single write of the whole line.
    /// If a write fails, the file is cut back to its last whole line.
    fn append(&mut self, runs: &[RunResult]) -> anyhow::Result<()> {
        for r in runs {
            let mut line = run_line(r);
            line.push('\n');
            if let Err(e) = self.file.write_all(line.as_bytes()) {
                let _ = self.file.set_len(self.len);
                return Err(e).with_context(|| format!("{}: cannot write", self.path.display()));
            }
            self.len += line.len() as u64;
            self.lines += 1;
        }
        self.file
            .flush()
            .with_context(|| format!("{}: cannot write", self.path.display()))
    }
}
