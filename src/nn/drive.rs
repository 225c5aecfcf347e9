//! The step-and-stop loop, one for every trainer: the order of step, loss,
//! `--tol` stop, look (progress and the stop flag), divergence detection and
//! finish, for one network ([`NetRun`](super::NetRun) through `nn::train`), the
//! study's lockstep of single runs, or the study's closed-form batch; and the
//! rules it applies (the `--tol` measure, what counts as diverged).
use std::ops::{ControlFlow, Range};

use tch::{Kind, TchError, Tensor};

/// What the loop trains: one network, or a batch of networks each of which
/// stops on its own (a per-network mask kept by the learner).
pub(crate) trait Learner {
    /// Why a step (or a look at the networks) failed.
    type Failure;
    /// The error a run ends with.
    type Error;
    /// What a finished run gives.
    type Out;

    /// Step `step` (counted from 0) of every network still training;
    /// `loss`: keep the loss of this step's forward pass (the loss at the
    /// parameters before the step). Returns true when every network is
    /// known to have met `tol` without asking the device (the run stops).
    fn step(&mut self, step: usize, loss: bool) -> Result<bool, Self::Failure>;

    /// The steps `steps` (those between two looks), in order, as
    /// [`step`](Self::step) takes them one at a time with `loss(step)`:
    /// `Some(s)` when every network is known to have met `tol` after `s`
    /// steps (the run stops), and a failure with the step it happened at.
    /// A learner that takes many steps at once (each network's in turn)
    /// overrides it.
    #[allow(clippy::type_complexity)]
    fn steps(
        &mut self,
        steps: Range<usize>,
        loss: &dyn Fn(usize) -> bool,
    ) -> Result<Option<usize>, (Self::Failure, usize)> {
        for step in steps {
            if self.step(step, loss(step)).map_err(|e| (e, step))? {
                return Ok(Some(step + 1));
            }
        }
        Ok(None)
    }

    /// Whether every network has met `tol` (asked at each look).
    fn all_met(&self) -> Result<bool, Self::Failure>;

    /// Keep the loss at the initial parameters (a run of no steps reports
    /// it, as the lecture's `loss.item()` would).
    fn initial_loss(&mut self) -> Result<(), Self::Failure>;

    /// The error for `failure` at step `step`: the network that diverged
    /// when that is why it failed (see [`first_not_finite`]).
    fn locate(&self, failure: Self::Failure, step: usize) -> Self::Error;

    /// The result after `steps` steps (the networks that met `tol` earlier
    /// keep their own count); a network whose loss or parameters are not
    /// finite diverged (see [`finite`]).
    fn finish(self, steps: usize) -> Result<Self::Out, Self::Error>;
}

/// Who watches a run from outside: progress and a stop flag, looked at
/// every [`every`](Look::every) steps.
pub(crate) trait Look {
    /// Steps between two looks.
    fn every(&self) -> usize;
    /// After `steps` steps; `Break` abandons the run.
    fn look(&mut self, steps: usize) -> ControlFlow<()>;
    /// The run ended after `steps` steps (not called when abandoned).
    fn ended(&mut self, steps: usize);
}

/// No one looks: the run goes to its end.
pub(crate) struct Unwatched;

impl Look for Unwatched {
    fn every(&self) -> usize {
        usize::MAX
    }
    fn look(&mut self, _: usize) -> ControlFlow<()> {
        ControlFlow::Continue(())
    }
    fn ended(&mut self, _: usize) {}
}

/// Run `learner` for up to `steps` steps and finish it; `tol`: whether the
/// networks stop at `--tol` (every step then keeps its loss, the loss a
/// network that stops reports). `None` when `look` abandoned the run.
///
/// Order: at each look (every `look.every()` steps, not before the first
/// step) the look, then the `tol` stop of the whole batch; the step, its
/// loss kept with `tol` and at the last step; after the loop the loss at
/// the initial parameters if no step ran, the look's end, the finish.
pub(crate) fn drive<L: Learner>(
    mut learner: L,
    steps: usize,
    tol: bool,
    look: &mut impl Look,
) -> Result<Option<L::Out>, L::Error> {
    let every = look.every();
    let mut done = steps;
    let mut from = 0;
    while from < steps {
        if from > 0 {
            if look.look(from).is_break() {
                return Ok(None);
            }
            if tol && learner.all_met().map_err(|e| learner.locate(e, from))? {
                done = from;
                break;
            }
        }
        // Up to the next look (a multiple of `every`) or the end.
        let to = steps.min((from / every + 1).saturating_mul(every));
        let loss = |step: usize| tol || step + 1 == steps;
        match learner.steps(from..to, &loss) {
            Ok(Some(stopped)) => {
                done = stopped;
                break;
            }
            Ok(None) => from = to,
            Err((e, step)) => return Err(learner.locate(e, step)),
        }
    }
    if steps == 0 {
        learner.initial_loss().map_err(|e| learner.locate(e, 0))?;
    }
    look.ended(done);
    learner.finish(done).map(Some)
}

/// The `--tol` measure for each network of a stack (along the first
/// dimension): the largest absolute change of its parameters in a step,
/// in f64.
pub(crate) fn largest_change(before: &Tensor, after: &Tensor) -> Result<Tensor, TchError> {
    after
        .f_sub(before)?
        .f_abs()?
        .f_flatten(1, -1)?
        .f_amax([1i64].as_slice(), false)?
        .f_to_kind(Kind::Double)
}

/// The `--tol` stop: which networks' largest change (see
/// [`largest_change`]) fell below `tol`.
pub(crate) fn met_tol(change: &Tensor, tol: f64) -> Result<Tensor, TchError> {
    change.f_lt(tol)
}

/// The end-of-run check: a network whose loss or parameters are not finite
/// diverged.
pub(crate) fn finite(loss: f64, params: &[f64]) -> bool {
    loss.is_finite() && params.iter().all(|p| p.is_finite())
}

/// The first network of a stack (along the first dimension) holding a
/// value that is not finite; `None` if there is none or it cannot be told.
/// A failed step diverged when the network's parameters (or predictions)
/// are not finite: BCE refuses the NaN predictions they give.
pub(crate) fn first_not_finite(stack: &Tensor) -> Option<usize> {
    let _guard = tch::no_grad_guard();
    let ok = stack
        .f_isfinite()
        .ok()?
        .f_flatten(1, -1)
        .ok()?
        .f_all_dim(1, false)
        .ok()?
        .f_to_kind(Kind::Int64)
        .ok()?;
    Vec::<i64>::try_from(&ok).ok()?.iter().position(|&v| v == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The step of a network that never meets `tol`.
    const NEVER: usize = usize::MAX;

    /// A batch of networks that each meet `tol` at a given step, failing at
    /// another; it records what the loop asked of it.
    struct Script {
        met_at: Vec<usize>,
        fail_at: Option<usize>,
        /// Set by the device only at looks (as the closed form's mask).
        known_now: bool,
        calls: Vec<String>,
        steps_run: usize,
    }

    impl Script {
        fn new(met_at: &[usize], known_now: bool) -> Self {
            Script {
                met_at: met_at.to_vec(),
                fail_at: None,
                known_now,
                calls: Vec::new(),
                steps_run: 0,
            }
        }
    }

    impl Learner for Script {
        type Failure = usize;
        type Error = String;
        type Out = (usize, Vec<String>);

        fn step(&mut self, step: usize, loss: bool) -> Result<bool, usize> {
            if self.fail_at == Some(step) {
                return Err(step);
            }
            self.calls.push(format!("step {step} loss {loss}"));
            self.steps_run = step + 1;
            Ok(self.known_now && self.met_at.iter().all(|&m| m <= step + 1))
        }
        fn all_met(&self) -> Result<bool, usize> {
            Ok(self.met_at.iter().all(|&m| m <= self.steps_run))
        }
        fn initial_loss(&mut self) -> Result<(), usize> {
            self.calls.push("initial loss".into());
            Ok(())
        }
        fn locate(&self, failure: usize, step: usize) -> String {
            format!("failed {failure} at {step}")
        }
        fn finish(self, steps: usize) -> Result<(usize, Vec<String>), String> {
            Ok((steps, self.calls))
        }
    }

    /// Looks every `every` steps, abandoning the run at `stop_at`.
    struct Every {
        every: usize,
        stop_at: Option<usize>,
        seen: Vec<usize>,
    }

    impl Look for Every {
        fn every(&self) -> usize {
            self.every
        }
        fn look(&mut self, steps: usize) -> ControlFlow<()> {
            self.seen.push(steps);
            match self.stop_at == Some(steps) {
                true => ControlFlow::Break(()),
                false => ControlFlow::Continue(()),
            }
        }
        fn ended(&mut self, steps: usize) {
            self.seen.push(steps);
        }
    }

    fn every(every: usize) -> Every {
        Every {
            every,
            stop_at: None,
            seen: Vec::new(),
        }
    }

    #[test]
    fn keeps_the_loss_only_at_the_last_step_without_tol() {
        let (steps, calls) = drive(Script::new(&[NEVER], true), 3, false, &mut Unwatched)
            .unwrap()
            .unwrap();
        assert_eq!(steps, 3);
        assert_eq!(
            calls,
            ["step 0 loss false", "step 1 loss false", "step 2 loss true"]
        );
    }

    #[test]
    fn a_run_of_no_steps_keeps_the_initial_loss() {
        let (steps, calls) = drive(Script::new(&[NEVER], true), 0, true, &mut Unwatched)
            .unwrap()
            .unwrap();
        assert_eq!(
            (steps, calls.as_slice()),
            (0, ["initial loss".to_string()].as_slice())
        );
    }

    #[test]
    fn stops_after_the_step_where_every_network_is_known_to_meet_tol() {
        let mut look = every(2);
        let (steps, calls) = drive(Script::new(&[1, 3], true), 10, true, &mut look)
            .unwrap()
            .unwrap();
        assert_eq!(steps, 3);
        assert_eq!(calls.len(), 3);
        assert!(calls.iter().all(|c| c.ends_with("loss true")));
        assert_eq!(look.seen, [2, 3], "one look, then the end");
    }

    #[test]
    fn a_batch_whose_mask_lives_on_the_device_stops_at_the_next_look() {
        let mut look = every(4);
        let (steps, calls) = drive(Script::new(&[1, 3], false), 10, true, &mut look)
            .unwrap()
            .unwrap();
        assert_eq!((steps, calls.len()), (4, 4));
        assert_eq!(look.seen, [4, 4]);
        // Without tol the mask is not asked about.
        let (steps, _) = drive(Script::new(&[1], false), 10, false, &mut every(4))
            .unwrap()
            .unwrap();
        assert_eq!(steps, 10);
    }

    #[test]
    fn an_abandoned_run_gives_nothing_and_no_end() {
        let mut look = every(2);
        look.stop_at = Some(4);
        assert!(drive(Script::new(&[NEVER], true), 10, false, &mut look)
            .unwrap()
            .is_none());
        assert_eq!(look.seen, [2, 4]);
    }

    #[test]
    fn a_failed_step_is_located_at_its_step() {
        let mut s = Script::new(&[NEVER], true);
        s.fail_at = Some(5);
        let e = drive(s, 10, false, &mut Unwatched).unwrap_err();
        assert_eq!(e, "failed 5 at 5");
    }

    #[test]
    fn tol_stops_each_network_whose_largest_change_falls_below_it() {
        // Three networks of two parameters: largest changes 0.5, 1e-3
        // (below tol) and exactly tol, which does not stop.
        let before = Tensor::from_slice(&[0.0f32, 0.0, 1.0, 1.0, 2.0, 2.0]).view([3, 1, 2]);
        let after = Tensor::from_slice(&[0.5f32, -0.1, 1.0, 1.001, 2.0, 2.25]).view([3, 1, 2]);
        let change = largest_change(&before, &after).unwrap();
        assert_eq!(change.kind(), Kind::Double);
        let stops = Vec::<bool>::try_from(&met_tol(&change, 0.25).unwrap()).unwrap();
        assert_eq!(stops, [false, true, false]);
    }

    #[test]
    fn a_change_that_is_not_a_number_never_stops() {
        let before = Tensor::from_slice(&[0.0f64, 0.0]).view([1, 2]);
        let after = Tensor::from_slice(&[f64::NAN, 0.0]).view([1, 2]);
        let change = largest_change(&before, &after).unwrap();
        let stops = Vec::<bool>::try_from(&met_tol(&change, 1.0).unwrap()).unwrap();
        assert_eq!(stops, [false]);
    }

    #[test]
    fn names_the_first_network_that_is_not_finite() {
        let stack = Tensor::from_slice(&[1.0f32, 2.0, 3.0, f32::INFINITY, 5.0, f32::NAN]);
        assert_eq!(first_not_finite(&stack.view([3, 2])), Some(1));
        assert_eq!(
            first_not_finite(&Tensor::ones([2, 2], tch::kind::FLOAT_CPU)),
            None
        );
        assert!(finite(0.5, &[1.0, -2.0]));
        assert!(!finite(f64::NAN, &[1.0]));
        assert!(!finite(0.5, &[f64::INFINITY]));
    }
}
