//! The loss and parameters along the way, for pictures: a bounded record
//! that thins itself as training goes on.
use std::ops::ControlFlow;

use super::config::Record;
use super::observe::{Observer, Want};

/// Most states a [`History`] keeps (plus the last one). When it is full,
/// every other state is dropped and the interval doubles, so the states
/// stay evenly spaced and memory does not grow with the number of steps.
/// Twice the pictures' [`MAX_LINE_POINTS`](crate::plot::MAX_LINE_POINTS),
/// so a path is never drawn from fewer states than a picture shows.
pub const MAX_HISTORY: usize = 4096;

/// Loss and parameters at evenly spaced steps, and after the last one.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct History {
    /// Step counts: entry i is the state after `steps[i]` updates.
    pub steps: Vec<usize>,
    /// Loss at those parameters (mean BCE over the full data); empty unless
    /// [`Record::loss`] was set.
    pub loss: Vec<f64>,
    /// Parameters `[const, x1..]` on the original scale.
    pub params: Vec<Vec<f64>>,
}

/// Fills a [`History`]: the state every [`Record::every`] steps (an
/// interval that doubles each time [`MAX_HISTORY`] states are kept) and the
/// state after the last step.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorder {
    every: usize,
    loss: bool,
    history: History,
}

impl Recorder {
    /// An empty record kept as `r` says (`r.every` at least 1).
    pub fn new(r: Record) -> Self {
        Recorder {
            every: r.every.max(1),
            loss: r.loss,
            history: History::default(),
        }
    }

    /// Steps between the states kept now.
    pub fn every(&self) -> usize {
        self.every
    }

    /// The record so far.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// The record.
    pub fn into_history(self) -> History {
        self.history
    }

    /// Drop every other state (keeping the first), and double the interval.
    fn thin(&mut self) {
        let h = &mut self.history;
        keep_even(&mut h.steps);
        keep_even(&mut h.params);
        keep_even(&mut h.loss);
        self.every *= 2;
    }
}

/// Keep the entries at even positions.
fn keep_even<T>(v: &mut Vec<T>) {
    let mut i = 0;
    v.retain(|_| {
        i += 1;
        i % 2 == 1
    });
}

impl Observer for Recorder {
    fn wants(&self, step: usize, last: bool) -> Want {
        if !(last || step.is_multiple_of(self.every)) {
            Want::Nothing
        } else if self.loss {
            Want::ParamsAndLoss
        } else {
            Want::Params
        }
    }

    fn observe(
        &mut self,
        step: usize,
        last: bool,
        loss: Option<f64>,
        params: &[f64],
    ) -> ControlFlow<()> {
        // States asked for before the last thinning are no longer wanted.
        if !last && !step.is_multiple_of(self.every) {
            return ControlFlow::Continue(());
        }
        if !last && self.history.steps.len() >= MAX_HISTORY {
            self.thin();
            if !step.is_multiple_of(self.every) {
                return ControlFlow::Continue(());
            }
        }
        self.history.steps.push(step);
        self.history.params.push(params.to_vec());
        if self.loss {
            self.history.loss.push(loss.unwrap_or(f64::NAN));
        }
        ControlFlow::Continue(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(every: usize, steps: usize) -> History {
        let mut r = Recorder::new(Record { every, loss: true });
        for step in 0..=steps {
            let last = step == steps;
            if r.wants(step, last) != Want::Nothing {
                let _ = r.observe(step, last, Some(step as f64), &[step as f64, 1.0]);
            }
        }
        r.into_history()
    }

    #[test]
    fn keeps_every_state_asked_for_below_the_cap() {
        let h = run(100, 250);
        assert_eq!(h.steps, [0, 100, 200, 250]);
        assert_eq!(h.loss, [0.0, 100.0, 200.0, 250.0]);
        assert_eq!(h.params[3], [250.0, 1.0]);
    }

    #[test]
    fn stays_bounded_and_evenly_spaced_after_many_steps() {
        let steps = 10_000_000;
        let h = run(1, steps);
        assert!(h.steps.len() <= MAX_HISTORY + 1, "{}", h.steps.len());
        assert!(h.steps.len() > MAX_HISTORY / 2, "{}", h.steps.len());
        assert_eq!((h.steps[0], *h.steps.last().unwrap()), (0, steps));
        let gap = h.steps[1] - h.steps[0];
        assert!(gap.is_power_of_two());
        let body = &h.steps[..h.steps.len() - 1];
        assert!(body.windows(2).all(|w| w[1] - w[0] == gap), "uneven");
        assert_eq!(h.loss.len(), h.steps.len());
        assert_eq!(h.params.len(), h.steps.len());
        assert!(h.steps.iter().zip(&h.loss).all(|(s, l)| *s as f64 == *l));
    }
}
