//! `logreg compare`: both fits on the same data, one table.
use logreg::compare::{compare, render};

use super::common::{DataArgs, GlmArgs, TrainArgs};
use super::output::print;
use super::Global;

/// Fit the same data as a GLM (Fisher scoring) and as a network (SGD) and
/// compare the coefficients: true value (simulated data), GLM estimate and
/// std err, network estimate, and |GLM - NN|; then iterations against steps,
/// log-likelihoods, times, and the first step at which the network came
/// within 1e-3 of the GLM.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  logreg compare --seed 3 --n 500\n  logreg compare --data admissions.csv --target admit --standardize --json"
)]
pub struct Args {
    #[command(flatten)]
    pub data: DataArgs,
    #[command(flatten)]
    pub glm: GlmArgs,
    #[command(flatten)]
    pub train: TrainArgs,
    /// Print one JSON object ({"glm": ..., "nn": ..., "true", "max_abs_diff", "steps_to_match"}).
    #[arg(long, help_heading = "Output")]
    pub json: bool,
}

pub fn run(g: &Global, a: Args) -> anyhow::Result<()> {
    let loaded = a.data.load(g)?;
    let cmp = compare(
        &loaded.data,
        &a.glm.config()?,
        &a.train.config(g.seed, None)?,
    )?;
    for w in &cmp.glm.warnings {
        eprintln!("warning: {w}");
    }
    if a.json {
        print(&(serde_json::to_string_pretty(&cmp)? + "\n"))
    } else {
        print(&render(&loaded.data, &cmp))
    }
}
