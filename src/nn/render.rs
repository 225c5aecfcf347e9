//! The network's result as a small text table (`logreg nn`).
use std::fmt::Write as _;

use super::train::NnFit;
use crate::numfmt::{cell, Short};

/// The network's result as a small table.
pub fn render(fit: &NnFit, target: &str) -> String {
    let w = fit.names.iter().map(String::len).max().unwrap_or(5).max(5);
    let mut s = format!(
        "Network: Linear({}, 1) + sigmoid, BCE loss, {} lr {}, {} steps; target {target}\n",
        fit.names.len() - 1,
        fit.optimizer,
        Short(fit.lr),
        fit.steps
    );
    let _ = writeln!(s, "{:<w$}  {:>12}  {:>12}", "", "init", "trained");
    for ((name, i), p) in fit.names.iter().zip(&fit.init_params).zip(&fit.params) {
        let _ = writeln!(s, "{name:<w$}  {:>12}  {:>12}", cell(*i, 6), cell(*p, 6));
    }
    let _ = writeln!(s, "Final loss: {:.10}", fit.loss);
    if let Some(c) = fit.converged_at {
        let _ = writeln!(s, "Converged at step {c} (--tol)");
    }
    let _ = writeln!(s, "Time: {:.3} s", fit.time_s);
    s
}
