//! [`SavedModel`]: the model file's contents, written by `--save-model` and
//! checked key by key when read back.
use serde::{Deserialize, Serialize};

use crate::data::design::Coding;
use crate::glm::GlmFit;
use crate::nn::NnFit;
use crate::spec::CovType;
use crate::spec::LinkKind;

use super::covariance::check_covariance;
use super::survey::{survey, Survey, TopLevel};
use super::ModelError;

/// The `format` key's value: what marks a JSON file as a logreg model.
pub const FORMAT: &str = "logreg-model";

/// The newest file-format version this logreg writes; it reads 1 to this.
pub const VERSION: u64 = 2;

/// The version of a model without a formula: such a file is read by every
/// logreg from version 1 on, so it is written as version 1. A formula's
/// model ([`SavedModel::with_formula`]) needs version 2: a reader that
/// ignored its `coding` would read the new data's columns by the design's
/// names.
const PLAIN_VERSION: u64 = 1;

/// The most bytes [`SavedModel::read`] takes from a file: far above any
/// model (1,000 features' covariance is about 30 MB), and a bound on what
/// an endless input such as `/dev/zero` costs before it is refused.
pub const MAX_MODEL_BYTES: u64 = 256 << 20;

/// Which fit made the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ModelKind {
    /// `logreg glm`: carries the covariance, so predictions have standard errors.
    Glm,
    /// `logreg nn`: the trained network's coefficients, no covariance.
    Nn,
}

/// A fitted model, as saved. Keys in file order; see the module docs for
/// the compatibility rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SavedModel {
    /// Always [`FORMAT`].
    pub format: String,
    /// The file-format version, [`VERSION`] when written by this logreg.
    pub version: u64,
    /// `glm` or `nn`.
    pub kind: ModelKind,
    /// Design column names, the intercept `const` first, then the features
    /// in the order of `params`.
    pub names: Vec<String>,
    /// Coefficients, one per name.
    pub params: Vec<f64>,
    /// The link, lower case (`logit`, `probit`, `cloglog`, `loglog`, `cauchy`).
    pub link: LinkKind,
    /// The covariance type of `cov_params` (`nonrobust`, `HC0`, ...); glm only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cov_type: Option<String>,
    /// The k × k covariance of `params`, rows as lists; glm only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cov_params: Option<Vec<Vec<f64>>>,
    /// The offset column's name, read from the new data by `predict`; null
    /// when the fit had none.
    pub offset: Option<String>,
    /// The target column the model was fitted to (not needed to predict).
    pub target: String,
    /// The model formula of a formula fit (`--formula`); absent otherwise.
    /// Version 2.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub formula: Option<String>,
    /// A formula fit's coding: how `predict` builds the design from the new
    /// data's raw columns (factors, levels, references, terms); absent
    /// otherwise. Version 2.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coding: Option<Coding>,
}

impl SavedModel {
    /// The model of a GLM fit. `offset` is the offset column the fit used
    /// (the command passes its `--offset`). The link comes from the fit;
    /// the covariance is the fit's `cov_params`, of type `nonrobust`.
    pub fn from_glm(fit: &GlmFit, offset: Option<&str>) -> SavedModel {
        SavedModel {
            format: FORMAT.into(),
            version: PLAIN_VERSION,
            kind: ModelKind::Glm,
            names: fit.names.clone(),
            params: fit.params.clone(),
            link: fit.link,
            cov_type: Some(fit.cov_type.name().into()),
            cov_params: Some(fit.cov_params.clone()),
            offset: offset.map(str::to_string),
            target: fit.target.clone(),
            formula: None,
            coding: None,
        }
    }

    /// The model of a formula fit: its formula text and the design's
    /// coding, in a version-2 file; unchanged without a formula.
    pub fn with_formula(mut self, formula: Option<&str>, coding: Option<Coding>) -> SavedModel {
        if let (Some(formula), Some(coding)) = (formula, coding) {
            self.formula = Some(formula.to_string());
            self.coding = Some(coding);
            self.version = 2;
        }
        self
    }

    /// The model of a trained network: its coefficients on the original
    /// scale, `link` the link whose inverse is its activation.
    pub fn from_nn(fit: &NnFit, link: LinkKind, offset: Option<&str>, target: &str) -> SavedModel {
        SavedModel {
            format: FORMAT.into(),
            version: PLAIN_VERSION,
            kind: ModelKind::Nn,
            names: fit.names.clone(),
            params: fit.params.clone(),
            link,
            cov_type: None,
            cov_params: None,
            offset: offset.map(str::to_string),
            target: target.into(),
            formula: None,
            coding: None,
        }
    }

    /// The model as pretty-printed JSON, with a final newline.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a model serializes") + "\n"
    }

    /// Read the model file at `path` (at most [`MAX_MODEL_BYTES`]) and check
    /// it as [`from_json`](Self::from_json) does.
    pub fn read(path: &std::path::Path) -> Result<SavedModel, ModelError> {
        let model = Self::read_but_covariance(path)?;
        model.check_covariance(&path.display().to_string())?;
        Ok(model)
    }

    /// [`read`](Self::read) without the covariance check, the one check
    /// whose cost grows as k³ (seconds for thousands of coefficients): a
    /// caller can check the new data's header first, then must call
    /// [`check_covariance`](Self::check_covariance) before using the model.
    pub fn read_but_covariance(path: &std::path::Path) -> Result<SavedModel, ModelError> {
        use std::io::Read;
        let file = path.display().to_string();
        let io = |reason: String| ModelError::Io {
            file: file.clone(),
            reason,
        };
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|f| f.take(MAX_MODEL_BYTES + 1).read_to_end(&mut bytes))
            .map_err(|e| io(e.to_string()))?;
        if bytes.len() as u64 > MAX_MODEL_BYTES {
            return Err(io(format!(
                "more than {} MiB: not a model file",
                MAX_MODEL_BYTES >> 20
            )));
        }
        let text = String::from_utf8(bytes).map_err(|_| ModelError::NotJson {
            file: file.clone(),
            reason: "not UTF-8 text".into(),
        })?;
        Self::parse(&text, &file)
    }

    /// Read a model file's text (a UTF-8 byte order mark at its start is
    /// skipped); `path` names the file in messages. Checks, in this order:
    /// JSON with no key twice, the `format` key, the `version`, each key's
    /// presence and type, the link's and the covariance type's names, and
    /// that the lengths agree: all before any list of numbers is built, so
    /// a file of the wrong shape costs no more memory than its keys. Then
    /// the values: `const` first, no name twice, finite numbers, and a
    /// covariance that is symmetric and positive semi-definite within
    /// rounding ([`check_covariance`]).
    pub fn from_json(text: &str, path: &str) -> Result<SavedModel, ModelError> {
        let model = Self::parse(text, path)?;
        model.check_covariance(path)?;
        Ok(model)
    }

    /// [`from_json`](Self::from_json) but the covariance check.
    fn parse(text: &str, path: &str) -> Result<SavedModel, ModelError> {
        let file = || path.to_string();
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let not_json = |e: serde_json::Error| ModelError::NotJson {
            file: file(),
            reason: e.to_string(),
        };
        let keys = match survey(text).map_err(not_json)? {
            TopLevel::Keys(keys) => keys,
            TopLevel::NotAnObject => return Err(ModelError::NotAModel { file: file() }),
            TopLevel::Duplicate(key) => return Err(ModelError::DuplicateKey { file: file(), key }),
        };
        let keys = Keys {
            keys: &keys,
            file: path,
        };
        if keys.find("format") != Some(&Survey::Text(FORMAT.into())) {
            return Err(ModelError::NotAModel { file: file() });
        }
        let version = match keys.get("version")? {
            Survey::Number(v) if *v >= 1.0 && v.fract() == 0.0 => *v,
            _ => return Err(keys.bad("version", "a whole number from 1")),
        };
        if version > VERSION as f64 {
            // JSON numbers are read as f64: whole numbers from 2^53 are no
            // longer exact (and `as u64` would saturate), so name those as
            // the f64 read rather than as a wrong integer.
            let found = if version < 2f64.powi(53) {
                (version as u64).to_string()
            } else {
                format!("{version:e}")
            };
            return Err(ModelError::TooNew {
                file: file(),
                found,
                reads: VERSION,
            });
        }
        let version = version as u64;
        let kind = match keys.string("kind", "\"glm\" or \"nn\"")? {
            "glm" => ModelKind::Glm,
            "nn" => ModelKind::Nn,
            _ => return Err(keys.bad("kind", "\"glm\" or \"nn\"")),
        };
        let names = match keys.get("names")? {
            Survey::List(items) if items.all_strings() => items.len,
            _ => return Err(keys.bad("names", "a list of strings")),
        };
        let k = match keys.get("params")? {
            Survey::List(items) if items.all_numbers() => items.len,
            _ => return Err(keys.bad("params", "a list of numbers")),
        };
        let link_name = keys.string("link", "a string")?;
        let link = link_name
            .parse::<LinkKind>()
            .map_err(|unknown| ModelError::UnknownLink {
                file: file(),
                unknown,
            })?;
        let offset = match keys.get("offset")? {
            Survey::Null => None,
            Survey::Text(s) => Some(s.clone()),
            _ => return Err(keys.bad("offset", "a column name or null")),
        };
        let target = keys.string("target", "a string")?.to_string();
        let shape = |what: String| ModelError::Shape { file: file(), what };
        if names != k {
            return Err(shape(format!("{names} names but {k} params")));
        }
        let cov_type = match kind {
            ModelKind::Glm => {
                let name = keys.string("cov_type", "a string")?;
                let known = name
                    .parse::<CovType>()
                    .map_err(|_| ModelError::UnknownCovType {
                        file: file(),
                        found: name.into(),
                    })?;
                let rows = match keys.get("cov_params")? {
                    Survey::List(items) if items.all_number_lists() => items,
                    _ => return Err(keys.bad("cov_params", "a list of lists of numbers")),
                };
                if rows.len != k || rows.min_len != k || rows.max_len != k {
                    let cols = if rows.min_len == rows.max_len {
                        rows.min_len.to_string()
                    } else {
                        format!("{} to {}", rows.min_len, rows.max_len)
                    };
                    return Err(shape(format!(
                        "cov_params is {} x {cols}, not {k} x {k} for {k} params",
                        rows.len
                    )));
                }
                Some(known.name().to_string())
            }
            ModelKind::Nn => None,
        };
        // The types and shapes are right: read the values.
        let (names, params, cov_params) = match kind {
            ModelKind::Glm => {
                let v: GlmValues = serde_json::from_str(text).map_err(not_json)?;
                (v.names, v.params, Some(v.cov_params))
            }
            ModelKind::Nn => {
                let v: NnValues = serde_json::from_str(text).map_err(not_json)?;
                (v.names, v.params, None)
            }
        };
        let (formula, coding) = match keys.find("coding") {
            None => (None, None),
            Some(_) => {
                let v: FormulaValues = serde_json::from_str(text).map_err(not_json)?;
                v.coding.check().map_err(|e| shape(e.to_string()))?;
                if v.coding.column_names() != names {
                    return Err(shape("the coding's columns are not the names".into()));
                }
                (Some(v.formula), Some(v.coding))
            }
        };
        let model = SavedModel {
            format: FORMAT.into(),
            version,
            kind,
            names,
            params,
            link,
            cov_type,
            cov_params,
            offset,
            target,
            formula,
            coding,
        };
        model.check_values(path)?;
        Ok(model)
    }

    /// `const` first, no name twice, an offset that is not a feature,
    /// finite params.
    fn check_values(&self, path: &str) -> Result<(), ModelError> {
        let shape = |what: String| ModelError::Shape {
            file: path.into(),
            what,
        };
        // A formula's names are its coding's (`Intercept` or none).
        if self.coding.is_none() && self.names.first().map(String::as_str) != Some("const") {
            return Err(shape(
                "the first name must be \"const\" (the intercept)".into(),
            ));
        }
        let mut seen = std::collections::HashSet::new();
        if let Some(twice) = self.names.iter().find(|n| !seen.insert(n.as_str())) {
            return Err(shape(format!(
                "the name {twice:?} appears twice in \"names\""
            )));
        }
        // The fits without a formula refuse a column in two roles: an
        // offset that is also a feature would be read twice. A formula's
        // names are its design's, and its offset may be a column the
        // formula also uses (statsmodels allows it).
        let plain = self.coding.is_none();
        if let Some(offset) = self
            .offset
            .as_ref()
            .filter(|o| plain && self.names.contains(o))
        {
            return Err(shape(format!(
                "\"offset\" names {offset:?}, which is also in \"names\"; a column cannot be both"
            )));
        }
        if let Some(i) = self.params.iter().position(|p| !p.is_finite()) {
            return Err(shape(format!(
                "params[{i}] is {}, not a finite number",
                self.params[i]
            )));
        }
        Ok(())
    }

    /// A glm's `cov_params` is a covariance matrix: symmetric and positive
    /// semi-definite within rounding ([`check_covariance`]).
    pub fn check_covariance(&self, path: &str) -> Result<(), ModelError> {
        match self.cov_params.as_deref().and_then(check_covariance) {
            Some(what) => Err(ModelError::Covariance {
                file: path.into(),
                what,
            }),
            None => Ok(()),
        }
    }
}

/// The lists of a glm model file, read once their types and shapes are
/// known to be right (other keys are skipped).
#[derive(Deserialize)]
struct GlmValues {
    names: Vec<String>,
    params: Vec<f64>,
    cov_params: Vec<Vec<f64>>,
}

/// A formula model's formula and coding (version 2).
#[derive(Deserialize)]
struct FormulaValues {
    formula: String,
    coding: Coding,
}

/// The lists of a network's model file.
#[derive(Deserialize)]
struct NnValues {
    names: Vec<String>,
    params: Vec<f64>,
}

/// The surveyed keys of a model file, looked up with messages naming them.
struct Keys<'a> {
    keys: &'a [(String, Survey)],
    file: &'a str,
}

impl Keys<'_> {
    fn find(&self, key: &str) -> Option<&Survey> {
        self.keys.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    fn get(&self, key: &'static str) -> Result<&Survey, ModelError> {
        self.find(key).ok_or_else(|| ModelError::MissingKey {
            file: self.file.into(),
            key,
        })
    }

    fn bad(&self, key: &'static str, expected: &'static str) -> ModelError {
        ModelError::BadKey {
            file: self.file.into(),
            key,
            expected,
        }
    }

    fn string(&self, key: &'static str, expected: &'static str) -> Result<&str, ModelError> {
        match self.get(key)? {
            Survey::Text(s) => Ok(s),
            _ => Err(self.bad(key, expected)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Map, Value};

    fn model() -> SavedModel {
        SavedModel {
            format: FORMAT.into(),
            version: PLAIN_VERSION,
            kind: ModelKind::Glm,
            names: vec!["const".into(), "x1".into()],
            params: vec![0.5, -1.25],
            link: LinkKind::CLogLog,
            cov_type: Some("nonrobust".into()),
            cov_params: Some(vec![vec![0.25, 0.125], vec![0.125, 0.5]]),
            offset: Some("off".into()),
            target: "y".into(),
            formula: None,
            coding: None,
        }
    }

    /// The model's JSON with `edit` applied to its object.
    fn edited(edit: impl FnOnce(&mut Map<String, Value>)) -> String {
        let mut v: Value = serde_json::from_str(&model().to_json()).unwrap();
        edit(v.as_object_mut().unwrap());
        v.to_string()
    }

    #[test]
    fn round_trips_through_json_with_the_link_in_lower_case() {
        let text = model().to_json();
        assert!(text.contains("\"link\": \"cloglog\""), "{text}");
        assert_eq!(SavedModel::from_json(&text, "m.json"), Ok(model()));
    }

    #[test]
    fn ignores_keys_it_does_not_know() {
        let text = edited(|o| {
            o.insert("added_later".into(), Value::from(3));
        });
        assert_eq!(SavedModel::from_json(&text, "m.json"), Ok(model()));
    }

    #[test]
    fn rejects_ill_typed_keys_naming_them() {
        let text = edited(|o| {
            o.insert("params".into(), Value::from("0.5"));
        });
        let e = SavedModel::from_json(&text, "m.json").unwrap_err();
        assert!(
            matches!(e, ModelError::BadKey { key: "params", .. }),
            "{e:?}"
        );
        let text = edited(|o| {
            o.remove("cov_params");
        });
        let e = SavedModel::from_json(&text, "m.json").unwrap_err();
        assert!(
            matches!(
                e,
                ModelError::MissingKey {
                    key: "cov_params",
                    ..
                }
            ),
            "{e:?}"
        );
    }

    #[test]
    fn rejects_inconsistent_shapes() {
        for edit in [
            (|o: &mut Map<String, Value>| {
                o.insert("params".into(), serde_json::json!([1.0]));
            }) as fn(&mut Map<String, Value>),
            |o| {
                o.insert("cov_params".into(), serde_json::json!([[1.0, 0.0]]));
            },
            |o| {
                o.insert("names".into(), serde_json::json!(["x1", "const"]));
            },
        ] {
            let e = SavedModel::from_json(&edited(edit), "m.json").unwrap_err();
            assert!(matches!(e, ModelError::Shape { .. }), "{e:?}");
            assert!(e.to_string().starts_with("m.json: "), "{e}");
        }
    }

    #[test]
    fn reads_version_one_point_zero_and_skips_a_byte_order_mark() {
        let text = edited(|o| {
            o.insert("version".into(), serde_json::json!(1.0));
        });
        assert_eq!(SavedModel::from_json(&text, "m.json"), Ok(model()));
        let text = format!("\u{feff}{}", model().to_json());
        assert_eq!(SavedModel::from_json(&text, "m.json"), Ok(model()));
    }

    #[test]
    fn rejects_a_key_given_twice_naming_it() {
        let text = model().to_json().replacen('{', "{\"params\": [1, 2],", 1);
        let e = SavedModel::from_json(&text, "m.json").unwrap_err();
        assert_eq!(
            e,
            ModelError::DuplicateKey {
                file: "m.json".into(),
                key: "params".into()
            }
        );
    }

    #[test]
    fn rejects_unknown_cov_type_and_a_covariance_that_is_not_one() {
        let text = edited(|o| {
            o.insert("cov_type".into(), Value::from("banana"));
        });
        let e = SavedModel::from_json(&text, "m.json").unwrap_err();
        assert!(matches!(e, ModelError::UnknownCovType { .. }), "{e:?}");
        let text = edited(|o| {
            o.insert(
                "cov_params".into(),
                serde_json::json!([[0.25, 0.0], [0.0, -1.0]]),
            );
        });
        let e = SavedModel::from_json(&text, "m.json").unwrap_err();
        assert!(matches!(e, ModelError::Covariance { .. }), "{e:?}");
    }

    #[test]
    fn rejects_a_newer_version_saying_which_it_reads() {
        let text = edited(|o| {
            o.insert("version".into(), Value::from(VERSION + 1));
        });
        let e = SavedModel::from_json(&text, "m.json").unwrap_err();
        assert_eq!(
            e,
            ModelError::TooNew {
                file: "m.json".into(),
                found: (VERSION + 1).to_string(),
                reads: VERSION
            }
        );
    }
}
