//! [`read_table`]: named raw columns of a CSV file, through the row loop, each typed as pandas' `read_csv` types it.
use std::io::Read;
use std::path::Path;

use crate::data::table::Table;
use crate::data::DataError;

use super::buffer::BUFFER;
use super::dtype::infer;
use super::options::{default_delimiter, CsvOptions};
use super::reader::{open_stream, source_name};
use super::records::Records;
use super::rows::{Next, RowRule, Take};

/// Read the columns `names` of `path` (`-`: stdin) as a [`Table`]: every
/// row, each cell as written, missing cells kept, each
/// column typed as pandas' `read_csv` with its defaults types it
/// ([`Column`]). The file's format is [`read_csv`](super::read_csv)'s (the
/// delimiter is `opts.delimiter`'s); other columns are not read; a name
/// not in the header, a ragged row and a file with no rows are errors.
pub fn read_table(path: &Path, names: &[String], opts: &CsvOptions) -> Result<Table, DataError> {
    read_table_and_text(path, names, &[], opts).map(|(table, _)| table)
}

/// [`read_table`], and the cells of the columns `text` (each one of
/// `names`, by index) as the file writes them (unquoted), one list per
/// column in the order of `text`: what `predict --keep` copies.
pub fn read_table_and_text(
    path: &Path,
    names: &[String],
    text: &[usize],
    opts: &CsvOptions,
) -> Result<(Table, Vec<Vec<String>>), DataError> {
    let file = source_name(path);
    let delimiter = opts.delimiter.unwrap_or_else(|| default_delimiter(path));
    let rdr = open_stream(path, &file)?;
    table_from(rdr, &file, delimiter, names, text)
}

/// [`read_table_and_text`] from `rdr`, named `file` in messages.
fn table_from<R: Read>(
    rdr: R,
    file: &str,
    delimiter: u8,
    names: &[String],
    text: &[usize],
) -> Result<(Table, Vec<Vec<String>>), DataError> {
    let mut records = Records::new(rdr, file, delimiter, BUFFER)?;
    let (header, header_line) = records.header()?;
    let wanted: Vec<usize> = names
        .iter()
        .map(|name| {
            let name = name.trim();
            header
                .iter()
                .position(|h| !h.is_empty() && h == name)
                .ok_or_else(|| DataError::NoColumn {
                    file: file.into(),
                    line: header_line,
                    name: name.into(),
                    available: header.clone(),
                })
        })
        .collect::<Result<_, _>>()?;
    let mut takes = vec![Take::Skip; header.len()];
    for &c in &wanted {
        takes[c] = Take::Text { slot: c };
    }
    let rule = RowRule::new(takes, header, Default::default()).keeping_missing();
    let mut row = rule.row();
    let mut cells: Vec<Vec<String>> = vec![Vec::new(); wanted.len()];
    let mut lines = Vec::new();
    while rule.next(&mut records, &mut row)? != Next::End {
        for (cells, &c) in cells.iter_mut().zip(&wanted) {
            cells.push(row.texts[c].clone());
        }
        lines.push(records.line());
    }
    if lines.is_empty() {
        return Err(DataError::NoRows {
            file: file.into(),
            line: header_line,
        });
    }
    let texts = text.iter().map(|&j| cells[j].clone()).collect();
    let table = Table {
        file: file.into(),
        names: names.iter().map(|n| n.trim().to_string()).collect(),
        columns: cells.into_iter().map(infer).collect(),
        lines,
    };
    Ok((table, texts))
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::data::table::Column;

    fn fixture(name: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/table")
            .join(name)
    }

    /// pandas' dtype and cells for each column of `NAME.csv`, as
    /// scripts/make_table_fixtures.py wrote them from `pandas.read_csv`
    /// (float cells as numbers, or as Python's repr in `spellings.json`).
    fn same_as_pandas(name: &str) {
        let text = std::fs::read_to_string(fixture(&format!("{name}.json"))).unwrap();
        let want: serde_json::Value = serde_json::from_str(&text).unwrap();
        let want = want.as_object().unwrap();
        let names: Vec<String> = want.keys().cloned().collect();
        let path = fixture(&format!("{name}.csv"));
        let table = read_table(&path, &names, &CsvOptions::default()).unwrap();
        for (name, col) in want {
            let got = table.column(name).unwrap();
            assert_eq!(got.dtype(), col["dtype"], "{name}: {got:?}");
            let cells = col["cells"].as_array().unwrap();
            assert_eq!(got.len(), cells.len(), "{name}");
            for (row, cell) in cells.iter().enumerate() {
                let int = cell.as_i64().map(i128::from);
                let float = match cell.as_str() {
                    Some(repr) => repr.parse::<f64>().ok(),
                    None => cell.as_f64(),
                };
                let same = match got {
                    Column::Int(v) => int.or(cell.as_u64().map(i128::from)) == Some(v[row]),
                    Column::Float(v) => float.map(f64::to_bits) == v[row].map(f64::to_bits),
                    Column::Bool(v) => cell.as_bool() == Some(v[row]),
                    // The fixture writes object cells as str() prints them.
                    Column::BoolObject(v) => {
                        cell.as_str() == v[row].map(|b| if b { "True" } else { "False" })
                    }
                    Column::Text(v) => cell.as_str() == v[row].as_deref(),
                };
                assert!(same, "{name}, row {row}: {cell} against {got:?}");
            }
        }
    }

    #[test]
    fn infers_the_dtypes_pandas_infers() {
        same_as_pandas("types");
    }

    /// Spaces around cells, bools in any case, NaN and infinity spellings,
    /// NA markers with spaces, integers beyond 2^53, int64 and uint64.
    #[test]
    fn reads_spellings_as_pandas_reads_them() {
        same_as_pandas("spellings");
    }

    #[test]
    fn keeps_each_rows_line_and_refuses_unknown_names_and_ragged_rows() {
        let read = |text: &str, names: &[&str]| {
            let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
            table_from(text.as_bytes(), "t.csv", b',', &names, &[]).map(|(t, _)| t)
        };
        let t = read(",a,b\n0,x,1\n\n1,NA,2\n", &["b", "a"]).unwrap();
        assert_eq!(t.lines, [2, 4]);
        assert_eq!(t.columns[0], Column::Int(vec![1, 2]));
        assert_eq!(t.columns[1], Column::Text(vec![Some("x".into()), None]));
        let e = read("a,b\n1,2\n", &["c"]).unwrap_err();
        assert!(matches!(e, DataError::NoColumn { line: 1, .. }), "{e:?}");
        let e = read("a,b\n1,2\n3\n", &["a"]).unwrap_err();
        assert!(
            matches!(e, DataError::TooFewFields { line: 3, .. }),
            "{e:?}"
        );
        let e = read("a,b\n", &["a"]).unwrap_err();
        assert!(matches!(e, DataError::NoRows { line: 1, .. }), "{e:?}");
    }
}
