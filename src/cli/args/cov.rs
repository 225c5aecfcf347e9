//! The GLM's covariance flags: `--cov-type`, and `--groups` for cluster.
use clap::Args;
use logreg::data::Dataset;
use logreg::glm::{check_cov_groups, GlmError, GlmOptions};
use logreg::spec::CovType;

use super::choice::Choice;
use crate::cli::UsageError;

/// `--cov-type` values: the library's covariance types, by statsmodels'
/// `cov_type` names.
pub fn cov_types() -> Choice<CovType> {
    Choice::new(CovType::ALL, CovType::name, |c| match c {
        CovType::Nonrobust => "The inverse Fisher information (statsmodels' default)",
        CovType::HC0 => "White's sandwich, as statsmodels",
        CovType::HC1 => "HC0 · n/(n − k) (textbook, as R's sandwich; statsmodels gives HC0)",
        CovType::HC2 => "Scores over √(1 − h_ii) (textbook, as R's sandwich)",
        CovType::HC3 => "Scores over (1 − h_ii) (textbook, as R's sandwich)",
        CovType::Cluster => "Cluster-robust by --groups, with statsmodels' small-sample correction",
    })
}

/// The GLM's covariance: `--cov-type`, and `--groups` for cluster.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "GLM covariance")]
pub struct CovArgs {
    /// Covariance of the GLM's estimates (bse, z, p and intervals follow it).
    #[arg(long, value_parser = cov_types(), default_value = "nonrobust", value_name = "TYPE")]
    pub cov_type: CovType,
    /// Column of cluster labels for --cov-type cluster (any text, compared
    /// exactly; at least 2 groups).
    #[arg(long, value_name = "COL", requires = "data")]
    pub groups: Option<String>,
}

impl CovArgs {
    /// `--groups` goes with `--cov-type cluster`, and only with it.
    pub fn check(&self) -> anyhow::Result<()> {
        check_cov_groups(self.cov_type, self.groups.is_some()).map_err(|e| {
            let text = match e {
                GlmError::ClusterNeedsGroups => "--cov-type cluster needs --groups COL".into(),
                GlmError::GroupsWithoutCluster(_) => {
                    "--groups is for --cov-type cluster; give that, or drop --groups".into()
                }
                e => crate::cli::flags::message(&e),
            };
            UsageError(text).into()
        })
    }

    /// Set the covariance of `opts` for `data` (its groups read from
    /// --groups).
    pub fn apply<'d>(
        &self,
        mut opts: GlmOptions<'d>,
        data: &'d Dataset,
    ) -> anyhow::Result<GlmOptions<'d>> {
        opts.cov_type = self.cov_type;
        opts.rows.groups = data.roles().values().groups;
        Ok(opts)
    }
}
