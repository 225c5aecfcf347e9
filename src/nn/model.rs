//! The network: `nn.Linear(k, 1)` (or `nn.Linear(k, 1, bias=False)`) then
//! sigmoid, initialised as PyTorch does.
use tch::nn::{self, Module};
use tch::{TchError, Tensor};

/// Logistic regression as a one-layer network.
#[derive(Debug)]
pub struct LogisticNet {
    /// The linear layer: weight `[1, k]`, bias `[1]` (None without one).
    pub linear: nn::Linear,
}

impl LogisticNet {
    /// Build the layer under `path`, drawing the weight and then (with
    /// `bias`) the bias from Uniform(±1/√k), in that order: after
    /// `tch::manual_seed(s)` this is bit-identical to `torch.manual_seed(s);
    /// nn.Linear(k, 1, bias=bias)`. (tch's own `nn::linear` draws the bias
    /// first and uses a wider Kaiming bound.)
    pub fn new(path: &nn::Path, k: i64, bias: bool) -> Result<Self, TchError> {
        let p = path / "linear";
        let bound = 1.0 / (k as f64).sqrt();
        let init = nn::Init::Uniform {
            lo: -bound,
            up: bound,
        };
        let ws = p.f_var("weight", &[1, k], init)?;
        let bs = match bias {
            true => Some(p.f_var("bias", &[1], init)?),
            false => None,
        };
        Ok(LogisticNet {
            linear: nn::Linear { ws, bs },
        })
    }

    /// Forward pass without panics: sigmoid(x Wᵀ + b).
    pub fn f_forward(&self, xs: &Tensor) -> Result<Tensor, TchError> {
        xs.f_linear(&self.linear.ws, self.linear.bs.as_ref())?
            .f_sigmoid()
    }

    /// Parameters as `[bias, w_1..w_k]` (`[w_1..w_k]` without a bias), in
    /// f64 (the GLM's order: `const` first).
    pub fn params(&self) -> Result<Vec<f64>, TchError> {
        let mut v = Vec::with_capacity(self.linear.ws.size()[1] as usize + 1);
        if let Some(b) = &self.linear.bs {
            v.extend(crate::runtime::torch::to_vec_f64(b)?);
        }
        v.extend(crate::runtime::torch::to_vec_f64(&self.linear.ws)?);
        Ok(v)
    }
}

impl Module for LogisticNet {
    fn forward(&self, xs: &Tensor) -> Tensor {
        xs.apply(&self.linear).sigmoid()
    }
}
