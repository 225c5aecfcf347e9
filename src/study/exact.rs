//! `repeat`'s exact path: every network of a batch trained by the single
//! run's own code, on its own tensors, so that each equals `nn::train` (and
//! `compare --seed S+i`) bit for bit whatever kernels the CPU, MKL and ATen
//! pick.
//!
//! Each network gets what `nn::train` builds for one run: its design as
//! `Dataset::features_tensor` (or the standardized features) in the
//! network's precision, a layer drawn right after `tch::manual_seed(seed)`,
//! the optimiser (`nn::Stepper`), and the gradient step without autograd
//! (`nn::Replay`: `addmm`, sigmoid, `binary_cross_entropy_backward`,
//! `sigmoid_backward`, `mm`, `sum`). Every kernel therefore sees tensors of
//! the single run's shapes and strides. Stacking the networks instead (one
//! `baddbmm`/`bmm` for all, and one optimiser step over R × k values) gives
//! the same numbers only where the batched and single kernels happen to
//! round alike: MKL picks different code for batched and plain matrix
//! products on AVX-512, ATen's vectorised and scalar loops split a stacked
//! tensor elsewhere than a single one, and with several threads a stacked
//! tensor is cut into chunks a single one is not. Measured on an AVX-512 Xeon:
//! stacked Adam differed from `compare` in the 7th digit; this path is equal
//! under the default kernels, `ATEN_CPU_CAPABILITY=default`,
//! `MKL_ENABLE_INSTRUCTIONS=SSE4_2` and at `--threads 2`.
//!
//! The networks advance in lockstep, one step each in turn, so that the stop
//! flag and the progress reports behave as on the closed-form path.
use tch::{nn, TchError, Tensor};

use super::chunk::{
    seeded, BatchError, BatchedFit, Chunk, ChunkTrainer, Control, Trained, CHECK_EVERY,
};
use crate::data::Dataset;
use crate::nn::{
    at_clamp, bce, clamp_warning, layer_params, snapshot, tensor_kind, LogisticNet, NetSetup,
    Replay, Standardizer, Stepper, TrainConfig, TrainError,
};

/// One network of the batch, as `nn::train` sets it up for a single run.
struct Net {
    seed: u64,
    /// Owns the layer's variables.
    _vs: nn::VarStore,
    net: LogisticNet,
    x: Tensor,
    y: Tensor,
    replay: Replay,
    opt: Stepper,
    scaler: Option<Standardizer>,
    init_params: Vec<f64>,
    /// The loss of the last forward pass that computed it.
    loss: Option<Tensor>,
    /// With `tol`: the step after which it stopped.
    converged_at: Option<usize>,
}

impl Net {
    /// Data, initial weights and optimiser exactly as `nn::train` makes them.
    fn new(data: &Dataset, seed: u64, cfg: &TrainConfig) -> Result<Self, BatchError> {
        let NetSetup {
            scaler,
            x,
            y,
            vs,
            net,
            init_params,
        } = seeded(|| NetSetup::new(data, cfg, seed)).map_err(|e| match e {
            // libtorch failures are the batch's, as everywhere else in it.
            TrainError::Torch(_) => BatchError::Train(e),
            source => BatchError::Run { seed, source },
        })?;
        let replay = Replay::new(&net, tensor_kind(cfg.precision), cfg.device)?;
        let opt = Stepper::new(cfg, &layer_params(&net))?;
        Ok(Net {
            seed,
            _vs: vs,
            net,
            x,
            y,
            replay,
            opt,
            scaler,
            init_params,
            loss: None,
            converged_at: None,
        })
    }

    /// One training step, `step` counted from 0: the single run's
    /// `Replay::step`, and its `tol` test.
    fn step(&mut self, step: usize, cfg: &TrainConfig) -> Result<(), TchError> {
        let want_loss = cfg.tol.is_some() || step + 1 == cfg.steps;
        let before = match cfg.tol {
            Some(_) => Some(snapshot(&self.net)?),
            None => None,
        };
        let params = layer_params(&self.net);
        let loss = self.replay.step(
            &self.net,
            &mut self.opt,
            &params,
            &self.x,
            &self.y,
            want_loss,
        )?;
        if loss.is_some() {
            self.loss = loss;
        }
        if let (Some(tol), Some(before)) = (cfg.tol, before) {
            let change = snapshot(&self.net)?
                .f_sub(&before)?
                .f_abs()?
                .f_max()?
                .f_double_value(&[])?;
            if change < tol {
                self.converged_at = Some(step + 1);
            }
        }
        Ok(())
    }

    /// The result after `steps_done` lockstep steps.
    fn finish(mut self, steps_done: usize) -> Result<BatchedFit, BatchError> {
        let loss = match self.loss.take() {
            Some(l) => l.f_double_value(&[])?,
            // No step taken: the loss at the initial parameters.
            None => tch::no_grad(|| bce(&self.net, &self.x, &self.y))?.f_double_value(&[])?,
        };
        let p = self.net.params()?;
        if !loss.is_finite() || p.iter().any(|v| !v.is_finite()) {
            return Err(BatchError::Diverged { seed: self.seed });
        }
        // compare's rule, on the single run's own tensors.
        let pred = tch::no_grad(|| self.net.f_forward(&self.x))?;
        let clamped = at_clamp(&pred, &self.y)?
            .f_sum(tch::Kind::Int64)?
            .f_int64_value(&[])?;
        let warnings = match clamped {
            0 => Vec::new(),
            c => vec![clamp_warning(c, self.y.size()[0])],
        };
        Ok(BatchedFit {
            params: match &self.scaler {
                Some(s) => s.to_original(&p),
                None => p,
            },
            init_params: self.init_params,
            loss,
            steps: self.converged_at.unwrap_or(steps_done),
            converged_at: self.converged_at,
            warnings,
        })
    }

    /// A libtorch failure in this network's step: BCE refuses NaN
    /// predictions, so a network whose parameters are not finite diverged.
    fn locate(&self, e: TchError) -> BatchError {
        match self.net.params() {
            Ok(p) if p.iter().any(|v| !v.is_finite()) => BatchError::Diverged { seed: self.seed },
            _ => e.into(),
        }
    }
}

/// Trains each network of a chunk with the single run's code.
pub(super) struct Exact;

impl ChunkTrainer for Exact {
    fn train(&self, chunk: &Chunk<'_>, ctl: &mut Control<'_>) -> Trained {
        let cfg = chunk.cfg;
        let mut nets = chunk
            .data
            .iter()
            .zip(chunk.seeds)
            .map(|(d, &seed)| Net::new(d, seed, cfg))
            .collect::<Result<Vec<_>, _>>()?;
        let mut steps_done = cfg.steps;
        for step in 0..cfg.steps {
            if step > 0 && step % CHECK_EVERY == 0 {
                ctl.report(step);
                if ctl.stopped() {
                    return Ok(None);
                }
            }
            let mut live = 0;
            for net in nets.iter_mut().filter(|n| n.converged_at.is_none()) {
                net.step(step, cfg).map_err(|e| net.locate(e))?;
                live += usize::from(net.converged_at.is_none());
            }
            if live == 0 {
                steps_done = step + 1;
                break;
            }
        }
        ctl.report(steps_done);
        nets.into_iter()
            .map(|n| n.finish(steps_done))
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }
}
