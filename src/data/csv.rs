//! Strict CSV input: a header row, then one row per observation, parsed
//! straight into a [`Dataset`] (intercept `const` first), or a [`DataError`]
//! naming the file, line, column and offending value.
//!
//! What is accepted:
//! - a UTF-8 file, with or without a byte-order mark; LF or CRLF line ends
//!   (a bare CR is an error); with or without a final newline; blank lines,
//!   and lines of only spaces, are skipped;
//! - fields quoted as RFC 4180 says (`"1.5"`, `"a,b"`, `"say ""hi"""`);
//! - numbers as Rust's `f64` parser reads them (`1`, `-2.5`, `.5`, `1e-3`,
//!   `+4`), with spaces or tabs around them ignored, as pandas does; a
//!   number too small for an f64 (`1e-400`) reads as 0, one too large
//!   (`1e400`) is an error like `inf`;
//! - column names with spaces around them trimmed (the same for `--target` and
//!   `--features`); spaces inside a name are kept;
//! - missing values are pandas' default `na_values`: an empty cell, `NA`,
//!   `NaN`, `nan`, `N/A`, `NULL`, `None`, ... ([`NA_VALUES`]), and any other
//!   spelling that parses as NaN;
//! - columns that are neither the target nor a feature are not parsed at all,
//!   so they may hold text (but every row still needs every field).
//!
//! Errors name 1-based physical lines (the header is line 1, blank lines
//! count); the first bad row is reported, and in it the first bad field.
//! The target must be 0 or 1 (`1.0`, `1e0` and ` 1 ` count), with both
//! classes present; the design must have at least as many rows as
//! coefficients and full column rank ([`check_full_rank`]).
use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read, Seek};
use std::path::Path;

use super::{check_full_rank, DataError, Dataset};

/// What to do with rows that have a missing value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissingPolicy {
    /// A missing value is an error (default).
    #[default]
    Error,
    /// Rows with a missing value are dropped.
    Drop,
}

/// How to read a CSV file into a [`Dataset`].
#[derive(Debug, Clone, PartialEq)]
pub struct CsvOptions {
    /// Target column. Default `y`.
    pub target: String,
    /// Feature columns, in this order. Default: every other column, in file order.
    pub features: Option<Vec<String>>,
    /// Field separator. Default: tab for `.tsv` files, comma otherwise.
    pub delimiter: Option<u8>,
    /// Missing values: error (default) or drop the row.
    pub missing: MissingPolicy,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            target: "y".into(),
            features: None,
            delimiter: None,
            missing: MissingPolicy::Error,
        }
    }
}

/// Cells read as missing: pandas' default `na_values` (after trimming spaces).
pub const NA_VALUES: &[&str] = &[
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
    "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
];

/// Name of the intercept column, as statsmodels' `add_constant` names it.
pub const INTERCEPT: &str = "const";

/// Size of the CSV reader's buffer.
const BUFFER: usize = 1 << 16;

/// Longest input read before the header row ends: a file with no line end
/// in its first 16 MiB (a binary file, `/dev/zero`) is not a CSV file.
const MAX_HEADER: u64 = 16 << 20;

/// Rows read before the final size is estimated from the file's length.
const SAMPLE_ROWS: usize = 1024;

/// Read `path` into a data set; also returns how many rows were dropped
/// (always 0 with [`MissingPolicy::Error`]).
///
/// The separator is `opts.delimiter`, else a tab for a `.tsv` file, else a
/// comma. The result has full column rank (see [`check_full_rank`]).
pub fn read_csv(path: &Path, opts: &CsvOptions) -> Result<(Dataset, usize), DataError> {
    let file = path.display().to_string();
    let io_err = |e: io::Error| DataError::Io {
        file: file.clone(),
        reason: e.to_string(),
    };
    let f = File::open(path).map_err(io_err)?;
    let len = f.metadata().map_err(io_err)?.len();
    let delimiter = opts.delimiter.unwrap_or_else(|| default_delimiter(path));
    // The fast path reads the rows again from after the header: only for
    // a regular file (not a pipe, whose bytes can be read once).
    let regular = f.metadata().map_err(io_err)?.is_file();
    let reopen = |at: u64| -> io::Result<Box<dyn Read>> {
        let mut f = File::open(path)?;
        f.seek(io::SeekFrom::Start(at))?;
        Ok(Box::new(f))
    };
    let reopen: Option<Reopen> = if regular { Some(&reopen) } else { None };
    read_from(f, &file, delimiter, Some(len), opts, reopen)
}

/// Opens the input again at a byte offset: what the fast path reads.
type Reopen<'a> = &'a dyn Fn(u64) -> io::Result<Box<dyn Read>>;

/// Tab for a `.tsv` file (any case), comma otherwise.
pub fn default_delimiter(path: &Path) -> u8 {
    match path.extension() {
        Some(ext) if ext.eq_ignore_ascii_case("tsv") => b'\t',
        _ => b',',
    }
}

/// What a column of the file becomes.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Role {
    /// Not used, not parsed.
    Skip,
    Target,
    /// Design column (1-based: column 0 is the intercept).
    Feature(usize),
}

/// One parsed cell.
enum Cell {
    Value(f64),
    Missing,
    NotANumber,
    Infinite,
}

/// Read CSV from `rdr`, named `file` in messages. `len` is the input's size
/// in bytes when known; it is used to size the matrix once. With `reopen`,
/// the rows are first tried by [`fast_rows`] on the input opened again after
/// the header; when that declines, the rows are read here as usual.
fn read_from<R: Read>(
    mut rdr: R,
    file: &str,
    delimiter: u8,
    len: Option<u64>,
    opts: &CsvOptions,
    reopen: Option<Reopen>,
) -> Result<(Dataset, usize), DataError> {
    let io_err = |e: io::Error| DataError::Io {
        file: file.to_string(),
        reason: e.to_string(),
    };
    if matches!(delimiter, b'"' | b'\n' | b'\r') {
        return Err(DataError::BadDelimiter {
            file: file.into(),
            delimiter,
        });
    }

    // Look at the first bytes: UTF-16 is refused here; a UTF-8 BOM must reach
    // the CSV reader whole, in its first read, for it to be stripped.
    let mut head = [0u8; 4];
    let mut got = 0;
    while got < head.len() {
        match rdr.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(m) => got += m,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(io_err(e)),
        }
    }
    if got >= 2 && (head[..2] == [0xFF, 0xFE] || head[..2] == [0xFE, 0xFF]) {
        return Err(DataError::Utf16 { file: file.into() });
    }
    let input = Tracked::new(io::Cursor::new(head[..got].to_vec()).chain(rdr));

    // Records end at LF only: a CR before it stays in the last field, where
    // trimming removes it. (The csv crate's own line numbers count from where
    // a read starts, before skipped blank lines and a CRLF's LF; see
    // `line_of`.)
    let mut csv = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .terminator(::csv::Terminator::Any(b'\n'))
        .buffer_capacity(BUFFER)
        .from_reader(input);
    let csv_err = |e: ::csv::Error| DataError::Io {
        file: file.to_string(),
        reason: e.to_string(),
    };

    // Header.
    let mut rec = ::csv::ByteRecord::new();
    loop {
        if !csv.read_byte_record(&mut rec).map_err(csv_err)? {
            return Err(DataError::Empty { file: file.into() });
        }
        if !is_blank(&rec) {
            break;
        }
    }
    csv.get_mut().limit = None;
    let header_line = line_of(&csv, &rec);
    let header = parse_header(&rec, file, header_line)?;
    let (roles, names) = choose_columns(&header, opts, file, header_line)?;
    let target = opts.target.trim().to_string();
    let k = names.len();
    let ncols = header.len();
    let header_end = csv.position().byte();

    // Rows.
    let mut x: Vec<f64> = Vec::new();
    let mut y: Vec<f64> = Vec::new();
    let mut row = vec![0.0; k + 1]; // design row, then the target
    row[0] = 1.0;
    let mut dropped = 0usize;
    let mut seen = 0usize;
    let fast = reopen.and_then(|open| {
        let rest = len.map(|len| len.saturating_sub(header_end));
        fast_rows(open(header_end).ok()?, delimiter, &roles, k, rest)
    });
    let slow = fast.is_none();
    if let Some((fx, fy)) = fast {
        seen = fy.len();
        (x, y) = (fx, fy);
    }
    while slow && csv.read_byte_record(&mut rec).map_err(csv_err)? {
        if is_blank(&rec) {
            continue;
        }
        // Counted only for an error: it scans the record.
        let line = || line_of(&csv, &rec);
        if rec.len() != ncols {
            return Err(ragged(&rec, &header, file, line()));
        }
        // One UTF-8 check per record is much cheaper than one per cell; a
        // record with other bytes (in any column) is checked cell by cell.
        let text = std::str::from_utf8(rec.as_slice()).ok();
        let mut missing = false;
        for (c, (field, role)) in rec.iter().zip(&roles).enumerate() {
            let slot = match *role {
                Role::Skip => continue,
                Role::Target => k,
                Role::Feature(j) => j,
            };
            let err = |make: fn(String, u64, String, String) -> DataError| {
                make(
                    file.into(),
                    line(),
                    header[c].clone(),
                    String::from_utf8_lossy(field.trim_ascii()).into_owned(),
                )
            };
            let cell = match text.and_then(|t| t.get(rec.range(c)?)) {
                Some(s) => parse_str(s.trim_ascii()),
                None => parse_cell(field),
            };
            match (cell, *role) {
                (Cell::Missing, _) => match opts.missing {
                    MissingPolicy::Error => return Err(err(missing_err)),
                    MissingPolicy::Drop => missing = true,
                },
                (Cell::Value(v), Role::Target) if v == 0.0 || v == 1.0 => row[slot] = v.abs(),
                (_, Role::Target) => return Err(err(not_binary_err)),
                (Cell::Value(v), _) => row[slot] = v,
                (Cell::NotANumber, _) => return Err(err(not_a_number_err)),
                (Cell::Infinite, _) => return Err(err(infinite_err)),
            }
        }
        seen += 1;
        if missing {
            dropped += 1;
        } else {
            x.extend_from_slice(&row[..k]);
            y.push(row[k]);
        }
        if seen == SAMPLE_ROWS {
            if let Some(len) = len {
                reserve_estimate(
                    &mut x,
                    &mut y,
                    k,
                    seen,
                    len,
                    header_end,
                    csv.position().byte(),
                );
            }
        }
    }
    let n = y.len();
    if seen == 0 {
        return Err(DataError::NoRows {
            file: file.into(),
            line: header_line,
        });
    }
    if n < k {
        return Err(DataError::TooFewRows {
            file: file.into(),
            rows: n,
            coefficients: k,
            dropped,
        });
    }
    if let Some(&first) = y.first() {
        if y.iter().all(|&v| v == first) {
            return Err(DataError::SingleClass {
                file: file.into(),
                column: target,
                value: first,
            });
        }
    }
    x.shrink_to_fit();
    y.shrink_to_fit();
    let data = Dataset::from_parts(names, target, x, y, file.into());
    check_full_rank(&data)?;
    Ok((data, dropped))
}

/// Bytes of input parsed per round of the fast path.
const FAST_CHUNK: usize = 8 << 20;

/// The fast path for the rows of a plain numeric file: lines split at LF
/// and at the delimiter, every used cell parsed by [`parse_str`] (trimmed,
/// as below), on several threads for a large file
/// ([`crate::torch::threads_for`]). It gives up (None) on anything that
/// needs the full reader: a quote anywhere, a row with another number of
/// fields, a cell that is not a finite number (missing, NaN, text), a target
/// other than 0 or 1, a read error, a line longer than [`FAST_CHUNK`]. The
/// caller then reads the rows the usual way, which reports the error, or
/// handles the row, exactly as always. The
/// rows it does accept are the ones the full reader accepts, with the same
/// values: without quotes a record is a line and a field is what lies
/// between delimiters; blank lines are skipped in both.
fn fast_rows<R: Read>(
    mut rdr: R,
    delimiter: u8,
    roles: &[Role],
    k: usize,
    rest: Option<u64>,
) -> Option<(Vec<f64>, Vec<f64>)> {
    let mut x: Vec<f64> = Vec::new();
    let mut y: Vec<f64> = Vec::new();
    let mut buf: Vec<u8> = Vec::new();
    let mut threads = 1;
    let mut done_bytes = 0u64;
    let mut first = true;
    loop {
        // Fill the buffer up to FAST_CHUNK past what is carried over.
        let carried = buf.len();
        buf.resize(carried + FAST_CHUNK, 0);
        let mut got = 0;
        while carried + got < buf.len() {
            match rdr.read(&mut buf[carried + got..]) {
                Ok(0) => break,
                Ok(m) => got += m,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return None,
            }
        }
        buf.truncate(carried + got);
        let eof = got == 0 || carried + got < carried + FAST_CHUNK;
        let end = if eof {
            buf.len()
        } else {
            match buf.iter().rposition(|&b| b == b'\n') {
                Some(p) => p + 1,
                // A line longer than a chunk: no plain numeric file of this
                // tool's size has one. Reading on would hold and rescan the
                // whole line for every chunk (quadratic in its length); the
                // full reader takes it in one pass instead.
                None => return None,
            }
        };
        let region = &buf[..end];
        if threads == 1 {
            parse_lines(region, delimiter, roles, k, &mut x, &mut y)?;
        } else {
            let parts = split_at_lines(region, threads);
            let parsed: Vec<Option<(Vec<f64>, Vec<f64>)>> = std::thread::scope(|s| {
                let handles: Vec<_> = parts
                    .iter()
                    .map(|part| {
                        s.spawn(move || {
                            let (mut px, mut py) = (Vec::new(), Vec::new());
                            parse_lines(part, delimiter, roles, k, &mut px, &mut py)?;
                            Some((px, py))
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().ok().flatten())
                    .collect()
            });
            for p in parsed {
                let (px, py) = p?;
                x.extend_from_slice(&px);
                y.extend_from_slice(&py);
            }
        }
        done_bytes += end as u64;
        if first && !y.is_empty() {
            first = false;
            // Size the matrix for the whole input, and choose the threads,
            // from the bytes per row seen so far.
            if let Some(rest) = rest {
                let per_row = done_bytes as f64 / y.len() as f64;
                let rows = (rest as f64 / per_row * 1.02) as usize + 16;
                x.reserve(rows.saturating_sub(y.len()).saturating_mul(k));
                y.reserve(rows.saturating_sub(y.len()));
                threads = crate::torch::threads_for(rows, k);
            }
        }
        buf.drain(..end);
        if eof {
            return Some((x, y));
        }
    }
}

/// Cut `region` (whole lines) into up to `parts` pieces at line ends.
fn split_at_lines(region: &[u8], parts: usize) -> Vec<&[u8]> {
    let mut out = Vec::with_capacity(parts);
    let mut rest = region;
    for p in (1..parts).rev() {
        let target = rest.len() / (p + 1);
        let cut = match rest[target..].iter().position(|&b| b == b'\n') {
            Some(i) => target + i + 1,
            None => rest.len(),
        };
        out.push(&rest[..cut]);
        rest = &rest[cut..];
    }
    out.push(rest);
    out
}

/// Parse whole lines for [`fast_rows`]; None to give up.
fn parse_lines(
    region: &[u8],
    delimiter: u8,
    roles: &[Role],
    k: usize,
    x: &mut Vec<f64>,
    y: &mut Vec<f64>,
) -> Option<()> {
    let mut row = vec![0.0; k + 1]; // design row, then the target
    row[0] = 1.0;
    let mut col = 0; // field number within the line
    let mut start = 0; // where the current field starts
    let ends = memchr::memchr3_iter(delimiter, b'\n', b'"', region)
        .chain((region.last() != Some(&b'\n') && !region.is_empty()).then_some(region.len()));
    for pos in ends {
        let b = region.get(pos).copied().unwrap_or(b'\n'); // the end: a last line
        if b == b'"' {
            return None;
        }
        let field = &region[start..pos];
        start = pos + 1;
        if b == b'\n' && col == 0 && field.trim_ascii().is_empty() {
            continue; // a blank line, skipped as the full reader does
        }
        let role = *roles.get(col)?;
        col += 1;
        if role != Role::Skip {
            let field = field.trim_ascii();
            if !field.is_ascii() {
                return None;
            }
            // SAFETY: ASCII bytes are valid UTF-8.
            let text = unsafe { std::str::from_utf8_unchecked(field) };
            match (parse_str(text), role) {
                (Cell::Value(v), Role::Target) if v == 0.0 || v == 1.0 => row[k] = v.abs(),
                (Cell::Value(v), Role::Feature(j)) => row[j] = v,
                _ => return None,
            }
        }
        if b == b'\n' {
            if col != roles.len() {
                return None;
            }
            col = 0;
            x.extend_from_slice(&row[..k]);
            y.push(row[k]);
        }
    }
    Some(())
}

fn missing_err(file: String, line: u64, column: String, value: String) -> DataError {
    DataError::Missing {
        file,
        line,
        column,
        value,
    }
}

fn not_binary_err(file: String, line: u64, column: String, value: String) -> DataError {
    DataError::NotBinary {
        file,
        line,
        column,
        value,
    }
}

fn not_a_number_err(file: String, line: u64, column: String, value: String) -> DataError {
    DataError::NotANumber {
        file,
        line,
        column,
        value,
    }
}

fn infinite_err(file: String, line: u64, column: String, value: String) -> DataError {
    DataError::Infinite {
        file,
        line,
        column,
        value,
    }
}

/// A line with nothing but spaces (or the CR of a blank CRLF line): skipped.
fn is_blank(rec: &::csv::ByteRecord) -> bool {
    rec.len() == 1 && rec[0].trim_ascii().is_empty()
}

/// The input, counting what the CSV reader has taken from it.
struct Tracked<R> {
    inner: R,
    /// Bytes read so far.
    total: u64,
    /// The last three bytes read, oldest first.
    tail: [u8; 3],
    /// Whether the end has been reached.
    eof: bool,
    /// Fail once this many bytes have been read ([`MAX_HEADER`] until the
    /// header row has been read).
    limit: Option<u64>,
}

impl<R> Tracked<R> {
    fn new(inner: R) -> Self {
        Tracked {
            inner,
            total: 0,
            tail: [0; 3],
            eof: false,
            limit: Some(MAX_HEADER),
        }
    }
}

impl<R: Read> Read for Tracked<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.limit.is_some_and(|limit| self.total >= limit) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "no end to the header row in the first {} MiB: is this a CSV file?",
                    MAX_HEADER >> 20
                ),
            ));
        }
        let m = self.inner.read(buf)?;
        if m == 0 {
            self.eof = true;
        }
        for &b in &buf[m.saturating_sub(3)..m] {
            self.tail = [self.tail[1], self.tail[2], b];
        }
        self.total += m as u64;
        Ok(m)
    }
}

/// The physical line (1-based) on which the record just read starts.
///
/// Counted back from where the reader stopped: the LFs it has consumed, less
/// those inside quoted fields, less the LF that ended the record. Every
/// record but the last ends in an LF; the last ends at the end of the input
/// without one when the input does not end in an LF, or when it does but
/// that LF sits inside a quote left open (the last field then ends in LF,
/// and the input does not end in LF, quote, LF as a closed quote would).
fn line_of<R: Read>(csv: &::csv::Reader<Tracked<R>>, rec: &::csv::ByteRecord) -> u64 {
    let after = csv.position();
    let src = csv.get_ref();
    let inside = rec.as_slice().iter().filter(|&&b| b == b'\n').count() as u64;
    let at_end = src.eof && after.byte() == src.total;
    let terminated = if !at_end {
        true
    } else if src.tail[2] != b'\n' {
        false
    } else {
        let field_ends_in_lf = rec
            .iter()
            .next_back()
            .is_some_and(|f| f.last() == Some(&b'\n'));
        !field_ends_in_lf || src.tail == *b"\n\"\n"
    };
    after
        .line()
        .saturating_sub(inside)
        .saturating_sub(u64::from(terminated))
        .max(1)
}

/// Column names from the header row: UTF-8, trimmed, non-empty, distinct.
fn parse_header(rec: &::csv::ByteRecord, file: &str, line: u64) -> Result<Vec<String>, DataError> {
    let mut names: Vec<String> = Vec::with_capacity(rec.len());
    let mut seen: HashMap<String, usize> = HashMap::with_capacity(rec.len());
    for (c, raw) in rec.iter().enumerate() {
        let col = c + 1;
        let name = std::str::from_utf8(raw).map_err(|_| DataError::NameNotUtf8 {
            file: file.into(),
            line,
            col,
            name: String::from_utf8_lossy(raw).into_owned(),
        })?;
        // The CSV reader strips a BOM at the start of the input; this catches
        // one it missed, and one after leading blank lines.
        let name = if c == 0 {
            name.trim_start_matches('\u{feff}')
        } else {
            name
        };
        let name = name.trim();
        if name.contains('\r') {
            return Err(DataError::BareCr { file: file.into() });
        }
        if name.is_empty() {
            return Err(DataError::EmptyName {
                file: file.into(),
                line,
                col,
            });
        }
        if let Some(first) = seen.insert(name.to_string(), col) {
            return Err(DataError::DuplicateName {
                file: file.into(),
                line,
                name: name.into(),
                first,
                second: col,
            });
        }
        names.push(name.to_string());
    }
    Ok(names)
}

/// The role of each file column, and the design's names (`const` first).
fn choose_columns(
    header: &[String],
    opts: &CsvOptions,
    file: &str,
    line: u64,
) -> Result<(Vec<Role>, Vec<String>), DataError> {
    let target = opts.target.trim();
    let index: HashMap<&str, usize> = header
        .iter()
        .enumerate()
        .map(|(c, h)| (h.as_str(), c))
        .collect();
    let find = |name: &str| index.get(name).copied();
    let t = find(target).ok_or_else(|| DataError::NoTarget {
        file: file.into(),
        line,
        target: target.into(),
        available: header.to_vec(),
    })?;
    let features: Vec<usize> = match &opts.features {
        None => (0..header.len()).filter(|&c| c != t).collect(),
        Some(list) => {
            let mut cols = Vec::with_capacity(list.len());
            let mut taken = vec![false; header.len()];
            for name in list {
                let name = name.trim();
                let c = find(name).ok_or_else(|| DataError::NoFeature {
                    file: file.into(),
                    line,
                    name: name.into(),
                    available: header.to_vec(),
                })?;
                if c == t {
                    return Err(DataError::TargetIsFeature {
                        file: file.into(),
                        name: name.into(),
                    });
                }
                if std::mem::replace(&mut taken[c], true) {
                    return Err(DataError::RepeatedFeature {
                        file: file.into(),
                        name: name.into(),
                    });
                }
                cols.push(c);
            }
            cols
        }
    };
    if features.is_empty() {
        return Err(DataError::NoFeatures {
            file: file.into(),
            line,
            target: target.into(),
        });
    }
    let mut roles = vec![Role::Skip; header.len()];
    roles[t] = Role::Target;
    let mut names = Vec::with_capacity(features.len() + 1);
    names.push(INTERCEPT.to_string());
    for (j, &c) in features.iter().enumerate() {
        if header[c] == INTERCEPT {
            return Err(DataError::ConstName {
                file: file.into(),
                line,
            });
        }
        roles[c] = Role::Feature(j + 1);
        names.push(header[c].clone());
    }
    Ok((roles, names))
}

/// Parse one cell: spaces around it ignored; [`NA_VALUES`] and NaN are missing.
fn parse_cell(raw: &[u8]) -> Cell {
    match std::str::from_utf8(raw.trim_ascii()) {
        Ok(s) => parse_str(s),
        Err(_) => Cell::NotANumber,
    }
}

/// Parse one trimmed cell.
fn parse_str(s: &str) -> Cell {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() => Cell::Value(v),
        Ok(v) if v.is_nan() => Cell::Missing,
        Ok(_) => Cell::Infinite,
        Err(_) if NA_VALUES.contains(&s) => Cell::Missing,
        Err(_) => Cell::NotANumber,
    }
}

/// The error for a row whose field count differs from the header's.
fn ragged(rec: &::csv::ByteRecord, header: &[String], file: &str, line: u64) -> DataError {
    let (found, expected) = (rec.len(), header.len());
    let multiline = rec.as_slice().contains(&b'\n');
    if found < expected {
        DataError::TooFewFields {
            file: file.into(),
            line,
            expected,
            found,
            column: header[found].clone(),
            multiline,
        }
    } else {
        DataError::TooManyFields {
            file: file.into(),
            line,
            expected,
            found,
            value: String::from_utf8_lossy(rec.get(expected).unwrap_or_default().trim_ascii())
                .into_owned(),
            multiline,
        }
    }
}

/// After the first rows, reserve room for the whole file at the same bytes
/// per row (2% spare), so the matrix is not regrown (and copied) as it fills.
/// Reserved but unused memory is never touched, so it costs no resident memory.
fn reserve_estimate(
    x: &mut Vec<f64>,
    y: &mut Vec<f64>,
    k: usize,
    rows: usize,
    len: u64,
    start: u64,
    now: u64,
) {
    let per_row = (now.saturating_sub(start) as f64 / rows as f64).max(1.0);
    let left = len.saturating_sub(now) as f64;
    let more = (left / per_row * 1.02) as usize + 16;
    x.reserve(more.saturating_mul(k));
    y.reserve(more);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Read `text` the usual way and again with the fast path on, and
    /// check that both give the same data or the same error.
    fn read(text: &[u8], opts: &CsvOptions) -> Result<(Dataset, usize), DataError> {
        let delimiter = opts.delimiter.unwrap_or(b',');
        let slow = read_from(text, "t.csv", delimiter, None, opts, None);
        let owned = text.to_vec();
        let reopen = move |at: u64| -> io::Result<Box<dyn Read>> {
            Ok(Box::new(io::Cursor::new(owned[at as usize..].to_vec())))
        };
        let len = Some(text.len() as u64);
        let fast = read_from(text, "t.csv", delimiter, len, opts, Some(&reopen));
        assert_eq!(
            slow,
            fast,
            "fast path differs on {:?}",
            String::from_utf8_lossy(text)
        );
        slow
    }

    fn ok(text: &str) -> Dataset {
        read(text.as_bytes(), &CsvOptions::default()).unwrap().0
    }

    fn err(text: &str) -> String {
        match read(text.as_bytes(), &CsvOptions::default()) {
            Ok(_) => panic!("expected an error for {text:?}"),
            Err(e) => e.to_string(),
        }
    }

    const PLAIN: &str = "x1,x2,y\n1,2,0\n2,1,1\n3,5,0\n4,3,1\n";

    #[test]
    fn fast_path_takes_plain_rows_and_declines_the_rest() {
        let roles = [Role::Feature(1), Role::Target, Role::Skip];
        let rows = |text: &str| fast_rows(text.as_bytes(), b',', &roles, 2, None);
        let (x, y) = rows("1.5,1,a\n \n-2, 0 ,b\r\n  \r\n3e0,1,\"").map_or((vec![], vec![]), |r| r);
        assert!(
            x.is_empty() && y.is_empty(),
            "a quote, even in a skipped column, declines"
        );
        let (x, y) = rows("1.5,1,a\n \n-2, 0 ,b\r\n  \r\n3e0,1,c").unwrap();
        assert_eq!(x, [1.0, 1.5, 1.0, -2.0, 1.0, 3.0]);
        assert_eq!(y, [1.0, 0.0, 1.0]);
        for bad in [
            "1,2,a\n",
            "1,NA,a\n",
            "nan,1,a\n",
            "1,1\n",
            "1,1,a,b\n",
            "inf,0,a\n",
        ] {
            assert_eq!(rows(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn fast_path_declines_a_line_longer_than_a_chunk_after_two_chunks() {
        /// Counts the bytes taken from the inner reader.
        struct Counted<R>(R, std::rc::Rc<std::cell::Cell<usize>>);
        impl<R: Read> Read for Counted<R> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let m = self.0.read(buf)?;
                self.1.set(self.1.get() + m);
                Ok(m)
            }
        }
        // One 64 MiB line: the fast path used to keep reading (and rescan
        // everything it held at each read) until the end of the line.
        let taken = std::rc::Rc::new(std::cell::Cell::new(0));
        let line = io::repeat(b'7').take(8 * FAST_CHUNK as u64);
        let roles = [Role::Feature(1), Role::Target];
        let got = fast_rows(Counted(line, taken.clone()), b',', &roles, 2, None);
        assert_eq!(got, None);
        assert!(taken.get() <= 2 * FAST_CHUNK, "read {} bytes", taken.get());
    }

    #[test]
    fn fast_path_split_keeps_lines_whole_and_in_order() {
        let text: String = (0..1000).map(|i| format!("{i},{}\n", i % 2)).collect();
        let roles = [Role::Feature(1), Role::Target];
        for parts in 1..5 {
            let pieces = split_at_lines(text.as_bytes(), parts);
            assert_eq!(pieces.concat(), text.as_bytes());
            assert!(pieces.iter().all(|p| p.is_empty() || p.ends_with(b"\n")));
            let (mut x, mut y) = (vec![], vec![]);
            for p in pieces {
                parse_lines(p, b',', &roles, 2, &mut x, &mut y).unwrap();
            }
            assert_eq!(y.len(), 1000);
            assert_eq!(x[2 * 999 + 1], 999.0);
        }
    }

    #[test]
    fn builds_design_with_intercept_first() {
        let d = ok(PLAIN);
        assert_eq!(d.names, ["const", "x1", "x2"]);
        assert_eq!(d.target, "y");
        assert_eq!((d.n, d.k), (4, 3));
        assert_eq!(&d.x[..6], &[1.0, 1.0, 2.0, 1.0, 2.0, 1.0]);
        assert_eq!(d.y, [0.0, 1.0, 0.0, 1.0]);
        assert_eq!(d.source, "t.csv");
    }

    #[test]
    fn accepts_bom_crlf_and_no_final_newline() {
        let plain = ok(PLAIN);
        let variants = [
            format!("\u{feff}{PLAIN}"),
            PLAIN.replace('\n', "\r\n"),
            PLAIN.trim_end().to_string(),
            format!("\u{feff}{}", PLAIN.replace('\n', "\r\n").trim_end()),
            PLAIN.replace(',', " , "),
            PLAIN.replace("\n2,", "\n\n\"2\","),
        ];
        for v in &variants {
            assert_eq!(ok(v), plain, "{v:?}");
        }
    }

    #[test]
    fn target_may_be_any_column_and_features_any_order() {
        let d = ok("y,x1,x2\n0,1,2\n1,2,1\n0,3,5\n1,4,3\n");
        assert_eq!(d, ok(PLAIN));
        let opts = CsvOptions {
            features: Some(vec!["x2".into(), " x1 ".into()]),
            ..Default::default()
        };
        let d = read(PLAIN.as_bytes(), &opts).unwrap().0;
        assert_eq!(d.names, ["const", "x2", "x1"]);
        assert_eq!(&d.x[..3], &[1.0, 2.0, 1.0]);
    }

    #[test]
    fn unused_columns_are_not_parsed() {
        let opts = CsvOptions {
            features: Some(vec!["x1".into(), "x2".into()]),
            ..Default::default()
        };
        let text = "id,x1,x2,y\nab,1,2,0\ncd,2,1,1\nef,3,5,0\n,4,3,1\n";
        let d = read(text.as_bytes(), &opts).unwrap().0;
        assert_eq!(d, ok(PLAIN));
    }

    #[test]
    fn rejects_ragged_row() {
        assert_eq!(
            err("x1,x2,y\n1,2,0\n2,1\n"),
            r#"t.csv: line 3: 2 field(s), but the header has 3 (no value for column "y")"#
        );
        assert_eq!(
            err("x1,x2,y\n1,2,0\n2,1,1,9\n"),
            r#"t.csv: line 3: 4 fields, but the header has 3 (extra value "9" in column 4)"#
        );
    }

    #[test]
    fn rejects_bad_cells_naming_line_column_value() {
        assert_eq!(
            err("x1,x2,y\n1,2,0\n\n2,abc,1\n"),
            r#"t.csv: line 4, column "x2": "abc" is not a number"#
        );
        assert_eq!(
            err("x1,x2,y\n1,2,0\n2,1e400,1\n"),
            r#"t.csv: line 3, column "x2": "1e400" is not a finite number"#
        );
        assert!(err("x1,x2,y\n1,-Infinity,0\n").contains("\"-Infinity\" is not a finite number"));
        assert!(
            err("x1,x2,y\n1,2,0\n2,NA,1\n").contains("line 3, column \"x2\": missing value \"NA\"")
        );
        assert!(err("x1,x2,y\n1,,0\n").contains("missing value \"\""));
        assert!(err("x1,x2,y\n1,NAN,0\n").contains("missing value \"NAN\""));
        assert_eq!(
            err("x1,x2,y\n1,2,0\n2,1,2\n"),
            r#"t.csv: line 3, column "y": target value "2" is not 0 or 1"#
        );
        assert!(err("x1,x2,y\n1,2,yes\n").contains("target value \"yes\" is not 0 or 1"));
        assert!(err("x1,x2,y\n1,\u{2212}2,1\n").contains("\"\u{2212}2\" is not a number"));
    }

    #[test]
    fn line_numbers_are_physical_lines() {
        let bad = |text: &str| {
            let e = err(text);
            let at = e.find("line ").expect(&e) + 5;
            e[at..]
                .split(|c: char| !c.is_ascii_digit())
                .next()
                .unwrap()
                .parse::<u64>()
                .unwrap()
        };
        assert_eq!(bad("x,y\n1,0\n\n\n2,a\n"), 5);
        assert_eq!(bad("x,y\r\n1,0\r\n\r\n2,a\r\n"), 4);
        assert_eq!(bad("x,y\r\n1,0\r\n\r\n2,a"), 4);
        assert_eq!(bad("\n\nx,y\n1,0\n2,a"), 5);
        assert_eq!(bad("x,y\n\"1\n\n\",0\n2,a\n"), 5);
        assert_eq!(bad("x,y\n\"1\n\n\",a\n"), 2);
        assert_eq!(bad("x,y\n   \n\t\n2,a\n"), 4);
        assert_eq!(bad("\u{feff}x,y\r\n1,0\r\n1,"), 3);
        assert_eq!(bad("x,y\n1,0\n1,0,3\n"), 3);
        assert_eq!(bad("x,x\n"), 1);
        // A quote left open runs to the end of the input.
        assert_eq!(bad("x,y\n1,0\n\"a\n"), 3);
        assert_eq!(bad("x,y\n1,0\n\"a\n\n"), 3);
        assert_eq!(bad("x,y\n1,0\n2,\"a\"\"\n"), 3);
        assert_eq!(bad("x,y\n1,0\n2,\"a"), 3);
        // A closed quote ending in LF, then the final LF.
        assert_eq!(bad("x,y\n1,0\n2,\"a\n\"\n"), 3);
        assert_eq!(bad("x,y\n1,0\n2,\"a\n\""), 3);
        assert_eq!(bad("x,y\n1,0\n\n\"a\nb\",1,2\n"), 4);
        assert_eq!(bad("\n\r\nx,x\n"), 3);
    }

    #[test]
    fn rejects_bad_headers() {
        assert_eq!(
            err(""),
            "t.csv: the file is empty (expected a header row, then data rows)"
        );
        assert!(err("\n\n\r\n").contains("the file is empty"));
        assert_eq!(err("x1,x2,y\n"), "t.csv: line 1: a header but no data rows");
        assert_eq!(
            err("x1,x2,x1,y\n1,2,3,0\n"),
            r#"t.csv: line 1: the column name "x1" appears twice (columns 1 and 3)"#
        );
        assert_eq!(
            err("x1,,y\n1,2,0\n"),
            "t.csv: line 1, column 2: the column has no name"
        );
        assert_eq!(
            err("a,b,c\n1,2,0\n"),
            r#"t.csv: line 1: no target column "y"; the columns are "a", "b", "c""#
        );
        assert_eq!(
            read(b"x\xff,y\n1,0\n", &CsvOptions::default())
                .unwrap_err()
                .to_string(),
            "t.csv: line 1, column 1: the column name \"x\u{fffd}\" is not valid UTF-8"
        );
        assert!(read(b"\xff\xfex\x00", &CsvOptions::default())
            .unwrap_err()
            .to_string()
            .contains("UTF-16"));
        assert!(err("y\n0\n1\n").contains("no feature columns"));
        assert!(err("const,y\n1,0\n2,1\n").contains("\"const\" has the intercept's name"));
    }

    #[test]
    fn rejects_bad_feature_lists() {
        let with = |f: &[&str]| {
            let opts = CsvOptions {
                features: Some(f.iter().map(|s| s.to_string()).collect()),
                ..Default::default()
            };
            read(PLAIN.as_bytes(), &opts).unwrap_err().to_string()
        };
        assert_eq!(
            with(&["x1", "x3"]),
            r#"t.csv: line 1: no feature column "x3"; the columns are "x1", "x2", "y""#
        );
        assert!(with(&["x1", "y"]).contains("column \"y\" is both the target and a feature"));
        assert!(with(&["x1", "x1"]).contains("\"x1\" is requested twice"));
    }

    #[test]
    fn rejects_degenerate_data() {
        assert_eq!(
            err("x1,x2,y\n1,2,0\n2,3,1\n"),
            "t.csv: 2 data row(s) for 3 coefficients; need at least as many rows as coefficients"
        );
        assert_eq!(
            err("x1,x2,y\n1,2,1\n2,3,1\n3,1,1.0\n"),
            r#"t.csv: column "y": every target value is 1; logistic regression needs both 0 and 1"#
        );
        assert_eq!(
            err("x1,x2,y\n1,7,0\n2,7,1\n3,7,0\n4,7,1\n"),
            r#"t.csv: column "x2": every value is 7, so it duplicates the intercept "const""#
        );
        assert_eq!(
            err("x1,x2,x3,y\n1,2,3,0\n2,1,3,1\n3,5,8,0\n4,3,7,1\n5,5,10,1\n"),
            r#"t.csv: column "x3" is a linear combination of "x1", "x2"; drop it or choose other columns"#
        );
    }

    #[test]
    fn drops_rows_with_missing_values_when_asked() {
        let opts = CsvOptions {
            missing: MissingPolicy::Drop,
            ..Default::default()
        };
        let text = "x1,x2,y\n1,2,0\n9,NA,1\n2,1,1\n,,\n3,5,0\n4,3,1\n5,nan,1\n";
        let (d, dropped) = read(text.as_bytes(), &opts).unwrap();
        assert_eq!(dropped, 3);
        assert_eq!(d, ok(PLAIN));
        // A dropped row is still checked for bad cells.
        let text = "x1,x2,y\n1,2,0\nabc,NA,1\n";
        assert!(read(text.as_bytes(), &opts)
            .unwrap_err()
            .to_string()
            .contains("\"abc\""));
        // Everything dropped: too few rows, saying why.
        let text = "x1,x2,y\n1,NA,0\nNA,1,1\n";
        assert_eq!(
            read(text.as_bytes(), &opts).unwrap_err().to_string(),
            "t.csv: 0 data row(s) (after dropping 2 with missing values) for 3 coefficients; \
             need at least as many rows as coefficients"
        );
    }

    #[test]
    fn other_delimiters_give_the_same_data() {
        let plain = ok(PLAIN);
        for d in [b';', b'\t', b'|', b' '] {
            let text = PLAIN.replace(',', &char::from(d).to_string());
            let opts = CsvOptions {
                delimiter: Some(d),
                ..Default::default()
            };
            assert_eq!(read(text.as_bytes(), &opts).unwrap().0, plain);
        }
        assert_eq!(default_delimiter(Path::new("a/b.TSV")), b'\t');
        assert_eq!(default_delimiter(Path::new("a/b.csv")), b',');
        let opts = CsvOptions {
            delimiter: Some(b'"'),
            ..Default::default()
        };
        assert!(read(PLAIN.as_bytes(), &opts).is_err());
    }

    /// Odd inputs a new user might feed in: each is an error, none panics.
    #[test]
    fn odd_inputs_are_errors_not_panics() {
        let odd: &[&[u8]] = &[
            b"",
            b"\n",
            b"\n\n\n",
            b",",
            b",\n,\n",
            b"\"",
            b"\"\"\"",
            b"y\n\"0",
            b"x,y\n\"1,0\n",
            b"x,y\n1,\"0\n1",
            b"\x00\x01\x02\x03\xff\xfe\xfd",
            b"\x1f\x8b\x08\x00\x00\x00\x00\x00",
            b"\xef\xbb\xbf",
            b"\xef\xbb",
            b"x,y\n1e400,0\n",
            b"x,y\ninf,0\n-inf,1\n",
            b"x,y\n1,0\n2,1\n\xff,0\n",
            b"x;y\n1;0\n2;1\n",
            b"   \n   \n",
            b"x,y\r1,0\r2,1\r",
            b"x,y\n   ,   \n",
        ];
        for text in odd {
            let r = read(text, &CsvOptions::default());
            assert!(r.is_err(), "{:?} -> {r:?}", String::from_utf8_lossy(text));
            let msg = r.unwrap_err().to_string();
            assert!(!msg.contains('\n'), "{msg}");
        }
    }

    #[test]
    fn endless_header_is_an_error() {
        let e = read_from(
            io::repeat(b'x'),
            "zero",
            b',',
            None,
            &CsvOptions::default(),
            None,
        );
        let e = e.unwrap_err().to_string();
        assert!(
            e.contains("no end to the header row in the first 16 MiB"),
            "{e}"
        );
    }

    /// Random byte edits of a good file never panic (a small seeded fuzz).
    #[test]
    fn mutated_inputs_never_panic() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let base = b"x1,x2,y\n1,2,0\n2,1,1\n3,5,0\n4,3,1\n5,0.5,0\n".to_vec();
        let alphabet = b",;\"\n\r \t0123456789.eE+-naNAIinfy\xff\xef\xbb\xbf\x00";
        for _ in 0..5000 {
            let mut t = base.clone();
            for _ in 0..rng.random_range(1..6) {
                let at = rng.random_range(0..=t.len());
                match rng.random_range(0..3) {
                    0 if at < t.len() => {
                        t.remove(at);
                    }
                    1 if at < t.len() => t[at] = alphabet[rng.random_range(0..alphabet.len())],
                    _ => t.insert(at, alphabet[rng.random_range(0..alphabet.len())]),
                }
            }
            for missing in [MissingPolicy::Error, MissingPolicy::Drop] {
                let opts = CsvOptions {
                    missing,
                    ..Default::default()
                };
                if let Err(e) = read(&t, &opts) {
                    assert!(!e.to_string().contains('\n'), "{e}");
                }
            }
        }
    }
}
