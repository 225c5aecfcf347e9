//! The network's forward pass and loss: `link(Linear(x) + offset)` and BCE
//! with the rows' weights, as `scripts/original.py` computes them.
use tch::{Device, Kind, Reduction, TchError, Tensor};

use super::model::LogisticNet;
use super::spec::{column_tensor, ModelSpec};
use crate::spec::{Link, LinkKind};

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

/// BCE of the network on (x, y) with the rows' weights and offset, as
/// `nn.BCELoss(weight=w, reduction=...)` computes it (the mean divides by
/// n, not by the weights' sum).
pub(super) fn objective(
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
