//! The model around the data, for both fits: the link and the per-row columns.
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::Args;
use logreg::data::{Dataset, RoleNames};
use logreg::glm::GlmOptions;
use logreg::nn::ModelSpec;
use logreg::spec::roles::RowValues;
use logreg::spec::{Link, LinkKind};

/// `--link` values: statsmodels' binomial links by their lower-case
/// names, each with its line for the long help.
fn link_parser() -> impl TypedValueParser<Value = LinkKind> {
    let values = LinkKind::ALL.map(|l| PossibleValue::new(l.key()).help(l.about()));
    PossibleValuesParser::new(values).try_map(|name| name.parse::<LinkKind>())
}

/// `--link`'s help: the links by statsmodels' class names, from the spec's list.
fn link_help() -> String {
    let names: Vec<&str> = LinkKind::ALL.iter().map(|k| k.name()).collect();
    format!(
        "Binomial link (statsmodels' {}); the network's output activation is its inverse",
        names.join(", ")
    )
}

/// The model around the data, for both fits: the link, and per-row columns
/// of the data file (read with it; not features).
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Model")]
pub struct ModelArgs {
    #[arg(long, value_parser = link_parser(), default_value = "logit", help = link_help())]
    pub link: LinkKind,
    /// Column of frequency weights (statsmodels' freq_weights): whole
    /// numbers >= 0, not all 0; row i stands for w_i identical rows.
    #[arg(long, value_name = "COL", requires = "data")]
    pub freq_weights: Option<String>,
    /// Column of variance weights (statsmodels' var_weights): numbers >= 0,
    /// not all 0.
    #[arg(long, value_name = "COL", requires = "data")]
    pub var_weights: Option<String>,
    /// Column added to the linear predictor with coefficient 1
    /// (statsmodels' offset).
    #[arg(long, value_name = "COL", requires = "data")]
    pub offset: Option<String>,
    /// Column of failures for binomial counts: the target column holds the
    /// successes, each row is fitted as successes out of successes +
    /// failures trials (statsmodels' two-column endog); whole numbers >= 0,
    /// at least one trial a row. Weights already count rows, so not with
    /// --freq-weights or --var-weights.
    #[arg(long, value_name = "COL", requires = "data", conflicts_with_all = ["freq_weights", "var_weights"])]
    pub failures: Option<String>,
}

impl ModelArgs {
    /// The file columns these flags name (`groups` from [`CovArgs`]).
    pub fn roles(&self, groups: Option<&str>) -> RoleNames {
        RoleNames {
            freq_weights: self.freq_weights.clone(),
            var_weights: self.var_weights.clone(),
            offset: self.offset.clone(),
            groups: groups.map(str::to_string),
            failures: self.failures.clone(),
        }
    }

    /// The GLM's options for `data` (read with [`roles`](Self::roles)).
    // The rest of GlmOptions (the covariance) is set by CovArgs::apply.
    #[allow(clippy::needless_update)]
    pub fn glm_options<'d>(&self, data: &'d Dataset) -> GlmOptions<'d> {
        GlmOptions {
            link: self.link,
            rows: RowValues {
                groups: None,
                ..data.roles().values()
            },
            ..GlmOptions::default()
        }
    }

    /// The network's model for `data`: the link's inverse, one weight per
    /// row (freq · var, or the trials of binomial counts), the offset.
    pub fn spec<'d>(&self, data: &'d Dataset) -> ModelSpec<'d> {
        ModelSpec::new(self.link, &data.roles().values())
    }
}
