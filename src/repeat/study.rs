//! The Monte Carlo study: run i simulates data with seed S + i, fits the GLM
//! and trains the network seeded S + i, so `logreg --seed S+i compare`
//! reproduces it. Runs go in chunks: each chunk simulates its data sets,
//! fits their GLMs one after another and trains their networks as one batch.
use std::time::Instant;

use crate::data::Dataset;
use crate::glm::{self, CovType, GlmConfig, GlmError, GlmFit, GlmOptions};
use crate::nn::TrainConfig;
use crate::setting::Setting;
use crate::simulate::{simulate, SimConfig, SimError};

use super::batched::{self, train_batch, BatchError, BatchedFit, Control, GradientPath};

/// Runs per chunk (per batch of networks) unless set. 100 runs of the
/// lecture's n = 1000 keep a batch's tensors (about 1.6 MB) in cache, and a
/// chunk is the unit of progress kept on interruption.
pub const DEFAULT_CHUNK: usize = 100;

/// Settings of a study. Each run's data and network seeds are set by the
/// study; the seeds inside `sim` and `train` are ignored.
#[derive(Debug, Clone, PartialEq)]
pub struct RepeatConfig {
    /// Number of runs, at least 1. Default 100.
    pub runs: usize,
    /// Seed of run 0; run i uses `seed + i` for its data and its network.
    /// Default 42.
    pub seed: u64,
    /// The simulated data set of every run (its `seed` is ignored).
    /// Default: the lecture's.
    pub sim: SimConfig,
    /// GLM settings. Default: statsmodels'.
    pub glm: GlmConfig,
    /// The GLM's covariance (its bse and the coverage follow it). Default
    /// nonrobust; cluster needs groups, which simulated data does not have.
    pub cov_type: CovType,
    /// Network settings (its `seed` and `record` are ignored).
    /// Default: the lecture's.
    pub train: TrainConfig,
    /// Runs per chunk, at least 1. Default [`DEFAULT_CHUNK`].
    pub chunk: usize,
    /// How the networks' gradient is computed. Default
    /// [`GradientPath::Auto`]: closed form for SGD, exact for the others.
    pub gradient: GradientPath,
}

impl Default for RepeatConfig {
    fn default() -> Self {
        RepeatConfig {
            runs: 100,
            seed: crate::simulate::DEFAULT_SEED,
            sim: SimConfig::default(),
            glm: GlmConfig::default(),
            cov_type: CovType::Nonrobust,
            train: TrainConfig::default(),
            chunk: DEFAULT_CHUNK,
            gradient: GradientPath::Auto,
        }
    }
}

/// Why a study could not start or could not go on.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RepeatError {
    #[error("{} must be at least 1", Setting::Runs)]
    NoRuns,
    #[error("{} must be at least 1", Setting::Chunk)]
    NoChunk,
    #[error(
        "{} {seed} with {} {runs}: the last run's seed would exceed 2^64 - 1",
        Setting::Seed,
        Setting::Runs
    )]
    SeedOverflow { seed: u64, runs: usize },
    #[error(transparent)]
    Sim(#[from] SimError),
    #[error(transparent)]
    TooLarge(#[from] crate::memory::TooLarge),
    #[error("GLM settings: {0}")]
    GlmConfig(GlmError),
    #[error("run with seed {seed}: data")]
    Data {
        seed: u64,
        #[source]
        source: SimError,
    },
    #[error("run with seed {seed}: GLM")]
    Glm {
        seed: u64,
        #[source]
        source: GlmError,
    },
    #[error(transparent)]
    Nn(#[from] BatchError),
}

impl RepeatError {
    /// Bad settings, or a run's data that cannot be fitted (it comes from the
    /// settings), are bad input; a run whose fit or training failed is not.
    pub fn kind(&self) -> crate::ErrorKind {
        match self {
            RepeatError::NoRuns
            | RepeatError::NoChunk
            | RepeatError::SeedOverflow { .. }
            | RepeatError::Sim(_)
            | RepeatError::TooLarge(_)
            | RepeatError::Data { .. }
            | RepeatError::GlmConfig(_) => crate::ErrorKind::BadInput,
            RepeatError::Glm { source, .. } => source.kind(),
            RepeatError::Nn(e) => e.kind(),
        }
    }
}

impl RepeatConfig {
    /// Check everything once, before the first run.
    pub fn check(&self) -> Result<(), RepeatError> {
        if self.runs == 0 {
            return Err(RepeatError::NoRuns);
        }
        if self.chunk == 0 {
            return Err(RepeatError::NoChunk);
        }
        if self.seed.checked_add(self.runs as u64 - 1).is_none() {
            return Err(RepeatError::SeedOverflow {
                seed: self.seed,
                runs: self.runs,
            });
        }
        self.sim.check()?;
        self.glm.check().map_err(RepeatError::GlmConfig)?;
        if self.cov_type == CovType::Cluster {
            return Err(RepeatError::GlmConfig(GlmError::ClusterNeedsGroups));
        }
        batched::check(&self.train)?;
        crate::memory::check(
            || {
                format!(
                    "{} {} ({} {})",
                    Setting::Runs,
                    self.runs,
                    Setting::Chunk,
                    self.chunk
                )
            },
            "the runs' results and one chunk's data",
            self.bytes(),
        )?;
        Ok(())
    }

    /// Bytes a study holds at least: every run's result (kept for the
    /// summary) and one chunk's data sets; None beyond 64 bits.
    pub fn bytes(&self) -> Option<u64> {
        let k = self.sim.beta.len();
        // The result itself and its vectors: params, bse, two interval ends
        // and the network's params and initial params.
        let per_run = std::mem::size_of::<RunResult>().checked_add(k.checked_mul(6 * 8)?)?;
        let results = crate::memory::product(&[self.runs, per_run])?;
        let chunk = crate::memory::product(&[self.chunk.min(self.runs)])?;
        results.checked_add(chunk.checked_mul(self.sim.bytes()?)?)
    }
}

/// The GLM part of one run: what the study and its plots need.
#[derive(Debug, Clone, PartialEq)]
pub struct GlmRun {
    /// Estimated coefficients, `const` first.
    pub params: Vec<f64>,
    /// Standard errors.
    pub bse: Vec<f64>,
    /// Wald intervals `[low, high]` at level 1 − alpha.
    pub conf_int: Vec<[f64; 2]>,
    /// Fisher-scoring iterations.
    pub iterations: usize,
    /// Whether the deviance criterion was met.
    pub converged: bool,
    /// Separation / non-convergence warnings.
    pub warnings: Vec<String>,
}

impl From<GlmFit> for GlmRun {
    fn from(f: GlmFit) -> Self {
        GlmRun {
            params: f.params,
            bse: f.bse,
            conf_int: f.conf_int,
            iterations: f.iterations,
            converged: f.converged,
            warnings: f.warnings,
        }
    }
}

/// One run of the study.
#[derive(Debug, Clone, PartialEq)]
pub struct RunResult {
    /// Seed of the run's data and network.
    pub seed: u64,
    /// The GLM fit.
    pub glm: GlmRun,
    /// The network.
    pub nn: BatchedFit,
}

/// Wall time spent so far, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Times {
    /// GLM fits.
    pub glm_s: f64,
    /// Network training (the batches, initialisation included).
    pub nn_s: f64,
    /// Everything: simulation, GLM, network, over the completed chunks.
    pub total_s: f64,
}

/// A study in progress: call [`Study::next_chunk`] until it returns `None`.
#[derive(Debug)]
pub struct Study {
    cfg: RepeatConfig,
    names: Vec<String>,
    done: usize,
    times: Times,
}

impl Study {
    /// Check the settings and prepare the first chunk.
    pub fn new(cfg: RepeatConfig) -> Result<Self, RepeatError> {
        cfg.check()?;
        let names = cfg.sim.names();
        Ok(Study {
            cfg,
            names,
            done: 0,
            times: Times::default(),
        })
    }

    /// The settings.
    pub fn config(&self) -> &RepeatConfig {
        &self.cfg
    }

    /// Coefficient names, `const` first.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Runs completed so far.
    pub fn completed(&self) -> usize {
        self.done
    }

    /// Whether every run is done.
    pub fn is_finished(&self) -> bool {
        self.done == self.cfg.runs
    }

    /// Time spent in the completed chunks.
    pub fn times(&self) -> Times {
        self.times
    }

    /// Size of the next chunk (0 when finished).
    pub fn next_chunk_len(&self) -> usize {
        self.cfg.chunk.min(self.cfg.runs - self.done)
    }

    /// Run the next chunk and return its runs in seed order. `Ok(None)` when
    /// the study is finished, or when `ctl.stop` was raised: then the chunk's
    /// work is dropped and [`completed`](Self::completed) does not move.
    pub fn next_chunk(
        &mut self,
        ctl: &mut Control<'_>,
    ) -> Result<Option<Vec<RunResult>>, RepeatError> {
        let len = self.next_chunk_len();
        if len == 0 || ctl.stopped() {
            return Ok(None);
        }
        let start = Instant::now();
        let seeds: Vec<u64> = (self.done..self.done + len)
            .map(|i| self.cfg.seed + i as u64)
            .collect();
        let data = seeds
            .iter()
            .map(|&seed| {
                let sim = SimConfig {
                    seed,
                    ..self.cfg.sim.clone()
                };
                simulate(&sim)
                    .map(|s| s.data)
                    .map_err(|source| RepeatError::Data { seed, source })
            })
            .collect::<Result<Vec<Dataset>, _>>()?;

        let t = Instant::now();
        let mut glms = Vec::with_capacity(len);
        let glm_options = GlmOptions {
            cov_type: self.cfg.cov_type,
            ..GlmOptions::default()
        };
        for (d, &seed) in data.iter().zip(&seeds) {
            if ctl.stopped() {
                return Ok(None);
            }
            let fit = glm::fit_with(d, &self.cfg.glm, &glm_options)
                .map_err(|source| RepeatError::Glm { seed, source })?;
            glms.push(GlmRun::from(fit));
        }
        let glm_s = t.elapsed().as_secs_f64();

        let t = Instant::now();
        let Some(nns) = train_batch(&data, &seeds, &self.cfg.train, self.cfg.gradient, ctl)? else {
            return Ok(None);
        };
        let nn_s = t.elapsed().as_secs_f64();

        self.done += len;
        self.times.glm_s += glm_s;
        self.times.nn_s += nn_s;
        self.times.total_s += start.elapsed().as_secs_f64();
        Ok(Some(
            seeds
                .into_iter()
                .zip(glms)
                .zip(nns)
                .map(|((seed, glm), nn)| RunResult { seed, glm, nn })
                .collect(),
        ))
    }
}

/// Run a whole study without interruption and return every run in seed order.
pub fn run_all(cfg: RepeatConfig) -> Result<(Study, Vec<RunResult>), RepeatError> {
    let mut study = Study::new(cfg)?;
    let mut runs = Vec::with_capacity(study.config().runs);
    while let Some(chunk) = study.next_chunk(&mut Control::default())? {
        runs.extend(chunk);
    }
    Ok((study, runs))
}
