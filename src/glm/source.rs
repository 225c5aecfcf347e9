//! Where the passes over the rows read the design and the target: one
//! in-memory slice ([`Memory`]), or blocks of a binary cache read in turn
//! ([`Streamed`](crate::data::design_cache::Streamed)). Fisher scoring, the singular values and
//! the statistics are written once, against [`Source`].
use super::qr::ScaledDesign;
use super::GlmError;

/// Rows of the design X (n × k) and of the target y, visited in order, one
/// block of rows at a time.
pub trait Source: Sync {
    /// Number of rows.
    fn n(&self) -> usize;
    /// Number of design columns.
    fn k(&self) -> usize;
    /// The power-of-two column scales of the whole design (see [`ScaledDesign`]).
    fn scale(&self) -> &[f64];
    /// Visit every row once, in order: `f(first, x, y)` with `first` the
    /// index of the block's first row, `x` its rows (scaled as the whole
    /// design) and `y` their targets.
    fn pass(&self, f: &mut dyn FnMut(usize, &ScaledDesign, &[f64])) -> Result<(), GlmError>;
}

/// A design and target held in memory: one block.
#[derive(Debug, Clone)]
pub struct Memory<'a> {
    pub x: ScaledDesign<'a>,
    pub y: &'a [f64],
}

impl<'a> Memory<'a> {
    /// Wrap a row-major n × k design and its n targets.
    pub fn new(x: &'a [f64], k: usize, y: &'a [f64]) -> Self {
        let x = ScaledDesign::new(x, k);
        assert_eq!(x.n(), y.len(), "design rows and targets");
        Memory { x, y }
    }
}

impl Source for Memory<'_> {
    fn n(&self) -> usize {
        self.x.n()
    }

    fn k(&self) -> usize {
        self.x.k()
    }

    fn scale(&self) -> &[f64] {
        self.x.scale()
    }

    fn pass(&self, f: &mut dyn FnMut(usize, &ScaledDesign, &[f64])) -> Result<(), GlmError> {
        f(0, &self.x, self.y);
        Ok(())
    }
}
