//! The network's training flags: learning rate, steps, optimiser and its settings.
use clap::Args;
use logreg::nn::{Precision, Record, TrainConfig};
use logreg::spec::Optimizer;

use super::choice::Choice;
use super::parse::{parse_count, parse_positive, parse_steps};
use crate::cli::UsageError;

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

/// `--dtype` values: the network's precisions by name.
fn precisions() -> Choice<Precision> {
    Choice::new(Precision::ALL, Precision::name, Precision::about)
}

/// `--device` values: libtorch's CPU and its first CUDA device.
fn devices() -> Choice<tch::Device> {
    Choice::new(
        [tch::Device::Cpu, tch::Device::Cuda(0)],
        |d| match d {
            tch::Device::Cuda(_) => "cuda",
            _ => "cpu",
        },
        |_| "",
    )
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
    #[arg(long, value_parser = precisions(), default_value = "f32")]
    pub dtype: Precision,
    /// Run the lecture's literal loop through libtorch autograd (slower; the
    /// default replays autograd's kernels directly and gives the same bits).
    #[arg(long)]
    pub autograd: bool,
    /// Device to train on.
    #[arg(long, value_parser = devices(), default_value = "cpu")]
    pub device: tch::Device,
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
        let device = self.device;
        if device.is_cuda() {
            logreg::runtime::torch::load_cuda();
        }
        let optimizer = optimizer
            .with_sgd(self.momentum, self.nesterov)
            .map_err(|e| UsageError(crate::cli::flags::message(&e)))?;
        let cfg = TrainConfig {
            lr,
            steps,
            optimizer,
            batch_size: self.batch_size,
            tol: self.tol,
            standardize: self.standardize,
            precision: self.dtype,
            device,
            seed,
            autograd: self.autograd,
            record,
        };
        cfg.check()
            .map_err(|e| UsageError(crate::cli::flags::message(&e)))?;
        Ok(cfg)
    }
}
