//! Logistic regression as a one-layer network (`Linear(k, 1)` then sigmoid, or
//! another inverse link, with optional row weights and offset),
//! trained exactly as the lecture's PyTorch program: BCE loss, full-batch SGD.
mod config;
mod drive;
mod error;
mod history;
mod model;
mod objective;
mod observe;
mod optimizer;
mod progress;
mod render;
mod replay;
mod run;
mod setup;
mod shim;
mod spec;
mod standardize;
mod trace;
mod train;

pub use config::{Precision, Record, TrainConfig, TrainConfigError};
pub use error::TrainError;
pub use history::{History, Recorder, MAX_HISTORY};
pub use model::LogisticNet;
pub use observe::{Observer, Want};
pub use progress::StepProgress;
pub use render::render;
// For the study's closed-form path: the same per-element optimiser steps.
pub(crate) use optimizer::Stepper;
pub use spec::{ModelSpec, SpecError};
pub use standardize::{StandardizeError, Standardizer};
pub use trace::TraceRows;
// For the study's exact and closed-form paths: the step-and-stop loop and
// its rules, and the single run's setup and step.
pub(crate) use drive::{drive, finite, first_not_finite, largest_change, met_tol, Learner, Look};
pub(crate) use objective::{mean_bce_each, BCE_BACKWARD_EPS};
pub(crate) use run::{at_clamp, clamp_warnings, Finished, NetRun};
pub(crate) use setup::{draw_layer, tensor_kind};
pub use train::{train, train_spec, train_spec_reporting, train_spec_with, train_with, NnFit};
