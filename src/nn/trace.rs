//! The `--trace` CSV of training: rows written as the network trains.
use std::fmt::Write as _;
use std::io::Write;
use std::ops::ControlFlow;

use super::observe::{Observer, Want};
use crate::numfmt::Short;

/// The --trace CSV, written as training goes: `step,loss,<names...>`, then
/// a row every `every` steps and one after the last step. After the first
/// write error it writes nothing more (training goes on);
/// [`TraceRows::finish`] returns that error.
pub struct TraceRows<W: Write> {
    out: W,
    every: usize,
    error: Option<std::io::Error>,
}

impl<W: Write> TraceRows<W> {
    /// Start with the header line.
    pub fn new(mut out: W, every: usize, names: &[String]) -> Self {
        let error = writeln!(out, "step,loss,{}", names.join(",")).err();
        TraceRows { out, every, error }
    }

    /// Flush, and hand back the sink, or the first write error.
    pub fn finish(mut self) -> std::io::Result<W> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

impl<W: Write> Observer for TraceRows<W> {
    fn wants(&self, step: usize, last: bool) -> Want {
        match self.error.is_none() && (last || step.is_multiple_of(self.every)) {
            true => Want::ParamsAndLoss,
            false => Want::Nothing,
        }
    }

    fn observe(
        &mut self,
        step: usize,
        _last: bool,
        loss: Option<f64>,
        params: &[f64],
    ) -> ControlFlow<()> {
        let mut row = format!("{step},{}", Short(loss.unwrap_or(f64::NAN)));
        for v in params {
            let _ = write!(row, ",{}", Short(*v));
        }
        row.push('\n');
        if let Err(e) = self.out.write_all(row.as_bytes()) {
            self.error = Some(e);
        }
        ControlFlow::Continue(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_the_header_then_every_nth_state_and_the_last() {
        let names = ["const".to_string(), "x1".to_string()];
        let mut t = TraceRows::new(Vec::new(), 2, &names);
        for step in 0..5 {
            let last = step == 4;
            if t.wants(step, last) == Want::ParamsAndLoss {
                let flow = t.observe(step, last, Some(0.5), &[step as f64, -1.5]);
                assert_eq!(flow, ControlFlow::Continue(()));
            }
        }
        assert_eq!(t.wants(3, false), Want::Nothing);
        assert_eq!(t.wants(3, true), Want::ParamsAndLoss);
        let text = String::from_utf8(t.finish().unwrap()).unwrap();
        assert_eq!(
            text,
            "step,loss,const,x1\n0,0.5,0,-1.5\n2,0.5,2,-1.5\n4,0.5,4,-1.5\n"
        );
    }

    #[test]
    fn a_write_error_stops_the_rows_not_training_and_is_returned() {
        /// A sink that refuses every write.
        #[derive(Debug)]
        struct Full;
        impl Write for Full {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("no space"))
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut t = TraceRows::new(Full, 1, &["const".to_string()]);
        assert_eq!(t.wants(0, false), Want::Nothing, "nothing more is wanted");
        assert_eq!(t.observe(0, true, None, &[1.0]), ControlFlow::Continue(()));
        assert_eq!(t.finish().unwrap_err().to_string(), "no space");
    }
}
