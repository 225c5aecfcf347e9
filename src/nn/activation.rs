//! The network's output activation: the inverse of a binomial link, written
//! with the libtorch ops that `scripts/original.py` calls in PyTorch.
use std::fmt;

use tch::{TchError, Tensor};

/// The inverse link that turns the linear output η into a probability.
/// Each is written op for op as `scripts/original.py`'s `activate` writes it
/// in PyTorch, so the autograd graph, and so every bit, is the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Activation {
    /// logit: `torch.sigmoid(η)` (the lecture's).
    #[default]
    Sigmoid,
    /// probit: the standard Normal CDF, `torch.special.ndtr(η)`.
    NormalCdf,
    /// cloglog: 1 − exp(−exp(η)), as `-torch.expm1(-torch.exp(η))` (exact
    /// for small exp(η), where `1 - exp(...)` would cancel in float32).
    CLogLog,
    /// loglog: exp(−exp(−η)), as `torch.exp(-torch.exp(-η))`.
    LogLog,
    /// cauchy: 0.5 + atan(η)/π, as `torch.atan(η) / math.pi + 0.5`.
    Cauchy,
}

impl Activation {
    /// Every activation, in the order of [`Activation::link_name`]'s names.
    pub const ALL: [Activation; 5] = [
        Activation::Sigmoid,
        Activation::NormalCdf,
        Activation::CLogLog,
        Activation::LogLog,
        Activation::Cauchy,
    ];

    /// The activation whose link is `name` (`logit`, `probit`, `cloglog`,
    /// `loglog`, `cauchy`: statsmodels' link names in lower case).
    pub fn from_link_name(name: &str) -> Option<Activation> {
        Activation::ALL.into_iter().find(|a| a.link_name() == name)
    }

    /// The name of the link this activation inverts.
    pub fn link_name(self) -> &'static str {
        match self {
            Activation::Sigmoid => "logit",
            Activation::NormalCdf => "probit",
            Activation::CLogLog => "cloglog",
            Activation::LogLog => "loglog",
            Activation::Cauchy => "cauchy",
        }
    }

    /// The probability at linear output `eta`.
    pub fn f_apply(self, eta: &Tensor) -> Result<Tensor, TchError> {
        match self {
            Activation::Sigmoid => eta.f_sigmoid(),
            Activation::NormalCdf => eta.f_special_ndtr(),
            Activation::CLogLog => eta.f_exp()?.f_neg()?.f_expm1()?.f_neg(),
            Activation::LogLog => eta.f_neg()?.f_exp()?.f_neg()?.f_exp(),
            Activation::Cauchy => eta
                .f_atan()?
                .f_div_scalar(std::f64::consts::PI)?
                .f_add_scalar(0.5),
        }
    }
}

impl fmt::Display for Activation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.link_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_link_name_reads_back_every_link_name() {
        for a in Activation::ALL {
            assert_eq!(Activation::from_link_name(a.link_name()), Some(a));
        }
        assert_eq!(Activation::from_link_name("identity"), None);
    }

    /// Each activation is the inverse of its link: evaluated in f64 at a few
    /// points against the closed forms (erfc for probit).
    #[test]
    fn each_activation_is_its_links_inverse() {
        // f64 evaluation of the same formulas: only rounding differs.
        const TOL: f64 = 1e-15;
        let etas: [f64; 5] = [-3.0, -0.5, 0.0, 0.7, 2.5];
        let t = Tensor::from_slice(&etas);
        for a in Activation::ALL {
            let got = crate::runtime::torch::to_vec_f64(&a.f_apply(&t).unwrap()).unwrap();
            for (&eta, &p) in etas.iter().zip(&got) {
                let want = match a {
                    Activation::Sigmoid => 1.0 / (1.0 + (-eta).exp()),
                    Activation::NormalCdf => 0.5 * libm_erfc(-eta / std::f64::consts::SQRT_2),
                    Activation::CLogLog => 1.0 - (-eta.exp()).exp(),
                    Activation::LogLog => (-(-eta).exp()).exp(),
                    Activation::Cauchy => 0.5 + eta.atan() / std::f64::consts::PI,
                };
                assert!((p - want).abs() < TOL, "{a} at {eta}: {p} vs {want}");
            }
        }
    }

    /// erfc through libtorch's f64 kernel (Rust's std has none).
    fn libm_erfc(x: f64) -> f64 {
        Tensor::from(x).erfc().double_value(&[])
    }
}
