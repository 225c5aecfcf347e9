//! The model's vocabulary, shared by the GLM and the network: links, the
//! binomial family and the standard normal distribution.
pub mod family;
pub mod link;
pub mod normal;
pub(crate) mod sum;
pub(crate) mod vmath;

pub use family::Binomial;
pub use link::{CLogLog, Cauchy, Link, LinkKind, LogLog, Logit, Probit, UnknownLink};
