//! The flags every subcommand sees.
use logreg::runtime::threads::Threads;

/// Flags every subcommand sees.
#[derive(Debug, Clone, Copy)]
pub struct Global {
    pub seed: u64,
    /// `--threads`, resolved.
    pub threads: Threads,
}
