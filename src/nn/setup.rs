//! One network as a single run sets it up: the inputs in its precision on
//! its device, and the layer `nn.Linear(k, 1)` drawn right after the seed
//! (without a bias for a design without an intercept).
use std::sync::Mutex;

use tch::nn;
use tch::{Device, Kind, TchError, Tensor};

use super::config::{Precision, TrainConfig};
use super::error::TrainError;
use super::model::LogisticNet;
use super::standardize::Standardizer;
use crate::data::Dataset;

/// `[bias, w...]` (`[w...]` without a bias) as one detached 1-D tensor (a copy: the variables change in place).
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

/// Held from `tch::manual_seed` to the end of a layer's draw: libtorch has
/// one global generator, so networks set up on several threads at once (a
/// study's chunks, or library callers) take turns between the seed and the
/// draw.
static GENERATOR: Mutex<()> = Mutex::new(());

/// The layer `nn.Linear(k, 1)` builds right after `torch.manual_seed(seed)`:
/// drawn on the CPU generator, in float32, with the generator to itself.
pub(crate) fn draw_layer(seed: u64, k: i64) -> Result<(nn::VarStore, LogisticNet), TchError> {
    draw_net(seed, k, true)
}

/// [`draw_layer`], with a bias or without (`nn.Linear(k, 1, bias=False)`).
fn draw_net(seed: u64, k: i64, bias: bool) -> Result<(nn::VarStore, LogisticNet), TchError> {
    let _turn = GENERATOR.lock().unwrap_or_else(|e| e.into_inner());
    tch::manual_seed(seed as i64);
    let vs = nn::VarStore::new(Device::Cpu);
    let net = LogisticNet::new(&vs.root(), k, bias)?;
    Ok((vs, net))
}

/// The layer's parameters in the optimiser's order (`net.parameters()`):
/// weight, then bias if it has one.
pub(crate) fn layer_params(net: &LogisticNet) -> Vec<&Tensor> {
    std::iter::once(&net.linear.ws)
        .chain(net.linear.bs.as_ref())
        .collect()
}

/// One network as a single run sets it up, before its first step: the
/// inputs in the network's precision on its device, and the layer drawn
/// right after `tch::manual_seed(seed)`, then cast and moved as in Python.
pub(crate) struct NetSetup {
    /// With `standardize`: the scaler fitted on the data.
    pub scaler: Option<Standardizer>,
    /// Features n × k (standardized with `standardize`), no column of ones.
    pub x: Tensor,
    /// Targets, n × 1.
    pub y: Tensor,
    /// Owns the layer's variables.
    _vs: nn::VarStore,
    pub net: LogisticNet,
    /// The initial parameters `[bias, w...]` (no bias without an
    /// intercept), original scale.
    pub init_params: Vec<f64>,
}

impl NetSetup {
    /// The setup for `data` under `cfg`, the layer drawn with `seed`. The
    /// caller has checked `cfg` and the device.
    pub(crate) fn new(data: &Dataset, cfg: &TrainConfig, seed: u64) -> Result<Self, TrainError> {
        let kind = tensor_kind(cfg.precision);
        let bias = data.has_intercept();
        let (n, k) = (data.n() as i64, data.k() as i64 - i64::from(bias));
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
        let (mut vs, net) = draw_net(seed, k, bias)?;
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
            _vs: vs,
            net,
            init_params,
        })
    }

    /// `params` (`[bias, w...]` of the network) on the data's original scale.
    pub(crate) fn to_original(&self, params: Vec<f64>) -> Vec<f64> {
        match &self.scaler {
            Some(s) => s.to_original(&params),
            None => params,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::nn::{train, TrainConfig};
    use crate::simulate::{simulate, SimConfig};

    /// Networks set up on several threads at once each draw the weights of
    /// their own seed: the seed and the draw are not interleaved with
    /// another thread's (libtorch has one global generator).
    #[test]
    fn networks_set_up_at_once_each_draw_their_own_seed() {
        let data = simulate(&SimConfig {
            n: 50,
            ..SimConfig::default()
        })
        .unwrap()
        .data;
        let init = |seed: u64| {
            let cfg = TrainConfig {
                steps: 0,
                seed,
                ..TrainConfig::default()
            };
            train(&data, &cfg).unwrap().init_params
        };
        let alone: Vec<Vec<f64>> = (0..4).map(init).collect();
        std::thread::scope(|s| {
            let threads: Vec<_> = (0..4u64)
                .map(|seed| {
                    let (init, alone) = (&init, &alone);
                    s.spawn(move || {
                        for _ in 0..50 {
                            assert_eq!(init(seed), alone[seed as usize], "seed {seed}");
                        }
                    })
                })
                .collect();
            for t in threads {
                t.join().unwrap();
            }
        });
    }
}
