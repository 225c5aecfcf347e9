//! The measures of a study that are not finite, and why: `repeat` and
//! `summarize` print each reason as a warning, so that no `-` in the table
//! (null in `--json`, empty in `--measures`) goes unexplained.
use super::mcse::{summarize_cells, Measures};
use super::merge::Merged;

/// Most figures named one by one; the rest are counted.
const NAMED: usize = 5;

/// One line per reason for the study's measures that are not finite
/// (NaN or infinite), without the `warning: ` the CLI puts first; empty
/// when every figure is finite.
///
/// - A cell whose estimator has fewer than two runs that did not fail has
///   no SD and no Monte Carlo SE (none at all without a run).
/// - A relative bias (and its MCSE) is not defined where the true value
///   is 0.
/// - Any other figure that is not finite (an empirical SE of 0 under a
///   relative SE error, an estimate that overflowed) is named: cell
///   (counted from 0, as `cells` in `--json` and the missing runs'
///   message), estimator, measure, coefficient.
pub fn undefined_measures(m: &Merged) -> Vec<String> {
    let names = m.design.names();
    let cells = summarize_cells(m);
    let mut few = 0;
    let mut zero_truth: Vec<&str> = Vec::new();
    let mut other: Vec<String> = Vec::new();
    for (i, c) in cells.iter().enumerate() {
        let estimators = [("GLM", &c.glm), ("NN", &c.nn)];
        let mut cell_few = false;
        for (est, ms) in estimators {
            let Some(ms) = ms else { continue };
            let bad = not_finite(ms);
            if bad.is_empty() {
                continue;
            }
            if c.runs.saturating_sub(c.failed) < 2 {
                cell_few = true;
                continue;
            }
            for (key, j) in bad {
                let truth = c.settings.beta.get(j).copied();
                let name = names.get(j).map_or("?", String::as_str);
                if key.starts_with("rel_bias") && truth == Some(0.0) {
                    if !zero_truth.contains(&name) {
                        zero_truth.push(name);
                    }
                    continue;
                }
                other.push(format!("cell {i} {est} {key} of {name}"));
            }
        }
        few += usize::from(cell_few);
    }
    let shown = "- in the table, null in --json";
    let mut out = Vec::new();
    if few > 0 {
        let cells_word = match cells.len() {
            1 => "the study has".to_string(),
            n => format!("{few} of {n} cells have"),
        };
        out.push(format!(
            "{cells_word} fewer than two runs that did not fail: SDs and Monte Carlo SEs \
             need two, every figure one ({shown})"
        ));
    }
    if !zero_truth.is_empty() {
        out.push(format!(
            "relative bias is not defined for {} (true value 0) ({shown})",
            zero_truth.join(", ")
        ));
    }
    if !other.is_empty() {
        let more = match other.len().saturating_sub(NAMED) {
            0 => String::new(),
            n => format!(" and {n} more"),
        };
        other.truncate(NAMED);
        out.push(format!("not finite: {}{more} ({shown})", other.join(", ")));
    }
    out
}

/// The measures (by their `--json` key) and coefficients whose figure is
/// not finite.
fn not_finite(ms: &Measures) -> Vec<(String, usize)> {
    let Ok(serde_json::Value::Object(map)) = serde_json::to_value(ms) else {
        return Vec::new();
    };
    // serde_json writes NaN and the infinities as null.
    let mut out = Vec::new();
    for (key, v) in map {
        let Some(list) = v.as_array() else { continue };
        for (j, x) in list.iter().enumerate() {
            if x.as_f64().is_none_or(|x| !x.is_finite()) {
                out.push((key.clone(), j));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every measure is looked at: a NaN put in any one of them is found,
    /// under its `--json` key.
    #[test]
    fn a_nan_in_any_measure_is_found_by_its_key() {
        let two = vec![1.0, 2.0];
        let some = Some(two.clone());
        let finite = Measures {
            mean: two.clone(),
            bias: two.clone(),
            bias_mcse: two.clone(),
            emp_se: two.clone(),
            emp_se_mcse: two.clone(),
            model_se: some.clone(),
            coverage: some.clone(),
            coverage_mcse: some.clone(),
            mse: two.clone(),
            mse_mcse: two.clone(),
            mean_abs_diff: some.clone(),
            max_abs_diff: some.clone(),
            rel_bias: two.clone(),
            rel_bias_mcse: two.clone(),
            power: some.clone(),
            power_mcse: some.clone(),
            ci_width: some.clone(),
            ci_width_mcse: some.clone(),
            model_se_mcse: some.clone(),
            rel_se_error: some.clone(),
            rel_se_error_mcse: some.clone(),
            be_coverage: some.clone(),
            be_coverage_mcse: some,
        };
        assert_eq!(not_finite(&finite), vec![]);
        let value = serde_json::to_value(&finite).unwrap();
        let keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys.len(), 23, "{keys:?}");
        for (key, bad) in keys
            .iter()
            .flat_map(|k| [(k, f64::NAN), (k, f64::INFINITY)])
        {
            let mut v = value.clone();
            v[key][1] = serde_json::Value::Null;
            let mut m = measures_from(&v);
            assert_eq!(not_finite(&m), vec![(key.clone(), 1)], "{key}");
            // The value itself, NaN or infinite, as the measures hold it.
            set(&mut m, key, bad);
            assert_eq!(not_finite(&m), vec![(key.clone(), 1)], "{key} {bad}");
        }
    }

    /// Put `v` at coefficient 1 of measure `key` (through the JSON).
    fn set(m: &mut Measures, key: &str, v: f64) {
        let mut json = serde_json::to_value(&*m).unwrap();
        json[key][1] = serde_json::json!(0.0);
        let mut back = measures_from(&json);
        let field = field_mut(&mut back, key);
        field[1] = v;
        *m = back;
    }

    /// The list of measure `key`.
    fn field_mut<'a>(m: &'a mut Measures, key: &str) -> &'a mut Vec<f64> {
        let opt = |o: &'a mut Option<Vec<f64>>| o.as_mut().unwrap();
        match key {
            "mean" => &mut m.mean,
            "bias" => &mut m.bias,
            "bias_mcse" => &mut m.bias_mcse,
            "emp_se" => &mut m.emp_se,
            "emp_se_mcse" => &mut m.emp_se_mcse,
            "model_se" => opt(&mut m.model_se),
            "coverage" => opt(&mut m.coverage),
            "coverage_mcse" => opt(&mut m.coverage_mcse),
            "mse" => &mut m.mse,
            "mse_mcse" => &mut m.mse_mcse,
            "mean_abs_diff" => opt(&mut m.mean_abs_diff),
            "max_abs_diff" => opt(&mut m.max_abs_diff),
            "rel_bias" => &mut m.rel_bias,
            "rel_bias_mcse" => &mut m.rel_bias_mcse,
            "power" => opt(&mut m.power),
            "power_mcse" => opt(&mut m.power_mcse),
            "ci_width" => opt(&mut m.ci_width),
            "ci_width_mcse" => opt(&mut m.ci_width_mcse),
            "model_se_mcse" => opt(&mut m.model_se_mcse),
            "rel_se_error" => opt(&mut m.rel_se_error),
            "rel_se_error_mcse" => opt(&mut m.rel_se_error_mcse),
            "be_coverage" => opt(&mut m.be_coverage),
            "be_coverage_mcse" => opt(&mut m.be_coverage_mcse),
            _ => panic!("{key}"),
        }
    }

    /// Measures back from their JSON, with null read as NaN.
    fn measures_from(v: &serde_json::Value) -> Measures {
        let get = |k: &str| -> Option<Vec<f64>> {
            v.get(k)?
                .as_array()
                .map(|a| a.iter().map(|x| x.as_f64().unwrap_or(f64::NAN)).collect())
        };
        let req = |k: &str| get(k).unwrap();
        Measures {
            mean: req("mean"),
            bias: req("bias"),
            bias_mcse: req("bias_mcse"),
            emp_se: req("emp_se"),
            emp_se_mcse: req("emp_se_mcse"),
            model_se: get("model_se"),
            coverage: get("coverage"),
            coverage_mcse: get("coverage_mcse"),
            mse: req("mse"),
            mse_mcse: req("mse_mcse"),
            mean_abs_diff: get("mean_abs_diff"),
            max_abs_diff: get("max_abs_diff"),
            rel_bias: req("rel_bias"),
            rel_bias_mcse: req("rel_bias_mcse"),
            power: get("power"),
            power_mcse: get("power_mcse"),
            ci_width: get("ci_width"),
            ci_width_mcse: get("ci_width_mcse"),
            model_se_mcse: get("model_se_mcse"),
            rel_se_error: get("rel_se_error"),
            rel_se_error_mcse: get("rel_se_error_mcse"),
            be_coverage: get("be_coverage"),
            be_coverage_mcse: get("be_coverage_mcse"),
        }
    }
}
