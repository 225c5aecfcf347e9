//! Watching training as it goes: an [`Observer`] is shown the states it
//! asks for (parameters, and the loss if wanted) while the network trains,
//! so traces, paths and "first step within 1e-3" need no memory that grows
//! with the number of steps.
use std::ops::ControlFlow;

/// What an observer wants of one state of the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Want {
    /// Nothing: the state is not shown to it.
    Nothing,
    /// The parameters.
    Params,
    /// The parameters and the full-data loss at them.
    ParamsAndLoss,
}

/// A watcher of training (see [`train_with`](super::train_with)).
///
/// "The state after `step` updates" is the network before update
/// `step + 1` (step 0: the initial parameters); the state after the last
/// update is asked about with `last` true. States are shown in step order,
/// in batches: [`wants`](Observer::wants) may be asked about a later step
/// before [`observe`](Observer::observe) has seen an earlier one.
pub trait Observer {
    /// What this observer wants of the state after `step` updates.
    fn wants(&self, step: usize, last: bool) -> Want;

    /// The state after `step` updates (`last`: after the last update): the loss (mean BCE over the full
    /// data, at these parameters) when it was computed, and the parameters
    /// `[const, x1..]` on the original scale of the features.
    /// `ControlFlow::Break` stops training: it then fails with
    /// [`TrainError::Stopped`](super::TrainError::Stopped).
    fn observe(
        &mut self,
        step: usize,
        last: bool,
        loss: Option<f64>,
        params: &[f64],
    ) -> ControlFlow<()>;
}
