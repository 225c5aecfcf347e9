//! The sizing rule both row readers share: buffer sizes, filling a buffer, reserving the matrix.
use std::io::{self, Read};

use crate::runtime::memory::prefer_huge_pages;

/// Size of the CSV reader's buffer.
pub(super) const BUFFER: usize = 1 << 16;

/// Size of the column reader's buffer (the csv crate's default). The row
/// limit's message names the line that the reads have reached, which
/// depends on the size of each read, so this stays apart from [`BUFFER`].
pub(super) const COLUMN_BUFFER: usize = 8 << 10;

/// Bytes of input parsed per round of the fast path.
pub(super) const FAST_CHUNK: usize = 8 << 20;

/// Rows read before the final size is estimated from the file's length.
pub(super) const SAMPLE_ROWS: usize = 1024;

/// Read into `buf` until it is full or the input ends; the bytes read.
pub(super) fn fill<R: Read>(rdr: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match rdr.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(m) => got += m,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// After the first `rows` rows took `bytes` of the `total` bytes that follow
/// the header, the rows of the whole input at the same bytes per row (2%
/// spare).
pub(super) fn expected_rows(rows: usize, bytes: u64, total: u64) -> usize {
    let per_row = (bytes as f64 / rows.max(1) as f64).max(1.0);
    (total as f64 / per_row * 1.02) as usize + 16
}

/// Reserve room in `x` (`k` values a row) and `y` for `expected` rows in
/// all ([`expected_rows`]), so the matrix is not regrown (and copied) as it
/// fills. Reserved but unused memory is never touched, so it costs no
/// resident memory.
pub(super) fn reserve_rows(x: &mut Vec<f64>, y: &mut Vec<f64>, k: usize, expected: usize) {
    let more = expected.saturating_sub(y.len());
    x.reserve(more.saturating_mul(k));
    y.reserve(more);
    prefer_huge_pages(x);
    prefer_huge_pages(y);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserve_rows_sizes_for_the_whole_input_with_two_percent_spare() {
        let (mut x, mut y) = (vec![0.0; 30], vec![0.0; 10]);
        // 10 rows in 100 bytes of 10,000: 1,000 rows, 2% spare, 16 more.
        let rows = expected_rows(10, 100, 10_000);
        assert_eq!(rows, 1036);
        reserve_rows(&mut x, &mut y, 3, rows);
        assert!(y.capacity() >= 1036 && x.capacity() >= 3 * 1036);
    }

    #[test]
    fn fill_reads_until_full_or_the_end() {
        let mut buf = [0u8; 8];
        let mut src = io::Read::chain(&b"abc"[..], &b"defghij"[..]);
        assert_eq!(fill(&mut src, &mut buf).unwrap(), 8);
        assert_eq!(&buf, b"abcdefgh");
        assert_eq!(fill(&mut src, &mut buf).unwrap(), 2);
    }
}
