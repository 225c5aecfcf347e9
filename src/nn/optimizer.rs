//! Optimiser steps that equal `torch.optim`'s, bit for bit, on the CPU.
//!
//! SGD (with momentum / Nesterov) is libtorch's own C++ `torch::optim::SGD`
//! through `nn::Sgd`, whose arithmetic is that of Python's single-tensor SGD.
//! libtorch's C++ Adam and RMSprop are not: C++ Adam updates the first
//! moment with `mul_().add_()` where Python uses `lerp_`, and the rounding
//! differences grow over 10,000 steps at lr 0.1 to about 1e-4. So Adam, AdamW
//! and RMSprop follow `torch/optim/adam.py` / `rmsprop.py`
//! (`_single_tensor_*`, the CPU default) op by op. Where Python passes a
//! `value=` to `addcmul_`/`addcdiv_` (which tch does not expose), the scalar
//! is folded into the first operand: the kernels compute
//! `self + value * t1 * t2` left to right, so `(value * t1)` computed by `mul`
//! first gives the same float.
use tch::nn::{self, OptimizerConfig};
use tch::{COptimizer, TchError, Tensor};

use super::config::TrainConfig;
use crate::spec::Optimizer;

/// PyTorch's defaults for Adam/AdamW and RMSprop.
const BETA1: f64 = 0.9;
const BETA2: f64 = 0.999;
const EPS: f64 = 1e-8;
const ADAMW_WEIGHT_DECAY: f64 = 0.01;
const RMSPROP_ALPHA: f64 = 0.99;

/// One optimiser over the network's parameters (weight, then bias).
pub(crate) enum Stepper {
    /// libtorch's C++ optimiser (SGD). `plain_lr`: the learning rate when
    /// the step is `p += -lr · grad` alone (no momentum, no Nesterov), which
    /// the replayed step can apply itself (`Stepper::plain_sgd_lr`).
    Torch {
        opt: COptimizer,
        plain_lr: Option<f64>,
    },
    /// Python's single-tensor Adam; `weight_decay` > 0 is AdamW (decoupled).
    Adam {
        lr: f64,
        weight_decay: f64,
        step: f64,
        exp_avg: Vec<Tensor>,
        exp_avg_sq: Vec<Tensor>,
    },
    /// Python's single-tensor RMSprop (not centred, no momentum).
    RmsProp { lr: f64, square_avg: Vec<Tensor> },
}

impl Stepper {
    pub(crate) fn new(cfg: &TrainConfig, params: &[&Tensor]) -> Result<Self, TchError> {
        let zeros = || {
            params
                .iter()
                .map(|p| p.f_zeros_like())
                .collect::<Result<Vec<_>, _>>()
        };
        Ok(match cfg.optimizer {
            Optimizer::Sgd { momentum, nesterov } => {
                let sgd = nn::Sgd {
                    momentum,
                    dampening: 0.0,
                    wd: 0.0,
                    nesterov,
                };
                let mut opt = sgd.build_copt(cfg.lr)?;
                for p in params {
                    opt.add_parameters(p, 0)?;
                }
                let plain = momentum == 0.0 && !nesterov;
                Stepper::Torch {
                    opt,
                    plain_lr: plain.then_some(cfg.lr),
                }
            }
            Optimizer::Adam | Optimizer::AdamW => Stepper::Adam {
                lr: cfg.lr,
                weight_decay: if cfg.optimizer == Optimizer::AdamW {
                    ADAMW_WEIGHT_DECAY
                } else {
                    0.0
                },
                step: 0.0,
                exp_avg: zeros()?,
                exp_avg_sq: zeros()?,
            },
            Optimizer::RmsProp => Stepper::RmsProp {
                lr: cfg.lr,
                square_avg: zeros()?,
            },
        })
    }

    /// `optimizer.zero_grad()`: libtorch sets gradients to None; ours zero
    /// them in place (accumulating onto +0 then gives the new gradient exactly).
    pub(crate) fn zero_grad(&mut self, params: &[&Tensor]) -> Result<(), TchError> {
        match self {
            Stepper::Torch { opt, .. } => opt.zero_grad(),
            _ => {
                for p in params {
                    let mut g = p.f_grad()?;
                    if g.defined() {
                        let _ = g.f_zero_()?;
                    }
                }
                Ok(())
            }
        }
    }

    /// The learning rate when this is SGD whose whole step is
    /// `p.add_(grad, -lr)` for each parameter, as libtorch's
    /// `torch::optim::SGD::step` (and Python's `_single_tensor_sgd`) run it
    /// with momentum 0 and no weight decay; `None` otherwise.
    pub(crate) fn plain_sgd_lr(&self) -> Option<f64> {
        match self {
            Stepper::Torch { plain_lr, .. } => *plain_lr,
            _ => None,
        }
    }

    /// `optimizer.step()`, reading each parameter's `.grad`.
    pub(crate) fn step(&mut self, params: &[&Tensor]) -> Result<(), TchError> {
        let _guard = tch::no_grad_guard();
        match self {
            Stepper::Torch { opt, .. } => opt.step(),
            Stepper::Adam {
                lr,
                weight_decay,
                step,
                exp_avg,
                exp_avg_sq,
            } => {
                // Python keeps `step` in a float32 tensor and reads it back
                // with .item(): whole numbers, exact in f64.
                *step += 1.0;
                let bias_correction1 = 1.0 - BETA1.powf(*step);
                let bias_correction2 = 1.0 - BETA2.powf(*step);
                let step_size = *lr / bias_correction1;
                let bias_correction2_sqrt = bias_correction2.powf(0.5);
                for ((p, m), v) in params
                    .iter()
                    .zip(exp_avg.iter_mut())
                    .zip(exp_avg_sq.iter_mut())
                {
                    let mut p = p.shallow_clone();
                    let grad = p.f_grad()?;
                    if *weight_decay != 0.0 {
                        let _ = p.f_mul_scalar_(1.0 - *lr * *weight_decay)?;
                    }
                    let _ = m.f_lerp_(&grad, 1.0 - BETA1)?;
                    let _ = v.f_mul_scalar_(BETA2)?;
                    let _ = v.f_addcmul_(&grad.f_mul_scalar(1.0 - BETA2)?, &grad)?;
                    let mut denom = v.f_sqrt()?.f_div_scalar(bias_correction2_sqrt)?;
                    let _ = denom.f_add_scalar_(EPS)?;
                    let _ = p.f_addcdiv_(&m.f_mul_scalar(-step_size)?, &denom)?;
                }
                Ok(())
            }
            Stepper::RmsProp { lr, square_avg } => {
                for (p, s) in params.iter().zip(square_avg.iter_mut()) {
                    let mut p = p.shallow_clone();
                    let grad = p.f_grad()?;
                    let _ = s.f_mul_scalar_(RMSPROP_ALPHA)?;
                    let _ = s.f_addcmul_(&grad.f_mul_scalar(1.0 - RMSPROP_ALPHA)?, &grad)?;
                    let mut avg = s.f_sqrt()?;
                    let _ = avg.f_add_scalar_(EPS)?;
                    let _ = p.f_addcdiv_(&grad.f_mul_scalar(-*lr)?, &avg)?;
                }
                Ok(())
            }
        }
    }
}
