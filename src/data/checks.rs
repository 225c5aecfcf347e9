//! The checks [`Dataset::new`](super::Dataset::new) makes, gathered over rows that come in blocks (one block in memory, many when streamed).
use super::DataError;
use crate::runtime::threads::map_chunks;

/// What the checks of a design need to know of its rows, gathered block by
/// block in row order: the first intercept that is not 1, the first value
/// that is not finite, the first target other than 0 or 1, and per column
/// whether it is constant and its largest magnitude (which the rank check
/// and the GLM's column scales use). The same answers whatever the blocks.
#[derive(Debug, Clone)]
pub struct DesignChecks {
    k: usize,
    n: usize,
    /// The first row, and whether every row so far equals it, per column.
    first: Vec<f64>,
    constant: Vec<bool>,
    /// Largest |value| of each column.
    max: Vec<f64>,
    /// Row (0-based) and value of the first intercept other than 1.
    intercept: Option<(usize, f64)>,
    /// Index into the row-major design, and value, of the first non-finite value.
    non_finite: Option<(usize, f64)>,
    /// Row and value of the first target other than 0 or 1.
    target: Option<(usize, f64)>,
    /// The first target, and whether another value was seen.
    first_y: Option<f64>,
    mixed: bool,
    /// Whether the targets are proportions (binomial counts): any value
    /// from 0 to 1, and no single-class check.
    proportions: bool,
    /// Whether column 0 is the intercept (every value 1, and a constant
    /// feature duplicates it); false for a formula without one.
    has_intercept: bool,
}

impl DesignChecks {
    /// No rows yet, of `k` columns.
    pub fn new(k: usize) -> Self {
        DesignChecks {
            k,
            n: 0,
            first: Vec::new(),
            constant: vec![true; k],
            max: vec![0.0; k],
            intercept: None,
            non_finite: None,
            target: None,
            first_y: None,
            mixed: false,
            proportions: false,
            has_intercept: true,
        }
    }

    /// The checks for a design without an intercept column (a formula's
    /// `- 1` or `0 +`): no column must be all ones, and a constant column
    /// is left to the rank check (it plays the intercept, as statsmodels'
    /// `const` would).
    pub fn without_intercept(mut self) -> Self {
        self.has_intercept = false;
        self
    }

    /// Whether column 0 is the intercept.
    pub fn has_intercept(&self) -> bool {
        self.has_intercept
    }

    /// The checks for targets that are proportions of successes (binomial
    /// counts): a target outside 0..=1 is refused, equal ones are not.
    pub fn for_proportions(mut self) -> Self {
        self.proportions = true;
        self
    }

    /// Take the next rows: `x` row-major (k values a row), `y` their targets.
    pub fn add(&mut self, x: &[f64], y: &[f64]) {
        let k = self.k;
        debug_assert_eq!(x.len(), y.len() * k);
        let at = self.n;
        // Each rule is first asked of every value with a fold that has no
        // branch, so that it vectorises; only a block that breaks it is
        // searched for the first offender.
        if self.has_intercept && self.intercept.is_none() {
            let ones = x.chunks_exact(k).fold(false, |a, row| a | (row[0] != 1.0));
            if ones {
                if let Some(i) = x.chunks_exact(k).position(|row| row[0] != 1.0) {
                    self.intercept = Some((at + i, x[i * k]));
                }
            }
        }
        if self.non_finite.is_none() && any(x, |v| !v.is_finite()) {
            if let Some(i) = x.iter().position(|v| !v.is_finite()) {
                self.non_finite = Some((at * k + i, x[i]));
            }
        }
        if self.target.is_none() {
            let bad = |v: f64| match self.proportions {
                true => !(0.0..=1.0).contains(&v),
                false => v != 0.0 && v != 1.0,
            };
            if any(y, bad) {
                if let Some(i) = y.iter().position(|&v| bad(v)) {
                    self.target = Some((at + i, y[i]));
                }
            }
        }
        if let Some(&v) = y.first() {
            let first = *self.first_y.get_or_insert(v);
            self.mixed = self.mixed || any(y, |t| t != first);
        }
        self.keep_first_row(x);
        let (first, constant, max) = (&self.first, &mut self.constant, &mut self.max);
        match k {
            2 => scan::<2>(x, first, constant, max),
            3 => scan::<3>(x, first, constant, max),
            4 => scan::<4>(x, first, constant, max),
            5 => scan::<5>(x, first, constant, max),
            6 => scan::<6>(x, first, constant, max),
            7 => scan::<7>(x, first, constant, max),
            8 => scan::<8>(x, first, constant, max),
            _ => {
                for row in x.chunks_exact(k) {
                    for j in 0..k {
                        constant[j] &= row[j] == first[j];
                        max[j] = max[j].max(row[j].abs());
                    }
                }
            }
        }
        self.n += y.len();
    }

    /// [`add`](Self::add) on up to `threads` threads, each taking a
    /// contiguous run of the rows, the answers merged in row order: the
    /// same answers as one `add`.
    pub fn add_on(&mut self, x: &[f64], y: &[f64], threads: usize) {
        let (k, n) = (self.k, y.len());
        let threads = threads.clamp(1, n.max(1));
        if threads == 1 || k == 0 {
            return self.add(x, y);
        }
        self.keep_first_row(x);
        let per = n.div_ceil(threads);
        let runs: Vec<(usize, usize)> =
            (0..n).step_by(per).map(|s| (s, (s + per).min(n))).collect();
        let parts = map_chunks(runs, threads, |(from, to)| {
            let mut part = DesignChecks {
                n: self.n + from,
                first: self.first.clone(),
                proportions: self.proportions,
                has_intercept: self.has_intercept,
                ..DesignChecks::new(k)
            };
            part.add(&x[from * k..to * k], &y[from..to]);
            part
        });
        for part in parts {
            self.merge(part);
        }
    }

    /// Keep the first row of `x` as the one every later row is compared
    /// with, when no row was taken before.
    fn keep_first_row(&mut self, x: &[f64]) {
        if self.first.is_empty() && x.len() >= self.k {
            self.first = x[..self.k].to_vec();
        }
    }

    /// Take the answers of the rows that follow those taken so far,
    /// gathered by `later` (whose `n` counts the rows before them too).
    fn merge(&mut self, later: DesignChecks) {
        self.intercept = self.intercept.or(later.intercept);
        self.non_finite = self.non_finite.or(later.non_finite);
        self.target = self.target.or(later.target);
        if let Some(v) = later.first_y {
            let first = *self.first_y.get_or_insert(v);
            self.mixed = self.mixed || later.mixed || v != first;
        }
        for j in 0..self.k {
            self.constant[j] &= later.constant[j];
            let m = later.max[j];
            self.max[j] = if m > self.max[j] { m } else { self.max[j] };
        }
        self.n = later.n;
    }

    /// Rows taken.
    pub fn n(&self) -> usize {
        self.n
    }

    /// Largest |value| of each column.
    pub fn max(&self) -> &[f64] {
        &self.max
    }

    /// The first feature column whose every value is its first row's: the
    /// column and that value.
    /// None without an intercept, which a constant column cannot duplicate.
    pub(super) fn constant_column(&self) -> Option<(usize, f64)> {
        if !self.has_intercept {
            return None;
        }
        (1..self.k)
            .find(|&j| self.constant[j])
            .map(|j| (j, self.first[j]))
    }

    /// The checks on the rows, in [`Dataset::new`](super::Dataset::new)'s
    /// order: fewer rows than columns, an intercept other than 1, a value
    /// that is not finite, a target other than 0 or 1, a single class (the
    /// rank is checked after these, by
    /// [`check_full_rank`](super::rank::check_full_rank)).
    pub fn check_rows(&self, names: &[String], target: &str, file: &str) -> Result<(), DataError> {
        let (n, k) = (self.n, self.k);
        if n < k {
            return Err(DataError::TooFewRows {
                file: file.into(),
                rows: n,
                coefficients: k,
                dropped: 0,
            });
        }
        if let Some((row, value)) = self.intercept {
            let (file, row) = (file.into(), row + 1);
            return Err(DataError::InterceptNotOne { file, row, value });
        }
        if let Some((i, value)) = self.non_finite {
            return Err(DataError::NonFinite {
                file: file.into(),
                row: i / k + 1,
                column: names[i % k].clone(),
                value,
            });
        }
        if let Some((i, value)) = self.target {
            return Err(DataError::TargetNotBinary {
                file: file.into(),
                row: i + 1,
                column: target.into(),
                value,
            });
        }
        if let (Some(value), false, false) = (self.first_y, self.mixed, self.proportions) {
            return Err(DataError::SingleClass {
                file: file.into(),
                column: target.into(),
                value,
            });
        }
        Ok(())
    }
}

/// Whether `bad` holds for some value of `v`: a fold without a branch, so
/// that it vectorises (`Iterator::any` stops at the first, one value at a
/// time).
#[inline(always)]
fn any(v: &[f64], bad: impl Fn(f64) -> bool) -> bool {
    v.iter().fold(false, |a, &x| a | bad(x))
}

/// Per column of the K-column rows `x`: whether every value equals the
/// first row's (`first`, empty before any row), and the largest |value|
/// (a NaN never taken, as `f64::max`), with the row length known to the
/// compiler.
fn scan<const K: usize>(x: &[f64], first: &[f64], constant: &mut [bool], max: &mut [f64]) {
    let Ok(first) = <[f64; K]>::try_from(first) else {
        return;
    };
    let (mut c, mut m) = ([true; K], [0.0f64; K]);
    c.copy_from_slice(constant);
    m.copy_from_slice(max);
    for row in x.chunks_exact(K) {
        for j in 0..K {
            c[j] &= row[j] == first[j];
            let a = row[j].abs();
            m[j] = if a > m[j] { a } else { m[j] };
        }
    }
    constant.copy_from_slice(&c);
    max.copy_from_slice(&m);
}

/// The checks on the names alone, in [`Dataset::new`](super::Dataset::new)'s
/// order: fewer than two columns, a first column not named `const`, a name
/// used twice.
pub fn check_names(names: &[String], file: &str) -> Result<(), DataError> {
    check_names_of(names, file, true)
}

/// [`check_names`] for a design with the intercept first (`has_intercept`)
/// or without one: then one column is enough and any name may come first.
pub(super) fn check_names_of(
    names: &[String],
    file: &str,
    has_intercept: bool,
) -> Result<(), DataError> {
    let k = names.len();
    if !has_intercept && k == 0 {
        return Err(DataError::NoDesignColumns { file: file.into() });
    }
    if has_intercept && k < 2 {
        return Err(DataError::TooFewColumns {
            file: file.into(),
            k,
            intercept: names.first().map_or("const", |n| n.as_str()).to_string(),
        });
    }
    // `const` as statsmodels' add_constant names it; `Intercept` as its
    // formula API (patsy) does.
    if has_intercept && names[0] != "const" && names[0] != "Intercept" {
        return Err(DataError::NoIntercept {
            file: file.into(),
            name: names[0].clone(),
        });
    }
    if let Some(j) = (1..k).find(|&j| names[..j].contains(&names[j])) {
        return Err(DataError::DuplicateColumn {
            file: file.into(),
            name: names[j].clone(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The answers are the same whatever the blocks the rows come in.
    #[test]
    fn blocks_of_any_size_give_the_same_answers() {
        let k = 3;
        #[rustfmt::skip]
        let x = vec![
            1.0, 2.0, 5.0,
            1.0, -3.0, 5.0,
            0.5, 1.0, f64::NAN,
            1.0, 4.0, 5.0,
            1.0, f64::INFINITY, 5.0,
        ];
        let y = vec![0.0, 1.0, 1.0, 2.0, 0.5];
        let mut whole = DesignChecks::new(k);
        whole.add(&x, &y);
        let names = ["const", "a", "b"].map(String::from);
        for rows in 1..=5 {
            let mut blocks = DesignChecks::new(k);
            for (bx, by) in x.chunks(rows * k).zip(y.chunks(rows)) {
                blocks.add(bx, by);
            }
            assert_eq!(blocks.intercept, Some((2, 0.5)), "{rows}");
            assert_eq!(blocks.target, Some((3, 2.0)), "{rows}");
            assert_eq!(blocks.non_finite.map(|(i, _)| i), Some(8), "{rows}");
            assert_eq!(blocks.max()[1], f64::INFINITY, "{rows}");
            assert_eq!(blocks.constant, [false, false, false], "{rows}");
            assert_eq!(
                blocks.check_rows(&names, "y", "f"),
                whole.check_rows(&names, "y", "f")
            );
        }
    }

    /// On several threads, each over a run of the rows, the answers are
    /// those of one pass, whatever the values and wherever the first bad
    /// one lies.
    #[test]
    fn threads_give_the_answers_of_one_pass() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let k = 3;
        for case in 0..400 {
            let n = rng.random_range(1..40);
            let mut x = Vec::with_capacity(n * k);
            let mut y = Vec::with_capacity(n);
            let odd = |rng: &mut rand_chacha::ChaCha8Rng, usual: f64| match rng.random_range(0..60)
            {
                0 => f64::NAN,
                1 => f64::NEG_INFINITY,
                2 => 0.5,
                3 => -7.0,
                _ => usual,
            };
            for _ in 0..n {
                x.push(odd(&mut rng, 1.0));
                x.push(odd(&mut rng, 2.0));
                let v = rng.random_range(-3.0..3.0);
                x.push(odd(&mut rng, v));
                let t = f64::from(rng.random_range(0..2u8));
                y.push(if case % 3 == 0 { 1.0 } else { odd(&mut rng, t) });
            }
            let fresh = || match case % 2 {
                0 => DesignChecks::new(k),
                _ => DesignChecks::new(k).for_proportions(),
            };
            let mut one = fresh();
            one.add(&x, &y);
            for threads in 1..=5 {
                let mut many = fresh();
                many.add_on(&x, &y, threads);
                let names = ["const", "a", "b"].map(String::from);
                let state = |c: &DesignChecks| {
                    let max: Vec<u64> = c.max.iter().map(|v| v.to_bits()).collect();
                    format!(
                        "{} {:?} {:?} {:?} {:?} {:?} {} {:?} {:?} {:?} {:?}",
                        c.n,
                        c.first,
                        c.constant,
                        max,
                        c.intercept,
                        c.non_finite.map(|(i, v)| (i, v.to_bits())),
                        c.mixed,
                        c.target.map(|(i, v)| (i, v.to_bits())),
                        c.first_y.map(f64::to_bits),
                        c.constant_column().map(|(j, v)| (j, v.to_bits())),
                        c.check_rows(&names, "y", "f"),
                    )
                };
                assert_eq!(state(&many), state(&one), "case {case}, {threads} threads");
            }
        }
    }
}
