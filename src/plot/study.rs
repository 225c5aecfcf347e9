//! A grid study's pictures: `coverage.svg` and `bias.svg`, one point per
//! cell and coefficient with ±1.96 Monte Carlo SE bars.
//!
//! STUB: the signatures are fixed; the drawing is being written.
use super::common::PlotError;
use crate::repeat::CellSummary;

/// Coverage of the GLM's intervals per cell and coefficient, with ±1.96
/// MCSE bars and the nominal level `1 - alpha` as a line.
pub fn coverage(names: &[String], cells: &[CellSummary], alpha: f64) -> Result<String, PlotError> {
    let _ = (names, cells, alpha);
    Ok(String::from(
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
    ))
}

/// Bias of each estimator per cell and coefficient, with ±1.96 MCSE bars
/// and zero as a line.
pub fn bias(names: &[String], cells: &[CellSummary]) -> Result<String, PlotError> {
    let _ = (names, cells);
    Ok(String::from(
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
    ))
}
