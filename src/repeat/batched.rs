//! Many networks trained as one: R data sets, R networks, one step for
//! all, each network's numbers its own.
//!
//! Network i starts from the weights `nn::LogisticNet::new` draws right after
//! `tch::manual_seed(seeds[i])`. The gradient comes one of two ways
//! ([`GradientPath`]):
//!
//! - **closed form** (here): the R data sets stacked into one tensor and the
//!   R parameter vectors into another; dL/dz = (sigmoid(z) − y)/n and
//!   dθ = that·X, in four batched kernels, with the design stored transposed
//!   (R × (k+1) × n, a row of ones first) and the parameters as R × 1 × (k+1)
//!   rows, so that both matrix products read the design along its rows; the
//!   update is the single run's optimiser code (`nn::Stepper`) on the stack.
//!   The same numbers as the single run up to rounding order: under gradient
//!   descent, which contracts towards the optimum, the trained parameters
//!   stay within about 1e-6 of `nn::train`'s;
//! - **exact** ([`super::exact`]): each network on its own tensors with the
//!   single run's own step code, bit-identical to `nn::train` on any CPU.
//!   Adam, AdamW and RMSprop need this: dividing by a running gradient
//!   scale, they keep last-bit differences alive and grow them (measured up
//!   to 1e-2 after 10,000 steps).
use std::sync::atomic::{AtomicBool, Ordering};

use tch::{nn, Device, Kind, Reduction, TchError, Tensor};

use crate::data::Dataset;
use crate::nn::{
    LogisticNet, OptimizerKind, Precision, Standardizer, Stepper, TrainConfig, TrainError,
};
use crate::torch::to_vec_f64;

/// Steps between two looks at the stop flag and two progress reports.
pub const CHECK_EVERY: usize = 250;

/// How a batch computes its gradient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GradientPath {
    /// Closed form for SGD, exact for Adam, AdamW and RMSprop. Default.
    #[default]
    Auto,
    /// Closed form for every optimiser: fastest; within rounding of the
    /// single run for SGD, visibly different for the adaptive optimisers.
    ClosedForm,
    /// The single run's code for every optimiser, network by network:
    /// bit-identical to `nn::train`, several times slower than the closed form.
    Exact,
}

impl GradientPath {
    /// Whether `optimizer` is trained with the exact path.
    pub fn is_exact(self, optimizer: OptimizerKind) -> bool {
        match self {
            GradientPath::Auto => optimizer != OptimizerKind::Sgd,
            GradientPath::ClosedForm => false,
            GradientPath::Exact => true,
        }
    }
}

/// One network of a batch: what `nn::train` reports for a single run.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchedFit {
    /// Trained parameters `[bias, w_1..w_k]` (original scale with `standardize`).
    pub params: Vec<f64>,
    /// Parameters as drawn right after `tch::manual_seed(seed)`.
    pub init_params: Vec<f64>,
    /// The loss (mean BCE) of the last forward pass, at the parameters
    /// before the last step, as [`NnFit::loss`](crate::nn::NnFit::loss).
    pub loss: f64,
    /// Optimiser steps this network took.
    pub steps: usize,
    /// With `tol`: the step at which its largest parameter change fell below it.
    pub converged_at: Option<usize>,
}

/// Why a batch could not be trained.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BatchError {
    /// A training option that one batched run cannot reproduce.
    #[error("{option} cannot be used with repeat: {why}")]
    Unsupported {
        option: &'static str,
        why: &'static str,
    },
    /// No data sets, seeds that do not match them, or data sets of different shapes.
    #[error("a batch needs one seed per data set and data sets of one shape (got {data} data sets, {seeds} seeds)")]
    Shape { data: usize, seeds: usize },
    /// A network's parameters or loss became NaN or infinite.
    #[error("the network for seed {seed} diverged (its loss or parameters are not finite); try a smaller --lr or --standardize (`logreg --seed {seed} compare` names the step)")]
    Diverged { seed: u64 },
    /// A problem with one run's data.
    #[error("network for seed {seed}")]
    Run {
        seed: u64,
        #[source]
        source: TrainError,
    },
    /// A problem with the settings or libtorch.
    #[error(transparent)]
    Train(#[from] TrainError),
}

impl BatchError {
    /// Bad input (settings, one run's data) or a failed training.
    pub fn kind(&self) -> crate::ErrorKind {
        match self {
            BatchError::Unsupported { .. } => crate::ErrorKind::BadInput,
            BatchError::Shape { .. } | BatchError::Diverged { .. } => crate::ErrorKind::FitFailed,
            BatchError::Run { source, .. } | BatchError::Train(source) => source.kind(),
        }
    }
}

impl From<TchError> for BatchError {
    fn from(e: TchError) -> Self {
        BatchError::Train(e.into())
    }
}

/// How a caller watches and stops a batch.
#[derive(Default)]
pub struct Control<'a> {
    /// When this becomes true, the batch is abandoned at the next check
    /// (every [`CHECK_EVERY`] steps) and training returns `Ok(None)`.
    pub stop: Option<&'a AtomicBool>,
    /// Called every [`CHECK_EVERY`] steps, and at the end, with the number of
    /// steps done.
    pub progress: Option<&'a mut dyn FnMut(usize)>,
}

impl Control<'_> {
    /// Whether the caller asked to stop.
    pub fn stopped(&self) -> bool {
        self.stop.is_some_and(|s| s.load(Ordering::Relaxed))
    }

    pub(super) fn report(&mut self, steps: usize) {
        if let Some(p) = self.progress.as_mut() {
            p(steps);
        }
    }
}

/// Check that `cfg` can be trained as a batch: its own check, and no option
/// that batching cannot reproduce.
pub fn check(cfg: &TrainConfig) -> Result<(), BatchError> {
    cfg.check().map_err(TrainError::from)?;
    if cfg.batch_size.is_some() {
        return Err(BatchError::Unsupported {
            option: "--batch-size",
            why: "each network's mini-batches come from its own seeded torch.randperm stream, \
                  which one batched run cannot replay; use full-batch training",
        });
    }
    if cfg.autograd {
        return Err(BatchError::Unsupported {
            option: "--autograd",
            why: "the batched networks compute their gradient without autograd \
                  (the exact path replays autograd's kernels and equals compare --autograd bit for bit)",
        });
    }
    Ok(())
}

/// Train one network per data set, all at once. `seeds[i]` seeds network i's
/// initial weights (its `cfg.seed` is ignored, as is `cfg.record`). Returns
/// `Ok(None)` if `ctl.stop` was raised before the batch finished.
pub fn train_batch(
    data: &[Dataset],
    seeds: &[u64],
    cfg: &TrainConfig,
    path: GradientPath,
    ctl: &mut Control<'_>,
) -> Result<Option<Vec<BatchedFit>>, BatchError> {
    check(cfg)?;
    let r = data.len();
    let shape_err = BatchError::Shape {
        data: r,
        seeds: seeds.len(),
    };
    if r == 0 || seeds.len() != r {
        return Err(shape_err);
    }
    let (n, k1) = (data[0].n, data[0].k);
    if n == 0 || k1 < 2 || data.iter().any(|d| d.n != n || d.k != k1) {
        return Err(shape_err);
    }
    if cfg.device != Device::Cpu && !tch::Cuda::is_available() {
        return Err(TrainError::NoCuda.into());
    }
    let kind = match cfg.precision {
        Precision::F32 => Kind::Float,
        Precision::F64 => Kind::Double,
    };
    if path.is_exact(cfg.optimizer) {
        return super::exact::train(data, seeds, cfg, kind, ctl);
    }

    // The design R × n × (k+1): the data's own (with its column of ones), or
    // ones and standardized features.
    let scalers = data
        .iter()
        .zip(seeds)
        .map(|(d, &seed)| match cfg.standardize {
            false => Ok(None),
            true => Standardizer::fit(d).map(Some).map_err(|e| BatchError::Run {
                seed,
                source: e.into(),
            }),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut xs = Vec::with_capacity(r * n * k1);
    for (d, s) in data.iter().zip(&scalers) {
        match s {
            None => xs.extend_from_slice(&d.x),
            Some(s) => {
                for row in s.transform(d).chunks(k1 - 1) {
                    xs.push(1.0);
                    xs.extend_from_slice(row);
                }
            }
        }
    }
    if cfg.precision == Precision::F32 {
        if let Some(i) = xs.iter().position(|v| !(*v as f32).is_finite()) {
            return Err(BatchError::Run {
                seed: seeds[i / (n * k1)],
                source: TrainError::Overflow(cfg.precision),
            });
        }
    }
    let x = Tensor::f_from_slice(&xs)?.f_view([r as i64, n as i64, k1 as i64])?;
    drop(xs);
    let ys: Vec<f64> = data.iter().flat_map(|d| d.y.iter().copied()).collect();
    let y = Tensor::f_from_slice(&ys)?.f_view([r as i64, n as i64])?;

    // Initial weights, drawn per network exactly as the single run draws them.
    let mut init = Vec::with_capacity(r * k1);
    for &seed in seeds {
        tch::manual_seed(seed as i64);
        let vs = nn::VarStore::new(Device::Cpu);
        let net = LogisticNet::new(&vs.root(), k1 as i64 - 1)?;
        init.extend(net.params()?);
    }
    // The values are float32 draws: cast to float32 (exact), then to `kind`
    // as `.double()` does.
    let theta0 = Tensor::f_from_slice(&init)?
        .f_view([r as i64, 1, k1 as i64])?
        .f_to_kind(Kind::Float)?
        .f_to_kind(kind)?;

    let grad = Grad::new(&x, &y, &theta0, kind, cfg.device)?;
    let mut trainer = Trainer::new(grad, cfg)?;
    let steps = trainer
        .run(cfg, ctl)
        .map_err(|e| trainer.locate(e, seeds))?;
    let Some(steps_done) = steps else {
        return Ok(None);
    };
    ctl.report(steps_done);
    let (params, loss, conv) = trainer.results()?;

    let mut out = Vec::with_capacity(r);
    for i in 0..r {
        let p = &params[i * k1..(i + 1) * k1];
        if !loss[i].is_finite() || p.iter().any(|v| !v.is_finite()) {
            return Err(BatchError::Diverged { seed: seeds[i] });
        }
        let original = |p: &[f64]| match &scalers[i] {
            Some(s) => s.to_original(p),
            None => p.to_vec(),
        };
        let converged_at = conv.as_ref().and_then(|c| c[i]);
        out.push(BatchedFit {
            params: original(p),
            init_params: original(&init[i * k1..(i + 1) * k1]),
            loss: loss[i],
            steps: converged_at.unwrap_or(steps_done),
            converged_at,
        });
    }
    Ok(Some(out))
}

/// Give a leaf tensor a defined `.grad` (all ones) that later steps
/// overwrite, as `nn/train.rs` does, and return it.
fn define_grad(leaf: &Tensor) -> Result<Tensor, TchError> {
    leaf.f_sum(leaf.kind())?.f_backward()?;
    leaf.f_grad()
}

/// The parameters and the closed-form gradient of one batch. Parameters
/// `theta` R × 1 × (k+1) (`[bias, w...]`).
struct Grad {
    /// Design, transposed: R × (k+1) × n, the row of ones first.
    xt: Tensor,
    /// `xt` seen as R × n × (k+1).
    x: Tensor,
    /// Targets R × 1 × n.
    y: Tensor,
    theta: Tensor,
    grad: Tensor,
    /// Scratch R × 1 × n: the linear predictor, the prediction, the residual.
    z: Tensor,
    n: i64,
}

impl Grad {
    fn new(
        x: &Tensor,
        y: &Tensor,
        theta0: &Tensor,
        kind: Kind,
        dev: Device,
    ) -> Result<Self, TchError> {
        let (r, n) = (x.size()[0], x.size()[1]);
        let xt = x
            .f_to_kind(kind)?
            .f_transpose(1, 2)?
            .f_contiguous()?
            .f_to_device(dev)?;
        let theta = theta0.f_to_device(dev)?.f_set_requires_grad(true)?;
        Ok(Grad {
            x: xt.f_transpose(1, 2)?,
            xt,
            y: y.f_view([r, 1, n])?.f_to_kind(kind)?.f_to_device(dev)?,
            grad: define_grad(&theta)?,
            theta,
            z: Tensor::f_empty([r, 1, n], (kind, dev))?,
            n,
        })
    }

    /// The tensors the optimiser updates.
    fn params(&self) -> Vec<&Tensor> {
        vec![&self.theta]
    }

    /// The parameters as R × 1 × (k+1), `[bias, w...]`.
    fn theta(&self) -> Result<Tensor, TchError> {
        let _guard = tch::no_grad_guard();
        self.theta.f_detach()
    }

    /// Predictions at the current parameters (R × 1 × n) in the scratch
    /// tensor; returns them and the targets in the same shape.
    fn forward(&mut self) -> Result<(Tensor, Tensor), TchError> {
        let _guard = tch::no_grad_guard();
        let _ = self.theta.f_bmm_out(&self.z, &self.xt)?;
        let _ = self.z.f_sigmoid_()?;
        Ok((self.z.shallow_clone(), self.y.shallow_clone()))
    }

    /// Write the gradient of the summed loss into `theta`'s `.grad`; return
    /// the per-network mean BCE at the current parameters if asked.
    fn step(&mut self, want_loss: bool) -> Result<Option<Tensor>, TchError> {
        let (p, y) = self.forward()?;
        let _guard = tch::no_grad_guard();
        let loss = match want_loss {
            true => Some(mean_bce(&p, &y)?),
            false => None,
        };
        let _ = self.z.f_sub_(&self.y)?;
        let _ = self.z.f_bmm_out(&self.grad, &self.x)?;
        let _ = self.grad.f_div_scalar_(self.n)?;
        Ok(loss)
    }

    /// The scratch tensor holding predictions, for locating a divergence.
    fn predictions(&self) -> &Tensor {
        &self.z
    }
}

/// Per-network convergence bookkeeping for `tol`: a network whose largest
/// parameter change falls below `tol` is frozen at that state (its result is
/// kept; the batch goes on training it, and the result ignores that).
struct Tol {
    tol: f64,
    before: Tensor,
    done: Tensor,
    theta: Tensor,
    loss: Tensor,
    step: Tensor,
}

impl Tol {
    /// After step `step`: freeze the networks whose change fell below `tol`.
    fn update(&mut self, theta: &Tensor, loss: &Tensor, step: usize) -> Result<(), TchError> {
        let _guard = tch::no_grad_guard();
        let r = theta.size()[0];
        // The single run compares the change in f64.
        let change = theta
            .f_sub(&self.before)?
            .f_abs()?
            .f_amax([1i64, 2].as_slice(), false)?
            .f_to_kind(Kind::Double)?;
        let newly = change
            .f_lt(self.tol)?
            .f_logical_and(&self.done.f_logical_not()?)?;
        self.theta = theta.f_where_self(&newly.f_view([r, 1, 1])?, &self.theta)?;
        self.loss = loss.f_where_self(&newly, &self.loss)?;
        let _ = self.step.f_masked_fill_(&newly, step as i64)?;
        let _ = self.done.f_logical_or_(&newly)?;
        Ok(())
    }
}

/// The state of one batch in training.
struct Trainer {
    grad: Grad,
    opt: Stepper,
    last_loss: Option<Tensor>,
    tol: Option<Tol>,
}

impl Trainer {
    fn new(grad: Grad, cfg: &TrainConfig) -> Result<Self, TchError> {
        let opt = Stepper::new(cfg, &grad.params())?;
        let tol = match cfg.tol {
            None => None,
            Some(tol) => {
                let theta = grad.theta()?;
                let (r, kind, dev) = (theta.size()[0], theta.kind(), theta.device());
                Some(Tol {
                    tol,
                    before: theta.f_zeros_like()?,
                    done: Tensor::f_zeros([r], (Kind::Bool, dev))?,
                    theta: theta.f_zeros_like()?,
                    loss: Tensor::f_zeros([r], (kind, dev))?,
                    step: Tensor::f_zeros([r], (Kind::Int64, dev))?,
                })
            }
        };
        Ok(Trainer {
            grad,
            opt,
            last_loss: None,
            tol,
        })
    }

    /// Train `cfg.steps` steps (fewer if every network met `tol`); `None` if stopped.
    fn run(&mut self, cfg: &TrainConfig, ctl: &mut Control<'_>) -> Result<Option<usize>, TchError> {
        for step in 0..cfg.steps {
            if step > 0 && step % CHECK_EVERY == 0 {
                ctl.report(step);
                if ctl.stopped() {
                    return Ok(None);
                }
                if let Some(t) = &self.tol {
                    if t.done.f_all()?.f_int64_value(&[])? != 0 {
                        return Ok(Some(step));
                    }
                }
            }
            let want_loss = self.tol.is_some() || step + 1 == cfg.steps;
            let loss = self.grad.step(want_loss)?;
            if let Some(t) = self.tol.as_mut() {
                t.before = self.grad.theta()?.f_detach_copy()?;
            }
            self.opt.step(&self.grad.params())?;
            if let Some(t) = self.tol.as_mut() {
                let loss = loss.as_ref().expect("the loss is computed when tol is set");
                t.update(&self.grad.theta()?, loss, step + 1)?;
            }
            if loss.is_some() {
                self.last_loss = loss;
            }
        }
        if cfg.steps == 0 {
            // As the single run: the loss at the initial parameters.
            let (p, y) = self.grad.forward()?;
            let _guard = tch::no_grad_guard();
            self.last_loss = Some(mean_bce(&p, &y)?);
        }
        Ok(Some(cfg.steps))
    }

    /// Parameters (flat, R·(k+1), `[bias, w...]` per network), losses, and
    /// convergence steps (with `tol`).
    #[allow(clippy::type_complexity)]
    fn results(&self) -> Result<(Vec<f64>, Vec<f64>, Option<Vec<Option<usize>>>), TchError> {
        let _guard = tch::no_grad_guard();
        let theta = self.grad.theta()?;
        let loss = self
            .last_loss
            .as_ref()
            .expect("a loss is computed at the last step")
            .shallow_clone();
        Ok(match &self.tol {
            None => (to_vec_f64(&theta)?, to_vec_f64(&loss)?, None),
            Some(t) => {
                let r = theta.size()[0];
                let theta = t.theta.f_where_self(&t.done.f_view([r, 1, 1])?, &theta)?;
                let loss = t.loss.f_where_self(&t.done, &loss)?;
                let done = Vec::<i64>::try_from(&t.done.f_to_kind(Kind::Int64)?)?;
                let step = Vec::<i64>::try_from(&t.step)?;
                let conv = done
                    .iter()
                    .zip(&step)
                    .map(|(&d, &s)| (d != 0).then_some(s as usize))
                    .collect();
                (to_vec_f64(&theta)?, to_vec_f64(&loss)?, Some(conv))
            }
        })
    }

    /// A libtorch failure during training: BCE refuses NaN predictions, so
    /// name the first network whose parameters are not finite, if any.
    fn locate(&self, e: TchError, seeds: &[u64]) -> BatchError {
        let _guard = tch::no_grad_guard();
        let bad = |t: &Tensor| -> Option<usize> {
            let ok = t
                .f_isfinite()
                .ok()?
                .f_flatten(1, -1)
                .ok()?
                .f_all_dim(1, false)
                .ok()?
                .f_to_kind(Kind::Int64)
                .ok()?;
            Vec::<i64>::try_from(&ok).ok()?.iter().position(|&v| v == 0)
        };
        let theta = self.grad.theta().ok();
        match theta
            .as_ref()
            .and_then(bad)
            .or_else(|| bad(self.grad.predictions()))
        {
            Some(i) => BatchError::Diverged { seed: seeds[i] },
            None => e.into(),
        }
    }
}

/// Per-network mean BCE of predictions `p` against `y` (both R × 1 × n): R values.
fn mean_bce(p: &Tensor, y: &Tensor) -> Result<Tensor, TchError> {
    p.f_binary_cross_entropy::<Tensor>(y, None, Reduction::None)?
        .f_mean_dim([1i64, 2].as_slice(), false, None::<Kind>)
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::nn::train;
    use crate::simulate::{simulate, SimConfig};

    /// `tch::manual_seed` is process-global: tests that draw weights take turns.
    static RNG: Mutex<()> = Mutex::new(());

    /// Closed form against the single run: rounding order only.
    const ROUNDING_TOL: f64 = 1e-5;

    fn data(seeds: &[u64]) -> Vec<Dataset> {
        seeds
            .iter()
            .map(|&seed| {
                let cfg = SimConfig {
                    n: 200,
                    seed,
                    ..SimConfig::default()
                };
                simulate(&cfg).unwrap().data
            })
            .collect()
    }

    fn batch(seeds: &[u64], cfg: &TrainConfig, path: GradientPath) -> Vec<BatchedFit> {
        train_batch(&data(seeds), seeds, cfg, path, &mut Control::default())
            .unwrap()
            .unwrap()
    }

    fn single(seed: u64, cfg: &TrainConfig) -> crate::nn::NnFit {
        let d = data(&[seed]);
        train(
            &d[0],
            &TrainConfig {
                seed,
                ..cfg.clone()
            },
        )
        .unwrap()
    }

    #[test]
    fn exact_path_equals_the_single_run_bit_for_bit() {
        let _turn = RNG.lock().unwrap_or_else(|e| e.into_inner());
        let seeds = [3, 4, 5];
        for optimizer in [
            OptimizerKind::Adam,
            OptimizerKind::RmsProp,
            OptimizerKind::Sgd,
        ] {
            let cfg = TrainConfig {
                optimizer,
                lr: 0.01,
                steps: 300,
                ..TrainConfig::default()
            };
            let got = batch(&seeds, &cfg, GradientPath::Exact);
            for (b, &seed) in got.iter().zip(&seeds) {
                let s = single(seed, &cfg);
                assert_eq!(b.params, s.params, "{optimizer} seed {seed}");
                assert_eq!(b.init_params, s.init_params, "{optimizer} seed {seed}");
                assert_eq!(b.loss, s.loss, "{optimizer} seed {seed}");
                assert_eq!(b.steps, s.steps);
            }
        }
    }

    #[test]
    fn closed_form_is_within_rounding_of_the_single_run() {
        let _turn = RNG.lock().unwrap_or_else(|e| e.into_inner());
        let seeds = [7, 8];
        let cfg = TrainConfig {
            steps: 500,
            momentum: 0.5,
            ..TrainConfig::default()
        };
        let got = batch(&seeds, &cfg, GradientPath::Auto);
        for (b, &seed) in got.iter().zip(&seeds) {
            let s = single(seed, &cfg);
            assert_eq!(b.init_params, s.init_params);
            let d = crate::compare::max_abs_diff(&b.params, &s.params);
            assert!(d < ROUNDING_TOL, "seed {seed}: {d:e}");
            assert!((b.loss - s.loss).abs() < ROUNDING_TOL);
        }
    }

    #[test]
    fn tol_stops_each_network_at_its_own_step() {
        let _turn = RNG.lock().unwrap_or_else(|e| e.into_inner());
        let seeds = [1, 2, 3];
        let cfg = TrainConfig {
            tol: Some(1e-4),
            optimizer: OptimizerKind::Adam,
            lr: 0.05,
            ..TrainConfig::default()
        };
        let got = batch(&seeds, &cfg, GradientPath::Auto);
        for (b, &seed) in got.iter().zip(&seeds) {
            let s = single(seed, &cfg);
            assert!(s.converged_at.is_some());
            assert_eq!(b.converged_at, s.converged_at, "seed {seed}");
            assert_eq!(b.steps, s.steps);
            assert_eq!(b.params, s.params);
            assert_eq!(b.loss, s.loss);
        }
    }

    #[test]
    fn a_raised_stop_flag_abandons_the_batch() {
        let _turn = RNG.lock().unwrap_or_else(|e| e.into_inner());
        let stop = AtomicBool::new(true);
        let mut reported = Vec::new();
        let mut progress = |s: usize| reported.push(s);
        let mut ctl = Control {
            stop: Some(&stop),
            progress: Some(&mut progress),
        };
        let cfg = TrainConfig::default();
        let out = train_batch(&data(&[1, 2]), &[1, 2], &cfg, GradientPath::Auto, &mut ctl);
        assert_eq!(out, Ok(None));
        assert_eq!(reported, [CHECK_EVERY]);
    }

    #[test]
    fn rejects_what_it_cannot_batch() {
        let d = data(&[1]);
        for cfg in [
            TrainConfig {
                batch_size: Some(10),
                ..TrainConfig::default()
            },
            TrainConfig {
                autograd: true,
                ..TrainConfig::default()
            },
        ] {
            let e = train_batch(&d, &[1], &cfg, GradientPath::Auto, &mut Control::default());
            assert!(matches!(e, Err(BatchError::Unsupported { .. })), "{e:?}");
        }
        let e = train_batch(
            &d,
            &[1, 2],
            &TrainConfig::default(),
            GradientPath::Auto,
            &mut Control::default(),
        );
        assert!(matches!(e, Err(BatchError::Shape { .. })), "{e:?}");
    }
}
