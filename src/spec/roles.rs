//! The per-row roles of a fit: frequency and variance weights, an offset
//! and cluster groups, named by their [`Setting`]s, with the rules a weight
//! value follows and [`RowValues`], the one borrowed view of the rows'
//! values that the GLM and the network take.
use crate::setting::Setting;

/// The numeric roles, in the order their values sit after the target in a
/// row being read.
pub const NUMERIC_ROLES: [Setting; 3] =
    [Setting::FreqWeights, Setting::VarWeights, Setting::Offset];

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

/// The per-row roles' values, borrowed from where they were read (one value
/// per row each, or None when the role is not given). The passes over the
/// rows read 1 for a missing weight and 0 for a missing offset, which leave
/// the unweighted numbers bit for bit as they are (x·1 and x + 0 are exact).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RowValues<'a> {
    /// statsmodels' `freq_weights`: row i stands for `freq_weights[i]`
    /// identical rows.
    pub freq_weights: Option<&'a [f64]>,
    /// statsmodels' `var_weights` (prior weights).
    pub var_weights: Option<&'a [f64]>,
    /// statsmodels' `offset`, added to the linear predictor.
    pub offset: Option<&'a [f64]>,
    /// The group of each row (labels as indices), for cluster covariance.
    pub groups: Option<&'a [usize]>,
}

impl RowValues<'_> {
    /// statsmodels' `freq_weights[i]`.
    #[inline(always)]
    pub fn freq(&self, i: usize) -> f64 {
        self.freq_weights.map_or(1.0, |f| f[i])
    }

    /// statsmodels' `var_weights[i]`.
    #[inline(always)]
    pub fn var(&self, i: usize) -> f64 {
        self.var_weights.map_or(1.0, |v| v[i])
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
        self.freq_weights.map_or(n as f64, |f| f.iter().sum())
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
}
