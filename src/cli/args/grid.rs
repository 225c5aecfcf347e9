//! The design grid of `repeat`: each setting a list, the grid their product.
use clap::Args;
use logreg::simulate::XDist;
use logreg::spec::{LinkKind, Optimizer};

use super::parse::{
    parse_beta, parse_corr, parse_count, parse_link, parse_list, parse_positive, parse_steps,
    parse_x_dist, Coefs,
};
use super::sim::enough_rows;

/// Lists of the grid's settings; aliases so clap takes one value, not many.
type Counts = Vec<usize>;
type Rates = Vec<f64>;
type Optimizers = Vec<Optimizer>;
type Betas = Vec<Coefs>;
type Links = Vec<LinkKind>;
type XDists = Vec<XDist>;

fn parse_optimizer(t: &str) -> Result<Optimizer, String> {
    t.parse::<Optimizer>()
        .map_err(|_| format!("'{t}' is not one of sgd, adam, adamw, rmsprop"))
}

/// `--beta "0.3,-1,2;0.3,-1,1"`: vectors separated by `;`, all of one
/// length; `fit` is no vector (with `--design`: the GLM fitted to the
/// file's outcome gives the one vector).
fn parse_betas(s: &str) -> Result<Betas, String> {
    if s.trim() == "fit" {
        return Ok(Vec::new());
    }
    let v = parse_list(s, ';', parse_beta)?;
    match logreg::study::unequal_betas(&v) {
        Some((first, other)) => Err(format!(
            "every vector needs the same length (got {first} and {other})"
        )),
        None => Ok(v),
    }
}

/// The design grid of `repeat`: the settings it varies, each a list; the
/// grid is their Cartesian product. Each item is checked as the single
/// value of `nn` or `compare` is.
#[derive(Debug, Clone, Args)]
pub struct GridArgs {
    /// Rows per simulated data set; a comma-separated list varies it.
    #[arg(long, default_value = "1000", allow_hyphen_values = true, value_name = "N,...",
          value_parser = |s: &str| parse_list(s, ',', parse_count),
          help_heading = "Simulated data (used when there is no --data)")]
    pub n: Counts,
    /// True coefficients, intercept first (their number sets the number of
    /// features); several vectors of one length, separated by `;`, vary it.
    /// With --design, one per design column, or `fit`: the GLM fitted to
    /// the file's outcome.
    #[arg(long, default_value = "0.3,-1,2", value_parser = parse_betas, allow_hyphen_values = true,
          value_name = "B0,B1,..;...", help_heading = "Simulated data (used when there is no --data)")]
    pub beta: Betas,
    /// Learning rate; a comma-separated list varies it.
    #[arg(long, default_value = "0.1", allow_hyphen_values = true, value_name = "LR,...",
          value_parser = |s: &str| parse_list(s, ',', parse_positive), help_heading = "Network")]
    pub lr: Rates,
    /// Optimiser steps; a comma-separated list varies it.
    #[arg(long, default_value = "10000", value_name = "STEPS,...", help_heading = "Network",
          value_parser = |s: &str| parse_list(s, ',', parse_steps), allow_hyphen_values = true)]
    pub steps: Counts,
    /// Optimiser (sgd, adam, adamw, rmsprop, with PyTorch's defaults); a
    /// comma-separated list varies it.
    #[arg(long, default_value = "sgd", value_name = "NAME,...", help_heading = "Network",
          value_parser = |s: &str| parse_list(s, ',', parse_optimizer))]
    pub optimizer: Optimizers,
    /// The link whose inverse draws the data's outcome (logit, probit,
    /// cloglog, loglog, cauchy); a comma-separated list varies it. Without
    /// it, each cell's data has the link it fits (--link).
    #[arg(long, value_name = "LINK,...", value_parser = |s: &str| parse_list(s, ',', parse_link),
          help_heading = "Simulated data (used when there is no --data)")]
    pub true_link: Option<Links>,
    /// The link both estimators fit (the network's output activation is
    /// its inverse); a comma-separated list varies it. A network whose link
    /// is not the logit trains on the exact gradient path.
    #[arg(long, default_value = "logit", value_name = "LINK,...", help_heading = "Model",
          value_parser = |s: &str| parse_list(s, ',', parse_link))]
    pub link: Links,
    /// The features' distribution: uniform (Uniform(--low, --high), the
    /// lecture's) or normal (standard normal, numpy's legacy
    /// standard_normal); a comma-separated list varies it.
    #[arg(long, default_value = "uniform", value_name = "DIST,...",
          value_parser = |s: &str| parse_list(s, ',', parse_x_dist),
          help_heading = "Simulated data (used when there is no --data)")]
    pub x_dist: XDists,
    /// Common correlation between normal features (through the Cholesky
    /// factor of the equicorrelation matrix), in (-1/(k-1), 1) for k
    /// features; a comma-separated list varies it. Uniform features take
    /// only 0.
    #[arg(long, default_value = "0", value_name = "R,...", allow_hyphen_values = true,
          value_parser = |s: &str| parse_list(s, ',', parse_corr),
          help_heading = "Simulated data (used when there is no --data)")]
    pub x_corr: Rates,
}

impl GridArgs {
    /// The library's grid, with `optimizer`: the `--optimizer` list with
    /// their settings.
    pub fn grid(&self, optimizer: Vec<Optimizer>) -> logreg::study::Grid<Optimizer> {
        logreg::study::Grid {
            n: self.n.clone(),
            lr: self.lr.clone(),
            steps: self.steps.clone(),
            optimizer,
            beta: self.beta.clone(),
            true_link: self.true_link.clone(),
            link: self.link.clone(),
            x_dist: self.x_dist.clone(),
            x_corr: self.x_corr.clone(),
        }
    }

    /// Whether `--beta` is `fit` (an empty list of vectors).
    pub fn beta_fit(&self) -> bool {
        self.beta.is_empty()
    }

    /// A GLM needs at least as many rows as coefficients: say so before
    /// simulating anything.
    pub fn check_enough_rows(&self) -> anyhow::Result<()> {
        let k = self.beta.first().map_or(0, Vec::len);
        match logreg::simulate::too_few_rows(&self.n, k) {
            Some(n) => Err(enough_rows(n, k)),
            None => Ok(()),
        }
    }
}
