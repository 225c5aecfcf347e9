//! A study in long format for other tools (rsimsum, pandas, a spreadsheet):
//! its estimates, one CSV row per run, estimator and coefficient, and its
//! measures, one row per cell, estimator, coefficient and measure. Each row
//! opens with the cell's settings, one column per key of the lines' `cell`
//! in the order a line writes them, whatever keys a study's cells have.
//!
//! Numbers are written as [`Short`] writes them (shortest round trip); a
//! figure that is not a finite number (null in `--json`) is an empty field,
//! which pandas and R read as missing; booleans are `true` / `false`.
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::Serialize;
use serde_json::Value;

use super::line::RunLine;
use super::mcse::{summarize_cells, CellSummary};
use super::merge::Merged;
use crate::numfmt::Short;

/// The columns of the estimates file after the cell's settings.
pub const ESTIMATES_COLUMNS: [&str; 10] = [
    "seed",
    "estimator",
    "term",
    "true",
    "estimate",
    "se",
    "ci_lower",
    "ci_upper",
    "failed",
    "separated",
];

/// The estimates of study `m`, in its order (cell, then seed; per run the
/// GLM, then the network; per estimator the coefficients): the cell's
/// settings, `seed`, `estimator` (`glm` or `nn`), `term`, `true`,
/// `estimate`, `se`, `ci_lower`, `ci_upper` (the GLM's Wald interval as its
/// fit reports it, θ̂ ∓ z·se with z = Φ⁻¹(1 − alpha/2); empty for the
/// network), `failed`, `separated`. Every run has a row for each estimator
/// of the study and each coefficient; a failed run whose fit is absent has
/// empty estimate fields there. A run's measures leave out failed runs:
/// filter on `failed` to recompute them.
pub fn estimates_csv(m: &Merged) -> std::io::Result<Vec<u8>> {
    let d = &m.design;
    let names = d.names();
    let z = crate::spec::normal::interval_quantile(d.alpha);
    let keys = cell_keys(m.lines.first());
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut head: Vec<&str> = keys.iter().map(|(k, _)| k.as_str()).collect();
    head.extend(ESTIMATES_COLUMNS);
    w.write_record(&head)?;
    let estimators = [("glm", d.fits.glm()), ("nn", d.fits.nn())];
    for line in &m.lines {
        let settings = settings_of(&line.cell);
        let flag = |b: bool| if b { "true" } else { "false" }.to_string();
        for (est, fitted) in estimators {
            if !fitted {
                continue;
            }
            for (j, term) in names.iter().enumerate() {
                let truth = line.cell.beta.get(j).copied().unwrap_or(f64::NAN);
                let (estimate, se) = match est {
                    "glm" => line.glm.as_ref().map_or((f64::NAN, f64::NAN), |g| {
                        (g.params[j], g.bse[j])
                    }),
                    _ => line
                        .nn
                        .as_ref()
                        .map_or((f64::NAN, f64::NAN), |n| (n.params[j], f64::NAN)),
                };
                let mut row = settings.clone();
                row.extend([
                    line.seed.to_string(),
                    est.to_string(),
                    term.clone(),
                    number(truth),
                    number(estimate),
                    number(se),
                    number(estimate - z * se),
                    number(estimate + z * se),
                    flag(line.is_failed()),
                    flag(line.separated),
                ]);
                w.write_record(&row)?;
            }
        }
    }
    w.into_inner().map_err(|e| e.into_error())
}

/// The measures of study `m`, per cell (in the design's order), estimator
/// (`glm`, then `nn`), coefficient and measure: the cell's settings,
/// `estimator`, `term`, `true`, `measure`, `value`, `mcse` (the figure's
/// Monte Carlo SE; empty where it has none). The measures are the keys of
/// `--json`'s `cells[].glm` and `cells[].nn` objects that do not end in
/// `_mcse`, in that order; `X_mcse` is the `mcse` of `X`.
pub fn measures_csv(m: &Merged) -> std::io::Result<Vec<u8>> {
    let cells = summarize_cells(m);
    let names = m.design.names();
    let keys = cell_keys(m.lines.first());
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut head: Vec<&str> = keys.iter().map(|(k, _)| k.as_str()).collect();
    head.extend(["estimator", "term", "true", "measure", "value", "mcse"]);
    w.write_record(&head)?;
    for c in &cells {
        let settings = settings_of(&c.settings);
        for (est, measures) in estimators(c) {
            let Ok(Ordered(fields)) = ordered(&measures) else {
                continue;
            };
            let mcse_of = |key: &str| {
                let want = format!("{key}_mcse");
                fields.iter().find(|(k, _)| *k == want).map(|(_, v)| v)
            };
            for (j, term) in names.iter().enumerate() {
                for (key, values) in &fields {
                    if key.ends_with("_mcse") {
                        continue;
                    }
                    let at = |v: &Value| v.get(j).and_then(Value::as_f64).unwrap_or(f64::NAN);
                    let mut row = settings.clone();
                    row.extend([
                        est.to_string(),
                        term.clone(),
                        number(c.settings.beta.get(j).copied().unwrap_or(f64::NAN)),
                        key.clone(),
                        number(at(values)),
                        number(mcse_of(key).map_or(f64::NAN, at)),
                    ]);
                    w.write_record(&row)?;
                }
            }
        }
    }
    w.into_inner().map_err(|e| e.into_error())
}

/// A cell's estimators with their measures, GLM first.
fn estimators(c: &CellSummary) -> Vec<(&'static str, &super::mcse::Measures)> {
    [("glm", c.glm.as_ref()), ("nn", c.nn.as_ref())]
        .into_iter()
        .filter_map(|(e, m)| Some((e, m?)))
        .collect()
}

/// A figure as a CSV field: empty when it is not a finite number.
fn number(v: f64) -> String {
    match v.is_finite() {
        true => Short(v).to_string(),
        false => String::new(),
    }
}

/// The keys of a line's `cell`, in the order the line writes them (the
/// columns of the settings); none without a line.
fn cell_keys(line: Option<&RunLine>) -> Vec<(String, Value)> {
    line.and_then(|l| ordered(&l.cell).ok())
        .map_or_else(Vec::new, |o| o.0)
}

/// A cell's settings as CSV fields, one per key in its order: a number as
/// [`Short`] writes it (an integer as its digits), a text as itself, a list
/// (the coefficients) as its items joined by commas, as `--beta` takes
/// them.
fn settings_of<T: Serialize>(cell: &T) -> Vec<String> {
    let Ok(Ordered(fields)) = ordered(cell) else {
        return Vec::new();
    };
    fields.iter().map(|(_, v)| field(v)).collect()
}

/// One setting as a CSV field.
fn field(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) if n.is_f64() => number(n.as_f64().unwrap_or(f64::NAN)),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(field).collect::<Vec<_>>().join(","),
        Value::Object(_) => v.to_string(),
    }
}

/// An object's entries in the order they were written (serde_json's `Map`
/// sorts its keys).
struct Ordered(Vec<(String, Value)>);

/// `value` serialized, its entries in order (an error for a non-object).
fn ordered<T: Serialize>(value: &T) -> serde_json::Result<Ordered> {
    serde_json::from_str(&serde_json::to_string(value)?)
}

impl<'de> Deserialize<'de> for Ordered {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Entries;
        impl<'de> Visitor<'de> for Entries {
            type Value = Ordered;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ordered, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry::<String, Value>()? {
                    out.push(entry);
                }
                Ok(Ordered(out))
            }
        }
        d.deserialize_map(Entries)
    }
}
