//! [`read_columns`]: named numeric columns of a CSV file, found by name in
//! any order, with no target (the new data `logreg predict` reads).
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use crate::data::DataError;

use super::buffer::fill;
use super::cell::cell_bytes;
use super::header::parse_header;
use super::options::default_delimiter;
use super::position::{line_of, Tracked};
use super::reader::{is_blank, ragged, source_name};

/// Read the columns `names` of `path`: the number of rows, and the values
/// row-major in the order of `names`. Other columns are not parsed. The
/// file's format and the cell rule are [`read_csv`](super::read_csv)'s
/// (a missing value is an error); a name not in the header is an error
/// naming it. `delimiter` as [`CsvOptions::delimiter`](super::CsvOptions).
pub fn read_columns(
    path: &Path,
    names: &[String],
    delimiter: Option<u8>,
) -> Result<(usize, Vec<f64>), DataError> {
    let file = source_name(path);
    let delimiter = delimiter.unwrap_or_else(|| default_delimiter(path));
    if path.as_os_str() == "-" {
        return columns_from(io::stdin().lock(), &file, delimiter, names);
    }
    let f = File::open(path).map_err(|e| DataError::Io {
        file: file.clone(),
        reason: e.to_string(),
    })?;
    columns_from(f, &file, delimiter, names)
}

/// [`read_columns`] on any reader, named `file` in messages.
fn columns_from<R: Read>(
    mut rdr: R,
    file: &str,
    delimiter: u8,
    names: &[String],
) -> Result<(usize, Vec<f64>), DataError> {
    let fail = |reason: String| DataError::Io {
        file: file.into(),
        reason,
    };
    if matches!(delimiter, b'"' | b'\n' | b'\r') {
        let file = file.into();
        return Err(DataError::BadDelimiter { file, delimiter });
    }
    let mut head = [0u8; 4];
    let got = fill(&mut rdr, &mut head).map_err(|e| fail(e.to_string()))?;
    if got >= 2 && matches!(head[..2], [0xFF, 0xFE] | [0xFE, 0xFF]) {
        return Err(DataError::Utf16 { file: file.into() });
    }
    let mut csv = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_reader(Tracked::new(
            io::Cursor::new(head[..got].to_vec()).chain(rdr),
        ));
    let mut rec = ::csv::ByteRecord::new();
    let next = |csv: &mut ::csv::Reader<Tracked<_>>, rec: &mut ::csv::ByteRecord| loop {
        let at = csv.position().byte();
        csv.get_mut().cap_row(at);
        match csv.read_byte_record(rec) {
            Ok(true) if is_blank(rec) => continue,
            Ok(more) => return Ok(more),
            Err(e) => return Err(fail(e.to_string())),
        }
    };
    if !next(&mut csv, &mut rec)? {
        return Err(DataError::Empty { file: file.into() });
    }
    csv.get_mut().end_header();
    let header_line = line_of(&csv, &rec);
    let header = parse_header(&rec, file, header_line)?;
    let wanted: Vec<usize> = names
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
        .collect::<Result<_, _>>()?;
    let mut values = Vec::new();
    let mut n = 0;
    while next(&mut csv, &mut rec)? {
        if rec.len() != header.len() {
            return Err(ragged(&rec, &header, file, line_of(&csv, &rec)));
        }
        for &c in &wanted {
            let raw = &rec[c];
            let v = cell_bytes(raw, false).map_err(|bad| {
                let value = String::from_utf8_lossy(raw.trim_ascii()).into_owned();
                bad.error(file.into(), line_of(&csv, &rec), header[c].clone(), value)
            })?;
            values.push(v);
        }
        n += 1;
    }
    if n == 0 {
        return Err(DataError::NoRows {
            file: file.into(),
            line: header_line,
        });
    }
    Ok((n, values))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, names: &[&str]) -> Result<(usize, Vec<f64>), DataError> {
        let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        columns_from(text.as_bytes(), "t.csv", b',', &names)
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
