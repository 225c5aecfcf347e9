//! The model's vocabulary, shared by the GLM and the network: links, the
//! binomial family, the standard normal distribution, the covariance
//! types, the network's optimiser and the per-row roles.
pub mod covariance;
pub mod family;
pub mod formula;
pub mod link;
pub mod normal;
pub mod optimizer;
pub mod roles;

pub use covariance::{CovType, UnknownCovType};
pub use family::Binomial;
pub use link::{CLogLog, Cauchy, Link, LinkKind, LogLog, Logit, Probit, UnknownLink};
pub use optimizer::{Optimizer, OptimizerError, UnknownOptimizer};
