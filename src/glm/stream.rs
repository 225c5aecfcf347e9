//! A design on disk, read back in blocks: the binary cache of `glm
//! --max-memory`. The file holds a header (magic, n, k, the column scales,
//! the names) and then every row as k + 1 little-endian f64 (the design
//! row, then the target). A pass reads one block of rows at a time with
//! positioned reads into one reused buffer (no memory map: mapped pages
//! would count toward the resident set), so a fit needs memory for one
//! block, whatever n.
use std::fs::File;
use std::io::{BufWriter, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use super::qr::Design;
use super::source::Source;
use super::GlmError;
use crate::data::Dataset;

/// The file's first 8 bytes (format version 1).
const MAGIC: &[u8; 8] = b"LOGREGD1";

/// Bytes of memory a pass holds per row of a block: the raw row (k + 1
/// f64) and its copy split into the design block and the target.
pub fn bytes_per_row(k: usize) -> u64 {
    2 * 8 * (k as u64 + 1)
}

/// A cache file that cannot be written or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StreamedError {
    /// The operating system refused (disk full, permissions...).
    #[error("design cache {}: {why}", path.display())]
    Io { path: PathBuf, why: String },
    /// Not a cache file of this version, or cut short.
    #[error("design cache {}: not a logreg design cache (or cut short)", path.display())]
    Corrupt { path: PathBuf },
    /// The memory limit does not hold one row.
    #[error("{limit} bytes hold no row of the design ({per_row} bytes per row with {k} columns)")]
    TooSmall { limit: u64, per_row: u64, k: usize },
}

impl StreamedError {
    /// A limit that holds no row is bad input; the file failing is a failed fit.
    pub fn kind(&self) -> crate::ErrorKind {
        match self {
            StreamedError::TooSmall { .. } => crate::ErrorKind::BadInput,
            _ => crate::ErrorKind::FitFailed,
        }
    }
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> StreamedError + '_ {
    move |e| StreamedError::Io {
        path: path.to_path_buf(),
        why: e.to_string(),
    }
}

/// The header's names: design columns, then the target.
#[derive(serde::Serialize, serde::Deserialize)]
struct Names {
    names: Vec<String>,
    target: String,
}

/// Write `data` in the cache format to `w` (buffered here).
pub fn write_cache(w: impl Write, data: &Dataset) -> std::io::Result<()> {
    let (k, x, y) = (data.k(), data.x(), data.y());
    let src = super::source::Memory::new(x, k, y);
    let names = serde_json::to_vec(&Names {
        names: data.names().to_vec(),
        target: data.target().to_string(),
    })
    .expect("names serialize");
    let mut w = BufWriter::with_capacity(1 << 20, w);
    let mut head = Vec::new();
    head.extend_from_slice(MAGIC);
    for v in [data.n() as u64, k as u64, names.len() as u64] {
        head.extend_from_slice(&v.to_le_bytes());
    }
    for s in src.scale() {
        head.extend_from_slice(&s.to_le_bytes());
    }
    head.extend_from_slice(&names);
    head.resize(head.len().next_multiple_of(8), 0);
    w.write_all(&head)?;
    for (row, yi) in x.chunks_exact(k).zip(y) {
        for v in row.iter().chain([yi]) {
            w.write_all(&v.to_le_bytes())?;
        }
    }
    w.flush()
}

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
}

impl Streamed {
    /// Open `path`, with blocks as large as `limit` bytes allow
    /// ([`bytes_per_row`]); a limit below one row is an error.
    pub fn open(path: &Path, limit: u64) -> Result<Streamed, StreamedError> {
        let file = File::open(path).map_err(io(path))?;
        let corrupt = || StreamedError::Corrupt {
            path: path.to_path_buf(),
        };
        let mut head = [0u8; 32];
        file.read_exact_at(&mut head, 0).map_err(|_| corrupt())?;
        if &head[..8] != MAGIC {
            return Err(corrupt());
        }
        let word = |i: usize| u64::from_le_bytes(head[8 * i..8 * i + 8].try_into().expect("8"));
        let (n, k, names_len) = (word(1) as usize, word(2) as usize, word(3) as usize);
        if k == 0 || names_len > 1 << 30 {
            return Err(corrupt());
        }
        let mut rest = vec![0u8; 8 * k + names_len];
        file.read_exact_at(&mut rest, 32).map_err(|_| corrupt())?;
        let scale = rest[..8 * k]
            .chunks_exact(8)
            .map(|b| f64::from_le_bytes(b.try_into().expect("8")))
            .collect();
        let Names { names, target } =
            serde_json::from_slice(&rest[8 * k..]).map_err(|_| corrupt())?;
        let data_at = (32 + rest.len()).next_multiple_of(8) as u64;
        let len = file.metadata().map_err(io(path))?.len();
        let per_row = 8 * (k as u64 + 1);
        if names.len() != k || len != data_at + n as u64 * per_row {
            return Err(corrupt());
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
        })
    }

    /// Design column names (`const` first).
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The target's name.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// Rows per block of a pass.
    pub fn rows_per_block(&self) -> usize {
        self.rows_per_block
    }
}

impl Source for Streamed {
    fn n(&self) -> usize {
        self.n
    }

    fn k(&self) -> usize {
        self.k
    }

    fn scale(&self) -> &[f64] {
        &self.scale
    }

    fn pass(&self, f: &mut dyn FnMut(usize, &Design, &[f64])) -> Result<(), GlmError> {
        let (k, c) = (self.k, self.k + 1);
        let rows = self.rows_per_block;
        let mut raw = vec![0u8; rows * c * 8];
        let mut x = vec![0.0; rows * k];
        let mut y = vec![0.0; rows];
        let mut first = 0;
        while first < self.n {
            let b = rows.min(self.n - first);
            let at = self.data_at + (first * c * 8) as u64;
            self.file
                .read_exact_at(&mut raw[..b * c * 8], at)
                .map_err(|e| GlmError::Cache(format!("{}: {e}", self.path.display())))?;
            for (i, row) in raw[..b * c * 8].chunks_exact(c * 8).enumerate() {
                let mut vals = row
                    .chunks_exact(8)
                    .map(|v| f64::from_le_bytes(v.try_into().expect("8")));
                for dst in &mut x[i * k..(i + 1) * k] {
                    *dst = vals.next().expect("k values");
                }
                y[i] = vals.next().expect("the target");
            }
            let block = Design::with_scale(&x[..b * k], &self.scale);
            f(first, &block, &y[..b]);
            first += b;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 10-row data set: x1 = i, x2 = i², y alternating.
    fn data() -> Dataset {
        let mut x = Vec::new();
        let mut y = Vec::new();
        for i in 0..10 {
            let v = i as f64;
            x.extend([1.0, v, v * v / 7.0]);
            y.push((i % 2) as f64);
        }
        let names = ["const", "x1", "x2"].map(String::from).to_vec();
        Dataset::new(names, "y".into(), x, y, "test".into()).unwrap()
    }

    fn written(name: &str) -> (PathBuf, Dataset) {
        let path = std::env::temp_dir().join(format!(
            "logreg-stream-{}-{name}.design",
            std::process::id()
        ));
        let d = data();
        write_cache(File::create(&path).unwrap(), &d).unwrap();
        (path, d)
    }

    /// Every row comes back once, in order, whatever the block size, with
    /// the whole design's scales.
    #[test]
    fn a_pass_reads_every_row_in_order_in_blocks_of_the_limit() {
        let (path, d) = written("blocks");
        for rows in [1, 3, 7, 10, 1000] {
            let s = Streamed::open(&path, rows * bytes_per_row(3)).unwrap();
            assert_eq!(s.rows_per_block(), (rows as usize).min(10));
            assert_eq!((s.n(), s.k(), s.target()), (10, 3, "y"));
            assert_eq!(s.names(), d.names());
            assert_eq!(
                s.scale(),
                super::super::source::Memory::new(d.x(), 3, d.y()).scale()
            );
            let (mut x, mut y, mut firsts) = (Vec::new(), Vec::new(), Vec::new());
            s.pass(&mut |first, block, ys| {
                firsts.push(first);
                // Row i, column j: X·e_j on row i.
                for i in 0..block.n() {
                    for e in [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]] {
                        x.push(block.predict_rows(i, i + 1, &e)[0]);
                    }
                }
                y.extend_from_slice(ys);
                assert_eq!(block.scale(), s.scale());
            })
            .unwrap();
            assert_eq!(y, d.y(), "{rows} rows a block");
            assert_eq!(x, d.x(), "{rows} rows a block");
            let want: Vec<usize> = (0..10).step_by(rows.min(10) as usize).collect();
            assert_eq!(firsts, want);
        }
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn a_limit_below_one_row_and_a_cut_file_are_refused() {
        let (path, _) = written("refuse");
        let e = Streamed::open(&path, bytes_per_row(3) - 1).unwrap_err();
        assert_eq!(
            e,
            StreamedError::TooSmall {
                limit: 63,
                per_row: 64,
                k: 3
            }
        );
        assert_eq!(e.kind(), crate::ErrorKind::BadInput);
        let len = std::fs::metadata(&path).unwrap().len();
        let f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        f.set_len(len - 8).unwrap();
        assert!(matches!(
            Streamed::open(&path, 1 << 20),
            Err(StreamedError::Corrupt { .. })
        ));
        std::fs::write(&path, b"not a cache file at all, just text").unwrap();
        assert!(matches!(
            Streamed::open(&path, 1 << 20),
            Err(StreamedError::Corrupt { .. })
        ));
        std::fs::remove_file(&path).unwrap();
    }
}
