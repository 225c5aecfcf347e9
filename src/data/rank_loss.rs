//! Why a fit lost rank on a design that passed the rank check: a column
//! whose size is far from the others', or else the weights.
use super::{DataError, Dataset};

/// Columns whose sizes (root mean squares) are this many times apart are
/// blamed when the GLM loses rank. Its pseudo-inverse drops singular values
/// below 1e-15 of the largest: columns 1e8 apart use up half of f64's 16
/// digits, while the weights p(1 - p) of a fit near separation can take the
/// rest; closer columns leave the weights as the cause.
pub const SCALE_BLAMED: f64 = 1e8;

/// Why the GLM found rank `rank` < k on a design whose columns are
/// independent (every [`Dataset`] passed the rank check): the column whose size is
/// farthest from the others', when the sizes are [`SCALE_BLAMED`] apart,
/// with a remedy; otherwise the weights.
pub fn explain_rank_deficiency(data: &Dataset, rank: usize) -> DataError {
    let (n, k) = (data.n(), data.k());
    let name = |j: usize| data.names()[j].clone();
    let other = || DataError::RankDeficientFit {
        file: data.source().to_string(),
        rank,
        k,
    };
    // Root mean square of each column, computed on the column divided by its
    // largest |value| (no overflow or underflow).
    let rms: Vec<f64> = (0..k)
        .map(|j| {
            let col = data.x().iter().skip(j).step_by(k);
            let max = col.clone().fold(0.0f64, |m, v| m.max(v.abs()));
            if max == 0.0 || !max.is_finite() {
                return max;
            }
            max * (col.map(|v| (v / max).powi(2)).sum::<f64>() / n as f64).sqrt()
        })
        .collect();
    if rms.iter().any(|r| !(r.is_finite() && *r > 0.0)) {
        return other();
    }
    let logs: Vec<f64> = rms.iter().map(|r| r.log10()).collect();
    let (lo, hi) = logs
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
            (l.min(*v), h.max(*v))
        });
    if hi - lo < SCALE_BLAMED.log10() {
        return other();
    }
    // The column named: the feature farthest from the median size; the
    // one it is compared with: the median of the other columns.
    let median = |cols: Vec<usize>| {
        let mut cols = cols;
        cols.sort_by(|&a, &b| logs[a].total_cmp(&logs[b]));
        cols[(cols.len() - 1) / 2]
    };
    let mid = median((0..k).collect());
    let far = (1..k)
        .rev()
        .max_by(|&a, &b| {
            (logs[a] - logs[mid])
                .abs()
                .total_cmp(&(logs[b] - logs[mid]).abs())
        })
        .unwrap_or(1);
    let reference = median((0..k).filter(|&j| j != far).collect());
    // The power of ten between the two sizes.
    let power = (logs[far] - logs[reference]).round() as i32;
    DataError::BadlyScaled {
        file: data.source().to_string(),
        column: name(far),
        size: rms[far],
        other: name(reference),
        other_size: rms[reference],
        rank,
        k,
        power,
        simulated: data.truth().is_some(),
    }
}
