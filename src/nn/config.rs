//! Training settings: the Python original's values are the defaults.
use std::fmt;

use tch::Device;

use crate::setting::{in_fields, In, Remedy, Setting, Worded, Wording};
use crate::spec::{Optimizer, OptimizerError};

/// Floating-point precision of the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Precision {
    /// float32, PyTorch's default (and the lecture's).
    #[default]
    F32,
    /// float64: initial weights are drawn in float32 and cast, as `.double()` does.
    F64,
}

/// What to keep during training.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record {
    /// Keep the state every this many steps (and after the last one). The
    /// interval doubles each time [`MAX_HISTORY`](super::MAX_HISTORY)
    /// states are kept, so a record never grows with the number of steps.
    pub every: usize,
    /// Also compute the full-data loss at those states. With the default
    /// (replay) path this costs a forward pass of BCE (2n logarithms) each time.
    pub loss: bool,
}

impl Precision {
    /// Every precision, in the order `--help` lists them.
    pub const ALL: [Precision; 2] = [Precision::F32, Precision::F64];

    /// The precision's name as a flag value and in a study's settings.
    pub fn name(self) -> &'static str {
        match self {
            Precision::F32 => "f32",
            Precision::F64 => "f64",
        }
    }

    /// One line on what the precision is.
    pub fn about(self) -> &'static str {
        match self {
            Precision::F32 => "float32, as PyTorch by default",
            Precision::F64 => "float64",
        }
    }
}

impl fmt::Display for Precision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Precision::F32 => "float32",
            Precision::F64 => "float64",
        })
    }
}

/// How to train the network.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainConfig {
    /// Learning rate. Default 0.1.
    pub lr: f64,
    /// Optimiser steps (parameter updates). Default 10,000.
    pub steps: usize,
    /// Optimiser and its settings. Default plain SGD.
    pub optimizer: Optimizer,
    /// Mini-batch size; `None` (default) is full batch, and so is any size
    /// of at least n rows. Batches come from a `torch.randperm(n)` per epoch
    /// on the seeded torch generator.
    pub batch_size: Option<usize>,
    /// Stop when the largest parameter change in a step is below this. Default none.
    pub tol: Option<f64>,
    /// Train on standardized features; report original-scale coefficients. Default false.
    pub standardize: bool,
    /// Precision. Default float32.
    pub precision: Precision,
    /// Device. Default CPU.
    pub device: Device,
    /// `torch.manual_seed` right before the network is built. Default 42.
    pub seed: u64,
    /// Run the literal zero_grad / forward / loss / backward / step loop
    /// through autograd instead of replaying its kernels. Same bits, slower.
    /// Default false.
    pub autograd: bool,
    /// Keep parameters (and optionally the loss) along the way, in
    /// [`NnFit::history`](super::NnFit::history), for plots. Default: keep
    /// nothing. (Traces and `steps_to_match` watch training instead:
    /// [`train_with`](super::train_with).)
    pub record: Option<Record>,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            lr: 0.1,
            steps: 10_000,
            optimizer: Optimizer::SGD,
            batch_size: None,
            tol: None,
            standardize: false,
            precision: Precision::F32,
            device: Device::Cpu,
            seed: crate::simulate::DEFAULT_SEED,
            autograd: false,
            record: None,
        }
    }
}

/// What is wrong with a [`TrainConfig`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TrainConfigError {
    #[error("{}", in_fields(self))]
    Lr(f64),
    #[error("{}", in_fields(self))]
    LrF32(f64),
    #[error(transparent)]
    Optimizer(#[from] OptimizerError),
    #[error("{}", in_fields(self))]
    BatchSize,
    #[error("{}", in_fields(self))]
    Tol(f64),
    #[error("{}", in_fields(self))]
    Every,
}

impl Worded for TrainConfigError {
    fn write(&self, w: &Wording, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = |s: Setting| In(&s, w).to_string();
        match self {
            TrainConfigError::Lr(lr) => {
                write!(
                    f,
                    "{} must be a positive finite number, got {lr}",
                    s(Setting::Lr)
                )
            }
            TrainConfigError::LrF32(lr) => write!(
                f,
                "{} {lr:e} does not fit in float32 (largest 3.4028235e38); {}",
                s(Setting::Lr),
                In(&Remedy::SmallerLrOrF64, w)
            ),
            TrainConfigError::Optimizer(e) => e.write(w, f),
            TrainConfigError::BatchSize => {
                write!(f, "{} must be at least 1", s(Setting::BatchSize))
            }
            TrainConfigError::Tol(tol) => {
                write!(
                    f,
                    "{} must be a positive finite number, got {tol}",
                    s(Setting::Tol)
                )
            }
            TrainConfigError::Every => write!(f, "{} must be at least 1", s(Setting::LogEvery)),
        }
    }
}

impl TrainConfig {
    /// Check the settings once, before any tensor is built.
    pub fn check(&self) -> Result<(), TrainConfigError> {
        if !(self.lr.is_finite() && self.lr > 0.0) {
            return Err(TrainConfigError::Lr(self.lr));
        }
        if self.precision == Precision::F32 && self.lr > f64::from(f32::MAX) {
            return Err(TrainConfigError::LrF32(self.lr));
        }
        self.optimizer.check()?;
        if self.batch_size == Some(0) {
            return Err(TrainConfigError::BatchSize);
        }
        if let Some(t) = self.tol {
            if !(t.is_finite() && t > 0.0) {
                return Err(TrainConfigError::Tol(t));
            }
        }
        if self.record.is_some_and(|r| r.every == 0) {
            return Err(TrainConfigError::Every);
        }
        Ok(())
    }
}
