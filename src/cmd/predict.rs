//! `logreg predict`: a saved model's predictions on new data, as CSV.
use std::path::PathBuf;

use logreg::data::read_columns;
use logreg::glm::predict;
use logreg::model::SavedModel;

use super::common::{parse_alpha, parse_delimiter};
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
/// reads back as the same double.
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
    /// Output file [default: stdout, also for `-`], written whole or not at all.
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub fn run(_: &Global, a: Args) -> anyhow::Result<()> {
    Preflight::default()
        .input("--model", Some(&a.model))
        .input("--data", Some(&a.data))
        .file("--out", a.out.as_deref())
        .check()?;
    let model = SavedModel::read(&a.model)?;
    // The features (the model's names after `const`), then the offset.
    let mut columns: Vec<String> = model.names[1..].to_vec();
    columns.extend(model.offset.clone());
    let (n, values) = read_columns(&a.data, &columns, a.delimiter)?;
    let (k, m) = (model.names.len(), columns.len());
    let mut x = Vec::with_capacity(n * k);
    let mut offset = Vec::with_capacity(if model.offset.is_some() { n } else { 0 });
    for row in values.chunks_exact(m) {
        x.push(1.0);
        x.extend_from_slice(&row[..k - 1]);
        offset.extend(row.get(k - 1).copied());
    }
    let offset = model.offset.as_ref().map(|_| offset.as_slice());
    let file = a.data.display().to_string();
    let prediction = predict(&model, &x, offset, a.alpha, &file)?;
    Output::from_arg(a.out.as_ref()).write(&prediction.to_csv())
}
