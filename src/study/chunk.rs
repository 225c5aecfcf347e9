//! What the two ways of training a study's chunk share: the checked chunk,
//! the trainer trait, one network's result, the batch's errors, and how a
//! caller watches and stops the batch.
use std::fmt;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};

use tch::TchError;

use crate::data::Dataset;
use crate::nn::{Look, TrainConfig, TrainError};
use crate::setting::{in_fields, In, Remedy, Setting, Worded, Wording};
use crate::spec::LinkKind;

/// Steps between two looks at the stop flag and two progress reports.
pub const CHECK_EVERY: usize = 250;

/// One chunk of a study, checked: R data sets of one shape, one seed each,
/// settings that batching can reproduce, the device available.
pub(super) struct Chunk<'a> {
    pub data: &'a [Dataset],
    pub seeds: &'a [u64],
    pub cfg: &'a TrainConfig,
    /// The link whose inverse is the networks' output activation.
    pub link: LinkKind,
    /// Threads the networks may be spread over (the fused closed form's;
    /// the ATen paths run on libtorch's threads).
    pub threads: usize,
}

/// What training a chunk gives: one fit per data set, in order, or `None`
/// if `ctl.stop` was raised.
pub(super) type Trained = Result<Option<Vec<BatchedFit>>, BatchError>;

/// One way of training the networks of a chunk.
pub(super) trait ChunkTrainer {
    fn train(&self, chunk: &Chunk<'_>, ctl: &mut BatchControl<'_>) -> Trained;
}

/// One network of a batch: what `nn::train` reports for a single run.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchedFit {
    /// Trained parameters `[bias, w_1..w_k]` (original scale with `standardize`).
    pub params: Vec<f64>,
    /// Parameters as drawn right after `tch::manual_seed(seed)`.
    pub init_params: Vec<f64>,
    /// The loss (mean BCE) of the last forward pass, at the parameters
    /// before the last step, as [`NnFit::loss`](crate::nn::NnFit::loss).
    pub loss: f64,
    /// Optimiser steps this network took.
    pub steps: usize,
    /// With `tol`: the step at which its largest parameter change fell below it.
    pub converged_at: Option<usize>,
    /// What `compare` warns of for this network (rows at BCE's clamp:
    /// training diverged although every number is finite), as
    /// [`NnFit::warnings`](crate::nn::NnFit::warnings); empty when none.
    pub warnings: Vec<String>,
}

/// Why a batch could not be trained.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BatchError {
    /// A training option that one batched run cannot reproduce.
    #[error("{}", in_fields(self))]
    Unsupported { option: Setting, why: &'static str },
    /// No data sets, seeds that do not match them, or data sets of different shapes.
    #[error("a batch needs one seed per data set and data sets of one shape (got {data} data sets, {seeds} seeds)")]
    Shape { data: usize, seeds: usize },
    /// A network's parameters or loss became NaN or infinite.
    #[error("{}", in_fields(self))]
    Diverged { seed: u64 },
    /// A problem with one run's data.
    #[error("network for seed {seed}")]
    Run {
        seed: u64,
        #[source]
        source: TrainError,
    },
    /// A problem with the settings or libtorch.
    #[error(transparent)]
    Train(#[from] TrainError),
}

impl Worded for BatchError {
    fn write(&self, w: &Wording, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BatchError::Unsupported { option, why } => {
                write!(f, "{} cannot be used with repeat: {why}", In(option, w))
            }
            BatchError::Diverged { seed } => write!(
                f,
                "the network for seed {seed} diverged (its loss or parameters are not finite); {} ({})",
                In(&Remedy::SmallerLrOrStandardize, w),
                In(&Remedy::ReplayRun(*seed), w)
            ),
            BatchError::Train(e) => e.write(w, f),
            other => fmt::Display::fmt(other, f),
        }
    }
}

impl BatchError {
    /// Bad input (settings, one run's data) or a failed training.
    pub fn kind(&self) -> crate::ErrorKind {
        match self {
            BatchError::Unsupported { .. } => crate::ErrorKind::BadInput,
            BatchError::Shape { .. } | BatchError::Diverged { .. } => crate::ErrorKind::FitFailed,
            BatchError::Run { source, .. } | BatchError::Train(source) => source.kind(),
        }
    }
}

impl From<TchError> for BatchError {
    fn from(e: TchError) -> Self {
        BatchError::Train(e.into())
    }
}

/// How a caller watches and stops a batch.
#[derive(Default)]
pub struct BatchControl<'a> {
    /// When this becomes true, the batch is abandoned at the next check
    /// (every [`CHECK_EVERY`] steps) and training returns `Ok(None)`.
    pub stop: Option<&'a AtomicBool>,
    /// Called every [`CHECK_EVERY`] steps, and at the end, with the number of
    /// steps done.
    pub progress: Option<&'a mut dyn FnMut(usize)>,
}

impl BatchControl<'_> {
    /// Whether the caller asked to stop.
    pub fn stopped(&self) -> bool {
        self.stop.is_some_and(|s| s.load(Ordering::Relaxed))
    }

    fn report(&mut self, steps: usize) {
        if let Some(p) = self.progress.as_mut() {
            p(steps);
        }
    }
}

/// The training loop looks every [`CHECK_EVERY`] steps: a progress
/// report, then the stop flag; and reports once more at the end.
impl Look for BatchControl<'_> {
    fn every(&self) -> usize {
        CHECK_EVERY
    }

    fn look(&mut self, steps: usize) -> ControlFlow<()> {
        self.report(steps);
        match self.stopped() {
            true => ControlFlow::Break(()),
            false => ControlFlow::Continue(()),
        }
    }

    fn ended(&mut self, steps: usize) {
        self.report(steps);
    }
}
