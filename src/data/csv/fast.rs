//! The fast path for plain files: whole lines of a regular file read in large blocks, each block's rows read by the one row loop through the quote-free splitter, on several threads.
use std::io::Read;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use super::buffer::{expected_rows, fill, FAST_CHUNK};
use super::cell::number_safe_delimiter;
use super::header::Role;
use super::index::Scan;
use super::lines::{Declined, Lines};
use super::options::MissingPolicy;
use super::plain::plain_rows;
use super::rows::{Next, RowRule};
use super::sink::{CountingSink, RowSink};
use crate::runtime::threads::Threads;

/// The fast path for the rows of a plain file: each block of whole lines
/// read by the row loop ([`RowRule::next`]) through the quote-free
/// splitter ([`Lines`]), on several threads for a large file
/// (`threads_for`, [`Threads::for_design`]), the rows of each round handed
/// to `sink` (and flushed), `k` design values (intercept first) then the
/// target a row. The rows dropped for a missing value, or None where it
/// gives up: on anything the quote-free splitter declines (a quote, a
/// refused row), a read error, a line longer than [`FAST_CHUNK`]. The
/// caller then restarts the sink and reads the rows through the strict
/// splitter, which reports the error, or handles the row, exactly as
/// always.
#[allow(clippy::too_many_arguments)]
pub(super) fn fast_rows<R: Read, S: RowSink>(
    mut rdr: R,
    delimiter: u8,
    rule: &RowRule,
    k: usize,
    rest: Option<u64>,
    threads_for: Threads,
    scan: Scan,
    sink: &mut CountingSink<S>,
) -> Result<Option<usize>, S::Error> {
    // What is carried over (the part of a line after the last LF read,
    // shorter than a chunk), then a chunk read after it: the buffer is
    // zeroed once, not for every chunk. On several threads a second buffer
    // takes the next chunk while this one is parsed.
    let mut buf = vec![0u8; 2 * FAST_CHUNK];
    let mut next: Vec<u8> = Vec::new();
    // The design rows, targets and rows dropped of pieces 1.. of a round,
    // reused from round to round.
    let mut spare: Vec<Mutex<Piece>> = Vec::new();
    let mut carried = 0;
    let mut threads = 1;
    let mut done_bytes = 0u64;
    let mut first = true;
    let mut dropped = 0;
    let Ok(mut got) = fill(&mut rdr, &mut buf[..FAST_CHUNK]) else {
        return Ok(None);
    };
    loop {
        let len = carried + got;
        let eof = got < FAST_CHUNK;
        let end = if eof {
            len
        } else {
            match buf[..len].iter().rposition(|&b| b == b'\n') {
                Some(p) => p + 1,
                // A line longer than a chunk: no plain numeric file of this
                // tool's size has one. Reading on would hold and rescan the
                // whole line for every chunk (quadratic in its length); the
                // strict splitter takes it in one pass instead.
                None => return Ok(None),
            }
        };
        let tail = len - end;
        let (x, y) = sink.inner.block();
        let read = if threads == 1 {
            match block_rows(&buf[..end], delimiter, rule, k, scan, x, y) {
                Ok(d) => dropped += d,
                Err(Declined) => return Ok(None),
            }
            buf.copy_within(end..len, 0);
            match eof {
                true => Ok(0),
                false => fill(&mut rdr, &mut buf[tail..tail + FAST_CHUNK]),
            }
        } else {
            // The chunk is cut into PIECES pieces a thread. This thread first
            // reads the next chunk into `next`, then reads piece 0 into the
            // matrix; the other pieces go to `spare`, each taken by whichever
            // thread is free, and are appended in order.
            if next.is_empty() {
                next = vec![0u8; 2 * FAST_CHUNK];
            }
            next[..tail].copy_from_slice(&buf[end..len]);
            let pieces = split_at_lines(&buf[..end], threads * PIECES);
            spare.resize_with(pieces.len(), || {
                Mutex::new((Vec::new(), Vec::new(), Err(Declined)))
            });
            for slot in &mut spare {
                slot.get_mut().unwrap_or_else(|e| e.into_inner()).2 = Err(Declined);
            }
            let taken = AtomicUsize::new(1);
            let parse_free = || loop {
                let i = taken.fetch_add(1, Ordering::Relaxed);
                let Some(piece) = pieces.get(i) else {
                    return;
                };
                let mut slot = spare[i].lock().unwrap_or_else(|e| e.into_inner());
                let (px, py, d) = &mut *slot;
                px.clear();
                py.clear();
                *d = block_rows(piece, delimiter, rule, k, scan, px, py);
            };
            // A piece whose thread panicked stays Declined.
            let (mine, read) = std::thread::scope(|s| {
                let handles: Vec<_> = (1..threads).map(|_| s.spawn(parse_free)).collect();
                let read = match eof {
                    true => Ok(0),
                    false => fill(&mut rdr, &mut next[tail..tail + FAST_CHUNK]),
                };
                let mine = block_rows(pieces[0], delimiter, rule, k, scan, x, y);
                parse_free();
                for h in handles {
                    let _ = h.join();
                }
                (mine, read)
            });
            let Ok(d) = mine else {
                return Ok(None);
            };
            dropped += d;
            for slot in &mut spare[1..pieces.len()] {
                let (px, py, d) = &*slot.get_mut().unwrap_or_else(|e| e.into_inner());
                let Ok(d) = d else {
                    return Ok(None);
                };
                x.extend_from_slice(px);
                y.extend_from_slice(py);
                dropped += d;
            }
            std::mem::swap(&mut buf, &mut next);
            read
        };
        done_bytes += end as u64;
        if first && !y.is_empty() {
            first = false;
            // Size the rows for the whole input, and choose the threads,
            // from the bytes per row seen so far.
            if let Some(rest) = rest {
                let rows = expected_rows(y.len(), done_bytes, rest);
                sink.inner.expect_rows(rows);
                threads = threads_for.for_design(rows, k);
            }
        }
        sink.flush()?;
        if eof {
            return Ok(Some(dropped));
        }
        carried = tail;
        let Ok(g) = read else {
            return Ok(None);
        };
        got = g;
    }
}

/// A piece's rows: the design rows, the targets, the rows dropped (or
/// Declined).
type Piece = (Vec<f64>, Vec<f64>, Result<usize, Declined>);

/// Pieces a thread of each round of [`fast_rows`] on several threads, so
/// that a thread that is free (this one after its read) takes the next.
const PIECES: usize = 4;

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

/// The rows of whole lines: each kept row's `k` design values to `x` and
/// its target to `y`; the rows dropped. Read by the kernel
/// ([`plain_rows`], through the structural index computed by `scan`) where
/// the rule allows it, else by the row loop through [`Lines`]; both give
/// the same rows.
fn block_rows(
    region: &[u8],
    delimiter: u8,
    rule: &RowRule,
    k: usize,
    scan: Scan,
    x: &mut Vec<f64>,
    y: &mut Vec<f64>,
) -> Result<usize, Declined> {
    let kernel = number_safe_delimiter(delimiter) && !b"\n\r\"".contains(&delimiter);
    match rule.plain_columns().filter(|_| kernel) {
        Some(columns) => plain_rows(region, delimiter, &columns, rule, k, scan, x, y),
        None => lines_rows(region, delimiter, rule, k, x, y),
    }
}

/// The rows of whole lines by the row loop through [`Lines`], line after
/// line, for a rule the kernel does not take.
fn lines_rows(
    region: &[u8],
    delimiter: u8,
    rule: &RowRule,
    k: usize,
    x: &mut Vec<f64>,
    y: &mut Vec<f64>,
) -> Result<usize, Declined> {
    let mut lines = Lines::new(region, delimiter);
    let mut row = rule.row();
    row.values[0] = 1.0;
    let mut dropped = 0;
    loop {
        match rule.next(&mut lines, &mut row)? {
            Next::Kept => {
                x.extend_from_slice(&row.values[..k]);
                y.push(row.values[k]);
            }
            Next::Dropped => dropped += 1,
            Next::End => return Ok(dropped),
        }
    }
}

/// The fast path's parsing alone, for the `csv/parse` benchmark: every
/// column of `text` (rows after the header) a feature but column `target`;
/// the design (intercept first) and the target, or None where the fast path
/// declines. One thread, no reading, no checks of the result.
#[doc(hidden)]
pub fn parse_rows_for_bench(
    text: &[u8],
    delimiter: u8,
    columns: usize,
    target: usize,
) -> Option<(Vec<f64>, Vec<f64>)> {
    let (roles, k) = bench_roles(columns, target);
    let takes = roles.iter().map(|r| r.take(k)).collect();
    let rule = RowRule::new(takes, vec![String::new(); columns], MissingPolicy::Error);
    let (mut x, mut y) = (Vec::new(), Vec::new());
    block_rows(text, delimiter, &rule, k, Scan::best(), &mut x, &mut y).ok()?;
    Some((x, y))
}

/// Every column a feature but column `target`, and the design's width.
fn bench_roles(columns: usize, target: usize) -> (Vec<Role>, usize) {
    let mut next = 0;
    let roles = (0..columns)
        .map(|c| {
            if c == target {
                Role::Target
            } else {
                next += 1;
                Role::Feature(next)
            }
        })
        .collect();
    (roles, next + 1)
}

#[cfg(test)]
mod tests {
    use std::io::{self, Read};

    use super::*;
    use crate::data::csv::sink::InMemorySink;

    /// [`fast_rows`] into an in-memory sink: the rows, or None when it
    /// gives up.
    pub(super) fn fast<R: Read>(
        rdr: R,
        delimiter: u8,
        roles: &[Role],
        k: usize,
        rest: Option<u64>,
    ) -> Option<(Vec<f64>, Vec<f64>)> {
        fast_scanned(rdr, delimiter, roles, k, rest, Scan::best())
    }

    /// [`fast`] with the structural index computed by `scan`.
    pub(super) fn fast_scanned<R: Read>(
        rdr: R,
        delimiter: u8,
        roles: &[Role],
        k: usize,
        rest: Option<u64>,
        scan: Scan,
    ) -> Option<(Vec<f64>, Vec<f64>)> {
        let rule = rule(roles, k);
        let mut whole = InMemorySink::default();
        let done = fast_rows(
            rdr,
            delimiter,
            &rule,
            k,
            rest,
            Threads::Auto,
            scan,
            &mut CountingSink::new(&mut whole),
        );
        done.unwrap().map(|_| (whole.x, whole.y))
    }

    /// The row rule of `roles` (missing values refused).
    pub(super) fn rule(roles: &[Role], k: usize) -> RowRule {
        let takes = roles.iter().map(|r| r.take(k)).collect();
        RowRule::new(
            takes,
            vec![String::new(); roles.len()],
            MissingPolicy::Error,
        )
    }

    #[test]
    fn fast_path_takes_plain_rows_and_declines_the_rest() {
        let roles = [Role::Feature(1), Role::Target, Role::Skip];
        let rows = |text: &str| fast(text.as_bytes(), b',', &roles, 2, None);
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
    fn fast_path_reads_an_empty_last_field_without_a_final_newline() {
        let roles = [Role::Feature(1), Role::Target, Role::Skip];
        let (x, y) = fast(&b"1.5,1,\n2,0,"[..], b',', &roles, 2, None).unwrap();
        assert_eq!((x, y), (vec![1.0, 1.5, 1.0, 2.0], vec![1.0, 0.0]));
        let two = [Role::Feature(1), Role::Target];
        assert_eq!(fast(&b"1.5,1\n2,0,"[..], b',', &two, 2, None), None);
    }

    #[test]
    fn fast_path_keeps_a_whitespace_delimiter_out_of_the_spaces_around_numbers() {
        let roles = [Role::Feature(1), Role::Target];
        let (x, y) = fast(&b" 1.5 \t 1\r\n-2\t0"[..], b'\t', &roles, 2, None).unwrap();
        assert_eq!((x, y), (vec![1.0, 1.5, 1.0, -2.0], vec![1.0, 0.0]));
        let (x, y) = fast(&b"3  1\n"[..], b' ', &roles, 2, None).map_or((vec![], vec![]), |r| r);
        assert!(y.is_empty() && x.is_empty(), "two spaces are three fields");
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
        // One 64 MiB line: the fast path must hand it on after one chunk,
        // not keep reading (and rescanning what it holds) to the line's end.
        let taken = std::rc::Rc::new(std::cell::Cell::new(0));
        let line = io::repeat(b'7').take(8 * FAST_CHUNK as u64);
        let roles = [Role::Feature(1), Role::Target];
        let got = fast(Counted(line, taken.clone()), b',', &roles, 2, None);
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
            let rule = rule(&roles, 2);
            for p in pieces {
                block_rows(p, b',', &rule, 2, Scan::best(), &mut x, &mut y).unwrap();
            }
            assert_eq!(y.len(), 1000);
            assert_eq!(x[2 * 999 + 1], 999.0);
        }
    }
}

#[cfg(test)]
mod against_full_reader {
    use std::path::Path;

    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;
    use crate::data::{read_csv, CsvOptions};

    /// A used cell: mostly numbers of many shapes (digit counts on both
    /// sides of the point, exponents, signs, 16 and 17 significant digits
    /// as `simulate` writes them), sometimes with spaces around them or a
    /// value the fast path must leave to the full reader.
    fn feature_cell(rng: &mut ChaCha8Rng) -> String {
        let digits = |rng: &mut ChaCha8Rng, n: usize| -> String {
            (0..n)
                .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
                .collect()
        };
        let mut s = match rng.random_range(0..1000) {
            0..=399 => format!("{}", rng.random_range(-3.0..3.0f64)),
            400..=799 => {
                let int = rng.random_range(0..9);
                let frac = rng.random_range(0..22);
                let mut s: String = ["", "-", "+"][rng.random_range(0..3)].into();
                s += &digits(rng, int);
                if frac > 0 || int == 0 || rng.random_bool(0.2) {
                    s.push('.');
                    s += &digits(rng, frac);
                }
                if rng.random_bool(0.3) {
                    let e: i32 = rng.random_range(-330..330);
                    s += &format!("{}{e}", ["e", "E"][rng.random_range(0..2)]);
                }
                s
            }
            800..=849 => format!("{:e}", f64::from_bits(rng.random::<u64>())),
            850..=899 => {
                // The exact reader's edges: leading zeros, a point at either
                // end, a signed zero, mantissas of 16 to 21 digits (2^53 and
                // 19 significant digits), exponents at the edge of the exact
                // powers of ten (22) and of four digits.
                let lead = "0".repeat(rng.random_range(0..4));
                let sign = ["", "-", "+"][rng.random_range(0..3)];
                let (a, b) = (rng.random_range(0..4), rng.random_range(12..18));
                let mut s = match rng.random_range(0..6) {
                    0 => format!("{sign}{lead}.{}", digits(rng, b)),
                    1 => format!("{sign}{}.", digits(rng, b)),
                    2 => format!("{sign}0"),
                    3 => format!("{sign}{lead}0.{}{}", "0".repeat(a), digits(rng, b)),
                    _ => format!("{sign}{lead}{}.{}", digits(rng, a + 1), digits(rng, b)),
                };
                if rng.random_bool(0.3) {
                    let e = [-23, -22, -21, 21, 22, 23, 0, -1, 9999, -9999, 10000]
                        [rng.random_range(0..11)];
                    s += &format!("{}{e}", ["e", "E", "e+"][rng.random_range(0..3)]);
                }
                s
            }
            900..=994 => {
                let n = rng.random_range(1..25);
                digits(rng, n)
            }
            _ => [
                "NA", "", "nan", "inf", "-inf", "1e400", "x1", "1.5.5", "\u{e9}", "1_0", "--1",
            ][rng.random_range(0..11)]
            .into(),
        };
        if rng.random_bool(0.05) {
            s = format!(" {s}\t");
        }
        s
    }

    fn target_cell(rng: &mut ChaCha8Rng) -> String {
        let cells = [
            "0", "1", "0", "1", "1.0", " 1 ", "-0", "1e0", "0.0", "2", "NA",
        ];
        let pick = rng.random_range(0..1000);
        cells[if pick < 990 {
            pick % 4
        } else {
            rng.random_range(4..cells.len())
        }]
        .into()
    }

    /// A file of columns a, s (not used: any text), b and y, with blank
    /// lines, CRLF, quotes, ragged rows and a missing final LF now and then.
    fn random_file(rng: &mut ChaCha8Rng) -> String {
        let mut text = String::from("a,s,b,y\n");
        for _ in 0..rng.random_range(6..40) {
            let skipped = ["t", "", "\u{e9}t\u{e9}", " ", "1"][rng.random_range(0..5)];
            let mut fields = vec![
                feature_cell(rng),
                skipped.into(),
                feature_cell(rng),
                target_cell(rng),
            ];
            if rng.random_bool(0.01) {
                fields.push("9".into()); // ragged
            }
            if rng.random_bool(0.01) {
                fields.pop();
            }
            if rng.random_bool(0.01) {
                let i = rng.random_range(0..fields.len());
                fields[i] = format!("\"{}\"", fields[i]); // quoted: the full reader's
            }
            text += &fields.join(",");
            text += ["\n", "\n", "\n", "\r\n"][rng.random_range(0..4)];
            if rng.random_bool(0.05) {
                text += ["\n", "  \n", "\r\n", "\t\n"][rng.random_range(0..4)];
            }
        }
        if rng.random_bool(0.2) {
            text.pop();
        }
        text
    }

    /// Reads `path` as a regular file (the fast path first) and again as a
    /// FIFO of the same name (the full reader only: a pipe cannot be
    /// reopened).
    fn both_ways(
        path: &Path,
        text: &str,
        opts: &CsvOptions,
    ) -> [Result<(crate::data::Dataset, usize), crate::data::DataError>; 2] {
        std::fs::write(path, text).unwrap();
        let fast = read_csv(path, opts);
        std::fs::remove_file(path).unwrap();
        let name = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
        let full = std::thread::scope(|s| {
            s.spawn(|| std::fs::write(path, text).unwrap());
            read_csv(path, opts)
        });
        std::fs::remove_file(path).unwrap();
        [fast, full]
    }

    /// Rows as bits, so that -0.0 and 0.0 differ.
    fn as_bits(rows: &Option<(Vec<f64>, Vec<f64>)>) -> Option<(Vec<u64>, Vec<u64>)> {
        let bits = |v: &[f64]| v.iter().map(|v| v.to_bits()).collect();
        rows.as_ref().map(|(x, y)| (bits(x), bits(y)))
    }

    /// A way to read a body's rows into `x` and `y`.
    type Reader<'a> = dyn Fn(&mut Vec<f64>, &mut Vec<f64>) -> Result<usize, Declined> + 'a;

    /// The kernel, with either scan, against the row loop through
    /// [`Lines`] on many longer bodies (lines across 64-byte blocks, CRLF,
    /// blank and ragged lines, missing values dropped or refused, no final
    /// LF): the same rows, bit for bit, the same drops, or both decline.
    #[test]
    fn kernel_matches_the_row_loop_on_random_bodies() {
        let roles = [Role::Feature(1), Role::Skip, Role::Feature(2), Role::Target];
        let mut rng = ChaCha8Rng::seed_from_u64(2727);
        let (mut taken, mut declined) = (0, 0);
        for i in 0..3000 {
            let text = random_file(&mut rng);
            let body = &text.as_bytes()[text.find('\n').unwrap() + 1..];
            let missing = [MissingPolicy::Error, MissingPolicy::Drop][i % 2];
            let takes = roles.iter().map(|r| r.take(3)).collect();
            let rule = RowRule::new(takes, vec![String::new(); 4], missing);
            let run = |f: &Reader| {
                let (mut x, mut y) = (vec![], vec![]);
                let d = f(&mut x, &mut y).ok();
                d.map(|d| (d, as_bits(&Some((x, y)))))
            };
            let want = run(&|x, y| lines_rows(body, b',', &rule, 3, x, y));
            for scan in [Scan::Portable, Scan::best()] {
                let got = run(&|x, y| block_rows(body, b',', &rule, 3, scan, x, y));
                assert_eq!(got, want, "{scan:?} {missing:?} {text:?}");
            }
            match want {
                Some(_) => taken += 1,
                None => declined += 1,
            }
        }
        assert!(
            taken > 300 && declined > 300,
            "taken {taken}, declined {declined}"
        );
    }

    #[test]
    fn fast_path_matches_the_full_reader_on_random_files() {
        let dir = std::env::temp_dir().join(format!("logreg-fast-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("r.csv");
        let opts = CsvOptions {
            features: Some(vec!["a".into(), "b".into()]),
            ..CsvOptions::default()
        };
        let drop = CsvOptions {
            missing: crate::data::MissingPolicy::Drop,
            ..opts.clone()
        };
        let roles = [Role::Feature(1), Role::Skip, Role::Feature(2), Role::Target];
        let mut rng = ChaCha8Rng::seed_from_u64(1616);
        let (mut taken, mut declined) = (0, 0);
        for _ in 0..1500 {
            let text = random_file(&mut rng);
            let [fast, full] = both_ways(&path, &text, &drop);
            assert_eq!(fast, full, "dropping: {text:?}");
            let [fast, full] = both_ways(&path, &text, &opts);
            assert_eq!(fast, full, "{text:?}");
            // The fast path alone: what it takes is the full reader's data,
            // bit for bit; what the full reader refuses, it declines.
            // Both scans give the same rows.
            let body = &text.as_bytes()[text.find('\n').unwrap() + 1..];
            let portable = super::tests::fast_scanned(body, b',', &roles, 3, None, Scan::Portable);
            let best = super::tests::fast(body, b',', &roles, 3, None);
            assert_eq!(as_bits(&portable), as_bits(&best), "{text:?}");
            match (portable, &full) {
                (Some((x, y)), Ok((data, _))) => {
                    let bits = |v: &[f64]| v.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
                    assert_eq!(bits(&x), bits(data.x()), "{text:?}");
                    assert_eq!(bits(&y), bits(data.y()), "{text:?}");
                    taken += 1;
                }
                // Rows it takes can still fail the data set's checks (one
                // class only), as read_csv's equality above checks.
                (Some(_), Err(_)) => {}
                (None, _) => declined += 1,
            }
        }
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(
            taken > 300 && declined > 300,
            "taken {taken}, declined {declined}"
        );
    }
}
