//! Load a CSV file with `logreg::data::read_csv` and nothing else: the Rust
//! side of `scripts/bench_csv.sh` (load time and peak memory without a fit).
//!
//! Usage: load_csv FILE [--target COL] [--features A,B] [--delimiter C] [--missing drop]
//! Prints `n=.. k=.. dropped=.. load_s=.. check_s=..` on stdout (load_s
//! includes `Dataset::new`'s checks, the rank check among them; check_s times
//! them once more on a copy of the parts); a data error is one line on
//! stderr and exit code 2.
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use logreg::data::{read_csv, CsvOptions, Dataset, MissingPolicy};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut path: Option<PathBuf> = None;
    let mut opts = CsvOptions::default();
    while let Some(a) = args.next() {
        let mut value = || args.next().unwrap_or_default();
        match a.as_str() {
            "--target" => opts.target = value(),
            "--features" => opts.features = Some(value().split(',').map(String::from).collect()),
            "--delimiter" => opts.delimiter = value().bytes().next(),
            "--missing" => {
                if value() == "drop" {
                    opts.missing = MissingPolicy::Drop
                }
            }
            _ => path = Some(PathBuf::from(a)),
        }
    }
    let Some(path) = path else {
        eprintln!(
            "usage: load_csv FILE [--target COL] [--features A,B] [--delimiter C] [--missing drop]"
        );
        return ExitCode::from(2);
    };
    let start = Instant::now();
    match read_csv(&path, &opts) {
        Ok((data, dropped)) => {
            let secs = start.elapsed().as_secs_f64();
            // read_csv built it through Dataset::new; again, to show its share.
            let (names, target) = (data.names().to_vec(), data.target().to_string());
            let (x, y) = (data.x().to_vec(), data.y().to_vec());
            let t = Instant::now();
            let source = data.source().to_string();
            let checked = Dataset::new(names, target, x, y, source, opts.threads).is_ok();
            let check_s = t.elapsed().as_secs_f64();
            println!(
                "n={} k={} dropped={dropped} load_s={secs:.3} check_s={check_s:.3} checked={checked}",
                data.n(),
                data.k()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
