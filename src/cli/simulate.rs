//! `logreg simulate`: write the lecture's data set as CSV.
use std::path::PathBuf;

use logreg::simulate::{draw, to_csv};

use super::args::SimArgs;
use super::preflight::Preflight;
use super::{Global, Output};

/// Simulate x ~ Uniform(low, high)^k, p = sigmoid(X·beta), y ~ Bernoulli(p) and
/// write `x1..xk,y` as CSV. The same --seed gives the same bytes on every machine.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example: logreg simulate --seed 5 --n 1000 --out data.csv")]
pub struct Args {
    #[command(flatten)]
    pub sim: SimArgs,
    /// Output file [default: stdout, also for `-`]. Written whole or not at
    /// all: a temporary file in the same folder, renamed over FILE at the end
    /// (a symbolic link is followed, and an existing file keeps its
    /// permissions); a device or FIFO is written in place.
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Also write the true linear predictor and probability (columns logit, p).
    #[arg(long)]
    pub with_truth: bool,
}

pub fn run(g: &Global, a: Args) -> anyhow::Result<()> {
    Preflight::default()
        .file("--out", a.out.as_deref())
        .check()?;
    // Opened before the work: Ctrl-C during it removes the temporary file.
    let out = Output::from_arg(a.out.as_ref()).open()?;
    // Any draw is written, even one the fits would refuse (one row).
    let draws = draw(&a.sim.config(g.seed, g.threads)?)?;
    out.write_whole(&to_csv(&draws, a.with_truth))
}
