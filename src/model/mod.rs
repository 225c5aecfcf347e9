//! A fitted model saved as JSON (`glm --save-model`, `nn --save-model`) and
//! read back by `logreg predict`.
//!
//! The file is one JSON object, [`SavedModel`]:
//!
//! ```json
//! {"format": "logreg-model", "version": 1, "kind": "glm",
//!  "names": ["const", "x1"], "params": [0.42, -1.2], "link": "logit",
//!  "cov_type": "nonrobust", "cov_params": [[0.014, 0.0], [0.0, 0.0099]],
//!  "offset": null, "target": "y"}
//! ```
//!
//! Compatibility: `version` is the version of the file format, not of
//! logreg. This logreg writes [`VERSION`] and reads every version from 1 up
//! to it; a file of a newer version is refused with a message saying which
//! version this logreg reads. Keys are added, never renamed or removed, and
//! a key's meaning never changes within a version; a reader ignores keys it
//! does not know. A change that an older reader would misread (a new key it
//! must not ignore, a new meaning) raises the version, and the newer reader
//! keeps reading the older versions as they were written.
mod covariance;
mod error;
mod file;
mod formula_rows;
mod predict;
mod survey;

pub use covariance::{check_covariance, PSD_TOL, SYMMETRY_RTOL};
pub use error::ModelError;
pub use file::{ModelKind, SavedModel, FORMAT, VERSION};
pub use formula_rows::{formula_columns, formula_rows};
pub use predict::{columns, design, predict, predict_lines, Prediction};
