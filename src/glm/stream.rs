//! A design on disk, read back in blocks: the binary cache of `glm
//! --max-memory`. The file holds a header (magic, n, k, the hash of the
//! data file's bytes it was built from, the checksums of its rows and of
//! itself, the rows dropped for a missing value, the column scales, the
//! names) and then every row as k + 1
//! little-endian f64 (the design row, then the target). A cache is trusted
//! only when its header checks out and, before a fit, its rows match
//! their checksum ([`Streamed::verify`]). A pass reads one block of rows at a time with
//! positioned reads into one reused buffer (no memory map: mapped pages
//! would count toward the resident set), so a fit needs memory for one
//! block, whatever n.
use std::fmt;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use xxhash_rust::xxh3::{xxh3_128, Xxh3};

use super::qr::Design;
use super::source::Source;
use super::GlmError;
use crate::data::cache::{hash_file, ContentHash};
use crate::data::{
    check_full_rank, check_names, read_csv_into, CsvOptions, DataError, Dataset, DesignChecks,
    DesignRows, RowSink,
};
use crate::runtime::threads::Threads;
use crate::setting::{Worded, Wording};

/// The file's first 8 bytes (format version 3).
const MAGIC: &[u8; 8] = b"LOGREGD3";

/// Bytes of the header before the column scales: the magic; n, k and the
/// names' length (u64); the data file's length (u64) and XXH3-128; the
/// rows' XXH3-128; the header's own XXH3-128 (taken with these 16 bytes
/// zero); the rows of the data file dropped for a missing value (u64).
const FIXED: usize = 96;

/// Where the header's own checksum lies.
const HEADER_SUM: std::ops::Range<usize> = 72..88;

/// Bytes of memory a pass holds per row of a block: the raw row (k + 1
/// f64) and its copy split into the design block and the target.
pub fn bytes_per_row(k: usize) -> u64 {
    2 * 8 * (k as u64 + 1)
}

/// A cache file that cannot be written or read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StreamedError {
    /// The operating system refused (disk full, permissions...).
    #[error("design cache {}: {why}", path.display())]
    Io { path: PathBuf, why: String },
    /// Not a cache file of this version, cut short, or damaged: `why`.
    #[error("design cache {}: {why}", path.display())]
    Corrupt { path: PathBuf, why: String },
    /// Not a regular file: a streamed fit reads its data file twice.
    #[error("{}: not a regular file (a pipe or device can be read only once; a design cache is built from a file that is read again)", path.display())]
    NotAFile { path: PathBuf },
    /// The data file changed while its cache was written.
    #[error("{}: the file changed while it was read into its design cache", path.display())]
    Changed { path: PathBuf },
    /// The memory limit does not hold one row.
    #[error("{limit} bytes hold no row of the design ({per_row} bytes per row with {k} columns)")]
    TooSmall { limit: u64, per_row: u64, k: usize },
    /// The data file read into the cache is refused, as in memory.
    #[error(transparent)]
    Data(#[from] DataError),
}

impl Worded for StreamedError {
    fn write(&self, w: &Wording, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StreamedError::Data(e) => e.write(w, f),
            other => fmt::Display::fmt(other, f),
        }
    }
}

impl StreamedError {
    /// A limit that holds no row is bad input; the file failing is a failed fit.
    pub fn kind(&self) -> crate::ErrorKind {
        match self {
            StreamedError::TooSmall { .. } | StreamedError::NotAFile { .. } => {
                crate::ErrorKind::BadInput
            }
            StreamedError::Data(e) => e.kind(),
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

/// The file's header: the magic, n, k and the names' length as u64, the
/// data file's length and hash, the rows' hash, the header's own hash, the
/// k column scales, the names as JSON, zeros to a multiple of 8 bytes.
fn header(
    n: usize,
    scale: &[f64],
    names: &[String],
    target: &str,
    source: ContentHash,
    rows: u128,
    dropped: u64,
) -> Vec<u8> {
    let names = serde_json::to_vec(&Names {
        names: names.to_vec(),
        target: target.to_string(),
    })
    .expect("names serialize");
    let mut head = Vec::new();
    head.extend_from_slice(MAGIC);
    for v in [n as u64, scale.len() as u64, names.len() as u64, source.len] {
        head.extend_from_slice(&v.to_le_bytes());
    }
    for v in [source.xxh3, rows, 0] {
        head.extend_from_slice(&v.to_le_bytes());
    }
    head.extend_from_slice(&dropped.to_le_bytes());
    debug_assert_eq!(head.len(), FIXED);
    for s in scale {
        head.extend_from_slice(&s.to_le_bytes());
    }
    head.extend_from_slice(&names);
    head.resize(head.len().next_multiple_of(8), 0);
    let sum = xxh3_128(&head);
    head[HEADER_SUM].copy_from_slice(&sum.to_le_bytes());
    head
}

/// Rows as the file holds them: each design row, then its target, as
/// little-endian f64, appended to `out`.
fn row_bytes(x: &[f64], y: &[f64], out: &mut Vec<u8>) {
    let k = x.len() / y.len().max(1);
    for (row, yi) in x.chunks_exact(k.max(1)).zip(y) {
        for v in row.iter().chain([yi]) {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
}

/// Write `data`, read from a file whose bytes hash to `source` with
/// `dropped` rows dropped for a missing value, in the cache format to `w`
/// (buffered here).
pub fn write_cache(
    w: impl Write,
    data: &Dataset,
    source: ContentHash,
    dropped: usize,
) -> std::io::Result<()> {
    let (k, x, y) = (data.k(), data.x(), data.y());
    let src = super::source::Memory::new(x, k, y);
    let mut bytes = Vec::new();
    let blocks = || x.chunks(k * 4096).zip(y.chunks(4096));
    let mut rows = Xxh3::new();
    for (xs, ys) in blocks() {
        bytes.clear();
        row_bytes(xs, ys, &mut bytes);
        rows.update(&bytes);
    }
    let (names, target) = (data.names(), data.target());
    let head = header(
        data.n(),
        src.scale(),
        names,
        target,
        source,
        rows.digest128(),
        dropped as u64,
    );
    let mut w = BufWriter::with_capacity(1 << 20, w);
    w.write_all(&head)?;
    for (xs, ys) in blocks() {
        bytes.clear();
        row_bytes(xs, ys, &mut bytes);
        w.write_all(&bytes)?;
    }
    w.flush()
}

/// Refuse a data file that is not a regular file (a pipe, a device such as
/// `/dev/stdin` on a pipe, a socket): a streamed fit reads it more than
/// once.
pub fn check_streamable(csv: &Path) -> Result<(), StreamedError> {
    let meta = std::fs::metadata(csv).map_err(|e| DataError::Io {
        file: csv.display().to_string(),
        reason: e.to_string(),
    })?;
    if !meta.is_file() {
        return Err(StreamedError::NotAFile {
            path: csv.to_path_buf(),
        });
    }
    Ok(())
}

/// The hash of the data file `csv`'s bytes, as a data error when it cannot
/// be read.
fn hash_csv(csv: &Path) -> Result<ContentHash, StreamedError> {
    hash_file(csv).map_err(|e| {
        StreamedError::Data(DataError::Io {
            file: csv.display().to_string(),
            reason: e.to_string(),
        })
    })
}

/// Read the CSV file `csv` as [`crate::data::read_csv`] reads it (the same
/// rows and errors) straight into the design cache `out`, a new empty file
/// open for reading and writing (named `out_path` in messages): the rows
/// are written block by block as they are read, in blocks of at most
/// `limit` bytes ([`bytes_per_row`]), so the design is never held whole;
/// the header, whose column scales need every row, is written last. The
/// design is checked as [`Dataset::new`] checks it, with the same messages
/// (the rank check reads the file back in blocks). Returns the number of
/// rows dropped for a missing value. On an error the file holds no valid
/// cache: the caller removes it.
///
/// The header records the hash of `csv`'s bytes, taken before it is read;
/// it is taken again after, and a file that changed meanwhile is an error
/// ([`StreamedError::Changed`]): the rows read may be of neither version.
pub fn write_cache_from_csv(
    csv: &Path,
    opts: &CsvOptions,
    out: &File,
    out_path: &Path,
    limit: u64,
) -> Result<usize, StreamedError> {
    check_streamable(csv)?;
    let source = hash_csv(csv)?;
    let mut w = CacheWriter {
        file: out,
        path: out_path.to_path_buf(),
        source: csv.display().to_string(),
        limit,
        names: Vec::new(),
        target: String::new(),
        data_at: 0,
        written: 0,
        x: Vec::new(),
        y: Vec::new(),
        bytes: Vec::new(),
        checks: DesignChecks::new(0),
        block_rows: 1,
        source_hash: source,
        rows_sum: Xxh3::new(),
        dropped: 0,
        threads: opts.threads,
    };
    let read = read_csv_into(csv, opts, &mut w)?;
    w.dropped = read.dropped as u64;
    w.finish()?;
    if hash_csv(csv)? != source {
        return Err(StreamedError::Changed {
            path: csv.to_path_buf(),
        });
    }
    Ok(read.dropped)
}

/// The sink that writes a design cache as the rows come
/// ([`write_cache_from_csv`]).
struct CacheWriter<'f> {
    file: &'f File,
    path: PathBuf,
    /// The CSV file, for messages.
    source: String,
    limit: u64,
    names: Vec<String>,
    target: String,
    /// Where the rows start (after the header's room), and rows written.
    data_at: u64,
    written: u64,
    /// The open block, and its bytes.
    x: Vec<f64>,
    y: Vec<f64>,
    bytes: Vec<u8>,
    checks: DesignChecks,
    block_rows: usize,
    /// The hash of the data file's bytes, and the running hash of the rows
    /// written.
    source_hash: ContentHash,
    rows_sum: Xxh3,
    /// Rows dropped for a missing value, known once the CSV is read.
    dropped: u64,
    /// Threads for the rank check.
    threads: Threads,
}

impl CacheWriter<'_> {
    fn k(&self) -> usize {
        self.names.len()
    }

    /// The checks of [`Dataset::new`], then the header written; the file is
    /// then a whole cache.
    fn finish(self) -> Result<(), StreamedError> {
        let (names, target, file) = (&self.names, &self.target, &self.source);
        check_names(names, file)?;
        self.checks.check_rows(names, target, file)?;
        let scale = Design::new(self.checks.max(), self.k()).scale().to_vec();
        let rows = self.rows_sum.digest128();
        let head = header(
            self.checks.n(),
            &scale,
            names,
            target,
            self.source_hash,
            rows,
            self.dropped,
        );
        debug_assert_eq!(head.len() as u64, self.data_at);
        let io = io(&self.path);
        self.file.write_all_at(&head, 0).map_err(&io)?;
        let end = self.data_at + self.written * 8 * (self.k() as u64 + 1);
        self.file.set_len(end).map_err(&io)?;
        let clone = self.file.try_clone().map_err(&io)?;
        let back = Streamed::from_file(clone, &self.path, self.limit)?;
        check_full_rank(&back, &self.checks, names, file, self.threads)?;
        Ok(())
    }
}

impl RowSink for CacheWriter<'_> {
    type Error = StreamedError;

    fn start(&mut self, names: &[String], target: &str) -> Result<(), StreamedError> {
        let k = names.len();
        let per_row = bytes_per_row(k);
        if self.limit < per_row {
            let limit = self.limit;
            return Err(StreamedError::TooSmall { limit, per_row, k });
        }
        (self.names, self.target) = (names.to_vec(), target.to_string());
        let blank = ContentHash { len: 0, xxh3: 0 };
        self.data_at = header(0, &vec![1.0; k], names, target, blank, 0, 0).len() as u64;
        self.checks = DesignChecks::new(k);
        self.block_rows = usize::try_from(self.limit / per_row).unwrap_or(usize::MAX);
        Ok(())
    }

    fn block(&mut self) -> (&mut Vec<f64>, &mut Vec<f64>) {
        (&mut self.x, &mut self.y)
    }

    fn block_rows(&self) -> usize {
        self.block_rows
    }

    fn expect_rows(&mut self, _rows: usize) {}

    fn flush(&mut self) -> Result<(), StreamedError> {
        self.checks.add(&self.x, &self.y);
        self.bytes.clear();
        row_bytes(&self.x, &self.y, &mut self.bytes);
        self.rows_sum.update(&self.bytes);
        let at = self.data_at + self.written * 8 * (self.k() as u64 + 1);
        self.file
            .write_all_at(&self.bytes, at)
            .map_err(io(&self.path))?;
        self.written += self.y.len() as u64;
        self.x.clear();
        self.y.clear();
        Ok(())
    }

    fn restart(&mut self) -> Result<(), StreamedError> {
        self.written = 0;
        self.rows_sum.reset();
        self.checks = DesignChecks::new(self.k());
        self.x.clear();
        self.y.clear();
        Ok(())
    }
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
        self.blocks(&mut |first, x, y| {
            let block = Design::with_scale(x, &self.scale);
            f(first, &block, y);
        })
        .map_err(|e| GlmError::Cache(format!("{}: {e}", self.path.display())))
    }
}

impl Streamed {
    /// Visit every row once, in order, one block at a time: `f(first, x,
    /// y)` with `first` the index of the block's first row, `x` its design
    /// rows (row-major) and `y` their targets.
    fn blocks(&self, f: &mut Visit) -> std::io::Result<()> {
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

/// Whether `s` is a power of two (a column scale: positive, finite, normal,
/// with no mantissa bits).
fn is_power_of_two(s: f64) -> bool {
    s.is_normal() && s > 0.0 && s.to_bits() & ((1 << 52) - 1) == 0
}

/// What [`Streamed::blocks`] calls on each block: its first row's index, its
/// design rows and their targets.
type Visit<'a> = dyn FnMut(usize, &[f64], &[f64]) + 'a;

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
        Dataset::new(
            names,
            "y".into(),
            x,
            y,
            "test".into(),
            crate::runtime::threads::Threads::Auto,
        )
        .unwrap()
    }

    fn written(name: &str) -> (PathBuf, Dataset) {
        let path = std::env::temp_dir().join(format!(
            "logreg-stream-{}-{name}.design",
            std::process::id()
        ));
        let d = data();
        let source = ContentHash { len: 1, xxh3: 2 };
        write_cache(File::create(&path).unwrap(), &d, source, 0).unwrap();
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
            assert_eq!((s.n(), Source::k(&s), s.target()), (10, 3, "y"));
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

    /// A damaged header is refused whatever its sizes say (no overflow, no
    /// allocation past the file); damaged rows fail [`Streamed::verify`].
    #[test]
    fn damaged_headers_are_refused_and_damaged_rows_fail_verify() {
        let (path, _) = written("damaged");
        let whole = std::fs::read(&path).unwrap();
        Streamed::open(&path, 1 << 20).unwrap().verify().unwrap();
        fn word(b: &mut [u8], at: usize, v: u64) {
            b[at..at + 8].copy_from_slice(&v.to_le_bytes());
        }
        let headers: [fn(&mut Vec<u8>); 6] = [
            |b| b[15] ^= 0x08,
            |b| word(b, 8, u64::MAX),
            |b| word(b, 16, u64::MAX / 4),
            |b| word(b, 24, u64::MAX - 10),
            |b| b[88] ^= 1,
            |b| b[100] ^= 1,
        ];
        for (i, damage) in headers.iter().enumerate() {
            let mut bytes = whole.clone();
            damage(&mut bytes);
            std::fs::write(&path, &bytes).unwrap();
            let e = Streamed::open(&path, 1 << 20).unwrap_err();
            assert!(matches!(e, StreamedError::Corrupt { .. }), "{i}: {e}");
        }
        let rows: [fn(&mut Vec<u8>); 2] = [
            |b| {
                let end = b.len();
                b[end - 8..].copy_from_slice(&0.5f64.to_le_bytes());
            },
            |b| {
                let end = b.len();
                b[end - 16..end - 8].copy_from_slice(&f64::NAN.to_le_bytes());
            },
        ];
        for (i, damage) in rows.iter().enumerate() {
            let mut bytes = whole.clone();
            damage(&mut bytes);
            std::fs::write(&path, &bytes).unwrap();
            let s = Streamed::open(&path, 64).unwrap();
            let e = s.verify().unwrap_err();
            assert!(e.to_string().contains("checksum"), "{i}: {e}");
        }
        std::fs::remove_file(&path).unwrap();
    }

    /// A CSV file under the temporary folder, named for the test.
    fn csv(name: &str, text: &str) -> PathBuf {
        let path =
            std::env::temp_dir().join(format!("logreg-stream-{}-{name}.csv", std::process::id()));
        std::fs::write(&path, text).unwrap();
        path
    }

    /// Write the cache of `csv` as it is read, in blocks of `rows` rows:
    /// the file's bytes, or the error's message.
    fn streamed(csv: &Path, opts: &CsvOptions, rows: u64) -> Result<Vec<u8>, String> {
        let out = csv.with_extension(format!("{rows}.design"));
        let f = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&out)
            .unwrap();
        let k = 3;
        let made = write_cache_from_csv(csv, opts, &f, &out, rows * bytes_per_row(k));
        let bytes = std::fs::read(&out).unwrap();
        std::fs::remove_file(&out).unwrap();
        made.map(|_| bytes).map_err(|e| e.to_string())
    }

    /// 300 rows of x1, x2 and y, with `cell` written for x2 in row 0.
    fn rows_text(cell: &str) -> String {
        let mut t = String::from("x1,x2,y\n");
        for i in 0..300 {
            let x2 = if i == 0 {
                cell.to_string()
            } else {
                format!("{}", (i * 7 % 13) as f64 / 3.0)
            };
            t.push_str(&format!(
                "{},{x2},{}\n",
                i as f64 * 0.25 - 9.0,
                (i * 5 % 3 == 0) as u8
            ));
        }
        t
    }

    /// The cache written as the CSV is read, block by block, is the file
    /// [`write_cache`] makes of the data set read in memory, byte for byte,
    /// for any block size, on the fast path (plain numbers) and on the full
    /// reader (a quoted cell; rows dropped for a missing value).
    #[test]
    fn a_cache_written_as_the_csv_is_read_is_the_in_memory_one() {
        let drop = CsvOptions {
            missing: crate::data::MissingPolicy::Drop,
            ..CsvOptions::default()
        };
        let cases = [
            ("plain", rows_text("0.5"), CsvOptions::default()),
            ("quoted", rows_text("\"0.5\""), CsvOptions::default()),
            ("dropped", rows_text("NA").replace("\n7,", "\nNA,"), drop),
        ];
        for (name, text, opts) in cases {
            let path = csv(name, &text);
            let (d, dropped) = crate::data::read_csv(&path, &opts).unwrap();
            let mut want = Vec::new();
            write_cache(&mut want, &d, hash_file(&path).unwrap(), dropped).unwrap();
            for rows in [1, 2, 7, 299, 300, 1000] {
                let got = streamed(&path, &opts, rows).unwrap();
                assert!(got == want, "{name}: {rows} rows a block");
            }
            std::fs::remove_file(&path).unwrap();
        }
    }

    /// A file refused in memory is refused the same way when it is
    /// streamed to a cache, with the same message, whatever the blocks.
    #[test]
    fn a_bad_csv_gives_the_in_memory_error_when_streamed() {
        let mut aliased = String::from("x1,x2,y\n");
        for i in 0..200 {
            let v = (i * 7 % 13) as f64;
            aliased.push_str(&format!("{v},{},{}\n", 2.0 * v - 1.0, i % 2));
        }
        let cases = [
            (
                "target",
                rows_text("0.5").replace(",1\n", ",2\n"),
                "target value \"2\" is not 0 or 1",
            ),
            (
                "constant",
                "x1,x2,y\n1,7,0\n2,7,1\n3,7,0\n4,7,1\n".into(),
                "every value is 7",
            ),
            (
                "aliased",
                aliased,
                "\"x2\" is a linear combination of \"const\", \"x1\"",
            ),
            (
                "intercept",
                "const,x2,y\n1,7,0\n2,8,1\n3,7,0\n".into(),
                "the intercept's name",
            ),
            (
                "nan",
                rows_text("NaN"),
                "line 2, column \"x2\": missing value \"NaN\"",
            ),
            (
                "one-class",
                "x1,x2,y\n1,2,1\n2,3,1\n3,1,1\n".into(),
                "every target value is 1",
            ),
            (
                "few-rows",
                "x1,x2,y\n1,2,0\n2,3,1\n".into(),
                "2 data row(s) for 3",
            ),
        ];
        for (name, text, why) in cases {
            let path = csv(name, &text);
            let opts = CsvOptions::default();
            let memory = crate::data::read_csv(&path, &opts).unwrap_err().to_string();
            assert!(memory.contains(why), "{name}: {memory}");
            for rows in [1, 3, 1000] {
                let got = streamed(&path, &opts, rows).unwrap_err();
                assert_eq!(got, memory, "{name}: {rows} rows a block");
            }
            std::fs::remove_file(&path).unwrap();
        }
    }
}
