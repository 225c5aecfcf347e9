//! The data set both fits consume: named design matrix (intercept `const`
//! first, as statsmodels' `add_constant`, or a formula's design with or
//! without its `Intercept`) and a 0/1 target, or binomial counts as
//! proportions with their trials, in f64, checked once when it is built
//! ([`Dataset::new`], [`Dataset::from_counts`], [`Dataset::without_intercept`]).
use tch::{Device, Kind, TchError, Tensor};

use super::checks::{check_names_of, DesignChecks};
use super::design::str_repr;
use super::rank::{check_full_rank, DesignRows};
use super::roles::RowColumns;
use super::DataError;
use crate::runtime::threads::Threads;
use crate::setting::Setting;
use crate::spec::roles::count_problem;

/// A design matrix (with an intercept column first, unless built
/// [`without_intercept`](Dataset::without_intercept)) and a binary target
/// with both classes, of full column rank. The fields are private: [`Dataset::new`]
/// is the only way to build one, so every data set a fit sees, read or
/// simulated, has passed its checks.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// Column names of the design matrix: `const`, then the features.
    names: Vec<String>,
    /// Whether column 0 is the intercept (all ones); false for a formula
    /// without one (`- 1`, `0 +`), whose columns are all features.
    intercept: bool,
    /// Name of the target column (statsmodels' `Dep. Variable`).
    target: String,
    /// Row-major n × k design matrix; column 0 is all ones when
    /// `intercept`.
    x: Vec<f64>,
    /// Target, each 0.0 or 1.0; for binomial counts, the proportion of
    /// successes of each row.
    y: Vec<f64>,
    /// For binomial counts, the failures column's name (the target column
    /// holds the successes); None for a 0/1 target.
    failures: Option<String>,
    /// Number of rows.
    n: usize,
    /// Number of design columns, intercept included.
    k: usize,
    /// Where the data came from: a file path, or `simulated`.
    source: String,
    /// True coefficients (intercept first), known for simulated data only.
    truth: Option<Vec<f64>>,
    /// Per-row role columns (weights, offset, groups), each of length n;
    /// none by default ([`Dataset::with_roles`]).
    roles: RowColumns,
}

impl Dataset {
    /// Check the parts and build the data set. `x` is row-major with
    /// `names.len()` columns and `y.len()` rows. Refused, in this order:
    /// fewer than two columns ([`DataError::TooFewColumns`]); a first column
    /// not named `const` ([`DataError::NoIntercept`]); a name used twice
    /// ([`DataError::DuplicateColumn`]); `x` of the wrong length
    /// ([`DataError::ShapeMismatch`]); fewer rows than columns
    /// ([`DataError::TooFewRows`]); an intercept value other than 1
    /// ([`DataError::InterceptNotOne`]); a value that is not finite
    /// ([`DataError::NonFinite`]); a target other than 0 or 1
    /// ([`DataError::TargetNotBinary`]); a single class
    /// ([`DataError::SingleClass`]); and last, a design without full
    /// column rank (a constant or aliased feature; see
    /// [`check_full_rank`], on `threads`). `source` names the data in every
    /// message.
    pub fn new(
        names: Vec<String>,
        target: String,
        x: Vec<f64>,
        y: Vec<f64>,
        source: String,
        threads: Threads,
    ) -> Result<Self, DataError> {
        let checks = DesignChecks::new(names.len());
        Self::checked(names, target, x, y, source, threads, checks)
    }

    /// The data set of a design without an intercept column (a formula's
    /// `- 1` or `0 +`), as [`Dataset::new`] or, with `failures` (the
    /// failures' column name, their values in `roles.failures`), as
    /// [`Dataset::from_counts`]; `roles` are attached as by
    /// [`Dataset::with_roles`]. The same checks but those of the intercept:
    /// one column is enough ([`DataError::NoDesignColumns`] for none), any
    /// name may come first, and a constant column is left to the rank check.
    pub fn without_intercept(
        names: Vec<String>,
        target: (String, Vec<f64>),
        failures: Option<String>,
        x: Vec<f64>,
        source: String,
        threads: Threads,
        roles: RowColumns,
    ) -> Result<Self, DataError> {
        let checks = DesignChecks::new(names.len()).without_intercept();
        match failures {
            Some(f) => Self::counts(names, target, f, x, source, threads, roles, checks),
            None => {
                let (target, y) = target;
                Self::checked(names, target, x, y, source, threads, checks)?.with_roles(roles)
            }
        }
    }

    /// The data set of binomial counts, as statsmodels' `GLM` takes a
    /// two-column endog (successes, failures): the target `successes.0`'s
    /// values are the successes, `roles.failures` the failures (named
    /// `failures`), each row's target becomes the proportion of successes
    /// and its trials (successes + failures) the `trials` role. Refused,
    /// besides [`Dataset::new`]'s refusals: a count that is negative, not
    /// whole or too large ([`DataError::BadCount`]); a row without trials
    /// ([`DataError::NoTrials`]); no failures, or no successes, on any row
    /// ([`DataError::OneSidedCounts`]). Rows are named by `roles.lines`
    /// where the rows came from a file, else counted from 1.
    pub fn from_counts(
        names: Vec<String>,
        successes: (String, Vec<f64>),
        failures: String,
        x: Vec<f64>,
        source: String,
        threads: Threads,
        roles: RowColumns,
    ) -> Result<Self, DataError> {
        let checks = DesignChecks::new(names.len());
        Self::counts(
            names, successes, failures, x, source, threads, roles, checks,
        )
    }

    /// [`Dataset::from_counts`] with the design's `checks` (with an
    /// intercept or without).
    #[allow(clippy::too_many_arguments)]
    fn counts(
        names: Vec<String>,
        successes: (String, Vec<f64>),
        failures: String,
        x: Vec<f64>,
        source: String,
        threads: Threads,
        mut roles: RowColumns,
        checks: DesignChecks,
    ) -> Result<Self, DataError> {
        let (target, s) = successes;
        let f = roles.failures.clone().unwrap_or_default();
        if f.len() != s.len() {
            return Err(DataError::RoleLength {
                file: source,
                role: Setting::Failures,
                len: f.len(),
                n: s.len(),
            });
        }
        let line = |i: usize| roles.lines.as_ref().map_or(i as u64 + 1, |l| l[i]);
        for (column, values) in [(&target, &s), (&failures, &f)] {
            if let Some((i, p)) = values
                .iter()
                .enumerate()
                .find_map(|(i, &v)| count_problem(v).map(|p| (i, p)))
            {
                return Err(DataError::BadCount {
                    file: source,
                    line: line(i),
                    column: column.clone(),
                    value: crate::numfmt::Short(values[i]).to_string(),
                    problem: p,
                });
            }
        }
        if let Some(i) = (0..s.len()).find(|&i| s[i] + f[i] == 0.0) {
            return Err(DataError::NoTrials {
                file: source,
                line: line(i),
                successes: target,
                failures,
            });
        }
        for (column, values) in [(&target, &s), (&failures, &f)] {
            if values.iter().all(|&v| v == 0.0) {
                return Err(DataError::OneSidedCounts {
                    file: source,
                    column: column.clone(),
                });
            }
        }
        let trials: Vec<f64> = s.iter().zip(&f).map(|(a, b)| a + b).collect();
        let y = s.iter().zip(&trials).map(|(a, n)| a / n).collect();
        roles.trials = Some(trials);
        let checks = checks.for_proportions();
        let mut data = Self::checked(names, target, x, y, source, threads, checks)?;
        data.failures = Some(failures);
        data.with_roles(roles)
    }

    /// Build the data set once `checks` (plain or for proportions) have
    /// taken its rows.
    fn checked(
        names: Vec<String>,
        target: String,
        x: Vec<f64>,
        y: Vec<f64>,
        source: String,
        threads: Threads,
        mut checks: DesignChecks,
    ) -> Result<Self, DataError> {
        let (n, k) = (y.len(), names.len());
        check_names_of(&names, &source, checks.has_intercept())?;
        if Some(x.len()) != n.checked_mul(k) {
            return Err(DataError::ShapeMismatch {
                file: source,
                values: x.len(),
                rows: n,
                columns: k,
            });
        }
        checks.add_on(&x, &y, threads.for_design(n, k));
        checks.check_rows(&names, &target, &source)?;
        let data = Dataset {
            names,
            intercept: checks.has_intercept(),
            target,
            x,
            y,
            failures: None,
            n,
            k,
            source,
            truth: None,
            roles: RowColumns::default(),
        };
        check_full_rank(&data, &checks, &data.names, &data.source, threads)?;
        Ok(data)
    }

    /// Attach the true coefficients (simulated data), intercept first, one
    /// per design column.
    pub fn with_truth(mut self, beta: Vec<f64>) -> Self {
        debug_assert_eq!(beta.len(), self.k);
        self.truth = Some(beta);
        self
    }

    /// Attach per-row role columns (weights, offset, groups); each present
    /// column must have one value per row ([`DataError::RoleLength`]), and
    /// the rows whose weights are not 0 must hold both classes
    /// ([`DataError::SingleClassWeighted`]: a row of weight 0 is not
    /// fitted; not checked for binomial counts, whose proportions need not
    /// be 0 or 1). Their values are checked where they are used (the GLM's
    /// and the network's options) and, for a file, as they are read.
    pub fn with_roles(mut self, roles: RowColumns) -> Result<Self, DataError> {
        if let Some((role, len)) = roles.lengths().into_iter().find(|&(_, l)| l != self.n) {
            return Err(DataError::RoleLength {
                file: self.source.clone(),
                role,
                len,
                n: self.n,
            });
        }
        let weights: Vec<(Setting, &[f64])> = [
            (Setting::FreqWeights, roles.freq_weights.as_deref()),
            (Setting::VarWeights, roles.var_weights.as_deref()),
        ]
        .into_iter()
        .filter_map(|(r, w)| w.map(|w| (r, w)))
        .collect();
        let counted = |i: usize| weights.iter().all(|(_, w)| w[i] != 0.0);
        let mut classes = (0..self.n).filter(|&i| counted(i)).map(|i| self.y[i]);
        let first = classes.next().filter(|_| roles.trials.is_none());
        if let Some(first) = first {
            if classes.all(|v| v == first) {
                return Err(DataError::SingleClassWeighted {
                    file: self.source.clone(),
                    column: self.target.clone(),
                    value: first,
                    roles: weights.iter().map(|&(r, _)| r).collect(),
                });
            }
        }
        self.roles = roles;
        Ok(self)
    }

    /// Check that the role values fit a model held in a narrower precision
    /// than f64 (the network in float32): each weight other than 0 (the
    /// product of the frequency and variance weights, as the network takes
    /// them) between `min` and `max`, and each offset at most `max` in size
    /// ([`DataError::NetworkRange`], naming the file line). `precision`
    /// names it in the message.
    pub fn check_roles_fit(
        &self,
        precision: &'static str,
        min: f64,
        max: f64,
    ) -> Result<(), DataError> {
        let r = &self.roles;
        let weight = |i: usize| {
            r.freq_weights.as_ref().map_or(1.0, |f| f[i])
                * r.var_weights.as_ref().map_or(1.0, |v| v[i])
        };
        let mut weight_roles = Vec::new();
        if r.freq_weights.is_some() {
            weight_roles.push(Setting::FreqWeights);
        }
        if r.var_weights.is_some() {
            weight_roles.push(Setting::VarWeights);
        }
        let bad_weight = (!weight_roles.is_empty())
            .then(|| {
                (0..self.n)
                    .map(|i| (i, weight(i)))
                    .find(|&(_, w)| w != 0.0 && !(min..=max).contains(&w))
            })
            .flatten()
            .map(|(i, w)| (i, w, weight_roles));
        let bad_offset = r.offset.as_ref().and_then(|o| {
            o.iter()
                .position(|v| v.abs() > max)
                .map(|i| (i, o[i], vec![Setting::Offset]))
        });
        match bad_weight.or(bad_offset) {
            None => Ok(()),
            Some((i, value, roles)) => Err(DataError::NetworkRange {
                file: self.source.clone(),
                line: r.lines.as_ref().map_or(i as u64 + 1, |l| l[i]),
                roles,
                value,
                precision,
                min,
                max,
            }),
        }
    }

    /// The per-row role columns (weights, offset, groups).
    pub fn roles(&self) -> &RowColumns {
        &self.roles
    }

    /// Column names of the design matrix: `const`, then the features.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Whether column 0 is the intercept; false for a formula without one,
    /// whose network has no bias.
    pub fn has_intercept(&self) -> bool {
        self.intercept
    }

    /// Name of the target column (statsmodels' `Dep. Variable`; for
    /// binomial counts, the successes' column).
    pub fn target(&self) -> &str {
        &self.target
    }

    /// What statsmodels prints as `Dep. Variable`: the target's name, or
    /// for binomial counts the list of the two columns' names as Python
    /// writes it (`['S', 'F']`).
    pub fn dep_variable(&self) -> String {
        match &self.failures {
            None => self.target.clone(),
            Some(f) => format!("[{}, {}]", str_repr(&self.target), str_repr(f)),
        }
    }

    /// For binomial counts, the failures column's name; None for a 0/1
    /// target.
    pub fn failures(&self) -> Option<&str> {
        self.failures.as_deref()
    }

    /// Row-major n × k design matrix; column 0 is all ones when
    /// [`has_intercept`](Self::has_intercept).
    pub fn x(&self) -> &[f64] {
        &self.x
    }

    /// Target, each 0.0 or 1.0 (for binomial counts, the proportions).
    pub fn y(&self) -> &[f64] {
        &self.y
    }

    /// Number of rows (at least [`k`](Self::k)).
    pub fn n(&self) -> usize {
        self.n
    }

    /// Number of design columns, intercept included (at least 2; at least
    /// 1 without an intercept).
    pub fn k(&self) -> usize {
        self.k
    }

    /// Where the data came from: a file path, or `simulated`.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// True coefficients (intercept first), known for simulated data only.
    pub fn truth(&self) -> Option<&[f64]> {
        self.truth.as_deref()
    }

    /// Feature names (the design columns without `const`; all of them
    /// without an intercept).
    pub fn feature_names(&self) -> &[String] {
        &self.names[usize::from(self.intercept)..]
    }

    /// The design matrix as an n × k tensor of `kind` on `device`.
    pub fn x_tensor(&self, kind: Kind, device: Device) -> Result<Tensor, TchError> {
        Tensor::f_from_slice(&self.x)?
            .f_view([self.n as i64, self.k as i64])?
            .f_to_kind(kind)?
            .f_to_device(device)
    }

    /// The features only (no intercept column) as an n × (k-1) tensor (n × k
    /// without an intercept): the network's input, whose bias plays the
    /// intercept.
    pub fn features_tensor(&self, kind: Kind, device: Device) -> Result<Tensor, TchError> {
        let first = i64::from(self.intercept);
        self.x_tensor(Kind::Double, Device::Cpu)?
            .f_narrow(1, first, self.k as i64 - first)?
            .f_contiguous()?
            .f_to_kind(kind)?
            .f_to_device(device)
    }

    /// The target as an n × 1 tensor of `kind` on `device` (BCE's shape).
    pub fn y_tensor(&self, kind: Kind, device: Device) -> Result<Tensor, TchError> {
        Tensor::f_from_slice(&self.y)?
            .f_view([self.n as i64, 1])?
            .f_to_kind(kind)?
            .f_to_device(device)
    }

    /// Column `j` of the design matrix.
    pub fn column(&self, j: usize) -> Vec<f64> {
        (0..self.n).map(|i| self.x[i * self.k + j]).collect()
    }
}

impl DesignRows for Dataset {
    fn k(&self) -> usize {
        self.k()
    }

    fn for_each_block(&self, f: &mut dyn FnMut(&[f64])) -> Result<(), DataError> {
        f(self.x());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::roles::CountProblem;

    /// Parts of a valid data set: const, x1, x2 over 4 rows, both classes.
    fn parts() -> (Vec<String>, Vec<f64>, Vec<f64>) {
        let names = ["const", "x1", "x2"].map(String::from).to_vec();
        #[rustfmt::skip]
        let x = vec![
            1.0, 0.5, 2.0,
            1.0, 1.5, -1.0,
            1.0, -2.0, 0.25,
            1.0, 3.0, 1.0,
        ];
        (names, x, vec![0.0, 1.0, 1.0, 0.0])
    }

    fn build(names: Vec<String>, x: Vec<f64>, y: Vec<f64>) -> Result<Dataset, DataError> {
        Dataset::new(names, "y".into(), x, y, "d.csv".into(), Threads::Auto)
    }

    #[test]
    fn builds_valid_parts_and_reads_them_back() {
        let (names, x, y) = parts();
        let d = build(names.clone(), x.clone(), y.clone())
            .unwrap()
            .with_truth(vec![0.3, -1.0, 2.0]);
        assert_eq!((d.n(), d.k()), (4, 3));
        assert_eq!(d.names(), names);
        assert_eq!(d.feature_names(), ["x1", "x2"]);
        assert_eq!((d.x(), d.y()), (&x[..], &y[..]));
        assert_eq!((d.target(), d.source()), ("y", "d.csv"));
        assert_eq!(d.truth(), Some(&[0.3, -1.0, 2.0][..]));
        assert_eq!(d.column(1), [0.5, 1.5, -2.0, 3.0]);
    }

    #[test]
    fn rejects_fewer_than_two_columns() {
        let e = build(vec!["const".into()], vec![1.0; 3], vec![0.0, 1.0, 0.0]);
        assert_eq!(
            e,
            Err(DataError::TooFewColumns {
                file: "d.csv".into(),
                k: 1,
                intercept: "const".into(),
            })
        );
    }

    #[test]
    fn rejects_a_first_column_that_is_not_the_intercept() {
        let (mut names, x, y) = parts();
        names[0] = "one".into();
        assert_eq!(
            build(names, x, y),
            Err(DataError::NoIntercept {
                file: "d.csv".into(),
                name: "one".into()
            })
        );
    }

    #[test]
    fn rejects_a_repeated_name() {
        let (mut names, x, y) = parts();
        names[2] = "x1".into();
        assert_eq!(
            build(names, x, y),
            Err(DataError::DuplicateColumn {
                file: "d.csv".into(),
                name: "x1".into()
            })
        );
    }

    #[test]
    fn rejects_a_design_of_the_wrong_length() {
        let (names, mut x, y) = parts();
        x.pop();
        assert_eq!(
            build(names, x, y),
            Err(DataError::ShapeMismatch {
                file: "d.csv".into(),
                values: 11,
                rows: 4,
                columns: 3
            })
        );
    }

    #[test]
    fn rejects_fewer_rows_than_columns() {
        let (names, x, y) = parts();
        assert_eq!(
            build(names, x[..6].to_vec(), y[..2].to_vec()),
            Err(DataError::TooFewRows {
                file: "d.csv".into(),
                rows: 2,
                coefficients: 3,
                dropped: 0
            })
        );
    }

    #[test]
    fn rejects_an_intercept_other_than_one() {
        let (names, mut x, y) = parts();
        x[6] = 0.5;
        assert_eq!(
            build(names, x, y),
            Err(DataError::InterceptNotOne {
                file: "d.csv".into(),
                row: 3,
                value: 0.5
            })
        );
    }

    #[test]
    fn rejects_a_value_that_is_not_finite() {
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let (names, mut x, y) = parts();
            x[5] = bad;
            match build(names, x, y) {
                Err(DataError::NonFinite {
                    row: 2,
                    column,
                    value,
                    ..
                }) => assert!(column == "x2" && value.total_cmp(&bad).is_eq()),
                other => panic!("{bad}: {other:?}"),
            }
        }
    }

    #[test]
    fn rejects_a_target_other_than_0_or_1() {
        for bad in [0.5, 2.0, -1.0, f64::NAN] {
            let (names, x, mut y) = parts();
            y[3] = bad;
            match build(names, x, y) {
                Err(DataError::TargetNotBinary {
                    row: 4,
                    column,
                    value,
                    ..
                }) => assert!(column == "y" && value.total_cmp(&bad).is_eq()),
                other => panic!("{bad}: {other:?}"),
            }
        }
    }

    fn counts(s: Vec<f64>, f: Vec<f64>) -> Result<Dataset, DataError> {
        let (names, x, _) = parts();
        let roles = RowColumns {
            failures: Some(f),
            ..RowColumns::default()
        };
        let successes = ("s".to_string(), s);
        let t = Threads::Auto;
        Dataset::from_counts(names, successes, "f".into(), x, "d.csv".into(), t, roles)
    }

    #[test]
    fn counts_become_proportions_with_their_trials() {
        let d = counts(vec![1.0, 0.0, 3.0, 2.0], vec![1.0, 2.0, 0.0, 6.0]).unwrap();
        assert_eq!(d.y(), &[0.5, 0.0, 1.0, 0.25]);
        assert_eq!(d.roles().values().trials, Some(&[2.0, 2.0, 3.0, 8.0][..]));
        assert_eq!((d.target(), d.failures()), ("s", Some("f")));
        assert_eq!(d.dep_variable(), "['s', 'f']");
        assert_eq!(
            build(parts().0, parts().1, parts().2)
                .unwrap()
                .dep_variable(),
            "y"
        );
    }

    #[test]
    fn rejects_bad_counts_naming_the_row() {
        let bad = |s: f64, f: f64| counts(vec![1.0, s, 3.0, 2.0], vec![1.0, f, 0.0, 6.0]);
        assert!(matches!(
            bad(-1.0, 2.0),
            Err(DataError::BadCount { line: 2, ref column, problem: CountProblem::Negative, .. })
                if column == "s"
        ));
        assert!(matches!(
            bad(1.0, 0.5),
            Err(DataError::BadCount { line: 2, ref column, problem: CountProblem::NotWhole, .. })
                if column == "f"
        ));
        assert!(matches!(
            bad(0.0, 0.0),
            Err(DataError::NoTrials { line: 2, .. })
        ));
        assert!(matches!(
            counts(vec![0.0; 4], vec![1.0; 4]),
            Err(DataError::OneSidedCounts { ref column, .. }) if column == "s"
        ));
    }

    #[test]
    fn rejects_a_design_without_full_column_rank() {
        // x2 = 2·x1 - 1: aliased with the intercept and x1.
        let (names, mut x, y) = parts();
        for row in x.chunks_mut(3) {
            row[2] = 2.0 * row[1] - 1.0;
        }
        assert_eq!(
            build(names.clone(), x.clone(), y.clone()),
            Err(DataError::Collinear {
                file: "d.csv".into(),
                column: "x2".into(),
                of: vec!["const".into(), "x1".into()],
            })
        );
        // A constant feature duplicates the intercept.
        for row in x.chunks_mut(3) {
            row[1] = 7.0;
        }
        assert!(matches!(
            build(names, x, y),
            Err(DataError::ConstantColumn { ref column, value: 7.0, .. }) if column == "x1"
        ));
    }

    #[test]
    fn rejects_a_single_class() {
        let (names, x, _) = parts();
        assert_eq!(
            build(names, x, vec![1.0; 4]),
            Err(DataError::SingleClass {
                file: "d.csv".into(),
                column: "y".into(),
                value: 1.0
            })
        );
    }

    #[test]
    fn rejects_a_single_class_among_the_rows_of_weight_other_than_0() {
        let (names, x, y) = parts();
        let data = build(names, x, y).unwrap();
        let roles = |f: Vec<f64>| RowColumns {
            freq_weights: Some(f),
            ..RowColumns::default()
        };
        // y = 0, 1, 1, 0: weights 0 on both 0s leave the 1s only.
        assert!(matches!(
            data.clone().with_roles(roles(vec![0.0, 1.0, 2.0, 0.0])),
            Err(DataError::SingleClassWeighted { value: 1.0, .. })
        ));
        assert!(data.with_roles(roles(vec![0.0, 1.0, 2.0, 1.0])).is_ok());
    }
}
