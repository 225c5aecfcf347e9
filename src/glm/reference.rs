//! Test oracle: the logit link and the Binomial family on tensors, with
//! statsmodels' numpy operations in statsmodels' order; the row methods of
//! [`Logit`] and [`Binomial`] are checked against them.
use tch::Tensor;

use crate::spec::family::LOG_GUARD;
use crate::spec::link::{Link, Logit, EPS};
use crate::spec::Binomial;

fn clean(p: &Tensor) -> Tensor {
    p.clamp(EPS, 1.0 - EPS)
}
fn link(mu: &Tensor) -> Tensor {
    let p = clean(mu);
    (&p / p.rsub_scalar(1.0)).log()
}
fn inverse(eta: &Tensor) -> Tensor {
    (eta.neg().exp() + 1.0).reciprocal()
}
fn deriv(mu: &Tensor) -> Tensor {
    let p = clean(mu);
    (&p * p.rsub_scalar(1.0)).reciprocal()
}
fn variance(mu: &Tensor) -> Tensor {
    let p = clean(mu);
    &p * p.rsub_scalar(1.0)
}
fn weights(mu: &Tensor) -> Tensor {
    let d = deriv(mu);
    (&d * &d * variance(mu)).reciprocal()
}
fn scalar(t: &Tensor) -> f64 {
    t.double_value(&[])
}
fn deviance(y: &Tensor, mu: &Tensor) -> f64 {
    let endog_mu = (y / (mu + LOG_GUARD)).clamp_min(EPS);
    let one_minus_y = y.rsub_scalar(1.0);
    let n_endog_mu = (&one_minus_y / (mu.rsub_scalar(1.0) + LOG_GUARD)).clamp_min(EPS);
    let resid = y * endog_mu.log() + &one_minus_y * n_endog_mu.log();
    scalar(&(resid * 2.0).sum(None))
}
fn loglike(y: &Tensor, mu: &Tensor) -> f64 {
    let one_minus = mu.rsub_scalar(1.0) + LOG_GUARD;
    let odds = (mu + LOG_GUARD) / &one_minus;
    scalar(&(y * odds.log() + one_minus.log()).sum(None))
}
fn pearson_chi2(y: &Tensor, mu: &Tensor) -> f64 {
    let r = y - mu;
    scalar(&(&r * &r / variance(mu)).sum(None))
}

fn v(t: &Tensor) -> Vec<f64> {
    Vec::<f64>::try_from(t).unwrap()
}

/// Every row function agrees with the tensor computation on ordinary
/// values, the clipping boundaries, 0, 1 and NaN: to the bit where only the
/// four operations are involved, to an ulp or two where libtorch's exp and
/// log (SLEEF) and the C library's are.
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
        mus.iter().map(|&m| l.link(m)).collect(),
        v(&link(&mu_t)),
    );
    same(
        "deriv",
        mus.iter().map(|&m| l.deriv(m)).collect(),
        v(&deriv(&mu_t)),
    );
    same(
        "weights",
        mus.iter().map(|&m| f.weight(m)).collect(),
        v(&weights(&mu_t)),
    );
    let etas = [-800.0, -37.0, -1.5, 0.0, 1e-3, 2.0, 40.0, 800.0];
    let eta_t = Tensor::from_slice(&etas);
    same(
        "inverse",
        etas.iter().map(|&e| l.inverse(e)).collect(),
        v(&inverse(&eta_t)),
    );
    let y_t = Tensor::from_slice(&[0.0, 1.0, 1.0, 0.0]);
    same(
        "starting_mu",
        [0.0, 1.0, 1.0, 0.0].map(|y| f.starting_mu(y)).to_vec(),
        v(&((y_t + 0.5) / 2.0)),
    );
    for y in ys {
        for (i, &m) in mus.iter().enumerate() {
            let yt = Tensor::from_slice(&[y]);
            let mt = mu_t.narrow(0, i as i64, 1);
            let row = |g: &dyn Fn(f64, f64) -> f64| vec![g(y, m)];
            same(
                "deviance",
                row(&|y, m| f.deviance(y, m)),
                vec![deviance(&yt, &mt)],
            );
            same(
                "loglike",
                row(&|y, m| f.loglike(y, m)),
                vec![loglike(&yt, &mt)],
            );
            same(
                "pearson",
                row(&|y, m| f.pearson(y, m)),
                vec![pearson_chi2(&yt, &mt)],
            );
        }
    }
}
