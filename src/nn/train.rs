//! The training loop: the lecture's zero_grad / forward / loss / backward /
//! step, on tch, giving PyTorch's numbers bit for bit.
use std::ops::ControlFlow;
use std::time::Instant;

use serde::Serialize;
use tch::nn;
use tch::{Device, Kind, Reduction, TchError, Tensor};

use super::config::{Precision, TrainConfig, TrainConfigError};
use super::history::{History, Recorder};
use super::model::LogisticNet;
use super::observe::{Observer, Want};
use super::optimizer::Stepper;
use super::shim::{self, StepTensors};
use super::spec::{column_tensor, ModelSpec, SpecError};
use super::standardize::{StandardizeError, Standardizer};
use crate::data::Dataset;
use crate::runtime::torch::{short_error, to_vec_f64};
use crate::setting::{Remedy, Setting};
use crate::spec::{Link, LinkKind};

/// Why training failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TrainError {
    #[error(transparent)]
    Config(#[from] TrainConfigError),
    #[error("{} cuda: CUDA is not available (libtorch found no CUDA device or was built without CUDA); {}", Setting::Device, Remedy::UseCpu)]
    NoCuda,
    #[error(transparent)]
    Standardize(#[from] StandardizeError),
    #[error(transparent)]
    Spec(#[from] SpecError),
    #[error(transparent)]
    Data(#[from] crate::data::DataError),
    #[error(
        "the loss became {value} at step {step}: training diverged; {}",
        Remedy::SmallerLrOrStandardize
    )]
    Diverged { step: usize, value: String },
    #[error("a feature value does not fit in {} (too large in magnitude); {}", .0, Remedy::StandardizeOrF64)]
    Overflow(Precision),
    #[error("training stopped after {0} steps: an observer asked to stop")]
    Stopped(usize),
    #[error("libtorch: {0}")]
    Torch(String),
}

impl TrainError {
    /// Settings and data the network cannot use are bad input; divergence
    /// and libtorch failures are a failed training; a stop request is an
    /// interruption.
    pub fn kind(&self) -> crate::ErrorKind {
        match self {
            TrainError::Diverged { .. } | TrainError::Torch(_) => crate::ErrorKind::FitFailed,
            TrainError::Stopped(_) => crate::ErrorKind::Interrupted,
            _ => crate::ErrorKind::BadInput,
        }
    }
}

impl From<TchError> for TrainError {
    fn from(e: TchError) -> Self {
        TrainError::Torch(short_error(&e))
    }
}

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

/// Mean BCE of the network on (x, y), as `nn.BCELoss()` computes it.
pub(crate) fn bce(net: &LogisticNet, x: &Tensor, y: &Tensor) -> Result<Tensor, TchError> {
    let rows = Rows::default();
    objective(net, LinkKind::Logit, x, y, &rows, Reduction::Mean)
}

/// Per-row tensors of a [`ModelSpec`] (n × 1, the network's kind), or of a
/// batch of its rows.
#[derive(Default)]
struct Rows {
    weight: Option<Tensor>,
    offset: Option<Tensor>,
}

impl Rows {
    fn new(spec: &ModelSpec, kind: Kind, device: Device) -> Result<Self, TchError> {
        let col = |v: &Option<Vec<f64>>| {
            v.as_deref()
                .map(|v| column_tensor(v, kind, device))
                .transpose()
        };
        Ok(Rows {
            weight: col(&spec.weights)?,
            offset: col(&spec.offset)?,
        })
    }

    /// The rows `idx` (a mini-batch).
    fn select(&self, idx: &Tensor) -> Result<Self, TchError> {
        let pick = |t: &Option<Tensor>| t.as_ref().map(|t| t.f_index_select(0, idx)).transpose();
        Ok(Rows {
            weight: pick(&self.weight)?,
            offset: pick(&self.offset)?,
        })
    }
}

/// The network's probabilities: `link(Linear(x) + offset)`, as
/// `scripts/original.py`'s forward pass computes them.
fn predict(
    net: &LogisticNet,
    link: LinkKind,
    x: &Tensor,
    offset: Option<&Tensor>,
) -> Result<Tensor, TchError> {
    let eta = x.f_linear(&net.linear.ws, net.linear.bs.as_ref())?;
    let eta = match offset {
        Some(o) => eta.f_add(o)?,
        None => eta,
    };
    link.f_activation(&eta)
}

/// BCE of the network on (x, y) with the rows' weights and offset, as
/// `nn.BCELoss(weight=w, reduction=...)` computes it (the mean divides by
/// n, not by the weights' sum).
fn objective(
    net: &LogisticNet,
    link: LinkKind,
    x: &Tensor,
    y: &Tensor,
    rows: &Rows,
    reduction: Reduction,
) -> Result<Tensor, TchError> {
    predict(net, link, x, rows.offset.as_ref())?.f_binary_cross_entropy(
        y,
        rows.weight.as_ref(),
        reduction,
    )
}

/// `[bias, w...]` as one detached 1-D tensor (a copy: the variables change in place).
pub(crate) fn snapshot(net: &LogisticNet) -> Result<Tensor, TchError> {
    let _guard = tch::no_grad_guard();
    let ws = net.linear.ws.f_view([-1])?;
    match &net.linear.bs {
        Some(b) => Tensor::f_cat(&[b, &ws], 0),
        None => Tensor::f_cat(&[&ws], 0),
    }
}

/// The tensor kind of a precision: float32 as PyTorch's default, or float64.
pub(crate) fn tensor_kind(precision: Precision) -> Kind {
    match precision {
        Precision::F32 => Kind::Float,
        Precision::F64 => Kind::Double,
    }
}

/// The layer `nn.Linear(k, 1)` builds right after `torch.manual_seed(seed)`:
/// drawn on the CPU generator, in float32.
pub(crate) fn draw_layer(seed: u64, k: i64) -> Result<(nn::VarStore, LogisticNet), TchError> {
    tch::manual_seed(seed as i64);
    let vs = nn::VarStore::new(Device::Cpu);
    let net = LogisticNet::new(&vs.root(), k)?;
    Ok((vs, net))
}

/// The layer's parameters in the optimiser's order: weight, then bias.
pub(crate) fn layer_params(net: &LogisticNet) -> [&Tensor; 2] {
    [
        &net.linear.ws,
        net.linear.bs.as_ref().expect("the layer has a bias"),
    ]
}

/// One network as a single run sets it up, before its first step: the
/// inputs in the network's precision on its device, and the layer drawn
/// right after `tch::manual_seed(seed)`, then cast and moved as in Python.
/// `train` and `repeat`'s exact path both start here.
pub(crate) struct NetSetup {
    /// With `standardize`: the scaler fitted on the data.
    pub scaler: Option<Standardizer>,
    /// Features n × k (standardized with `standardize`), no column of ones.
    pub x: Tensor,
    /// Targets, n × 1.
    pub y: Tensor,
    /// Owns the layer's variables.
    pub vs: nn::VarStore,
    pub net: LogisticNet,
    /// The initial parameters `[bias, w...]`, original scale.
    pub init_params: Vec<f64>,
}

impl NetSetup {
    /// The setup for `data` under `cfg`, the layer drawn with `seed`. The
    /// caller has checked `cfg` and the device.
    pub(crate) fn new(data: &Dataset, cfg: &TrainConfig, seed: u64) -> Result<Self, TrainError> {
        let kind = tensor_kind(cfg.precision);
        let (n, k) = (data.n() as i64, data.k() as i64 - 1);
        let scaler = match cfg.standardize {
            true => Some(Standardizer::fit(data)?),
            false => None,
        };
        let x = match &scaler {
            Some(s) => Tensor::f_from_slice(&s.transform(data))?.f_view([n, k])?,
            None => data.features_tensor(Kind::Double, Device::Cpu)?,
        }
        .f_to_kind(kind)?
        .f_to_device(cfg.device)?;
        if x.f_isfinite()?.f_all()?.f_int64_value(&[])? == 0 {
            return Err(TrainError::Overflow(cfg.precision));
        }
        let y = data.y_tensor(kind, cfg.device)?;

        // As in Python: seed, build on the CPU generator, then cast / move.
        let (mut vs, net) = draw_layer(seed, k)?;
        if cfg.precision == Precision::F64 {
            vs.double();
        }
        vs.set_device(cfg.device);
        let init = net.params()?;
        let init_params = match &scaler {
            Some(s) => s.to_original(&init),
            None => init,
        };
        Ok(NetSetup {
            scaler,
            x,
            y,
            vs,
            net,
            init_params,
        })
    }
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
    let kind = tensor_kind(cfg.precision);
    let NetSetup {
        scaler,
        x,
        y,
        vs: _vs,
        net,
        init_params,
    } = NetSetup::new(data, cfg, cfg.seed)?;
    let (n, k) = (data.n() as i64, data.k() as i64 - 1);
    let original = |p: Vec<f64>| match &scaler {
        Some(s) => s.to_original(&p),
        None => p,
    };

    let params = layer_params(&net);
    let mut opt = Stepper::new(cfg, &params)?;

    // A batch of n rows or more is the full batch (compared as usize: a huge
    // --batch-size would wrap as i64).
    let batch = cfg.batch_size.filter(|&b| b < data.n()).map(|b| b as i64);
    let rows = Rows::new(spec, kind, cfg.device)?;
    let link = spec.link;
    let mut replay = if cfg.autograd || !spec.is_plain() {
        None
    } else {
        Some(Replay::new(&net, kind, cfg.device)?)
    };
    let mut perm: Option<Tensor> = None;
    let mut recorder = cfg.record.map(Recorder::new);
    let mut watchers: Vec<&mut dyn Observer> = Vec::with_capacity(observers.len() + 1);
    if let Some(r) = recorder.as_mut() {
        watchers.push(r);
    }
    for o in observers.iter_mut() {
        watchers.push(&mut **o);
    }
    let mut pending = Pending::new(k as usize + 1);
    let mut last_loss: Option<Tensor> = None;
    let mut converged_at = None;
    let mut steps_run = 0;
    for step in 0..cfg.steps {
        // The full batch is borrowed: no tensor handle is made per step.
        let picked;
        let (xb, yb, rb) = match batch {
            None => (&x, &y, &rows),
            Some(b) => {
                let per_epoch = (n + b - 1) / b;
                let pos = step as i64 % per_epoch;
                if pos == 0 {
                    perm = Some(
                        Tensor::f_randperm(n, (Kind::Int64, Device::Cpu))?
                            .f_to_device(cfg.device)?,
                    );
                }
                let p = perm
                    .as_ref()
                    .expect("permutation drawn at the start of each epoch");
                let idx = p.f_narrow(0, pos * b, b.min(n - pos * b))?;
                picked = (
                    x.f_index_select(0, &idx)?,
                    y.f_index_select(0, &idx)?,
                    rows.select(&idx)?,
                );
                (&picked.0, &picked.1, &picked.2)
            }
        };
        let wants: Vec<Want> = watchers.iter().map(|o| o.wants(step, false)).collect();
        let want = wants.iter().copied().max().unwrap_or(Want::Nothing);
        let want_loss = want == Want::ParamsAndLoss || cfg.tol.is_some() || step + 1 == cfg.steps;
        let before = if want != Want::Nothing || cfg.tol.is_some() {
            Some(snapshot(&net)?)
        } else {
            None
        };
        let loss = match replay.as_mut() {
            Some(r) => match r.step(&net, &mut opt, &params, xb, yb, want_loss) {
                Ok(loss) => loss,
                Err(e) => match diverged_or(step, e) {
                    TrainError::Diverged { .. } => {
                        return Err(locate_divergence(data, spec, cfg, step + 1, f64::NAN))
                    }
                    other => return Err(other),
                },
            },
            None => {
                // The lecture's loop, through libtorch's autograd.
                opt.zero_grad(&params)?;
                let loss = objective(&net, link, xb, yb, rb, Reduction::Mean)
                    .map_err(|e| diverged_or(step, e))?;
                loss.f_backward()?;
                opt.step(&params)?;
                Some(loss.f_detach()?)
            }
        };
        steps_run = step + 1;
        if want != Want::Nothing {
            let params = before.as_ref().expect("snapshot taken when watched");
            pending.push(step, wants, loss.as_ref(), params);
            if pending.is_full() {
                pending.flush(&mut watchers, &original)?;
            }
        }
        if loss.is_some() {
            last_loss = loss;
        }
        if let (Some(tol), Some(prev)) = (cfg.tol, &before) {
            let change = snapshot(&net)?
                .f_sub(prev)?
                .f_abs()?
                .f_max()?
                .f_double_value(&[])?;
            if change < tol {
                converged_at = Some(steps_run);
                break;
            }
        }
    }
    let loss = match last_loss {
        Some(l) => l.f_double_value(&[])?,
        None => tch::no_grad(|| objective(&net, link, &x, &y, &rows, Reduction::Mean))?
            .f_double_value(&[])?,
    };
    let params = original(net.params()?);
    if !loss.is_finite() || params.iter().any(|p| !p.is_finite()) {
        return Err(locate_divergence(data, spec, cfg, steps_run, loss));
    }
    // The state after the last step; its loss needs one extra forward
    // pass, outside training.
    pending.flush(&mut watchers, &original)?;
    let wants: Vec<Want> = watchers.iter().map(|o| o.wants(steps_run, true)).collect();
    let want = wants.iter().copied().max().unwrap_or(Want::Nothing);
    if want != Want::Nothing {
        let last = match want {
            Want::ParamsAndLoss => Some(tch::no_grad(|| {
                objective(&net, link, &x, &y, &rows, Reduction::Mean)
            })?),
            _ => None,
        };
        pending.push(steps_run, wants, last.as_ref(), &snapshot(&net)?);
        pending.last = true;
        pending.flush(&mut watchers, &original)?;
    }
    drop(watchers);
    let history = recorder.map(Recorder::into_history);
    let warnings = warnings(&net, link, &x, &y, rows.offset.as_ref(), n)?;
    Ok(NnFit {
        names: data.names().to_vec(),
        params,
        init_params,
        loss,
        steps: steps_run,
        converged_at,
        optimizer: cfg.optimizer.to_string(),
        lr: cfg.lr,
        time_s: start.elapsed().as_secs_f64(),
        warnings,
        history,
    })
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
/// PyTorch's BCE clamps each logarithm at -100: a row predicted with
/// probability exactly 0 or 1 on the wrong side costs 100 and its gradient
/// vanishes, so a loss made of such rows (24.0 when 24% of them are) is the
/// clamp's, not the fit's: training diverged although every number is
/// finite. (Parameters that leave float32's range are already an error.)
fn warnings(
    net: &LogisticNet,
    link: LinkKind,
    x: &Tensor,
    y: &Tensor,
    offset: Option<&Tensor>,
    n: i64,
) -> Result<Vec<String>, TchError> {
    let p = tch::no_grad(|| predict(net, link, x, offset))?;
    // Unweighted: a row at the clamp is one whatever its weight.
    let clamped = at_clamp(&p, y)?.f_sum(Kind::Int64)?.f_int64_value(&[])?;
    Ok(match clamped {
        0 => Vec::new(),
        c => vec![clamp_warning(c, n)],
    })
}

/// Which rows of predictions `p` against targets `y` (one shape) sit at
/// BCE's clamp: the rule behind the network's warning, also applied to
/// each network of a `repeat` batch.
pub(crate) fn at_clamp(p: &Tensor, y: &Tensor) -> Result<Tensor, TchError> {
    tch::no_grad(|| p.f_binary_cross_entropy::<Tensor>(y, None, Reduction::None))?.f_ge(BCE_CLAMP)
}

/// The warning for `clamped` of `n` rows at BCE's clamp.
pub(crate) fn clamp_warning(clamped: i64, n: i64) -> String {
    format!(
        "the loss reached BCE's clamp: {clamped} of {n} rows are predicted with probability \
         exactly 0 or 1 on the wrong side (log clamped at -100), so the loss counts 100 for \
         each and they give no gradient; this usually means training diverged: try a smaller \
         --lr or --standardize"
    )
}

/// The loss of one row when BCE's logarithm is clamped (at -100).
const BCE_CLAMP: f64 = 100.0;

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

/// The gradient step without autograd's bookkeeping: the very ATen kernels
/// autograd runs for `loss.backward()` on this graph, called in the same
/// order on the same tensors, so every bit matches the autograd loop (a test
/// checks this). The loss itself is only computed when asked for: the
/// gradient does not need it, and its 2n logarithms are half the step's cost.
///
/// Graph: out = sigmoid(addmm(b, x, Wᵀ)), loss = BCE(out, y, mean). Backward:
/// - BCE: `binary_cross_entropy_backward(1, out, y, None, Mean)`;
/// - sigmoid: `sigmoid_backward(g, out)`;
/// - addmm, mat2 = Wᵀ (column-major): `mm_mat2_backward` = `g.t().mm(x).t()`,
///   and `TBackward` transposes back: dW = `g.t().mm(x)`;
/// - the bias was broadcast: `sum_to(g, [1])` = `g.sum([0], keepdim).view([1])`.
///
/// The gradients are written into the parameters' `.grad` and the optimiser's
/// own `step()` applies them, as after `backward()`.
///
/// Nothing is allocated per step: each kernel writes into a buffer kept from
/// the last step of the same batch size through its `_out` variant (`addmm_out`,
/// `sigmoid_` in place, `binary_cross_entropy_backward` and
/// `sigmoid_backward` into `grad_input`), which runs the very kernel the
/// allocating variant runs; the two gradient kernels write straight into
/// `.grad` (`mm_out`, `sum_out` into a `[1, 1]` view of the bias gradient).
/// `Wᵀ` and `gᵀ` are views made once. The six operators (and plain SGD's
/// update, `p.add_(grad, -lr)`) run in one call into C++ ([`shim`]), which
/// saves a tensor handle, an FFI crossing and autograd's kernels per operator.
pub(crate) struct Replay {
    one: Tensor,
    ws_grad: Tensor,
    /// The bias gradient seen as `[1, 1]`, `sum(keepdim)`'s shape.
    bs_grad_2d: Tensor,
    /// The bias gradient itself (`[1]`).
    bs_grad: Tensor,
    /// `Wᵀ`, a view of the weight that follows its in-place updates.
    ws_t: Tensor,
    /// Scratch per batch size (the full batch, or a mini-batch and the
    /// shorter last one of an epoch).
    scratch: Vec<Scratch>,
}

/// The step's intermediate tensors for batches of `rows` rows, each `rows × 1`.
struct Scratch {
    rows: i64,
    /// `addmm`'s output, then the prediction (`sigmoid_` in place).
    out: Tensor,
    /// BCE's gradient, then the sigmoid's.
    g_bce: Tensor,
    g: Tensor,
    /// `gᵀ`, a view of `g`.
    g_t: Tensor,
}

impl Scratch {
    /// The scratch tensors in `kept` for batches of `rows` rows, made on first use.
    fn for_rows<'a>(
        kept: &'a mut Vec<Scratch>,
        rows: i64,
        like: &Tensor,
    ) -> Result<&'a Scratch, TchError> {
        let i = match kept.iter().position(|s| s.rows == rows) {
            Some(i) => i,
            None => {
                kept.push(Scratch::new(rows, like)?);
                kept.len() - 1
            }
        };
        Ok(&kept[i])
    }

    fn new(rows: i64, like: &Tensor) -> Result<Self, TchError> {
        let opts = (like.kind(), like.device());
        let g = Tensor::f_empty([rows, 1], opts)?;
        Ok(Scratch {
            rows,
            out: Tensor::f_empty([rows, 1], opts)?,
            g_bce: Tensor::f_empty([rows, 1], opts)?,
            g_t: g.f_tr()?,
            g,
        })
    }
}

impl Replay {
    pub(crate) fn new(net: &LogisticNet, kind: Kind, device: Device) -> Result<Self, TchError> {
        // Give both parameters a defined `.grad` that later steps overwrite.
        let bs = net.linear.bs.as_ref().expect("the layer has a bias");
        net.linear
            .ws
            .f_sum(kind)?
            .f_add(&bs.f_sum(kind)?)?
            .f_backward()?;
        Ok(Replay {
            one: Tensor::f_ones([], (kind, device))?,
            ws_grad: net.linear.ws.f_grad()?,
            bs_grad_2d: bs.f_grad()?.f_view([1, 1])?,
            bs_grad: bs.f_grad()?,
            ws_t: net.linear.ws.f_tr()?,
            scratch: Vec::with_capacity(2),
        })
    }

    pub(crate) fn step(
        &mut self,
        net: &LogisticNet,
        opt: &mut Stepper,
        params: &[&Tensor],
        x: &Tensor,
        y: &Tensor,
        want_loss: bool,
    ) -> Result<Option<Tensor>, TchError> {
        let _guard = tch::no_grad_guard();
        let bias = net.linear.bs.as_ref().expect("the layer has a bias");
        let s = Scratch::for_rows(&mut self.scratch, x.size()[0], y)?;
        let sgd_lr = opt.plain_sgd_lr();
        shim::replay_step(
            &StepTensors {
                bias: bias.into(),
                x: x.into(),
                ws_t: (&self.ws_t).into(),
                y: y.into(),
                one: (&self.one).into(),
                out: (&s.out).into(),
                g_bce: (&s.g_bce).into(),
                g: (&s.g).into(),
                g_t: (&s.g_t).into(),
                ws_grad: (&self.ws_grad).into(),
                bs_grad_2d: (&self.bs_grad_2d).into(),
                ws: (&net.linear.ws).into(),
                bs_grad: (&self.bs_grad).into(),
            },
            sgd_lr,
        )?;
        // The loss reads only the prediction, which nothing after it
        // changes: computed here it has the bits it has before the backward.
        let loss = match want_loss {
            true => Some(
                s.out
                    .f_binary_cross_entropy::<Tensor>(y, None, Reduction::Mean)?,
            ),
            false => None,
        };
        if sgd_lr.is_none() {
            opt.step(params)?;
        }
        Ok(loss)
    }
}

/// BCE refuses inputs outside [0, 1]: a NaN prediction means the weights blew up.
fn diverged_or(step: usize, e: TchError) -> TrainError {
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
