//! `logreg demo`: the lecture, end to end, at the lecture's settings.

use logreg::compare::{compare_reporting, render};
use logreg::glm::{summary, GlmConfig, GlmOptions};
use logreg::nn::{ModelSpec, TrainConfig};
use logreg::plot;
use logreg::simulate::{simulate, SimConfig};

use super::args::{JsonArg, PlotsArg, ProgressArg};
use super::output::{print_then, write_plots};
use super::preflight::Preflight;
use super::progress::{Counter, Shown};
use super::Global;

/// The lecture: simulate n = 1000 points with x1, x2 ~ Uniform(-3, 3) and
/// beta = (0.3, -1, 2); fit the GLM by Fisher scoring and print statsmodels'
/// summary; train Linear(2, 1) + sigmoid with BCE and SGD (lr 0.1, 10,000
/// steps); then compare the two. This is `logreg compare` at its defaults,
/// with the GLM summary first.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  logreg demo\n  logreg --seed 7 demo --json",
    mut_arg("json", |a| a.help("Print the comparison as one JSON object (as `compare --json`)")),
    mut_arg("plots", |a| a.help(
        "Write probability.svg, outcomes.svg, loss.svg, distance.svg and params.svg into DIR (created if missing)"
    )),
)]
pub struct Args {
    #[command(flatten)]
    pub json: JsonArg,
    #[command(flatten)]
    pub plots: PlotsArg,
    #[command(flatten)]
    pub progress: ProgressArg,
}

pub fn run(g: &Global, a: Args) -> anyhow::Result<()> {
    // Checked before the work (the summary's Date and Time, the folder).
    if !a.json.on {
        super::glm::summary_time()?;
    }
    Preflight::default()
        .plots("--plots", a.plots.dir.as_deref(), &super::compare::PLOTS)
        .check()?;
    let sim = simulate(&SimConfig {
        seed: g.seed,
        threads: g.threads,
        ..SimConfig::default()
    })?;
    let data = &sim.data;
    let train = TrainConfig {
        seed: g.seed,
        record: a.plots.dir.as_ref().map(|_| super::compare::PLOT_RECORD),
        ..TrainConfig::default()
    };
    let mut progress = Counter::steps(Shown::of(&a.progress), train.steps);
    // `compare` at the lecture's model, reporting the network's steps.
    let cmp = compare_reporting(
        data,
        &GlmConfig {
            threads: g.threads,
            ..GlmConfig::default()
        },
        &GlmOptions::default(),
        &train,
        &ModelSpec::default(),
        progress.reported(),
    )?;
    progress.finish();
    for w in &cmp.glm.warnings {
        diag!("warning: {w}");
    }
    for w in &cmp.nn.warnings {
        diag!("warning: network: {w}");
    }
    let plots = match &a.plots.dir {
        Some(_) => plot::comparison(&cmp, data, Some(&sim))?,
        None => Vec::new(),
    };
    let result = if a.json.on {
        serde_json::to_string_pretty(&cmp)? + "\n"
    } else {
        let table = summary(&cmp.glm, data.target(), super::glm::summary_time()?);
        format!("{table}\n\n{}", render(data, &cmp))
    };
    print_then(&result, || match &a.plots.dir {
        Some(dir) => write_plots(dir, &plots),
        None => Ok(()),
    })
}
