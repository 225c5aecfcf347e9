//! Numeric kernels in f64 that every layer above may use: the logistic
//! function, dot products, compensated sums, a vectorisable logarithm, a small SVD, and numpy's draws,
//! `X @ beta` and the equicorrelation factor for the simulated data.
mod dot;
pub mod equicorrelation;
mod logistic;
mod matvec;
pub mod random_state;
mod scale;
pub(crate) mod sum;
pub mod svd;
pub(crate) mod vmath;

pub use dot::{dot, dot_lanes};
pub use logistic::sigmoid;
pub use matvec::numpy_matvec;
pub use scale::column_scales;
