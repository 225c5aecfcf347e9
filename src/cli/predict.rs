//! `logreg predict`: a saved model's predictions on new data, as CSV.
use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use logreg::data::{read_table_and_text, ColumnReader, CsvOptions, MissingPolicy};
use logreg::model::SavedModel;
use logreg::model::{columns, design, formula_columns, formula_rows, predict_lines};

use super::args::{missing_policies, note_dropped, parse_alpha, parse_delimiter};
use super::preflight::Preflight;
use super::{Global, Output, UsageError};

/// Predict with a model saved by `glm --save-model` or `nn --save-model`:
/// one CSV row per row of the new data, with the columns
/// mean,mean_se,mean_ci_lower,mean_ci_upper,linpred (statsmodels'
/// `get_prediction(exog, offset=…).summary_frame(alpha)` and
/// `predict(which="linear")`); a network's model gives mean,linpred.
///
/// The model's feature columns (and its offset column, if it has one) are
/// found in the new data by name, in any order; other columns are ignored,
/// and no target is needed. Numbers are printed in the shortest form that
/// reads back as the same double. The data is read and predicted a block of
/// rows at a time.
///
/// A model fitted with --formula builds its design from the new data's raw
/// columns (the categories' levels as in the fit; a level the fit did not
/// see is refused); it holds the columns it needs in memory.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  logreg glm --data train.csv --target y --save-model m.json
  logreg predict --model m.json --data new.csv --alpha 0.1 --out pred.csv
  logreg glm --data fair.csv --formula \"affair ~ age + C(occupation)\" --save-model f.json
  logreg predict --model f.json --data new.csv --keep id")]
pub struct Args {
    /// The model file (JSON), from `glm --save-model` or `nn --save-model`.
    #[arg(long, value_name = "FILE")]
    pub model: PathBuf,
    /// The new data: a CSV file with the model's feature columns, read a
    /// block at a time; for a --formula model, the raw columns its formula
    /// uses (any order), held in memory whole.
    #[arg(long, value_name = "FILE")]
    pub data: PathBuf,
    /// The intervals are at level 1 - alpha.
    #[arg(long, default_value_t = 0.05, value_parser = parse_alpha, allow_hyphen_values = true, value_name = "A")]
    pub alpha: f64,
    /// Field separator of --data [default: tab for .tsv files, comma otherwise].
    #[arg(long, value_parser = parse_delimiter, value_name = "CHAR")]
    pub delimiter: Option<u8>,
    /// What to do with a row with a missing value in a column the model
    /// reads: an error, or leave the row out of the predictions (stderr
    /// says how many were left out).
    #[arg(long, value_parser = missing_policies(), default_value = "error")]
    pub missing: MissingPolicy,
    /// Output file [default: stdout, also for `-`], written whole or not at
    /// all; stdout gets the rows as they are predicted.
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Columns of the new data copied in front of the predictions (ids,
    /// groups), comma-separated, each cell as the file writes it; a column
    /// named twice is refused.
    #[arg(long, value_delimiter = ',', value_name = "A,B")]
    pub keep: Option<Vec<String>>,
}

/// Rows predicted at a time: the memory `predict` holds does not grow with
/// the file (about 200 bytes a row of output and 8 a value of input).
const BLOCK_ROWS: usize = 1 << 16;

pub fn run(_: &Global, a: Args) -> anyhow::Result<()> {
    if a.model.as_os_str() == "-" {
        return Err(super::UsageError(
            "--model -: a model is read from its file, not from stdin; give the model file's path"
                .into(),
        )
        .into());
    }
    Preflight::default()
        .input("--model", Some(&a.model))
        .input("--data", Some(&a.data))
        .file("--out", a.out.as_deref())
        .check()?;
    // The data's header is checked before the model's covariance, whose
    // check costs seconds for thousands of coefficients.
    let model = SavedModel::read_but_covariance(&a.model)?;
    let keep = a.keep.clone().unwrap_or_default();
    if let Some(twice) = (0..keep.len())
        .find(|&i| keep[..i].iter().any(|k| k.trim() == keep[i].trim()))
        .map(|i| keep[i].trim())
    {
        return Err(UsageError(format!(
            "--keep: column {twice:?} is named twice; name each column once"
        ))
        .into());
    }
    let opts = CsvOptions {
        delimiter: a.delimiter,
        missing: a.missing,
        ..CsvOptions::default()
    };
    if let Some(coding) = &model.coding {
        // A formula model's design needs its columns whole: read in memory.
        let mut names = formula_columns(coding, model.offset.as_deref());
        names.extend(
            keep.iter()
                .filter(|k| !names.contains(k))
                .cloned()
                .collect::<Vec<_>>(),
        );
        let at: Vec<usize> = keep
            .iter()
            .map(|k| names.iter().position(|n| n.trim() == k.trim()).unwrap_or(0))
            .collect();
        let (table, kept_cells) = read_table_and_text(&a.data, &names, &at, &opts)?;
        model.check_covariance(&a.model.display().to_string())?;
        let (x, offset, kept) = formula_rows(coding, model.offset.as_deref(), &table, a.missing)?;
        let lines: Vec<u64> = kept.iter().map(|&i| table.lines[i]).collect();
        let file = a.data.display().to_string();
        let p = predict_lines(&model, &x, offset.as_deref(), a.alpha, &file, Some(&lines))?;
        let mut text = String::new();
        p.csv_rows(&mut text);
        let kept_text = Kept::new(kept_cells);
        let text =
            kept_text.header(&keep, &p.csv_header()) + &kept_text.rows(&text, kept.iter().copied());
        let mut sink = Output::from_arg(a.out.as_ref()).open()?;
        let name = sink.name();
        sink.write_all(text.as_bytes())
            .with_context(|| format!("{name}: cannot write"))?;
        note_dropped(&a.data, table.rows() - kept.len());
        return sink.commit();
    }
    // The kept columns by file line; the predictions stream by blocks.
    let kept_table = match keep.is_empty() {
        true => None,
        false => {
            let all: Vec<usize> = (0..keep.len()).collect();
            Some(read_table_and_text(&a.data, &keep, &all, &opts)?)
        }
    };
    let row_of: std::collections::HashMap<u64, usize> = kept_table
        .iter()
        .flat_map(|(t, _)| t.lines.iter().enumerate().map(|(i, &l)| (l, i)))
        .collect();
    let kept_text = kept_table.map(|(_, cells)| Kept::new(cells));
    let mut reader = ColumnReader::open(&a.data, &columns(&model), a.delimiter, a.missing)?;
    model.check_covariance(&a.model.display().to_string())?;
    // Opened before the work: an error or Ctrl-C removes the temporary file.
    let mut sink = Output::from_arg(a.out.as_ref()).open()?;
    let file = a.data.display().to_string();
    let (mut values, mut lines, mut text) = (Vec::new(), Vec::new(), String::new());
    let mut first = true;
    loop {
        values.clear();
        lines.clear();
        let n = reader.next_block(BLOCK_ROWS, &mut values, &mut lines)?;
        if n == 0 {
            break;
        }
        let (x, offset) = design(&model, &values, n);
        let p = predict_lines(&model, &x, offset.as_deref(), a.alpha, &file, Some(&lines))?;
        text.clear();
        if first {
            match &kept_text {
                Some(k) => text.push_str(&k.header(&keep, &p.csv_header())),
                None => text.push_str(&p.csv_header()),
            }
            first = false;
        }
        match &kept_text {
            Some(k) => {
                let mut rows = String::new();
                p.csv_rows(&mut rows);
                text.push_str(&k.rows(&rows, lines.iter().map(|l| row_of[l])));
            }
            None => p.csv_rows(&mut text),
        }
        let name = sink.name();
        sink.write_all(text.as_bytes())
            .with_context(|| format!("{name}: cannot write"))?;
    }
    note_dropped(&a.data, reader.dropped());
    sink.commit()
}

/// The `--keep` columns' cells as the file writes them, by table row,
/// CSV-quoted where needed.
struct Kept {
    cells: Vec<Vec<String>>,
}

impl Kept {
    /// From each kept column's cells, one per table row.
    fn new(columns: Vec<Vec<String>>) -> Kept {
        let cells = columns
            .into_iter()
            .map(|c| c.iter().map(|s| quoted(s)).collect())
            .collect();
        Kept { cells }
    }

    /// `header` (a line) with the kept columns' names in front.
    fn header(&self, keep: &[String], header: &str) -> String {
        let mut line = String::new();
        for k in keep {
            line.push_str(&quoted(k.trim()));
            line.push(',');
        }
        line + header
    }

    /// Each line of `rows` with the kept cells of its table row in front.
    fn rows(&self, rows: &str, table_rows: impl Iterator<Item = usize>) -> String {
        let mut out = String::with_capacity(rows.len() * 2);
        for (line, i) in rows.lines().zip(table_rows) {
            for c in &self.cells {
                out.push_str(&c[i]);
                out.push(',');
            }
            out.push_str(line);
            out.push('\n');
        }
        out
    }
}

/// `s` as a CSV field: quoted where it holds a comma, quote or line break.
fn quoted(s: &str) -> String {
    match s.contains([',', '"', '\n', '\r']) {
        true => format!("\"{}\"", s.replace('"', "\"\"")),
        false => s.to_string(),
    }
}
