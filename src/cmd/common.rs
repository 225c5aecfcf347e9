//! Flags shared by several subcommands: the simulated data set, or a CSV file.
use std::path::PathBuf;

use anyhow::Context;
use clap::builder::TypedValueParser;
use clap::Args;
use logreg::data::{read_csv, CsvOptions, Dataset, MissingPolicy};
use logreg::simulate::{simulate, SimConfig, Simulated};

use super::{Global, UsageError};

/// Parse `--beta 0.3,-1,2`: intercept first, at least two finite numbers.
/// Coefficient list; an alias so clap takes one comma-separated value, not many.
type Coefs = Vec<f64>;

fn parse_beta(s: &str) -> Result<Coefs, String> {
    let v: Vec<f64> = s
        .split(',')
        .map(|t| {
            let t = t.trim();
            t.parse::<f64>()
                .ok()
                .filter(|b| b.is_finite())
                .ok_or_else(|| format!("'{t}' is not a finite number"))
        })
        .collect::<Result<_, _>>()?;
    if v.len() < 2 {
        return Err(format!(
            "needs an intercept and at least one coefficient (got {} value)",
            v.len()
        ));
    }
    Ok(v)
}

fn parse_finite(s: &str) -> Result<f64, String> {
    s.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| format!("'{s}' is not a finite number"))
}

/// The lecture's simulated data set.
#[derive(Debug, Clone, Args)]
pub struct SimArgs {
    /// Number of rows to simulate.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..).map(|v| v as usize))]
    pub n: usize,
    /// True coefficients, intercept first; their number sets the number of
    /// features (x1..xk).
    #[arg(long, default_value = "0.3,-1,2", value_parser = parse_beta, allow_hyphen_values = true)]
    pub beta: Coefs,
    /// Lower end of each feature's Uniform(low, high).
    #[arg(long, default_value_t = -3.0, value_parser = parse_finite, allow_hyphen_values = true)]
    pub low: f64,
    /// Upper end of each feature's Uniform(low, high).
    #[arg(long, default_value_t = 3.0, value_parser = parse_finite, allow_hyphen_values = true)]
    pub high: f64,
}

impl SimArgs {
    /// The library config; low >= high is a usage error (exit 2).
    pub fn config(&self, seed: u64) -> anyhow::Result<SimConfig> {
        let cfg = SimConfig {
            n: self.n,
            beta: self.beta.clone(),
            low: self.low,
            high: self.high,
            seed,
        };
        cfg.check().map_err(|e| UsageError(e.to_string()))?;
        Ok(cfg)
    }

    pub fn simulate(&self, seed: u64) -> anyhow::Result<Simulated> {
        Ok(simulate(&self.config(seed)?)?)
    }
}

/// Missing-value handling for `--missing`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Missing {
    /// A missing value (empty, NA, NaN) is an error.
    Error,
    /// Rows with a missing value are dropped; stderr says how many.
    Drop,
}

/// Data for a fit: simulated by default, or `--data FILE`.
#[derive(Debug, Clone, Args)]
pub struct DataArgs {
    /// CSV file with a header row (tab-separated if it ends in .tsv). Without
    /// it, the lecture's data set is simulated (see --n, --beta, --low, --high).
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
    /// Target column: 0/1 values.
    #[arg(long, default_value = "y", value_name = "COL", requires = "data")]
    pub target: String,
    /// Feature columns, comma-separated [default: every other column, in file order].
    #[arg(long, value_delimiter = ',', value_name = "A,B,C", requires = "data")]
    pub features: Option<Vec<String>>,
    /// Field separator, one character (e.g. ';' or '\t') [default: ',' or tab for .tsv].
    #[arg(long, value_parser = parse_delimiter, value_name = "CHAR", requires = "data")]
    pub delimiter: Option<u8>,
    /// What to do with missing values.
    #[arg(long, value_enum, default_value = "error", requires = "data")]
    pub missing: Missing,
    #[command(flatten)]
    pub sim: SimArgs,
}

fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s {
        "\\t" | "tab" => Ok(b'\t'),
        _ if s.len() == 1 && s.is_ascii() => Ok(s.as_bytes()[0]),
        _ => Err(format!("'{s}' is not a single ASCII character")),
    }
}

/// A loaded data set and, for simulated data, the truth behind it.
pub struct Loaded {
    pub data: Dataset,
    pub sim: Option<Simulated>,
}

impl DataArgs {
    /// Read `--data` or simulate; data errors carry file, line, column, value.
    pub fn load(&self, g: &Global) -> anyhow::Result<Loaded> {
        match &self.data {
            Some(path) => {
                let opts = CsvOptions {
                    target: self.target.clone(),
                    features: self.features.clone(),
                    delimiter: self.delimiter,
                    missing: match self.missing {
                        Missing::Error => MissingPolicy::Error,
                        Missing::Drop => MissingPolicy::Drop,
                    },
                };
                let (data, dropped) = read_csv(path, &opts)?;
                if dropped > 0 {
                    eprintln!(
                        "note: {}: dropped {dropped} row(s) with missing values",
                        path.display()
                    );
                }
                Ok(Loaded { data, sim: None })
            }
            None => {
                let sim = self.sim.simulate(g.seed).context("simulating data")?;
                Ok(Loaded {
                    data: sim.data.clone(),
                    sim: Some(sim),
                })
            }
        }
    }
}
