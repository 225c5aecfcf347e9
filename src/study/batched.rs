//! Many networks trained as one: R data sets, R networks, one step for
//! all, each network's numbers its own.
//!
//! Network i starts from the weights `nn::LogisticNet::new` draws right after
//! `tch::manual_seed(seeds[i])`. The gradient comes one of two ways
//! ([`GradientPath`]):
//!
//! - **closed form**: dL/dz = (sigmoid(z) − y)/n as autograd gives it (times
//!   min(p(1 − p)/1e-12, 1), see `nn::BCE_BACKWARD_EPS`) and dθ = that·X.
//!   On the CPU in float32 [`super::fused`] trains each network on its own
//!   rows in one pass per step; otherwise ([`super::closed_form`]) the R data
//!   sets are stacked into one tensor and the R parameter vectors into
//!   another, in a few batched kernels, with the design stored transposed
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
use tch::Device;

use super::chunk::{BatchControl, BatchError, BatchedFit, Chunk, ChunkTrainer};
use super::exact::Exact;
use super::fused::Fused;
use crate::data::Dataset;
use crate::nn::{TrainConfig, TrainError};
use crate::setting::Setting;
use crate::spec::{LinkKind, Optimizer};

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
    /// Whether `optimizer` is trained with the exact path. The closed form
    /// is the logit's gradient, so a network with another `link` always
    /// trains on the exact path.
    pub fn is_exact(self, optimizer: Optimizer, link: LinkKind) -> bool {
        if link != LinkKind::Logit {
            return true;
        }
        match self {
            GradientPath::Auto => !matches!(optimizer, Optimizer::Sgd { .. }),
            GradientPath::ClosedForm => false,
            GradientPath::Exact => true,
        }
    }

    /// The trainer this path uses for `optimizer`.
    fn trainer(self, optimizer: Optimizer, link: LinkKind) -> &'static dyn ChunkTrainer {
        match self.is_exact(optimizer, link) {
            true => &Exact,
            false => &Fused,
        }
    }
}

/// Check that `cfg` can be trained as a batch: its own check, and no option
/// that batching cannot reproduce.
pub fn check(cfg: &TrainConfig) -> Result<(), BatchError> {
    cfg.check().map_err(TrainError::from)?;
    if cfg.batch_size.is_some() {
        return Err(BatchError::Unsupported {
            option: Setting::BatchSize,
            why: "each network's mini-batches come from its own seeded torch.randperm stream, \
                  which one batched run cannot replay; use full-batch training",
        });
    }
    if cfg.autograd {
        return Err(BatchError::Unsupported {
            option: Setting::Autograd,
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
    ctl: &mut BatchControl<'_>,
) -> Result<Option<Vec<BatchedFit>>, BatchError> {
    train_batch_with(data, seeds, cfg, LinkKind::Logit, path, 1, ctl)
}

/// [`train_batch`] for networks whose output activation is `link`'s
/// inverse (the exact path for every link but the logit), the closed
/// form's networks spread over `threads` threads (a network's numbers do
/// not depend on them).
pub fn train_batch_with(
    data: &[Dataset],
    seeds: &[u64],
    cfg: &TrainConfig,
    link: LinkKind,
    path: GradientPath,
    threads: usize,
    ctl: &mut BatchControl<'_>,
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
    let (n, k1) = (data[0].n(), data[0].k());
    if n == 0 || k1 < 2 || data.iter().any(|d| d.n() != n || d.k() != k1) {
        return Err(shape_err);
    }
    if cfg.device != Device::Cpu && !tch::Cuda::is_available() {
        return Err(TrainError::NoCuda.into());
    }
    let chunk = Chunk {
        data,
        seeds,
        cfg,
        link,
        threads,
    };
    path.trainer(cfg.optimizer, link).train(&chunk, ctl)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicBool;
    use std::sync::Mutex;

    use super::super::chunk::CHECK_EVERY;
    use super::*;
    use crate::nn::{train, Precision};
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
        train_batch(&data(seeds), seeds, cfg, path, &mut BatchControl::default())
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
        for optimizer in [Optimizer::Adam, Optimizer::RmsProp, Optimizer::SGD] {
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
            optimizer: Optimizer::Sgd {
                momentum: 0.5,
                nesterov: false,
            },
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
            optimizer: Optimizer::Adam,
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
        let mut ctl = BatchControl {
            stop: Some(&stop),
            progress: Some(&mut progress),
        };
        let cfg = TrainConfig::default();
        let out = train_batch(&data(&[1, 2]), &[1, 2], &cfg, GradientPath::Auto, &mut ctl);
        assert_eq!(out, Ok(None));
        assert_eq!(reported, [CHECK_EVERY]);
    }

    #[test]
    fn both_paths_name_the_seed_whose_data_cannot_be_used() {
        let _turn = RNG.lock().unwrap_or_else(|e| e.into_inner());
        let seeds = [1, 2];
        // Network 2's feature does not fit in f32. (A constant feature, which
        // --standardize refuses, makes no Dataset: it fails the rank check
        // when the data set is built.)
        let mut huge = data(&seeds);
        let mut x = huge[1].x().to_vec();
        x[1] = 1e300;
        let (names, target) = (huge[1].names().to_vec(), huge[1].target().to_string());
        huge[1] = Dataset::new(
            names,
            target,
            x,
            huge[1].y().to_vec(),
            "t".into(),
            crate::runtime::threads::Threads::Auto,
        )
        .unwrap();
        for optimizer in [Optimizer::SGD, Optimizer::Adam] {
            let cfg = TrainConfig {
                optimizer,
                steps: 3,
                ..TrainConfig::default()
            };
            let e = train_batch(
                &huge,
                &seeds,
                &cfg,
                GradientPath::Auto,
                &mut BatchControl::default(),
            );
            assert_eq!(
                e,
                Err(BatchError::Run {
                    seed: 2,
                    source: TrainError::Overflow(Precision::F32),
                }),
                "{optimizer}"
            );
        }
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
            let e = train_batch(
                &d,
                &[1],
                &cfg,
                GradientPath::Auto,
                &mut BatchControl::default(),
            );
            assert!(matches!(e, Err(BatchError::Unsupported { .. })), "{e:?}");
        }
        let e = train_batch(
            &d,
            &[1, 2],
            &TrainConfig::default(),
            GradientPath::Auto,
            &mut BatchControl::default(),
        );
        assert!(matches!(e, Err(BatchError::Shape { .. })), "{e:?}");
    }
}
