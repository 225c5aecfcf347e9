//! Writing a design cache: from a data set in memory, or from a CSV file
//! as it is read, block by block, checked as a data set is.
use std::fs::File;
use std::io::{BufWriter, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use xxhash_rust::xxh3::Xxh3;

use super::error::{io, StreamedError};
use super::format::{bytes_per_row, header, row_bytes};
use super::key::{hash_file, ContentHash};
use super::reader::Streamed;
use crate::data::{
    check_full_rank, check_names, read_csv_into, CsvOptions, DataError, Dataset, DesignChecks,
    RowSink,
};
use crate::math::column_scales;
use crate::runtime::threads::Threads;

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
        &column_scales(x, k),
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

/// Refuse standard input (`-`) and a data file that is not a regular file
/// (a pipe, a device such as `/dev/stdin` on a pipe, a socket): a streamed
/// fit reads it more than once.
pub fn check_streamable(csv: &Path) -> Result<(), StreamedError> {
    if csv.as_os_str() == "-" {
        return Err(StreamedError::Stdin);
    }
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
        let scale = column_scales(self.checks.max(), self.k());
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
