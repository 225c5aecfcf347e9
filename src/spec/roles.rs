//! The per-row roles of a fit: frequency and variance weights, an offset,
//! cluster groups and binomial trials, named by their [`Setting`]s, with
//! the rules a weight value and a count follow and [`RowValues`], the one
//! borrowed view of the rows' values that the GLM and the network take.
use crate::setting::Setting;

/// The numeric roles, in the order their values sit after the target in a
/// row being read.
pub const NUMERIC_ROLES: [Setting; 4] = [
    Setting::FreqWeights,
    Setting::VarWeights,
    Setting::Offset,
    Setting::Failures,
];

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

/// The largest count a row may hold: 2⁵³, below which every whole number
/// is exact in f64 (and successes + failures stays exact).
pub const MAX_COUNT: f64 = 9007199254740992.0;

/// What is wrong with `v` as a binomial count (successes or failures), if
/// anything: negative, not a whole number, or above [`MAX_COUNT`]. `v` is
/// finite (the cell rule refuses the rest).
pub fn count_problem(v: f64) -> Option<CountProblem> {
    if v < 0.0 {
        Some(CountProblem::Negative)
    } else if v.fract() != 0.0 {
        Some(CountProblem::NotWhole)
    } else if v > MAX_COUNT {
        Some(CountProblem::TooLarge)
    } else {
        None
    }
}

/// Why a count is refused ([`count_problem`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountProblem {
    Negative,
    NotWhole,
    TooLarge,
}

impl std::fmt::Display for CountProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CountProblem::Negative => f.write_str("is negative; counts must be >= 0"),
            CountProblem::NotWhole => f.write_str("is not a whole number; counts count trials"),
            CountProblem::TooLarge => write!(
                f,
                "is above {}, the largest count held exactly",
                crate::numfmt::Short(MAX_COUNT)
            ),
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
    /// statsmodels' `n_trials` for binomial counts: successes + failures of
    /// each row, whose target is then the proportion of successes.
    pub trials: Option<&'a [f64]>,
}

impl RowValues<'_> {
    /// statsmodels' `freq_weights[i]`.
    #[inline(always)]
    pub fn freq(&self, i: usize) -> f64 {
        self.freq_weights.map_or(1.0, |f| f[i])
    }

    /// statsmodels' `var_weights[i] * n_trials[i]`: every term of the fit
    /// that statsmodels weights by `var_weights` it also weights by
    /// `n_trials` (IRLS weights, deviance, Pearson's χ², scores), the
    /// log-likelihood's binomial coefficient aside
    /// ([`log_binomial_coefficient`](Self::log_binomial_coefficient)).
    #[inline(always)]
    pub fn var(&self, i: usize) -> f64 {
        self.var_weights.map_or(1.0, |v| v[i]) * self.trials(i)
    }

    /// statsmodels' `n_trials[i]` (1 without counts).
    #[inline(always)]
    pub fn trials(&self, i: usize) -> f64 {
        self.trials.map_or(1.0, |t| t[i])
    }

    /// Whether any row carries a weight other than 1 (freq or var weights,
    /// or trials).
    pub fn weighted(&self) -> bool {
        self.freq_weights.is_some() || self.var_weights.is_some() || self.trials.is_some()
    }

    /// Row i's term of the log-likelihood that does not depend on μ:
    /// `freq_weights[i] * var_weights[i] * (gammaln(n+1) - gammaln(s+1) -
    /// gammaln(n-s+1))` with n the trials and s = y·n the successes, as
    /// statsmodels' `Binomial.loglike_obs` computes it (0 without counts).
    pub fn log_binomial_coefficient(&self, i: usize, y: f64) -> f64 {
        let Some(t) = self.trials else { return 0.0 };
        let n = t[i];
        let s = y * n;
        let c = libm::lgamma(n + 1.0) - libm::lgamma(s + 1.0) - libm::lgamma(n - s + 1.0);
        c * self.var_weights.map_or(1.0, |v| v[i]) * self.freq(i)
    }

    /// statsmodels' `iweights[i] * n_trials[i]` = `freq_weights[i] *
    /// var_weights[i] * n_trials[i]`.
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

    #[test]
    fn counts_are_checked_for_sign_whole_numbers_and_size() {
        for ok in [0.0, 1.0, 12.0, MAX_COUNT] {
            assert_eq!(count_problem(ok), None, "{ok}");
        }
        assert_eq!(count_problem(-1.0), Some(CountProblem::Negative));
        assert_eq!(count_problem(2.5), Some(CountProblem::NotWhole));
        assert_eq!(count_problem(2.0 * MAX_COUNT), Some(CountProblem::TooLarge));
    }

    #[test]
    fn trials_weigh_like_var_weights_and_give_the_binomial_coefficient() {
        let (t, v) = ([4.0, 1.0], [0.5, 2.0]);
        let rows = RowValues {
            var_weights: Some(&v),
            trials: Some(&t),
            ..RowValues::default()
        };
        assert_eq!((rows.var(0), rows.var(1)), (2.0, 2.0));
        assert_eq!(rows.iweight(0), 2.0);
        assert!(rows.weighted());
        // C(4, 1) = 4 on row 0 (proportion 1/4), weighted by var 0.5.
        let c = rows.log_binomial_coefficient(0, 0.25);
        assert!((c - 0.5 * 4f64.ln()).abs() < 1e-15, "{c}");
        assert_eq!(RowValues::default().log_binomial_coefficient(0, 1.0), 0.0);
    }
}
