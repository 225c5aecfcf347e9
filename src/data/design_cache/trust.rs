//! Whether a design cache found for a data file may be fitted: built from
//! the bytes the file holds now, with whole rows.
use std::io;
use std::path::Path;

use super::error::StreamedError;
use super::key::hash_file;
use super::reader::Streamed;

/// What [`trust`] found.
#[derive(Debug)]
pub enum Trust {
    /// Built from the data file's bytes as they are now, its rows whole.
    Trusted(Streamed),
    /// Built from other contents of the data file: rebuild it.
    OtherContents(Streamed),
    /// Its rows do not match their checksum or hold a value the writer
    /// refuses: rebuild it.
    Damaged(StreamedError),
}

/// Check the cache `c` against the data file `data` (its bytes hashed
/// now), then its rows ([`Streamed::verify`]). An error is the data file
/// that cannot be read.
pub fn trust(c: Streamed, data: &Path) -> io::Result<Trust> {
    if c.source() != hash_file(data)? {
        return Ok(Trust::OtherContents(c));
    }
    Ok(match c.verify() {
        Ok(()) => Trust::Trusted(c),
        Err(e) => Trust::Damaged(e),
    })
}
