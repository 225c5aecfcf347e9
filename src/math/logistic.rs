//! The logistic function in f64.

/// Logistic function, written to stay accurate for large |t|.
pub fn sigmoid(t: f64) -> f64 {
    if t >= 0.0 {
        1.0 / (1.0 + (-t).exp())
    } else {
        let e = t.exp();
        e / (1.0 + e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigmoid_is_symmetric_and_bounded() {
        for t in [-800.0, -30.0, -1.0, 0.0, 1.0, 30.0, 800.0] {
            let s = sigmoid(t);
            assert!((0.0..=1.0).contains(&s));
            assert!((s + sigmoid(-t) - 1.0).abs() < 1e-15);
        }
    }
}
