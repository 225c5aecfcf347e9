//! One network's training run: its step, its `--tol` check and its finish
//! (the loss, the parameters, the rows at BCE's clamp), stepped by the loop
//! in [`super::drive`] for `nn::train` and for each network of the study's
//! exact path.
use tch::{Device, Kind, Reduction, TchError, Tensor};

use super::config::TrainConfig;
use super::drive::{first_not_finite, largest_change, met_tol};
use super::error::TrainError;
use super::objective::{objective, predict, Rows};
use super::observe::Want;
use super::optimizer::Stepper;
use super::replay::Replay;
use super::setup::{layer_params, snapshot, tensor_kind, NetSetup};
use super::spec::ModelSpec;
use crate::data::Dataset;
use crate::runtime::torch::short_error;
use crate::spec::LinkKind;

/// One network in training: its setup, optimiser and gradient step, and
/// where it stands (the last loss computed, the steps run, the step it met
/// `tol` at).
pub(crate) struct NetRun {
    setup: NetSetup,
    rows: Rows,
    link: LinkKind,
    opt: Stepper,
    /// The replayed gradient step (the lecture's model without
    /// `autograd`); `None` trains through autograd's `backward()`.
    replay: Option<Replay>,
    /// Rows n of the data.
    n: i64,
    /// Mini-batch rows, below n; `None` for the full batch.
    batch: Option<i64>,
    /// This epoch's order of the rows (mini-batches only).
    perm: Option<Tensor>,
    tol: Option<f64>,
    device: Device,
    last_loss: Option<Tensor>,
    steps_run: usize,
    converged_at: Option<usize>,
}

/// What one step did.
pub(crate) struct Stepped {
    /// The parameters before the step (when watched, or with `tol`).
    pub before: Option<Tensor>,
    /// The step computed its loss ([`NetRun::loss`]).
    pub loss: bool,
    /// The step met `tol`: the run stops here.
    pub converged: bool,
}

/// Why a step failed.
pub(crate) enum StepError {
    /// The step's loss or gradient computation, where BCE refuses a
    /// prediction outside [0, 1].
    Compute(TchError),
    /// Another libtorch call.
    Torch(TchError),
}

impl StepError {
    /// The libtorch error.
    pub(crate) fn into_inner(self) -> TchError {
        match self {
            StepError::Compute(e) | StepError::Torch(e) => e,
        }
    }

    /// As a training error at `step` (counted from 0): BCE refusing a
    /// prediction outside [0, 1] means a NaN prediction, i.e. the weights
    /// blew up.
    pub(crate) fn diverged_or(self, step: usize) -> TrainError {
        match self {
            StepError::Compute(e) => {
                let msg = short_error(&e);
                if msg.contains("between 0 and 1") {
                    TrainError::Diverged {
                        step: step + 1,
                        value: "NaN".into(),
                    }
                } else {
                    TrainError::Torch(msg)
                }
            }
            StepError::Torch(e) => e.into(),
        }
    }
}

/// The end of a run.
pub(crate) struct Finished {
    /// The loss of the last forward pass (at the initial parameters after
    /// a run of no steps).
    pub loss: f64,
    /// The parameters `[bias, w...]` as the network holds them.
    pub raw: Vec<f64>,
    /// The parameters on the data's original scale.
    pub params: Vec<f64>,
}

impl NetRun {
    /// The network for `data` and `spec` under `cfg`, its layer drawn with
    /// `seed`, before its first step. The caller has checked `cfg` and the
    /// device.
    pub(crate) fn new(
        data: &Dataset,
        spec: &ModelSpec,
        cfg: &TrainConfig,
        seed: u64,
    ) -> Result<Self, TrainError> {
        let kind = tensor_kind(cfg.precision);
        let setup = NetSetup::new(data, cfg, seed)?;
        let opt = Stepper::new(cfg, &layer_params(&setup.net))?;
        let rows = Rows::new(spec, kind, cfg.device)?;
        let replay = match cfg.autograd || !spec.is_plain() {
            true => None,
            false => Some(Replay::new(&setup.net, kind, cfg.device)?),
        };
        Ok(NetRun {
            setup,
            rows,
            link: spec.link,
            opt,
            replay,
            n: data.n() as i64,
            // A batch of n rows or more is the full batch (compared as
            // usize: a huge --batch-size would wrap as i64).
            batch: cfg.batch_size.filter(|&b| b < data.n()).map(|b| b as i64),
            perm: None,
            tol: cfg.tol,
            device: cfg.device,
            last_loss: None,
            steps_run: 0,
            converged_at: None,
        })
    }

    /// Step `step` (counted from 0): zero_grad / forward / loss / backward /
    /// optimiser step on this step's batch, then the `tol` check. `want`:
    /// what the observers ask of this step (a snapshot before it, its
    /// loss); `loss`: the loop keeps this step's loss (see [`super::drive`]).
    pub(crate) fn step(
        &mut self,
        step: usize,
        want: Want,
        loss: bool,
    ) -> Result<Stepped, StepError> {
        let torch = StepError::Torch;
        let n = self.n;
        // The full batch is borrowed: no tensor handle is made per step.
        let picked;
        let (xb, yb, rb) = match self.batch {
            None => (&self.setup.x, &self.setup.y, &self.rows),
            Some(b) => {
                let per_epoch = (n + b - 1) / b;
                let pos = step as i64 % per_epoch;
                if pos == 0 {
                    self.perm = Some(
                        Tensor::f_randperm(n, (Kind::Int64, Device::Cpu))
                            .and_then(|p| p.f_to_device(self.device))
                            .map_err(torch)?,
                    );
                }
                let p = self
                    .perm
                    .as_ref()
                    .expect("permutation drawn at the start of each epoch");
                let idx = p.f_narrow(0, pos * b, b.min(n - pos * b)).map_err(torch)?;
                picked = (
                    self.setup.x.f_index_select(0, &idx).map_err(torch)?,
                    self.setup.y.f_index_select(0, &idx).map_err(torch)?,
                    self.rows.select(&idx).map_err(torch)?,
                );
                (&picked.0, &picked.1, &picked.2)
            }
        };
        let net = &self.setup.net;
        let want_loss = want == Want::ParamsAndLoss || loss;
        let before = match want != Want::Nothing || self.tol.is_some() {
            true => Some(snapshot(net).map_err(torch)?),
            false => None,
        };
        let params = layer_params(net);
        let loss = match self.replay.as_mut() {
            Some(r) => r
                .step(net, &mut self.opt, &params, xb, yb, want_loss)
                .map_err(StepError::Compute)?,
            None => {
                // The lecture's loop, through libtorch's autograd.
                self.opt.zero_grad(&params).map_err(torch)?;
                let loss = objective(net, self.link, xb, yb, rb).map_err(StepError::Compute)?;
                loss.f_backward().map_err(torch)?;
                self.opt.step(&params).map_err(torch)?;
                Some(loss.f_detach().map_err(torch)?)
            }
        };
        self.steps_run = step + 1;
        let computed = loss.is_some();
        if computed {
            self.last_loss = loss;
        }
        let mut converged = false;
        if let (Some(tol), Some(prev)) = (self.tol, &before) {
            let change = largest_change(&prev.f_unsqueeze(0).map_err(torch)?, &{
                snapshot(net)
                    .and_then(|s| s.f_unsqueeze(0))
                    .map_err(torch)?
            })
            .map_err(torch)?;
            converged = met_tol(&change, tol)
                .and_then(|m| m.f_int64_value(&[0]))
                .map_err(torch)?
                != 0;
            if converged {
                self.converged_at = Some(self.steps_run);
            }
        }
        Ok(Stepped {
            before,
            loss: computed,
            converged,
        })
    }

    /// The loss of the last forward pass that computed it.
    pub(crate) fn loss(&self) -> Option<&Tensor> {
        self.last_loss.as_ref()
    }

    /// Whether the gradient step is the replayed one (not autograd's).
    pub(crate) fn replays(&self) -> bool {
        self.replay.is_some()
    }

    /// Steps taken.
    pub(crate) fn steps_run(&self) -> usize {
        self.steps_run
    }

    /// With `tol`: the step at which the largest parameter change fell below it.
    pub(crate) fn converged_at(&self) -> Option<usize> {
        self.converged_at
    }

    /// The initial parameters `[bias, w...]`, original scale.
    pub(crate) fn init_params(&self) -> &[f64] {
        &self.setup.init_params
    }

    /// `params` of the network on the data's original scale.
    pub(crate) fn to_original(&self, params: Vec<f64>) -> Vec<f64> {
        self.setup.to_original(params)
    }

    /// The current parameters `[bias, w...]` as one detached tensor.
    pub(crate) fn snapshot(&self) -> Result<Tensor, TchError> {
        snapshot(&self.setup.net)
    }

    /// The mean loss on all rows at the current parameters, outside training.
    pub(crate) fn current_loss(&self) -> Result<Tensor, TchError> {
        let s = &self.setup;
        tch::no_grad(|| objective(&s.net, self.link, &s.x, &s.y, &self.rows))
    }

    /// Whether the current parameters are not all finite (a failed step
    /// then means the network diverged).
    pub(crate) fn params_not_finite(&self) -> bool {
        self.snapshot()
            .and_then(|s| s.f_unsqueeze(0))
            .is_ok_and(|s| first_not_finite(&s).is_some())
    }

    /// Keep the loss at the current parameters as the last loss (a run of
    /// no steps).
    pub(crate) fn initial_loss(&mut self) -> Result<(), TchError> {
        self.last_loss = Some(self.current_loss()?);
        Ok(())
    }

    /// The loss and parameters the run ends with.
    pub(crate) fn finish(&self) -> Result<Finished, TchError> {
        let loss = self
            .last_loss
            .as_ref()
            .expect("the loop keeps a loss at the last step, or at the start of a run of no steps")
            .f_double_value(&[])?;
        let raw = self.setup.net.params()?;
        let params = self.to_original(raw.clone());
        Ok(Finished { loss, raw, params })
    }

    /// The warnings at the current parameters: rows at BCE's clamp
    /// (unweighted: a row at the clamp is one whatever its weight).
    pub(crate) fn warnings(&self) -> Result<Vec<String>, TchError> {
        let s = &self.setup;
        let p = tch::no_grad(|| predict(&s.net, self.link, &s.x, self.rows.offset.as_ref()))?;
        let clamped = at_clamp(&p, &s.y)?.f_sum(Kind::Int64)?.f_int64_value(&[])?;
        Ok(clamp_warnings(clamped, self.n))
    }
}

/// Which rows of predictions `p` against targets `y` (one shape) sit at
/// BCE's clamp.
///
/// PyTorch's BCE clamps each logarithm at -100: a row predicted with
/// probability exactly 0 or 1 on the wrong side costs 100 and its gradient
/// vanishes, so a loss made of such rows (24.0 when 24% of them are) is the
/// clamp's, not the fit's: training diverged although every number is
/// finite. (Parameters that leave float32's range are already an error.)
pub(crate) fn at_clamp(p: &Tensor, y: &Tensor) -> Result<Tensor, TchError> {
    tch::no_grad(|| p.f_binary_cross_entropy::<Tensor>(y, None, Reduction::None))?.f_ge(BCE_CLAMP)
}

/// The warnings for `clamped` of `n` rows at BCE's clamp: none when none is.
pub(crate) fn clamp_warnings(clamped: i64, n: i64) -> Vec<String> {
    match clamped {
        0 => Vec::new(),
        c => vec![format!(
            "the loss reached BCE's clamp: {c} of {n} rows are predicted with probability \
             exactly 0 or 1 on the wrong side (log clamped at -100), so the loss counts 100 for \
             each and they give no gradient; this usually means training diverged: try a smaller \
             --lr or --standardize"
        )],
    }
}

/// The loss of one row when BCE's logarithm is clamped (at -100).
const BCE_CLAMP: f64 = 100.0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warns_only_when_a_row_sits_at_bce_clamp() {
        assert!(clamp_warnings(0, 10).is_empty());
        let w = clamp_warnings(3, 10);
        assert_eq!(w.len(), 1);
        assert!(
            w[0].starts_with("the loss reached BCE's clamp: 3 of 10 rows"),
            "{}",
            w[0]
        );
        let p = Tensor::from_slice(&[0.0f32, 1.0, 0.3]);
        let y = Tensor::from_slice(&[1.0f32, 1.0, 0.0]);
        let at = Vec::<bool>::try_from(&at_clamp(&p, &y).unwrap()).unwrap();
        assert_eq!(at, [true, false, false]);
    }
}
