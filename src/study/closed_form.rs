//! `repeat`'s closed-form path: the R networks of a chunk as one set of
//! tensors, the gradient in four batched kernels (see [`super::batched`]).
use tch::{Device, Kind, TchError, Tensor};

use super::chunk::{BatchControl, BatchError, BatchedFit, Chunk, ChunkTrainer, Trained};
use crate::nn::{
    at_clamp, clamp_warnings, draw_layer, drive, finite, first_not_finite, largest_change,
    mean_bce_each, met_tol, tensor_kind, Learner, Precision, Standardizer, Stepper, TrainConfig,
    TrainError, BCE_BACKWARD_EPS,
};
use crate::runtime::torch::to_vec_f64;

/// Trains the networks of a chunk as one batch with the closed-form gradient.
pub(super) struct ClosedForm;

impl ChunkTrainer for ClosedForm {
    fn train(&self, chunk: &Chunk<'_>, ctl: &mut BatchControl<'_>) -> Trained {
        let Chunk {
            data, seeds, cfg, ..
        } = *chunk;
        let kind = tensor_kind(cfg.precision);
        let (r, n, k1) = (data.len(), data[0].n(), data[0].k());
        let (xs, scalers) = design(chunk)?;
        let x = Tensor::f_from_slice(&xs)?.f_view([r as i64, n as i64, k1 as i64])?;
        drop(xs);
        let ys: Vec<f64> = data.iter().flat_map(|d| d.y().iter().copied()).collect();
        let y = Tensor::f_from_slice(&ys)?.f_view([r as i64, n as i64])?;

        let init = initial_params(seeds, k1)?;
        // The values are float32 draws: cast to float32 (exact), then to `kind`
        // as `.double()` does.
        let theta0 = Tensor::f_from_slice(&init)?
            .f_view([r as i64, 1, k1 as i64])?
            .f_to_kind(Kind::Float)?
            .f_to_kind(kind)?;

        let grad = Grad::new(&x, &y, &theta0, kind, cfg.device)?;
        let trainer = Trainer::new(grad, cfg, seeds, scalers, init)?;
        drive(trainer, cfg.steps, cfg.tol.is_some(), ctl)
    }
}

/// The design of a chunk, R × n × (k+1) row by row: each data set's own
/// (with its column of ones), or ones and standardized features; and the
/// scaler of each network's features with `standardize`. A feature that
/// does not fit in float32 names its network.
#[allow(clippy::type_complexity)]
pub(super) fn design(
    chunk: &Chunk<'_>,
) -> Result<(Vec<f64>, Vec<Option<Standardizer>>), BatchError> {
    let Chunk {
        data, seeds, cfg, ..
    } = *chunk;
    let (r, n, k1) = (data.len(), data[0].n(), data[0].k());
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
            None => xs.extend_from_slice(d.x()),
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
    Ok((xs, scalers))
}

/// The initial weights `[bias, w...]` of each network (`k1` values each),
/// drawn exactly as the single run draws them.
pub(super) fn initial_params(seeds: &[u64], k1: usize) -> Result<Vec<f64>, BatchError> {
    let mut init = Vec::with_capacity(seeds.len() * k1);
    for &seed in seeds {
        let (_vs, net) = draw_layer(seed, k1 as i64 - 1)?;
        init.extend(net.params()?);
    }
    Ok(init)
}

/// Give a leaf tensor a defined `.grad` (all ones) that later steps
/// overwrite, as `nn/replay.rs` does, and return it.
fn define_grad(leaf: &Tensor) -> Result<Tensor, TchError> {
    leaf.f_sum(leaf.kind())?.f_backward()?;
    leaf.f_grad()
}

/// Row length of the padded buffer the sigmoid writes into: each network's
/// n values start a new row of a multiple of this many values.
const ROW_ALIGN: i64 = 64;

/// The parameters and the closed-form gradient of one batch. Parameters
/// `theta` R × 1 × (k+1) (`[bias, w...]`).
///
/// The sigmoid (and the loss) run on `p`, a view with a padded row stride,
/// not on the contiguous R × n block: ATen's elementwise loops run whole
/// vectors and finish with a scalar tail whose `exp` can round differently,
/// and over a contiguous block the tail falls on different networks'
/// values as R changes. On the padded view every loop runs row by row, so
/// each network meets the same vectors and the same tail in any chunk (on
/// a contiguous block a run's numbers differ between chunks of 1, 2 and 7
/// at n = 60).
/// The batched products are per network already.
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
    /// The predictions R × 1 × n, a view of padded rows.
    p: Tensor,
    /// Targets R × 1 × n, a view of padded rows (for the loss).
    y_rows: Tensor,
    n: i64,
}

/// A zeroed R × 1 × n_pad buffer seen as R × 1 × n, n_pad > n.
fn padded(r: i64, n: i64, kind: Kind, dev: Device) -> Result<Tensor, TchError> {
    let n_pad = (n / ROW_ALIGN + 1) * ROW_ALIGN;
    Tensor::f_zeros([r, 1, n_pad], (kind, dev))?.f_narrow(2, 0, n)
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
            p: padded(r, n, kind, dev)?,
            y_rows: {
                let mut rows = padded(r, n, kind, dev)?;
                rows.f_copy_(&y.f_view([r, 1, n])?)?;
                rows
            },
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
        let _ = self.z.f_sigmoid_out(&self.p)?;
        self.z.f_copy_(&self.p)?;
        Ok((self.p.shallow_clone(), self.y_rows.shallow_clone()))
    }

    /// Write the gradient of the summed loss into `theta`'s `.grad`; return
    /// the per-network mean BCE at the current parameters if asked.
    fn step(&mut self, want_loss: bool) -> Result<Option<Tensor>, TchError> {
        let (p, y) = self.forward()?;
        let _guard = tch::no_grad_guard();
        let loss = match want_loss {
            true => Some(mean_bce_each(&p, &y)?),
            false => None,
        };
        // dL/dz as autograd's BCE and sigmoid backward give it: p - y, times
        // min(p(1 - p) / eps, 1) (see `nn::BCE_BACKWARD_EPS`).
        let factor = self
            .z
            .f_neg()?
            .f_add_scalar(1.0)?
            .f_mul(&self.z)?
            .f_mul_scalar(1.0 / BCE_BACKWARD_EPS)?
            .f_clamp_max(1.0)?;
        let _ = self.z.f_sub_(&self.y)?;
        let _ = self.z.f_mul_(&factor)?;
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
        let change = largest_change(&self.before, theta)?;
        let newly = met_tol(&change, self.tol)?.f_logical_and(&self.done.f_logical_not()?)?;
        self.theta = theta.f_where_self(&newly.f_view([r, 1, 1])?, &self.theta)?;
        self.loss = loss.f_where_self(&newly, &self.loss)?;
        let _ = self.step.f_masked_fill_(&newly, step as i64)?;
        let _ = self.done.f_logical_or_(&newly)?;
        Ok(())
    }
}

/// The state of one batch in training, and what its results need.
struct Trainer<'a> {
    grad: Grad,
    opt: Stepper,
    last_loss: Option<Tensor>,
    tol: Option<Tol>,
    /// One seed per network, naming it in errors.
    seeds: &'a [u64],
    /// Per network, with `standardize`: the scaler its features were fitted with.
    scalers: Vec<Option<Standardizer>>,
    /// The initial parameters, flat R·(k+1), `[bias, w...]` per network.
    init: Vec<f64>,
}

impl<'a> Trainer<'a> {
    fn new(
        grad: Grad,
        cfg: &TrainConfig,
        seeds: &'a [u64],
        scalers: Vec<Option<Standardizer>>,
        init: Vec<f64>,
    ) -> Result<Self, TchError> {
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
            seeds,
            scalers,
            init,
        })
    }

    /// Parameters (flat, R·(k+1), `[bias, w...]` per network), losses,
    /// convergence steps (with `tol`), and per network the rows at BCE's
    /// clamp at its final parameters (`compare`'s rule).
    #[allow(clippy::type_complexity)]
    fn results(
        &self,
    ) -> Result<(Vec<f64>, Vec<f64>, Option<Vec<Option<usize>>>, Vec<i64>), TchError> {
        let _guard = tch::no_grad_guard();
        let theta = self.grad.theta()?;
        let loss = self
            .last_loss
            .as_ref()
            .expect("a loss is computed at the last step")
            .shallow_clone();
        let (theta, loss, conv) = match &self.tol {
            None => (theta, loss, None),
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
                (theta, loss, Some(conv))
            }
        };
        let p = theta.f_bmm(&self.grad.xt)?.f_sigmoid()?;
        let clamped = at_clamp(&p, &self.grad.y)?.f_sum_dim_intlist(
            [1i64, 2].as_slice(),
            false,
            Kind::Int64,
        )?;
        Ok((
            to_vec_f64(&theta)?,
            to_vec_f64(&loss)?,
            conv,
            Vec::<i64>::try_from(&clamped)?,
        ))
    }
}

impl Learner for Trainer<'_> {
    type Failure = TchError;
    type Error = BatchError;
    type Out = Vec<BatchedFit>;

    /// Every network steps (those frozen at `tol` too: their kept state is
    /// what they report); whether all met `tol` is asked at the looks only,
    /// which saves a device sync per step.
    fn step(&mut self, step: usize, loss: bool) -> Result<bool, TchError> {
        let loss = self.grad.step(loss)?;
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
        Ok(false)
    }

    fn all_met(&self) -> Result<bool, TchError> {
        match &self.tol {
            Some(t) => Ok(t.done.f_all()?.f_int64_value(&[])? != 0),
            None => Ok(false),
        }
    }

    fn initial_loss(&mut self) -> Result<(), TchError> {
        let (p, y) = self.grad.forward()?;
        let _guard = tch::no_grad_guard();
        self.last_loss = Some(mean_bce_each(&p, &y)?);
        Ok(())
    }

    /// BCE refuses NaN predictions: name the first network whose
    /// parameters (or predictions) are not finite, if any.
    fn locate(&self, e: TchError, _step: usize) -> BatchError {
        let theta = self.grad.theta().ok();
        match theta
            .as_ref()
            .and_then(first_not_finite)
            .or_else(|| first_not_finite(self.grad.predictions()))
        {
            Some(i) => BatchError::Diverged {
                seed: self.seeds[i],
            },
            None => e.into(),
        }
    }

    fn finish(self, steps: usize) -> Result<Vec<BatchedFit>, BatchError> {
        let (params, loss, conv, clamped) = self.results()?;
        let (r, n) = (self.seeds.len(), self.grad.n);
        let k1 = params.len() / r;
        let mut out = Vec::with_capacity(r);
        for i in 0..r {
            let p = &params[i * k1..(i + 1) * k1];
            if !finite(loss[i], p) {
                return Err(BatchError::Diverged {
                    seed: self.seeds[i],
                });
            }
            let original = |p: &[f64]| match &self.scalers[i] {
                Some(s) => s.to_original(p),
                None => p.to_vec(),
            };
            let converged_at = conv.as_ref().and_then(|c| c[i]);
            out.push(BatchedFit {
                params: original(p),
                init_params: original(&self.init[i * k1..(i + 1) * k1]),
                loss: loss[i],
                steps: converged_at.unwrap_or(steps),
                converged_at,
                warnings: clamp_warnings(clamped[i], n),
            });
        }
        Ok(out)
    }
}
