//! The network's forward pass and loss: `link(Linear(x) + offset)` and BCE
//! with the rows' weights, as `scripts/original.py` computes them.
use tch::{Device, Kind, Reduction, TchError, Tensor};

use super::model::LogisticNet;
use super::spec::{column_tensor, ModelSpec};
use crate::spec::{Link, LinkKind};

/// libtorch's `binary_cross_entropy_backward` divides `p - y` by
/// `max(p(1 - p), BCE_BACKWARD_EPS)` (in the tensor's kind), and the
/// sigmoid's backward then multiplies by `p(1 - p)`: the two cancel up to
/// rounding except where `p(1 - p)` is below it, where a row's gradient is
/// `(p - y) p(1 - p) / BCE_BACKWARD_EPS` (none at all where p is exactly 0 or
/// 1). A closed-form gradient must follow that to stay within rounding of
/// the single run.
pub(crate) const BCE_BACKWARD_EPS: f64 = 1e-12;

/// Per-row tensors of a [`ModelSpec`] (n × 1, the network's kind), or of a
/// batch of its rows.
pub(super) struct Rows {
    pub weight: Option<Tensor>,
    pub offset: Option<Tensor>,
}

impl Rows {
    pub fn new(spec: &ModelSpec, kind: Kind, device: Device) -> Result<Self, TchError> {
        let col = |v: Option<&[f64]>| v.map(|v| column_tensor(v, kind, device)).transpose();
        Ok(Rows {
            weight: col(spec.weights.as_deref())?,
            offset: col(spec.offset)?,
        })
    }

    /// The rows `idx` (a mini-batch).
    pub fn select(&self, idx: &Tensor) -> Result<Self, TchError> {
        let pick = |t: &Option<Tensor>| t.as_ref().map(|t| t.f_index_select(0, idx)).transpose();
        Ok(Rows {
            weight: pick(&self.weight)?,
            offset: pick(&self.offset)?,
        })
    }
}

/// The network's probabilities: `link(Linear(x) + offset)`, as
/// `scripts/original.py`'s forward pass computes them.
pub(super) fn predict(
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

/// The mean BCE of the network on (x, y) with the rows' weights and offset.
pub(super) fn objective(
    net: &LogisticNet,
    link: LinkKind,
    x: &Tensor,
    y: &Tensor,
    rows: &Rows,
) -> Result<Tensor, TchError> {
    let p = predict(net, link, x, rows.offset.as_ref())?;
    mean_bce(&p, y, rows.weight.as_ref())
}

/// The mean BCE of predictions `p` against `y` with row weights, as
/// `nn.BCELoss(weight=w)` computes it: libtorch's elementwise BCE (each
/// logarithm clamped at -100), times the weights, over n (not over the
/// weights' sum).
pub(crate) fn mean_bce(
    p: &Tensor,
    y: &Tensor,
    weight: Option<&Tensor>,
) -> Result<Tensor, TchError> {
    p.f_binary_cross_entropy(y, weight, Reduction::Mean)
}

/// [`mean_bce`], unweighted, for each network of a stack (along the first
/// dimension): the same elementwise BCE, averaged over each network's rows.
pub(crate) fn mean_bce_each(p: &Tensor, y: &Tensor) -> Result<Tensor, TchError> {
    let rows: Vec<i64> = (1..p.dim() as i64).collect();
    p.f_binary_cross_entropy::<Tensor>(y, None, Reduction::None)?
        .f_mean_dim(rows.as_slice(), false, None::<Kind>)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stack_of_one_network_has_the_single_networks_mean_bce() {
        // Predictions and targets whose rows are not all alike, one at
        // BCE's clamp, over lengths around libtorch's vector widths.
        for n in [1i64, 7, 8, 17, 60, 257] {
            let p = Tensor::arange(n, (Kind::Float, Device::Cpu))
                .f_div_scalar(n as f64)
                .unwrap();
            let y = Tensor::arange(n, (Kind::Float, Device::Cpu))
                .f_remainder(2)
                .unwrap();
            let one = mean_bce(&p.view([n, 1]), &y.view([n, 1]), None).unwrap();
            let each = mean_bce_each(&p.view([1, 1, n]), &y.view([1, 1, n])).unwrap();
            assert_eq!(each.size(), [1]);
            assert_eq!(
                one.double_value(&[]).to_bits(),
                each.double_value(&[0]).to_bits(),
                "n = {n}"
            );
        }
    }
}
