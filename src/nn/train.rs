//! The training loop: the lecture's zero_grad / forward / loss / backward /
//! step, on tch, giving PyTorch's numbers bit for bit.
use std::ops::ControlFlow;
use std::time::Instant;

use serde::Serialize;
use tch::{Device, Tensor};

use super::config::{Precision, TrainConfig};
use super::drive::{drive, finite, Learner, Unwatched};
use super::error::TrainError;
use super::history::{History, Recorder};
use super::observe::{Observer, Want};
use super::progress::{Reported, StepProgress};
use super::run::{Finished, NetRun, StepError};
use super::spec::ModelSpec;
use crate::data::Dataset;
use crate::runtime::torch::to_vec_f64;

/// A trained network. Serialized as the `nn` JSON object (a documented contract).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NnFit {
    /// Coefficient names, as the GLM's: `const`, then the features.
    pub names: Vec<String>,
    /// Trained parameters `[bias, w_1..w_k]` (original scale with --standardize).
    pub params: Vec<f64>,
    /// Parameters right after `torch.manual_seed(seed)` built the layer.
    pub init_params: Vec<f64>,
    /// The loss of the last forward pass, i.e. at the parameters before the
    /// last step, as the lecture's `loss.item()` (at the initial parameters when
    /// `steps` is 0).
    pub loss: f64,
    /// Optimiser steps taken.
    pub steps: usize,
    /// With --tol: the step at which the largest parameter change fell below it.
    pub converged_at: Option<usize>,
    /// `sgd`, `adam`, `adamw` or `rmsprop`.
    pub optimizer: String,
    /// Learning rate.
    pub lr: f64,
    /// Wall time of training, in seconds.
    pub time_s: f64,
    /// Signs that training went wrong although every number is finite (the
    /// loss at BCE's clamp), one sentence each; empty when there are none.
    pub warnings: Vec<String>,
    /// Loss and parameters along the way (only with `TrainConfig::record`;
    /// at most [`MAX_HISTORY`](super::MAX_HISTORY) + 1 states).
    #[serde(skip)]
    pub history: Option<History>,
}

/// Train the network on `data` as `cfg` says.
///
/// The data's features (no intercept column) are the input; the layer's bias
/// plays the intercept. The torch generator is seeded with `cfg.seed` right
/// before the layer is built, so initial weights (and mini-batch order) equal
/// PyTorch's for the same seed.
pub fn train(data: &Dataset, cfg: &TrainConfig) -> Result<NnFit, TrainError> {
    train_with(data, cfg, &mut [])
}

/// [`train`] for the model `spec` describes: its link, weights and offset.
/// The lecture's model (`ModelSpec::default()`) gives `train`'s bits.
pub fn train_spec(
    data: &Dataset,
    spec: &ModelSpec,
    cfg: &TrainConfig,
) -> Result<NnFit, TrainError> {
    train_spec_with(data, spec, cfg, &mut [])
}

/// [`train`], showing the states each observer asks for as training goes.
/// Watching changes no number: the loss is computed apart from the
/// gradient, and parameters are copied, never touched.
pub fn train_with(
    data: &Dataset,
    cfg: &TrainConfig,
    observers: &mut [&mut dyn Observer],
) -> Result<NnFit, TrainError> {
    train_spec_with(data, &ModelSpec::default(), cfg, observers)
}

/// [`train_spec`], showing the states each observer asks for as training
/// goes (see [`train_with`]).
///
/// The lecture's model trains on the replayed kernels (unless
/// `cfg.autograd`); another link, weights or an offset train through
/// autograd's `backward()`, as `scripts/original.py` does.
pub fn train_spec_with(
    data: &Dataset,
    spec: &ModelSpec,
    cfg: &TrainConfig,
    observers: &mut [&mut dyn Observer],
) -> Result<NnFit, TrainError> {
    train_spec_reporting(data, spec, cfg, observers, None)
}

/// [`train_spec_with`], telling `progress` (if any) how many steps have
/// been taken as training goes. Reporting changes no number: between two
/// steps it is told the count, and the `--tol` stop asked there reads
/// what the network already knows.
pub fn train_spec_reporting(
    data: &Dataset,
    spec: &ModelSpec,
    cfg: &TrainConfig,
    observers: &mut [&mut dyn Observer],
    progress: Option<&mut dyn StepProgress>,
) -> Result<NnFit, TrainError> {
    cfg.check()?;
    if cfg.precision == Precision::F32 {
        // The data's weights and offset, named by their file lines.
        data.check_roles_fit("float32", f64::from(f32::MIN_POSITIVE), f64::from(f32::MAX))?;
    }
    spec.check(data.n(), cfg.precision)?;
    if cfg.device != Device::Cpu && !tch::Cuda::is_available() {
        return Err(TrainError::NoCuda);
    }
    let start = Instant::now();
    let run = NetRun::new(data, spec, cfg, cfg.seed)?;
    let mut recorder = cfg.record.map(Recorder::new);
    let mut watchers: Vec<&mut dyn Observer> = Vec::with_capacity(observers.len() + 1);
    if let Some(r) = recorder.as_mut() {
        watchers.push(r);
    }
    for o in observers.iter_mut() {
        watchers.push(&mut **o);
    }
    let watched = Watched {
        run,
        watchers,
        pending: Pending::new(data.k()),
        data,
        spec,
        cfg,
    };
    let tol = cfg.tol.is_some();
    let end = match progress {
        Some(p) => drive(watched, cfg.steps, tol, &mut Reported(p))?,
        None => drive(watched, cfg.steps, tol, &mut Unwatched)?,
    }
    .expect("no one abandons a single run from outside");
    let history = recorder.map(Recorder::into_history);
    Ok(NnFit {
        names: data.names().to_vec(),
        params: end.params,
        init_params: end.init_params,
        loss: end.loss,
        steps: end.steps,
        converged_at: end.converged_at,
        optimizer: cfg.optimizer.name().to_string(),
        lr: cfg.lr,
        time_s: start.elapsed().as_secs_f64(),
        warnings: end.warnings,
        history,
    })
}

/// One network trained under the observers' eyes: what
/// [`drive`] steps for [`train_spec_with`].
struct Watched<'a, 'o> {
    run: NetRun,
    watchers: Vec<&'o mut dyn Observer>,
    pending: Pending,
    /// What the network was set up from, to rerun it when locating a divergence.
    data: &'a Dataset,
    spec: &'a ModelSpec<'a>,
    cfg: &'a TrainConfig,
}

/// Why a watched step failed: the step itself, or showing it to the observers.
enum Failed {
    Step(StepError),
    Watch(TrainError),
}

/// What a watched run ends with (the rest of [`NnFit`] is known before it).
struct End {
    params: Vec<f64>,
    init_params: Vec<f64>,
    loss: f64,
    steps: usize,
    converged_at: Option<usize>,
    warnings: Vec<String>,
}

impl Learner for Watched<'_, '_> {
    type Failure = Failed;
    type Error = TrainError;
    type Out = End;

    fn step(&mut self, step: usize, loss: bool) -> Result<bool, Failed> {
        let wants: Vec<Want> = self.watchers.iter().map(|o| o.wants(step, false)).collect();
        let want = wants.iter().copied().max().unwrap_or(Want::Nothing);
        let stepped = self.run.step(step, want, loss).map_err(Failed::Step)?;
        if want != Want::Nothing {
            let params = stepped
                .before
                .as_ref()
                .expect("snapshot taken when watched");
            let loss = self.run.loss().filter(|_| stepped.loss);
            self.pending.push(step, wants, loss, params);
            if self.pending.is_full() {
                let run = &self.run;
                self.pending
                    .flush(&mut self.watchers, &|p| run.to_original(p))
                    .map_err(Failed::Watch)?;
            }
        }
        Ok(stepped.converged)
    }

    fn all_met(&self) -> Result<bool, Failed> {
        Ok(self.run.converged_at().is_some())
    }

    fn initial_loss(&mut self) -> Result<(), Failed> {
        self.run
            .initial_loss()
            .map_err(|e| Failed::Step(StepError::Torch(e)))
    }

    /// BCE refusing a NaN prediction names the step; on the replayed path
    /// the autograd rerun names it as autograd's loop would.
    fn locate(&self, failure: Failed, step: usize) -> TrainError {
        match failure {
            Failed::Step(e) => match e.diverged_or(step) {
                TrainError::Diverged { .. } if self.run.replays() => {
                    locate_divergence(self.data, self.spec, self.cfg, step + 1, f64::NAN)
                }
                other => other,
            },
            Failed::Watch(e) => e,
        }
    }

    fn finish(mut self, steps: usize) -> Result<End, TrainError> {
        let run = &self.run;
        let Finished { loss, params, .. } = run.finish()?;
        if !finite(loss, &params) {
            return Err(locate_divergence(
                self.data, self.spec, self.cfg, steps, loss,
            ));
        }
        // The state after the last step; its loss needs one extra forward
        // pass, outside training.
        let original = |p| run.to_original(p);
        self.pending.flush(&mut self.watchers, &original)?;
        let wants: Vec<Want> = self.watchers.iter().map(|o| o.wants(steps, true)).collect();
        let want = wants.iter().copied().max().unwrap_or(Want::Nothing);
        if want != Want::Nothing {
            let last = match want {
                Want::ParamsAndLoss => Some(run.current_loss()?),
                _ => None,
            };
            self.pending
                .push(steps, wants, last.as_ref(), &run.snapshot()?);
            self.pending.last = true;
            self.pending.flush(&mut self.watchers, &original)?;
        }
        Ok(End {
            params,
            init_params: run.init_params().to_vec(),
            loss,
            steps,
            converged_at: run.converged_at(),
            warnings: run.warnings()?,
        })
    }
}

/// States waiting to be shown to the observers. Reading a tensor back costs
/// a few tensor operations (and a device sync on a GPU), so states are
/// copied out [`Pending::CAP`] at a time, as one stacked tensor: memory
/// stays bounded, and per-step overhead small.
struct Pending {
    /// Parameters per state (`[const, w..]`).
    width: usize,
    steps: Vec<usize>,
    wants: Vec<Vec<Want>>,
    loss: Vec<Option<Tensor>>,
    params: Vec<Tensor>,
    /// The states held are the last one.
    last: bool,
}

impl Pending {
    /// States read back at once.
    const CAP: usize = 1024;

    fn new(width: usize) -> Self {
        Pending {
            width,
            steps: Vec::new(),
            wants: Vec::new(),
            loss: Vec::new(),
            params: Vec::new(),
            last: false,
        }
    }

    fn push(&mut self, step: usize, wants: Vec<Want>, loss: Option<&Tensor>, params: &Tensor) {
        self.steps.push(step);
        self.wants.push(wants);
        self.loss.push(loss.map(Tensor::shallow_clone));
        self.params.push(params.shallow_clone());
    }

    fn is_full(&self) -> bool {
        self.steps.len() >= Self::CAP
    }

    /// Read the states back and show each observer those it asked for, in
    /// step order; then empty the buffer.
    fn flush(
        &mut self,
        watchers: &mut [&mut dyn Observer],
        original: &dyn Fn(Vec<f64>) -> Vec<f64>,
    ) -> Result<(), TrainError> {
        if self.steps.is_empty() {
            return Ok(());
        }
        let params = to_vec_f64(&Tensor::f_stack(&self.params, 0)?)?;
        let with_loss: Vec<&Tensor> = self.loss.iter().flatten().collect();
        let losses = match with_loss.is_empty() {
            true => Vec::new(),
            false => to_vec_f64(&Tensor::f_stack(&with_loss, 0)?)?,
        };
        let mut losses = losses.into_iter();
        for (i, &step) in self.steps.iter().enumerate() {
            let loss = self.loss[i].as_ref().and_then(|_| losses.next());
            let p = original(params[i * self.width..(i + 1) * self.width].to_vec());
            for (o, want) in watchers.iter_mut().zip(&self.wants[i]) {
                if *want == Want::Nothing {
                    continue;
                }
                if let ControlFlow::Break(()) = o.observe(step, self.last, loss, &p) {
                    return Err(TrainError::Stopped(step));
                }
            }
        }
        self.steps.clear();
        self.wants.clear();
        self.loss.clear();
        self.params.clear();
        Ok(())
    }
}
/// The replay path checks nothing per step (that would cost a host sync);
/// when the end result is not finite, rerun through autograd, whose BCE
/// stops at the first NaN prediction, to name the step. Same seed, same bits.
fn locate_divergence(
    data: &Dataset,
    spec: &ModelSpec,
    cfg: &TrainConfig,
    steps_run: usize,
    loss: f64,
) -> TrainError {
    if !cfg.autograd {
        let again = TrainConfig {
            autograd: true,
            record: None,
            ..cfg.clone()
        };
        if let Err(e @ TrainError::Diverged { .. }) = train_spec(data, spec, &again) {
            return e;
        }
    }
    let value = if loss.is_finite() {
        "finite but the parameters are not".to_string()
    } else {
        loss.to_string()
    };
    TrainError::Diverged {
        step: steps_run,
        value,
    }
}
