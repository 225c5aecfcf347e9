//! The one row loop: a record's rules (blank lines skipped by the splitter, ragged rows, the cell rule, missing values, which refusal a row reports), for any field splitter.
use crate::data::DataError;
use crate::setting::Setting;
use crate::spec::roles::{count_problem, weight_problem, CountProblem, WeightProblem};

use super::cell::Bad;
use super::options::MissingPolicy;
use super::spelling::NA_VALUES;

/// How the row loop reads one column of the file.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Take {
    /// Not read (its field must still be there).
    Skip,
    /// A number by the cell rule, into [`Row::values`] at `slot`: a target
    /// takes only 0 or 1; a weight (`weight`) its role's range; text in a
    /// `feature` is refused with a pointer to formulas.
    Number {
        slot: usize,
        target: bool,
        feature: bool,
        weight: Option<Setting>,
    },
    /// Text, into [`Row::texts`] at `slot`, a CRLF line's CR removed; a
    /// missing marker (exactly one of [`NA_VALUES`]) is missing.
    Text { slot: usize },
}

/// How the fast path's kernel ([`plain_rows`](super::plain::plain_rows))
/// reads a column: not at all, or as a plain number into a row slot (a
/// target's value must be 0 or 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Column {
    Skip,
    Number { slot: usize, target: bool },
}

/// What a splitter is asked to make of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Want {
    /// Its bytes only.
    Raw,
    /// Its value by the cell rule (a target's if `target`).
    Number { target: bool },
}

/// One field of a record, as a splitter hands it to the row loop.
pub(super) struct Field<'a> {
    /// The field's bytes (unquoted).
    pub raw: &'a [u8],
    /// Its value by the cell rule, for [`Want::Number`].
    pub value: Result<f64, Bad>,
}

/// A field splitter: the records of an input, each record's fields in
/// order. The strict one ([`Records`](super::records::Records)) reads any
/// input the format allows; the quote-free one
/// ([`Lines`](super::lines::Lines)) declines what it cannot read, and the
/// strict one then reads the input again.
pub(super) trait Fields {
    /// What a refused row becomes.
    type Error;
    /// Move to the next record that is not blank; false at the end.
    fn next_record(&mut self) -> Result<bool, Self::Error>;
    /// The record's number of fields, where known before its fields are read.
    fn width(&self) -> Option<usize>;
    /// The record's field `c`, the fields being asked for in order, or None
    /// past its last field.
    fn field(&mut self, c: usize, want: Want) -> Result<Option<Field<'_>>, Self::Error>;
    /// Whether the record has no more fields than were asked for.
    fn ended(&self) -> bool;
    /// The record does not have as many fields as `header`.
    fn ragged(&self, header: &[String]) -> Self::Error;
    /// The record is refused with the error `make` builds from the file's
    /// name and the record's line.
    fn refuse(&self, make: impl FnOnce(String, u64) -> DataError) -> Self::Error;
}

/// One record's values, as [`RowRule::next`] fills them.
#[derive(Debug, Clone, Default)]
pub(super) struct Row {
    pub values: Vec<f64>,
    pub texts: Vec<String>,
}

/// What [`RowRule::next`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Next {
    /// A row whose values are in the [`Row`].
    Kept,
    /// A row with a missing value, dropped ([`MissingPolicy::Drop`]).
    Dropped,
    /// The end of the input.
    End,
}

/// The rules for a record: how each column is read, what a missing value
/// does, and which of a row's refusals is reported.
#[derive(Debug, Clone)]
pub(super) struct RowRule {
    takes: Vec<Take>,
    header: Vec<String>,
    missing: MissingPolicy,
    /// A refusal's rank by column: of a row's refusals, the lowest-ranked
    /// is reported.
    rank: Vec<usize>,
    /// Whether a missing marker in a [`Take::Text`] column is kept as text
    /// (for the caller to judge) rather than missing.
    keep_missing: bool,
    /// Binomial counts: the value slots of the successes and the failures,
    /// each a whole number >= 0, at least one trial a row.
    counts: Option<(usize, usize)>,
}

/// A refused cell: its column and what it becomes.
enum Refusal {
    Cell(Bad, String),
    /// Text in a feature column.
    Text(String),
    Weight(Setting, WeightProblem, String),
    Count(CountProblem, String),
}

impl RowRule {
    /// The rule for a file whose columns are `header`, each read as `takes`
    /// says; a row's first refusal in file order is reported.
    pub(super) fn new(takes: Vec<Take>, header: Vec<String>, missing: MissingPolicy) -> Self {
        debug_assert_eq!(takes.len(), header.len());
        let rank = (0..takes.len()).collect();
        RowRule {
            takes,
            header,
            missing,
            rank,
            keep_missing: false,
            counts: None,
        }
    }

    /// The same rule for binomial counts in the value slots `successes`
    /// (read as a count, not a 0/1 target) and `failures`.
    pub(super) fn counting(mut self, successes: usize, failures: usize) -> Self {
        for take in &mut self.takes {
            if let Take::Number { slot, target, .. } = take {
                if *slot == successes {
                    *target = false;
                }
            }
        }
        self.counts = Some((successes, failures));
        self
    }

    /// The same rule, keeping a missing marker in a [`Take::Text`] column
    /// as its text.
    pub(super) fn keeping_missing(mut self) -> Self {
        self.keep_missing = true;
        self
    }

    /// The same rule, reporting a row's refusals in the order of `rank`
    /// (one number per column) rather than in file order.
    pub(super) fn ranked(mut self, rank: Vec<usize>) -> Self {
        debug_assert_eq!(rank.len(), self.takes.len());
        self.rank = rank;
        self
    }

    /// Each column as [`plain_rows`](super::plain::plain_rows) reads it,
    /// where the rule reads numbers (no weights) and skips the rest, with
    /// no counts, and at least one column is read; None otherwise.
    pub(super) fn plain_columns(&self) -> Option<Vec<Column>> {
        if self.counts.is_some() || self.keep_missing {
            return None;
        }
        let columns = self
            .takes
            .iter()
            .map(|take| match *take {
                Take::Skip => Some(Column::Skip),
                Take::Number {
                    slot,
                    target,
                    weight: None,
                    ..
                } => Some(Column::Number { slot, target }),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()?;
        columns
            .iter()
            .any(|c| *c != Column::Skip)
            .then_some(columns)
    }

    /// A row with room for every value and text the rule reads.
    pub(super) fn row(&self) -> Row {
        let (mut values, mut texts) = (0, 0);
        for take in &self.takes {
            match *take {
                Take::Number { slot, .. } => values = values.max(slot + 1),
                Take::Text { slot } => texts = texts.max(slot + 1),
                Take::Skip => {}
            }
        }
        Row {
            values: vec![0.0; values],
            texts: vec![String::new(); texts],
        }
    }

    /// Read the next record of `fields` into `row`. A record with another
    /// number of fields than the header is refused; so is one with a cell
    /// the cell rule refuses, or a missing value under
    /// [`MissingPolicy::Error`]. A row with a missing value under
    /// [`MissingPolicy::Drop`] is still read whole, and refused for a bad
    /// cell.
    #[inline]
    pub(super) fn next<F: Fields>(&self, fields: &mut F, row: &mut Row) -> Result<Next, F::Error> {
        if !fields.next_record()? {
            return Ok(Next::End);
        }
        if fields.width().is_some_and(|w| w != self.takes.len()) {
            return Err(fields.ragged(&self.header));
        }
        let mut missing = false;
        let mut refused: Option<(usize, usize, Refusal)> = None;
        for (c, take) in self.takes.iter().enumerate() {
            let want = match *take {
                Take::Number { target, .. } => Want::Number { target },
                _ => Want::Raw,
            };
            let Some(field) = fields.field(c, want)? else {
                return Err(fields.ragged(&self.header));
            };
            let refusal = match *take {
                Take::Skip => continue,
                Take::Number {
                    slot,
                    weight,
                    feature,
                    ..
                } => match field.value {
                    Ok(v) => match weight.and_then(|role| Some((role, weight_problem(role, v)?))) {
                        Some((role, problem)) => Refusal::Weight(role, problem, trimmed(field.raw)),
                        None if self.counts.is_some_and(|(s, f)| slot == s || slot == f)
                            && count_problem(v).is_some() =>
                        {
                            let problem = count_problem(v).expect("checked just above");
                            Refusal::Count(problem, trimmed(field.raw))
                        }
                        None => {
                            row.values[slot] = v;
                            continue;
                        }
                    },
                    Err(Bad::Missing) if self.missing == MissingPolicy::Drop => {
                        missing = true;
                        continue;
                    }
                    Err(Bad::NotANumber) if feature => Refusal::Text(trimmed(field.raw)),
                    Err(bad) => Refusal::Cell(bad, trimmed(field.raw)),
                },
                Take::Text { slot } => {
                    let raw = field.raw.strip_suffix(b"\r").unwrap_or(field.raw);
                    let text = &mut row.texts[slot];
                    text.clear();
                    text.push_str(&String::from_utf8_lossy(raw));
                    if self.keep_missing || !NA_VALUES.contains(&text.as_str()) {
                        continue;
                    }
                    match self.missing {
                        MissingPolicy::Drop => {
                            missing = true;
                            continue;
                        }
                        MissingPolicy::Error => {
                            Refusal::Cell(Bad::Missing, text.trim().to_string())
                        }
                    }
                }
            };
            if refused
                .as_ref()
                .is_none_or(|&(rank, _, _)| self.rank[c] < rank)
            {
                refused = Some((self.rank[c], c, refusal));
            }
        }
        if !fields.ended() {
            return Err(fields.ragged(&self.header));
        }
        if let Some((_, c, refusal)) = refused {
            let column = self.header[c].clone();
            return Err(fields.refuse(|file, line| refusal.error(file, line, column)));
        }
        if let (Some((s, f)), false) = (self.counts, missing) {
            if row.values[s] + row.values[f] == 0.0 {
                let name = |slot: usize| {
                    self.takes
                        .iter()
                        .position(|t| matches!(t, Take::Number { slot: n, .. } if *n == slot))
                        .map_or_else(String::new, |c| self.header[c].clone())
                };
                let (successes, failures) = (name(s), name(f));
                return Err(fields.refuse(|file, line| DataError::NoTrials {
                    file,
                    line,
                    successes,
                    failures,
                }));
            }
        }
        Ok(if missing { Next::Dropped } else { Next::Kept })
    }
}

impl Refusal {
    fn error(self, file: String, line: u64, column: String) -> DataError {
        match self {
            Refusal::Cell(bad, value) => bad.error(file, line, column, value),
            Refusal::Text(value) => DataError::TextFeature {
                file,
                line,
                column,
                value,
            },
            Refusal::Weight(role, WeightProblem::Negative, value) => DataError::NegativeWeight {
                file,
                line,
                column,
                role,
                value,
            },
            Refusal::Count(problem, value) => DataError::BadCount {
                file,
                line,
                column,
                value,
                problem,
            },
            Refusal::Weight(role, problem, value) => DataError::BadWeight {
                file,
                line,
                column,
                role,
                value,
                problem,
            },
        }
    }
}

/// A field's bytes as a message quotes them: spaces around them removed.
fn trimmed(raw: &[u8]) -> String {
    String::from_utf8_lossy(raw.trim_ascii()).into_owned()
}

/// Whether a line whose one field is `field` is blank: nothing but spaces
/// (or the CR of a blank CRLF line). Both splitters skip blank lines.
#[inline]
pub(super) fn is_blank_line(field: &[u8]) -> bool {
    field.trim_ascii().is_empty()
}
