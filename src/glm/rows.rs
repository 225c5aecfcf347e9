//! The Binomial family and its link one row at a time, for the fused passes
//! over the rows ([`irls`](super::irls), the results): the same operations
//! in the same order as the tensor methods of [`Binomial`](super::Binomial)
//! and [`Link`], so both give the same numbers (tested below).
use super::link::{Link, Logit, EPS};

/// statsmodels adds this to μ and 1 - μ inside logs, as `family` does.
const LOG_GUARD: f64 = 1e-20;

/// A link evaluated one row at a time.
pub trait RowLink: Link + Sync {
    /// η = g(μ).
    fn link_row(&self, mu: f64) -> f64;
    /// μ = g⁻¹(η).
    fn inverse_row(&self, eta: f64) -> f64;
    /// g'(μ).
    fn deriv_row(&self, mu: f64) -> f64;
}

impl RowLink for Logit {
    /// `log(p / (1 - p))`, p clipped to `[EPS, 1 - EPS]`.
    fn link_row(&self, mu: f64) -> f64 {
        let p = clip(mu);
        (p / (1.0 - p)).ln()
    }
    /// `1 / (1 + exp(-η))`, not clipped.
    fn inverse_row(&self, eta: f64) -> f64 {
        1.0 / ((-eta).exp() + 1.0)
    }
    /// `1 / (p (1 - p))`, p clipped.
    fn deriv_row(&self, mu: f64) -> f64 {
        let p = clip(mu);
        1.0 / (p * (1.0 - p))
    }
}

/// μ clipped to `[EPS, 1 - EPS]` (NaN stays NaN, as `clamp`).
fn clip(mu: f64) -> f64 {
    mu.clamp(EPS, 1.0 - EPS)
}

/// `clip(v, EPS, inf)` as numpy and torch do it: NaN stays NaN.
fn clip_min_eps(v: f64) -> f64 {
    if v < EPS {
        EPS
    } else {
        v
    }
}

/// V(μ) = p (1 - p), p clipped.
pub fn variance(mu: f64) -> f64 {
    let p = clip(mu);
    p * (1.0 - p)
}

/// IRLS weight 1 / (g'(μ)² V(μ)).
pub fn weight<L: RowLink>(link: &L, mu: f64) -> f64 {
    let d = link.deriv_row(mu);
    1.0 / (d * d * variance(mu))
}

/// One row's deviance term 2 [y log(y/μ) + (1-y) log((1-y)/(1-μ))] with
/// statsmodels' guards. A zero coefficient multiplies a finite log (the
/// ratio is clipped at EPS), so that product is skipped: it is zero unless μ
/// is NaN.
pub fn deviance(y: f64, mu: f64) -> f64 {
    if mu.is_nan() {
        return f64::NAN;
    }
    let one_minus_y = 1.0 - y;
    let a = if y == 0.0 {
        0.0
    } else {
        y * clip_min_eps(y / (mu + LOG_GUARD)).ln()
    };
    let b = if one_minus_y == 0.0 {
        0.0
    } else {
        one_minus_y * clip_min_eps(one_minus_y / ((1.0 - mu) + LOG_GUARD)).ln()
    };
    (a + b) * 2.0
}

/// One row's log-likelihood y log((μ+1e-20)/(1-μ+1e-20)) + log(1-μ+1e-20).
/// For y = 0 the first product is skipped: the odds are finite and
/// positive for μ in [0, 1], so it is zero (unless μ is NaN).
pub fn loglike(y: f64, mu: f64) -> f64 {
    let one_minus = (1.0 - mu) + LOG_GUARD;
    let a = if y == 0.0 && !mu.is_nan() {
        0.0
    } else {
        y * ((mu + LOG_GUARD) / one_minus).ln()
    };
    a + one_minus.ln()
}

/// One row's Pearson term (y - μ)² / V(μ).
pub fn pearson(y: f64, mu: f64) -> f64 {
    let r = y - mu;
    r * r / variance(mu)
}

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
pub fn sum_rows(y: &[f64], mu: &[f64], f: impl Fn(f64, f64) -> f64) -> f64 {
    let mut total = Sum::default();
    for (y, mu) in y.chunks(128).zip(mu.chunks(128)) {
        total.add(y.iter().zip(mu).map(|(&y, &m)| f(y, m)).sum());
    }
    total.value()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::glm::Binomial;
    use tch::Tensor;

    fn v(t: &Tensor) -> Vec<f64> {
        Vec::<f64>::try_from(t).unwrap()
    }

    /// Every row function agrees with the tensor method on ordinary values,
    /// the clipping boundaries, 0, 1 and NaN: to the bit where only + - × ÷
    /// are involved, to an ulp or two where libtorch's exp and log (SLEEF)
    /// and the C library's are.
    #[test]
    fn rows_match_tensor_methods() {
        let mus = [
            0.0,
            1e-300,
            1e-17,
            EPS,
            1e-9,
            0.25,
            0.5,
            0.731,
            1.0 - 1e-9,
            1.0 - EPS,
            1.0,
            f64::NAN,
        ];
        let ys = [0.0, 1.0, 0.5, 0.3];
        let f = Binomial::new(Logit);
        let l = Logit;
        let mu_t = Tensor::from_slice(&mus);
        let same = |what: &str, got: Vec<f64>, want: Vec<f64>| {
            for (i, (g, w)) in got.iter().zip(&want).enumerate() {
                let close = (g - w).abs() <= 4.0 * f64::EPSILON * g.abs().max(w.abs());
                assert!(
                    close || (g.is_nan() && w.is_nan()) || g == w,
                    "{what}[{i}]: {g:e} vs tensor {w:e}"
                );
            }
        };
        same(
            "link",
            mus.iter().map(|&m| l.link_row(m)).collect(),
            v(&l.link(&mu_t).unwrap()),
        );
        same(
            "deriv",
            mus.iter().map(|&m| l.deriv_row(m)).collect(),
            v(&l.deriv(&mu_t).unwrap()),
        );
        same(
            "weights",
            mus.iter().map(|&m| weight(&l, m)).collect(),
            v(&f.weights(&mu_t).unwrap()),
        );
        let etas = [-800.0, -37.0, -1.5, 0.0, 1e-3, 2.0, 40.0, 800.0];
        let eta_t = Tensor::from_slice(&etas);
        same(
            "inverse",
            etas.iter().map(|&e| l.inverse_row(e)).collect(),
            v(&l.inverse(&eta_t).unwrap()),
        );
        for y in ys {
            let y_t = Tensor::from_slice(&vec![y; mus.len()]);
            for (i, &m) in mus.iter().enumerate() {
                let one = |t: &Tensor| t.narrow(0, i as i64, 1);
                let (yt, mt) = (one(&y_t), one(&mu_t));
                same(
                    "deviance",
                    vec![deviance(y, m)],
                    vec![f.deviance(&yt, &mt).unwrap()],
                );
                same(
                    "loglike",
                    vec![loglike(y, m)],
                    vec![f.loglike(&yt, &mt).unwrap()],
                );
                same(
                    "pearson",
                    vec![pearson(y, m)],
                    vec![f.pearson_chi2(&yt, &mt).unwrap()],
                );
            }
        }
    }

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
