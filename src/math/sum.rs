//! Compensated sums over the rows, so that the deviance's rounding stays far
//! below the convergence tolerance.

/// A sum with Neumaier's compensation: the deviance is compared with an
/// absolute `tol` (1e-8) at magnitudes near n, so its rounding must stay far
/// below that.
#[derive(Debug, Default, Clone, Copy)]
pub struct Sum {
    s: f64,
    c: f64,
}

impl Sum {
    /// Add one value.
    pub fn add(&mut self, v: f64) {
        let t = self.s + v;
        if self.s.abs() >= v.abs() {
            self.c += (self.s - t) + v;
        } else {
            self.c += (v - t) + self.s;
        }
        self.s = t;
    }

    /// Add another compensated sum.
    pub fn merge(&mut self, other: Sum) {
        self.add(other.s);
        self.add(other.c);
    }

    /// The total.
    pub fn value(self) -> f64 {
        self.s + self.c
    }
}

/// Σ f(yᵢ, μᵢ), summed in blocks of 128 rows, the blocks compensated.
#[cfg(test)]
pub fn sum_rows(y: &[f64], mu: &[f64], f: impl Fn(f64, f64) -> f64) -> f64 {
    sum_rows_at(y, mu, |_, y, m| f(y, m))
}

/// [`sum_rows`] with the row index (from 0) passed to `f` as well, for
/// per-row weights.
pub fn sum_rows_at(y: &[f64], mu: &[f64], f: impl Fn(usize, f64, f64) -> f64) -> f64 {
    let mut total = Sum::default();
    for (c, (y, mu)) in y.chunks(128).zip(mu.chunks(128)).enumerate() {
        total.add(
            y.iter()
                .zip(mu)
                .enumerate()
                .map(|(i, (&y, &m))| f(c * 128 + i, y, m))
                .sum(),
        );
    }
    total.value()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compensated_sum_keeps_small_terms() {
        let mut s = Sum::default();
        s.add(1e16);
        for _ in 0..1000 {
            s.add(1.0);
        }
        s.add(-1e16);
        assert_eq!(s.value(), 1000.0);
    }
}
