//! `repeat`'s closed-form path on the CPU in float32, fused: each network
//! trained on its own rows for the steps between two looks while they stay
//! in cache, one pass over the rows per step (see [`super::fused_net`]),
//! the networks spread over the chunk's threads.
//!
//! It computes what [`super::closed_form`] computes on ATen tensors (the
//! same design, initial weights, SGD update, `tol` rule, loss and clamp
//! count), in another rounding order: the gradient's sums in 16 lanes, the
//! sigmoid from a polynomial `exp`, the loss in f64. Anything else (float64,
//! CUDA, an optimiser other than SGD, more than
//! [`MAX_FEATURES`](super::fused_net::MAX_FEATURES) features, a design
//! whose first column is not all ones) trains on the ATen path.
use std::ops::Range;

use tch::Device;

use super::chunk::{BatchControl, BatchError, BatchedFit, Chunk, ChunkTrainer, Trained};
use super::closed_form::{self, ClosedForm};
use super::fused_net::{self, NetState, Rows, Sgd, Span, MAX_FEATURES};
use super::lanes::Isa;
use crate::data::Dataset;
use crate::nn::{clamp_warnings, drive, finite, Learner, Precision, Standardizer};
use crate::spec::Optimizer;

/// Trains the networks of a chunk with the fused kernel where it can.
pub(super) struct Fused;

impl ChunkTrainer for Fused {
    fn train(&self, chunk: &Chunk<'_>, ctl: &mut BatchControl<'_>) -> Trained {
        train(chunk, Isa::detect(), ctl)
    }
}

/// [`Fused`] on `isa` (a test picks [`Isa::Portable`] on any CPU).
pub(super) fn train(chunk: &Chunk<'_>, isa: Isa, ctl: &mut BatchControl<'_>) -> Trained {
    let cfg = chunk.cfg;
    let Optimizer::Sgd { momentum, nesterov } = cfg.optimizer else {
        return ClosedForm.train(chunk, ctl);
    };
    let k = chunk.data[0].k() - 1;
    if cfg.precision != Precision::F32
        || cfg.device != Device::Cpu
        || !(1..=MAX_FEATURES).contains(&k)
    {
        return ClosedForm.train(chunk, ctl);
    }
    let (xs, scalers) = closed_form::design(chunk)?;
    let Some(rows) = lay_out(&xs, chunk.data, k) else {
        return ClosedForm.train(chunk, ctl);
    };
    drop(xs);
    let init = closed_form::initial_params(chunk.seeds, k + 1)?;
    let nets = init
        .chunks(k + 1)
        .map(|p| {
            let mut theta = [0.0f32; MAX_FEATURES + 1];
            for (t, &v) in theta.iter_mut().zip(p) {
                *t = v as f32;
            }
            NetState::new(theta)
        })
        .collect();
    let learner = Nets {
        isa,
        rows,
        nets,
        sgd: Sgd {
            neg_lr: (-cfg.lr) as f32,
            momentum: momentum as f32,
            nesterov,
            tol: cfg.tol,
        },
        total: cfg.steps,
        threads: chunk.threads.max(1),
        seeds: chunk.seeds,
        scalers,
        init,
    };
    drive(learner, cfg.steps, cfg.tol.is_some(), ctl)
}

/// The design (R × n × (k+1), row-major, a column of ones first) as
/// [`Rows`], with each data set's targets; `None` when a first column is
/// not all ones.
fn lay_out(xs: &[f64], data: &[Dataset], k: usize) -> Option<Rows> {
    let (n, k1) = (data[0].n(), k + 1);
    let padded = Rows::padded_len(n);
    let mut rows = Rows {
        values: vec![0.0; data.len() * (k + 1) * padded],
        n,
        k,
        padded,
    };
    let stride = rows.stride();
    for (i, (d, out)) in data
        .iter()
        .zip(rows.values.chunks_exact_mut(stride))
        .enumerate()
    {
        let design = &xs[i * n * k1..(i + 1) * n * k1];
        for (j, row) in design.chunks_exact(k1).enumerate() {
            if row[0] != 1.0 {
                return None;
            }
            for c in 0..k {
                out[c * padded + j] = row[c + 1] as f32;
            }
        }
        for (j, &y) in d.y().iter().enumerate() {
            out[k * padded + j] = y as f32;
        }
    }
    Some(rows)
}

/// The networks of a chunk in training.
struct Nets<'a> {
    isa: Isa,
    rows: Rows,
    nets: Vec<NetState>,
    sgd: Sgd,
    /// The run's steps.
    total: usize,
    threads: usize,
    seeds: &'a [u64],
    scalers: Vec<Option<Standardizer>>,
    /// The initial parameters, flat R·(k+1), `[bias, w...]` per network.
    init: Vec<f64>,
}

impl Nets<'_> {
    /// The mean BCE and the rows at its clamp of network `i` at `theta`.
    fn bce(&self, i: usize, theta: &[f32; MAX_FEATURES + 1]) -> fused_net::Bce {
        let stride = self.rows.stride();
        fused_net::bce(
            self.isa,
            self.rows.k,
            &self.rows.values[i * stride..(i + 1) * stride],
            self.rows.n,
            self.rows.padded,
            theta,
        )
    }
}

impl Learner for Nets<'_> {
    type Failure = BatchError;
    type Error = BatchError;
    type Out = Vec<BatchedFit>;

    fn step(&mut self, step: usize, loss: bool) -> Result<bool, BatchError> {
        self.steps(step..step + 1, &|_| loss)
            .map(|d| d.is_some())
            .map_err(|(e, _)| e)
    }

    /// Every network takes the steps on its own rows, the networks split
    /// into consecutive runs, one per thread. Each network computes the loss
    /// it keeps itself (at the last step, or where it meets `tol`), so
    /// `loss` is not needed. Which networks have all met `tol` is asked at
    /// the looks only, as on the ATen path.
    fn steps(
        &mut self,
        steps: Range<usize>,
        _loss: &dyn Fn(usize) -> bool,
    ) -> Result<Option<usize>, (BatchError, usize)> {
        let (isa, k, stride) = (self.isa, self.rows.k, self.rows.stride());
        let per = self.nets.len().div_ceil(self.threads);
        let span = |nets: &mut [NetState], rows: &[f32]| {
            fused_net::run(
                isa,
                k,
                &mut Span {
                    nets,
                    rows,
                    n: self.rows.n,
                    padded: self.rows.padded,
                    steps: steps.clone(),
                    total: self.total,
                    sgd: self.sgd,
                },
            )
        };
        let parts: Vec<(&mut [NetState], &[f32])> = self
            .nets
            .chunks_mut(per)
            .zip(self.rows.values.chunks(per * stride))
            .collect();
        std::thread::scope(|s| {
            let mut parts = parts.into_iter();
            let first = parts.next();
            for (nets, rows) in parts {
                s.spawn(|| span(nets, rows));
            }
            if let Some((nets, rows)) = first {
                span(nets, rows);
            }
        });
        // With `tol` the ATen path's loss at every step refuses the first
        // network whose predictions are not numbers.
        if self.sgd.tol.is_some() {
            if let Some(i) = self.nets.iter().position(|n| n.diverged_at.is_some()) {
                return Err((
                    BatchError::Diverged {
                        seed: self.seeds[i],
                    },
                    steps.end,
                ));
            }
        }
        Ok(None)
    }

    fn all_met(&self) -> Result<bool, BatchError> {
        Ok(self.sgd.tol.is_some() && self.nets.iter().all(|n| n.met.is_some()))
    }

    fn initial_loss(&mut self) -> Result<(), BatchError> {
        for i in 0..self.nets.len() {
            self.nets[i].loss = self.bce(i, &self.nets[i].theta).mean;
        }
        Ok(())
    }

    fn locate(&self, failure: BatchError, _step: usize) -> BatchError {
        failure
    }

    fn finish(self, steps: usize) -> Result<Vec<BatchedFit>, BatchError> {
        let (r, k1) = (self.nets.len(), self.rows.k + 1);
        let mut out = Vec::with_capacity(r);
        for (i, net) in self.nets.iter().enumerate() {
            let (theta, loss) = net.result();
            let p: Vec<f64> = theta[..k1].iter().map(|&v| v as f64).collect();
            let loss = loss as f64;
            if !finite(loss, &p) {
                return Err(BatchError::Diverged {
                    seed: self.seeds[i],
                });
            }
            let original = |p: &[f64]| match &self.scalers[i] {
                Some(s) => s.to_original(p),
                None => p.to_vec(),
            };
            let converged_at = net.met.map(|m| m.step);
            out.push(BatchedFit {
                params: original(&p),
                init_params: original(&self.init[i * k1..(i + 1) * k1]),
                loss,
                steps: converged_at.unwrap_or(steps),
                converged_at,
                warnings: clamp_warnings(self.bce(i, &theta).clamped, self.rows.n as i64),
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::TrainConfig;
    use crate::simulate::{simulate, SimConfig};
    use crate::spec::LinkKind;

    /// The fused kernel against the ATen closed form: rounding order only
    /// (as `batched`'s bound against the single run).
    const ROUNDING_TOL: f64 = 1e-5;

    fn data(seeds: &[u64], n: usize) -> Vec<Dataset> {
        seeds
            .iter()
            .map(|&seed| {
                let cfg = SimConfig {
                    n,
                    seed,
                    ..SimConfig::default()
                };
                simulate(&cfg).unwrap().data
            })
            .collect()
    }

    fn fused(
        data: &[Dataset],
        seeds: &[u64],
        cfg: &TrainConfig,
        isa: Isa,
        threads: usize,
    ) -> Vec<BatchedFit> {
        let chunk = Chunk {
            data,
            seeds,
            cfg,
            link: LinkKind::Logit,
            threads,
        };
        train(&chunk, isa, &mut BatchControl::default())
            .unwrap()
            .unwrap()
    }

    fn aten(data: &[Dataset], seeds: &[u64], cfg: &TrainConfig) -> Vec<BatchedFit> {
        let chunk = Chunk {
            data,
            seeds,
            cfg,
            link: LinkKind::Logit,
            threads: 1,
        };
        ClosedForm
            .train(&chunk, &mut BatchControl::default())
            .unwrap()
            .unwrap()
    }

    /// SGD with Nesterov momentum and `tol`, at an n that leaves a partial block.
    fn settings() -> TrainConfig {
        TrainConfig {
            steps: 600,
            lr: 0.2,
            optimizer: Optimizer::Sgd {
                momentum: 0.3,
                nesterov: true,
            },
            tol: Some(2e-4),
            ..TrainConfig::default()
        }
    }

    #[test]
    fn every_instruction_set_trains_the_same_bits() {
        let seeds = [11, 12, 13];
        let d = data(&seeds, 203);
        for cfg in [
            settings(),
            TrainConfig {
                steps: 300,
                ..TrainConfig::default()
            },
        ] {
            let portable = fused(&d, &seeds, &cfg, Isa::Portable, 1);
            assert_eq!(fused(&d, &seeds, &cfg, Isa::detect(), 1), portable);
        }
    }

    #[test]
    fn a_network_s_numbers_do_not_depend_on_its_batch_or_the_threads() {
        let seeds = [21, 22, 23, 24, 25];
        let d = data(&seeds, 150);
        let cfg = TrainConfig {
            steps: 400,
            ..TrainConfig::default()
        };
        let all = fused(&d, &seeds, &cfg, Isa::detect(), 1);
        assert_eq!(fused(&d, &seeds, &cfg, Isa::detect(), 3), all);
        for i in 0..seeds.len() {
            let alone = fused(&d[i..=i], &seeds[i..=i], &cfg, Isa::detect(), 2);
            assert_eq!(alone[0], all[i], "seed {}", seeds[i]);
        }
    }

    #[test]
    fn is_within_rounding_of_the_aten_closed_form() {
        let seeds = [31, 32, 33];
        let d = data(&seeds, 203);
        let plain = TrainConfig {
            steps: 500,
            ..TrainConfig::default()
        };
        let standardized = TrainConfig {
            standardize: true,
            ..settings()
        };
        for cfg in [plain, settings(), standardized] {
            let want = aten(&d, &seeds, &cfg);
            let got = fused(&d, &seeds, &cfg, Isa::detect(), 2);
            for (g, w) in got.iter().zip(&want) {
                assert_eq!(g.init_params, w.init_params);
                let diff = crate::compare::max_abs_diff(&g.params, &w.params);
                assert!(diff < ROUNDING_TOL, "{cfg:?}: {diff:e}");
                assert!((g.loss - w.loss).abs() < ROUNDING_TOL, "{cfg:?}");
                assert_eq!(g.converged_at, w.converged_at, "{cfg:?}");
                assert_eq!((g.steps, &g.warnings), (w.steps, &w.warnings));
            }
        }
    }

    /// Features up to |30| at the default lr 0.1: at the initial weights
    /// some rows are predicted exactly 1 (in float32) with target 0, where
    /// autograd's BCE backward (`(p - y) / max(p(1 - p), 1e-12)` times the
    /// sigmoid's `p(1 - p) = 0`) gives them no gradient, while the closed
    /// form gives them `p - y = 1`. The single run (`logreg --seed 46 nn
    /// --n 200 --low -30 --high 30`) and the closed form part from step 1.
    #[test]
    fn is_within_rounding_of_the_single_run_where_rows_saturate() {
        let seeds = [46];
        let wide = SimConfig {
            n: 200,
            seed: 46,
            low: -30.0,
            high: 30.0,
            ..SimConfig::default()
        };
        let d = vec![simulate(&wide).unwrap().data];
        let cfg = TrainConfig {
            steps: 1,
            ..TrainConfig::default()
        };
        let chunk = Chunk {
            data: &d,
            seeds: &seeds,
            cfg: &cfg,
            link: LinkKind::Logit,
            threads: 1,
        };
        let want = super::super::exact::Exact
            .train(&chunk, &mut BatchControl::default())
            .unwrap()
            .unwrap();
        let got = fused(&d, &seeds, &cfg, Isa::detect(), 1);
        for (path, got) in [("fused", &got), ("ATen", &aten(&d, &seeds, &cfg))] {
            let diff = crate::compare::max_abs_diff(&got[0].params, &want[0].params);
            assert!(
                diff < ROUNDING_TOL,
                "{path} closed form {:?} vs single run {:?}: {diff:e}",
                got[0].params,
                want[0].params
            );
        }
    }

    #[test]
    fn names_the_seed_of_a_network_that_diverges() {
        // The second network's x up to 100 and lr 3e38: its first update
        // overflows float32 (rows past |z| of about 27.6 give no gradient, so
        // x must leave some rows unsaturated); the first does not diverge.
        let seeds = [41, 42];
        let mut d = data(&seeds[..1], 100);
        let wide = SimConfig {
            n: 100,
            seed: 42,
            low: -100.0,
            high: 100.0,
            ..SimConfig::default()
        };
        d.push(simulate(&wide).unwrap().data);
        for tol in [None, Some(1e-6)] {
            let cfg = TrainConfig {
                steps: 200,
                lr: 3e38,
                tol,
                ..TrainConfig::default()
            };
            let chunk = Chunk {
                data: &d,
                seeds: &seeds,
                cfg: &cfg,
                link: LinkKind::Logit,
                threads: 1,
            };
            let e = train(&chunk, Isa::detect(), &mut BatchControl::default());
            assert_eq!(e, Err(BatchError::Diverged { seed: 42 }), "tol {tol:?}");
        }
    }
}
