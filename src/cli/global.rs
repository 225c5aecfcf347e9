//! The flags every subcommand sees.

/// Flags every subcommand sees.
#[derive(Debug, Clone, Copy)]
pub struct Global {
    pub seed: u64,
}
