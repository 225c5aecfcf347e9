//! The data for a fit: `--data FILE` and how it is read, or the simulated set.
use std::path::{Path, PathBuf};

use clap::Args;
use logreg::data::design::Coding;
use logreg::data::{read_csv_noting, read_formula, CsvOptions, Dataset, MissingPolicy, RoleNames};
use logreg::runtime::threads::Threads;
use logreg::simulate::Simulated;

use super::choice::Choice;
use super::parse::parse_delimiter;
use super::sim::SimArgs;
use crate::cli::{Global, UsageError};

/// `--missing` values: the library's missing-value policies by name, each
/// with its line for the long help.
pub fn missing_policies() -> Choice<MissingPolicy> {
    let name = |m| match m {
        MissingPolicy::Error => "error",
        MissingPolicy::Drop => "drop",
    };
    Choice::new(
        [MissingPolicy::Error, MissingPolicy::Drop],
        name,
        |m| match m {
            MissingPolicy::Error => "A missing value (empty, NA, NaN) is an error",
            MissingPolicy::Drop => "Rows with a missing value are dropped; stderr says how many",
        },
    )
}

/// Data for a fit: simulated by default, or `--data FILE`.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Data file")]
pub struct DataArgs {
    /// CSV file with a header row (tab-separated if it ends in .tsv). Without
    /// it, the lecture's data set is simulated (see --n, --beta, --low, --high).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["n", "beta", "low", "high", "true_link", "x_dist", "x_corr"])]
    pub data: Option<PathBuf>,
    /// Target column: 0/1 values (successes with --failures).
    #[arg(long, default_value = "y", value_name = "COL", requires = "data")]
    pub target: String,
    /// Feature columns, comma-separated [default: every other column, in file order].
    #[arg(long, value_delimiter = ',', value_name = "A,B,C", requires = "data")]
    pub features: Option<Vec<String>>,
    /// Model formula, as statsmodels' formula API (patsy) reads it:
    /// "y ~ age + C(race, Treatment('white')) + smoke + age:smoke";
    /// binomial counts "S + F ~ ..."; no intercept "- 1". Instead of
    /// --target and --features.
    #[arg(long, value_name = "FORMULA", requires = "data", conflicts_with_all = ["target", "features"])]
    pub formula: Option<String>,
    /// Field separator, one character (e.g. ';' or '\t') [default: ',' or tab for .tsv].
    #[arg(long, value_parser = parse_delimiter, value_name = "CHAR", requires = "data")]
    pub delimiter: Option<u8>,
    /// What to do with missing values.
    #[arg(long, value_parser = missing_policies(), default_value = "error", requires = "data")]
    pub missing: MissingPolicy,
    #[command(flatten)]
    pub sim: SimArgs,
}

/// A loaded data set and, for simulated data, the truth behind it.
pub struct Loaded {
    pub data: Dataset,
    pub sim: Option<Simulated>,
    /// For `--formula`, the design's coding (for a saved model).
    pub coding: Option<Coding>,
}

impl DataArgs {
    /// Read `--data` or simulate; data errors carry file, line, column,
    /// value. The per-row `roles` columns of the file are read too (clap
    /// makes their flags need --data).
    pub fn load_roles(&self, g: &Global, roles: RoleNames) -> anyhow::Result<Loaded> {
        match &self.data {
            Some(path) if self.formula.is_some() => {
                let formula = self.formula.as_deref().unwrap_or_default();
                if roles.failures.is_some() {
                    return Err(UsageError(
                        "--failures does not go with --formula: write binomial counts as the formula's left-hand side, \"S + F ~ ...\"".into(),
                    )
                    .into());
                }
                let opts = self.csv_options(roles, g.threads);
                let (data, coding, dropped) = read_formula(path, formula, &opts)?;
                note_dropped(path, dropped);
                Ok(Loaded {
                    data,
                    sim: None,
                    coding: Some(coding),
                })
            }
            Some(path) => {
                let (data, notes) = read_csv_noting(path, &self.csv_options(roles, g.threads))?;
                note_unnamed(path, &notes.unnamed);
                note_dropped(path, notes.dropped);
                Ok(Loaded {
                    data,
                    sim: None,
                    coding: None,
                })
            }
            None => {
                // clap lets a simulated-data flag (--n, --beta, which
                // conflict with --data) stand in for a flag's `requires`:
                // a column flag without a file is refused here instead.
                self.check_no_columns(&roles)?;
                // Its errors name "simulated" (a data error reads as a file's).
                let sim = self.sim.simulate(g.seed, g.threads)?;
                Ok(Loaded {
                    data: sim.data.clone(),
                    sim: Some(sim),
                    coding: None,
                })
            }
        }
    }

    /// Refuse flags that name columns of a data file when there is none:
    /// the simulated data has no such column, and ignoring the flag would
    /// fit something else than was asked.
    pub fn check_no_columns(&self, roles: &RoleNames) -> Result<(), UsageError> {
        let given = [
            ("--features", self.features.is_some()),
            ("--delimiter", self.delimiter.is_some()),
            ("--freq-weights", roles.freq_weights.is_some()),
            ("--var-weights", roles.var_weights.is_some()),
            ("--offset", roles.offset.is_some()),
            ("--groups", roles.groups.is_some()),
            ("--failures", roles.failures.is_some()),
        ];
        match given.into_iter().find(|(_, given)| *given) {
            Some((flag, _)) => Err(UsageError(format!(
                "{flag} needs --data FILE: the simulated data has no columns to name"
            ))),
            None => Ok(()),
        }
    }

    /// How `--data` is read: the column choice and parsing flags, and the
    /// per-row `roles` columns, read on `threads`.
    pub fn csv_options(&self, roles: RoleNames, threads: Threads) -> CsvOptions {
        CsvOptions {
            target: self.target.clone(),
            features: self.features.clone(),
            delimiter: self.delimiter,
            missing: self.missing,
            roles,
            threads,
        }
    }
}

/// The note on stderr when rows of `path` were dropped for missing values.
pub fn note_dropped(path: &Path, dropped: usize) {
    if dropped > 0 {
        diag!(
            "note: {}: dropped {dropped} row(s) with missing values",
            shown(path)
        );
    }
}

/// The note on stderr when columns of `path` with no name were left out of
/// the features (the default ones, or those --features names).
pub fn note_unnamed(path: &Path, unnamed: &[usize]) {
    let cols: Vec<String> = unnamed.iter().map(|c| c.to_string()).collect();
    let which = match cols.as_slice() {
        [] => return,
        [one] => format!("column {one} has no name"),
        many => format!("columns {} have no name", many.join(", ")),
    };
    diag!(
        "note: {}: {which} (a pandas index?), so not a feature",
        shown(path)
    );
}

/// How a notice names `path`: `-` is stdin.
fn shown(path: &Path) -> String {
    match path.as_os_str() == "-" {
        true => "stdin".into(),
        false => path.display().to_string(),
    }
}
