//! [`ColumnReader`]: named numeric columns of a CSV file, found by name in
//! any order, with no target, read block by block (the new data `logreg
//! predict` reads); [`read_columns`] reads them all at once.
use std::io::Read;
use std::path::Path;

use crate::data::DataError;

use super::buffer::COLUMN_BUFFER;
use super::options::{default_delimiter, MissingPolicy};
use super::reader::{open_stream, source_name};
use super::records::Records;
use super::rows::{Next, Row, RowRule, Take};

/// Read the columns `names` of `path`: the number of rows, and the values
/// row-major in the order of `names` (a missing value is an error). See
/// [`ColumnReader`].
pub fn read_columns(
    path: &Path,
    names: &[String],
    delimiter: Option<u8>,
) -> Result<(usize, Vec<f64>), DataError> {
    let mut r = ColumnReader::open(path, names, delimiter, MissingPolicy::Error)?;
    let (mut values, mut lines) = (Vec::new(), Vec::new());
    let mut n = 0;
    loop {
        let got = r.next_block(usize::MAX, &mut values, &mut lines)?;
        if got == 0 {
            return Ok((n, values));
        }
        n += got;
    }
}

/// The columns `names` of a CSV file, read a block of rows at a time. Other
/// columns are not parsed. The file's format and the cell rule are
/// [`read_csv`](super::read_csv)'s; a name not in the header is an error
/// naming it, and so is a file with no rows. `missing` says whether a
/// missing value in one of the columns is an error or drops its row.
pub struct ColumnReader<R: Read> {
    records: Records<R>,
    header_line: u64,
    /// The header position of each of `names`.
    wanted: Vec<usize>,
    /// How each column is read: the wanted ones as numbers, each at its
    /// header position; a row's refusals reported in the order of `names`.
    rule: RowRule,
    row: Row,
    file: String,
    /// Rows kept so far.
    rows: usize,
    /// Rows dropped so far for a missing value.
    dropped: usize,
}

impl ColumnReader<Box<dyn Read>> {
    /// Open `path` (`-`: stdin) and read its header. `delimiter` as
    /// [`CsvOptions::delimiter`](super::CsvOptions).
    pub fn open(
        path: &Path,
        names: &[String],
        delimiter: Option<u8>,
        missing: MissingPolicy,
    ) -> Result<Self, DataError> {
        let file = source_name(path);
        let delimiter = delimiter.unwrap_or_else(|| default_delimiter(path));
        let rdr = open_stream(path, &file)?;
        ColumnReader::new(rdr, &file, delimiter, names, missing)
    }
}

impl<R: Read> ColumnReader<R> {
    /// Read the header of `rdr`, named `file` in messages.
    pub fn new(
        rdr: R,
        file: &str,
        delimiter: u8,
        names: &[String],
        missing: MissingPolicy,
    ) -> Result<Self, DataError> {
        let mut records = Records::new(rdr, file, delimiter, COLUMN_BUFFER)?;
        let (header, header_line) = records.header()?;
        let wanted = names
            .iter()
            .map(|name| {
                header
                    .iter()
                    .position(|h| h == name.trim())
                    .ok_or_else(|| DataError::NoColumn {
                        file: file.into(),
                        line: header_line,
                        name: name.trim().into(),
                        available: header.clone(),
                    })
            })
            .collect::<Result<Vec<usize>, _>>()?;
        let mut takes = vec![Take::Skip; header.len()];
        let mut rank = vec![usize::MAX; header.len()];
        for (i, &c) in wanted.iter().enumerate().rev() {
            takes[c] = Take::Number {
                slot: c,
                target: false,
                feature: false,
                weight: None,
            };
            rank[c] = i;
        }
        let rule = RowRule::new(takes, header, missing).ranked(rank);
        Ok(ColumnReader {
            records,
            header_line,
            wanted,
            row: rule.row(),
            rule,
            file: file.into(),
            rows: 0,
            dropped: 0,
        })
    }

    /// Read up to `max` more kept rows (at least 1), appending their values
    /// to `values` (row-major, in the order of the names) and their physical
    /// line numbers to `lines`; how many were read, 0 at the end. A file
    /// with no rows kept is an error at its end.
    pub fn next_block(
        &mut self,
        max: usize,
        values: &mut Vec<f64>,
        lines: &mut Vec<u64>,
    ) -> Result<usize, DataError> {
        let mut got = 0;
        while got < max.max(1) {
            match self.rule.next(&mut self.records, &mut self.row)? {
                Next::End => break,
                Next::Dropped => self.dropped += 1,
                Next::Kept => {
                    values.extend(self.wanted.iter().map(|&c| self.row.values[c]));
                    lines.push(self.records.line());
                    got += 1;
                }
            }
        }
        self.rows += got;
        if got == 0 && self.rows == 0 && self.dropped > 0 {
            return Err(DataError::AllDropped {
                file: self.file.clone(),
                dropped: self.dropped,
            });
        }
        if got == 0 && self.rows == 0 {
            return Err(DataError::NoRows {
                file: self.file.clone(),
                line: self.header_line,
            });
        }
        Ok(got)
    }

    /// Rows dropped so far for a missing value.
    pub fn dropped(&self) -> usize {
        self.dropped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, names: &[&str]) -> Result<(usize, Vec<f64>), DataError> {
        read_with(text, names, MissingPolicy::Error).map(|(n, v, _, _)| (n, v))
    }

    /// Rows, values, lines and rows dropped, read in blocks of 2.
    fn read_with(
        text: &str,
        names: &[&str],
        missing: MissingPolicy,
    ) -> Result<(usize, Vec<f64>, Vec<u64>, usize), DataError> {
        let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        let mut r = ColumnReader::new(text.as_bytes(), "t.csv", b',', &names, missing)?;
        let (mut values, mut lines, mut n) = (Vec::new(), Vec::new(), 0);
        loop {
            match r.next_block(2, &mut values, &mut lines)? {
                0 => return Ok((n, values, lines, r.dropped())),
                got => n += got,
            }
        }
    }

    #[test]
    fn drops_rows_with_a_missing_value_when_asked_and_keeps_their_lines() {
        let text = "a,b,c\n1,2,x\nNA,3,y\n\n4,,z\n5,6,\n7,8,w\n";
        let got = read_with(text, &["b", "a"], MissingPolicy::Drop).unwrap();
        assert_eq!(
            got,
            (3, vec![2.0, 1.0, 6.0, 5.0, 8.0, 7.0], vec![2, 6, 7], 2)
        );
        // A dropped row is still checked for bad cells; all rows dropped is
        // said as such, with their count.
        let e = read_with("a,b\nNA,x\n", &["a", "b"], MissingPolicy::Drop).unwrap_err();
        assert!(matches!(e, DataError::NotANumber { line: 2, .. }), "{e:?}");
        let e = read_with("a\nNA\n", &["a"], MissingPolicy::Drop).unwrap_err();
        assert!(
            matches!(e, DataError::AllDropped { dropped: 1, .. }),
            "{e:?}"
        );
    }

    #[test]
    fn reads_no_columns_as_rows_of_nothing() {
        assert_eq!(read("a\n1\n2\n", &[]).unwrap(), (2, vec![]));
    }

    #[test]
    fn reads_named_columns_in_the_asked_order_and_skips_others() {
        let got = read("a,id,b\n1,x,2\n\n3,y,4\n", &["b", "a"]).unwrap();
        assert_eq!(got, (2, vec![2.0, 1.0, 4.0, 3.0]));
    }

    #[test]
    fn rejects_missing_column_naming_it() {
        let e = read("a,b\n1,2\n", &["a", "c"]).unwrap_err();
        assert!(
            matches!(&e, DataError::NoColumn { name, line: 1, .. } if name == "c"),
            "{e:?}"
        );
        assert!(
            e.to_string().starts_with("t.csv: line 1: no column \"c\""),
            "{e}"
        );
    }

    #[test]
    fn rejects_bad_cell_naming_line_and_column() {
        let e = read("a,b\n1,2\n3,NA\n", &["b"]).unwrap_err();
        assert_eq!(
            e,
            DataError::Missing {
                file: "t.csv".into(),
                line: 3,
                column: "b".into(),
                value: "NA".into()
            }
        );
        let e = read("a,b\n1,x\n", &["b"]).unwrap_err();
        assert!(matches!(e, DataError::NotANumber { line: 2, .. }), "{e:?}");
    }

    #[test]
    fn rejects_ragged_row_and_header_only_file() {
        let e = read("a,b\n1\n", &["a"]).unwrap_err();
        assert!(
            matches!(e, DataError::TooFewFields { line: 2, .. }),
            "{e:?}"
        );
        let e = read("a,b\n", &["a"]).unwrap_err();
        assert!(matches!(e, DataError::NoRows { line: 1, .. }), "{e:?}");
    }
}
