//! Line-position tracking: the bytes the CSV reader has taken, and a record's physical line.
use std::io::{self, Read};

/// Longest input read before the header row ends: a file with no line end
/// in its first 16 MiB (a binary file, `/dev/zero`) is not a CSV file.
const MAX_HEADER: u64 = 16 << 20;

/// The input, counting what the CSV reader has taken from it.
pub(super) struct Tracked<R> {
    inner: R,
    /// Bytes read so far.
    total: u64,
    /// The last three bytes read, oldest first.
    tail: [u8; 3],
    /// Whether the end has been reached.
    eof: bool,
    /// Fail once this many bytes have been read ([`MAX_HEADER`] until the
    /// header row has been read).
    pub(super) limit: Option<u64>,
}

impl<R> Tracked<R> {
    pub(super) fn new(inner: R) -> Self {
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
