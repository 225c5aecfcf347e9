//! Telling a caller how far a network's training has got (for a progress
//! bar), without touching a number of it.
use std::ops::ControlFlow;

use super::drive::Look;

/// Told how many steps a run has taken: every [`every`](Self::every)
/// steps, and once more at the end.
pub trait StepProgress {
    /// Steps between two reports (0 counts as 1).
    fn every(&self) -> usize;
    /// `steps` steps taken (at the end: the steps the run took).
    fn steps(&mut self, steps: usize);
}

/// The loop's look that reports to a [`StepProgress`] and never abandons
/// the run.
pub(crate) struct Reported<'a>(pub &'a mut dyn StepProgress);

impl Look for Reported<'_> {
    fn every(&self) -> usize {
        self.0.every().max(1)
    }

    fn look(&mut self, steps: usize) -> ControlFlow<()> {
        self.0.steps(steps);
        ControlFlow::Continue(())
    }

    fn ended(&mut self, steps: usize) {
        self.0.steps(steps);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::{train_spec_reporting, train_spec_with, ModelSpec, NnFit, TrainConfig};
    use crate::simulate::{simulate, SimConfig};

    /// Hears every report.
    struct Heard {
        every: usize,
        steps: Vec<usize>,
    }

    impl StepProgress for Heard {
        fn every(&self) -> usize {
            self.every
        }
        fn steps(&mut self, steps: usize) {
            self.steps.push(steps);
        }
    }

    /// The fit without its wall time.
    fn numbers(f: &NnFit) -> NnFit {
        NnFit {
            time_s: 0.0,
            ..f.clone()
        }
    }

    #[test]
    fn reporting_changes_no_number_and_is_told_every_look_and_the_end() {
        let data = simulate(&SimConfig {
            n: 200,
            ..SimConfig::default()
        })
        .unwrap()
        .data;
        let spec = ModelSpec::default();
        for tol in [None, Some(1e-3)] {
            let cfg = TrainConfig {
                steps: 2000,
                lr: 0.5,
                tol,
                ..TrainConfig::default()
            };
            let alone = train_spec_with(&data, &spec, &cfg, &mut []).unwrap();
            let mut heard = Heard {
                every: 300,
                steps: Vec::new(),
            };
            let told = train_spec_reporting(&data, &spec, &cfg, &mut [], Some(&mut heard)).unwrap();
            assert_eq!(numbers(&told), numbers(&alone), "tol {tol:?}");
            assert_eq!(
                tol.is_some(),
                alone.steps < cfg.steps,
                "tol {tol:?} stops early"
            );
            let mut want: Vec<usize> = (1..)
                .map(|i| i * 300)
                .take_while(|&s| s < alone.steps)
                .collect();
            want.push(alone.steps);
            assert_eq!(heard.steps, want, "tol {tol:?}");
        }
    }
}
