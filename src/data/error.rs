//! Errors raised while reading and checking a data set: each names the file
//! and, where there is one, the line, the column and the offending value.
//!
//! Lines are 1-based physical lines of the file (the header is line 1);
//! columns are named, or numbered from 1 where they have no usable name.
//! Names and values are printed as quoted, escaped strings (`"a\tb"`), cut
//! to [`MAX_SHOWN`] characters, so every message is one line.
use std::fmt;

use crate::numfmt::{round_sig, Short};
use crate::setting::{in_fields, In, Phrase, Remedy, Setting, Worded, Wording};
use crate::spec::roles::{CountProblem, WeightProblem};

/// Longest name or value shown in a message, in characters.
pub const MAX_SHOWN: usize = 40;

/// How many column names a "no such column" message lists.
pub const MAX_LISTED: usize = 20;

/// Why a data set cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DataError {
    /// The file cannot be opened or read.
    #[error("{file}: cannot read: {reason}")]
    Io { file: String, reason: String },

    /// The file has no header row: zero bytes, or only blank lines.
    #[error("{file}: the file is empty (expected a header row, then data rows)")]
    Empty { file: String },

    /// The file is UTF-16 (a byte-order mark FF FE or FE FF), not UTF-8.
    #[error("{file}: the file is UTF-16 encoded; save it as UTF-8")]
    Utf16 { file: String },

    /// Lines end in a bare CR (classic Mac OS), so the file reads as one line.
    #[error(
        "{file}: lines end in a bare CR (classic Mac OS); save the file with LF or CRLF line ends"
    )]
    BareCr { file: String },

    /// The header row is all there is.
    #[error("{file}: line {line}: a header but no data rows")]
    NoRows { file: String, line: u64 },

    /// Every data row had a missing value and `--missing drop` dropped it.
    #[error("{file}: every data row has a missing value ({dropped} row(s) dropped by --missing drop): nothing is left")]
    AllDropped { file: String, dropped: usize },

    /// A column name is not valid UTF-8.
    #[error("{file}: line {line}, column {col}: the column name {} is not valid UTF-8", Shown(.name))]
    NameNotUtf8 {
        file: String,
        line: u64,
        col: usize,
        /// The name, decoded lossily.
        name: String,
    },

    /// Two columns have the same name.
    #[error("{file}: line {line}: the column name {} appears twice (columns {first} and {second})", Shown(.name))]
    DuplicateName {
        file: String,
        line: u64,
        name: String,
        first: usize,
        second: usize,
    },

    /// The target column is not in the header.
    #[error("{}", in_fields(self))]
    NoTarget {
        file: String,
        line: u64,
        target: String,
        available: Vec<String>,
    },

    /// A requested feature column is not in the header.
    #[error("{}", in_fields(self))]
    NoFeature {
        file: String,
        line: u64,
        name: String,
        available: Vec<String>,
    },

    /// A column that the model needs (a feature or its offset) is not in
    /// the header of the new data (`logreg predict`).
    #[error("{}", in_fields(self))]
    NoColumn {
        file: String,
        line: u64,
        name: String,
        available: Vec<String>,
    },

    /// The features include the target.
    #[error("{file}: column {} is both the target and a feature", Shown(.name))]
    TargetIsFeature { file: String, name: String },

    /// A feature is requested twice.
    #[error("{file}: feature column {} is requested twice", Shown(.name))]
    RepeatedFeature { file: String, name: String },

    /// A per-row role column (weights, offset, groups) that is not in the header.
    #[error("{}", in_fields(self))]
    NoRoleColumn {
        file: String,
        line: u64,
        role: Setting,
        name: String,
        available: Vec<String>,
    },

    /// A role column that is also the target, a feature or another role.
    #[error("{}", in_fields(self))]
    RoleConflict {
        file: String,
        name: String,
        role: Setting,
        /// "the target", "a feature" or "the <role> column".
        other: Phrase,
    },

    /// A negative weight.
    #[error("{}", in_fields(self))]
    NegativeWeight {
        file: String,
        line: u64,
        column: String,
        role: Setting,
        value: String,
    },

    /// A weight that is not a whole number (frequency weights), or outside
    /// the range of a weight ([`WeightProblem`]).
    #[error("{}", in_fields(self))]
    BadWeight {
        file: String,
        line: u64,
        column: String,
        role: Setting,
        value: String,
        problem: WeightProblem,
    },

    /// A weight (frequency times variance weight) or offset the network
    /// cannot hold in its precision: a weight other than 0 below `min` or
    /// above `max`, or an offset beyond `max` in size.
    #[error("{}", in_fields(self))]
    NetworkRange {
        file: String,
        line: u64,
        /// The columns whose product the value is (one, or both weights).
        roles: Vec<Setting>,
        value: f64,
        precision: &'static str,
        min: f64,
        max: f64,
    },

    /// Every weight is 0.
    #[error("{}", in_fields(self))]
    AllZeroWeights {
        file: String,
        column: String,
        role: Setting,
    },

    /// Fewer than two cluster groups.
    #[error("{}", in_fields(self))]
    TooFewGroups {
        file: String,
        column: String,
        count: usize,
    },

    /// A role column whose length is not the number of rows.
    #[error("{}", in_fields(self))]
    RoleLength {
        file: String,
        role: Setting,
        len: usize,
        n: usize,
    },

    /// A feature column is named `const`, the intercept's name.
    #[error("{file}: line {line}: feature column \"const\" has the intercept's name; rename it")]
    ConstName { file: String, line: u64 },

    /// There are no feature columns left besides the target.
    #[error("{file}: line {line}: no feature columns (the only column is the target {})", Shown(.target))]
    NoFeatures {
        file: String,
        line: u64,
        target: String,
    },

    /// The delimiter is a quote or a line end, which cannot separate fields.
    #[error("{file}: the delimiter {} cannot separate fields", Shown(&char::from(*.delimiter).to_string()))]
    BadDelimiter { file: String, delimiter: u8 },

    /// A row has fewer fields than the header.
    #[error("{file}: line {line}: {found} field(s), but the header has {expected} (no value for column {}){}", Shown(.column), quote_hint(*.multiline))]
    TooFewFields {
        file: String,
        line: u64,
        expected: usize,
        found: usize,
        /// The first column without a value.
        column: String,
        /// A quoted field runs over several lines (an unclosed quote?).
        multiline: bool,
    },

    /// A row has more fields than the header.
    #[error("{file}: line {line}: {found} fields, but the header has {expected} (extra value {} in column {}){}", Shown(.value), .expected + 1, quote_hint(*.multiline))]
    TooManyFields {
        file: String,
        line: u64,
        expected: usize,
        found: usize,
        /// The first extra value.
        value: String,
        /// A quoted field runs over several lines (an unclosed quote?).
        multiline: bool,
    },

    /// A cell that is not a number.
    #[error("{file}: line {line}, column {}: {} is not a number", Shown(.column), Shown(.value))]
    NotANumber {
        file: String,
        line: u64,
        column: String,
        value: String,
    },

    /// Text in a feature column: only a formula reads text (as categories).
    #[error("{}", in_fields(self))]
    TextFeature {
        file: String,
        line: u64,
        column: String,
        value: String,
    },

    /// A cell that is infinite, or too large for an f64 (`inf`, `1e400`).
    #[error("{file}: line {line}, column {}: {} is not a finite number", Shown(.column), Shown(.value))]
    Infinite {
        file: String,
        line: u64,
        column: String,
        value: String,
    },

    /// A missing value (empty, `NA`, `NaN`, ...) with `MissingPolicy::Error`.
    #[error("{}", in_fields(self))]
    Missing {
        file: String,
        line: u64,
        column: String,
        value: String,
    },

    /// A target value other than 0 or 1.
    #[error("{file}: line {line}, column {}: target value {} is not 0 or 1", Shown(.column), Shown(.value))]
    NotBinary {
        file: String,
        line: u64,
        column: String,
        value: String,
    },

    /// Every target value is the same.
    #[error("{file}: column {}: every target value is {value}; logistic regression needs both 0 and 1", Shown(.column))]
    SingleClass {
        file: String,
        column: String,
        value: f64,
    },

    /// A binomial count (successes or failures) that is negative, not a
    /// whole number, or too large ([`CountProblem`]).
    #[error("{file}: line {line}, column {}: count {} {problem}", Shown(.column), Shown(.value))]
    BadCount {
        file: String,
        line: u64,
        column: String,
        value: String,
        problem: CountProblem,
    },

    /// A row of binomial counts with no trial: 0 successes and 0 failures.
    #[error("{file}: line {line}, columns {} and {}: 0 successes and 0 failures; each row needs at least one trial", Shown(.successes), Shown(.failures))]
    NoTrials {
        file: String,
        line: u64,
        successes: String,
        failures: String,
    },

    /// Binomial counts with 0 successes on every row, or 0 failures.
    #[error("{file}: column {}: every count is 0; logistic regression needs both successes and failures", Shown(.column))]
    OneSidedCounts { file: String, column: String },

    /// Every row whose weights are not 0 has the same target value.
    #[error("{}", in_fields(self))]
    SingleClassWeighted {
        file: String,
        column: String,
        value: f64,
        /// The weights that zero rows out.
        roles: Vec<Setting>,
    },

    /// Fewer (usable) rows than coefficients.
    #[error("{file}: {rows} data row(s){} for {coefficients} coefficients; need at least as many rows as coefficients",
        dropped_note(*.dropped))]
    TooFewRows {
        file: String,
        rows: usize,
        coefficients: usize,
        dropped: usize,
    },

    /// A design with fewer than two columns: it needs the intercept and a feature.
    #[error(
        "{file}: {k} design column(s); need the intercept {intercept:?} and at least one feature"
    )]
    TooFewColumns {
        file: String,
        k: usize,
        /// The intercept's name: `const`, or `Intercept` for a formula.
        intercept: String,
    },

    /// A design without an intercept and without columns (a formula such
    /// as `y ~ 0`).
    #[error("{file}: the design has no columns (no intercept and no term): nothing to fit")]
    NoDesignColumns { file: String },

    /// The first design column is not the intercept `const`.
    #[error("{file}: the first design column is {}, not the intercept \"const\"", Shown(.name))]
    NoIntercept { file: String, name: String },

    /// Two design columns have the same name.
    #[error("{file}: the design column name {} appears twice", Shown(.name))]
    DuplicateColumn { file: String, name: String },

    /// The design matrix does not hold rows × columns values.
    #[error("{file}: the design matrix has {values} values, not {rows} rows × {columns} columns")]
    ShapeMismatch {
        file: String,
        values: usize,
        rows: usize,
        columns: usize,
    },

    /// An intercept value other than 1.
    #[error("{file}: row {row}: the intercept \"const\" is {value}, not 1")]
    InterceptNotOne {
        file: String,
        row: usize,
        value: f64,
    },

    /// A design value that is infinite or NaN (rows count from 1).
    #[error("{file}: row {row}, column {}: {value} is not a finite number", Shown(.column))]
    NonFinite {
        file: String,
        row: usize,
        column: String,
        value: f64,
    },

    /// A target value other than 0 or 1 (rows count from 1).
    #[error("{file}: row {row}, column {}: target value {value} is not 0 or 1", Shown(.column))]
    TargetNotBinary {
        file: String,
        row: usize,
        column: String,
        value: f64,
    },

    /// A feature column whose values are all equal: it duplicates the intercept.
    #[error("{file}: column {}: every value is {value}, so it duplicates the intercept {intercept:?}", Shown(.column))]
    ConstantColumn {
        file: String,
        column: String,
        value: f64,
        /// The intercept's name: `const`, or `Intercept` for a formula.
        intercept: String,
    },

    /// A column that is a linear combination of the columns before it (R's
    /// aliased coefficient: the later column is named).
    #[error("{file}: column {} is a linear combination of {}; drop it or choose other columns", Shown(.column), Listed(.of))]
    Collinear {
        file: String,
        column: String,
        /// The earlier columns it is a combination of.
        of: Vec<String>,
    },

    /// The columns are independent, but of sizes too far apart for the GLM's
    /// double precision: its weighted design loses rank.
    #[error("{}", in_fields(self))]
    BadlyScaled {
        file: String,
        column: String,
        /// Root mean square of the column.
        size: f64,
        /// The column it is compared with (the typical size).
        other: String,
        other_size: f64,
        rank: usize,
        k: usize,
        /// The power of ten between the column's size and the other's.
        power: i32,
        /// Simulated data: the remedy is a narrower box, not rescaling.
        simulated: bool,
    },

    /// The GLM's weighted design lost rank although the columns are
    /// independent and of similar size.
    #[error("{file}: the GLM's weighted design matrix has rank {rank} < {k} columns, although the columns are independent: the parameters are not uniquely determined (rows fitted with probability exactly 0 or 1 carry no weight)")]
    RankDeficientFit { file: String, rank: usize, k: usize },
}

impl Worded for DataError {
    fn write(&self, w: &Wording, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataError::NoTarget {
                file,
                line,
                target,
                available,
            } => write!(
                f,
                "{file}: line {line}: no target column {}; the columns are {}{}",
                Shown(target),
                Listed(available),
                delimiter_hint(available, w)
            ),
            DataError::NoFeature {
                file,
                line,
                name,
                available,
            } => write!(
                f,
                "{file}: line {line}: no feature column {}; the columns are {}{}",
                Shown(name),
                Listed(available),
                delimiter_hint(available, w)
            ),
            DataError::NoColumn {
                file,
                line,
                name,
                available,
            } => write!(
                f,
                "{file}: line {line}: no column {}, which the model needs; the columns are {}{}",
                Shown(name),
                Listed(available),
                delimiter_hint(available, w)
            ),
            DataError::NoRoleColumn {
                file,
                line,
                role,
                name,
                available,
            } => write!(
                f,
                "{file}: line {line}: no {} column {}; the columns are {}",
                In(role, w),
                Shown(name),
                Listed(available)
            ),
            DataError::RoleConflict {
                file,
                name,
                role,
                other,
            } => write!(
                f,
                "{file}: column {} is both the {} column and {}",
                Shown(name),
                In(role, w),
                In(other, w)
            ),
            DataError::NegativeWeight {
                file,
                line,
                column,
                role,
                value,
            } => write!(
                f,
                "{file}: line {line}, column {}: {} value {} is negative; weights must be >= 0",
                Shown(column),
                In(role, w),
                Shown(value)
            ),
            DataError::BadWeight {
                file,
                line,
                column,
                role,
                value,
                problem,
            } => write!(
                f,
                "{file}: line {line}, column {}: {} value {} {problem}",
                Shown(column),
                In(role, w),
                Shown(value)
            ),
            DataError::NetworkRange {
                file,
                line,
                roles,
                value,
                precision,
                min,
                max,
            } => write!(
                f,
                "{file}: line {line}: {} {} is outside what the network's {precision} holds ({} to {} in size); {}",
                Product(roles, w),
                Short(*value),
                Short(round_sig(*min, 3)),
                Short(round_sig(*max, 3)),
                In(&Remedy::UseF64, w)
            ),
            DataError::AllZeroWeights { file, column, role } => write!(
                f,
                "{file}: column {}: every {} value is 0; nothing to fit",
                Shown(column),
                In(role, w)
            ),
            DataError::TooFewGroups {
                file,
                column,
                count,
            } => write!(
                f,
                "{file}: column {}: {count} group(s); {} needs at least 2",
                Shown(column),
                In(&Setting::Groups, w)
            ),
            DataError::RoleLength { file, role, len, n } => write!(
                f,
                "{file}: the {} column has {len} values for {n} rows",
                In(role, w)
            ),
            DataError::Missing {
                file,
                line,
                column,
                value,
            } => write!(
                f,
                "{file}: line {line}, column {}: missing value {} ({})",
                Shown(column),
                Shown(value),
                In(&Remedy::DropMissing, w)
            ),
            DataError::TextFeature {
                file,
                line,
                column,
                value,
            } => write!(
                f,
                "{file}: line {line}, column {}: {} is not a number ({})",
                Shown(column),
                Shown(value),
                In(&Remedy::UseFormula, w)
            ),
            DataError::SingleClassWeighted {
                file,
                column,
                value,
                roles,
            } => write!(
                f,
                "{file}: column {}: every target value is {value} on the rows whose {} is not 0; logistic regression needs both 0 and 1",
                Shown(column),
                WeightNames(roles, w)
            ),
            DataError::BadlyScaled {
                file,
                column,
                size,
                other,
                other_size,
                rank,
                k,
                power,
                simulated,
            } => write!(
                f,
                "{file}: column {} has values of size {} (root mean square) against {} for {}: too far apart for the GLM in double precision (rank {rank} < {k} columns); {}",
                Shown(column),
                Short(round_sig(*size, 3)),
                Short(round_sig(*other_size, 3)),
                Shown(other),
                rescale_hint(*simulated, *power, w)
            ),
            other => fmt::Display::fmt(other, f),
        }
    }
}

impl DataError {
    /// Always [`ErrorKind::BadInput`](crate::ErrorKind): the data cannot be used.
    pub fn kind(&self) -> crate::ErrorKind {
        crate::ErrorKind::BadInput
    }
}

/// For a header read as one column holding a likely separator: a hint.
fn delimiter_hint(names: &[String], w: &Wording) -> String {
    match names {
        [one] => match [';', '\t', ',', '|'].into_iter().find(|&c| one.contains(c)) {
            Some(c) => format!(
                " (is the delimiter {c:?}? {})",
                In(&Remedy::SetDelimiter, w)
            ),
            None => String::new(),
        },
        _ => String::new(),
    }
}

/// What to do about a badly scaled column `power` powers of ten from the
/// others: rescale it (written as Python writes 1e+16), or narrow the box.
fn rescale_hint(simulated: bool, power: i32, w: &Wording) -> String {
    match (simulated, power > 0) {
        (true, _) => In(&Remedy::NarrowerBox, w).to_string(),
        (false, true) => {
            format!("rescale the column (divide it by 1e{power:+03}), or choose other columns")
        }
        (false, false) => format!(
            "rescale the column (multiply it by 1e{:+03}), or choose other columns",
            -power
        ),
    }
}

/// For a row whose quoted field spans lines: a hint.
fn quote_hint(multiline: bool) -> &'static str {
    if multiline {
        "; a quoted value runs over several lines: is a quote left open?"
    } else {
        ""
    }
}

/// " (after dropping N with missing values)", or nothing.
fn dropped_note(dropped: usize) -> String {
    if dropped > 0 {
        format!(" (after dropping {dropped} with missing values)")
    } else {
        String::new()
    }
}

/// A name or value as a quoted, escaped string of at most [`MAX_SHOWN`] characters.
struct Shown<'a>(&'a str);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.chars().count() > MAX_SHOWN {
            let cut: String = self.0.chars().take(MAX_SHOWN).collect();
            write!(f, "{cut:?}...")
        } else {
            write!(f, "{:?}", self.0)
        }
    }
}

/// The weights that can zero out a row: "--freq-weights", or both joined
/// by "or".
struct WeightNames<'a>(&'a [Setting], &'a Wording);

impl fmt::Display for WeightNames<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, role) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" or ")?;
            }
            role.write(self.1, f)?;
        }
        Ok(())
    }
}

/// "--offset value", "--var-weights value", or for the network's one
/// weight "--freq-weights × --var-weights".
struct Product<'a>(&'a [Setting], &'a Wording);

impl fmt::Display for Product<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            [one] => write!(f, "{} value", In(one, self.1)),
            many => {
                for (i, role) in many.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" × ")?;
                    }
                    role.write(self.1, f)?;
                }
                Ok(())
            }
        }
    }
}

/// A list of names, each [`Shown`], at most [`MAX_LISTED`] of them.
struct Listed<'a>(&'a [String]);

impl fmt::Display for Listed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, name) in self.0.iter().take(MAX_LISTED).enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{}", Shown(name))?;
        }
        if self.0.len() > MAX_LISTED {
            write!(f, " and {} more", self.0.len() - MAX_LISTED)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_one_line_with_escaped_values() {
        let e = DataError::NotANumber {
            file: "d.csv".into(),
            line: 7,
            column: "x2".into(),
            value: "a\nb\"c".into(),
        };
        assert_eq!(
            e.to_string(),
            r#"d.csv: line 7, column "x2": "a\nb\"c" is not a number"#
        );
        let long = "x".repeat(100);
        let e = DataError::NotANumber {
            file: "d.csv".into(),
            line: 2,
            column: "x".into(),
            value: long,
        };
        assert!(e
            .to_string()
            .ends_with(&format!("\"{}\"... is not a number", "x".repeat(40))));
    }

    #[test]
    fn lists_are_cut() {
        let names: Vec<String> = (0..25).map(|i| format!("c{i}")).collect();
        let e = DataError::NoTarget {
            file: "d.csv".into(),
            line: 1,
            target: "y".into(),
            available: names,
        };
        let s = e.to_string();
        assert!(s.contains("\"c19\" and 5 more"), "{s}");
        assert!(!s.contains("c20"), "{s}");
    }
}
