//! Where the row readers put the rows they read: a [`RowSink`] takes them in blocks, in file order.
use crate::data::DataError;

use super::buffer::reserve_rows;

/// Takes the rows of a CSV file as both row readers (the fast path and the
/// full reader) read them, block by block, in file order: the in-memory
/// data set ([`InMemorySink`]) and the design cache of `glm --max-memory` (written
/// as it comes) are two sinks of the one reader.
pub trait RowSink {
    /// What taking rows can fail with, besides the data's own errors.
    type Error: From<DataError>;
    /// Called once, after the header and before any row: the design's
    /// column names (`const` first) and the target's name.
    fn start(&mut self, names: &[String], target: &str) -> Result<(), Self::Error>;
    /// The open block, which the reader appends rows to: each design row
    /// (k values, intercept first) to the first, its target to the second.
    fn block(&mut self) -> (&mut Vec<f64>, &mut Vec<f64>);
    /// Rows the open block takes before the reader calls
    /// [`flush`](Self::flush) (`usize::MAX`: all of them).
    fn block_rows(&self) -> usize;
    /// About `rows` rows in all are expected (a hint for sizing).
    fn expect_rows(&mut self, rows: usize);
    /// Take the rows of the open block; the block may be emptied.
    fn flush(&mut self) -> Result<(), Self::Error>;
    /// Forget every row taken so far: the fast path gave up, and the full
    /// reader reads the rows again from the first.
    fn restart(&mut self) -> Result<(), Self::Error>;
}

/// The in-memory sink: every row kept, in one block (a data set's design and
/// target).
#[derive(Debug, Default)]
pub struct InMemorySink {
    k: usize,
    /// Row-major design, k values a row.
    pub x: Vec<f64>,
    /// The targets.
    pub y: Vec<f64>,
}

impl RowSink for InMemorySink {
    type Error = DataError;

    fn start(&mut self, names: &[String], _target: &str) -> Result<(), DataError> {
        self.k = names.len();
        Ok(())
    }

    fn block(&mut self) -> (&mut Vec<f64>, &mut Vec<f64>) {
        (&mut self.x, &mut self.y)
    }

    fn block_rows(&self) -> usize {
        usize::MAX
    }

    fn expect_rows(&mut self, rows: usize) {
        reserve_rows(&mut self.x, &mut self.y, self.k, rows);
    }

    fn flush(&mut self) -> Result<(), DataError> {
        Ok(())
    }

    fn restart(&mut self) -> Result<(), DataError> {
        (self.x, self.y) = (Vec::new(), Vec::new());
        Ok(())
    }
}

/// A sink wrapped by the reader to count the rows kept and see whether the
/// target has both classes, as the blocks pass.
#[derive(Debug)]
pub(super) struct CountingSink<'s, S> {
    pub inner: &'s mut S,
    /// Rows kept so far.
    pub n: usize,
    /// The first target value, and whether another value was seen.
    pub first: Option<f64>,
    pub mixed: bool,
    /// Targets of the open block already counted.
    counted: usize,
}

impl<'s, S: RowSink> CountingSink<'s, S> {
    pub fn new(inner: &'s mut S) -> Self {
        CountingSink {
            inner,
            n: 0,
            first: None,
            mixed: false,
            counted: 0,
        }
    }

    /// Count the open block's new rows, then hand the block on.
    pub fn flush(&mut self) -> Result<(), S::Error> {
        let (_, y) = self.inner.block();
        let new = &y[self.counted.min(y.len())..];
        if let Some(&v) = new.first() {
            let first = *self.first.get_or_insert(v);
            self.mixed = self.mixed || new.iter().any(|&v| v != first);
        }
        self.n += new.len();
        self.inner.flush()?;
        self.counted = self.inner.block().1.len();
        Ok(())
    }

    /// Forget every row: the reader starts again.
    pub fn restart(&mut self) -> Result<(), S::Error> {
        (self.n, self.first, self.mixed, self.counted) = (0, None, false, 0);
        self.inner.restart()
    }

    /// The open block holds a block's rows: flush it.
    pub fn flush_if_full(&mut self) -> Result<(), S::Error> {
        if self.inner.block().1.len() >= self.inner.block_rows() {
            self.flush()?;
        }
        Ok(())
    }
}
