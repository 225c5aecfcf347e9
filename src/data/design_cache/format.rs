//! The design cache's file format: a header (magic, n, k, the hash of the
//! data file's bytes it was built from, the checksums of its rows and of
//! itself, the rows dropped for a missing value, the column scales, the
//! names), then every row as k + 1 little-endian f64 (the design row, then
//! the target).
use xxhash_rust::xxh3::xxh3_128;

use super::key::ContentHash;

/// The file's first 8 bytes (format version 3).
pub(super) const MAGIC: &[u8; 8] = b"LOGREGD3";

/// Bytes of the header before the column scales: the magic; n, k and the
/// names' length (u64); the data file's length (u64) and XXH3-128; the
/// rows' XXH3-128; the header's own XXH3-128 (taken with these 16 bytes
/// zero); the rows of the data file dropped for a missing value (u64).
pub(super) const FIXED: usize = 96;

/// Where the header's own checksum lies.
pub(super) const HEADER_SUM: std::ops::Range<usize> = 72..88;

/// Bytes of memory a pass holds per row of a block: the raw row (k + 1
/// f64) and its copy split into the design block and the target.
pub fn bytes_per_row(k: usize) -> u64 {
    2 * 8 * (k as u64 + 1)
}

/// The header's names: design columns, then the target.
#[derive(serde::Serialize, serde::Deserialize)]
pub(super) struct Names {
    pub names: Vec<String>,
    pub target: String,
}

/// The file's header: the magic, n, k and the names' length as u64, the
/// data file's length and hash, the rows' hash, the header's own hash, the
/// k column scales, the names as JSON, zeros to a multiple of 8 bytes.
pub(super) fn header(
    n: usize,
    scale: &[f64],
    names: &[String],
    target: &str,
    source: ContentHash,
    rows: u128,
    dropped: u64,
) -> Vec<u8> {
    let names = serde_json::to_vec(&Names {
        names: names.to_vec(),
        target: target.to_string(),
    })
    .expect("names serialize");
    let mut head = Vec::new();
    head.extend_from_slice(MAGIC);
    for v in [n as u64, scale.len() as u64, names.len() as u64, source.len] {
        head.extend_from_slice(&v.to_le_bytes());
    }
    for v in [source.xxh3, rows, 0] {
        head.extend_from_slice(&v.to_le_bytes());
    }
    head.extend_from_slice(&dropped.to_le_bytes());
    debug_assert_eq!(head.len(), FIXED);
    for s in scale {
        head.extend_from_slice(&s.to_le_bytes());
    }
    head.extend_from_slice(&names);
    head.resize(head.len().next_multiple_of(8), 0);
    let sum = xxh3_128(&head);
    head[HEADER_SUM].copy_from_slice(&sum.to_le_bytes());
    head
}

/// Rows as the file holds them: each design row, then its target, as
/// little-endian f64, appended to `out`.
pub(super) fn row_bytes(x: &[f64], y: &[f64], out: &mut Vec<u8>) {
    let k = x.len() / y.len().max(1);
    for (row, yi) in x.chunks_exact(k.max(1)).zip(y) {
        for v in row.iter().chain([yi]) {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
}

/// Whether `s` is a power of two (a column scale: positive, finite, normal,
/// with no mantissa bits).
pub(super) fn is_power_of_two(s: f64) -> bool {
    s.is_normal() && s > 0.0 && s.to_bits() & ((1 << 52) - 1) == 0
}
