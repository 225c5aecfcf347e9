//! [`read_csv`]: the general row reader, for any input the format allows.
use std::fs::File;
use std::io::{self, Read, Seek};
use std::path::Path;

use crate::data::{DataError, Dataset, Groups, RowColumns};
use crate::setting::Setting;
use crate::spec::roles::{is_weight, NUMERIC_ROLES};

use super::buffer::{expected_rows, BUFFER, SAMPLE_ROWS};
use super::fast::fast_rows;
use super::header::{choose_columns, Chosen, Role};
use super::index::Scan;
use super::options::default_delimiter;
use super::records::Records;
use super::rows::{Next, RowRule};
use super::sink::{CountingSink, InMemorySink, RowSink};
use super::CsvOptions;

/// Read `path` into a data set; also returns how many rows were dropped
/// (always 0 with [`MissingPolicy::Error`]).
///
/// The separator is `opts.delimiter`, else a tab for a `.tsv` file, else a
/// comma. The result is checked by [`Dataset::new`] (full column rank).
pub fn read_csv(path: &Path, opts: &CsvOptions) -> Result<(Dataset, usize), DataError> {
    read_csv_noting(path, opts).map(|(data, notes)| (data, notes.dropped))
}

/// What reading a file into a data set found that its user should hear of.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadNotes {
    /// Rows dropped for a missing value ([`MissingPolicy::Drop`]).
    pub dropped: usize,
    /// Columns (1-based) with no name, left out of the features
    /// ([`ReadRows::unnamed`]).
    pub unnamed: Vec<usize>,
}

/// [`read_csv`], with everything its user should hear of.
pub fn read_csv_noting(path: &Path, opts: &CsvOptions) -> Result<(Dataset, ReadNotes), DataError> {
    let mut whole = InMemorySink::default();
    let read = read_csv_into(path, opts, &mut whole)?;
    let notes = ReadNotes {
        dropped: read.dropped,
        unnamed: read.unnamed.clone(),
    };
    let (data, _) = dataset(read, whole, &source_name(path), opts)?;
    Ok((data, notes))
}

/// How `path` is named in messages: `-` is stdin.
pub(super) fn source_name(path: &Path) -> String {
    match path.as_os_str() == "-" {
        true => "stdin".into(),
        false => path.display().to_string(),
    }
}

/// `path` opened to be read once from the start (`-`: stdin), as the
/// readers that take no fast path read it; `file` names it in the error.
pub(super) fn open_stream(path: &Path, file: &str) -> Result<Box<dyn Read>, DataError> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(io::stdin().lock()));
    }
    let f = std::fs::File::open(path).map_err(|e| DataError::Io {
        file: file.to_string(),
        reason: e.to_string(),
    })?;
    Ok(Box::new(f))
}

/// What reading a file found besides its rows (which went to the sink).
#[derive(Debug, Clone, PartialEq)]
pub struct ReadRows {
    /// The design's column names, `const` first.
    pub names: Vec<String>,
    /// The target's name.
    pub target: String,
    /// Rows kept (handed to the sink).
    pub n: usize,
    /// Rows dropped for a missing value ([`MissingPolicy::Drop`]).
    pub dropped: usize,
    /// The role columns of the kept rows.
    pub roles: RowColumns,
    /// The columns (1-based) with no name in the header, left out of the
    /// features (a pandas index, say), whether they are the default ones
    /// or named.
    pub unnamed: Vec<usize>,
}

/// Read the rows of `path` into `sink`, block by block, as [`read_csv`]
/// reads them (the same rows, values and errors): what [`read_csv`] keeps
/// in memory, another sink can write away as it comes. The reader's own
/// checks (no rows, fewer rows than coefficients, one class) are made;
/// [`Dataset::new`]'s are the sink's to make.
pub fn read_csv_into<S: RowSink>(
    path: &Path,
    opts: &CsvOptions,
    sink: &mut S,
) -> Result<ReadRows, S::Error> {
    let file = source_name(path);
    let io_err = |e: io::Error| DataError::Io {
        file: file.clone(),
        reason: e.to_string(),
    };
    let delimiter = opts.delimiter.unwrap_or_else(|| default_delimiter(path));
    if path.as_os_str() == "-" {
        let stdin = io::stdin().lock();
        return read_from(stdin, &file, delimiter, None, opts, None, sink);
    }
    let f = File::open(path).map_err(io_err)?;
    let len = f.metadata().map_err(io_err)?.len();
    // The fast path reads the rows again from after the header: only for
    // a regular file (not a pipe, whose bytes can be read once).
    let regular = f.metadata().map_err(io_err)?.is_file();
    let reopen = |at: u64| -> io::Result<Box<dyn Read>> {
        let mut f = File::open(path)?;
        f.seek(io::SeekFrom::Start(at))?;
        Ok(Box::new(f))
    };
    let reopen: Option<Reopen> = if regular { Some(&reopen) } else { None };
    read_from(f, &file, delimiter, Some(len), opts, reopen, sink)
}

/// The data set of the rows read into `whole`, checked by [`Dataset::new`].
fn dataset(
    read: ReadRows,
    mut whole: InMemorySink,
    file: &str,
    opts: &CsvOptions,
) -> Result<(Dataset, usize), DataError> {
    let threads = opts.threads;
    whole.x.shrink_to_fit();
    whole.y.shrink_to_fit();
    if let Some(failures) = opts.roles.get(Setting::Failures) {
        let data = Dataset::from_counts(
            read.names,
            (read.target, whole.y),
            failures.into(),
            whole.x,
            file.into(),
            threads,
            read.roles,
        )?;
        return Ok((data, read.dropped));
    }
    let data = Dataset::new(
        read.names,
        read.target,
        whole.x,
        whole.y,
        file.into(),
        threads,
    )?;
    Ok((data.with_roles(read.roles)?, read.dropped))
}

/// Opens the input again at a byte offset: what the fast path reads.
type Reopen<'a> = &'a dyn Fn(u64) -> io::Result<Box<dyn Read>>;

/// Read CSV from `rdr` into `sink`, named `file` in messages. `len` is the
/// input's size in bytes when known; it is used to size the matrix once.
/// With `reopen`, the rows are first tried by [`fast_rows`] on the input
/// opened again after the header; when that declines, the sink is
/// restarted and the rows are read through the strict splitter. Both go
/// through the one row loop ([`RowRule`]).
fn read_from<R: Read, S: RowSink>(
    rdr: R,
    file: &str,
    delimiter: u8,
    len: Option<u64>,
    opts: &CsvOptions,
    reopen: Option<Reopen>,
    sink: &mut S,
) -> Result<ReadRows, S::Error> {
    let mut records = Records::new(rdr, file, delimiter, BUFFER)?;
    let (header, header_line) = records.header()?;
    let Chosen {
        roles,
        names,
        unnamed,
    } = choose_columns(&header, opts, file, header_line)?;
    let target = opts.target.trim().to_string();
    let k = names.len();
    // Binomial counts: the target holds successes, a role column failures;
    // both are counts, not 0/1.
    let failures = opts.roles.get(Setting::Failures);
    let failures_slot = NUMERIC_ROLES
        .iter()
        .position(|&r| r == Setting::Failures)
        .map(|i| k + 1 + i)
        .expect("failures is a numeric role");
    let header_end = records.byte();

    sink.start(&names, &target)?;
    let mut sink = CountingSink::new(sink);

    let takes = roles.iter().map(|r| r.take(k)).collect();
    let mut rule = RowRule::new(takes, header.clone(), opts.missing);
    if failures.is_some() {
        rule = rule.counting(k, failures_slot);
    }
    let mut dropped = 0usize;
    let mut seen = 0usize;
    // Role columns, for kept rows: numeric ones by NUMERIC_ROLES index,
    // and the group labels.
    let numeric: Vec<usize> = roles
        .iter()
        .filter_map(|r| match r {
            Role::Numeric(i) => Some(*i),
            _ => None,
        })
        .collect();
    let mut role_values: Vec<Vec<f64>> = vec![Vec::new(); NUMERIC_ROLES.len()];
    let mut labels: Vec<String> = Vec::new();
    let has_labels = roles.contains(&Role::Label);
    // The file line of each kept row, for messages about its role values.
    let has_roles = !roles_named_empty(&roles);
    let mut lines: Vec<u64> = Vec::new();
    // The fast path reads design and target only.
    let reopen = reopen.filter(|_| !opts.roles.any());
    let rest = len.map(|len| len.saturating_sub(header_end));
    let fast = match reopen.map(|open| open(header_end)) {
        Some(Ok(input)) => fast_rows(
            input,
            delimiter,
            &rule,
            k,
            rest,
            opts.threads,
            Scan::best(),
            &mut sink,
        )?,
        _ => None,
    };
    match fast {
        Some(d) => (dropped, seen) = (d, sink.n + d),
        None => sink.restart()?,
    }
    // Design row, then the target, then the numeric role columns.
    let mut row = rule.row();
    row.values[0] = 1.0;
    if fast.is_none() {
        loop {
            match rule.next(&mut records, &mut row)? {
                Next::End => break,
                Next::Dropped => dropped += 1,
                Next::Kept => {
                    let (x, y) = sink.inner.block();
                    x.extend_from_slice(&row.values[..k]);
                    y.push(row.values[k]);
                    for &i in &numeric {
                        role_values[i].push(row.values[k + 1 + i]);
                    }
                    if has_labels {
                        labels.push(std::mem::take(&mut row.texts[0]));
                    }
                    if has_roles {
                        lines.push(records.line());
                    }
                    sink.flush_if_full()?;
                }
            }
            seen += 1;
            if seen == SAMPLE_ROWS {
                if let Some(len) = len {
                    let bytes = records.byte().saturating_sub(header_end);
                    let total = len.saturating_sub(header_end);
                    sink.inner.expect_rows(expected_rows(seen, bytes, total));
                }
            }
        }
        sink.flush()?;
    }
    let n = sink.n;
    if seen == 0 {
        return Err(DataError::NoRows {
            file: file.into(),
            line: header_line,
        }
        .into());
    }
    if n < k {
        return Err(DataError::TooFewRows {
            file: file.into(),
            rows: n,
            coefficients: k,
            dropped,
        }
        .into());
    }
    // Counts of successes may all be equal with both outcomes present:
    // Dataset::from_counts checks their proportions instead.
    if let (Some(first), false, None) = (sink.first, sink.mixed, failures) {
        return Err(DataError::SingleClass {
            file: file.into(),
            column: target,
            value: first,
        }
        .into());
    }
    let mut roles = role_columns(opts, &header, &roles, role_values, labels, file)?;
    roles.lines = has_roles.then_some(lines);
    Ok(ReadRows {
        names,
        target,
        n,
        dropped,
        roles,
        unnamed,
    })
}

/// The role columns read, checked as a whole: weights not all 0, at least
/// two groups.
fn role_columns(
    opts: &CsvOptions,
    header: &[String],
    roles: &[Role],
    mut values: Vec<Vec<f64>>,
    labels: Vec<String>,
    file: &str,
) -> Result<RowColumns, DataError> {
    let mut out = RowColumns::default();
    for (c, role) in roles.iter().enumerate() {
        match *role {
            Role::Numeric(i) => {
                let setting = NUMERIC_ROLES[i];
                let v = std::mem::take(&mut values[i]);
                if is_weight(setting) && v.iter().all(|&w| w == 0.0) {
                    return Err(DataError::AllZeroWeights {
                        file: file.into(),
                        column: header[c].clone(),
                        role: setting,
                    });
                }
                *out.numeric_mut(setting) = Some(v);
            }
            Role::Label => {
                let groups = Groups::from_labels(&labels);
                if groups.count() < 2 {
                    return Err(DataError::TooFewGroups {
                        file: file.into(),
                        column: header[c].clone(),
                        count: groups.count(),
                    });
                }
                out.groups = Some(groups);
            }
            _ => {}
        }
    }
    debug_assert_eq!(opts.roles.named().len(), out.lengths().len());
    Ok(out)
}

/// Whether no column plays a role (weights, offset, groups).
fn roles_named_empty(roles: &[Role]) -> bool {
    !roles
        .iter()
        .any(|r| matches!(r, Role::Numeric(_) | Role::Label))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::csv::MissingPolicy;
    use crate::data::RoleNames;

    /// Read `text` the usual way and again with the fast path on, and
    /// check that both give the same data or the same error.
    fn read(text: &[u8], opts: &CsvOptions) -> Result<(Dataset, usize), DataError> {
        let delimiter = opts.delimiter.unwrap_or(b',');
        let whole = |read: ReadRows, sink| dataset(read, sink, "t.csv", opts);
        let mut sink = InMemorySink::default();
        let slow = read_from(text, "t.csv", delimiter, None, opts, None, &mut sink)
            .and_then(|read| whole(read, sink));
        let owned = text.to_vec();
        let reopen = move |at: u64| -> io::Result<Box<dyn Read>> {
            Ok(Box::new(io::Cursor::new(owned[at as usize..].to_vec())))
        };
        let len = Some(text.len() as u64);
        let mut sink = InMemorySink::default();
        let fast = read_from(
            text,
            "t.csv",
            delimiter,
            len,
            opts,
            Some(&reopen),
            &mut sink,
        )
        .and_then(|read| whole(read, sink));
        assert_eq!(
            slow,
            fast,
            "fast path differs on {:?}",
            String::from_utf8_lossy(text)
        );
        slow
    }

    fn ok(text: &str) -> Dataset {
        read(text.as_bytes(), &CsvOptions::default()).unwrap().0
    }

    fn err(text: &str) -> String {
        match read(text.as_bytes(), &CsvOptions::default()) {
            Ok(_) => panic!("expected an error for {text:?}"),
            Err(e) => e.to_string(),
        }
    }

    const PLAIN: &str = "x1,x2,y\n1,2,0\n2,1,1\n3,5,0\n4,3,1\n";

    #[test]
    fn builds_design_with_intercept_first() {
        let d = ok(PLAIN);
        assert_eq!(d.names(), ["const", "x1", "x2"]);
        assert_eq!(d.target(), "y");
        assert_eq!((d.n(), d.k()), (4, 3));
        assert_eq!(&d.x()[..6], &[1.0, 1.0, 2.0, 1.0, 2.0, 1.0]);
        assert_eq!(d.y(), [0.0, 1.0, 0.0, 1.0]);
        assert_eq!(d.source(), "t.csv");
    }

    #[test]
    fn accepts_bom_crlf_and_no_final_newline() {
        let plain = ok(PLAIN);
        let variants = [
            format!("\u{feff}{PLAIN}"),
            PLAIN.replace('\n', "\r\n"),
            PLAIN.trim_end().to_string(),
            format!("\u{feff}{}", PLAIN.replace('\n', "\r\n").trim_end()),
            PLAIN.replace(',', " , "),
            PLAIN.replace("\n2,", "\n\n\"2\","),
        ];
        for v in &variants {
            assert_eq!(ok(v), plain, "{v:?}");
        }
    }

    #[test]
    fn target_may_be_any_column_and_features_any_order() {
        let d = ok("y,x1,x2\n0,1,2\n1,2,1\n0,3,5\n1,4,3\n");
        assert_eq!(d, ok(PLAIN));
        let opts = CsvOptions {
            features: Some(vec!["x2".into(), " x1 ".into()]),
            ..Default::default()
        };
        let d = read(PLAIN.as_bytes(), &opts).unwrap().0;
        assert_eq!(d.names(), ["const", "x2", "x1"]);
        assert_eq!(&d.x()[..3], &[1.0, 2.0, 1.0]);
    }

    #[test]
    fn unused_columns_are_not_parsed() {
        let opts = CsvOptions {
            features: Some(vec!["x1".into(), "x2".into()]),
            ..Default::default()
        };
        let text = "id,x1,x2,y\nab,1,2,0\ncd,2,1,1\nef,3,5,0\n,4,3,1\n";
        let d = read(text.as_bytes(), &opts).unwrap().0;
        assert_eq!(d, ok(PLAIN));
    }

    /// A column with no name (a pandas index) is left out of the default
    /// features, said in [`ReadRows::unnamed`] (with named features too),
    /// and never parsed.
    #[test]
    fn unnamed_columns_are_not_default_features() {
        let text = ",x1,x2, \t,y\nab,1,2,,0\ncd,2,1,x,1\nef,3,5,,0\n,4,3,,1\n";
        assert_eq!(ok(text), ok(PLAIN));
        let unnamed = |opts: &CsvOptions| {
            let mut sink = InMemorySink::default();
            read_from(text.as_bytes(), "t.csv", b',', None, opts, None, &mut sink)
                .unwrap()
                .unnamed
        };
        assert_eq!(unnamed(&CsvOptions::default()), [1, 4]);
        let named = CsvOptions {
            features: Some(vec!["x2".into()]),
            ..Default::default()
        };
        assert_eq!(unnamed(&named), [1, 4]);
    }

    #[test]
    fn reads_true_and_false_as_one_and_zero() {
        let text = "x1,x2,y\n1,True,False\n2,false,TRUE\n3,TRUE,false\n4,FALSE,true\n";
        let d = ok(text);
        assert_eq!(&d.x()[..6], &[1.0, 1.0, 1.0, 1.0, 2.0, 0.0]);
        assert_eq!(d.y(), [0.0, 1.0, 0.0, 1.0]);
    }

    #[test]
    fn text_in_a_feature_points_to_formulas() {
        assert_eq!(
            err("x1,x2,y\n1,2,0\n2,red,1\n"),
            r#"t.csv: line 3, column "x2": "red" is not a number (a formula reads it as categories)"#
        );
    }

    #[test]
    fn rejects_ragged_row() {
        assert_eq!(
            err("x1,x2,y\n1,2,0\n2,1\n"),
            r#"t.csv: line 3: 2 field(s), but the header has 3 (no value for column "y")"#
        );
        assert_eq!(
            err("x1,x2,y\n1,2,0\n2,1,1,9\n"),
            r#"t.csv: line 3: 4 fields, but the header has 3 (extra value "9" in column 4)"#
        );
    }

    #[test]
    fn rejects_bad_cells_naming_line_column_value() {
        assert_eq!(
            err("x1,x2,y\n1,2,0\n\n2,abc,1\n"),
            r#"t.csv: line 4, column "x2": "abc" is not a number (a formula reads it as categories)"#
        );
        assert_eq!(
            err("x1,x2,y\n1,2,0\n2,1e400,1\n"),
            r#"t.csv: line 3, column "x2": "1e400" is not a finite number"#
        );
        assert!(err("x1,x2,y\n1,-Infinity,0\n").contains("\"-Infinity\" is not a finite number"));
        assert!(
            err("x1,x2,y\n1,2,0\n2,NA,1\n").contains("line 3, column \"x2\": missing value \"NA\"")
        );
        assert!(err("x1,x2,y\n1,,0\n").contains("missing value \"\""));
        // pandas reads `NAN` (not one of its na_values) as text.
        assert!(err("x1,x2,y\n1,NAN,0\n").contains("\"NAN\" is not a number"));
        assert_eq!(
            err("x1,x2,y\n1,2,0\n2,1,2\n"),
            r#"t.csv: line 3, column "y": target value "2" is not 0 or 1"#
        );
        assert!(err("x1,x2,y\n1,2,yes\n").contains("target value \"yes\" is not 0 or 1"));
        assert!(err("x1,x2,y\n1,\u{2212}2,1\n").contains("\"\u{2212}2\" is not a number"));
    }

    #[test]
    fn line_numbers_are_physical_lines() {
        let bad = |text: &str| {
            let e = err(text);
            let at = e.find("line ").expect(&e) + 5;
            e[at..]
                .split(|c: char| !c.is_ascii_digit())
                .next()
                .unwrap()
                .parse::<u64>()
                .unwrap()
        };
        assert_eq!(bad("x,y\n1,0\n\n\n2,a\n"), 5);
        assert_eq!(bad("x,y\r\n1,0\r\n\r\n2,a\r\n"), 4);
        assert_eq!(bad("x,y\r\n1,0\r\n\r\n2,a"), 4);
        assert_eq!(bad("\n\nx,y\n1,0\n2,a"), 5);
        assert_eq!(bad("x,y\n\"1\n\n\",0\n2,a\n"), 5);
        assert_eq!(bad("x,y\n\"1\n\n\",a\n"), 2);
        assert_eq!(bad("x,y\n   \n\t\n2,a\n"), 4);
        assert_eq!(bad("\u{feff}x,y\r\n1,0\r\n1,"), 3);
        assert_eq!(bad("x,y\n1,0\n1,0,3\n"), 3);
        assert_eq!(bad("x,x\n"), 1);
        // A quote left open runs to the end of the input.
        assert_eq!(bad("x,y\n1,0\n\"a\n"), 3);
        assert_eq!(bad("x,y\n1,0\n\"a\n\n"), 3);
        assert_eq!(bad("x,y\n1,0\n2,\"a\"\"\n"), 3);
        assert_eq!(bad("x,y\n1,0\n2,\"a"), 3);
        // A closed quote ending in LF, then the final LF.
        assert_eq!(bad("x,y\n1,0\n2,\"a\n\"\n"), 3);
        assert_eq!(bad("x,y\n1,0\n2,\"a\n\""), 3);
        assert_eq!(bad("x,y\n1,0\n\n\"a\nb\",1,2\n"), 4);
        assert_eq!(bad("\n\r\nx,x\n"), 3);
    }

    #[test]
    fn rejects_bad_headers() {
        assert_eq!(
            err(""),
            "t.csv: the file is empty (expected a header row, then data rows)"
        );
        assert!(err("\n\n\r\n").contains("the file is empty"));
        assert_eq!(err("x1,x2,y\n"), "t.csv: line 1: a header but no data rows");
        assert_eq!(
            err("x1,x2,x1,y\n1,2,3,0\n"),
            r#"t.csv: line 1: the column name "x1" appears twice (columns 1 and 3)"#
        );
        assert_eq!(
            err("a,b,c\n1,2,0\n"),
            r#"t.csv: line 1: no target column "y"; the columns are "a", "b", "c""#
        );
        assert_eq!(
            read(b"x\xff,y\n1,0\n", &CsvOptions::default())
                .unwrap_err()
                .to_string(),
            "t.csv: line 1, column 1: the column name \"x\u{fffd}\" is not valid UTF-8"
        );
        assert!(read(b"\xff\xfex\x00", &CsvOptions::default())
            .unwrap_err()
            .to_string()
            .contains("UTF-16"));
        assert!(err("y\n0\n1\n").contains("no feature columns"));
        assert!(err("const,y\n1,0\n2,1\n").contains("\"const\" has the intercept's name"));
    }

    /// Role columns are read with the rows they belong to: a row dropped
    /// for a missing value (in a feature or a role column) takes its
    /// weight, offset and group with it; groups are numbered in order of
    /// first appearance, their labels taken as they are written.
    #[test]
    fn role_columns_follow_their_rows_through_missing_drop() {
        let text = "x,w,y,o,g\n1,2,0,0.5,b\n2,,1,0,a\n3,1,1,NA,a\n4,3,1,-1, a\n0,1,0,0,b\r\n";
        let opts = CsvOptions {
            missing: MissingPolicy::Drop,
            roles: RoleNames {
                freq_weights: Some("w".into()),
                offset: Some("o".into()),
                groups: Some("g".into()),
                ..RoleNames::default()
            },
            ..Default::default()
        };
        let (d, dropped) = read(text.as_bytes(), &opts).unwrap();
        assert_eq!(dropped, 2);
        assert_eq!(d.names(), ["const", "x"]);
        assert_eq!(d.y(), [0.0, 1.0, 0.0]);
        let r = d.roles();
        assert_eq!(r.freq_weights.as_deref(), Some(&[2.0, 3.0, 1.0][..]));
        assert_eq!(r.offset.as_deref(), Some(&[0.5, -1.0, 0.0][..]));
        assert_eq!(r.var_weights, None);
        let g = r.groups.as_ref().unwrap();
        assert_eq!(
            (g.index.clone(), g.labels.clone()),
            (vec![0, 1, 0], vec!["b".to_string(), " a".to_string()])
        );
    }

    #[test]
    fn rejects_bad_feature_lists() {
        let with = |f: &[&str]| {
            let opts = CsvOptions {
                features: Some(f.iter().map(|s| s.to_string()).collect()),
                ..Default::default()
            };
            read(PLAIN.as_bytes(), &opts).unwrap_err().to_string()
        };
        assert_eq!(
            with(&["x1", "x3"]),
            r#"t.csv: line 1: no feature column "x3"; the columns are "x1", "x2", "y""#
        );
        assert!(with(&["x1", "y"]).contains("column \"y\" is both the target and a feature"));
        assert!(with(&["x1", "x1"]).contains("\"x1\" is requested twice"));
    }

    #[test]
    fn rejects_degenerate_data() {
        assert_eq!(
            err("x1,x2,y\n1,2,0\n2,3,1\n"),
            "t.csv: 2 data row(s) for 3 coefficients; need at least as many rows as coefficients"
        );
        assert_eq!(
            err("x1,x2,y\n1,2,1\n2,3,1\n3,1,1.0\n"),
            r#"t.csv: column "y": every target value is 1; logistic regression needs both 0 and 1"#
        );
        assert_eq!(
            err("x1,x2,y\n1,7,0\n2,7,1\n3,7,0\n4,7,1\n"),
            r#"t.csv: column "x2": every value is 7, so it duplicates the intercept "const""#
        );
        assert_eq!(
            err("x1,x2,x3,y\n1,2,3,0\n2,1,3,1\n3,5,8,0\n4,3,7,1\n5,5,10,1\n"),
            r#"t.csv: column "x3" is a linear combination of "x1", "x2"; drop it or choose other columns"#
        );
    }

    #[test]
    fn drops_rows_with_missing_values_when_asked() {
        let opts = CsvOptions {
            missing: MissingPolicy::Drop,
            ..Default::default()
        };
        let text = "x1,x2,y\n1,2,0\n9,NA,1\n2,1,1\n,,\n3,5,0\n4,3,1\n5,nan,1\n";
        let (d, dropped) = read(text.as_bytes(), &opts).unwrap();
        assert_eq!(dropped, 3);
        assert_eq!(d, ok(PLAIN));
        // A dropped row is still checked for bad cells.
        let text = "x1,x2,y\n1,2,0\nabc,NA,1\n";
        assert!(read(text.as_bytes(), &opts)
            .unwrap_err()
            .to_string()
            .contains("\"abc\""));
        // Everything dropped: too few rows, saying why.
        let text = "x1,x2,y\n1,NA,0\nNA,1,1\n";
        assert_eq!(
            read(text.as_bytes(), &opts).unwrap_err().to_string(),
            "t.csv: 0 data row(s) (after dropping 2 with missing values) for 3 coefficients; \
             need at least as many rows as coefficients"
        );
    }

    #[test]
    fn other_delimiters_give_the_same_data() {
        let plain = ok(PLAIN);
        for d in [b';', b'\t', b'|', b' '] {
            let text = PLAIN.replace(',', &char::from(d).to_string());
            let opts = CsvOptions {
                delimiter: Some(d),
                ..Default::default()
            };
            assert_eq!(read(text.as_bytes(), &opts).unwrap().0, plain);
        }
        assert_eq!(default_delimiter(Path::new("a/b.TSV")), b'\t');
        assert_eq!(default_delimiter(Path::new("a/b.csv")), b',');
        let opts = CsvOptions {
            delimiter: Some(b'"'),
            ..Default::default()
        };
        assert!(read(PLAIN.as_bytes(), &opts).is_err());
    }

    /// Odd inputs a new user might feed in: each is an error, none panics.
    #[test]
    fn odd_inputs_are_errors_not_panics() {
        let odd: &[&[u8]] = &[
            b"",
            b"\n",
            b"\n\n\n",
            b",",
            b",\n,\n",
            b"\"",
            b"\"\"\"",
            b"y\n\"0",
            b"x,y\n\"1,0\n",
            b"x,y\n1,\"0\n1",
            b"\x00\x01\x02\x03\xff\xfe\xfd",
            b"\x1f\x8b\x08\x00\x00\x00\x00\x00",
            b"\xef\xbb\xbf",
            b"\xef\xbb",
            b"x,y\n1e400,0\n",
            b"x,y\ninf,0\n-inf,1\n",
            b"x,y\n1,0\n2,1\n\xff,0\n",
            b"x;y\n1;0\n2;1\n",
            b"   \n   \n",
            b"x,y\r1,0\r2,1\r",
            b"x,y\n   ,   \n",
        ];
        for text in odd {
            let r = read(text, &CsvOptions::default());
            assert!(r.is_err(), "{:?} -> {r:?}", String::from_utf8_lossy(text));
            let msg = r.unwrap_err().to_string();
            assert!(!msg.contains('\n'), "{msg}");
        }
    }

    #[test]
    fn endless_header_is_an_error() {
        let e = read_from(
            io::repeat(b'x'),
            "zero",
            b',',
            None,
            &CsvOptions::default(),
            None,
            &mut InMemorySink::default(),
        );
        let e = e.unwrap_err().to_string();
        assert!(
            e.contains("no end to the header row in the first 16 MiB"),
            "{e}"
        );
    }

    /// Random byte edits of a good file never panic (a small seeded fuzz).
    #[test]
    fn mutated_inputs_never_panic() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let base = b"x1,x2,y\n1,2,0\n2,1,1\n3,5,0\n4,3,1\n5,0.5,0\n".to_vec();
        let alphabet = b",;\"\n\r \t0123456789.eE+-naNAIinfy\xff\xef\xbb\xbf\x00";
        for _ in 0..5000 {
            let mut t = base.clone();
            for _ in 0..rng.random_range(1..6) {
                let at = rng.random_range(0..=t.len());
                match rng.random_range(0..3) {
                    0 if at < t.len() => {
                        t.remove(at);
                    }
                    1 if at < t.len() => t[at] = alphabet[rng.random_range(0..alphabet.len())],
                    _ => t.insert(at, alphabet[rng.random_range(0..alphabet.len())]),
                }
            }
            for missing in [MissingPolicy::Error, MissingPolicy::Drop] {
                let opts = CsvOptions {
                    missing,
                    ..Default::default()
                };
                if let Err(e) = read(&t, &opts) {
                    assert!(!e.to_string().contains('\n'), "{e}");
                }
            }
        }
    }
}
