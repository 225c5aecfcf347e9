//! Run lines from anywhere (this process, shards, an interrupted run and its
//! resumption) put into the study's fixed order: by cell, then by seed. The
//! one place that decides which lines make a study, used by `repeat` and by
//! `logreg summarize`, so both sum the same numbers in the same order.
use std::collections::BTreeMap;

use super::line::{Design, RunLine};
use super::run::MAX_CELLS;
use crate::setting::Phrase;
use crate::spec::CovType;

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
    /// Pairs of the design with no line, as seed ranges per cell.
    pub missing: Missing,
    /// Lines that repeated another line exactly (kept once).
    pub duplicates: usize,
}

/// The runs of a design that have no line: ranges of seeds per cell, so
/// that what is held grows with the lines read, not with the runs a study
/// claims.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Missing {
    /// By cell, then by seed; ranges of one cell neither touch nor overlap.
    pub ranges: Vec<SeedRange>,
}

/// Seeds `first..=last` of cell `cell`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedRange {
    pub cell: usize,
    pub first: u64,
    pub last: u64,
}

impl SeedRange {
    /// Runs in the range.
    pub fn runs(&self) -> u64 {
        self.last - self.first + 1
    }
}

impl std::fmt::Display for SeedRange {
    /// `42..44`, or `50` for one seed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.first == self.last {
            true => write!(f, "{}", self.first),
            false => write!(f, "{}..{}", self.first, self.last),
        }
    }
}

impl Missing {
    /// Missing runs in all.
    pub fn len(&self) -> usize {
        self.ranges.iter().map(|r| r.runs() as usize).sum()
    }

    /// Whether no run is missing.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Missing runs of cell `cell`.
    pub fn in_cell(&self, cell: usize) -> usize {
        self.ranges
            .iter()
            .filter(|r| r.cell == cell)
            .map(|r| r.runs() as usize)
            .sum()
    }
}

/// Seed ranges listed at most in [`Missing`]'s text; the rest are counted.
const RANGES_SHOWN: usize = 50;

impl std::fmt::Display for Missing {
    /// `cell 0 seeds 42..44, 50; cell 2 seeds 42..1041`, the first
    /// [`RANGES_SHOWN`] ranges, then how many more there are.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut cell = None;
        for r in self.ranges.iter().take(RANGES_SHOWN) {
            match cell == Some(r.cell) {
                true => write!(f, ", {r}")?,
                false if cell.is_none() => write!(f, "cell {} seeds {r}", r.cell)?,
                false => write!(f, "; cell {} seeds {r}", r.cell)?,
            }
            cell = Some(r.cell);
        }
        match self.ranges.len().saturating_sub(RANGES_SHOWN) {
            0 => Ok(()),
            more => write!(f, "; and {more} more ranges"),
        }
    }
}

/// A study some of whose runs have no line: its summary covers the runs
/// that have one, and this says which do not.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("incomplete study: missing {} of {total} runs: {missing}", missing.len())]
pub struct Incomplete {
    pub missing: Missing,
    /// Runs of the design.
    pub total: u64,
}

impl Incomplete {
    /// Its own exit status: the summary is right for the runs it covers,
    /// and the input was accepted.
    pub fn kind(&self) -> crate::ErrorKind {
        crate::ErrorKind::Incomplete
    }
}

impl Merged {
    /// Whether every run of the design has a line.
    pub fn complete(&self) -> Result<(), Incomplete> {
        if self.missing.is_empty() {
            return Ok(());
        }
        let cells = self.design.grid.len().unwrap_or(0) as u64;
        Err(Incomplete {
            missing: self.missing.clone(),
            total: cells.saturating_mul(self.design.runs as u64),
        })
    }
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
    #[error("{at}: its \"study\" is not one that logreg repeat runs ({why})")]
    Study { at: Origin, why: String },
    #[error("{at}: not a whole run of its study ({why})")]
    Incomplete { at: Origin, why: String },
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
        (None, Some((o, l))) => {
            check_design(&l.study).map_err(|why| MergeError::Study { at: o.clone(), why })?;
            (l.study.as_ref().clone(), o.clone())
        }
        (None, None) => return Err(MergeError::NoLines),
    };
    let cells = design.grid.cells();
    let mut by_pair: BTreeMap<(usize, u64), (Origin, RunLine)> = BTreeMap::new();
    let mut duplicates = 0;
    for (at, line) in lines {
        if *line.study != design {
            return Err(MergeError::OtherStudy { at, first });
        }
        let Some(c) = cells
            .iter()
            .position(|c| *c == line.cell)
            .filter(|&c| design.replication_of(c, line.seed).is_some())
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
        if let Some(why) = incomplete(&design, &line) {
            return Err(MergeError::Incomplete { at, why });
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
    let missing = missing(&design, cells.len(), by_pair.keys().copied());
    let cell_of = by_pair.keys().map(|&(c, _)| c).collect();
    Ok(Merged {
        lines: by_pair.into_values().map(|(_, l)| l).collect(),
        cell_of,
        missing,
        duplicates,
        design,
    })
}

/// The pairs of `design`'s `cells` cells that are not in `present` (sorted
/// (cell, seed) pairs of the design), as ranges.
fn missing(design: &Design, cells: usize, present: impl Iterator<Item = (usize, u64)>) -> Missing {
    let mut ranges = Vec::new();
    if design.runs == 0 || design.last_seed().is_none() {
        return Missing { ranges };
    }
    let mut present = present.peekable();
    for cell in 0..cells {
        let last = design.seed_of(cell, design.runs - 1);
        // The first seed not yet seen; None past the last seed 2^64 - 1.
        let mut next = Some(design.seed_of(cell, 0));
        while let Some((_, seed)) = present.next_if(|&(c, _)| c == cell) {
            if let Some(first) = next.filter(|&n| seed > n) {
                ranges.push(SeedRange {
                    cell,
                    first,
                    last: seed - 1,
                });
            }
            next = seed.checked_add(1);
        }
        if let Some(first) = next.filter(|&n| n <= last) {
            ranges.push(SeedRange { cell, first, last });
        }
    }
    Missing { ranges }
}

/// The settings of a study that name one of a few choices besides the
/// covariance type, and the choices `repeat` writes.
const CHOICES: &[(&str, &[&str])] = &[
    ("dtype", &["f32", "f64"]),
    ("gradient", &["auto", "closed_form", "exact"]),
    ("on_separation", &["fail"]),
    ("seeds", &["independent"]),
];

/// Why `design`, read from a line, is not a study that `repeat` runs, if it
/// is not: `repeat`'s checks of its counts, and its memory check of what the
/// study claims (every run's results, as `repeat` holds them), so that a line
/// cannot make this process hold or walk more than the machine could run.
fn check_design(design: &Design) -> Result<(), String> {
    let runs = design.runs;
    if runs == 0 {
        return Err("\"runs\" is 0".into());
    }
    if design.seed.checked_add(runs as u64 - 1).is_none() {
        return Err(format!(
            "\"seed\" {} with \"runs\" {runs}: the last run's seed exceeds 2^64 - 1",
            design.seed
        ));
    }
    let cells = match design.grid.len() {
        Some(c) if (1..=MAX_CELLS).contains(&c) => c,
        Some(0) => return Err("its grid has no cell".into()),
        _ => return Err(format!("its grid has more than {MAX_CELLS} cells")),
    };
    if design.last_seed().is_none() {
        return Err(format!(
            "\"seed\" {} with \"runs\" {runs} and {cells} cells of independent seeds: the \
             last run's seed exceeds 2^64 - 1",
            design.seed
        ));
    }
    let k = design.grid.beta[0].len();
    if k == 0 || design.grid.beta.iter().any(|b| b.len() != k) {
        return Err("its \"beta\" vectors are empty or of different lengths".into());
    }
    design.grid.check()?;
    crate::glm::check_alpha(design.alpha).map_err(|e| format!("\"alpha\": {e}"))?;
    // A cluster covariance needs groups, which `repeat` has not.
    let cov_types: Vec<&str> = CovType::ALL
        .into_iter()
        .filter(|c| *c != CovType::Cluster)
        .map(CovType::name)
        .collect();
    for (key, known) in std::iter::once(("cov_type", &cov_types[..])).chain(CHOICES.iter().copied())
    {
        if let Some(v) = design.settings.get(key) {
            if !v.as_str().is_some_and(|s| known.contains(&s)) {
                return Err(format!("\"{key}\" is {v}, not one of {}", known.join(", ")));
            }
        }
    }
    let per_run = std::mem::size_of::<RunLine>()
        .checked_add(k.saturating_mul(4 * 8))
        .and_then(|b| b.checked_add(32))
        .unwrap_or(usize::MAX);
    crate::runtime::memory::check(
        || Phrase(vec![format!("\"runs\" {runs} ({cells} cells)").into()]),
        "the runs' results",
        crate::runtime::memory::product(&[cells, runs, per_run]),
    )
    .map_err(|e| e.to_string())
}

/// Why `line` is not a whole run of `design`, if it is not. A run has each
/// fit its study makes and no other, unless it failed (then it says why and
/// keeps the parts that succeeded); a separated fit of a study that fails
/// them has failed; its GLM's standard errors are not negative; its GLM took at most the study's
/// `max_iter` iterations; its network took its cell's steps, fewer only when
/// the study's `tol` stops networks early.
fn incomplete(design: &Design, line: &RunLine) -> Option<String> {
    let fits = design.fits;
    let parts = [
        ("glm", fits.glm(), line.glm.is_some()),
        ("nn", fits.nn(), line.nn.is_some()),
    ];
    for (part, fitted, present) in parts {
        if present && !fitted {
            return Some(format!("it has \"{part}\", but its study fits {fits}"));
        }
        if fitted && !present && !line.is_failed() {
            return Some(format!(
                "it has no \"{part}\" and no \"failed\", but its study fits {fits}"
            ));
        }
    }
    let fails_separated = design
        .settings
        .get("on_separation")
        .and_then(|v| v.as_str())
        == Some("fail");
    if line.separated && fails_separated && !line.is_failed() {
        return Some(
            "it is \"separated\" and not \"failed\", but its study fails separated fits".into(),
        );
    }
    if let Some(glm) = &line.glm {
        if glm.bse.iter().any(|b| *b < 0.0) {
            return Some("its \"glm\" has a negative \"bse\"".into());
        }
    }
    let max_iter = design.settings.get("max_iter").and_then(|m| m.as_u64());
    if let (Some(glm), Some(max)) = (&line.glm, max_iter) {
        if glm.iterations as u64 > max {
            return Some(format!(
                "\"glm\" \"iterations\" is {}, but its study stops at \"max_iter\" {max}",
                glm.iterations
            ));
        }
    }
    let nn = line.nn.as_ref()?;
    let stops_early = design.settings.get("tol").is_some_and(|t| !t.is_null());
    let steps = line.cell.steps;
    let fewer_ok = stops_early || line.is_failed();
    if nn.steps > steps || (nn.steps < steps && !fewer_ok) {
        return Some(format!(
            "\"nn\" \"steps\" is {}, but its cell trains {steps} steps{}",
            nn.steps,
            match stops_early {
                true => " at most",
                false => " (its study has no tol to stop earlier)",
            }
        ));
    }
    None
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
    use crate::study::line::{Fits, GlmLine, Grid, NnLine};

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
                true_link: None,
                link: vec![crate::spec::LinkKind::Logit],
                x_dist: vec![crate::simulate::XDist::Uniform],
                x_corr: vec![0.0],
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
        let missing: Vec<(usize, u64, u64)> = m
            .missing
            .ranges
            .iter()
            .map(|r| (r.cell, r.first, r.last))
            .collect();
        assert_eq!(missing, [(0, 11, 11), (1, 10, 10), (1, 12, 12)]);
        assert_eq!((m.missing.len(), m.missing.in_cell(1)), (3, 2));
        assert_eq!(m.duplicates, 0);
    }

    #[test]
    fn missing_runs_print_as_seed_ranges_per_cell() {
        let r = |cell, first, last| SeedRange { cell, first, last };
        let m = Missing {
            ranges: vec![r(0, 42, 44), r(0, 50, 50), r(2, 52, 53)],
        };
        assert_eq!(
            m.to_string(),
            "cell 0 seeds 42..44, 50; cell 2 seeds 52..53"
        );
        assert_eq!((m.len(), m.in_cell(0), m.in_cell(1)), (6, 4, 0));
        let many = Missing {
            ranges: (0..RANGES_SHOWN as u64 + 3)
                .map(|i| r(0, 2 * i, 2 * i))
                .collect(),
        };
        assert!(
            many.to_string().ends_with(", 98; and 3 more ranges"),
            "{many}"
        );
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
