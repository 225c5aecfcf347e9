//! Run lines from anywhere (this process, shards, an interrupted run and its
//! resumption) put into the study's fixed order: by cell, then by seed. The
//! one place that decides which lines make a study, used by `repeat` and by
//! `logreg summarize`, so both sum the same numbers in the same order.
use std::collections::BTreeMap;

use super::line::{Design, RunLine};

/// Where a line came from, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// File name (or a description, such as "this run").
    pub file: String,
    /// Line number, from 1 (0 for a line that was never in a file).
    pub line: usize,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            0 => write!(f, "{}", self.file),
            l => write!(f, "{} line {l}", self.file),
        }
    }
}

/// A study's lines, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    /// The study every line belongs to.
    pub design: Design,
    /// One line per present (cell, seed) pair, by cell index then seed.
    pub lines: Vec<RunLine>,
    /// The cell index of each line of `lines`.
    pub cell_of: Vec<usize>,
    /// Pairs of the design with no line: (cell index, seed), in order.
    pub missing: Vec<(usize, u64)>,
    /// Lines that repeated another line exactly (kept once).
    pub duplicates: usize,
}

/// Why lines cannot make one study.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MergeError {
    #[error("no run lines to summarize")]
    NoLines,
    #[error("{at}: from another study than {first} (its \"study\" settings differ)")]
    OtherStudy { at: Origin, first: Origin },
    #[error("{at}: its cell or seed is not in its study's design")]
    NotInDesign { at: Origin },
    #[error("{at} and {other}: the run with seed {seed} in cell {cell} has different numbers")]
    Conflict {
        at: Origin,
        other: Origin,
        cell: usize,
        seed: u64,
    },
}

impl MergeError {
    /// Lines that do not make one study are bad input.
    pub fn kind(&self) -> crate::ErrorKind {
        crate::ErrorKind::BadInput
    }
}

/// Put `lines` in the study's order. With `design`, every line must belong
/// to it; without, to the first line's study.
pub fn merge(
    design: Option<&Design>,
    lines: impl IntoIterator<Item = (Origin, RunLine)>,
) -> Result<Merged, MergeError> {
    let mut lines = lines.into_iter().peekable();
    let (design, first) = match (design, lines.peek()) {
        (Some(d), _) => (
            d.clone(),
            Origin {
                file: "this study".into(),
                line: 0,
            },
        ),
        (None, Some((o, l))) => (l.study.clone(), o.clone()),
        (None, None) => return Err(MergeError::NoLines),
    };
    let cells = design.grid.cells();
    let mut by_pair: BTreeMap<(usize, u64), (Origin, RunLine)> = BTreeMap::new();
    let mut duplicates = 0;
    for (at, line) in lines {
        if line.study != design {
            return Err(MergeError::OtherStudy { at, first });
        }
        let in_range = line.seed >= design.seed && line.seed - design.seed < design.runs as u64;
        let Some(c) = cells
            .iter()
            .position(|c| *c == line.cell)
            .filter(|_| in_range)
        else {
            return Err(MergeError::NotInDesign { at });
        };
        match by_pair.get(&(c, line.seed)) {
            Some((other, kept)) if *kept == line => {
                let _ = other;
                duplicates += 1;
            }
            Some((other, _)) => {
                return Err(MergeError::Conflict {
                    at,
                    other: other.clone(),
                    cell: c,
                    seed: line.seed,
                })
            }
            None => {
                by_pair.insert((c, line.seed), (at, line));
            }
        }
    }
    let missing = design
        .pairs()
        .map(|(c, i)| (c, design.seed_of(i)))
        .filter(|p| !by_pair.contains_key(p))
        .collect();
    let cell_of = by_pair.keys().map(|&(c, _)| c).collect();
    Ok(Merged {
        lines: by_pair.into_values().map(|(_, l)| l).collect(),
        cell_of,
        missing,
        duplicates,
        design,
    })
}
