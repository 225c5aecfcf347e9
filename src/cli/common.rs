//! Flags shared by several subcommands: the simulated data set, or a CSV file.
use std::path::{Path, PathBuf};

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::Args;
use logreg::data::{read_csv, CsvOptions, Dataset, MissingPolicy, RoleNames};
use logreg::glm::{GlmConfig, GlmOptions};
use logreg::nn::{ModelSpec, Precision, Record, TrainConfig};
use logreg::runtime::threads::Threads;
use logreg::simulate::{simulate, SimConfig, Simulated};
use logreg::spec::roles::RowValues;
use logreg::spec::{CovType, Link, LinkKind, Optimizer};

use super::choice::Choice;
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

/// A whole number of at least 1 (rows, runs, iterations...).
pub(super) fn parse_count(s: &str) -> Result<usize, String> {
    parse_whole(s, 1).and_then(|v| usize::try_from(v).map_err(|_| format!("'{s}' is too large")))
}

/// A whole number of at least 0 (`--steps`).
fn parse_steps(s: &str) -> Result<usize, String> {
    parse_whole(s, 0).and_then(|v| usize::try_from(v).map_err(|_| format!("'{s}' is too large")))
}

/// A whole number of at least `min`, with a message that says so.
pub(super) fn parse_whole(s: &str, min: u64) -> Result<u64, String> {
    match s.trim().parse::<u64>() {
        Ok(v) if v >= min => Ok(v),
        Err(e) if *e.kind() == std::num::IntErrorKind::PosOverflow => {
            Err(format!("'{s}' is larger than {}", u64::MAX))
        }
        _ => Err(format!("'{s}' is not a whole number >= {min}")),
    }
}

fn parse_finite(s: &str) -> Result<f64, String> {
    s.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| format!("'{s}' is not a finite number"))
}

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
}

/// A comma-separated list, each item parsed by `item` (an empty item is an
/// error): `--n 100,1000`. Each value makes cells of a grid, so a value
/// given twice (`100,100`, or `0.1,1e-1`) is an error too: its cells would
/// be one study's twice over.
fn parse_list<T: PartialEq>(
    s: &str,
    sep: char,
    item: fn(&str) -> Result<T, String>,
) -> Result<Vec<T>, String> {
    let mut out: Vec<T> = Vec::new();
    for t in s.split(sep) {
        let v = match t.trim() {
            "" => return Err(format!("'{s}' has an empty item")),
            t => item(t)?,
        };
        if out.contains(&v) {
            return Err(format!("'{s}' lists {} twice", t.trim()));
        }
        out.push(v);
    }
    Ok(out)
}

/// Lists of the grid's settings; aliases so clap takes one value, not many.
type Counts = Vec<usize>;
type Rates = Vec<f64>;
type Optimizers = Vec<Optimizer>;
type Betas = Vec<Coefs>;

fn parse_optimizer(t: &str) -> Result<Optimizer, String> {
    t.parse::<Optimizer>()
        .map_err(|_| format!("'{t}' is not one of sgd, adam, adamw, rmsprop"))
}

/// `--beta "0.3,-1,2;0.3,-1,1"`: vectors separated by `;`, all of one length.
fn parse_betas(s: &str) -> Result<Betas, String> {
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
        }
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

/// "--n N: fitting k coefficients (--beta) needs at least k rows".
fn enough_rows(n: usize, k: usize) -> anyhow::Error {
    UsageError(format!(
        "--n {n}: fitting {k} coefficients (--beta) needs at least {k} rows"
    ))
    .into()
}

impl SimArgs {
    /// The library config; low >= high is a usage error (exit 2).
    pub fn config(&self, seed: u64, threads: Threads) -> anyhow::Result<SimConfig> {
        self.bounds.config(self.n, self.beta.clone(), seed, threads)
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
        };
        cfg.check()
            .map_err(|e| UsageError(super::flags::message(&e)))?;
        Ok(cfg)
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
#[command(next_help_heading = "Data file")]
pub struct DataArgs {
    /// CSV file with a header row (tab-separated if it ends in .tsv). Without
    /// it, the lecture's data set is simulated (see --n, --beta, --low, --high).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["n", "beta", "low", "high"])]
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

pub(super) fn parse_delimiter(s: &str) -> Result<u8, String> {
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
    /// Read `--data` or simulate; data errors carry file, line, column,
    /// value. The per-row `roles` columns of the file are read too (clap
    /// makes their flags need --data).
    pub fn load_roles(&self, g: &Global, roles: RoleNames) -> anyhow::Result<Loaded> {
        match &self.data {
            Some(path) => {
                let (data, dropped) = read_csv(path, &self.csv_options(roles, g.threads))?;
                note_dropped(path, dropped);
                Ok(Loaded { data, sim: None })
            }
            None => {
                // Its errors name "simulated" (a data error reads as a file's).
                let sim = self.sim.simulate(g.seed, g.threads)?;
                Ok(Loaded {
                    data: sim.data.clone(),
                    sim: Some(sim),
                })
            }
        }
    }

    /// How `--data` is read: the column choice and parsing flags, and the
    /// per-row `roles` columns, read on `threads`.
    pub fn csv_options(&self, roles: RoleNames, threads: Threads) -> CsvOptions {
        CsvOptions {
            target: self.target.clone(),
            features: self.features.clone(),
            delimiter: self.delimiter,
            missing: match self.missing {
                Missing::Error => MissingPolicy::Error,
                Missing::Drop => MissingPolicy::Drop,
            },
            roles,
            threads,
        }
    }
}

/// The note on stderr when rows of `path` were dropped for missing values.
pub fn note_dropped(path: &Path, dropped: usize) {
    if dropped > 0 {
        let name = match path.as_os_str() == "-" {
            true => "stdin".into(),
            false => path.display().to_string(),
        };
        diag!("note: {name}: dropped {dropped} row(s) with missing values");
    }
}

/// `--optimizer` values: the library's optimisers by name, with PyTorch's
/// defaults.
fn optimizers() -> Choice<Optimizer> {
    Choice::new(Optimizer::ALL, Optimizer::name, |o| match o {
        Optimizer::Sgd { .. } => "torch.optim.SGD (the lecture's)",
        Optimizer::Adam => "torch.optim.Adam with PyTorch's defaults",
        Optimizer::AdamW => "torch.optim.AdamW with PyTorch's defaults (weight decay 0.01)",
        Optimizer::RmsProp => "torch.optim.RMSprop with PyTorch's defaults",
    })
}

/// `--dtype` values.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Dtype {
    /// float32, as PyTorch by default.
    F32,
    /// float64.
    F64,
}

/// `--device` values.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum DeviceArg {
    Cpu,
    Cuda,
}

pub(super) fn parse_positive(s: &str) -> Result<f64, String> {
    s.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v > 0.0)
        .ok_or_else(|| format!("'{s}' is not a positive finite number"))
}

fn parse_momentum(s: &str) -> Result<f64, String> {
    s.parse::<f64>()
        .ok()
        .filter(|v| (0.0..1.0).contains(v))
        .ok_or_else(|| format!("'{s}' is not in [0, 1)"))
}

/// How the network trains (the Python original's values by default).
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Network")]
pub struct TrainArgs {
    /// Learning rate.
    #[arg(long, default_value_t = 0.1, value_parser = parse_positive, allow_hyphen_values = true)]
    pub lr: f64,
    /// Optimiser steps (full-batch unless --batch-size). 0 reports the initial weights.
    #[arg(long, default_value_t = 10_000, value_parser = parse_steps, allow_hyphen_values = true)]
    pub steps: usize,
    /// Optimiser, with PyTorch's default settings.
    #[arg(long, value_parser = optimizers(), default_value = "sgd")]
    pub optimizer: Optimizer,
    #[command(flatten)]
    pub options: OptimArgs,
}

impl TrainArgs {
    /// The library config; bad combinations are usage errors (exit 2).
    pub fn config(&self, seed: u64, record: Option<Record>) -> anyhow::Result<TrainConfig> {
        self.options
            .config(self.lr, self.steps, self.optimizer, seed, record)
    }
}

/// The network's settings besides the learning rate, steps and optimiser
/// (which `repeat` varies over a grid).
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Network")]
pub struct OptimArgs {
    /// SGD momentum (only with --optimizer sgd) [default: 0].
    #[arg(long, value_parser = parse_momentum, allow_hyphen_values = true)]
    pub momentum: Option<f64>,
    /// SGD Nesterov momentum (needs --momentum > 0).
    #[arg(long)]
    pub nesterov: bool,
    /// Mini-batch size, shuffled each epoch by torch.randperm on the seeded
    /// generator [default: full batch].
    #[arg(long, value_parser = parse_count, allow_hyphen_values = true)]
    pub batch_size: Option<usize>,
    /// Stop when the largest parameter change in one step falls below this.
    #[arg(long, value_parser = parse_positive, allow_hyphen_values = true)]
    pub tol: Option<f64>,
    /// Train on standardized features (z = (x - mean) / sd) and report
    /// coefficients on the original scale. Plain SGD at lr 0.1 diverges on
    /// unscaled data with large values.
    #[arg(long)]
    pub standardize: bool,
    /// Network precision.
    #[arg(long, value_enum, default_value = "f32")]
    pub dtype: Dtype,
    /// Run the lecture's literal loop through libtorch autograd (slower; the
    /// default replays autograd's kernels directly and gives the same bits).
    #[arg(long)]
    pub autograd: bool,
    /// Device to train on.
    #[arg(long, value_enum, default_value = "cpu")]
    pub device: DeviceArg,
}

impl OptimArgs {
    /// The library config; bad combinations are usage errors (exit 2).
    pub fn config(
        &self,
        lr: f64,
        steps: usize,
        optimizer: Optimizer,
        seed: u64,
        record: Option<Record>,
    ) -> anyhow::Result<TrainConfig> {
        let device = match self.device {
            DeviceArg::Cpu => tch::Device::Cpu,
            DeviceArg::Cuda => {
                logreg::runtime::torch::load_cuda();
                tch::Device::Cuda(0)
            }
        };
        let optimizer = optimizer
            .with_sgd(self.momentum, self.nesterov)
            .map_err(|e| UsageError(super::flags::message(&e)))?;
        let cfg = TrainConfig {
            lr,
            steps,
            optimizer,
            batch_size: self.batch_size,
            tol: self.tol,
            standardize: self.standardize,
            precision: match self.dtype {
                Dtype::F32 => Precision::F32,
                Dtype::F64 => Precision::F64,
            },
            device,
            seed,
            autograd: self.autograd,
            record,
        };
        cfg.check()
            .map_err(|e| UsageError(super::flags::message(&e)))?;
        Ok(cfg)
    }
}

pub(super) fn parse_nonneg(s: &str) -> Result<f64, String> {
    s.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
        .ok_or_else(|| format!("'{s}' is not a finite number >= 0"))
}

pub(super) fn parse_alpha(s: &str) -> Result<f64, String> {
    let v = s
        .parse::<f64>()
        .ok()
        .filter(|v| *v > 0.0 && *v < 1.0)
        .ok_or_else(|| format!("'{s}' is not in (0, 1)"))?;
    logreg::glm::check_alpha(v).map_err(|e| e.to_string())?;
    Ok(v)
}

/// GLM settings where the network's flags share the command line (compare,
/// demo, repeat): the deviance tolerance is `--glm-tol` there, since `--tol`
/// is the network's.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "GLM")]
pub struct GlmArgs {
    /// GLM: stop when the deviance changes by at most this much (absolute),
    /// as statsmodels' `tol`.
    #[arg(long, default_value = "1e-8", value_parser = parse_nonneg, allow_hyphen_values = true, value_name = "X")]
    pub glm_tol: f64,
    /// GLM: maximum number of Fisher-scoring iterations (statsmodels' `maxiter`).
    #[arg(long, default_value_t = 100, value_name = "N",
          value_parser = parse_count, allow_hyphen_values = true)]
    pub max_iter: usize,
    /// GLM: confidence intervals are at level 1 - alpha.
    #[arg(long, default_value_t = 0.05, value_parser = parse_alpha, allow_hyphen_values = true, value_name = "A")]
    pub alpha: f64,
}

impl GlmArgs {
    pub fn config(&self, threads: Threads) -> anyhow::Result<GlmConfig> {
        Ok(GlmConfig {
            tol: self.glm_tol,
            max_iter: self.max_iter,
            alpha: self.alpha,
            threads,
        })
    }
}

/// `--link` values: statsmodels' binomial links by their lower-case
/// names, each with its line for the long help.
fn link_parser() -> impl TypedValueParser<Value = LinkKind> {
    let values = LinkKind::ALL.map(|l| PossibleValue::new(l.key()).help(l.about()));
    PossibleValuesParser::new(values).try_map(|name| name.parse::<LinkKind>())
}

/// The model around the data, for both fits: the link, and per-row columns
/// of the data file (read with it; not features).
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Model")]
pub struct ModelArgs {
    /// Binomial link (statsmodels' Logit, Probit, CLogLog, LogLog, Cauchy);
    /// the network's output activation is its inverse.
    #[arg(long, value_parser = link_parser(), default_value = "logit")]
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
}

impl ModelArgs {
    /// The file columns these flags name (`groups` from [`CovArgs`]).
    pub fn roles(&self, groups: Option<&str>) -> RoleNames {
        RoleNames {
            freq_weights: self.freq_weights.clone(),
            var_weights: self.var_weights.clone(),
            offset: self.offset.clone(),
            groups: groups.map(str::to_string),
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
    /// row (freq · var), the offset.
    pub fn spec<'d>(&self, data: &'d Dataset) -> ModelSpec<'d> {
        ModelSpec::new(self.link, &data.roles().values())
    }
}

/// `--cov-type` values: the library's covariance types, by statsmodels'
/// `cov_type` names.
pub(super) fn cov_types() -> Choice<CovType> {
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
        match (self.cov_type, &self.groups) {
            (CovType::Cluster, None) => {
                Err(UsageError("--cov-type cluster needs --groups COL".into()).into())
            }
            (t, Some(_)) if t != CovType::Cluster => Err(UsageError(
                "--groups is for --cov-type cluster; give that, or drop --groups".into(),
            )
            .into()),
            _ => Ok(()),
        }
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
