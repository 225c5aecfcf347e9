//! The link chosen at run time: a name for each [`Link`](super::Link)
//! implementation, parsed from and printed as statsmodels' class name.
use std::fmt;
use std::str::FromStr;

/// Which link the Binomial GLM uses. [`fit_with`](crate::glm::fit_with) turns it
/// into the monomorphised fit. Default: logit (statsmodels' default).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LinkKind {
    #[default]
    Logit,
    Probit,
    CLogLog,
    LogLog,
    Cauchy,
}

impl LinkKind {
    /// Every link, in the order the help lists them.
    pub const ALL: [LinkKind; 5] = [
        LinkKind::Logit,
        LinkKind::Probit,
        LinkKind::CLogLog,
        LinkKind::LogLog,
        LinkKind::Cauchy,
    ];

    /// statsmodels' class name, as the summary's "Link Function:" prints it.
    pub fn name(self) -> &'static str {
        match self {
            LinkKind::Logit => "Logit",
            LinkKind::Probit => "Probit",
            LinkKind::CLogLog => "CLogLog",
            LinkKind::LogLog => "LogLog",
            LinkKind::Cauchy => "Cauchy",
        }
    }
}

impl LinkKind {
    /// μ = g⁻¹(η), by the link type's own [`Link::inverse`](super::Link::inverse).
    pub fn inverse(self, eta: f64) -> f64 {
        use super::link::{CLogLog, Cauchy, Link, LogLog, Logit, Probit};
        match self {
            LinkKind::Logit => Logit.inverse(eta),
            LinkKind::Probit => Probit.inverse(eta),
            LinkKind::CLogLog => CLogLog.inverse(eta),
            LinkKind::LogLog => LogLog.inverse(eta),
            LinkKind::Cauchy => Cauchy.inverse(eta),
        }
    }
}

impl fmt::Display for LinkKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A link name that is not one of [`LinkKind::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown link {0:?}; the links are logit, probit, cloglog, loglog, cauchy")]
pub struct UnknownLink(pub String);

impl FromStr for LinkKind {
    type Err = UnknownLink;

    /// The class name in any case: `logit`, `Probit`, `CLOGLOG`, …
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        LinkKind::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownLink(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::link::{CLogLog, Cauchy, Link, LogLog, Logit, Probit};

    #[test]
    fn names_round_trip_and_match_the_link_types() {
        let types: [&dyn Link; 5] = [&Logit, &Probit, &CLogLog, &LogLog, &Cauchy];
        for (k, t) in LinkKind::ALL.into_iter().zip(types) {
            assert_eq!(k.name(), t.name());
            assert_eq!(k.name().parse::<LinkKind>(), Ok(k));
            assert_eq!(k.name().to_lowercase().parse::<LinkKind>(), Ok(k));
            assert_eq!(k.inverse(0.3).to_bits(), t.inverse(0.3).to_bits());
        }
        assert_eq!(LinkKind::default(), LinkKind::Logit);
    }

    #[test]
    fn rejects_unknown_link_name() {
        let e = "identity".parse::<LinkKind>().unwrap_err();
        assert_eq!(e, UnknownLink("identity".into()));
        assert!(e.to_string().contains("\"identity\""), "{e}");
    }
}
