//! Where a data file's design cache lives: one file per (file, version of
//! it, column choice) in the cache folder, `$XDG_CACHE_HOME/logreg/designs`
//! or `~/.cache/logreg/designs`. The name is a hash of the file's canonical
//! path, size and modification time and of the column choice, so a changed
//! file (or another choice of columns) gets a new cache and never reads a
//! stale one.
use std::io;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

/// The cache folder: `$XDG_CACHE_HOME/logreg/designs`, or
/// `$HOME/.cache/logreg/designs`.
pub fn cache_folder() -> io::Result<PathBuf> {
    let base = match std::env::var_os("XDG_CACHE_HOME").filter(|v| !v.is_empty()) {
        Some(x) => PathBuf::from(x),
        None => match std::env::var_os("HOME").filter(|v| !v.is_empty()) {
            Some(h) => PathBuf::from(h).join(".cache"),
            None => {
                return Err(io::Error::new(
                    io::ErrorKind::NotFound,
                    "neither XDG_CACHE_HOME nor HOME is set",
                ))
            }
        },
    };
    Ok(base.join("logreg").join("designs"))
}

/// The cache file for `data` read with the column `choice` (any text that
/// names the target, features and parsing options), in `folder`.
pub fn design_cache_path(folder: &Path, data: &Path, choice: &str) -> io::Result<PathBuf> {
    let canonical = std::fs::canonicalize(data)?;
    let meta = std::fs::metadata(&canonical)?;
    let mtime = meta
        .modified()?
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let key = format!("{}\0{}\0{mtime}\0{choice}", canonical.display(), meta.len());
    Ok(folder.join(format!("{:016x}.design", fnv1a(key.as_bytes()))))
}

/// FNV-1a, 64 bits: a hash that is the same in every build (std's is not
/// promised to be).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_follows_the_file_and_the_choice() {
        let dir = std::env::temp_dir().join(format!("logreg-cache-key-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("d.csv");
        std::fs::write(&f, "y,x\n0,1\n").unwrap();
        let a = design_cache_path(&dir, &f, "y").unwrap();
        assert_eq!(a, design_cache_path(&dir, &f, "y").unwrap());
        assert_ne!(a, design_cache_path(&dir, &f, "x").unwrap());
        std::fs::write(&f, "y,x\n0,1\n1,2\n").unwrap();
        assert_ne!(a, design_cache_path(&dir, &f, "y").unwrap(), "size changed");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn fnv1a_is_the_published_function() {
        // FNV-1a test vectors (Fowler, Noll, Vo: "" and "a").
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
