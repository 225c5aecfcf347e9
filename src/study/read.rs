//! Reading `--runs-out` files back: the one reader of run lines, used by
//! `repeat --resume` and by `logreg summarize`.
use std::io::BufRead;

use super::line::RunLine;
use super::merge::Origin;

/// Longest line read (a line of a huge design is a few kB): a longer one is
/// not a run line, and is refused before it fills memory.
pub const MAX_LINE: usize = 16 << 20;

/// What a file holds.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReadLines {
    /// Every whole line and where it was read, in file order: what
    /// [`merge`](super::merge::merge) takes.
    pub runs: Vec<(Origin, RunLine)>,
    /// Bytes of whole lines (the file's length, unless its last line is torn).
    pub whole_len: u64,
    /// A last line (blank lines aside, with or without its newline) that is
    /// not a run line: what a killed writer leaves. Its line number.
    pub torn: Option<usize>,
    /// The last line is a whole run line without its newline (kept): a
    /// writer appending to the file must end it first.
    pub unterminated: bool,
}

/// Why a file of run lines cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{file}: cannot read")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file} line {line}: not a run line of logreg repeat ({why})")]
    NotARunLine {
        file: String,
        line: usize,
        why: String,
    },
    #[error("{file} line {line}: longer than {} MiB, not a run line", MAX_LINE >> 20)]
    TooLong { file: String, line: usize },
}

impl ReadError {
    /// An unreadable file is bad input, like any input file.
    pub fn kind(&self) -> crate::ErrorKind {
        crate::ErrorKind::BadInput
    }
}

/// Read every line of `r` (named `file` in messages). Blank lines are
/// skipped; any other line must be a run line, except a last line without
/// its newline that does not parse, which is reported as torn. A last line
/// without its newline that parses is whole: a cut JSON object never does.
/// The last line is the last that is not blank, newline or not.
pub fn read_lines<R: BufRead>(file: &str, mut r: R) -> Result<ReadLines, ReadError> {
    let mut out = ReadLines::default();
    let mut buf = Vec::new();
    let mut line = 0;
    loop {
        buf.clear();
        line += 1;
        let got = <&mut R as std::io::Read>::take(&mut r, MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut buf)
            .map_err(|source| ReadError::Io {
                file: file.into(),
                source,
            })?;
        if got == 0 {
            return Ok(out);
        }
        let whole = buf.last() == Some(&b'\n');
        if !whole && buf.len() > MAX_LINE {
            return Err(ReadError::TooLong {
                file: file.into(),
                line,
            });
        }
        let text = String::from_utf8_lossy(&buf);
        if text.trim().is_empty() {
            out.whole_len += got as u64;
            continue;
        }
        match serde_json::from_str::<RunLine>(text.trim_end()) {
            Ok(mut run) => {
                out.whole_len += got as u64;
                out.unterminated = !whole;
                // `keep` is the default, which `repeat` leaves out of its
                // lines: written out or not, it is the same study.
                let keep = run
                    .study
                    .settings
                    .get("on_separation")
                    .and_then(|v| v.as_str());
                if keep == Some("keep") {
                    std::sync::Arc::make_mut(&mut run.study)
                        .settings
                        .remove("on_separation");
                }
                // Lines of one study share one design, as when they ran.
                if let Some((_, last)) = out.runs.last() {
                    if last.study == run.study {
                        run.study = last.study.clone();
                    }
                }
                out.runs.push((
                    Origin {
                        file: file.into(),
                        line,
                    },
                    run,
                ));
            }
            // The last line, newline or not (blank lines may follow).
            Err(_) if !whole || only_blank_left(&mut r) => {
                out.torn = Some(line);
                return Ok(out);
            }
            Err(e) => {
                return Err(ReadError::NotARunLine {
                    file: file.into(),
                    line,
                    why: e.to_string(),
                })
            }
        }
    }
}

/// Whether what is left of `r` is blank (whitespace only, up to
/// [`MAX_LINE`] bytes of it); reads it.
fn only_blank_left<R: BufRead>(r: &mut R) -> bool {
    let mut rest = Vec::new();
    let mut left = std::io::Read::take(r, MAX_LINE as u64 + 1);
    let read = std::io::Read::read_to_end(&mut left, &mut rest);
    read.is_ok() && rest.len() <= MAX_LINE && rest.iter().all(u8::is_ascii_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::study::line::{Design, Fits, Grid};

    fn line(seed: u64) -> String {
        let grid = Grid {
            n: vec![10],
            lr: vec![0.1],
            steps: vec![5],
            optimizer: vec!["sgd".into()],
            beta: vec![vec![0.3, -1.0]],
            true_link: None,
            link: vec![crate::spec::LinkKind::Logit],
            x_dist: vec![crate::simulate::XDist::Uniform],
            x_corr: vec![0.0],
        };
        RunLine {
            seed,
            cell: grid.cells()[0].clone(),
            glm: None,
            nn: None,
            failed: Some("x".into()),
            separated: false,
            study: Design {
                seed: 1,
                runs: 2,
                fits: Fits::Both,
                alpha: 0.05,
                grid,
                settings: Default::default(),
            }
            .into(),
        }
        .to_json()
    }

    #[test]
    fn lines_of_one_study_share_one_design() {
        let full = format!("{}\n{}\n", line(1), line(2));
        let got = read_lines("f", full.as_bytes()).unwrap();
        let (a, b) = (&got.runs[0].1.study, &got.runs[1].1.study);
        assert!(std::sync::Arc::ptr_eq(a, b));
    }

    #[test]
    fn a_torn_last_line_is_reported_and_not_counted() {
        let full = format!("{}\n\n{}\n", line(1), line(2));
        let got = read_lines("f", full.as_bytes()).unwrap();
        assert_eq!(got.runs.len(), 2);
        assert_eq!(got.runs[1].0.line, 3);
        assert_eq!(got.whole_len, full.len() as u64);
        assert_eq!(got.torn, None);
        for cut in [full.len() - 2, full.len() - 10] {
            let got = read_lines("f", &full.as_bytes()[..cut]).unwrap();
            assert_eq!(got.runs.len(), 1, "cut at {cut}");
            assert_eq!(got.torn, Some(3));
            assert_eq!(got.whole_len, line(1).len() as u64 + 2);
        }
    }

    #[test]
    fn a_whole_last_line_without_its_newline_is_kept() {
        let full = format!(
            "{}

{}",
            line(1),
            line(2)
        );
        let got = read_lines("f", full.as_bytes()).unwrap();
        assert_eq!(got.runs.len(), 2);
        assert_eq!((got.torn, got.unterminated), (None, true));
        assert_eq!(got.whole_len, full.len() as u64);
    }

    #[test]
    fn a_line_that_is_not_a_run_line_names_file_and_line() {
        let text = format!("{}\n{{\"seed\": 1}}\n{}\n", line(1), line(2));
        let e = read_lines("runs.jsonl", text.as_bytes()).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("runs.jsonl line 2: not a run line of logreg repeat"),
            "{e}"
        );
    }
}
