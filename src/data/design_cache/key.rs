//! A design cache's key: the name it is found by (the data file's path,
//! size and modification time, and the column choice), and the hash of the
//! bytes it was built from, compared before it is used, so a file changed
//! without a new size or time (a restored modification time) never reads a
//! stale one.
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use xxhash_rust::xxh3::Xxh3;

use crate::data::{CsvOptions, MissingPolicy};

/// The cache file for the data file `data` read with `opts`, in `folder`:
/// named by a hash of the file's canonical path, size and modification time
/// and of the column choice ([`choice`]).
pub fn design_cache_path(folder: &Path, data: &Path, opts: &CsvOptions) -> io::Result<PathBuf> {
    let canonical = std::fs::canonicalize(data)?;
    let meta = std::fs::metadata(&canonical)?;
    let mtime = meta
        .modified()?
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let key = format!(
        "{}\0{}\0{mtime}\0{}",
        canonical.display(),
        meta.len(),
        choice(opts)
    );
    Ok(folder.join(format!("{:016x}.design", fnv1a(key.as_bytes()))))
}

/// The column choice in a cache's name: the target, the features, the
/// delimiter (its byte) and the missing-value policy, in a fixed text (the
/// test pins it): another text would name every existing cache otherwise.
fn choice(opts: &CsvOptions) -> String {
    let missing = match opts.missing {
        MissingPolicy::Error => "Error",
        MissingPolicy::Drop => "Drop",
    };
    format!(
        "target {:?} features {:?} delimiter {:?} missing {missing}",
        opts.target, opts.features, opts.delimiter
    )
}

/// The identity of a data file's bytes: its length and their XXH3 hash
/// (128 bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContentHash {
    pub len: u64,
    pub xxh3: u128,
}

/// Hash every byte of the file at `path` (read in 1 MiB pieces): XXH3 runs at
/// many GB/s, so this costs about one read of the file, far less than
/// parsing it.
pub fn hash_file(path: &Path) -> io::Result<ContentHash> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Xxh3::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut len = 0u64;
    loop {
        match f.read(&mut buf) {
            Ok(0) => break,
            Ok(got) => {
                h.update(&buf[..got]);
                len += got as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(ContentHash {
        len,
        xxh3: h.digest128(),
    })
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
        let y = CsvOptions::default();
        let x = CsvOptions {
            target: "x".into(),
            ..CsvOptions::default()
        };
        let a = design_cache_path(&dir, &f, &y).unwrap();
        assert_eq!(a, design_cache_path(&dir, &f, &y).unwrap());
        assert_ne!(a, design_cache_path(&dir, &f, &x).unwrap());
        std::fs::write(&f, "y,x\n0,1\n1,2\n").unwrap();
        assert_ne!(a, design_cache_path(&dir, &f, &y).unwrap(), "size changed");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// The choice's text is part of every cache's name: a cache written by
    /// another build of logreg is found only while it stays the same.
    #[test]
    fn the_choice_text_is_fixed() {
        assert_eq!(
            choice(&CsvOptions::default()),
            r#"target "y" features None delimiter None missing Error"#
        );
        let opts = CsvOptions {
            target: "z".into(),
            features: Some(vec!["a".into(), "b c".into()]),
            delimiter: Some(b';'),
            missing: MissingPolicy::Drop,
            ..CsvOptions::default()
        };
        assert_eq!(
            choice(&opts),
            r#"target "z" features Some(["a", "b c"]) delimiter Some(59) missing Drop"#
        );
    }

    #[test]
    fn hash_file_follows_every_byte() {
        let dir = std::env::temp_dir().join(format!("logreg-cache-hash-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("d.csv");
        let text: String = (0..300_000).map(|i| format!("{i},{}\n", i % 2)).collect();
        std::fs::write(&f, &text).unwrap();
        let a = hash_file(&f).unwrap();
        assert_eq!(a.len, text.len() as u64);
        assert_eq!(a.xxh3, xxhash_rust::xxh3::xxh3_128(text.as_bytes()));
        // One label swapped near the end: same size, other hash.
        let swapped = text.replacen("299998,0", "299998,1", 1);
        std::fs::write(&f, &swapped).unwrap();
        let b = hash_file(&f).unwrap();
        assert_eq!(b.len, a.len);
        assert_ne!(b.xxh3, a.xxh3);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn fnv1a_is_the_published_function() {
        // FNV-1a test vectors (Fowler, Noll, Vo: "" and "a").
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
