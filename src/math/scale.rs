//! Power-of-two column scales: each column of a design brought near 1
//! exactly, so that no square over- or underflows.

/// The power-of-two scale of each column of the row-major n × k slice `x`
/// ([`pow2_scale`] of its largest |value|).
pub fn column_scales(x: &[f64], k: usize) -> Vec<f64> {
    let max = match k {
        1 => column_max::<1>(x).to_vec(),
        2 => column_max::<2>(x).to_vec(),
        3 => column_max::<3>(x).to_vec(),
        4 => column_max::<4>(x).to_vec(),
        5 => column_max::<5>(x).to_vec(),
        6 => column_max::<6>(x).to_vec(),
        7 => column_max::<7>(x).to_vec(),
        8 => column_max::<8>(x).to_vec(),
        _ => {
            let mut max = vec![0.0f64; k];
            for row in x.chunks_exact(k) {
                for (m, v) in max.iter_mut().zip(row) {
                    *m = m.max(v.abs());
                }
            }
            max
        }
    };
    max.iter().map(|&m| pow2_scale(m)).collect()
}

/// The largest |value| of each of the K columns of the row-major `x`, a
/// NaN never taken (as `f64::max`), with the row length known to the
/// compiler.
fn column_max<const K: usize>(x: &[f64]) -> [f64; K] {
    let mut max = [0.0f64; K];
    for row in x.chunks_exact(K) {
        for j in 0..K {
            let a = row[j].abs();
            max[j] = if a > max[j] { a } else { max[j] };
        }
    }
    max
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every width gives `f64::max`'s column maxima: NaN skipped,
    /// infinities kept, a zero column scaled by 1.
    #[test]
    fn column_maxima_skip_nan_at_every_width() {
        for k in 1..=10 {
            let x: Vec<f64> = (0..7 * k)
                .map(|i| match i % 11 {
                    3 => f64::NAN,
                    9 => f64::NEG_INFINITY,
                    _ => ((i * 37 % 101) as f64 - 50.0) * 1e-3,
                })
                .collect();
            let mut want = vec![0.0f64; k];
            for row in x.chunks_exact(k) {
                for (m, v) in want.iter_mut().zip(row) {
                    *m = m.max(v.abs());
                }
            }
            let want: Vec<f64> = want.iter().map(|&m| pow2_scale(m)).collect();
            assert_eq!(column_scales(&x, k), want, "k {k}");
            assert_eq!(column_scales(&vec![0.0; 3 * k], k), vec![1.0; k], "k {k}");
        }
    }
}
