//! Per-fit choices beyond the IRLS settings: the link, the covariance
//! type, and the per-row roles (borrowed from where they were read),
//! checked once against the number of rows.
use std::collections::BTreeSet;

use super::GlmError;
use crate::setting::Setting;
use crate::spec::roles::RowValues;
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
    /// statsmodels' `freq_weights` (whole numbers >= 0, not all 0; default
    /// all 1), `var_weights` (finite, >= 0, not all 0; default all 1) and
    /// `offset` (finite; default all 0), and the group of each row, which
    /// [`CovType::Cluster`] needs and nothing else takes. Default: none.
    pub rows: RowValues<'a>,
    /// How the covariance of the estimates is computed. Default nonrobust.
    pub cov_type: CovType,
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
    pub fn rows(&self, n: usize) -> Result<RowValues<'a>, GlmError> {
        fn check(
            what: Setting,
            v: Option<&[f64]>,
            weight: bool,
            n: usize,
        ) -> Result<Option<&[f64]>, GlmError> {
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
                } else if what == Setting::FreqWeights && x.fract() != 0.0 {
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
        let r = &self.rows;
        Ok(RowValues {
            freq_weights: check(Setting::FreqWeights, r.freq_weights, true, n)?,
            var_weights: check(Setting::VarWeights, r.var_weights, true, n)?,
            offset: check(Setting::Offset, r.offset, false, n)?,
            groups: self.check_groups(n)?,
            trials: check(Setting::Failures, r.trials, true, n)?,
        })
    }

    /// Groups exactly when the covariance is cluster, one per row, at
    /// least 2 distinct.
    fn check_groups(&self, n: usize) -> Result<Option<&'a [usize]>, GlmError> {
        check_cov_groups(self.cov_type, self.rows.groups.is_some())?;
        let Some(g) = self.rows.groups else {
            return Ok(None);
        };
        if g.len() != n {
            return Err(GlmError::RowOptionLength {
                what: Setting::Groups,
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
                rows: RowValues {
                    freq_weights: f,
                    var_weights: v,
                    offset: o,
                    groups: None,
                    trials: None,
                },
                ..GlmOptions::default()
            }
        }
        let err = |o: GlmOptions| o.rows(3).unwrap_err();
        assert_eq!(
            err(opts(Some(&[1.0, 2.0][..]), None, None)),
            GlmError::RowOptionLength {
                what: Setting::FreqWeights,
                len: 2,
                n: 3
            }
        );
        assert_eq!(
            err(opts(None, Some(&[1.0, -0.5, 1.0][..]), None)),
            GlmError::BadRowOption {
                what: Setting::VarWeights,
                row: 2,
                value: -0.5,
                why: "negative"
            }
        );
        assert!(matches!(
            err(opts(None, None, Some(&[0.0, 0.0, f64::NAN][..]))),
            GlmError::BadRowOption {
                what: Setting::Offset,
                row: 3,
                ..
            }
        ));
        assert!(matches!(
            err(opts(Some(&[1.0, 1.5, 1.0][..]), None, None)),
            GlmError::BadRowOption {
                what: Setting::FreqWeights,
                row: 2,
                why: "not a whole number",
                ..
            }
        ));
        assert_eq!(
            err(opts(None, Some(&[0.0; 3][..]), None)),
            GlmError::AllZeroWeights(Setting::VarWeights)
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
            rows: RowValues {
                groups,
                ..RowValues::default()
            },
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
                what: Setting::Groups,
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
