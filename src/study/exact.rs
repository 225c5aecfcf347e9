//! `repeat`'s exact path: every network of a batch trained by the single
//! run's own code, on its own tensors, so that each equals `nn::train` (and
//! `compare --seed S+i`) bit for bit whatever kernels the CPU, MKL and ATen
//! pick.
//!
//! Each network is the single run's own `nn::NetRun`: its design as
//! `Dataset::features_tensor` (or the standardized features) in the
//! network's precision, a layer drawn right after `tch::manual_seed(seed)`,
//! the optimiser (`nn::Stepper`), the gradient step without autograd
//! (`nn::Replay`: `addmm`, sigmoid, `binary_cross_entropy_backward`,
//! `sigmoid_backward`, `mm`, `sum`), the `tol` check and the finish. Every
//! kernel therefore sees tensors of the single run's shapes and strides.
//! Stacking the networks instead (one `baddbmm`/`bmm` for all, and one
//! optimiser step over R × k values) gives the same numbers only where
//! the batched and single kernels happen to round alike: MKL picks
//! different code for batched and plain matrix products on AVX-512, ATen's
//! vectorised and scalar loops split a stacked tensor elsewhere than a
//! single one, and with several threads a stacked tensor is cut into
//! chunks a single one is not. Measured on an AVX-512 Xeon:
//! stacked Adam differed from `compare` in the 7th digit; this path is equal
//! under the default kernels, `ATEN_CPU_CAPABILITY=default`,
//! `MKL_ENABLE_INSTRUCTIONS=SSE4_2` and at `--threads 2`.
//!
//! The networks advance in lockstep, one step each in turn, through the
//! loop every trainer shares (`nn::drive`), so that the stop flag and the
//! progress reports behave as on the closed-form path.
use tch::TchError;

use super::chunk::{BatchControl, BatchError, BatchedFit, Chunk, ChunkTrainer, Trained};
use crate::data::Dataset;
use crate::nn::{
    drive, finite, Finished, Learner, ModelSpec, NetRun, TrainConfig, TrainError, Want,
};
use crate::spec::LinkKind;

/// One network of the batch: the single run's own.
struct Net {
    seed: u64,
    run: NetRun,
}

impl Net {
    /// Data, initial weights and optimiser exactly as `nn::train` makes them.
    fn new(
        data: &Dataset,
        seed: u64,
        cfg: &TrainConfig,
        link: LinkKind,
    ) -> Result<Self, BatchError> {
        let spec = ModelSpec {
            link,
            ..ModelSpec::default()
        };
        let run = NetRun::new(data, &spec, cfg, seed).map_err(|e| match e {
            // libtorch failures are the batch's, as everywhere else in it.
            TrainError::Torch(_) => BatchError::Train(e),
            source => BatchError::Run { seed, source },
        })?;
        Ok(Net { seed, run })
    }

    /// The result once the lockstep has ended.
    fn finish(self) -> Result<BatchedFit, BatchError> {
        let Finished { loss, raw, params } = self.run.finish()?;
        if !finite(loss, &raw) {
            return Err(BatchError::Diverged { seed: self.seed });
        }
        // compare's rule, on the single run's own tensors.
        let warnings = self.run.warnings()?;
        Ok(BatchedFit {
            params,
            init_params: self.run.init_params().to_vec(),
            loss,
            steps: self.run.steps_run(),
            converged_at: self.run.converged_at(),
            warnings,
        })
    }

    /// A libtorch failure in this network's step: BCE refuses NaN
    /// predictions, so a network whose parameters are not finite diverged.
    fn locate(&self, e: TchError) -> BatchError {
        match self.run.params_not_finite() {
            true => BatchError::Diverged { seed: self.seed },
            false => e.into(),
        }
    }
}

/// The networks of a chunk in lockstep: each steps in turn until it meets
/// `tol`.
struct Lockstep {
    nets: Vec<Net>,
}

impl Learner for Lockstep {
    /// The network whose step failed, and why.
    type Failure = (usize, TchError);
    type Error = BatchError;
    type Out = Vec<BatchedFit>;

    fn step(&mut self, step: usize, loss: bool) -> Result<bool, (usize, TchError)> {
        let mut live = 0;
        for (i, net) in self.nets.iter_mut().enumerate() {
            if net.run.converged_at().is_some() {
                continue;
            }
            let stepped = net
                .run
                .step(step, Want::Nothing, loss)
                .map_err(|e| (i, e.into_inner()))?;
            live += usize::from(!stepped.converged);
        }
        Ok(live == 0)
    }

    fn all_met(&self) -> Result<bool, (usize, TchError)> {
        Ok(self.nets.iter().all(|n| n.run.converged_at().is_some()))
    }

    fn initial_loss(&mut self) -> Result<(), (usize, TchError)> {
        for (i, net) in self.nets.iter_mut().enumerate() {
            net.run.initial_loss().map_err(|e| (i, e))?;
        }
        Ok(())
    }

    fn locate(&self, (i, e): (usize, TchError), _step: usize) -> BatchError {
        self.nets[i].locate(e)
    }

    fn finish(self, _steps: usize) -> Result<Vec<BatchedFit>, BatchError> {
        self.nets.into_iter().map(Net::finish).collect()
    }
}

/// Trains each network of a chunk with the single run's code.
pub(super) struct Exact;

impl ChunkTrainer for Exact {
    fn train(&self, chunk: &Chunk<'_>, ctl: &mut BatchControl<'_>) -> Trained {
        let cfg = chunk.cfg;
        let nets = chunk
            .data
            .iter()
            .zip(chunk.seeds)
            .map(|(d, &seed)| Net::new(d, seed, cfg, chunk.link))
            .collect::<Result<Vec<_>, _>>()?;
        drive(Lockstep { nets }, cfg.steps, cfg.tol.is_some(), ctl)
    }
}
