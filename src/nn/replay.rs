//! The lecture's gradient step replayed kernel by kernel, without autograd.
use tch::{Device, Kind, TchError, Tensor};

use super::model::LogisticNet;
use super::objective::mean_bce;
use super::optimizer::Stepper;
use super::shim::{self, StepTensors};

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
/// A layer without a bias (a design without an intercept) is
/// `linear(x, W)` without one, which ATen computes as `mm(x, Wᵀ)`: the same
/// backward for W, and no bias gradient.
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
    /// The bias gradient seen as `[1, 1]`, `sum(keepdim)`'s shape (None
    /// for a layer without a bias, whose forward is `mm(x, Wᵀ)`).
    bs_grad_2d: Option<Tensor>,
    /// The bias gradient itself (`[1]`).
    bs_grad: Option<Tensor>,
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
        // Give the parameters a defined `.grad` that later steps overwrite.
        let bs = net.linear.bs.as_ref();
        let mut sum = net.linear.ws.f_sum(kind)?;
        if let Some(bs) = bs {
            sum = sum.f_add(&bs.f_sum(kind)?)?;
        }
        sum.f_backward()?;
        Ok(Replay {
            one: Tensor::f_ones([], (kind, device))?,
            ws_grad: net.linear.ws.f_grad()?,
            bs_grad_2d: bs.map(|b| b.f_grad()?.f_view([1, 1])).transpose()?,
            bs_grad: bs.map(Tensor::f_grad).transpose()?,
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
        let bias = net.linear.bs.as_ref();
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
                bs_grad_2d: self.bs_grad_2d.as_ref().into(),
                ws: (&net.linear.ws).into(),
                bs_grad: self.bs_grad.as_ref().into(),
            },
            sgd_lr,
        )?;
        // The loss reads only the prediction, which nothing after it
        // changes: computed here it has the bits it has before the backward.
        let loss = match want_loss {
            true => Some(mean_bce(&s.out, y, None)?),
            false => None,
        };
        if sgd_lr.is_none() {
            opt.step(params)?;
        }
        Ok(loss)
    }
}
