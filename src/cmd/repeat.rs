//! `logreg repeat`: the lecture's experiment many times over, both fits each
//! time, summarised; the networks of a chunk of runs train as one batch.
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use logreg::repeat::{
    render, run_line, summarize, Control, GradientPath, RepeatConfig, RunResult, Study,
    DEFAULT_CHUNK,
};

use super::common::{parse_count, CovTypeArg, GlmArgs, SimArgs, TrainArgs};
use super::interrupt::{self, Interrupted};
use super::output::{print_then, write_plots, Output, Sink};
use super::output_args::{JsonArg, PlotsArg};
use super::preflight::Preflight;
use super::{Global, UsageError};

/// The picture of `--plots`.
const PLOT: &str = "sampling.svg";

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

Ctrl-C abandons the current chunk: --runs-out then holds the completed \
chunks' runs as whole lines, stderr says how many completed, and the exit \
status is 130 (nothing is printed on stdout). A second Ctrl-C quits at once \
and leaves --runs-out as it was.

Examples:
  logreg repeat --runs 200
  logreg --seed 7 repeat --runs 1000 --n 500 --json --runs-out runs.jsonl
  python -c \"import pandas; print(pandas.read_json('runs.jsonl', lines=True))\"";

/// `logreg repeat`'s flags; the end of the help text is [`LONG_HELP`].
#[derive(Debug, clap::Args)]
#[command(
    after_long_help = LONG_HELP,
    after_help = "Examples:\n  logreg repeat --runs 200\n  logreg --seed 7 repeat --runs 1000 --n 500 --json --runs-out runs.jsonl\n  python -c \"import pandas; print(pandas.read_json('runs.jsonl', lines=True))\"",
    mut_arg("json", |a| a.help("Print the aggregate as one JSON object (\"runs\", \"names\", \"true\", \"glm_mean\", \"glm_sd\", \"glm_bse_mean\", \"coverage\", \"nn_mean\", \"nn_sd\", \"mean_abs_diff\", \"max_abs_diff\", ..., \"time_s\")")),
    mut_arg("plots", |a| a.help("Write sampling.svg into DIR (created if missing): each coefficient's GLM and network estimates over the runs, with the true value")),
)]
pub struct Args {
    /// Number of runs.
    #[arg(long, default_value_t = 100,
          value_parser = parse_count, allow_hyphen_values = true)]
    pub runs: usize,
    #[command(flatten)]
    pub sim: SimArgs,
    #[command(flatten)]
    pub glm: GlmArgs,
    /// Covariance of the GLM's estimates: the coverage counts intervals
    /// made with it (cluster needs --groups, which needs --data: not here).
    #[arg(
        long,
        value_enum,
        default_value = "nonrobust",
        value_name = "TYPE",
        help_heading = "GLM"
    )]
    pub cov_type: CovTypeArg,
    #[command(flatten)]
    pub train: TrainArgs,
    /// Runs whose networks train together as one batch. A chunk is also the
    /// unit that Ctrl-C keeps: runs of an unfinished chunk are dropped.
    #[arg(long, default_value_t = DEFAULT_CHUNK, value_name = "RUNS",
          value_parser = parse_count, allow_hyphen_values = true, help_heading = "Monte Carlo")]
    pub chunk: usize,
    #[command(flatten)]
    pub json: JsonArg,
    /// Write one JSON line per run to FILE ({"seed", "glm": {"params", "bse",
    /// "iterations", "converged", "warnings"}, "nn": {"params", "loss"}}), for
    /// pandas.read_json(FILE, lines=True). The lines go to a temporary file
    /// in FILE's folder as each chunk finishes, which replaces FILE at the
    /// end: after Ctrl-C or a failure FILE holds the completed runs, whole
    /// lines only, or is left as it was if no run completed. `-` writes the
    /// lines to stdout, and the table then goes to stderr (not with --json,
    /// which is stdout's).
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
    #[command(flatten)]
    pub plots: PlotsArg,
}

pub fn run(g: &Global, a: Args) -> anyhow::Result<()> {
    if a.cov_type == CovTypeArg::Cluster {
        return Err(UsageError(
            "--cov-type cluster needs --groups, a column of --data; repeat simulates its data"
                .into(),
        )
        .into());
    }
    a.sim.check_enough_rows()?;
    let cfg = RepeatConfig {
        runs: a.runs,
        seed: g.seed,
        sim: a.sim.config(g.seed)?,
        glm: a.glm.config()?,
        cov_type: a.cov_type.kind(),
        train: a.train.config(g.seed, None)?,
        chunk: a.chunk,
        gradient: match a.exact {
            true => GradientPath::Exact,
            false => GradientPath::Auto,
        },
    };
    let runs_out = a.runs_out.as_ref().map(|p| Output::from_arg(Some(p)));
    if matches!(runs_out, Some(Output::Stdout)) && a.json.on {
        return Err(UsageError(
            "--runs-out - and --json both write to stdout; give --runs-out a file".into(),
        )
        .into());
    }
    let mut study = Study::new(cfg)?;
    Preflight::default()
        .file("--runs-out", a.runs_out.as_deref())
        .plots("--plots", a.plots.dir.as_deref(), &[PLOT])
        .check()?;

    let stop = interrupt::cooperate();
    let mut out = match &runs_out {
        Some(o) => Some(RunsOut::create(o)?),
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
            stop: Some(stop),
            progress: Some(&mut on_step),
        };
        match study.next_chunk(&mut ctl) {
            Ok(Some(chunk)) => {
                if let Some(o) = out.as_mut() {
                    if let Err(e) = o.append(&chunk) {
                        bar.finish_and_clear();
                        let kept = out.take().map_or(Ok(0), RunsOut::finish);
                        diag!("{}", completed_note(&study, &kept, &a.runs_out));
                        return Err(e);
                    }
                }
                runs.extend(chunk);
                bar.set_position(study.completed() as u64 * steps);
            }
            Ok(None) => break,
            Err(e) => {
                bar.finish_and_clear();
                let kept = out.take().map_or(Ok(0), RunsOut::finish);
                diag!("{}", completed_note(&study, &kept, &a.runs_out));
                return Err(e.into());
            }
        }
    }
    bar.finish_and_clear();
    let kept = out.take().map_or(Ok(0), RunsOut::finish);
    if !study.is_finished() {
        // Only a stop request ends the loop early.
        return Err(Interrupted(completed_note(&study, &kept, &a.runs_out)).into());
    }
    kept?;
    let summary = summarize(&study, &runs);
    let plot = match &a.plots.dir {
        Some(_) => {
            let glm: Vec<Vec<f64>> = runs.iter().map(|r| r.glm.params.clone()).collect();
            let nn: Vec<Vec<f64>> = runs.iter().map(|r| r.nn.params.clone()).collect();
            let truth = &study.config().sim.beta;
            let svg = logreg::plot::sampling(study.names(), truth, &glm, &nn)?;
            Some(logreg::plot::Plot { name: PLOT, svg })
        }
        None => None,
    };
    let result = if a.json.on {
        serde_json::to_string_pretty(&summary)? + "\n"
    } else {
        render(&summary)
    };
    let write_plot = || match (&a.plots.dir, plot) {
        (Some(dir), Some(plot)) => write_plots(dir, &[plot]),
        _ => Ok(()),
    };
    if let Some(Output::Stdout) = runs_out {
        // stdout carried the runs' lines; the table goes to stderr.
        diag_raw!("{result}");
        return write_plot();
    }
    print_then(&result, write_plot)
}

/// "N of R runs completed", and where they are: `kept` is what
/// [`RunsOut::finish`] returned.
fn completed_note(
    study: &Study,
    kept: &anyhow::Result<usize>,
    runs_out: &Option<PathBuf>,
) -> String {
    let mut s = format!(
        "{} of {} runs completed",
        study.completed(),
        study.config().runs
    );
    if let Some(p) = runs_out {
        let p = match p.as_os_str() == "-" {
            true => "stdout".into(),
            false => p.display().to_string(),
        };
        match kept {
            Ok(0) => s.push_str(&format!("; {p} is left as it was")),
            Ok(lines) => s.push_str(&format!("; {lines} of them are in {p}")),
            Err(e) => s.push_str(&format!("; they could not be kept: {e:#}")),
        }
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

/// The `--runs-out` file: whole lines, appended a chunk at a time to an
/// [`super::output::AtomicFile`] that replaces the file once some runs have
/// completed (or to stdout).
struct RunsOut {
    file: Sink,
    /// Bytes of whole lines written so far.
    len: u64,
    /// Lines written so far.
    lines: usize,
}

impl RunsOut {
    /// Open the temporary file (the file itself is untouched until `finish`).
    fn create(out: &Output) -> anyhow::Result<Self> {
        Ok(RunsOut {
            file: out.open()?,
            len: 0,
            lines: 0,
        })
    }

    /// Append one line per run, each with a single write of the whole line.
    /// If a write fails, the file is cut back to its last whole line.
    fn append(&mut self, runs: &[RunResult]) -> anyhow::Result<()> {
        let name = self.file.name();
        let cannot = || format!("{name}: cannot write");
        for r in runs {
            let mut line = run_line(r);
            line.push('\n');
            if let Err(e) = self.file.write_all(line.as_bytes()) {
                let _ = self.file.truncate(self.len);
                return Err(e).with_context(cannot);
            }
            self.len += line.len() as u64;
            self.lines += 1;
        }
        self.file.flush().with_context(cannot)
    }

    /// Put the completed lines in place, if there are any (otherwise the
    /// file is left as it was); returns how many lines it holds.
    fn finish(self) -> anyhow::Result<usize> {
        if self.lines == 0 {
            return Ok(0);
        }
        self.file.commit()?;
        Ok(self.lines)
    }
}
