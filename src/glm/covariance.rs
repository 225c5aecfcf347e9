//! The covariance of the estimates, chosen by [`CovType`]: statsmodels'
//! `fit(cov_type=...)` for nonrobust, HC0 and cluster, and the textbook
//! (R's `sandwich::vcovHC` on a glm) for HC1, HC2 and HC3, whose numbers
//! statsmodels 0.15 replaces by HC0's on a GLM.
//!
//! Notation, per row i at the estimate (μᵢ = g⁻¹(ηᵢ), scale 1): fᵢ the
//! freq weight, vᵢ the var weight, rᵢ = (yᵢ - μᵢ) / (g'(μᵢ) V(μᵢ)), so one
//! row's score is vᵢ rᵢ xᵢ; wᵢ = vᵢ / (g'(μᵢ)² V(μᵢ)) the expected
//! information weight. A freq weight is fᵢ repeated rows, so it multiplies
//! each row's outer products once (M = Σ fᵢ sᵢ sᵢᵀ, never fᵢ²).
//!
//! - nonrobust: statsmodels' `normalized_cov_params`, the pinv of the final
//!   weighted least-squares problem (computed by the fit).
//! - HC0: statsmodels' B M B with M = Σ fᵢ vᵢ² rᵢ² xᵢxᵢᵀ and B the inverse
//!   of the OBSERVED information Σ fᵢ wᵢ (1 + rᵢ (V g'' + V' g')) xᵢxᵢᵀ
//!   (`GLM.hessian`, observed by default); for the logit link observed =
//!   expected information.
//! - HC1–HC3 (textbook): B = (Σ fᵢ wᵢ xᵢxᵢᵀ)⁻¹, the expected information;
//!   HC1 = N/(N - k) B M B with N = Σ fᵢ (the rows of the expanded data,
//!   as a freq weight repeats rows; N = rows without freq weights); HC2 and
//!   HC3 divide row i's term of M by (1 - hᵢ) and (1 - hᵢ)², hᵢ = wᵢ xᵢᵀ B
//!   xᵢ the leverage of one copy of the row in the weighted fit.
//! - cluster: statsmodels' `cov_type="cluster"` (CRV1): B (Σ_g S_g S_gᵀ) B
//!   · G/(G - 1) · (n - 1)/(n - k), B as HC0's, S_g = Σ_{i in g} fᵢ vᵢ rᵢ xᵢ,
//!   G groups, n rows (statsmodels counts rows here, not Σ fᵢ).
use std::collections::BTreeMap;

use tch::Tensor;

use super::GlmError;
use crate::runtime::chunk::CHUNK;
use crate::runtime::threads::map_chunks;
use crate::spec::family::Binomial;
use crate::spec::link::Link;
use crate::spec::roles::RowValues;
use crate::spec::CovType;

/// What the sandwich reads at the estimate.
pub(crate) struct AtEstimate<'a, L: Link> {
    pub family: &'a Binomial<L>,
    /// The design, row-major n × k.
    pub x: &'a [f64],
    pub k: usize,
    pub y: &'a [f64],
    /// μ at the estimate.
    pub mu: &'a [f64],
    /// Weights and groups.
    pub rows: &'a RowValues<'a>,
    /// Threads for the passes over the rows.
    pub threads: usize,
}

/// One row's pieces: (rᵢ, 1/(g'² V), the observed information factor
/// 1 + rᵢ (V g'' + V' g')), as statsmodels' `score_factor` and
/// `hessian_factor` without the weights (which cancel in the factor).
fn row_terms<L: Link>(family: &Binomial<L>, y: f64, mu: f64) -> (f64, f64, f64) {
    let link = &family.link;
    let (d, var) = (link.deriv(mu), family.variance(mu));
    let r = (y - mu) / d / var;
    let w = family.weight(mu);
    let dvar = family.variance_deriv(mu);
    let observed = 1.0 + r * (var * link.deriv2(mu) + dvar * d);
    (r, w, observed)
}

impl<L: Link> AtEstimate<'_, L> {
    fn n(&self) -> usize {
        self.y.len()
    }

    /// Σ cᵢ xᵢxᵢᵀ (k × k, row-major), cᵢ = `c(i)`; chunks of rows summed in
    /// order, so the result does not depend on the thread count.
    fn gram(&self, c: impl Fn(usize) -> f64 + Sync) -> Vec<f64> {
        let (n, k) = (self.n(), self.k);
        let parts: Vec<(usize, usize)> = (0..n)
            .step_by(CHUNK)
            .map(|s| (s, (s + CHUNK).min(n)))
            .collect();
        let partial = map_chunks(parts, self.threads, |(start, end)| {
            let mut g = vec![0.0; k * k];
            for i in start..end {
                let ci = c(i);
                if ci == 0.0 {
                    continue;
                }
                let xi = &self.x[i * k..(i + 1) * k];
                for a in 0..k {
                    let cxa = ci * xi[a];
                    for b in 0..=a {
                        g[a * k + b] += cxa * xi[b];
                    }
                }
            }
            g
        });
        let mut g = vec![0.0; k * k];
        for p in partial {
            for (t, v) in g.iter_mut().zip(p) {
                *t += v;
            }
        }
        for a in 0..k {
            for b in 0..a {
                g[b * k + a] = g[a * k + b];
            }
        }
        g
    }

    /// The per-row terms of every row.
    fn terms(&self) -> Vec<(f64, f64, f64)> {
        (0..self.n())
            .map(|i| row_terms(self.family, self.y[i], self.mu[i]))
            .collect()
    }

    /// Σ fᵢ vᵢ² rᵢ² cᵢ xᵢxᵢᵀ: the meat, each row's score outer product
    /// scaled by `c(i)`.
    fn meat(&self, t: &[(f64, f64, f64)], c: impl Fn(usize) -> f64 + Sync) -> Vec<f64> {
        let rows = self.rows;
        self.gram(|i| {
            let s = rows.var(i) * t[i].0;
            rows.freq(i) * s * s * c(i)
        })
    }

    /// statsmodels' bread: the inverse of the observed information.
    fn observed_bread(&self, t: &[(f64, f64, f64)]) -> Result<Vec<f64>, GlmError> {
        let rows = self.rows;
        inverse(&self.gram(|i| rows.iweight(i) * t[i].1 * t[i].2), self.k)
    }

    /// The textbook bread: the inverse of the expected information.
    fn expected_bread(&self, t: &[(f64, f64, f64)]) -> Result<Vec<f64>, GlmError> {
        let rows = self.rows;
        inverse(&self.gram(|i| rows.iweight(i) * t[i].1), self.k)
    }

    /// hᵢ = wᵢ xᵢᵀ B xᵢ, B the expected bread.
    fn leverages(&self, t: &[(f64, f64, f64)], bread: &[f64]) -> Vec<f64> {
        let k = self.k;
        (0..self.n())
            .map(|i| {
                let xi = &self.x[i * k..(i + 1) * k];
                let q: f64 = (0..k)
                    .map(|a| xi[a] * (0..k).map(|b| bread[a * k + b] * xi[b]).sum::<f64>())
                    .sum();
                self.rows.var(i) * t[i].1 * q
            })
            .collect()
    }

    /// Σ_g S_g S_gᵀ with S_g = Σ_{i in g} fᵢ vᵢ rᵢ xᵢ, and G.
    fn cluster_meat(&self, t: &[(f64, f64, f64)], groups: &[usize]) -> (Vec<f64>, usize) {
        let k = self.k;
        let mut sums: BTreeMap<usize, Vec<f64>> = BTreeMap::new();
        for (i, &g) in groups.iter().enumerate() {
            let s = sums.entry(g).or_insert_with(|| vec![0.0; k]);
            let c = self.rows.iweight(i) * t[i].0;
            for (sa, xa) in s.iter_mut().zip(&self.x[i * k..(i + 1) * k]) {
                *sa += c * xa;
            }
        }
        let mut m = vec![0.0; k * k];
        for s in sums.values() {
            for a in 0..k {
                for b in 0..k {
                    m[a * k + b] += s[a] * s[b];
                }
            }
        }
        (m, sums.len())
    }
}

/// The inverse of a k × k matrix (row-major), as `np.linalg.inv` (LAPACK).
fn inverse(m: &[f64], k: usize) -> Result<Vec<f64>, GlmError> {
    let kk = k as i64;
    let t = Tensor::f_linalg_inv(&Tensor::f_from_slice(m)?.f_view([kk, kk])?)?;
    Ok(Vec::<f64>::try_from(&t.f_contiguous()?.f_view([-1])?)?)
}

/// B M B (k × k, row-major), times `factor`.
fn sandwich(bread: &[f64], meat: &[f64], k: usize, factor: f64) -> Vec<f64> {
    let mul = |a: &[f64], b: &[f64]| -> Vec<f64> {
        let mut c = vec![0.0; k * k];
        for i in 0..k {
            for j in 0..k {
                c[i * k + j] = (0..k).map(|l| a[i * k + l] * b[l * k + j]).sum();
            }
        }
        c
    };
    mul(&mul(bread, meat), bread)
        .into_iter()
        .map(|v| v * factor)
        .collect()
}

/// The covariance of the estimates (k × k, row-major) for `cov_type`;
/// `normalized_cov` is the final WLS's pinv·pinvᵀ, the nonrobust answer.
/// Cluster reads the groups of `at.rows` (checked by
/// [`GlmOptions::rows`](super::GlmOptions::rows)).
pub(crate) fn cov_params<L: Link>(
    cov_type: CovType,
    at: &AtEstimate<'_, L>,
    normalized_cov: &[f64],
) -> Result<Vec<f64>, GlmError> {
    let k = at.k;
    let t = || at.terms();
    let cov = match cov_type {
        CovType::Nonrobust => normalized_cov.to_vec(),
        CovType::HC0 => {
            let t = t();
            sandwich(&at.observed_bread(&t)?, &at.meat(&t, |_| 1.0), k, 1.0)
        }
        CovType::HC1 => {
            let t = t();
            let n = at.rows.wnobs(at.n());
            let factor = n / (n - k as f64);
            sandwich(&at.expected_bread(&t)?, &at.meat(&t, |_| 1.0), k, factor)
        }
        CovType::HC2 | CovType::HC3 => {
            let t = t();
            let bread = at.expected_bread(&t)?;
            let h = at.leverages(&t, &bread);
            let power = if cov_type == CovType::HC2 { 1 } else { 2 };
            let meat = at.meat(&t, |i| 1.0 / (1.0 - h[i]).powi(power));
            sandwich(&bread, &meat, k, 1.0)
        }
        CovType::Cluster => {
            let groups = at.rows.groups.ok_or(GlmError::ClusterNeedsGroups)?;
            let t = t();
            let (meat, g) = at.cluster_meat(&t, groups);
            let (n, g, kf) = (at.n() as f64, g as f64, k as f64);
            let factor = g / (g - 1.0) * ((n - 1.0) / (n - kf));
            sandwich(&at.observed_bread(&t)?, &meat, k, factor)
        }
    };
    // 1/(1 - h) at a leverage of 1, or n/(n - k) at n = k: refused rather
    // than printed as inf or NaN standard errors.
    if cov_type != CovType::Nonrobust && cov.iter().any(|v| !v.is_finite()) {
        return Err(GlmError::CovarianceNotFinite(cov_type.name()));
    }
    Ok(cov)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::link::{Logit, Probit};

    /// Two sums of the same terms in another order (repeated rows against
    /// weights, group sums against row sums) agree to rounding.
    const RTOL_SAME_SUM: f64 = 1e-12;

    fn assert_close(what: &str, got: &[f64], want: &[f64]) {
        assert_eq!(got.len(), want.len(), "{what}");
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            let d = (g - w).abs();
            assert!(
                d <= RTOL_SAME_SUM * g.abs().max(w.abs()),
                "{what}[{i}]: {g:e} vs {w:e}"
            );
        }
    }

    /// A small design (const, two features) with a 0/1 target and means
    /// away from 0 and 1: the formulas are algebra, any μ will do.
    fn toy(n: usize) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        let mut x = Vec::new();
        let (mut y, mut mu) = (Vec::new(), Vec::new());
        for i in 0..n {
            let t = i as f64 / n as f64;
            x.extend([1.0, (7.0 * t).sin(), t * t - 0.3]);
            y.push(if (i * 7) % 3 == 0 { 1.0 } else { 0.0 });
            mu.push(0.2 + 0.6 * (3.0 * t).cos().abs());
        }
        (x, y, mu)
    }

    fn cov<L: Link>(
        link: L,
        cov_type: CovType,
        (x, y, mu): (&[f64], &[f64], &[f64]),
        rows: &RowValues,
    ) -> Vec<f64> {
        let family = Binomial::new(link);
        let at = AtEstimate {
            family: &family,
            x,
            k: 3,
            y,
            mu,
            rows,
            threads: 1,
        };
        cov_params(cov_type, &at, &[]).unwrap()
    }

    #[test]
    fn freq_weights_are_repeated_rows() {
        // Row i weighted f_i against the data with row i repeated f_i
        // times (f_i = 0 drops it): HC0 (observed bread, so probit too)
        // and the textbook HC1 (N = Σ f), HC2 and HC3 agree.
        let (x, y, mu) = toy(12);
        let f: Vec<f64> = (0..12).map(|i| (i % 4) as f64).collect();
        let (mut xe, mut ye, mut me) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..12 {
            for _ in 0..f[i] as usize {
                xe.extend_from_slice(&x[i * 3..i * 3 + 3]);
                ye.push(y[i]);
                me.push(mu[i]);
            }
        }
        let weighted = RowValues {
            freq_weights: Some(&f),
            ..RowValues::default()
        };
        for c in [CovType::HC0, CovType::HC1, CovType::HC2, CovType::HC3] {
            for probit in [false, true] {
                let (got, want) = if probit {
                    let g = cov(Probit, c, (&x, &y, &mu), &weighted);
                    (g, cov(Probit, c, (&xe, &ye, &me), &RowValues::default()))
                } else {
                    let g = cov(Logit, c, (&x, &y, &mu), &weighted);
                    (g, cov(Logit, c, (&xe, &ye, &me), &RowValues::default()))
                };
                assert_close(&format!("{} probit={probit}", c.name()), &got, &want);
            }
        }
    }

    #[test]
    fn cluster_of_single_rows_is_hc1_for_the_logit() {
        // One row per group: the group sums are the scores, and the
        // correction G/(G-1)·(n-1)/(n-k) is n/(n-k); with the logit
        // (observed = expected information) that is HC1.
        let (x, y, mu) = toy(10);
        let groups: Vec<usize> = (0..10).map(|i| 100 - i).collect();
        let rows = RowValues {
            groups: Some(&groups),
            ..RowValues::default()
        };
        let d = (&x[..], &y[..], &mu[..]);
        let cluster = cov(Logit, CovType::Cluster, d, &rows);
        assert_close("cluster", &cluster, &cov(Logit, CovType::HC1, d, &rows));
        // And the probit's observed bread is not its expected one.
        let (p1, pc) = (
            cov(Probit, CovType::HC1, d, &rows),
            cov(Probit, CovType::Cluster, d, &rows),
        );
        assert!((p1[0] - pc[0]).abs() > 1e-6 * p1[0], "{p1:?} {pc:?}");
    }

    #[test]
    fn hc2_and_hc3_weigh_scores_by_leverage() {
        // Leverages are in (0, 1) and sum to k, so HC0 < HC2 < HC3 on the
        // diagonal (textbook HC0 = statsmodels' for the logit).
        let (x, y, mu) = toy(15);
        let d = (&x[..], &y[..], &mu[..]);
        let r = RowValues::default();
        let [h0, h2, h3] = [CovType::HC0, CovType::HC2, CovType::HC3].map(|c| cov(Logit, c, d, &r));
        for j in 0..3 {
            let a = j * 3 + j;
            assert!(h0[a] < h2[a] && h2[a] < h3[a], "{j}: {h0:?} {h2:?} {h3:?}");
        }
        let h1 = cov(Logit, CovType::HC1, d, &r);
        let ratio: Vec<f64> = h0.iter().map(|v| v * 15.0 / 12.0).collect();
        assert_close("HC1 = n/(n-k) HC0", &h1, &ratio);
    }
}
