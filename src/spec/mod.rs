//! The model's vocabulary, shared by the GLM and the network: links, the
//! binomial family and the standard normal distribution.
pub mod family;
pub mod link;
pub mod link_kind;
pub mod normal;

pub use family::Binomial;
pub use link::{CLogLog, Cauchy, Link, LogLog, Logit, Probit};
pub use link_kind::{LinkKind, UnknownLink};
