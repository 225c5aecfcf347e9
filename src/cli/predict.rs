//! `logreg predict`: a saved model's predictions on new data, as CSV.
use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use logreg::data::{ColumnReader, MissingPolicy};
use logreg::model::SavedModel;
use logreg::model::{columns, design, predict_lines};

use super::args::{missing_policies, note_dropped, parse_alpha, parse_delimiter};
use super::preflight::Preflight;
use super::{Global, Output};

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
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  logreg glm --data train.csv --target y --save-model m.json
  logreg predict --model m.json --data new.csv --alpha 0.1 --out pred.csv")]
pub struct Args {
    /// The model file (JSON), from `glm --save-model` or `nn --save-model`.
    #[arg(long, value_name = "FILE")]
    pub model: PathBuf,
    /// The new data: a CSV file with the model's feature columns.
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
}

/// Rows predicted at a time: the memory `predict` holds does not grow with
/// the file (about 200 bytes a row of output and 8 a value of input).
const BLOCK_ROWS: usize = 1 << 16;

pub fn run(_: &Global, a: Args) -> anyhow::Result<()> {
    Preflight::default()
        .input("--model", Some(&a.model))
        .input("--data", Some(&a.data))
        .file("--out", a.out.as_deref())
        .check()?;
    // The data's header is checked before the model's covariance, whose
    // check costs seconds for thousands of coefficients.
    let model = SavedModel::read_but_covariance(&a.model)?;
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
            text.push_str(&p.csv_header());
            first = false;
        }
        p.csv_rows(&mut text);
        let name = sink.name();
        sink.write_all(text.as_bytes())
            .with_context(|| format!("{name}: cannot write"))?;
    }
    note_dropped(&a.data, reader.dropped());
    sink.commit()
}
