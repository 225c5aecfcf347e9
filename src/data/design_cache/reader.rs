//! Reading a design cache: its header checked whole, its rows checked
//! against their checksum, then read back in blocks with positioned reads
//! into one reused buffer (no memory map: mapped pages would count toward
//! the resident set), so a pass needs memory for one block, whatever n.
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use xxhash_rust::xxh3::{xxh3_128, Xxh3};

use super::error::{io, StreamedError};
use super::format::{bytes_per_row, is_power_of_two, Names, FIXED, HEADER_SUM, MAGIC};
use super::key::ContentHash;
use crate::data::{DataError, DesignRows};

/// A cache file opened for passes of `rows_per_block` rows.
#[derive(Debug)]
pub struct Streamed {
    file: File,
    path: PathBuf,
    n: usize,
    k: usize,
    scale: Vec<f64>,
    names: Vec<String>,
    target: String,
    data_at: u64,
    rows_per_block: usize,
    /// The data file's bytes it was built from, and its rows' checksum.
    source: ContentHash,
    rows_sum: u128,
    /// Rows of the data file dropped for a missing value.
    dropped: u64,
}

impl Streamed {
    /// Open `path`, with blocks as large as `limit` bytes allow
    /// ([`bytes_per_row`]); a limit below one row is an error.
    pub fn open(path: &Path, limit: u64) -> Result<Streamed, StreamedError> {
        let file = File::open(path).map_err(io(path))?;
        Streamed::from_file(file, path, limit)
    }

    /// [`Streamed::open`] on a file already open for reading, named `path`
    /// in messages. The header is checked whole (its checksum, sizes in
    /// checked arithmetic, the file's length); the rows are checked by
    /// [`Streamed::verify`].
    pub fn from_file(file: File, path: &Path, limit: u64) -> Result<Streamed, StreamedError> {
        let corrupt = |why: &str| StreamedError::Corrupt {
            path: path.to_path_buf(),
            why: why.to_string(),
        };
        let len = file.metadata().map_err(io(path))?.len();
        let mut fixed = [0u8; FIXED];
        if file.read_exact_at(&mut fixed[..8], 0).is_err() || &fixed[..8] != MAGIC {
            return Err(corrupt("not a logreg design cache of this version"));
        }
        file.read_exact_at(&mut fixed, 0)
            .map_err(|_| corrupt("its header is cut short"))?;
        let word = |i: usize| u64::from_le_bytes(fixed[8 * i..8 * i + 8].try_into().expect("8"));
        let wide = |at: usize| u128::from_le_bytes(fixed[at..at + 16].try_into().expect("16"));
        let (n, k, names_len) = (word(1), word(2), word(3));
        let source = ContentHash {
            len: word(4),
            xxh3: wide(40),
        };
        let (rows_sum, head_sum) = (wide(56), wide(HEADER_SUM.start));
        let dropped = word(HEADER_SUM.end / 8);
        // The header's length, then the rows' end, in checked arithmetic:
        // a damaged count must not wrap or allocate past the file.
        let head_end = k
            .checked_mul(8)
            .and_then(|b| b.checked_add(names_len))
            .and_then(|b| b.checked_add(FIXED as u64))
            .filter(|&end| end <= len)
            .ok_or_else(|| corrupt("its header's sizes do not fit the file"))?;
        let data_at = head_end.next_multiple_of(8);
        let per_row = 8 * (k + 1);
        let rows_end = n.checked_mul(per_row).and_then(|b| b.checked_add(data_at));
        if k == 0 || rows_end != Some(len) || usize::try_from(n).is_err() {
            return Err(corrupt("its header's row count does not fit the file"));
        }
        let mut head = vec![0u8; data_at as usize];
        file.read_exact_at(&mut head, 0)
            .map_err(|_| corrupt("its header is cut short"))?;
        head[HEADER_SUM].fill(0);
        if xxh3_128(&head) != head_sum {
            return Err(corrupt("its header does not match its checksum"));
        }
        let (k, n) = (k as usize, n as usize);
        let scale: Vec<f64> = head[FIXED..FIXED + 8 * k]
            .chunks_exact(8)
            .map(|b| f64::from_le_bytes(b.try_into().expect("8")))
            .collect();
        if !scale.iter().all(|s| is_power_of_two(*s)) {
            return Err(corrupt("a column scale is not a power of two"));
        }
        let names_at = FIXED + 8 * k;
        let Names { names, target } =
            serde_json::from_slice(&head[names_at..names_at + names_len as usize])
                .map_err(|_| corrupt("its column names cannot be read"))?;
        if names.len() != k {
            return Err(corrupt("its column names do not match its columns"));
        }
        let rows_per_block = limit / bytes_per_row(k);
        if rows_per_block == 0 {
            return Err(StreamedError::TooSmall {
                limit,
                per_row: bytes_per_row(k),
                k,
            });
        }
        Ok(Streamed {
            file,
            path: path.to_path_buf(),
            n,
            k,
            scale,
            names,
            target,
            data_at,
            rows_per_block: rows_per_block.min(n.max(1) as u64) as usize,
            source,
            rows_sum,
            dropped,
        })
    }

    /// The data file's bytes this cache was built from.
    pub fn source(&self) -> ContentHash {
        self.source
    }

    /// The rows of the data file dropped for a missing value when this
    /// cache was built.
    pub fn dropped(&self) -> usize {
        usize::try_from(self.dropped).unwrap_or(usize::MAX)
    }

    /// Read every row once and check it against the header's checksum, and
    /// each value as the writer checked it (finite design values, a target
    /// of 0 or 1): a damaged cache is never fitted.
    pub fn verify(&self) -> Result<(), StreamedError> {
        let corrupt = |why: String| StreamedError::Corrupt {
            path: self.path.clone(),
            why,
        };
        let c = self.k + 1;
        let mut sum = Xxh3::new();
        let mut bad = None;
        self.raw_blocks(&mut |first, raw| {
            sum.update(raw);
            if bad.is_some() {
                return;
            }
            for (i, v) in raw.chunks_exact(8).enumerate() {
                let v = f64::from_le_bytes(v.try_into().expect("8"));
                let (row, col) = (first + i / c, i % c);
                if (col == self.k && v != 0.0 && v != 1.0) || !v.is_finite() {
                    bad = Some((row, col, v));
                    break;
                }
            }
        })
        .map_err(io(&self.path))?;
        if sum.digest128() != self.rows_sum {
            return Err(corrupt("its rows do not match their checksum".into()));
        }
        if let Some((row, col, v)) = bad {
            let what = match self.names.get(col) {
                Some(name) => format!("column {name:?}"),
                None => "the target".into(),
            };
            return Err(corrupt(format!("row {}, {what}: value {v}", row + 1)));
        }
        Ok(())
    }

    /// Number of rows.
    pub fn n(&self) -> usize {
        self.n
    }

    /// Number of design columns.
    pub fn k(&self) -> usize {
        self.k
    }

    /// The power-of-two column scales of the whole design.
    pub fn scale(&self) -> &[f64] {
        &self.scale
    }

    /// Design column names (`const` first).
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The target's name.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// The cache file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Rows per block of a pass.
    pub fn rows_per_block(&self) -> usize {
        self.rows_per_block
    }
}

impl Streamed {
    /// Visit every row once, in order, one block at a time: `f(first, x,
    /// y)` with `first` the index of the block's first row, `x` its design
    /// rows (row-major) and `y` their targets.
    pub fn blocks(&self, f: &mut Visit) -> std::io::Result<()> {
        let (k, c) = (self.k, self.k + 1);
        let rows = self.rows_per_block;
        let mut x = vec![0.0; rows * k];
        let mut y = vec![0.0; rows];
        self.raw_blocks(&mut |first, raw| {
            let b = raw.len() / (c * 8);
            for (i, row) in raw.chunks_exact(c * 8).enumerate() {
                let mut vals = row
                    .chunks_exact(8)
                    .map(|v| f64::from_le_bytes(v.try_into().expect("8")));
                for dst in &mut x[i * k..(i + 1) * k] {
                    *dst = vals.next().expect("k values");
                }
                y[i] = vals.next().expect("the target");
            }
            f(first, &x[..b * k], &y[..b]);
        })
    }

    /// Visit the rows' bytes once, in order, one block at a time: `f(first,
    /// raw)` with `first` the index of the block's first row.
    fn raw_blocks(&self, f: &mut dyn FnMut(usize, &[u8])) -> std::io::Result<()> {
        let c = self.k + 1;
        let rows = self.rows_per_block;
        let mut raw = vec![0u8; rows * c * 8];
        let mut first = 0;
        while first < self.n {
            let b = rows.min(self.n - first);
            let at = self.data_at + (first * c * 8) as u64;
            self.file.read_exact_at(&mut raw[..b * c * 8], at)?;
            f(first, &raw[..b * c * 8]);
            first += b;
        }
        Ok(())
    }
}

/// What [`Streamed::blocks`] calls on each block: its first row's index, its
/// design rows and their targets.
pub type Visit<'a> = dyn FnMut(usize, &[f64], &[f64]) + 'a;

/// The rank check of a streamed design reads the cache back in blocks.
impl DesignRows for Streamed {
    fn k(&self) -> usize {
        self.k
    }

    fn for_each_block(&self, f: &mut dyn FnMut(&[f64])) -> Result<(), DataError> {
        self.blocks(&mut |_, x, _| f(x)).map_err(|e| DataError::Io {
            file: self.path.display().to_string(),
            reason: e.to_string(),
        })
    }
}
