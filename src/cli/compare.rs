//! `logreg compare`: both fits on the same data, one table.

use logreg::compare::{compare_reporting, render, CompareError};
use logreg::nn::Record;
use logreg::plot;

use super::args::{CovArgs, DataArgs, GlmArgs, ModelArgs, TrainArgs};
use super::args::{JsonArg, PlotsArg, ProgressArg};
use super::output::{print_then, write_plots};
use super::preflight::Preflight;
use super::progress::{Counter, Shown};
use super::Global;

/// The pictures of `--plots` (from `plot::comparison`).
pub(super) const PLOTS: [&str; 5] = [
    "probability.svg",
    "outcomes.svg",
    "loss.svg",
    "distance.svg",
    "params.svg",
];

/// Fit the same data as a GLM (Fisher scoring) and as a network (SGD) and
/// compare the coefficients: true value (simulated data), GLM estimate and
/// std err, network estimate, and |GLM - NN|; then iterations against steps,
/// log-likelihoods, times, and the first step at which the network came
/// within 1e-3 of the GLM.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  logreg compare --seed 3 --n 500\n  logreg compare --data admissions.csv --target admit --standardize --json\n  logreg compare --data d.csv --link probit --var-weights w --offset off",
    mut_arg("json", |a| a.help("Print one JSON object ({\"glm\": ..., \"nn\": ..., \"true\", \"max_abs_diff\", \"steps_to_match\", \"link\", \"nn_llf\"})")),
    mut_arg("plots", |a| a.help("Write probability.svg, outcomes.svg, loss.svg, distance.svg and params.svg into DIR (created if missing; the loss and parameters are then recorded along the way, at most 4097 states however many steps)")),
)]
pub struct Args {
    #[command(flatten)]
    pub data: DataArgs,
    #[command(flatten)]
    pub glm: GlmArgs,
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub cov: CovArgs,
    #[command(flatten)]
    pub train: TrainArgs,
    #[command(flatten)]
    pub json: JsonArg,
    #[command(flatten)]
    pub plots: PlotsArg,
    #[command(flatten)]
    pub progress: ProgressArg,
}

pub fn run(g: &Global, a: Args) -> anyhow::Result<()> {
    Preflight::default()
        .input("--data", a.data.data.as_deref())
        .plots("--plots", a.plots.dir.as_deref(), &PLOTS)
        .check()?;
    a.cov.check()?;
    if a.data.data.is_none() {
        a.data.sim.check_enough_rows()?;
    }
    let loaded = a
        .data
        .load_roles(g, a.model.roles(a.cov.groups.as_deref()))?;
    let data = &loaded.data;
    let glm = a.glm.config(g.threads)?;
    let opts = a.cov.apply(a.model.glm_options(data), data)?;
    let train = a
        .train
        .config(g.seed, a.plots.dir.as_ref().map(|_| PLOT_RECORD))?;
    let mut progress = Counter::steps(Shown::of(&a.progress), train.steps);
    let cmp = compare_reporting(
        data,
        &glm,
        &opts,
        &train,
        &a.model.spec(data),
        progress.reported(),
    )
    .map_err(|e| match e {
        CompareError::Glm(g) => super::glm::glm_error(g, &loaded.data).context("GLM"),
        e => e.into(),
    })?;
    progress.finish();
    for w in &cmp.glm.warnings {
        diag!("warning: {w}");
    }
    for w in &cmp.nn.warnings {
        diag!("warning: network: {w}");
    }
    let plots = match &a.plots.dir {
        Some(_) => plot::comparison(&cmp, &loaded.data, loaded.sim.as_ref())?,
        None => Vec::new(),
    };
    let result = if a.json.on {
        serde_json::to_string_pretty(&cmp)? + "\n"
    } else {
        render(&loaded.data, &cmp)
    };
    print_then(&result, || match &a.plots.dir {
        Some(dir) => write_plots(dir, &plots),
        None => Ok(()),
    })
}

/// What `--plots` needs kept during training: the loss and parameters at
/// every step, thinned by the library as the record fills.
pub(super) const PLOT_RECORD: Record = Record {
    every: 1,
    loss: true,
};
