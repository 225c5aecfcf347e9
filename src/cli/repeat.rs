//! `logreg repeat`: a Monte Carlo study over a design grid, both fits each
//! time, summarised; the networks of a chunk of runs train as one batch.
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use logreg::plot::study_plot_names;
use logreg::spec::CovType;
use logreg::study::claim::{self, Busy, Claim, Claimed, Locked};
use logreg::study::journal::{self, Resumed, Written};
use logreg::study::{
    merge, shard_pairs, BatchControl, Fits, GradientPath, OnSeparation, Origin, RepeatConfig,
    RunLine, Seeds, Study, DEFAULT_CHUNK,
};

use super::args::{cov_types, parse_count, BoxArgs, DesignFileArgs, GlmArgs, GridArgs, OptimArgs};
use super::args::{JsonArg, PlotsArg, ProgressArg};
use super::interrupt::{self, Interrupted};
use super::output::{Output, Sink};
use super::preflight::Preflight;
use super::progress::{Counter, Shown};
use super::study_output::{show, ExportArgs, StudyOutput};
use super::{Global, UsageError};

/// The end of `--help`: what a run is, how seeds and batches work, and
/// Ctrl-C. (The first line of the help is the subcommand's doc in `mod.rs`.)
const LONG_HELP: &str = "\
The grid: --n, --lr, --steps and --optimizer take comma-separated lists, \
--beta several vectors separated by ';'; every combination is a cell, and \
each cell runs --runs replications. Replication i (from 0) of every cell \
simulates its data with seed S + i and seeds its network with S + i, so \
`logreg --seed S+i compare` with the cell's settings reproduces it alone \
(--seeds independent: cell c, from 0 in the grid's order, uses S + c * runs + \
i; each line records its seed). The \
table shows, per coefficient: the true value; the GLM's mean, SD (ddof 1) and \
mean std err; how often its Wald interval covers the truth; the network's \
mean and SD; and the mean and largest |GLM - NN|; then, per cell, bias, \
empirical and model SE, coverage and MSE, each with its Monte Carlo SE, and \
below them relative bias, power (the type-I error where the true value is \
0), interval width, the model SE's MCSE and relative error, and \
bias-eliminated coverage (Morris et al. 2019, Table 6; rsimsum's \
definitions). --estimates and --measures write the runs' estimates and the \
measures as long-format CSV (for rsimsum, pandas or a spreadsheet).

Your own covariates (the parametric bootstrap): with --design FILE (and \
--formula, or --target and --features, as glm reads --data) every run uses \
the file's design X, its rows and columns, and draws a new outcome from \
--beta, one coefficient per design column (intercept first), or with --beta \
fit from the GLM fitted to the file's own outcome. The outcome of seed s is \
numpy's: np.random.seed(s); p = 1 / (1 + np.exp(-(X @ beta))); y = \
np.random.binomial(1, p), with X the design as a C-ordered float64 array. \
The lines record the file (path, size, XXH3 hash, how it was read, the \
design's names) in their study's settings: --resume and summarize refuse \
lines of another file. `logreg --seed s compare --data F --formula ...`, \
with F the file whose outcome column holds that y, reproduces a run.

A run whose GLM fit fails, whose network diverges or ends at BCE's clamp \
(compare's warning), or whose simulated data a data file's checks would \
refuse is counted as failed (its line says why, under \"failed\") and left \
out of the figures; the exit status is 1 only if every run failed. A \
separated GLM fit is marked \"separated\" and counted per cell; \
--on-separation fail makes it a failed run.

The networks of a chunk of runs (--chunk, consecutive runs of one cell) \
train together as one set of tensors, so many runs cost little more than \
one. With SGD the gradient is computed in closed form (within about 1e-6 of \
compare); Adam, AdamW and RMSprop, and SGD with --exact, run compare's own \
step code per network and equal it bit for bit. --batch-size and --autograd \
cannot be batched. A run's numbers do not depend on its chunk or shard.

Data designs: --true-link, --link, --x-dist and --x-corr take comma-separated \
lists too. The data's outcome is drawn with --true-link (without it, each \
cell's fitted --link) and both estimators fit --link: a misspecification \
study in one command. A line reproduces with `logreg --seed SEED compare \
--true-link T --link L --x-dist D --x-corr R` and the cell's other \
settings (compare's --true-link defaults to logit whatever its --link). \
Networks with a link other than the logit train on the exact path.

Many machines: --shard I/N runs pair p = cell * runs + i only when p mod N \
is I; `logreg summarize` of all shards' --runs-out files prints what the \
unsharded study prints (without the Time line and `_s` keys).

Without --threads, one chunk per core runs at once, each on its own thread \
with libtorch on one thread inside it; the lines come out in the study's \
order with the numbers of --threads 1. With --threads N the chunks run one \
at a time with libtorch on N threads, as compare does at that count.

Ctrl-C (or SIGTERM, SIGHUP) abandons the chunks in flight: --runs-out then \
holds the completed chunks' runs as whole lines, stderr says how many \
completed, and the exit status is 128 + the signal's number (130 for \
Ctrl-C; nothing is printed on stdout). A second signal quits at once \
and leaves --runs-out as it was. With --resume, --runs-out FILE grows line \
by line (each line one append), so even kill -9 loses at most the chunks in \
flight, and running the same command again finishes the study; without \
--resume, FILE is replaced whole at the end.

Examples:
  logreg repeat --runs 200
  logreg repeat --runs 500 --n 100,1000 --lr 0.1,0.5 --fits both --json
  logreg --seed 7 repeat --runs 1000 --n 500 --json --runs-out runs.jsonl
  logreg repeat --runs 1000 --shard 0/4 --runs-out s0.jsonl   # ... to 3/4
  logreg summarize s0.jsonl s1.jsonl s2.jsonl s3.jsonl
  python -c \"import pandas; print(pandas.read_json('runs.jsonl', lines=True))\"";

/// `--fits` values.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum FitsArg {
    /// The GLM only: no network is trained (fast coverage studies).
    Glm,
    /// The network only.
    Nn,
    /// Both, and their differences.
    Both,
}

/// `--on-separation` values.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum OnSeparationArg {
    /// The run counts as any other: its (huge) estimates enter the figures.
    Keep,
    /// The run counts as failed and is left out of the figures.
    Fail,
}

/// `--seeds` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SeedsArg {
    /// Replication i of every cell uses seed S + i: the cells share their
    /// random numbers, which makes differences between cells more precise.
    Common,
    /// Replication i of cell c uses seed S + c * runs + i: no two runs
    /// share a seed, so the cells are independent estimates.
    Independent,
}

/// `--shard I/N`: 0 <= I < N.
fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let bad = || format!("'{s}' is not I/N with 0 <= I < N (e.g. 0/4)");
    let (i, n) = s.split_once('/').ok_or_else(bad)?;
    let (i, n) = (i.trim().parse::<usize>(), n.trim().parse::<usize>());
    match (i, n) {
        (Ok(i), Ok(n)) if i < n => Ok((i, n)),
        _ => Err(bad()),
    }
}

/// `logreg repeat`'s flags; the end of the help text is [`LONG_HELP`].
#[derive(Debug, clap::Args)]
#[command(
    after_long_help = LONG_HELP,
    after_help = "Examples:\n  logreg repeat --runs 200\n  logreg repeat --runs 500 --n 100,1000 --lr 0.1,0.5 --json\n  logreg --seed 7 repeat --runs 1000 --n 500 --json --runs-out runs.jsonl\n  python -c \"import pandas; print(pandas.read_json('runs.jsonl', lines=True))\"",
    mut_arg("json", |a| a.help("Print the aggregate as one JSON object: for one cell \"runs\", \"names\", \"true\", \"glm_mean\", \"glm_sd\", \"glm_bse_mean\", \"coverage\", \"nn_mean\", \"nn_sd\", \"mean_abs_diff\", \"max_abs_diff\", ..., \"time_s\"; always \"fits\", \"failed\", \"missing\", \"duplicates\" and \"cells\" (per cell: settings, counts, measures with Monte Carlo SEs)")),
    mut_arg("plots", |a| a.help("Write into DIR (created if missing): sampling.svg for one cell (each coefficient's GLM and network estimates over the runs, with the true value); coverage.svg and bias.svg for a grid")),
    // Shared with nn and compare, but a batch cannot reproduce them: refused
    // (exit 2) if given, so not offered.
    mut_arg("batch_size", |a| a.hide(true)),
    mut_arg("autograd", |a| a.hide(true)),
)]
pub struct Args {
    /// Replications per cell.
    #[arg(long, default_value_t = 100,
          value_parser = parse_count, allow_hyphen_values = true)]
    pub runs: usize,
    #[command(flatten)]
    pub grid: GridArgs,
    #[command(flatten)]
    pub bounds: BoxArgs,
    #[command(flatten)]
    pub design: DesignFileArgs,
    #[command(flatten)]
    pub glm: GlmArgs,
    /// Covariance of the GLM's estimates: the coverage counts intervals
    /// made with it (cluster needs --groups, which needs --data: not here).
    #[arg(
        long,
        value_parser = cov_types(),
        default_value = "nonrobust",
        value_name = "TYPE",
        help_heading = "GLM"
    )]
    pub cov_type: CovType,
    #[command(flatten)]
    pub train: OptimArgs,
    /// Which estimators to fit: with glm no network is trained.
    #[arg(long, value_enum, default_value = "both", help_heading = "Monte Carlo")]
    pub fits: FitsArg,
    /// A run whose GLM fit shows separation (statsmodels' rule, or fitted
    /// probabilities numerically 0 or 1) is marked "separated" in its line
    /// and counted per cell; keep puts its estimates in the figures, fail
    /// counts it as a failed run. Part of the study's settings.
    #[arg(
        long,
        value_enum,
        default_value = "keep",
        value_name = "WHAT",
        help_heading = "Monte Carlo"
    )]
    pub on_separation: OnSeparationArg,
    /// How the cells take their seeds (part of the study's settings).
    #[arg(
        long,
        value_enum,
        default_value = "common",
        value_name = "HOW",
        help_heading = "Monte Carlo"
    )]
    pub seeds: SeedsArg,
    /// Runs whose networks train together as one batch. A chunk is also the
    /// unit that Ctrl-C keeps: runs of an unfinished chunk are dropped.
    #[arg(long, default_value_t = DEFAULT_CHUNK, value_name = "RUNS",
          value_parser = parse_count, allow_hyphen_values = true, help_heading = "Monte Carlo")]
    pub chunk: usize,
    /// Run only shard I of N (0 <= I < N): pair p (p = cell * runs + i, in
    /// the study's order) when p mod N = I. Merge the shards' --runs-out
    /// files with `logreg summarize`.
    #[arg(long, value_name = "I/N", value_parser = parse_shard, allow_hyphen_values = true,
          help_heading = "Monte Carlo")]
    pub shard: Option<(usize, usize)>,
    /// Skip the runs already in --runs-out FILE (a missing FILE starts
    /// afresh) and append the rest to it, line by line: even kill -9 loses
    /// at most the chunks in flight. FILE must be of this same study. The
    /// summary covers every line in FILE. FILE is locked while this run
    /// writes it: a second run on it meanwhile is refused.
    #[arg(long, help_heading = "Monte Carlo")]
    pub resume: bool,
    #[command(flatten)]
    pub json: JsonArg,
    /// Write one JSON line per run to FILE ({"seed", "cell": {"n", "lr",
    /// "steps", "optimizer", "beta", and "true_link", "link", "x_dist",
    /// "x_corr" when not logit, uniform, 0}, "glm": {"params", "bse", "iterations",
    /// "converged", "warnings"}, "nn": {"params", "loss", "steps"},
    /// "failed", "study"}), for pandas.read_json(FILE, lines=True). The lines
    /// go to a temporary file in FILE's folder as each chunk finishes, which
    /// replaces FILE at the end: after Ctrl-C or a failure FILE holds the
    /// completed runs, whole lines only, or is left as it was if no run
    /// completed (with --resume they are appended to FILE itself). `-` writes
    /// the lines to stdout, and the table then goes to stderr (not with
    /// --json, which is stdout's).
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    pub runs_out: Option<PathBuf>,
    /// Train every network with the exact gradient path, whose numbers equal
    /// `compare`'s bit for bit, for SGD too (several times slower). Adam, AdamW and
    /// RMSprop always use it; SGD by default uses the closed-form gradient,
    /// within about 1e-6 of `compare`.
    #[arg(long, help_heading = "Monte Carlo")]
    pub exact: bool,
    /// No progress: the same as --progress none (not with --progress).
    #[arg(long, help_heading = "Output", conflicts_with = "progress")]
    pub quiet: bool,
    #[command(flatten)]
    pub progress: ProgressArg,
    #[command(flatten)]
    pub plots: PlotsArg,
    #[command(flatten)]
    pub exports: ExportArgs,
}

/// Progress units per run (the progress counts steps within a chunk).
const PER_RUN: u64 = 1000;

pub fn run(g: &Global, mut a: Args) -> anyhow::Result<()> {
    // Simulated data has no groups.
    logreg::glm::check_cov_groups(a.cov_type, false).map_err(|_| {
        UsageError(
            "--cov-type cluster needs --groups, a column of --data; repeat simulates its data"
                .into(),
        )
    })?;
    let fits = match a.fits {
        FitsArg::Glm => Fits::Glm,
        FitsArg::Nn => Fits::Nn,
        FitsArg::Both => Fits::Both,
    };
    let on_separation = match a.on_separation {
        OnSeparationArg::Keep => OnSeparation::Keep,
        OnSeparationArg::Fail => OnSeparation::Fail,
    };
    on_separation.check(fits).map_err(|_| {
        UsageError(
            "--on-separation fail needs a GLM fit to find separation; --fits nn fits none".into(),
        )
    })?;
    let design_file = a
        .design
        .resolve(g, &mut a.grid, &a.glm.config(g.threads)?)?;
    a.grid.check_enough_rows()?;
    // The design file is an input: no output may replace it, --resume's
    // --runs-out included (checked before that file is read).
    if a.design.design.is_some() {
        let mut early = Preflight::default();
        early.input("--design", a.design.design.as_deref());
        early.file("--runs-out", a.runs_out.as_deref());
        a.exports.preflight(&mut early).check()?;
    }
    let runs_out = a.runs_out.as_ref().map(|p| Output::from_arg(Some(p)));
    let resume =
        match (a.resume, &runs_out, &a.runs_out) {
            (false, _, _) => None,
            (true, Some(Output::File(_)), Some(p)) => Some(p.clone()),
            _ => return Err(UsageError(
                "--resume needs --runs-out FILE (a file, not -): the runs to skip and to append to"
                    .into(),
            )
            .into()),
        };
    if matches!(runs_out, Some(Output::Stdout)) && a.json.on {
        return Err(UsageError(
            "--runs-out - and --json both write to stdout; give --runs-out a file".into(),
        )
        .into());
    }
    let (n, beta) = (a.grid.n[0], a.grid.beta[0].clone());
    for b in &a.grid.beta {
        a.bounds.config(n, b.clone(), g.seed, g.threads)?;
    }
    let mut train = None;
    let mut optimizers = Vec::new();
    for &o in &a.grid.optimizer {
        let t = a
            .train
            .config(a.grid.lr[0], a.grid.steps[0], o, g.seed, None)?;
        optimizers.push(t.optimizer);
        train.get_or_insert(t);
    }
    let cfg = RepeatConfig {
        runs: a.runs,
        seed: g.seed,
        seeds: match a.seeds {
            SeedsArg::Common => Seeds::Common,
            SeedsArg::Independent => Seeds::Independent,
        },
        sim: a.bounds.config(n, beta, g.seed, g.threads)?,
        glm: a.glm.config(g.threads)?,
        cov_type: a.cov_type,
        train: train.unwrap_or_default(),
        grid: a.grid.grid(optimizers),
        fits,
        chunk: a.chunk,
        gradient: match a.exact {
            true => GradientPath::Exact,
            false => GradientPath::Auto,
        },
        threads: g.threads,
        wording: super::flags::FLAGS,
        on_separation,
        design_file,
    };
    cfg.check()?;
    let design = cfg.design();
    let mut pairs = match a.shard {
        Some((i, n)) => shard_pairs(&design, i, n),
        None => design.pairs().collect(),
    };
    let (earlier, journal) = match &resume {
        Some(p) => earlier_lines(p, &design)?,
        None => Default::default(),
    };
    // Held until the new file replaces it: a --resume of it meanwhile
    // would append to the file being replaced.
    // A missing FILE is claimed: made empty and locked, so that a --resume
    // of it meanwhile is refused too; it is removed again if no run
    // completes.
    let (_replaced, mut claim) = match (&resume, &runs_out) {
        (None, Some(Output::File(p))) => match lock_existing(p)? {
            Some(f) => (Some(f), None),
            None => (None, claim_missing(p)?),
        },
        _ => (None, None),
    };
    if let (Some((i, n)), Some(_)) = (a.shard, &resume) {
        not_of_this_shard(&design, (i, n), &earlier)?;
    }
    if !earlier.lines.is_empty() {
        earlier.retain_to_run(&design, &mut pairs);
        diag!(
            "resuming: {} runs already in {}, {} to run",
            earlier.done.len(),
            a.runs_out.as_deref().unwrap_or(Path::new("")).display(),
            pairs.len()
        );
    }
    let mut study = Study::with_pairs(cfg, pairs)?;
    let mut checks = Preflight::default();
    checks.input("--design", a.design.design.as_deref());
    checks.file("--runs-out", a.runs_out.as_deref()).plots(
        "--plots",
        a.plots.dir.as_deref(),
        study_plot_names(&design),
    );
    a.exports.preflight(&mut checks).json(a.json.on).check()?;

    let stop = interrupt::cooperate();
    let mut out = match (&resume, &runs_out) {
        (Some(p), _) => Some(LinesOut::Append(Appender::open(p, journal)?)),
        (None, Some(o)) => Some(LinesOut::Atomic(RunsOut::create(o, claim.take())?)),
        (None, None) => None,
    };
    let total = study.total();
    let shown = match a.quiet {
        true => Shown::Nothing,
        false => Shown::of(&a.progress),
    };
    let mut progress = Counter::new(shown, total as u64, "runs", PER_RUN);

    let mut lines: Vec<RunLine> = Vec::with_capacity(total);
    // A failed write of the run lines: reported after the summary.
    let mut write_failed: Option<anyhow::Error> = None;
    // Where the completed runs are, for the notes below (nowhere new once
    // writing failed: the warning said what the file holds).
    let lines_at = |failed: bool| if failed { &None } else { &a.runs_out };
    loop {
        let completed = study.completed() as u64;
        let base = completed * PER_RUN;
        let len = study.next_chunk_len() as u64;
        let steps = study.next_chunk_steps().max(1) as u64;
        let mut on_step =
            |step: usize| progress.set(completed, base + step as u64 * len * PER_RUN / steps);
        let mut ctl = BatchControl {
            stop: Some(stop),
            progress: Some(&mut on_step),
        };
        match study.next_chunk(&mut ctl) {
            Ok(Some(chunk)) => {
                if let Some(o) = out.as_mut() {
                    if let Err(e) = o.append(&chunk) {
                        // The runs are in memory: the study goes on without
                        // the file, prints its summary, then fails.
                        let kept = out.take().map_or(Ok(0), LinesOut::finish);
                        let note = completed_note(&study, &kept, &a.runs_out);
                        progress.suspend(|| {
                            diag!("warning: {e:#}; {note}; the study goes on without --runs-out")
                        });
                        write_failed = Some(e);
                    }
                }
                lines.extend(chunk);
                let completed = study.completed() as u64;
                progress.set(completed, completed * PER_RUN);
            }
            Ok(None) => break,
            Err(e) => {
                drop(progress);
                let kept = out.take().map_or(Ok(0), LinesOut::finish);
                let at = lines_at(write_failed.is_some());
                diag!("{}", completed_note(&study, &kept, at));
                return Err(e.into());
            }
        }
    }
    match study.is_finished() {
        true => progress.finish(),
        false => drop(progress),
    }
    let kept = out.take().map_or(Ok(0), LinesOut::finish);
    if !study.is_finished() {
        // Only a stop request ends the loop early.
        let at = lines_at(write_failed.is_some());
        return Err(Interrupted(completed_note(&study, &kept, at)).into());
    }
    kept?;
    let this_run = lines.into_iter().enumerate().map(|(i, l)| {
        let at = Origin {
            file: "this run".into(),
            line: i + 1,
        };
        (at, l)
    });
    let merged = merge(Some(&design), earlier.lines.into_iter().chain(this_run))?;
    let how = StudyOutput {
        json: a.json.on,
        plots: a.plots.dir.as_deref(),
        to_stderr: matches!(runs_out, Some(Output::Stdout)),
        exports: &a.exports,
    };
    show(&merged, Some(study.times()), &how)?;
    match write_failed {
        Some(e) => Err(e),
        None => all_failed(&merged),
    }
}

/// Exit 1 (after the summary) when no run of `m` succeeded.
pub(super) fn all_failed(m: &logreg::study::Merged) -> anyhow::Result<()> {
    match !m.lines.is_empty() && m.lines.iter().all(RunLine::is_failed) {
        true => Err(anyhow::anyhow!(
            "every run failed (see \"failed\" in the run lines)"
        )),
        false => Ok(()),
    }
}

/// Refuse a line of `earlier` (the --resume file's) that is not a run of
/// shard `i` of `n`.
fn not_of_this_shard(
    design: &logreg::study::Design,
    (i, n): (usize, usize),
    earlier: &Resumed,
) -> anyhow::Result<()> {
    match earlier.foreign_to_shard(design, (i, n)) {
        Some((at, p)) => Err(UsageError(format!(
            "--runs-out {at}: a run of shard {}/{n} (pair {p}), not of --shard {i}/{n}",
            p % n as u64
        ))
        .into()),
        None => Ok(()),
    }
}

/// The lines already in `path` (none if it does not exist), which must be
/// of `design`'s study, and the file, locked, repaired
/// ([`journal::resume`]) and open for appending.
fn earlier_lines(
    path: &Path,
    design: &logreg::study::Design,
) -> anyhow::Result<(Resumed, Option<File>)> {
    let name = path.display().to_string();
    // Reading a FIFO or a device would wait for a writer or never end; a
    // study to resume is a file of lines.
    if let Ok(m) = std::fs::metadata(path) {
        if !m.is_file() && !m.is_dir() {
            return Err(UsageError(format!(
                "--runs-out {name}: --resume needs a regular file of run lines, not a FIFO or device"
            ))
            .into());
        }
    }
    let file = match OpenOptions::new().read(true).append(true).open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Default::default()),
        Err(e) => {
            return Err(
                UsageError(format!("--runs-out {name}: cannot open for appending: {e}")).into(),
            )
        }
    };
    // Locked before it is read: another writer's line in flight is not torn.
    lock(&file, &name)?;
    let earlier = journal::resume(&file, &name, design)?;
    if let Some(line) = earlier.torn {
        diag!("note: {name}: cut off its torn last line {line} (an interrupted write)");
    }
    Ok((earlier, Some(file)))
}

/// Take `file`'s advisory lock ([`claim::lock`]; `--runs-out` `name`):
/// another writer is refused; a file system without locks is said on
/// stderr, and the run goes on unguarded.
fn lock(file: &File, name: &str) -> anyhow::Result<()> {
    let locked = claim::lock(file, Path::new(name)).map_err(|e| busy(e, name))?;
    unguarded(locked, name);
    Ok(())
}

/// `--runs-out` `name` is locked by another process.
fn busy(_: Busy, name: &str) -> anyhow::Error {
    UsageError(format!(
        "--runs-out {name}: another process is writing it (it is locked); let it finish, or give another file"
    ))
    .into()
}

/// Say on stderr that `--runs-out` `name` could not be locked.
fn unguarded(locked: Locked, name: &str) {
    if let Locked::Unguarded(e) = locked {
        diag!("warning: --runs-out {name}: cannot lock it ({e}); a second writer would not be refused");
    }
}

/// [`claim::lock_existing`] of `--runs-out` FILE, worded.
fn lock_existing(path: &Path) -> anyhow::Result<Option<File>> {
    let name = path.display().to_string();
    match claim::lock_existing(path).map_err(|e| busy(e, &name))? {
        Some((f, locked)) => {
            unguarded(locked, &name);
            Ok(Some(f))
        }
        None => Ok(None),
    }
}

/// A [`Claim`] on a missing `--runs-out` FILE, its path on the list of
/// temporary files that a second signal removes until the run lines
/// replace it.
struct RunsOutClaim {
    claim: Option<Claim>,
}

/// Claim `path` ([`Claim::make`]) if nothing is there.
fn claim_missing(path: &Path) -> anyhow::Result<Option<RunsOutClaim>> {
    let name = path.display().to_string();
    // The list is held while the file is made: a signal meanwhile finds it
    // on the list.
    let mut list = super::interrupt::temp_files();
    let made = Claim::make(path);
    if let Ok(Claimed::Made(c, _)) = &made {
        list.push(c.path().to_path_buf());
    }
    drop(list);
    match made.map_err(|e| busy(e, &name))? {
        Claimed::Made(claim, locked) => {
            let claimed = RunsOutClaim { claim: Some(claim) };
            unguarded(locked, &name);
            Ok(Some(claimed))
        }
        Claimed::Raced(locked) => {
            if let Some(locked) = locked {
                unguarded(locked, &name);
            }
            Ok(None)
        }
        Claimed::Not => Ok(None),
    }
}

impl RunsOutClaim {
    /// The run lines are about to replace the file: a signal from now on
    /// must not remove it.
    fn release(&self) {
        if let Some(c) = &self.claim {
            super::interrupt::forget(&mut super::interrupt::temp_files(), c.path());
        }
    }
}

impl Drop for RunsOutClaim {
    fn drop(&mut self) {
        let mut list = super::interrupt::temp_files();
        if let Some(c) = self.claim.take() {
            let path = c.path().to_path_buf();
            drop(c);
            super::interrupt::forget(&mut list, &path);
        }
    }
}

/// "N of R runs completed", and where they are: `kept` is what
/// [`RunsOut::finish`] returned.
fn completed_note(
    study: &Study,
    kept: &anyhow::Result<usize>,
    runs_out: &Option<PathBuf>,
) -> String {
    let mut s = format!("{} of {} runs completed", study.completed(), study.total());
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

/// The `--runs-out` file: whole lines, appended a chunk at a time to an
/// [`super::output::AtomicFile`] that replaces the file once some runs have
/// completed (or to stdout).
struct RunsOut {
    file: Sink,
    /// Whole lines written so far.
    written: Written,
    /// FILE, when this process made it empty to lock it.
    claim: Option<RunsOutClaim>,
}

impl RunsOut {
    /// Open the temporary file (the file itself is untouched until `finish`).
    fn create(out: &Output, claim: Option<RunsOutClaim>) -> anyhow::Result<Self> {
        Ok(RunsOut {
            file: out.open()?,
            written: Written::default(),
            claim,
        })
    }

    /// Append one line per run ([`journal::append`]). If a write fails, the
    /// file is cut back to its last whole line.
    fn append(&mut self, runs: &[RunLine]) -> anyhow::Result<()> {
        let name = self.file.name();
        let cannot = || format!("{name}: cannot write");
        if let Err(e) = journal::append(&mut self.file, runs, &mut self.written) {
            let _ = self.file.truncate(self.written.bytes);
            return Err(e).with_context(cannot);
        }
        self.file.flush().with_context(cannot)
    }

    /// Put the completed lines in place, if there are any (otherwise the
    /// file is left as it was); returns how many lines it holds.
    fn finish(self) -> anyhow::Result<usize> {
        if self.written.lines == 0 {
            return Ok(0);
        }
        if let Some(c) = &self.claim {
            c.release();
        }
        self.file.commit()?;
        Ok(self.written.lines)
    }
}

/// `--runs-out` with `--resume`: FILE itself, opened for appending
/// ([`journal::append`]: a killed process leaves whole lines and at most one
/// torn last line, which the next `--resume` cuts off).
struct Appender {
    file: File,
    name: String,
    written: Written,
}

impl Appender {
    /// `journal`: the file, already open and locked; else it is created
    /// (or opened) and locked here.
    fn open(path: &Path, journal: Option<File>) -> anyhow::Result<Self> {
        let name = path.display().to_string();
        let file = match journal {
            Some(f) => f,
            None => {
                let f = OpenOptions::new()
                    .append(true)
                    .create(true)
                    .open(path)
                    .with_context(|| format!("{name}: cannot open for appending"))?;
                lock(&f, &name)?;
                f
            }
        };
        Ok(Appender {
            file,
            name,
            written: Written::default(),
        })
    }

    fn append(&mut self, runs: &[RunLine]) -> anyhow::Result<()> {
        journal::append(&mut self.file, runs, &mut self.written)
            .with_context(|| format!("{}: cannot write", self.name))
    }
}

/// Where the run lines go: replaced whole at the end, or appended.
enum LinesOut {
    Atomic(RunsOut),
    Append(Appender),
}

impl LinesOut {
    fn append(&mut self, runs: &[RunLine]) -> anyhow::Result<()> {
        match self {
            LinesOut::Atomic(o) => o.append(runs),
            LinesOut::Append(o) => o.append(runs),
        }
    }

    /// Lines this run put in the file.
    fn finish(self) -> anyhow::Result<usize> {
        match self {
            LinesOut::Atomic(o) => o.finish(),
            LinesOut::Append(o) => Ok(o.written.lines),
        }
    }
}
