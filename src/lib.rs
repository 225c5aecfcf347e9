//! `logreg`: logistic regression as a GLM (Fisher scoring, matching
//! statsmodels) and as a one-layer network (matching PyTorch), on libtorch.
//!
//! Where things live:
//! - [`runtime`]: threads, SIMD dispatch, memory checks and libtorch settings.
//! - [`spec`]: the model's vocabulary both fits share: links, the Binomial
//!   family, the normal distribution, covariance types, the optimiser, the
//!   per-row roles.
//! - [`simulate`]: the lecture's data set.
//! - [`data`]: the [`data::Dataset`] both fits consume, and strict CSV input
//!   (every CSV error is raised in `data/csv/`); the design cache a streamed
//!   fit reads (`data/design_cache/`).
//! - [`glm`]: Fisher scoring (`glm/irls.rs`, its QR
//!   `glm/qr.rs` and solves `glm/solve.rs`), results and the
//!   statsmodels summary table.
//! - [`nn`]: the network (`nn/model.rs`) and its training loop (`nn/run.rs`, `nn/train.rs`).
//! - [`math`]: numeric kernels every layer may use (the logistic function,
//!   dot products, compensated sums, column scales, a vectorisable ln).
//! - [`model`]: a fitted model saved as JSON, and read back to predict
//!   ([`model::predict`]).
//! - [`compare`]: both fits side by side; [`study`]: Monte Carlo studies.
//! - [`plot`]: SVG pictures, rendered to strings.
//! - [`setting`]: how messages name a setting and a remedy: config fields
//!   by default, or the wording a caller passes (the binary's: flags).
//!
//! The library never prints and never writes files: it returns data and
//! rendered text; the `logreg` binary decides where they go.
pub mod compare;
pub mod data;
mod error_kind;
pub mod glm;
pub mod math;
pub mod model;
pub mod nn;
pub mod numfmt;
pub mod plot;
#[cfg(test)]
mod reference_values;
pub mod runtime;
pub mod setting;
pub mod simulate;
pub mod spec;
pub mod study;

pub use error_kind::ErrorKind;
