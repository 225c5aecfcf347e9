//! What loss.svg measures both optimisers against: the network's objective
//! at the GLM estimate, and how far above it each Fisher-scoring iteration
//! left the loss.
use crate::data::Dataset;
use crate::glm::GlmFit;
use crate::math::sum::sum_rows_at;

/// The GLM's side of loss.svg.
#[derive(Debug, Clone, PartialEq)]
pub struct GlmLoss {
    /// The network's objective at the GLM estimate: Σ wᵢ·BCE(yᵢ, μ̂ᵢ) / n
    /// with the network's per-row weight w = freq · var · trials and the
    /// GLM's fitted μ̂ (offset included). The weighted log-likelihood has
    /// its maximum there, so this is the lowest loss the network can reach.
    pub minimum: f64,
    /// The loss after Fisher-scoring iteration i minus [`minimum`](Self::minimum),
    /// for i = 1..=iterations (entry i − 1): (deviance after iteration i −
    /// deviance at the estimate) / 2n. The deviance is 2 Σ wᵢ·(BCEᵢ − Hᵢ),
    /// Hᵢ the entropy of yᵢ (0 for 0/1 outcomes), which does not depend on
    /// the parameters, so differences of deviance / 2n are differences of
    /// the network's objective. (Iteration 0 is statsmodels' start,
    /// μ₀ = (y + ½)/2, which no parameter vector gives: it is not drawn.)
    pub fisher: Vec<f64>,
}

/// The GLM's side of loss.svg for `glm` fitted to `data`, or None when
/// the fit kept no fitted values (a fit read from a design cache).
pub fn glm_loss(glm: &GlmFit, data: &Dataset) -> Option<GlmLoss> {
    let n = data.n();
    if glm.mu.len() != n || n == 0 {
        return None;
    }
    let rows = data.roles().values();
    let total = sum_rows_at(data.y(), &glm.mu, |i, y, mu| bce(y, mu) * rows.iweight(i));
    let two_n = 2.0 * n as f64;
    Some(GlmLoss {
        minimum: total / n as f64,
        fisher: glm
            .deviance_history
            .iter()
            .skip(1)
            .map(|d| (d - glm.deviance) / two_n)
            .collect(),
    })
}

/// Smallest logarithm in libtorch's binary cross-entropy: each log is
/// clamped here, so a prediction of exactly 0 or 1 costs 100, not ∞.
const LOG_CLAMP: f64 = -100.0;

/// One row's binary cross-entropy as libtorch computes it (`nn.BCELoss`):
/// −(y·max(ln μ, −100) + (1 − y)·max(ln(1 − μ), −100)).
fn bce(y: f64, mu: f64) -> f64 {
    -(y * mu.ln().max(LOG_CLAMP) + (1.0 - y) * (1.0 - mu).ln().max(LOG_CLAMP))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::glm::{self, GlmConfig};
    use crate::runtime::threads::Threads;

    /// A sum of n terms of one row each, in f64: a few ulps of the total.
    const SUM_RTOL: f64 = 1e-14;

    /// 0/1 outcomes without weights: the minimum is -llf / n, and Fisher
    /// scoring's last iteration is the estimate, so its excess is 0 (up to
    /// the rounding of two sums of the deviance).
    #[test]
    fn the_last_fisher_iteration_is_at_the_minimum() {
        let n = 200;
        let mut x = Vec::with_capacity(2 * n);
        let mut y = Vec::with_capacity(n);
        for i in 0..n {
            let v = (i as f64 * 0.37).sin() * 2.0;
            x.extend([1.0, v]);
            y.push(f64::from((i * 7919) % 13 < 6 + usize::from(v > 0.5) * 4));
        }
        let names = vec!["const".to_string(), "x".to_string()];
        let data = Dataset::new(names, "y".into(), x, y, "test".into(), Threads::Auto).unwrap();
        let fit = glm::fit(&data, &GlmConfig::default()).unwrap();
        let g = glm_loss(&fit, &data).unwrap();
        let want = -fit.llf / n as f64;
        assert!(
            (g.minimum - want).abs() <= SUM_RTOL * want,
            "{} {want}",
            g.minimum
        );
        assert_eq!(g.fisher.len(), fit.iterations);
        let last = *g.fisher.last().unwrap();
        assert!(last.abs() <= SUM_RTOL * g.minimum, "{last}");
        assert!(g.fisher[..fit.iterations - 1].iter().all(|e| *e > last));
    }

    #[test]
    fn bce_is_clamped_as_libtorchs() {
        assert_eq!(bce(1.0, 0.0), 100.0);
        assert_eq!(bce(0.0, 1.0), 100.0);
        assert_eq!(bce(0.0, 0.0), 0.0);
        assert!((bce(1.0, 0.25) - 4f64.ln()).abs() < 1e-15);
        assert!((bce(0.5, 0.5) - 2f64.ln()).abs() < 1e-15);
    }
}
