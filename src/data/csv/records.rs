//! [`Records`]: the strict record loop, a CSV input split into records and fields (quotes, CRLF, BOM, blank lines, the row limit) with each record's physical line.
use std::io::{Chain, Cursor, Read};

use crate::data::DataError;

use super::buffer::fill;
use super::header::parse_header;
use super::position::{line_of, Tracked};

/// The records of one CSV input, in file order, as the csv crate splits
/// them: a record ends at LF only (the CR of a CRLF line stays in its last
/// field, where the cell rule's trimming removes it), fields are quoted as
/// RFC 4180 says, a UTF-8 byte-order mark at the start is dropped, and a
/// line of only spaces is skipped. Every row reader that needs the strict
/// rules reads through it ([`read_csv`](super::read_csv) when its fast path
/// declines, [`ColumnReader`](super::ColumnReader)), so both split, skip,
/// cap and number lines alike, and name the same file, line, column and
/// value in their errors.
pub(super) struct Records<R> {
    csv: ::csv::Reader<Tracked<Chain<Cursor<Vec<u8>>, R>>>,
    rec: ::csv::ByteRecord,
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
    pub(super) fn next(&mut self) -> Result<bool, DataError> {
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

    /// The record [`next`](Self::next) moved to.
    pub(super) fn record(&self) -> &::csv::ByteRecord {
        &self.rec
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

    /// The record has as many fields as `header`, or the error saying which
    /// value is missing or extra.
    pub(super) fn check_width(&self, header: &[String]) -> Result<(), DataError> {
        let rec = &self.rec;
        let (found, expected) = (rec.len(), header.len());
        if found == expected {
            return Ok(());
        }
        let (file, line) = (self.file.clone(), self.line());
        let multiline = rec.as_slice().contains(&b'\n');
        Err(if found < expected {
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
        })
    }
}

/// A record of one field that [`is_blank_line`]: skipped.
fn is_blank(rec: &::csv::ByteRecord) -> bool {
    rec.len() == 1 && is_blank_line(&rec[0])
}

/// Whether a line whose one field is `field` is blank: nothing but spaces
/// (or the CR of a blank CRLF line). Blank lines are skipped, here and by
/// the fast path.
#[inline]
pub(super) fn is_blank_line(field: &[u8]) -> bool {
    field.trim_ascii().is_empty()
}
