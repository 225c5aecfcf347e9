//! The design cache of a streamed fit (`glm --max-memory`): a data file's
//! design and target written once to a binary file, checked, and read back
//! in blocks that fit a memory limit.
mod error;
mod folder;
mod format;
mod found;
mod key;
mod reader;
mod streaming;
#[cfg(test)]
pub(crate) mod tests;
mod trust;
mod writer;

pub use error::StreamedError;
pub use folder::{
    create_folder, open_cache_entry, sweep_stale_temp_files, CacheEntry, STALE_AFTER_EXIT,
    STALE_ANYWAY,
};
pub use format::bytes_per_row;
pub use found::{find, FindError, Found, Rebuild};
pub use key::{design_cache_path, hash_file, ContentHash};
pub use reader::{Streamed, Visit};
pub use streaming::{streaming, Streaming};
pub use trust::{trust, Trust};
pub use writer::{check_streamable, write_cache, write_cache_from_csv};
