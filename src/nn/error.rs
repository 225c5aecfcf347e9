//! Why training a network failed.
use tch::TchError;

use super::config::{Precision, TrainConfigError};
use super::spec::SpecError;
use super::standardize::StandardizeError;
use crate::runtime::torch::short_error;
use crate::setting::{Remedy, Setting};

/// Why training failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TrainError {
    #[error(transparent)]
    Config(#[from] TrainConfigError),
    #[error("{} cuda: CUDA is not available (libtorch found no CUDA device or was built without CUDA); {}", Setting::Device, Remedy::UseCpu)]
    NoCuda,
    #[error(transparent)]
    Standardize(#[from] StandardizeError),
    #[error(transparent)]
    Spec(#[from] SpecError),
    #[error(transparent)]
    Data(#[from] crate::data::DataError),
    #[error(
        "the loss became {value} at step {step}: training diverged; {}",
        Remedy::SmallerLrOrStandardize
    )]
    Diverged { step: usize, value: String },
    #[error("a feature value does not fit in {} (too large in magnitude); {}", .0, Remedy::StandardizeOrF64)]
    Overflow(Precision),
    #[error("training stopped after {0} steps: an observer asked to stop")]
    Stopped(usize),
    #[error("libtorch: {0}")]
    Torch(String),
}

impl TrainError {
    /// Settings and data the network cannot use are bad input; divergence
    /// and libtorch failures are a failed training; a stop request is an
    /// interruption.
    pub fn kind(&self) -> crate::ErrorKind {
        match self {
            TrainError::Diverged { .. } | TrainError::Torch(_) => crate::ErrorKind::FitFailed,
            TrainError::Stopped(_) => crate::ErrorKind::Interrupted,
            _ => crate::ErrorKind::BadInput,
        }
    }
}

impl From<TchError> for TrainError {
    fn from(e: TchError) -> Self {
        TrainError::Torch(short_error(&e))
    }
}
