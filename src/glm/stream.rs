//! A fit streamed from a design cache: what it takes, and the cache as its
//! [`Source`] (its rows in blocks, each with the whole design's column
//! scales).
use super::qr::ScaledDesign;
use super::source::Source;
use super::GlmError;
use crate::data::design_cache::Streamed;
use crate::data::RoleNames;
use crate::setting::Setting;
use crate::spec::roles::NUMERIC_ROLES;
use crate::spec::CovType;

/// What a fit streamed from a design cache does not take: the cache holds
/// the design and the target alone, so weights, an offset and the robust
/// covariances (which need each row's groups or residual) are fitted in
/// memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NotStreamed {
    /// A per-row role column.
    #[error(
        "a streamed fit takes no {0}: weights, offset and robust covariance are fitted in memory"
    )]
    Role(Setting),
    /// A covariance other than nonrobust.
    #[error("a streamed fit takes no {} covariance: weights, offset and robust covariance are fitted in memory", .0.name())]
    Covariance(CovType),
}

impl NotStreamed {
    /// Settings a streamed fit cannot take are bad input.
    pub fn kind(&self) -> crate::ErrorKind {
        crate::ErrorKind::BadInput
    }
}

/// Refuse what a streamed fit ([`super::fit_source`]) does not read: the
/// weight and offset columns of `roles` first, then a robust `cov_type`,
/// then groups.
pub fn check_streamed(roles: &RoleNames, cov_type: CovType) -> Result<(), NotStreamed> {
    if let Some(role) = NUMERIC_ROLES.into_iter().find(|&r| roles.get(r).is_some()) {
        return Err(NotStreamed::Role(role));
    }
    if cov_type != CovType::Nonrobust {
        return Err(NotStreamed::Covariance(cov_type));
    }
    if roles.groups.is_some() {
        return Err(NotStreamed::Role(Setting::Groups));
    }
    Ok(())
}

impl Source for Streamed {
    fn n(&self) -> usize {
        Streamed::n(self)
    }

    fn k(&self) -> usize {
        Streamed::k(self)
    }

    fn scale(&self) -> &[f64] {
        Streamed::scale(self)
    }

    fn pass(&self, f: &mut dyn FnMut(usize, &ScaledDesign, &[f64])) -> Result<(), GlmError> {
        self.blocks(&mut |first, x, y| {
            let block = ScaledDesign::with_scale(x, self.scale());
            f(first, &block, y);
        })
        .map_err(|e| GlmError::Cache(format!("{}: {e}", self.path().display())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::design_cache::bytes_per_row;
    use crate::data::design_cache::tests::written;

    /// Weights and the offset are refused first, in the roles' order, then
    /// a robust covariance, then groups; the design alone passes.
    #[test]
    fn rejects_roles_and_robust_covariance() {
        let named = |s: &str| Some(s.to_string());
        let all = RoleNames {
            freq_weights: named("f"),
            var_weights: named("v"),
            offset: named("o"),
            groups: named("g"),
            failures: named("n"),
        };
        let refused = |r: &RoleNames, c| check_streamed(r, c).unwrap_err();
        assert_eq!(
            refused(&all, CovType::Cluster),
            NotStreamed::Role(Setting::FreqWeights)
        );
        let later = RoleNames {
            freq_weights: None,
            ..all.clone()
        };
        assert_eq!(
            refused(&later, CovType::HC0),
            NotStreamed::Role(Setting::VarWeights)
        );
        let later = RoleNames {
            var_weights: None,
            ..later
        };
        assert_eq!(
            refused(&later, CovType::HC0),
            NotStreamed::Role(Setting::Offset)
        );
        let later = RoleNames {
            offset: None,
            ..later
        };
        assert_eq!(
            refused(&later, CovType::HC0),
            NotStreamed::Role(Setting::Failures)
        );
        let groups = RoleNames {
            failures: None,
            ..later
        };
        assert_eq!(
            refused(&groups, CovType::HC3),
            NotStreamed::Covariance(CovType::HC3)
        );
        assert_eq!(
            refused(&groups, CovType::Nonrobust),
            NotStreamed::Role(Setting::Groups)
        );
        assert_eq!(
            check_streamed(&RoleNames::default(), CovType::HC1),
            Err(NotStreamed::Covariance(CovType::HC1))
        );
        assert_eq!(
            check_streamed(&RoleNames::default(), CovType::Nonrobust),
            Ok(())
        );
    }

    /// Every row comes back once, in order, whatever the block size, with
    /// the whole design's scales.
    #[test]
    fn a_pass_reads_every_row_in_order_in_blocks_of_the_limit() {
        let (path, d) = written("blocks");
        for rows in [1, 3, 7, 10, 1000] {
            let s = Streamed::open(&path, rows * bytes_per_row(3)).unwrap();
            assert_eq!(s.rows_per_block(), (rows as usize).min(10));
            assert_eq!((s.n(), Source::k(&s), s.target()), (10, 3, "y"));
            assert_eq!(s.names(), d.names());
            assert_eq!(
                s.scale(),
                super::super::source::Memory::new(d.x(), 3, d.y()).scale()
            );
            let (mut x, mut y, mut firsts) = (Vec::new(), Vec::new(), Vec::new());
            s.pass(&mut |first, block, ys| {
                firsts.push(first);
                // Row i, column j: X·e_j on row i.
                for i in 0..block.n() {
                    for e in [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]] {
                        x.push(block.predict_rows(i, i + 1, &e)[0]);
                    }
                }
                y.extend_from_slice(ys);
                assert_eq!(block.scale(), s.scale());
            })
            .unwrap();
            assert_eq!(y, d.y(), "{rows} rows a block");
            assert_eq!(x, d.x(), "{rows} rows a block");
            let want: Vec<usize> = (0..10).step_by(rows.min(10) as usize).collect();
            assert_eq!(firsts, want);
        }
        std::fs::remove_file(&path).unwrap();
    }
}
