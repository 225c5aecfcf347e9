//! The chunk of a pass over the rows: the unit of work of its threads.

/// Rows per chunk: each chunk is reduced on its own (on any thread) and the
/// chunks' results are combined in order, so results are the same for any
/// number of threads.
pub const CHUNK: usize = 1 << 15;
