//! The simulated data set's flags: `--n`, `--beta` and the box `--low`, `--high`.
use clap::Args;
use logreg::runtime::threads::Threads;
use logreg::simulate::{simulate, SimConfig, Simulated, XDist};
use logreg::spec::LinkKind;

use super::parse::Coefs;
use super::parse::{parse_beta, parse_corr, parse_count, parse_finite, parse_link, parse_x_dist};
use crate::cli::UsageError;

/// The simulation box, shared by every command that simulates.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Simulated data (used when there is no --data)")]
pub struct BoxArgs {
    /// Lower end of each feature's Uniform(low, high).
    #[arg(long, default_value_t = -3.0, value_parser = parse_finite, allow_hyphen_values = true)]
    pub low: f64,
    /// Upper end of each feature's Uniform(low, high).
    #[arg(long, default_value_t = 3.0, value_parser = parse_finite, allow_hyphen_values = true)]
    pub high: f64,
}

/// The lecture's simulated data set.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Simulated data (used when there is no --data)")]
pub struct SimArgs {
    /// Number of rows to simulate.
    #[arg(long, default_value_t = 1000, value_parser = parse_count, allow_hyphen_values = true)]
    pub n: usize,
    /// True coefficients, intercept first; their number sets the number of
    /// features (x1..xk).
    #[arg(long, default_value = "0.3,-1,2", value_parser = parse_beta, allow_hyphen_values = true)]
    pub beta: Coefs,
    #[command(flatten)]
    pub bounds: BoxArgs,
    /// The link whose inverse draws the outcome: p = F(X·beta) (logit,
    /// probit, cloglog, loglog, cauchy). Independent of --link, the link
    /// the fits use.
    #[arg(long, default_value = "logit", value_name = "LINK", value_parser = parse_link)]
    pub true_link: LinkKind,
    /// The features' distribution: uniform (Uniform(--low, --high)) or
    /// normal (standard normal, numpy's legacy standard_normal).
    #[arg(long, default_value = "uniform", value_name = "DIST", value_parser = parse_x_dist)]
    pub x_dist: XDist,
    /// Common correlation between normal features, through the Cholesky
    /// factor of the equicorrelation matrix: in (-1/(k-1), 1) for k
    /// features. Uniform features take only 0.
    #[arg(long, default_value_t = 0.0, value_name = "R", value_parser = parse_corr,
          allow_hyphen_values = true)]
    pub x_corr: f64,
}

/// "--n N: fitting k coefficients (--beta) needs at least k rows".
pub fn enough_rows(n: usize, k: usize) -> anyhow::Error {
    UsageError(format!(
        "--n {n}: fitting {k} coefficients (--beta) needs at least {k} rows"
    ))
    .into()
}

impl SimArgs {
    /// The library config; low >= high is a usage error (exit 2).
    pub fn config(&self, seed: u64, threads: Threads) -> anyhow::Result<SimConfig> {
        let cfg = SimConfig {
            link: self.true_link,
            x_dist: self.x_dist,
            x_corr: self.x_corr,
            ..self
                .bounds
                .config(self.n, self.beta.clone(), seed, threads)?
        };
        cfg.check()
            .map_err(|e| UsageError(crate::cli::flags::message(&e)))?;
        Ok(cfg)
    }

    /// A GLM needs at least as many rows as coefficients (intercept
    /// included): say so before simulating anything.
    pub fn check_enough_rows(&self) -> anyhow::Result<()> {
        match logreg::simulate::too_few_rows(&[self.n], self.beta.len()) {
            Some(n) => Err(enough_rows(n, self.beta.len())),
            None => Ok(()),
        }
    }

    pub fn simulate(&self, seed: u64, threads: Threads) -> anyhow::Result<Simulated> {
        Ok(simulate(&self.config(seed, threads)?)?)
    }
}

impl BoxArgs {
    /// The library config for `n` rows of `beta`; low >= high is a usage
    /// error (exit 2).
    pub fn config(
        &self,
        n: usize,
        beta: Vec<f64>,
        seed: u64,
        threads: Threads,
    ) -> anyhow::Result<SimConfig> {
        let cfg = SimConfig {
            n,
            beta,
            low: self.low,
            high: self.high,
            seed,
            threads,
            ..SimConfig::default()
        };
        cfg.check()
            .map_err(|e| UsageError(crate::cli::flags::message(&e)))?;
        Ok(cfg)
    }
}
