//! `repeat`: a Monte Carlo study of both estimators, the networks of a chunk
//! of runs trained together as one batch.
//!
//! - [`batched`]: R networks trained as one set of tensors;
//! - `chunk`: what the two ways of training a chunk share (its checked
//!   data, result, errors and [`BatchControl`]);
//! - `closed_form`: the batch as one set of tensors, the gradient in closed form;
//! - `exact`: the batch's exact path, each network with the single run's code;
//! - `fused`, `fused_net`, `lanes`: the closed form on the CPU in float32,
//!   each network's steps in one pass over its rows, in SIMD lanes;
//! - [`design_file`]: a data file's design, fixed across runs, each run's
//!   outcome redrawn (the parametric bootstrap);
//! - [`Study`]: the (cell, replication) pairs of a design grid, in chunks,
//!   each reproducible by `compare`; a failed run is a line, not an error;
//! - [`line`]: a run as a JSON line; [`read_lines`] and [`merge`]: lines
//!   back into the study's order (resume, shards, `summarize`);
//! - [`journal`]: the `--runs-out` file that `--resume` reads, repairs and
//!   appends to; [`claim`]: its one writer at a time (locks, and a missing
//!   file made and locked);
//! - [`Summary`], [`summarize_cells`]: the aggregates; [`render`]: the text;
//!   [`write_estimates`], [`write_measures`]: the study in long format;
//!   [`undefined_measures`]: why a measure is not finite, for a warning.
pub mod batched;
mod chunk;
pub mod claim;
mod closed_form;
pub mod design_file;
mod exact;
mod export;
mod fused;
mod fused_net;
pub mod journal;
mod lanes;
pub mod line;
mod mcse;
mod merge;
mod read;
mod render;
mod run;
mod summary;
mod undefined;

pub use batched::{train_batch, train_batch_with, GradientPath};
pub use chunk::{BatchControl, BatchError, BatchedFit};
pub use export::{write_estimates, write_measures};
pub use line::{unequal_betas, Cell, Design, Fits, GlmLine, Grid, NnLine, RunLine, Seeds};
pub use mcse::{summarize_cells, CellSummary, Measures};
pub use merge::{merge, Incomplete, MergeError, Merged, Missing, Origin, SeedRange};
pub use read::{read_lines, ReadError, ReadLines, MAX_LINE};
pub use render::{render, render_cell, render_study};
pub use run::{
    run_all, shard_pairs, OnSeparation, RepeatConfig, RepeatError, Study, Times, DEFAULT_CHUNK,
    MAX_CELLS,
};
pub use summary::{
    mean, sd, study_json, summarize, GridHead, StudyHead, StudyJson, Summary, TimesJson,
};
pub use undefined::undefined_measures;
