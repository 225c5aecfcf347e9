//! `repeat`: a Monte Carlo study of both estimators, the networks of a chunk
//! of runs trained together as one batch.
//!
//! - [`batched`]: R networks trained as one set of tensors;
//! - `closed_form`: the batch as one set of tensors, the gradient in closed form;
//! - `exact`: the batch's exact path, each network with the single run's code;
//! - [`Study`]: the runs, in chunks, each reproducible by `compare`;
//! - [`Summary`]: the aggregate; [`render`]: its table and the per-run lines.
pub mod batched;
mod closed_form;
mod exact;
pub mod line;
mod mcse;
mod merge;
mod read;
mod render;
mod study;
mod summary;

pub use batched::{train_batch, BatchError, BatchedFit, Control, GradientPath};
pub use line::{
    Cell, Design, Fits, GlmLine as GlmRecord, Grid, NnLine as NnRecord, RunLine as RunRecord,
};
pub use mcse::{summarize_cells, CellSummary, Measures};
pub use merge::{merge, MergeError, Merged, Origin};
pub use read::{read_lines, Read, ReadError, ReadLines, MAX_LINE};
pub use render::{render, render_cell, run_line, GlmLine, NnLine, RunLine};
pub use study::{
    run_all, GlmRun, RepeatConfig, RepeatError, RunResult, Study, Times, DEFAULT_CHUNK,
};
pub use summary::{mean, sd, summarize, Summary};
