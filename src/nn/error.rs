//! Why training a network failed.
use std::fmt;

use tch::TchError;

use super::config::{Precision, TrainConfigError};
use super::spec::SpecError;
use super::standardize::StandardizeError;
use crate::runtime::torch::short_error;
use crate::setting::{in_fields, In, Remedy, Setting, Worded, Wording};

/// Why training failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TrainError {
    #[error(transparent)]
    Config(#[from] TrainConfigError),
    #[error("{}", in_fields(self))]
    NoCuda,
    #[error(transparent)]
    Standardize(#[from] StandardizeError),
    #[error(transparent)]
    Spec(#[from] SpecError),
    #[error(transparent)]
    Data(#[from] crate::data::DataError),
    #[error("{}", in_fields(self))]
    Diverged { step: usize, value: String },
    #[error("{}", in_fields(self))]
    Overflow(Precision),
    #[error("training stopped after {0} steps: an observer asked to stop")]
    Stopped(usize),
    #[error("libtorch: {0}")]
    Torch(String),
}

impl Worded for TrainError {
    fn write(&self, w: &Wording, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrainError::Config(e) => e.write(w, f),
            TrainError::NoCuda => write!(
                f,
                "{} cuda: CUDA is not available (libtorch found no CUDA device or was built without CUDA); {}",
                In(&Setting::Device, w),
                In(&Remedy::UseCpu, w)
            ),
            TrainError::Standardize(e) => e.write(w, f),
            TrainError::Spec(e) => e.write(w, f),
            TrainError::Data(e) => e.write(w, f),
            TrainError::Diverged { step, value } => write!(
                f,
                "the loss became {value} at step {step}: training diverged; {}",
                In(&Remedy::SmallerLrOrStandardize, w)
            ),
            TrainError::Overflow(precision) => write!(
                f,
                "a feature value does not fit in {precision} (too large in magnitude); {}",
                In(&Remedy::StandardizeOrF64, w)
            ),
            other => fmt::Display::fmt(other, f),
        }
    }
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
