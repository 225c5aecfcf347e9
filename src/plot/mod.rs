//! SVG pictures of the fits, each rendered to a `String` (800×600, plotters'
//! SVG backend; text is laid out with plotters' built-in estimate, so no
//! font files are needed). The binary decides where they are written.
mod common;
mod distance;
mod excess;
mod loss;
mod outcomes;
mod params;
mod probability;
mod sampling;
mod sets;
pub mod study;

pub use common::{
    log_floor, log_tick, log_ticks, pick, Plot, PlotError, StepAxis, CURVE_POINTS, HEIGHT,
    MAX_LINE_POINTS, MAX_LOG_TICKS, MAX_SCATTER_POINTS, WIDTH,
};
pub use distance::distance;
pub use excess::{glm_loss, GlmLoss};
pub use loss::loss;
pub use outcomes::{outcomes, JITTER, JITTER_SEED};
pub use params::params;
pub use probability::{probability, ProbabilitySource, X_MIN_SPAN};
pub use sampling::{bin_count, histogram, sampling};
pub use sets::{comparison, study_plot_names, study_plots, training};
