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
    #[error("{at}: {what} has {found} values, expected {expected} (one per coefficient)")]
    Length {
        at: Origin,
        what: &'static str,
        found: usize,
        expected: usize,
    },
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
                file: "the settings given".into(),
                line: 0,
            },
        ),
        (None, Some((o, l))) => (l.study.as_ref().clone(), o.clone()),
        (None, None) => return Err(MergeError::NoLines),
    };
    let cells = design.grid.cells();
    let mut by_pair: BTreeMap<(usize, u64), (Origin, RunLine)> = BTreeMap::new();
    let mut duplicates = 0;
    for (at, line) in lines {
        if *line.study != design {
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
        if let Some((what, found)) = wrong_length(&line) {
            return Err(MergeError::Length {
                at,
                what,
                found,
                expected: line.cell.beta.len(),
            });
        }
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

/// The first list of `line` whose length is not its cell's number of
/// coefficients, and that length: the measures index every list by
/// coefficient.
fn wrong_length(line: &RunLine) -> Option<(&'static str, usize)> {
    let k = line.cell.beta.len();
    let glm = line.glm.iter().flat_map(|g| {
        [
            ("\"glm\" \"params\"", g.params.len()),
            ("\"glm\" \"bse\"", g.bse.len()),
        ]
    });
    let nn = line
        .nn
        .iter()
        .map(|n| ("\"nn\" \"params\"", n.params.len()));
    glm.chain(nn).find(|&(_, len)| len != k)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repeat::line::{Fits, GlmLine, Grid, NnLine};

    fn design() -> Design {
        Design {
            seed: 10,
            runs: 3,
            fits: Fits::Both,
            alpha: 0.05,
            grid: Grid {
                n: vec![20, 40],
                lr: vec![0.1],
                steps: vec![5],
                optimizer: vec!["sgd".into()],
                beta: vec![vec![0.3, -1.0]],
            },
            settings: Default::default(),
        }
    }

    fn line(cell: usize, seed: u64, b: f64) -> (Origin, RunLine) {
        let d = design();
        let at = Origin {
            file: "runs.jsonl".into(),
            line: (cell * 10) + seed as usize,
        };
        let run = RunLine {
            seed,
            cell: d.grid.cells()[cell].clone(),
            glm: Some(GlmLine {
                params: vec![b, -1.0],
                bse: vec![0.1, 0.1],
                iterations: 5,
                converged: true,
                warnings: vec![],
            }),
            nn: Some(NnLine {
                params: vec![b, -1.0],
                loss: 0.4,
                steps: 5,
            }),
            failed: None,
            separated: false,
            study: d.into(),
        };
        (at, run)
    }

    #[test]
    fn lines_are_put_in_cell_then_seed_order_and_missing_pairs_listed() {
        let lines = vec![line(1, 11, 0.2), line(0, 12, 0.1), line(0, 10, 0.3)];
        let m = merge(None, lines).unwrap();
        let order: Vec<(usize, u64)> = m
            .cell_of
            .iter()
            .zip(&m.lines)
            .map(|(&c, l)| (c, l.seed))
            .collect();
        assert_eq!(order, [(0, 10), (0, 12), (1, 11)]);
        assert_eq!(m.missing, [(0, 11), (1, 10), (1, 12)]);
        assert_eq!(m.duplicates, 0);
    }

    #[test]
    fn an_exact_duplicate_is_kept_once_and_counted() {
        let lines = vec![line(0, 10, 0.3), line(1, 10, 0.3), line(0, 10, 0.3)];
        let m = merge(None, lines).unwrap();
        assert_eq!((m.lines.len(), m.duplicates), (2, 1));
    }

    #[test]
    fn rejects_a_duplicate_with_different_numbers() {
        let (mut at, other) = line(0, 11, 0.3 + 1e-15);
        at.line = 99;
        let e = merge(None, vec![line(0, 11, 0.3), (at, other)]).unwrap_err();
        assert!(
            matches!(
                e,
                MergeError::Conflict {
                    cell: 0,
                    seed: 11,
                    ..
                }
            ),
            "{e:?}"
        );
        assert_eq!(
            e.to_string(),
            "runs.jsonl line 99 and runs.jsonl line 11: the run with seed 11 in cell 0 has \
             different numbers"
        );
    }

    #[test]
    fn rejects_a_line_of_another_study_or_outside_the_design() {
        let (at, mut other) = line(0, 11, 0.3);
        std::sync::Arc::make_mut(&mut other.study).alpha = 0.1;
        let e = merge(None, vec![line(0, 10, 0.3), (at, other)]).unwrap_err();
        assert!(matches!(e, MergeError::OtherStudy { .. }), "{e:?}");
        let e = merge(None, vec![line(0, 13, 0.3)]).unwrap_err();
        assert!(matches!(e, MergeError::NotInDesign { .. }), "{e:?}");
        assert_eq!(merge(None, Vec::new()).unwrap_err(), MergeError::NoLines);
    }

    #[test]
    fn rejects_a_list_that_is_not_one_value_per_coefficient() {
        let (at, mut short) = line(0, 11, 0.3);
        short.glm.as_mut().unwrap().bse.pop();
        let e = merge(None, vec![(at, short)]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "runs.jsonl line 11: \"glm\" \"bse\" has 1 values, expected 2 (one per coefficient)"
        );
        let (at, mut long) = line(1, 12, 0.3);
        long.nn.as_mut().unwrap().params.push(1.0);
        let e = merge(None, vec![(at, long)]).unwrap_err();
        assert!(
            matches!(
                e,
                MergeError::Length {
                    found: 3,
                    expected: 2,
                    ..
                }
            ),
            "{e:?}"
        );
    }
}
