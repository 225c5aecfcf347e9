//! A design cache as the streamed fit's [`Source`]: its rows in blocks, each
//! with the whole design's column scales.
use super::qr::ScaledDesign;
use super::source::Source;
use super::GlmError;
use crate::data::design_cache::Streamed;

impl Source for Streamed {
    fn n(&self) -> usize {
        Streamed::n(self)
    }

    fn k(&self) -> usize {
        Streamed::k(self)
    }

    fn scale(&self) -> &[f64] {
        Streamed::scale(self)
    }

    fn pass(&self, f: &mut dyn FnMut(usize, &ScaledDesign, &[f64])) -> Result<(), GlmError> {
        self.blocks(&mut |first, x, y| {
            let block = ScaledDesign::with_scale(x, self.scale());
            f(first, &block, y);
        })
        .map_err(|e| GlmError::Cache(format!("{}: {e}", self.path().display())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::design_cache::bytes_per_row;
    use crate::data::design_cache::tests::written;

    /// Every row comes back once, in order, whatever the block size, with
    /// the whole design's scales.
    #[test]
    fn a_pass_reads_every_row_in_order_in_blocks_of_the_limit() {
        let (path, d) = written("blocks");
        for rows in [1, 3, 7, 10, 1000] {
            let s = Streamed::open(&path, rows * bytes_per_row(3)).unwrap();
            assert_eq!(s.rows_per_block(), (rows as usize).min(10));
            assert_eq!((s.n(), Source::k(&s), s.target()), (10, 3, "y"));
            assert_eq!(s.names(), d.names());
            assert_eq!(
                s.scale(),
                super::super::source::Memory::new(d.x(), 3, d.y()).scale()
            );
            let (mut x, mut y, mut firsts) = (Vec::new(), Vec::new(), Vec::new());
            s.pass(&mut |first, block, ys| {
                firsts.push(first);
                // Row i, column j: X·e_j on row i.
                for i in 0..block.n() {
                    for e in [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]] {
                        x.push(block.predict_rows(i, i + 1, &e)[0]);
                    }
                }
                y.extend_from_slice(ys);
                assert_eq!(block.scale(), s.scale());
            })
            .unwrap();
            assert_eq!(y, d.y(), "{rows} rows a block");
            assert_eq!(x, d.x(), "{rows} rows a block");
            let want: Vec<usize> = (0..10).step_by(rows.min(10) as usize).collect();
            assert_eq!(firsts, want);
        }
        std::fs::remove_file(&path).unwrap();
    }
}
