//! The covariance types of a GLM's estimates, by statsmodels' `cov_type`
//! names; `glm/covariance.rs` computes them.
use std::str::FromStr;

/// statsmodels' `cov_type`: how the covariance of the estimates (and so
/// `bse`, z, p and the intervals) is computed. Default: nonrobust.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CovType {
    /// The inverse of the expected information (statsmodels' default).
    #[default]
    Nonrobust,
    /// White's sandwich, as statsmodels computes it.
    HC0,
    /// HC0 (textbook) times N/(N - k).
    HC1,
    /// Scores scaled by 1/√(1 - hᵢ).
    HC2,
    /// Scores scaled by 1/(1 - hᵢ).
    HC3,
    /// Cluster-robust (CRV1) with statsmodels' small-sample correction;
    /// needs a group per row.
    Cluster,
}

impl CovType {
    /// Every type, in the order the help lists them.
    pub const ALL: [CovType; 6] = [
        CovType::Nonrobust,
        CovType::HC0,
        CovType::HC1,
        CovType::HC2,
        CovType::HC3,
        CovType::Cluster,
    ];

    /// statsmodels' spelling, as the summary's "Covariance Type:" line and
    /// the JSON's `cov_type` print it.
    pub fn name(self) -> &'static str {
        match self {
            CovType::Nonrobust => "nonrobust",
            CovType::HC0 => "HC0",
            CovType::HC1 => "HC1",
            CovType::HC2 => "HC2",
            CovType::HC3 => "HC3",
            CovType::Cluster => "cluster",
        }
    }
}

impl FromStr for CovType {
    type Err = UnknownCovType;

    /// statsmodels' name in any case: `nonrobust`, `HC0`, `hc3`, `cluster`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let same = |c: &CovType| c.name().eq_ignore_ascii_case(s);
        let found = CovType::ALL.into_iter().find(same);
        found.ok_or_else(|| UnknownCovType(s.to_string()))
    }
}

/// Serialized as [`CovType::name`] (the JSON's `cov_type`).
impl serde::Serialize for CovType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// A covariance type name that is not one of [`CovType::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown covariance type {0:?}; the types are nonrobust, HC0, HC1, HC2, HC3, cluster")]
pub struct UnknownCovType(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_statsmodels_names_in_any_case_and_rejects_others() {
        let spelled = ["nonrobust", "hc0", "Hc1", "HC2", "hC3", "CLUSTER"];
        let parsed: Vec<_> = spelled.iter().map(|s| s.parse::<CovType>()).collect();
        assert_eq!(parsed, CovType::ALL.map(Ok));
        let names = CovType::ALL.map(CovType::name);
        assert_eq!(names, ["nonrobust", "HC0", "HC1", "HC2", "HC3", "cluster"]);
        assert_eq!(CovType::default(), CovType::Nonrobust);
        let e = "HC4".parse::<CovType>().unwrap_err();
        assert_eq!(
            (e.clone(), e.to_string().contains("\"HC4\"")),
            (UnknownCovType("HC4".into()), true)
        );
    }
}
