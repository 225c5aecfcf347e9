//! Per-row role columns read with the data but not features: frequency and
//! variance weights, an offset, and cluster groups ([`RoleNames`] says which
//! columns of a file play them, [`RowColumns`] holds what was read).
use crate::setting::Setting;

/// Which file columns play the per-row roles (none by default). A column
/// named here is not a feature.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RoleNames {
    /// statsmodels' `freq_weights`: numbers >= 0, not all 0.
    pub freq_weights: Option<String>,
    /// statsmodels' `var_weights`: numbers >= 0, not all 0.
    pub var_weights: Option<String>,
    /// statsmodels' `offset`: numbers.
    pub offset: Option<String>,
    /// Cluster groups: labels (any cell text, compared exactly).
    pub groups: Option<String>,
}

/// The numeric roles, in the order their values sit after the target in a
/// row being read.
pub const NUMERIC_ROLES: [Setting; 3] =
    [Setting::FreqWeights, Setting::VarWeights, Setting::Offset];

impl RoleNames {
    /// The column named for `role` (one of [`NUMERIC_ROLES`] or
    /// [`Setting::Groups`]); None for any other setting.
    pub fn get(&self, role: Setting) -> Option<&str> {
        match role {
            Setting::FreqWeights => self.freq_weights.as_deref(),
            Setting::VarWeights => self.var_weights.as_deref(),
            Setting::Offset => self.offset.as_deref(),
            Setting::Groups => self.groups.as_deref(),
            _ => None,
        }
        .map(str::trim)
    }

    /// Every role given a column, with its (trimmed) column name.
    pub fn named(&self) -> Vec<(Setting, &str)> {
        NUMERIC_ROLES
            .into_iter()
            .chain([Setting::Groups])
            .filter_map(|r| self.get(r).map(|c| (r, c)))
            .collect()
    }

    /// Whether any role is given a column.
    pub fn any(&self) -> bool {
        !self.named().is_empty()
    }
}

/// Cluster groups: each row's group as an index 0..G, numbered in order of
/// first appearance, and the labels they came from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Groups {
    /// Group index of each row.
    pub index: Vec<usize>,
    /// The label of each group, by index.
    pub labels: Vec<String>,
}

impl Groups {
    /// Number the labels of the rows, in order of first appearance.
    pub fn from_labels<S: AsRef<str>>(rows: &[S]) -> Groups {
        let mut seen = std::collections::HashMap::new();
        let mut labels = Vec::new();
        let index = rows
            .iter()
            .map(|l| {
                let l = l.as_ref();
                *seen.entry(l.to_string()).or_insert_with(|| {
                    labels.push(l.to_string());
                    labels.len() - 1
                })
            })
            .collect();
        Groups { index, labels }
    }

    /// Number of groups.
    pub fn count(&self) -> usize {
        self.labels.len()
    }
}

/// The role columns as read, one value per row of the data set; each is
/// None when no column was named for it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RowColumns {
    pub freq_weights: Option<Vec<f64>>,
    pub var_weights: Option<Vec<f64>>,
    pub offset: Option<Vec<f64>>,
    pub groups: Option<Groups>,
    /// The file line (1-based) of each row, for messages about a row's
    /// role values; None when the rows did not come from a file.
    pub lines: Option<Vec<u64>>,
}

impl RowColumns {
    /// The numeric column for `role` (one of [`NUMERIC_ROLES`]).
    pub fn numeric_mut(&mut self, role: Setting) -> &mut Option<Vec<f64>> {
        match role {
            Setting::FreqWeights => &mut self.freq_weights,
            Setting::VarWeights => &mut self.var_weights,
            _ => &mut self.offset,
        }
    }

    /// The length of each column that is present, with its role.
    pub fn lengths(&self) -> Vec<(Setting, usize)> {
        [
            (
                Setting::FreqWeights,
                self.freq_weights.as_ref().map(Vec::len),
            ),
            (Setting::VarWeights, self.var_weights.as_ref().map(Vec::len)),
            (Setting::Offset, self.offset.as_ref().map(Vec::len)),
            (Setting::Groups, self.groups.as_ref().map(|g| g.index.len())),
        ]
        .into_iter()
        .filter_map(|(r, l)| l.map(|l| (r, l)))
        .collect()
    }
}

/// Whether `role` is a weight (values must be >= 0, not all 0).
pub fn is_weight(role: Setting) -> bool {
    matches!(role, Setting::FreqWeights | Setting::VarWeights)
}

/// The range of a weight other than 0: from [`MIN_WEIGHT`] to
/// [`MAX_WEIGHT`]. Products of two weights, their sums over any number of
/// rows and the GLM's statistics built on them (log-likelihood, deviance,
/// Pearson's χ², whose terms reach 1/ε per unit of weight) then stay far
/// from f64's overflow and underflow.
pub const MIN_WEIGHT: f64 = 1e-100;
/// See [`MIN_WEIGHT`].
pub const MAX_WEIGHT: f64 = 1e100;

/// What is wrong with `v` as a value of the weight `role`, if anything:
/// negative, outside [`MIN_WEIGHT`]..=[`MAX_WEIGHT`] (0 aside), or, for
/// frequency weights, not a whole number. `v` is finite (the cell rule
/// refuses the rest).
pub fn weight_problem(role: Setting, v: f64) -> Option<WeightProblem> {
    if v < 0.0 {
        Some(WeightProblem::Negative)
    } else if v != 0.0 && !(MIN_WEIGHT..=MAX_WEIGHT).contains(&v) {
        Some(WeightProblem::OutOfRange)
    } else if role == Setting::FreqWeights && v.fract() != 0.0 {
        Some(WeightProblem::NotWhole)
    } else {
        None
    }
}

/// Why a weight value is refused ([`weight_problem`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeightProblem {
    Negative,
    OutOfRange,
    NotWhole,
}

impl std::fmt::Display for WeightProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WeightProblem::Negative => f.write_str("is negative; weights must be >= 0"),
            WeightProblem::OutOfRange => write!(
                f,
                "is outside the range of a weight: 0, or {} to {}",
                crate::numfmt::Short(MIN_WEIGHT),
                crate::numfmt::Short(MAX_WEIGHT)
            ),
            WeightProblem::NotWhole => {
                f.write_str("is not a whole number; frequency weights count rows")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_are_checked_for_sign_range_and_whole_numbers() {
        let (f, v) = (Setting::FreqWeights, Setting::VarWeights);
        for ok in [0.0, 1.0, 1e-100, 1e100, 2.5] {
            assert_eq!(weight_problem(v, ok), None, "{ok}");
        }
        assert_eq!(weight_problem(f, 1e20), None);
        assert_eq!(weight_problem(f, -1e-300), Some(WeightProblem::Negative));
        assert_eq!(weight_problem(v, 1e306), Some(WeightProblem::OutOfRange));
        assert_eq!(weight_problem(v, 1e-101), Some(WeightProblem::OutOfRange));
        assert_eq!(weight_problem(f, 1e-300), Some(WeightProblem::OutOfRange));
        assert_eq!(weight_problem(f, 1.5), Some(WeightProblem::NotWhole));
    }

    #[test]
    fn groups_are_numbered_in_order_of_first_appearance() {
        let g = Groups::from_labels(&["b", "a", "b", " a", "c"]);
        assert_eq!(g.index, vec![0, 1, 0, 2, 3]);
        assert_eq!(g.labels, vec!["b", "a", " a", "c"]);
        assert_eq!(g.count(), 4);
    }
}
