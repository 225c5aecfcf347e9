//! [`Lines`]: the quote-free field splitter, whole lines split at LF and the delimiter, a used cell's number read where it starts.
use super::cell::{cell, cell_prefix, number_safe_delimiter, Bad};
use super::rows::{is_blank_line, Field, Fields, Want};
use crate::data::DataError;

/// The input had something the quote-free splitter leaves to the strict
/// one ([`Records`](super::records::Records)), which reads it again and
/// reports the error, or takes the row, as it always does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Declined;

/// The records of whole lines of a plain file: a record is a line (LF
/// ends it; a CRLF line's CR stays in its last field, as in the strict
/// splitter), a field is what lies between delimiters, a blank line is
/// skipped. It declines a quote anywhere, a cell it cannot read as ASCII,
/// and any refused row: without quotes, what it takes is what the strict
/// splitter takes, field for field.
///
/// A field read as a number is read where it starts ([`cell_prefix`]),
/// which also finds its end; any other field ends at the next delimiter, LF
/// or quote ([`memchr::memchr3`]). Either way every byte is looked at once,
/// so a quote anywhere still declines.
pub(super) struct Lines<'a> {
    bytes: &'a [u8],
    /// Where the next field starts; past the end once the last field of a
    /// last line without LF has been read.
    at: usize,
    delimiter: u8,
    /// Whether [`cell_prefix`] may be used with the delimiter.
    numbers: bool,
    /// Whether the record's last field has been read.
    ended: bool,
}

impl<'a> Lines<'a> {
    /// The records of `bytes`, whole lines, fields split at `delimiter`.
    pub(super) fn new(bytes: &'a [u8], delimiter: u8) -> Self {
        Lines {
            bytes,
            at: 0,
            delimiter,
            numbers: number_safe_delimiter(delimiter),
            ended: true,
        }
    }

    /// The field that starts at `at` and its length, then the byte after it
    /// (LF at the end of the input).
    #[inline]
    fn plain_end(&self, rest: &[u8]) -> (usize, u8) {
        let len = memchr::memchr3(self.delimiter, b'\n', b'"', rest).unwrap_or(rest.len());
        (len, rest.get(len).copied().unwrap_or(b'\n'))
    }
}

impl<'a> Fields for Lines<'a> {
    type Error = Declined;

    #[inline]
    fn next_record(&mut self) -> Result<bool, Declined> {
        loop {
            let Some(rest) = self.bytes.get(self.at..).filter(|r| !r.is_empty()) else {
                return Ok(false);
            };
            // Only a line that starts with a space can be blank.
            if rest[0].is_ascii_whitespace() {
                let (len, end) = self.plain_end(rest);
                if end == b'\n' && is_blank_line(&rest[..len]) {
                    self.at += len + 1;
                    continue;
                }
            }
            self.ended = false;
            return Ok(true);
        }
    }

    fn width(&self) -> Option<usize> {
        None
    }

    #[inline]
    fn field(&mut self, _c: usize, want: Want) -> Result<Option<Field<'_>>, Declined> {
        if self.ended {
            return Ok(None);
        }
        // Past the end only for the empty last field of a last line that
        // has no LF ("1,2," then the end).
        let rest = self.bytes.get(self.at..).unwrap_or_default();
        let quick = match want {
            Want::Number { target } if self.numbers => cell_prefix(rest, self.delimiter, target),
            _ => None,
        };
        let (len, value) = match quick {
            Some((v, len)) => (len, Some(v)),
            None => (self.plain_end(rest).0, None),
        };
        let end = rest.get(len).copied().unwrap_or(b'\n');
        if end == b'"' {
            return Err(Declined);
        }
        self.at += len + 1;
        self.ended = end == b'\n';
        let raw = &rest[..len];
        let value = match (want, value) {
            (_, Some(v)) => Ok(v),
            (Want::Number { target }, None) => slow_cell(raw, target)?,
            (Want::Raw, None) => Err(Bad::NotANumber),
        };
        Ok(Some(Field { raw, value }))
    }

    fn ended(&self) -> bool {
        self.ended
    }

    fn ragged(&self, _header: &[String]) -> Declined {
        Declined
    }

    fn refuse(&self, _make: impl FnOnce(String, u64) -> DataError) -> Declined {
        Declined
    }
}

/// A used field that [`cell_prefix`] did not take: the full cell rule, on
/// ASCII only (other bytes decline).
#[cold]
fn slow_cell(field: &[u8], target: bool) -> Result<Result<f64, Bad>, Declined> {
    let text = std::str::from_utf8(field)
        .ok()
        .filter(|t| t.is_ascii())
        .ok_or(Declined)?;
    Ok(cell(text, target))
}
