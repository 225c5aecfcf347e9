//! What a fit does with the entry at its design cache's path: fit the
//! cache there when it is trusted for the data file, otherwise build one,
//! and why.
use std::io;
use std::path::{Path, PathBuf};

use super::error::StreamedError;
use super::folder::CacheEntry;
use super::reader::Streamed;
use super::trust::{trust, Trust};

/// What [`find`] found at a cache's path.
#[derive(Debug)]
pub enum Found {
    /// A cache built from the data file's bytes as they are now, its rows
    /// whole: the fit reads it.
    Trusted(Streamed),
    /// No cache to read: one is built, for this reason.
    Build(Rebuild),
}

/// Why a cache is built instead of read.
#[derive(Debug)]
pub enum Rebuild {
    /// Nothing is at the cache's path.
    Missing,
    /// The file there is not a cache this version reads (another version,
    /// cut short, a damaged header), or its rows do not match their
    /// checksum or hold a value the writer refuses.
    Damaged(StreamedError),
    /// A cache built from other contents of the data file.
    OtherContents,
    /// A folder: it cannot be replaced safely, so the cache built is not
    /// kept ([`CacheEntry::keeps`]).
    Directory,
    /// A symbolic link, FIFO, socket or device (named): no cache, and
    /// removed, so that the cache built takes its place.
    Replaced(&'static str),
}

/// Why the entry at a cache's path could not be sorted.
#[derive(Debug, thiserror::Error)]
pub enum FindError {
    /// An entry to replace (a link, FIFO, socket or device: `kind`) cannot
    /// be removed.
    #[error("design cache {}: {kind}, not a cache file: cannot remove it: {source}", path.display())]
    Remove {
        path: PathBuf,
        kind: &'static str,
        source: io::Error,
    },
    /// The data file cannot be read to check the cache against it.
    #[error("{}: cannot read: {source}", path.display())]
    Data { path: PathBuf, source: io::Error },
    /// The memory limit holds no row of the cache's design.
    #[error(transparent)]
    TooSmall(StreamedError),
}

/// Sort `entry` (opened by [`open_cache_entry`](super::open_cache_entry)
/// at the path `cache`) for the data file `data`, to be read in blocks of
/// at most `limit` bytes: a regular file that opens as a cache and that
/// [`trust`] trusts is fitted; any other file is rebuilt, a folder is left
/// and the cache built beside it is not kept, and a link, FIFO, socket or
/// device is removed.
pub fn find(entry: CacheEntry, cache: &Path, data: &Path, limit: u64) -> Result<Found, FindError> {
    Ok(Found::Build(match entry {
        CacheEntry::Missing => Rebuild::Missing,
        CacheEntry::File(f) => match Streamed::from_file(f, cache, limit) {
            Ok(c) => match trust(c, data).map_err(|source| FindError::Data {
                path: data.to_path_buf(),
                source,
            })? {
                Trust::Trusted(c) => return Ok(Found::Trusted(c)),
                Trust::OtherContents(_) => Rebuild::OtherContents,
                Trust::Damaged(e) => Rebuild::Damaged(e),
            },
            Err(e @ StreamedError::TooSmall { .. }) => return Err(FindError::TooSmall(e)),
            Err(e) => Rebuild::Damaged(e),
        },
        CacheEntry::Directory => Rebuild::Directory,
        CacheEntry::Special(kind) => match std::fs::remove_file(cache) {
            Err(source) if source.kind() != io::ErrorKind::NotFound => {
                return Err(FindError::Remove {
                    path: cache.to_path_buf(),
                    kind,
                    source,
                })
            }
            _ => Rebuild::Replaced(kind),
        },
    }))
}

#[cfg(test)]
mod tests {
    use std::fs::File;

    use super::*;
    use crate::data::design_cache::tests::data;
    use crate::data::design_cache::{bytes_per_row, hash_file, open_cache_entry, write_cache};

    fn found(cache: &Path, data: &Path, limit: u64) -> Result<Found, FindError> {
        find(open_cache_entry(cache).unwrap(), cache, data, limit)
    }

    /// A cache of the data file's bytes is fitted; one of other bytes, a
    /// damaged one or no cache at all is rebuilt; a limit below a row is an
    /// error.
    #[test]
    fn fits_a_trusted_cache_and_rebuilds_any_other_file() {
        let dir = std::env::temp_dir().join(format!("logreg-found-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (csv, cache) = (dir.join("data.csv"), dir.join("data.design"));
        std::fs::write(&csv, "the data file's bytes").unwrap();
        let rebuilt = |f| match f {
            Ok(Found::Build(why)) => why,
            other => panic!("not rebuilt: {other:?}"),
        };
        assert!(matches!(
            rebuilt(found(&cache, &csv, 1 << 20)),
            Rebuild::Missing
        ));
        let source = hash_file(&csv).unwrap();
        write_cache(File::create(&cache).unwrap(), &data(), source, 0).unwrap();
        assert!(matches!(
            found(&cache, &csv, 1 << 20),
            Ok(Found::Trusted(_))
        ));
        assert!(matches!(
            found(&cache, &csv, bytes_per_row(3) - 1),
            Err(FindError::TooSmall(StreamedError::TooSmall { .. }))
        ));
        std::fs::write(&csv, "other bytes").unwrap();
        assert!(matches!(
            rebuilt(found(&cache, &csv, 1 << 20)),
            Rebuild::OtherContents
        ));
        let source = hash_file(&csv).unwrap();
        write_cache(File::create(&cache).unwrap(), &data(), source, 0).unwrap();
        let mut bytes = std::fs::read(&cache).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(&cache, &bytes).unwrap();
        assert!(matches!(
            rebuilt(found(&cache, &csv, 1 << 20)),
            Rebuild::Damaged(StreamedError::Corrupt { .. })
        ));
        std::fs::write(&cache, "no cache").unwrap();
        assert!(matches!(
            rebuilt(found(&cache, &csv, 1 << 20)),
            Rebuild::Damaged(StreamedError::Corrupt { .. })
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A folder is left and the cache built is not kept; a link is removed
    /// (never followed) and the cache built takes its place.
    #[test]
    fn leaves_a_folder_and_replaces_a_link() {
        let dir = std::env::temp_dir().join(format!("logreg-found-entries-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (csv, cache) = (dir.join("data.csv"), dir.join("data.design"));
        std::fs::write(&csv, "data").unwrap();
        std::fs::create_dir(&cache).unwrap();
        let entry = open_cache_entry(&cache).unwrap();
        assert!(!entry.keeps());
        assert!(matches!(
            find(entry, &cache, &csv, 1 << 20),
            Ok(Found::Build(Rebuild::Directory))
        ));
        assert!(cache.is_dir());
        std::fs::remove_dir(&cache).unwrap();
        std::os::unix::fs::symlink(&csv, &cache).unwrap();
        let entry = open_cache_entry(&cache).unwrap();
        assert!(entry.keeps());
        assert!(matches!(
            find(entry, &cache, &csv, 1 << 20),
            Ok(Found::Build(Rebuild::Replaced("a symbolic link")))
        ));
        assert!(std::fs::symlink_metadata(&cache).is_err());
        assert_eq!(std::fs::read(&csv).unwrap(), b"data");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
