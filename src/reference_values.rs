//! Test support: the reference values of tests/fixtures/reference_values.json
//! (Python's, scipy's and numpy's own results, written by
//! scripts/make_reference_values.py), for unit tests to compare against.

/// The list stored under `key` in the reference values.
pub(crate) fn reference_values(key: &str) -> Vec<serde_json::Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/reference_values.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let values: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    values[key]
        .as_array()
        .unwrap_or_else(|| panic!("{path}: no list {key:?}"))
        .clone()
}
