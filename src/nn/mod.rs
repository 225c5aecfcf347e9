//! Logistic regression as a one-layer network (`Linear(k, 1)` then sigmoid, or
//! another inverse link, with optional row weights and offset),
//! trained exactly as the lecture's PyTorch program: BCE loss, full-batch SGD.
mod config;
mod history;
mod model;
mod observe;
mod optimizer;
mod render;
mod shim;
mod spec;
mod standardize;
mod trace;
mod train;

pub use config::{OptimizerKind, Precision, Record, TrainConfig, TrainConfigError};
pub use history::{History, Recorder, MAX_HISTORY};
pub use model::LogisticNet;
pub use observe::{Observer, Want};
pub use render::render;
// For `repeat`'s batched trainer: the same per-element optimiser steps.
pub(crate) use optimizer::Stepper;
pub use spec::{ModelSpec, SpecError};
pub use standardize::{StandardizeError, Standardizer};
pub use trace::TraceRows;
// For `repeat`'s exact path: the single run's own setup and gradient step.
pub(crate) use train::{
    at_clamp, bce, clamp_warning, draw_layer, layer_params, snapshot, tensor_kind, NetSetup, Replay,
};
pub use train::{train, train_spec, train_spec_with, train_with, NnFit, TrainError};
