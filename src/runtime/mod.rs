//! The machine a run uses: threads, memory and libtorch's settings.
pub mod chunk;
pub mod memory;
pub mod threads;
pub mod torch;
