//! Line-position tracking: the bytes the CSV reader has taken, and a record's physical line.
use std::io::{self, Read};

use super::buffer::BUFFER;

/// Longest input read before the header row ends: a file with no line end
/// in its first 16 MiB (a binary file, `/dev/zero`) is not a CSV file.
const MAX_HEADER: u64 = 16 << 20;
/// Longest data row (a record, quoted line ends included): four times the
/// longest header, so a row of numbers under the widest header fits, while a
/// row with no end (`cat /dev/zero`, a quote left open) cannot take all the
/// memory.
pub(super) const MAX_ROW: u64 = 64 << 20;

/// The input, counting what the CSV reader has taken from it.
pub(super) struct Tracked<R> {
    inner: R,
    /// Bytes read so far.
    total: u64,
    /// Line ends read so far.
    lines: u64,
    /// The last three bytes read, oldest first.
    tail: [u8; 3],
    /// Whether the end has been reached.
    eof: bool,
    limit: Limit,
}

/// When reading fails for want of a line end.
enum Limit {
    /// After [`MAX_HEADER`] bytes, until [`Tracked::end_header`].
    Header,
    /// Once this many bytes have been read (see [`Tracked::cap_row`]).
    Row(u64),
    None,
}

impl<R> Tracked<R> {
    pub(super) fn new(inner: R) -> Self {
        Tracked {
            inner,
            total: 0,
            lines: 0,
            tail: [0; 3],
            eof: false,
            limit: Limit::Header,
        }
    }

    /// The header row has been read: no limit until [`Tracked::cap_row`].
    pub(super) fn end_header(&mut self) {
        self.limit = Limit::None;
    }

    /// The next record starts at byte `at` (the CSV reader's position): it
    /// may run for [`MAX_ROW`] bytes, plus the reader's buffer read ahead.
    /// No-op while the header is being read.
    pub(super) fn cap_row(&mut self, at: u64) {
        if !matches!(self.limit, Limit::Header) {
            self.limit = Limit::Row(at + MAX_ROW + BUFFER as u64);
        }
    }
}

impl<R: Read> Read for Tracked<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let over = |why: String| Err(io::Error::new(io::ErrorKind::InvalidData, why));
        match self.limit {
            Limit::Header if self.total >= MAX_HEADER => {
                return over(format!(
                    "no end to the header row in the first {} MiB: is this a CSV file?",
                    MAX_HEADER >> 20
                ))
            }
            // The line the row has reached: where it starts when it has no
            // line end at all.
            Limit::Row(limit) if self.total >= limit => {
                return over(format!(
                    "line {}: a row longer than the limit of {} MiB (no line end, or a quote left open)",
                    self.lines + 1,
                    MAX_ROW >> 20
                ))
            }
            _ => {}
        }
        let m = self.inner.read(buf)?;
        if m == 0 {
            self.eof = true;
        }
        for &b in &buf[m.saturating_sub(3)..m] {
            self.tail = [self.tail[1], self.tail[2], b];
        }
        self.total += m as u64;
        self.lines += memchr::memchr_iter(b'\n', &buf[..m]).count() as u64;
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
pub(super) fn line_of<R: Read>(csv: &::csv::Reader<Tracked<R>>, rec: &::csv::ByteRecord) -> u64 {
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
