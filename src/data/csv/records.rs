//! [`Records`]: the strict field splitter, a CSV input split into records and fields (quotes, CRLF, BOM, blank lines, the row limit) with each record's physical line.
use std::io::{Chain, Cursor, Read};

use crate::data::DataError;

use super::buffer::fill;
use super::cell::{cell, cell_bytes};
use super::header::parse_header;
use super::position::{line_of, Tracked};
use super::rows::{is_blank_line, Field, Fields, Want};

/// The records of one CSV input, in file order, as the csv crate splits
/// them: a record ends at LF only (the CR of a CRLF line stays in its last
/// field, where the cell rule's trimming removes it), fields are quoted as
/// RFC 4180 says, a UTF-8 byte-order mark at the start is dropped, and a
/// line of only spaces is skipped. The row loop
/// ([`RowRule`](super::rows::RowRule)) reads every input through it but
/// the plain numeric files that the quote-free splitter
/// ([`Lines`](super::lines::Lines)) takes, so every reader splits, skips,
/// caps and numbers lines alike, and names the same file, line, column and
/// value in its errors.
pub(super) struct Records<R> {
    csv: ::csv::Reader<Tracked<Chain<Cursor<Vec<u8>>, R>>>,
    rec: ::csv::ByteRecord,
    /// Whether the record is all UTF-8 (one check per record is much
    /// cheaper than one per cell; a record with other bytes is read cell by
    /// cell).
    utf8: bool,
    /// The input as messages name it.
    file: String,
}

impl<R: Read> Records<R> {
    /// The records of `rdr`, named `file` in messages, fields split at
    /// `delimiter`, read through a buffer of `capacity` bytes. A delimiter
    /// that is a quote or a line end, and a UTF-16 byte-order mark, are
    /// refused.
    pub(super) fn new(
        mut rdr: R,
        file: &str,
        delimiter: u8,
        capacity: usize,
    ) -> Result<Self, DataError> {
        if matches!(delimiter, b'"' | b'\n' | b'\r') {
            return Err(DataError::BadDelimiter {
                file: file.into(),
                delimiter,
            });
        }
        // Look at the first bytes: UTF-16 is refused here; a UTF-8 BOM must
        // reach the csv crate whole, in its first read, for it to be
        // stripped.
        let mut head = [0u8; 4];
        let got = fill(&mut rdr, &mut head).map_err(|e| DataError::Io {
            file: file.into(),
            reason: e.to_string(),
        })?;
        if got >= 2 && matches!(head[..2], [0xFF, 0xFE] | [0xFE, 0xFF]) {
            return Err(DataError::Utf16 { file: file.into() });
        }
        let input = Tracked::new(Cursor::new(head[..got].to_vec()).chain(rdr));
        // The csv crate's own line numbers count from where a read starts,
        // before skipped blank lines and a CRLF's LF: see `line_of`.
        let csv = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .terminator(::csv::Terminator::Any(b'\n'))
            .buffer_capacity(capacity)
            .from_reader(input);
        Ok(Records {
            csv,
            rec: ::csv::ByteRecord::new(),
            utf8: false,
            file: file.into(),
        })
    }

    /// The header row, the first record that is not blank: its column names
    /// ([`parse_header`]) and its line. An input with no such record is
    /// empty. The records after it may each run for
    /// [`MAX_ROW`](super::position::MAX_ROW) bytes.
    pub(super) fn header(&mut self) -> Result<(Vec<String>, u64), DataError> {
        if !self.next()? {
            return Err(DataError::Empty {
                file: self.file.clone(),
            });
        }
        self.csv.get_mut().end_header();
        let line = self.line();
        Ok((parse_header(&self.rec, &self.file, line)?, line))
    }

    /// Move to the next record that is not blank; false at the end.
    fn next(&mut self) -> Result<bool, DataError> {
        loop {
            let at = self.csv.position().byte();
            self.csv.get_mut().cap_row(at);
            match self.csv.read_byte_record(&mut self.rec) {
                Ok(true) if is_blank(&self.rec) => continue,
                Ok(more) => return Ok(more),
                Err(e) => {
                    return Err(DataError::Io {
                        file: self.file.clone(),
                        reason: e.to_string(),
                    })
                }
            }
        }
    }

    /// The physical line (1-based) on which the record starts. It scans the
    /// record: readers ask for it when they need it.
    pub(super) fn line(&self) -> u64 {
        line_of(&self.csv, &self.rec)
    }

    /// Bytes of the input taken up to the end of the record.
    pub(super) fn byte(&self) -> u64 {
        self.csv.position().byte()
    }
}

impl<R: Read> Fields for Records<R> {
    type Error = DataError;

    fn next_record(&mut self) -> Result<bool, DataError> {
        let more = self.next()?;
        self.utf8 = std::str::from_utf8(self.rec.as_slice()).is_ok();
        Ok(more)
    }

    fn width(&self) -> Option<usize> {
        Some(self.rec.len())
    }

    #[inline]
    fn field(&mut self, c: usize, want: Want) -> Result<Option<Field<'_>>, DataError> {
        let rec = &self.rec;
        let Some(raw) = rec.get(c) else {
            return Ok(None);
        };
        let value = match want {
            Want::Raw => Err(super::cell::Bad::NotANumber),
            Want::Number { target } => {
                // SAFETY: checked to be UTF-8 by `next_record`; `get`
                // checks that the field's range lies on char boundaries.
                let text = self
                    .utf8
                    .then(|| unsafe { std::str::from_utf8_unchecked(rec.as_slice()) });
                match text.and_then(|t| t.get(rec.range(c)?)) {
                    Some(s) => cell(s, target),
                    None => cell_bytes(raw, target),
                }
            }
        };
        Ok(Some(Field { raw, value }))
    }

    fn ended(&self) -> bool {
        true
    }

    /// The error saying which value is missing or extra.
    fn ragged(&self, header: &[String]) -> DataError {
        let rec = &self.rec;
        let (found, expected) = (rec.len(), header.len());
        let (file, line) = (self.file.clone(), self.line());
        let multiline = rec.as_slice().contains(&b'\n');
        if found < expected {
            DataError::TooFewFields {
                file,
                line,
                expected,
                found,
                column: header[found].clone(),
                multiline,
            }
        } else {
            DataError::TooManyFields {
                file,
                line,
                expected,
                found,
                value: String::from_utf8_lossy(rec.get(expected).unwrap_or_default().trim_ascii())
                    .into_owned(),
                multiline,
            }
        }
    }

    fn refuse(&self, make: impl FnOnce(String, u64) -> DataError) -> DataError {
        make(self.file.clone(), self.line())
    }
}

/// A record of one field that [`is_blank_line`]: skipped.
fn is_blank(rec: &::csv::ByteRecord) -> bool {
    rec.len() == 1 && is_blank_line(&rec[0])
}
