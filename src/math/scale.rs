//! Power-of-two column scales: each column of a design brought near 1
//! exactly, so that no square over- or underflows.

/// The power-of-two scale of each column of the row-major n × k slice `x`
/// ([`pow2_scale`] of its largest |value|).
pub fn column_scales(x: &[f64], k: usize) -> Vec<f64> {
    let mut max = vec![0.0f64; k];
    for row in x.chunks_exact(k) {
        for (m, v) in max.iter_mut().zip(row) {
            *m = m.max(v.abs());
        }
    }
    max.iter().map(|&m| pow2_scale(m)).collect()
}

/// A power of two that brings `m` (a column's largest |value|) near 1; 1 for
/// a zero column.
fn pow2_scale(m: f64) -> f64 {
    if m > 0.0 && m.is_finite() {
        let e = m.log2().floor().clamp(-1000.0, 1000.0) as i32;
        2f64.powi(-e)
    } else {
        1.0
    }
}
