//! `logreg glm`: fit logistic regression as a GLM by Fisher scoring and print
//! statsmodels' summary table (or `--json`).
use anyhow::Context;
use logreg::data::Dataset;
use logreg::glm::{fit_with, summary, GlmError, SummaryTime};
use logreg::model::SavedModel;

use super::args::{CovArgs, DataArgs, GlmArgs, ModelArgs};
use super::args::{JsonArg, SaveModelArg};
use super::glm_stream::{self, StreamArgs};
use super::output::print_then;
use super::preflight::Preflight;
use super::{Global, UsageError};

/// Fit logistic regression (Binomial family, logit link) by Fisher scoring,
/// exactly as statsmodels' `sm.GLM(y, X, family=sm.families.Binomial()).fit()`,
/// and print its `summary()` table.
///
/// The data are the lecture's simulated set by default, or a CSV file with
/// --data (an intercept `const` is always added, as `sm.add_constant`).
/// Separation and non-convergence are reported as `warning:` lines on stderr
/// and under the table; the exit status stays 0. Date and Time in the table
/// are local time, or SOURCE_DATE_EPOCH (UTC) when that is set.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:
  logreg glm                                       # the lecture's simulated data
  logreg glm --data spector.csv --target GRADE     # a CSV file, target column GRADE
  logreg glm --data d.csv --alpha 0.1 --json       # 90% intervals, JSON output
  logreg glm --data d.csv --link probit --var-weights w --offset off
  logreg glm --data d.csv --cov-type cluster --groups school
  logreg glm --data big.csv --max-memory 512M      # stream the design from a cache",
    mut_arg("glm_tol", |a| a.long("tol")),
    mut_arg("json", |a| a.help("Print one JSON object (statsmodels' attribute names) instead of the table")),
)]
pub struct Args {
    #[command(flatten)]
    pub data: DataArgs,
    /// The GLM flags, declared once in [`GlmArgs`]; here, where no network
    /// shares the command line, the tolerance is `--tol` (`--glm-tol` there).
    #[command(flatten)]
    pub glm: GlmArgs,
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub cov: CovArgs,
    #[command(flatten)]
    pub json: JsonArg,
    #[command(flatten)]
    pub save_model: SaveModelArg,
    #[command(flatten)]
    pub stream: StreamArgs,
}

/// Date and Time for the summary: SOURCE_DATE_EPOCH (UTC) when set, so that
/// output is reproducible, otherwise the local clock.
pub(super) fn summary_time() -> anyhow::Result<SummaryTime> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) => SummaryTime::from_source_date_epoch(&v).ok_or_else(|| {
            UsageError(format!(
                "SOURCE_DATE_EPOCH must be whole seconds since 1970, got '{v}'"
            ))
            .into()
        }),
        Err(_) => Ok(SummaryTime::now_local()),
    }
}

/// A failed fit gets "GLM fit failed" in front; errors in the data are
/// reported as they are (both keep their type, which sets the exit code).
/// A rank lost in the fit is explained ([`GlmError::rank_explained`]).
pub(super) fn glm_error(e: GlmError, data: &Dataset) -> anyhow::Error {
    if let Some(explained) = e.rank_explained(data) {
        return explained.into();
    }
    match e {
        // A per-row input refused by the fit: name the flag that gave it.
        GlmError::BadRowOption { what, .. }
        | GlmError::AllZeroWeights(what)
        | GlmError::RowOptionLength { what, .. } => {
            let flag = super::flags::flag(what);
            anyhow::Error::new(e).context(format!("{flag} ({})", data.source()))
        }
        e if e.kind() == logreg::ErrorKind::BadInput => e.into(),
        e => anyhow::Error::new(e).context("GLM fit failed"),
    }
}

pub fn run(g: &Global, a: Args) -> anyhow::Result<()> {
    // SOURCE_DATE_EPOCH (the table's Date and Time) is checked before the work.
    let when = if a.json.on {
        None
    } else {
        Some(summary_time()?)
    };
    a.cov.check()?;
    if a.data.data.is_none() {
        a.data.sim.check_enough_rows()?;
    }
    Preflight::default()
        .input("--data", a.data.data.as_deref())
        .file("--save-model", a.save_model.path.as_deref())
        .json(a.json.on)
        .check()?;
    if a.data.formula.is_some() && a.stream.max_memory.is_some() {
        return Err(UsageError(
            "--max-memory does not go with --formula: a formula's design is built in memory".into(),
        )
        .into());
    }
    // A formula's design is built in memory: it is never streamed.
    let limit = match a.data.formula {
        Some(_) => None,
        None => glm_stream::limit(&a.stream, a.data.data.as_deref())?,
    };
    let (fit, coding) = match limit {
        Some(limit) => {
            glm_stream::check_options(&a.model, a.cov.cov_type)?;
            let fit = glm_stream::fit(&a.data, &a.glm, &a.model, &a.stream, limit, g.threads)?;
            (fit, None)
        }
        None => {
            let loaded = a
                .data
                .load_roles(g, a.model.roles(a.cov.groups.as_deref()))?;
            let data = &loaded.data;
            let opts = a.cov.apply(a.model.glm_options(data), data)?;
            let fit =
                fit_with(data, &a.glm.config(g.threads)?, &opts).map_err(|e| glm_error(e, data))?;
            (fit, loaded.coding)
        }
    };
    for w in &fit.warnings {
        diag!("warning: {w}");
    }
    let result = match when {
        None => serde_json::to_string(&fit).context("serializing the fit")? + "\n",
        Some(when) => summary(&fit, &fit.target, when) + "\n",
    };
    let save = || {
        a.save_model.write(|| {
            let model = SavedModel::from_glm(&fit, a.model.offset.as_deref());
            model.with_formula(a.data.formula.as_deref(), coding.clone())
        })
    };
    if a.save_model.to_stdout() {
        // stdout carries the model alone; the table goes to stderr.
        diag_raw!("{result}");
        return save();
    }
    print_then(&result, save)
}
