//! A study in long format for other tools (rsimsum, pandas, a spreadsheet):
//! its estimates, one CSV row per run, estimator and coefficient, and its
//! measures, one row per cell, estimator, coefficient and measure. Each row
//! opens with the cell's settings, one column per key of the lines' `cell`
//! in the order a line writes them, whatever keys a study's cells have.
//!
//! Rows are written to any [`Write`] as they are made (a large study's
//! estimates need not be held whole in memory); the caller decides where
//! they go. Numbers are written as [`Short`] writes them (shortest round trip); a
//! figure that is not a finite number (null in `--json`) is an empty field,
//! which pandas and R read as missing; booleans are `true` / `false`.
use std::io::Write;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::Serialize;
use serde_json::Value;

use super::line::cell_default;
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
pub fn write_estimates(m: &Merged, out: impl Write) -> std::io::Result<()> {
    let d = &m.design;
    let names = d.names();
    let z = crate::spec::normal::interval_quantile(d.alpha);
    let keys = columns(m.lines.iter().map(|l| &l.cell));
    let mut w = csv::Writer::from_writer(out);
    let mut head: Vec<&str> = keys.iter().map(String::as_str).collect();
    head.extend(ESTIMATES_COLUMNS);
    w.write_record(&head).map_err(io)?;
    let estimators = [("glm", d.fits.glm()), ("nn", d.fits.nn())];
    for line in &m.lines {
        let settings = settings_of(&line.cell, &keys);
        let flag = |b: bool| if b { "true" } else { "false" }.to_string();
        for (est, fitted) in estimators {
            if !fitted {
                continue;
            }
            for (j, term) in names.iter().enumerate() {
                let truth = line.cell.beta.get(j).copied().unwrap_or(f64::NAN);
                let (estimate, se) = match est {
                    "glm" => line
                        .glm
                        .as_ref()
                        .map_or((f64::NAN, f64::NAN), |g| (g.params[j], g.bse[j])),
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
                w.write_record(&row).map_err(io)?;
            }
        }
    }
    w.flush()
}

/// The measures of study `m`, per cell (in the design's order), estimator
/// (`glm`, then `nn`), coefficient and measure: the cell's settings,
/// `estimator`, `term`, `true`, `measure`, `value`, `mcse` (the figure's
/// Monte Carlo SE; empty where it has none). The measures are the keys of
/// `--json`'s `cells[].glm` and `cells[].nn` objects that do not end in
/// `_mcse`, in that order; `X_mcse` is the `mcse` of `X`.
pub fn write_measures(m: &Merged, out: impl Write) -> std::io::Result<()> {
    let cells = summarize_cells(m);
    let names = m.design.names();
    let keys = columns(cells.iter().map(|c| &c.settings));
    let mut w = csv::Writer::from_writer(out);
    let mut head: Vec<&str> = keys.iter().map(String::as_str).collect();
    head.extend(["estimator", "term", "true", "measure", "value", "mcse"]);
    w.write_record(&head).map_err(io)?;
    for c in &cells {
        let settings = settings_of(&c.settings, &keys);
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
                    w.write_record(&row).map_err(io)?;
                }
            }
        }
    }
    w.flush()
}

/// A CSV writer's error as the I/O error it is (a closed stdout stays a
/// broken pipe); a record the writer refuses is another I/O error.
fn io(e: csv::Error) -> std::io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => std::io::Error::other(format!("{other:?}")),
    }
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

/// The settings columns of a study: every key any of its cells writes (a
/// cell leaves out a setting at its default), in the order the cells write
/// them, so that every row has the same columns.
fn columns<T: Serialize>(cells: impl IntoIterator<Item = T>) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for cell in cells {
        let Ok(Ordered(fields)) = ordered(&cell) else {
            continue;
        };
        let mut at = 0;
        for (key, _) in fields {
            match keys.iter().position(|k| *k == key) {
                Some(p) => at = p + 1,
                None => {
                    keys.insert(at, key);
                    at += 1;
                }
            }
        }
    }
    keys
}

/// A cell's settings as CSV fields, one per column of `keys` (a key the
/// cell leaves out has its default, [`cell_default`]): a number as
/// [`Short`] writes it (an integer as its digits), a text as itself, a list
/// (the coefficients) as its items joined by commas, as `--beta` takes
/// them.
fn settings_of<T: Serialize>(cell: &T, keys: &[String]) -> Vec<String> {
    let fields = ordered(cell).map_or_else(|_| Vec::new(), |o| o.0);
    keys.iter()
        .map(|key| match fields.iter().find(|(k, _)| k == key) {
            Some((_, v)) => field(v),
            None => cell_default(key).map_or_else(String::new, |v| field(&v)),
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::study::merge::merge;
    use crate::study::read::read_lines;

    fn study(name: &str) -> Merged {
        let path = format!(
            "{}/tests/fixtures/repeat/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).unwrap();
        merge(None, read_lines(&path, text.as_bytes()).unwrap().runs).unwrap()
    }

    fn estimates_csv(m: &Merged) -> std::io::Result<Vec<u8>> {
        let mut out = Vec::new();
        write_estimates(m, &mut out).map(|()| out)
    }

    fn measures_csv(m: &Merged) -> std::io::Result<Vec<u8>> {
        let mut out = Vec::new();
        write_measures(m, &mut out).map(|()| out)
    }

    fn rows(bytes: &[u8]) -> Vec<csv::StringRecord> {
        csv::Reader::from_reader(bytes)
            .records()
            .map(Result::unwrap)
            .collect()
    }

    fn header(bytes: &[u8]) -> Vec<String> {
        let mut r = csv::Reader::from_reader(bytes);
        r.headers().unwrap().iter().map(String::from).collect()
    }

    #[test]
    fn the_settings_columns_are_the_cells_keys_in_their_order() {
        let m = study("mcse_edge_study.jsonl");
        let est = estimates_csv(&m).unwrap();
        let h = header(&est);
        assert_eq!(h[..5], ["n", "lr", "steps", "optimizer", "beta"]);
        assert_eq!(h[5..], ESTIMATES_COLUMNS);
        let first = &rows(&est)[0];
        let settings: Vec<&str> = first.iter().take(5).collect();
        assert_eq!(settings, ["60", "0.1", "100", "sgd", "0.5,0,-1"]);
        // Any key a cell has is a column, in its order: a made-up cell.
        #[derive(Serialize)]
        struct Wider {
            n: usize,
            x_dist: &'static str,
            x_corr: f64,
            beta: Vec<f64>,
        }
        let v = Wider {
            n: 5,
            x_dist: "normal",
            x_corr: 0.25,
            beta: vec![1.0, 0.0],
        };
        let keys = columns([&v]);
        assert_eq!(settings_of(&v, &keys), ["5", "normal", "0.25", "1,0"]);
        let keys: Vec<String> = ordered(&v).unwrap().0.into_iter().map(|e| e.0).collect();
        assert_eq!(keys, ["n", "x_dist", "x_corr", "beta"]);
    }

    /// Cells that leave out different defaults (a grid over links or
    /// feature distributions) still give every row the same columns, a left
    /// out setting at its default.
    #[test]
    fn cells_with_other_keys_share_the_columns_defaults_filled() {
        #[derive(Serialize)]
        struct C {
            n: usize,
            #[serde(skip_serializing_if = "Option::is_none")]
            link: Option<&'static str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            x_corr: Option<f64>,
            beta: Vec<f64>,
        }
        let plain = C {
            n: 5,
            link: None,
            x_corr: None,
            beta: vec![1.0],
        };
        let probit = C {
            n: 6,
            link: Some("probit"),
            x_corr: Some(0.5),
            beta: vec![2.0],
        };
        let keys = columns([&plain, &probit]);
        assert_eq!(keys, ["n", "link", "x_corr", "beta"]);
        assert_eq!(settings_of(&plain, &keys), ["5", "logit", "0", "1"]);
        assert_eq!(settings_of(&probit, &keys), ["6", "probit", "0.5", "2"]);
    }

    #[test]
    fn every_run_has_a_row_per_estimator_and_coefficient_failed_ones_too() {
        let m = study("mcse_edge_study.jsonl");
        let est = estimates_csv(&m).unwrap();
        let rows = rows(&est);
        assert_eq!(rows.len(), m.lines.len() * 2 * 3);
        let col = |name: &str| 5 + ESTIMATES_COLUMNS.iter().position(|c| *c == name).unwrap();
        let of_seed = |seed: &str, est: &str| {
            rows.iter()
                .filter(|r| &r[col("seed")] == seed && &r[col("estimator")] == est)
                .filter(|r| &r[0] == "60")
                .cloned()
                .collect::<Vec<_>>()
        };
        // The failed run of cell 0 (seed 2003): its GLM is there, its
        // network is not.
        let glm = of_seed("2003", "glm");
        assert!(glm.iter().all(|r| &r[col("failed")] == "true"));
        assert!(glm.iter().all(|r| !r[col("estimate")].is_empty()));
        let nn = of_seed("2003", "nn");
        assert_eq!(nn.len(), 3);
        assert!(nn.iter().all(|r| r[col("estimate")].is_empty()));
        // A network row has no SE or interval.
        let nn = of_seed("2000", "nn");
        for c in ["se", "ci_lower", "ci_upper"] {
            assert!(nn.iter().all(|r| r[col(c)].is_empty()), "{c}");
        }
        // The GLM's interval is the fit's, θ̂ ∓ z·se.
        let z = crate::spec::normal::interval_quantile(0.05);
        for r in of_seed("2000", "glm") {
            let f = |c: &str| r[col(c)].parse::<f64>().unwrap();
            assert_eq!(f("ci_lower"), f("estimate") - z * f("se"));
            assert_eq!(f("ci_upper"), f("estimate") + z * f("se"));
        }
        let separated = rows.iter().filter(|r| &r[col("separated")] == "true");
        assert_eq!(separated.count(), 2 * 2 * 3);
    }

    #[test]
    fn the_measures_csv_holds_every_figure_of_the_cells_with_its_mcse() {
        let m = study("mcse_edge_study.jsonl");
        let cells = summarize_cells(&m);
        let rows = rows(&measures_csv(&m).unwrap());
        let find = |cell: &str, est: &str, term: &str, key: &str| {
            rows.iter()
                .find(|r| &r[0] == cell && &r[5] == est && &r[6] == term && &r[8] == key)
                .unwrap_or_else(|| panic!("no row {cell} {est} {term} {key}"))
                .clone()
        };
        let g = cells[1].glm.as_ref().unwrap();
        let r = find("240", "glm", "x2", "rel_se_error");
        assert_eq!(r[7].to_string(), "-1");
        assert_eq!(
            r[9].parse::<f64>().unwrap(),
            g.rel_se_error.as_ref().unwrap()[2]
        );
        assert_eq!(
            r[10].parse::<f64>().unwrap(),
            g.rel_se_error_mcse.as_ref().unwrap()[2]
        );
        let r = find("240", "glm", "x1", "model_se");
        assert_eq!(
            r[10].parse::<f64>().unwrap(),
            g.model_se_mcse.as_ref().unwrap()[1]
        );
        // Null figures are empty: the relative bias of a zero coefficient,
        // the MCSE of a mean.
        let r = find("60", "nn", "x1", "rel_bias");
        assert_eq!((&r[9], &r[10]), ("", ""));
        assert_eq!(&find("60", "nn", "x1", "mean")[10], "");
        assert!(!rows.iter().any(|r| r[8].ends_with("_mcse")));
        // Per cell: 3 coefficients × (the GLM's 11 measures + the
        // network's 7).
        assert_eq!(rows.len(), 2 * 3 * (11 + 7));
    }
}
