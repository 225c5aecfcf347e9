//! Per-fit choices beyond the IRLS settings: the link, the covariance
//! type, and statsmodels' per-row inputs `freq_weights`, `var_weights`,
//! `offset` and the cluster groups (borrowed from where they were read),
//! checked once against the number of rows.
use std::collections::BTreeSet;

use super::GlmError;
use crate::spec::CovType;
use crate::spec::LinkKind;

/// What [`fit_with`](super::fit_with) takes next to the data and the
/// [`GlmConfig`](super::GlmConfig), as `sm.GLM(y, X, family=Binomial(link),
/// freq_weights=, var_weights=, offset=).fit(cov_type=, cov_kwds={"groups":
/// })`. Default: logit, no weights, no offset, nonrobust covariance (the
/// same fit as [`fit`](super::fit)).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct GlmOptions<'a> {
    /// The link. Default logit.
    pub link: LinkKind,
    /// Frequency weights: row i stands for `freq_weights[i]` identical
    /// rows. Whole numbers >= 0, not all 0. Default: all 1.
    pub freq_weights: Option<&'a [f64]>,
    /// Variance weights (statsmodels' `var_weights`, prior weights): finite,
    /// >= 0, not all 0. Default: all 1.
    pub var_weights: Option<&'a [f64]>,
    /// Offset added to the linear predictor with coefficient 1; finite.
    /// Default: all 0.
    pub offset: Option<&'a [f64]>,
    /// How the covariance of the estimates is computed. Default nonrobust.
    pub cov_type: CovType,
    /// The group of each row (any labels as indices), for
    /// [`CovType::Cluster`] only, which needs them. Default: none.
    pub groups: Option<&'a [usize]>,
}

/// The per-row inputs as the passes over the rows read them: 1 for a
/// missing weight and 0 for a missing offset, which leave the unweighted
/// numbers bit for bit as they are (x·1 and x + 0 are exact).
#[derive(Debug, Clone, Copy, Default)]
pub struct Rows<'a> {
    pub freq: Option<&'a [f64]>,
    pub var: Option<&'a [f64]>,
    pub offset: Option<&'a [f64]>,
    /// The group of each row, for cluster covariance.
    pub groups: Option<&'a [usize]>,
}

impl Rows<'_> {
    /// statsmodels' `freq_weights[i]`.
    #[inline(always)]
    pub fn freq(&self, i: usize) -> f64 {
        self.freq.map_or(1.0, |f| f[i])
    }

    /// statsmodels' `var_weights[i]`.
    #[inline(always)]
    pub fn var(&self, i: usize) -> f64 {
        self.var.map_or(1.0, |v| v[i])
    }

    /// statsmodels' `iweights[i]` = `freq_weights[i] * var_weights[i]`.
    #[inline(always)]
    pub fn iweight(&self, i: usize) -> f64 {
        self.freq(i) * self.var(i)
    }

    /// statsmodels' `offset[i]`.
    #[inline(always)]
    pub fn offset(&self, i: usize) -> f64 {
        self.offset.map_or(0.0, |o| o[i])
    }

    /// Whether there is an offset.
    pub fn has_offset(&self) -> bool {
        self.offset.is_some()
    }

    /// Σ freq_weights (statsmodels' `wnobs`), or `n`.
    pub fn wnobs(&self, n: usize) -> f64 {
        self.freq.map_or(n as f64, |f| f.iter().sum())
    }
}

/// Groups go with cluster covariance, and only with it: `groups` says
/// whether they are given. The check that needs no data, so a caller can make
/// it before reading any.
pub fn check_cov_groups(cov_type: CovType, groups: bool) -> Result<(), GlmError> {
    match (cov_type == CovType::Cluster, groups) {
        (true, false) => Err(GlmError::ClusterNeedsGroups),
        (false, true) => Err(GlmError::GroupsWithoutCluster(cov_type.name())),
        _ => Ok(()),
    }
}

impl<'a> GlmOptions<'a> {
    /// Check lengths and values against `n` rows; the view the fit reads.
    pub fn rows(&self, n: usize) -> Result<Rows<'a>, GlmError> {
        fn check<'v>(
            what: &'static str,
            v: Option<&'v [f64]>,
            weight: bool,
            n: usize,
        ) -> Result<Option<&'v [f64]>, GlmError> {
            let Some(v) = v else { return Ok(None) };
            if v.len() != n {
                return Err(GlmError::RowOptionLength {
                    what,
                    len: v.len(),
                    n,
                });
            }
            for (i, &x) in v.iter().enumerate() {
                let bad = if !x.is_finite() {
                    Some("not a finite number")
                } else if weight && x < 0.0 {
                    Some("negative")
                } else if what == "freq_weights" && x.fract() != 0.0 {
                    Some("not a whole number")
                } else {
                    None
                };
                if let Some(why) = bad {
                    return Err(GlmError::BadRowOption {
                        what,
                        row: i + 1,
                        value: x,
                        why,
                    });
                }
            }
            if weight && v.iter().all(|&x| x == 0.0) {
                return Err(GlmError::AllZeroWeights(what));
            }
            Ok(Some(v))
        }
        Ok(Rows {
            freq: check("freq_weights", self.freq_weights, true, n)?,
            var: check("var_weights", self.var_weights, true, n)?,
            offset: check("offset", self.offset, false, n)?,
            groups: self.check_groups(n)?,
        })
    }

    /// Groups exactly when the covariance is cluster, one per row, at
    /// least 2 distinct.
    fn check_groups(&self, n: usize) -> Result<Option<&'a [usize]>, GlmError> {
        check_cov_groups(self.cov_type, self.groups.is_some())?;
        let Some(g) = self.groups else {
            return Ok(None);
        };
        if g.len() != n {
            return Err(GlmError::RowOptionLength {
                what: "groups",
                len: g.len(),
                n,
            });
        }
        let distinct = g.iter().collect::<BTreeSet<_>>().len();
        if distinct < 2 {
            return Err(GlmError::TooFewGroups(distinct));
        }
        Ok(Some(g))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_weights_and_offsets() {
        fn opts<'a>(
            f: Option<&'a [f64]>,
            v: Option<&'a [f64]>,
            o: Option<&'a [f64]>,
        ) -> GlmOptions<'a> {
            GlmOptions {
                freq_weights: f,
                var_weights: v,
                offset: o,
                ..GlmOptions::default()
            }
        }
        let err = |o: GlmOptions| o.rows(3).unwrap_err();
        assert_eq!(
            err(opts(Some(&[1.0, 2.0][..]), None, None)),
            GlmError::RowOptionLength {
                what: "freq_weights",
                len: 2,
                n: 3
            }
        );
        assert_eq!(
            err(opts(None, Some(&[1.0, -0.5, 1.0][..]), None)),
            GlmError::BadRowOption {
                what: "var_weights",
                row: 2,
                value: -0.5,
                why: "negative"
            }
        );
        assert!(matches!(
            err(opts(None, None, Some(&[0.0, 0.0, f64::NAN][..]))),
            GlmError::BadRowOption {
                what: "offset",
                row: 3,
                ..
            }
        ));
        assert!(matches!(
            err(opts(Some(&[1.0, 1.5, 1.0][..]), None, None)),
            GlmError::BadRowOption {
                what: "freq_weights",
                row: 2,
                why: "not a whole number",
                ..
            }
        ));
        assert_eq!(
            err(opts(None, Some(&[0.0; 3][..]), None)),
            GlmError::AllZeroWeights("var_weights")
        );
        let e = err(opts(Some(&[1.0, f64::INFINITY, 1.0][..]), None, None));
        assert_eq!(
            e.to_string(),
            "freq_weights at row 2 is inf: not a finite number"
        );
        assert_eq!(e.kind(), crate::ErrorKind::BadInput);
        // Values print in short form, not as hundreds of digits.
        let e = err(opts(Some(&[1e-300, 1.0, 1.0][..]), None, None));
        assert_eq!(
            e.to_string(),
            "freq_weights at row 1 is 1e-300: not a whole number"
        );
        // Negative offsets are fine.
        assert!(opts(None, None, Some(&[-1.0, 0.0, 2.0][..]))
            .rows(3)
            .is_ok());
    }

    #[test]
    fn rejects_groups_without_cluster_and_cluster_without_two_groups() {
        let opts = |cov_type: CovType, groups: Option<&'static [usize]>| GlmOptions {
            cov_type,
            groups,
            ..GlmOptions::default()
        };
        let err = |o: GlmOptions| o.rows(3).unwrap_err();
        assert_eq!(
            err(opts(CovType::Cluster, None)),
            GlmError::ClusterNeedsGroups
        );
        assert_eq!(
            err(opts(CovType::HC1, Some(&[0, 1, 1][..]))),
            GlmError::GroupsWithoutCluster("HC1")
        );
        assert_eq!(
            err(opts(CovType::Cluster, Some(&[0, 1][..]))),
            GlmError::RowOptionLength {
                what: "groups",
                len: 2,
                n: 3
            }
        );
        let one = err(opts(CovType::Cluster, Some(&[7, 7, 7][..])));
        assert_eq!(one, GlmError::TooFewGroups(1));
        assert_eq!(one.kind(), crate::ErrorKind::BadInput);
        // The messages name settings, not flags.
        for e in [GlmError::ClusterNeedsGroups, one] {
            assert!(!e.to_string().contains("--"), "{e}");
        }
        let ok = opts(CovType::Cluster, Some(&[7, 2, 7][..]));
        assert_eq!(ok.rows(3).unwrap().groups, Some(&[7, 2, 7][..]));
        assert_eq!(opts(CovType::HC3, None).rows(3).unwrap().groups, None);
    }
}
