//! `repeat --design FILE`: a data file's design for every run, read as
//! `glm --data FILE` reads it, and the true coefficients given or fitted.
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use logreg::data::design_cache::hash_file;
use logreg::data::{read_csv_noting, read_formula, CsvOptions, MissingPolicy, RoleNames};
use logreg::glm::{self, GlmConfig, GlmOptions};
use logreg::study::design_file::{DesignFile, FixedDesign};
use logreg::study::RepeatError;

use super::data::{missing_policies, note_dropped, note_unnamed};
use super::grid::GridArgs;
use super::parse::parse_delimiter;
use crate::cli::{Global, UsageError};

/// A data file's design, fixed across the runs.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Design file (instead of simulated features)")]
pub struct DesignFileArgs {
    /// CSV file whose design (the features, with an intercept) every run
    /// uses, as `glm --data FILE` builds it; each run redraws the outcome
    /// from --beta (one value per design column, intercept first) or, with
    /// --beta fit, from the GLM fitted to the file's own outcome. Every run
    /// has the file's rows, so --n, --low and --high do not apply.
    #[arg(long, value_name = "FILE", requires = "beta", conflicts_with_all = ["n", "low", "high", "x_dist", "x_corr"])]
    pub design: Option<PathBuf>,
    /// The design's model formula, as `glm --formula` reads it ("y ~ a +
    /// C(b)"); the left-hand side is the file's outcome (for --beta fit).
    #[arg(long, value_name = "FORMULA", requires = "design", conflicts_with_all = ["target", "features"])]
    pub formula: Option<String>,
    /// The file's outcome column: 0/1 values (for --beta fit).
    #[arg(long, default_value = "y", value_name = "COL", requires = "design")]
    pub target: String,
    /// Feature columns, comma-separated [default: every other column, in
    /// file order].
    #[arg(long, value_delimiter = ',', value_name = "A,B,C", requires = "design")]
    pub features: Option<Vec<String>>,
    /// Field separator, one character [default: ',' or tab for .tsv].
    #[arg(long, value_parser = parse_delimiter, value_name = "CHAR", requires = "design")]
    pub delimiter: Option<u8>,
    /// What to do with missing values in the columns the design uses.
    #[arg(long, value_parser = missing_policies(), default_value = "error", requires = "design")]
    pub missing: MissingPolicy,
}

impl DesignFileArgs {
    /// The study's design file, or None without --design; `grid` gets the
    /// file's rows as its only n and, for --beta fit, the coefficients of
    /// the GLM (`glm`) fitted to the file's outcome. Given coefficients of
    /// the wrong length, and --beta fit without --design, are refused.
    pub fn resolve(
        &self,
        g: &Global,
        grid: &mut GridArgs,
        glm: &GlmConfig,
    ) -> anyhow::Result<Option<FixedDesign>> {
        let Some(path) = &self.design else {
            if grid.beta_fit() {
                return Err(UsageError(
                    "--beta fit needs --design FILE: the coefficients of the GLM fitted to its outcome"
                        .into(),
                )
                .into());
            }
            return Ok(None);
        };
        let name = path.display().to_string();
        if path.as_os_str() == "-" {
            return Err(UsageError(
                "--design - : the design must be a file (its bytes are hashed into the study), not stdin"
                    .into(),
            )
            .into());
        }
        // The file is read twice (hashed, then parsed): a FIFO or a device
        // would block or give other bytes the second time.
        if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
            return Err(UsageError(format!(
                "--design {name}: not a regular file (the design is hashed into the study, then read)"
            ))
            .into());
        }
        let opts = CsvOptions {
            target: self.target.clone(),
            features: self.features.clone(),
            delimiter: self.delimiter,
            missing: self.missing,
            roles: RoleNames::default(),
            threads: g.threads,
        };
        let data = match &self.formula {
            Some(formula) => {
                let (data, _, dropped) = read_formula(path, formula, &opts)?;
                note_dropped(path, dropped);
                data
            }
            None => {
                let (data, notes) = read_csv_noting(path, &opts)?;
                note_unnamed(path, &notes.unnamed);
                note_dropped(path, notes.dropped);
                data
            }
        };
        let hash = hash_file(path).with_context(|| format!("--design {name}: cannot read"))?;
        let (target, features) = match self.formula {
            Some(_) => (None, None),
            None => (Some(self.target.clone()), self.features.clone()),
        };
        let record = DesignFile {
            path: name.clone(),
            bytes: hash.len,
            xxh3: format!("{:032x}", hash.xxh3),
            formula: self.formula.clone(),
            target,
            features,
            delimiter: self.delimiter.map(|d| char::from(d).to_string()),
            missing: match self.missing {
                MissingPolicy::Error => "error",
                MissingPolicy::Drop => "drop",
            }
            .into(),
            names: data.names().to_vec(),
            beta_fit: grid.beta_fit(),
        };
        if grid.beta_fit() {
            // The coefficients are those of the link that draws the
            // outcome, so that the file's fit is the truth of the runs.
            let links = grid.true_link.as_ref().unwrap_or(&grid.link);
            let [link] = links[..] else {
                return Err(UsageError(
                    "--beta fit takes one data link: give one --true-link (or one --link), the link of the GLM fitted to the file".into(),
                )
                .into());
            };
            let options = GlmOptions {
                link,
                ..GlmOptions::default()
            };
            let fit = glm::fit_with(&data, glm, &options)
                .with_context(|| format!("--beta fit: the GLM of --design {name}"))?;
            for w in &fit.warnings {
                diag!("warning: --beta fit: the GLM of --design {name}: {w}");
            }
            grid.beta = vec![fit.params];
        }
        let fixed = FixedDesign::new(data, record).map_err(RepeatError::from)?;
        for b in &grid.beta {
            fixed.check(fixed.rows(), b).map_err(RepeatError::from)?;
        }
        grid.n = vec![fixed.rows()];
        Ok(Some(fixed))
    }
}
