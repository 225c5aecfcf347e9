//! The command line's argument groups, each parsed by clap into plain values
//! and resolved once into the library's config, and the value parsers they
//! share.
mod choice;
mod cov;
mod data;
mod design_file;
mod glm;
mod grid;
mod model;
mod output;
mod parse;
mod progress;
mod sim;
mod train;

pub use cov::{cov_types, CovArgs};
pub use data::{missing_policies, note_dropped, DataArgs};
pub use design_file::DesignFileArgs;
pub use glm::GlmArgs;
pub use grid::GridArgs;
pub use model::ModelArgs;
pub use output::{JsonArg, PlotsArg, SaveModelArg};
pub use parse::{parse_alpha, parse_count, parse_delimiter, parse_whole};
pub use progress::{ProgressArg, ProgressHow};
pub use sim::{BoxArgs, SimArgs};
pub use train::{OptimArgs, TrainArgs};
