//! Numeric kernels in f64 that every layer above may use: the logistic
//! function, dot products, compensated sums and a vectorisable logarithm.
mod dot;
mod logistic;
mod scale;
pub(crate) mod sum;
pub(crate) mod vmath;

pub use dot::{dot, dot_lanes};
pub use logistic::sigmoid;
pub use scale::column_scales;
