//! Per-row role columns read with the data but not features: frequency and
//! variance weights, an offset, cluster groups, and the failures of
//! binomial counts ([`RoleNames`] says which columns of a file play them,
//! [`RowColumns`] holds what was read).
use crate::setting::Setting;
use crate::spec::roles::{RowValues, NUMERIC_ROLES};

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
    /// Binomial counts: failures per row, the target column then holding
    /// the successes (whole numbers >= 0, successes + failures > 0).
    pub failures: Option<String>,
}

impl RoleNames {
    /// Whether the target holds successes and a failures column is named.
    pub fn counts(&self) -> bool {
        self.failures.is_some()
    }

    /// The column named for `role` (one of [`NUMERIC_ROLES`] or
    /// [`Setting::Groups`]); None for any other setting.
    pub fn get(&self, role: Setting) -> Option<&str> {
        match role {
            Setting::FreqWeights => self.freq_weights.as_deref(),
            Setting::VarWeights => self.var_weights.as_deref(),
            Setting::Offset => self.offset.as_deref(),
            Setting::Groups => self.groups.as_deref(),
            Setting::Failures => self.failures.as_deref(),
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
    /// Binomial counts: the failures of each row as read.
    pub failures: Option<Vec<f64>>,
    /// Binomial counts: successes + failures of each row (statsmodels'
    /// `n_trials`), set with the proportions by
    /// [`Dataset::from_counts`](super::Dataset::from_counts).
    pub trials: Option<Vec<f64>>,
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
            Setting::Failures => &mut self.failures,
            _ => &mut self.offset,
        }
    }

    /// The columns as the fits read them, borrowed.
    pub fn values(&self) -> RowValues<'_> {
        RowValues {
            freq_weights: self.freq_weights.as_deref(),
            var_weights: self.var_weights.as_deref(),
            offset: self.offset.as_deref(),
            groups: self.groups.as_ref().map(|g| g.index.as_slice()),
            trials: self.trials.as_deref(),
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
            (Setting::Failures, self.failures.as_ref().map(Vec::len)),
            (Setting::Failures, self.trials.as_ref().map(Vec::len)),
        ]
        .into_iter()
        .filter_map(|(r, l)| l.map(|l| (r, l)))
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_numbered_in_order_of_first_appearance() {
        let g = Groups::from_labels(&["b", "a", "b", " a", "c"]);
        assert_eq!(g.index, vec![0, 1, 0, 2, 3]);
        assert_eq!(g.labels, vec!["b", "a", " a", "c"]);
        assert_eq!(g.count(), 4);
    }
}
