//! `logreg summarize`: the summary of a study from its run lines (the
//! `--runs-out` files of one run, of its shards, or of an interrupted and
//! resumed run), the same as the run itself prints.
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;

use logreg::plot::study_plot_names;
use logreg::study::{merge, read_lines, Origin, RunLine};

use super::args::{JsonArg, PlotsArg};
use super::preflight::Preflight;
use super::repeat::all_failed;
use super::study_output::{show, ExportArgs, StudyOutput};
use super::Global;
use super::UsageError;

const LONG_HELP: &str = "\
Reads the JSON lines of `logreg repeat --runs-out` (any number of files, in \
any order: the shards of one study, or an interrupted run and its \
--resume), puts them in the study's order (by cell, then by seed) and prints \
what the whole study prints: the same text or --json, bit for bit, without \
the Time line and the `_s` keys (this command did not time the runs). So \
`summarize --json` of all the shards equals the unsharded `repeat --json` \
with its `_s` keys removed.

stderr says how many exact duplicates were dropped. When runs are missing, \
the summary of the runs present is printed, then one line names the missing \
runs (per cell, as seed ranges) and the exit status is 3 (1 if every run \
present failed). Lines of different studies (other settings), two lines of \
one run with different numbers, or a line that is not a whole run of its \
study (a fit missing with no \"failed\", another step count) are an error \
naming file and line (exit 2). A torn last line (a killed writer's, one \
that does not parse, with or without its newline) is skipped with a \
warning; a whole last line without its newline is read.

--estimates FILE.csv writes every run's estimates in long format (one row \
per run, estimator and coefficient), as rsimsum's simsum reads them; \
--measures FILE.csv writes the measures of --json's cells, one row per \
cell, estimator, coefficient and measure, with its Monte Carlo SE.

Examples:
  logreg repeat --runs 1000 --shard 0/2 --runs-out a.jsonl
  logreg repeat --runs 1000 --shard 1/2 --runs-out b.jsonl
  logreg summarize a.jsonl b.jsonl --json
  logreg summarize a.jsonl b.jsonl --estimates est.csv --measures measures.csv";

/// `logreg summarize`'s flags; the end of the help is [`LONG_HELP`].
#[derive(Debug, clap::Args)]
#[command(
    after_long_help = LONG_HELP,
    mut_arg("json", |a| a.help("Print the study as one JSON object, as `repeat --json` (without the `_s` keys)")),
    mut_arg("plots", |a| a.help("Write the pictures of `repeat --plots` into DIR (created if missing)")),
)]
pub struct Args {
    /// Files of run lines (`repeat --runs-out`); `-` reads stdin.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub json: JsonArg,
    #[command(flatten)]
    pub plots: PlotsArg,
    #[command(flatten)]
    pub exports: ExportArgs,
}

pub fn run(_: &Global, a: Args) -> anyhow::Result<()> {
    let mut lines: Vec<(Origin, RunLine)> = Vec::new();
    for path in &a.files {
        let name = path.display().to_string();
        let reader: Box<dyn BufRead> = match name.as_str() {
            "-" => Box::new(std::io::stdin().lock()),
            // A file that cannot be opened is bad input, as a missing --data is.
            _ => Box::new(BufReader::new(
                File::open(path).map_err(|e| UsageError(format!("{name}: cannot read: {e}")))?,
            )),
        };
        let name = match name.as_str() {
            "-" => "stdin".to_string(),
            _ => name,
        };
        let read = read_lines(&name, reader)?;
        if let Some(line) = read.torn {
            diag!("warning: {name} line {line}: torn (an interrupted write); skipped");
        }
        lines.extend(read.runs);
    }
    let merged = merge(None, lines)?;
    let mut checks = Preflight::default();
    checks.inputs("input", &a.files).plots(
        "--plots",
        a.plots.dir.as_deref(),
        study_plot_names(&merged.design),
    );
    a.exports.preflight(&mut checks).json(a.json.on).check()?;
    if merged.duplicates > 0 {
        diag!(
            "note: dropped {} exact duplicate line(s)",
            merged.duplicates
        );
    }
    let how = StudyOutput {
        json: a.json.on,
        plots: a.plots.dir.as_deref(),
        to_stderr: false,
        exports: &a.exports,
    };
    show(&merged, None, &how)?;
    // After the summary: it is right for the runs it covers. Every run
    // failed and some missing: both are said, and the exit status is the
    // failure's.
    let complete = merged.complete();
    let failed = all_failed(&merged);
    match (failed, complete) {
        (Err(f), Err(missing)) => {
            diag!("error: {missing}");
            Err(f)
        }
        (Err(f), Ok(())) => Err(f),
        (Ok(()), complete) => Ok(complete?),
    }
}
