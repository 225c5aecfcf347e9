//! The design cache written, read back and damaged: from a data set in
//! memory and from a CSV file as it is read.
use std::fs::File;
use std::path::{Path, PathBuf};

use super::*;
use crate::data::{CsvOptions, Dataset};

/// A 10-row data set: x1 = i, x2 = i², y alternating.
pub(crate) fn data() -> Dataset {
    let mut x = Vec::new();
    let mut y = Vec::new();
    for i in 0..10 {
        let v = i as f64;
        x.extend([1.0, v, v * v / 7.0]);
        y.push((i % 2) as f64);
    }
    let names = ["const", "x1", "x2"].map(String::from).to_vec();
    Dataset::new(
        names,
        "y".into(),
        x,
        y,
        "test".into(),
        crate::runtime::threads::Threads::Auto,
    )
    .unwrap()
}

/// [`data`] written as a design cache in the temporary folder, with `name`
/// in the file's name; the file and the data set.
pub(crate) fn written(name: &str) -> (PathBuf, Dataset) {
    let path = std::env::temp_dir().join(format!(
        "logreg-stream-{}-{name}.design",
        std::process::id()
    ));
    let d = data();
    let source = ContentHash { len: 1, xxh3: 2 };
    write_cache(File::create(&path).unwrap(), &d, source, 0).unwrap();
    (path, d)
}

#[test]
fn a_limit_below_one_row_and_a_cut_file_are_refused() {
    let (path, _) = written("refuse");
    let e = Streamed::open(&path, bytes_per_row(3) - 1).unwrap_err();
    assert_eq!(
        e,
        StreamedError::TooSmall {
            limit: 63,
            per_row: 64,
            k: 3
        }
    );
    assert_eq!(e.kind(), crate::ErrorKind::BadInput);
    let len = std::fs::metadata(&path).unwrap().len();
    let f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    f.set_len(len - 8).unwrap();
    assert!(matches!(
        Streamed::open(&path, 1 << 20),
        Err(StreamedError::Corrupt { .. })
    ));
    std::fs::write(&path, b"not a cache file at all, just text").unwrap();
    assert!(matches!(
        Streamed::open(&path, 1 << 20),
        Err(StreamedError::Corrupt { .. })
    ));
    std::fs::remove_file(&path).unwrap();
}

/// A damaged header is refused whatever its sizes say (no overflow, no
/// allocation past the file); damaged rows fail [`Streamed::verify`].
#[test]
fn damaged_headers_are_refused_and_damaged_rows_fail_verify() {
    let (path, _) = written("damaged");
    let whole = std::fs::read(&path).unwrap();
    Streamed::open(&path, 1 << 20).unwrap().verify().unwrap();
    fn word(b: &mut [u8], at: usize, v: u64) {
        b[at..at + 8].copy_from_slice(&v.to_le_bytes());
    }
    let headers: [fn(&mut Vec<u8>); 6] = [
        |b| b[15] ^= 0x08,
        |b| word(b, 8, u64::MAX),
        |b| word(b, 16, u64::MAX / 4),
        |b| word(b, 24, u64::MAX - 10),
        |b| b[88] ^= 1,
        |b| b[100] ^= 1,
    ];
    for (i, damage) in headers.iter().enumerate() {
        let mut bytes = whole.clone();
        damage(&mut bytes);
        std::fs::write(&path, &bytes).unwrap();
        let e = Streamed::open(&path, 1 << 20).unwrap_err();
        assert!(matches!(e, StreamedError::Corrupt { .. }), "{i}: {e}");
    }
    let rows: [fn(&mut Vec<u8>); 2] = [
        |b| {
            let end = b.len();
            b[end - 8..].copy_from_slice(&0.5f64.to_le_bytes());
        },
        |b| {
            let end = b.len();
            b[end - 16..end - 8].copy_from_slice(&f64::NAN.to_le_bytes());
        },
    ];
    for (i, damage) in rows.iter().enumerate() {
        let mut bytes = whole.clone();
        damage(&mut bytes);
        std::fs::write(&path, &bytes).unwrap();
        let s = Streamed::open(&path, 64).unwrap();
        let e = s.verify().unwrap_err();
        assert!(e.to_string().contains("checksum"), "{i}: {e}");
    }
    std::fs::remove_file(&path).unwrap();
}

/// A CSV file under the temporary folder, named for the test.
fn csv(name: &str, text: &str) -> PathBuf {
    let path =
        std::env::temp_dir().join(format!("logreg-stream-{}-{name}.csv", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path
}

/// Write the cache of `csv` as it is read, in blocks of `rows` rows:
/// the file's bytes, or the error's message.
fn streamed(csv: &Path, opts: &CsvOptions, rows: u64) -> Result<Vec<u8>, String> {
    let out = csv.with_extension(format!("{rows}.design"));
    let f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&out)
        .unwrap();
    let k = 3;
    let made = write_cache_from_csv(csv, opts, &f, &out, rows * bytes_per_row(k));
    let bytes = std::fs::read(&out).unwrap();
    std::fs::remove_file(&out).unwrap();
    made.map(|_| bytes).map_err(|e| e.to_string())
}

/// 300 rows of x1, x2 and y, with `cell` written for x2 in row 0.
fn rows_text(cell: &str) -> String {
    let mut t = String::from("x1,x2,y\n");
    for i in 0..300 {
        let x2 = if i == 0 {
            cell.to_string()
        } else {
            format!("{}", (i * 7 % 13) as f64 / 3.0)
        };
        t.push_str(&format!(
            "{},{x2},{}\n",
            i as f64 * 0.25 - 9.0,
            (i * 5 % 3 == 0) as u8
        ));
    }
    t
}

/// The cache written as the CSV is read, block by block, is the file
/// [`write_cache`] makes of the data set read in memory, byte for byte,
/// for any block size, on the fast path (plain numbers) and on the full
/// reader (a quoted cell; rows dropped for a missing value).
#[test]
fn a_cache_written_as_the_csv_is_read_is_the_in_memory_one() {
    let drop = CsvOptions {
        missing: crate::data::MissingPolicy::Drop,
        ..CsvOptions::default()
    };
    let cases = [
        ("plain", rows_text("0.5"), CsvOptions::default()),
        ("quoted", rows_text("\"0.5\""), CsvOptions::default()),
        ("dropped", rows_text("NA").replace("\n7,", "\nNA,"), drop),
    ];
    for (name, text, opts) in cases {
        let path = csv(name, &text);
        let (d, dropped) = crate::data::read_csv(&path, &opts).unwrap();
        let mut want = Vec::new();
        write_cache(&mut want, &d, hash_file(&path).unwrap(), dropped).unwrap();
        for rows in [1, 2, 7, 299, 300, 1000] {
            let got = streamed(&path, &opts, rows).unwrap();
            assert!(got == want, "{name}: {rows} rows a block");
        }
        std::fs::remove_file(&path).unwrap();
    }
}

/// A file refused in memory is refused the same way when it is
/// streamed to a cache, with the same message, whatever the blocks.
#[test]
fn a_bad_csv_gives_the_in_memory_error_when_streamed() {
    let mut aliased = String::from("x1,x2,y\n");
    for i in 0..200 {
        let v = (i * 7 % 13) as f64;
        aliased.push_str(&format!("{v},{},{}\n", 2.0 * v - 1.0, i % 2));
    }
    let cases = [
        (
            "target",
            rows_text("0.5").replace(",1\n", ",2\n"),
            "target value \"2\" is not 0 or 1",
        ),
        (
            "constant",
            "x1,x2,y\n1,7,0\n2,7,1\n3,7,0\n4,7,1\n".into(),
            "every value is 7",
        ),
        (
            "aliased",
            aliased,
            "\"x2\" is a linear combination of \"const\", \"x1\"",
        ),
        (
            "intercept",
            "const,x2,y\n1,7,0\n2,8,1\n3,7,0\n".into(),
            "the intercept's name",
        ),
        (
            "nan",
            rows_text("NaN"),
            "line 2, column \"x2\": missing value \"NaN\"",
        ),
        (
            "one-class",
            "x1,x2,y\n1,2,1\n2,3,1\n3,1,1\n".into(),
            "every target value is 1",
        ),
        (
            "few-rows",
            "x1,x2,y\n1,2,0\n2,3,1\n".into(),
            "2 data row(s) for 3",
        ),
    ];
    for (name, text, why) in cases {
        let path = csv(name, &text);
        let opts = CsvOptions::default();
        let memory = crate::data::read_csv(&path, &opts).unwrap_err().to_string();
        assert!(memory.contains(why), "{name}: {memory}");
        for rows in [1, 3, 1000] {
            let got = streamed(&path, &opts, rows).unwrap_err();
            assert_eq!(got, memory, "{name}: {rows} rows a block");
        }
        std::fs::remove_file(&path).unwrap();
    }
}
