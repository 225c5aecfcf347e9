//! The resume journal: a `--runs-out` file of run lines that `repeat --resume` reads, repairs and appends to.
use std::collections::BTreeSet;
use std::fs::File;
use std::io::{BufReader, Write};

use super::line::{Design, RunLine};
use super::merge::{merge, MergeError, Origin};
use super::read::{read_lines, ReadError};

/// What a journal already holds.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Resumed {
    /// Its run lines and where each was read, in file order.
    pub lines: Vec<(Origin, RunLine)>,
    /// Their (cell index, seed) pairs: the runs not to run again.
    pub done: BTreeSet<(usize, u64)>,
    /// The line number of a torn last line (a killed writer's) that was cut off.
    pub torn: Option<usize>,
}

/// Why a journal cannot be resumed.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error(transparent)]
    Read(#[from] ReadError),
    /// Lines of another study, or lines that conflict.
    #[error(transparent)]
    Merge(#[from] MergeError),
    #[error("{file}: cannot cut off its torn line {line}")]
    Cut {
        file: String,
        line: usize,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}: cannot end its last line")]
    End {
        file: String,
        #[source]
        source: std::io::Error,
    },
}

impl JournalError {
    /// A file that is not a journal of the study is bad input; a failed
    /// repair is a failure.
    pub fn kind(&self) -> crate::ErrorKind {
        match self {
            JournalError::Read(e) => e.kind(),
            JournalError::Merge(e) => e.kind(),
            JournalError::Cut { .. } | JournalError::End { .. } => crate::ErrorKind::FitFailed,
        }
    }
}

/// Read the journal `file` (named `name` in messages, open for reading and
/// appending), whose lines must all be runs of `design`'s study, and make it
/// ready for appending: a torn last line is cut off, and a whole last line
/// without its newline gets it, so that the next line starts on a line of
/// its own. Nothing is changed if a line is of another study or conflicts.
pub fn resume(file: &File, name: &str, design: &Design) -> Result<Resumed, JournalError> {
    let read = read_lines(name, BufReader::new(file))?;
    let lines = read.runs;
    // The merge also places each line in its cell.
    let merged = merge(Some(design), lines.iter().cloned())?;
    if let Some(line) = read.torn {
        file.set_len(read.whole_len)
            .map_err(|source| JournalError::Cut {
                file: name.to_string(),
                line,
                source,
            })?;
    }
    if read.unterminated {
        let mut f = file;
        f.write_all(b"\n").map_err(|source| JournalError::End {
            file: name.to_string(),
            source,
        })?;
    }
    let done = merged
        .cell_of
        .iter()
        .zip(&merged.lines)
        .map(|(&c, l)| (c, l.seed))
        .collect();
    Ok(Resumed {
        lines,
        done,
        torn: read.torn,
    })
}

impl Resumed {
    /// Drop from `pairs` (cell index, replication) the runs already done.
    pub fn retain_to_run(&self, design: &Design, pairs: &mut Vec<(usize, usize)>) {
        pairs.retain(|&(c, i)| !self.done.contains(&(c, design.seed_of(c, i))));
    }

    /// The first line that is not a run of shard `i` of `n`, and its pair
    /// (`cell * runs + replication`): appending this shard's runs to another
    /// shard's journal would mix the shards silently.
    pub fn foreign_to_shard(
        &self,
        design: &Design,
        (i, n): (usize, usize),
    ) -> Option<(&Origin, u64)> {
        let cells = design.grid.cells();
        self.lines.iter().find_map(|(at, line)| {
            let cell = cells.iter().position(|c| *c == line.cell)?;
            let rep = design.replication_of(cell, line.seed).unwrap_or(0);
            let p = cell as u64 * design.runs as u64 + rep as u64;
            (p % n as u64 != i as u64).then_some((at, p))
        })
    }
}

/// Whole lines written to a journal so far, and their bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Written {
    pub lines: usize,
    pub bytes: u64,
}

/// Append one JSON line per run of `runs` to `out`, each line a single
/// write, so that a killed process leaves whole lines and at most one torn
/// last line. `written` counts the whole lines: after an error it says
/// where the last whole line ends.
pub fn append<W: Write>(
    out: &mut W,
    runs: &[RunLine],
    written: &mut Written,
) -> std::io::Result<()> {
    for r in runs {
        let line = r.to_json() + "\n";
        out.write_all(line.as_bytes())?;
        written.bytes += line.len() as u64;
        written.lines += 1;
    }
    Ok(())
}
