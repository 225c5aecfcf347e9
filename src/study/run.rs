//! The Monte Carlo study over a design grid: replication i of every cell
//! simulates data with seed S + i (or, with independent seeds, cell c's
//! with S + c·runs + i), fits the GLM and trains the network with that
//! seed, so `logreg --seed <seed> compare` with the cell's settings
//! reproduces it. A study runs a list of (cell, replication) pairs (all of
//! them, a shard's, or those a resumed file lacks) in chunks: consecutive
//! pairs of one cell, whose networks train as one batch. A run whose fit
//! fails is a line marked `failed`, never an error. With a design file
//! ([`FixedDesign`]) every run's X is the file's and only its outcome is
//! drawn, with seed S + i.
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::Instant;

use serde_json::{json, Value};

use crate::data::Dataset;
use crate::glm::{self, GlmConfig, GlmError, GlmOptions};
use crate::math::random_state::MAX_SEED;
use crate::nn::TrainConfig;
use crate::runtime::threads::Threads;
use crate::runtime::torch::TorchThreads;
use crate::setting::{in_fields, In, Phrase, Setting, Worded, Wording};
use crate::simulate::{simulate, SimConfig, SimError};
use crate::spec::{CovType, LinkKind, Optimizer};
use crate::ErrorKind;

use super::batched::{self, train_batch_with, GradientPath};
use super::chunk::{BatchControl, BatchError, BatchedFit};
use super::design_file::{FixedDesign, FixedDesignError, SETTINGS_KEY};
use super::line::{unequal_betas, Cell, Design, Fits, GlmLine, Grid, NnLine, RunLine, Seeds};

/// Runs per chunk (per batch of networks) unless set. 100 runs of the
/// lecture's n = 1000 keep a batch's tensors (about 1.6 MB) in cache, and a
/// chunk is the unit of progress kept on interruption.
pub const DEFAULT_CHUNK: usize = 100;

/// Most cells a grid may have: each cell is a block of the table and a
/// point of each plot, so a larger grid is almost surely a typing slip.
pub const MAX_CELLS: usize = 10_000;

/// Settings of a study. The grid's settings (n, beta, lr, steps, optimizer)
/// replace those of `sim` and `train` cell by cell; each run's seeds are
/// set by the study, so the seeds inside `sim` and `train` are ignored.
#[derive(Debug, Clone, PartialEq)]
pub struct RepeatConfig {
    /// Replications per cell, at least 1. Default 100.
    pub runs: usize,
    /// Seed of replication 0; replication i uses `seed + i` for its data
    /// and its network (of cell c, `seed + c·runs + i` with independent
    /// `seeds`). Default 42.
    pub seed: u64,
    /// How the cells take their seeds. Default [`Seeds::Common`].
    pub seeds: Seeds,
    /// The simulated data set of every run (its `n`, `beta` and `seed` are
    /// replaced by the cell's and the run's). Default: the lecture's.
    pub sim: SimConfig,
    /// GLM settings. Default: statsmodels'.
    pub glm: GlmConfig,
    /// The GLM's covariance (its bse and the coverage follow it). Default
    /// nonrobust; cluster needs groups, which simulated data does not have.
    pub cov_type: CovType,
    /// Network settings (its `lr`, `steps`, `optimizer` are replaced by the
    /// cell's; `seed` and `record` are ignored). Default: the lecture's.
    pub train: TrainConfig,
    /// The design grid, its optimisers with their settings (an SGD's
    /// momentum and Nesterov are the study's). Default: the one cell of
    /// `sim` and `train`'s defaults.
    pub grid: Grid<Optimizer>,
    /// Which estimators are fitted. Default both.
    pub fits: Fits,
    /// Runs per chunk, at least 1. Default [`DEFAULT_CHUNK`].
    pub chunk: usize,
    /// How the networks' gradient is computed. Default
    /// [`GradientPath::Auto`]: closed form for SGD, exact for the others.
    pub gradient: GradientPath,
    /// How many chunks run at once, and libtorch's threads while each
    /// trains ([`TorchThreads`]): automatic runs one chunk per core
    /// ([`Threads::workers`]), several at once each on its own thread with
    /// libtorch on one thread inside it (a run's numbers are those of one
    /// chunk at a time with libtorch on one thread); a fixed count runs the
    /// chunks one at a time with libtorch on that many threads. Default
    /// `Threads::Fixed(1)`.
    pub threads: Threads,
    /// What a run whose GLM fit shows separation counts as. Default
    /// [`OnSeparation::Keep`].
    pub on_separation: OnSeparation,
    /// How a failed run's reason in its line names settings and remedies.
    /// Default [`Wording::FIELDS`].
    pub wording: Wording,
    /// A data file's design that every run uses, its outcome redrawn from
    /// the cell's beta (the grid's n must be its rows; the box of `sim` is
    /// unused); None simulates every run's data. Default None.
    pub design_file: Option<FixedDesign>,
}

/// What a run whose GLM fit shows separation (statsmodels' rule, or fitted
/// probabilities numerically 0 or 1) counts as. Either way its line says
/// `separated` and its cell counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnSeparation {
    /// A run like any other: its estimates enter the figures (they are
    /// well defined, if huge). Default.
    #[default]
    Keep,
    /// A failed run, left out of the figures.
    Fail,
}

impl OnSeparation {
    /// Refuse [`OnSeparation::Fail`] in a study whose `fits` fit no GLM:
    /// only a GLM fit finds separation.
    pub fn check(self, fits: Fits) -> Result<(), RepeatError> {
        match (self, fits.glm()) {
            (OnSeparation::Fail, false) => Err(RepeatError::SeparationWithoutGlm),
            _ => Ok(()),
        }
    }
}

impl Default for RepeatConfig {
    fn default() -> Self {
        let sim = SimConfig::default();
        let train = TrainConfig::default();
        RepeatConfig {
            runs: 100,
            seed: crate::simulate::DEFAULT_SEED,
            seeds: Seeds::Common,
            grid: Grid {
                n: vec![sim.n],
                lr: vec![train.lr],
                steps: vec![train.steps],
                optimizer: vec![train.optimizer],
                beta: vec![sim.beta.clone()],
                true_link: None,
                link: vec![crate::spec::LinkKind::Logit],
                x_dist: vec![crate::simulate::XDist::Uniform],
                x_corr: vec![0.0],
            },
            sim,
            glm: GlmConfig::default(),
            cov_type: CovType::Nonrobust,
            train,
            fits: Fits::Both,
            chunk: DEFAULT_CHUNK,
            gradient: GradientPath::Auto,
            threads: Threads::Fixed(1),
            on_separation: OnSeparation::Keep,
            wording: Wording::FIELDS,
            design_file: None,
        }
    }
}

/// Why a study could not start or could not go on.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RepeatError {
    #[error("{}", in_fields(self))]
    NoRuns,
    #[error("{}", in_fields(self))]
    NoChunk,
    #[error("{}", in_fields(self))]
    SeedOverflow { seed: u64, runs: usize },
    /// Independent seeds beyond numpy's: seed + cells·runs − 1 > 2^32 − 1.
    #[error("{}", in_fields(self))]
    IndependentSeedOverflow {
        seed: u64,
        runs: usize,
        cells: usize,
    },
    #[error("the design grid has {} cells; at most {MAX_CELLS} are allowed", match .cells { Some(c) => c.to_string(), None => "more than 2^64".into() })]
    TooManyCells { cells: Option<usize> },
    #[error("the design grid: {0}")]
    Grid(String),
    /// Separation counted as a failure in a study that fits no GLM.
    #[error("on_separation Fail needs a GLM fit to find separation; fits Nn fits none")]
    SeparationWithoutGlm,
    #[error("{}", in_fields(self))]
    BetaLengths { first: usize, other: usize },
    #[error(transparent)]
    Sim(#[from] SimError),
    #[error(transparent)]
    DesignFile(#[from] FixedDesignError),
    #[error(transparent)]
    TooLarge(#[from] crate::runtime::memory::TooLarge),
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

impl Worded for RepeatError {
    fn write(&self, w: &Wording, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = |s: Setting| In(&s, w).to_string();
        match self {
            RepeatError::NoRuns => write!(f, "{} must be at least 1", s(Setting::Runs)),
            RepeatError::NoChunk => write!(f, "{} must be at least 1", s(Setting::Chunk)),
            RepeatError::SeedOverflow { seed, runs } => write!(
                f,
                "{} {seed} with {} {runs}: the last run's seed would exceed numpy's largest, \
                 {MAX_SEED} (2^32 - 1)",
                s(Setting::Seed),
                s(Setting::Runs)
            ),
            RepeatError::IndependentSeedOverflow { seed, runs, cells } => write!(
                f,
                "{} {seed} with {} {runs}, {cells} cells and {} independent: the last run's \
                 seed, {seed} + {cells}·{runs} − 1, would exceed numpy's largest, {MAX_SEED} \
                 (2^32 - 1)",
                s(Setting::Seed),
                s(Setting::Runs),
                s(Setting::Seeds)
            ),
            RepeatError::BetaLengths { first, other } => write!(
                f,
                "{}: every vector must have the same length (got {first} and {other})",
                s(Setting::Beta)
            ),
            RepeatError::Sim(e) => e.write(w, f),
            RepeatError::DesignFile(e) => e.write(w, f),
            RepeatError::TooLarge(e) => e.write(w, f),
            RepeatError::Nn(e) => e.write(w, f),
            other => fmt::Display::fmt(other, f),
        }
    }
}

impl RepeatError {
    /// Bad settings, or data the GLM cannot take that the settings make
    /// (features too large for its design), are bad input; a failed training
    /// of the whole batch is not. A data set that fails a data file's checks
    /// and a fit that fails are a run's `failed`, never an error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            RepeatError::NoRuns
            | RepeatError::NoChunk
            | RepeatError::SeedOverflow { .. }
            | RepeatError::IndependentSeedOverflow { .. }
            | RepeatError::TooManyCells { .. }
            | RepeatError::Grid(_)
            | RepeatError::SeparationWithoutGlm
            | RepeatError::BetaLengths { .. }
            | RepeatError::Sim(_)
            | RepeatError::DesignFile(_)
            | RepeatError::TooLarge(_)
            | RepeatError::Data { .. }
            | RepeatError::GlmConfig(_) => ErrorKind::BadInput,
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
        if self
            .seed
            .checked_add(self.runs as u64 - 1)
            .is_none_or(|last| last > MAX_SEED)
        {
            return Err(RepeatError::SeedOverflow {
                seed: self.seed,
                runs: self.runs,
            });
        }
        let cells = self.grid.len();
        if cells.is_none_or(|c| c > MAX_CELLS) {
            return Err(RepeatError::TooManyCells { cells });
        }
        if self.seeds == Seeds::Independent
            && self.design().last_seed().is_none_or(|last| last > MAX_SEED)
        {
            return Err(RepeatError::IndependentSeedOverflow {
                seed: self.seed,
                runs: self.runs,
                cells: cells.unwrap_or(0),
            });
        }
        self.grid.named().check().map_err(RepeatError::Grid)?;
        if let Some((first, other)) = unequal_betas(&self.grid.beta) {
            return Err(RepeatError::BetaLengths { first, other });
        }
        self.on_separation.check(self.fits)?;
        self.glm.check().map_err(RepeatError::GlmConfig)?;
        // Simulated data has no groups.
        glm::check_cov_groups(self.cov_type, false).map_err(RepeatError::GlmConfig)?;
        for cell in self.grid.cells() {
            match &self.design_file {
                Some(d) => d.check(cell.n, &cell.beta)?,
                None => self.cell_sim(&cell, self.seed).check()?,
            }
            batched::check(&self.cell_train(&cell))?;
        }
        crate::runtime::memory::check(
            || {
                Phrase(vec![
                    Setting::Runs.into(),
                    format!(" {} (", self.runs).into(),
                    Setting::Chunk.into(),
                    format!(" {}, {} cells)", self.chunk, cells.unwrap_or(0)).into(),
                ])
            },
            "the runs' results and one chunk's data",
            self.bytes(),
        )?;
        Ok(())
    }

    /// Bytes a study holds at least: every run's line of every cell (kept
    /// for the summary) and the largest data sets of one chunk per thread;
    /// None beyond 64 bits.
    pub fn bytes(&self) -> Option<u64> {
        let k = self.grid.beta.first().map_or(self.sim.beta.len(), Vec::len);
        let cells = self.grid.len()?;
        // The line itself, its vectors (params and bse of the GLM, params
        // of the network, the cell's beta) and the cell's optimiser name;
        // the lines of a study share one design.
        let per_run = std::mem::size_of::<RunLine>()
            .checked_add(k.checked_mul(4 * 8)?)?
            .checked_add(32)?;
        let results = crate::runtime::memory::product(&[cells, self.runs, per_run])?;
        let n = self.grid.n.iter().copied().max().unwrap_or(self.sim.n);
        let biggest = SimConfig {
            n,
            beta: vec![0.0; k.max(2)],
            ..self.sim.clone()
        };
        let chunk =
            crate::runtime::memory::product(&[self.chunk.min(self.runs), self.threads.workers()])?;
        results.checked_add(chunk.checked_mul(biggest.bytes()?)?)
    }

    /// The simulation of `cell` with `seed`.
    pub fn cell_sim(&self, cell: &Cell<Optimizer>, seed: u64) -> SimConfig {
        SimConfig {
            n: cell.n,
            beta: cell.beta.clone(),
            seed,
            link: cell.true_link,
            x_dist: cell.x_dist,
            x_corr: cell.x_corr,
            ..self.sim.clone()
        }
    }

    /// The data of `cell`'s run with `seed`: simulated, or the design
    /// file's with its outcome redrawn. A data set the fits cannot use (a
    /// data file's checks refuse it) is `Err(SimError::Data)`.
    fn cell_data(&self, cell: &Cell<Optimizer>, seed: u64) -> Result<Dataset, SimError> {
        match &self.design_file {
            Some(d) => Ok(d.redraw(&cell.beta, cell.true_link, seed, self.sim.threads)?),
            None => simulate(&self.cell_sim(cell, seed)).map(|s| s.data),
        }
    }

    /// The network settings of `cell`.
    pub fn cell_train(&self, cell: &Cell<Optimizer>) -> TrainConfig {
        TrainConfig {
            lr: cell.lr,
            steps: cell.steps,
            optimizer: cell.optimizer,
            ..self.train.clone()
        }
    }

    /// The study's SGD settings (momentum, Nesterov): those of the grid's
    /// SGD, or PyTorch's defaults when it has none.
    fn sgd_settings(&self) -> (f64, bool) {
        let sgd = self.grid.optimizer.iter().find_map(|o| match *o {
            Optimizer::Sgd { momentum, nesterov } => Some((momentum, nesterov)),
            _ => None,
        });
        sgd.unwrap_or((0.0, false))
    }

    /// The study's design: the `study` object of every line. Its settings
    /// are every setting besides the grid that changes a run's numbers
    /// (not the chunk, threads, shard or output paths).
    pub fn design(&self) -> Design {
        let t = &self.train;
        let (momentum, nesterov) = self.sgd_settings();
        let settings: BTreeMap<String, Value> = [
            ("low", json!(self.sim.low)),
            ("high", json!(self.sim.high)),
            ("glm_tol", json!(self.glm.tol)),
            ("max_iter", json!(self.glm.max_iter)),
            ("cov_type", json!(self.cov_type.name())),
            ("momentum", json!(momentum)),
            ("nesterov", json!(nesterov)),
            ("tol", json!(t.tol)),
            ("standardize", json!(t.standardize)),
            ("dtype", json!(t.precision.name())),
            (
                "device",
                json!(match t.device {
                    tch::Device::Cuda(i) => format!("cuda:{i}"),
                    d => format!("{d:?}").to_lowercase(),
                }),
            ),
            (
                "gradient",
                json!(match self.gradient {
                    GradientPath::Auto => "auto",
                    GradientPath::ClosedForm => "closed_form",
                    GradientPath::Exact => "exact",
                }),
            ),
        ]
        .into_iter()
        // Absent means keep, so a line without the key is of the keep
        // study.
        .chain((self.on_separation == OnSeparation::Fail).then(|| ("on_separation", json!("fail"))))
        // Absent means common seeds, so a line without the key is of a
        // study with common seeds.
        .chain((self.seeds == Seeds::Independent).then(|| ("seeds", json!("independent"))))
        .chain(
            self.design_file
                .as_ref()
                .map(|d| (SETTINGS_KEY, d.record.to_value())),
        )
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        Design {
            seed: self.seed,
            runs: self.runs,
            fits: self.fits,
            alpha: self.glm.alpha,
            grid: self.grid.named(),
            settings,
        }
    }
}

/// The pairs of shard `index` of `count`: pair number p (in the study's
/// order, p = cell · runs + replication) belongs to shard p mod `count`.
pub fn shard_pairs(design: &Design, index: usize, count: usize) -> Vec<(usize, usize)> {
    design
        .pairs()
        .enumerate()
        .filter(|(p, _)| p % count.max(1) == index)
        .map(|(_, pair)| pair)
        .collect()
}

/// Wall time spent so far, in seconds. With chunks running side by side,
/// the GLM's and the networks' times are the mean over the chunks of each
/// round, so that `glm_s + nn_s` stays within `total_s`.
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
    design: Arc<Design>,
    cells: Vec<Cell<Optimizer>>,
    /// The (cell, replication) pairs to run, in order.
    pairs: Vec<(usize, usize)>,
    done: usize,
    times: Times,
    /// A failure of a chunk whose earlier chunks (of the same wave)
    /// completed: returned by the next call, after their lines.
    pending: Option<RepeatError>,
}

/// What one chunk gave: its lines and the seconds of its GLM fits and
/// networks; `None` when stopped.
type ChunkOut = Result<Option<(Vec<RunLine>, f64, f64)>, RepeatError>;

impl Study {
    /// Check the settings and prepare to run every pair of the design.
    pub fn new(cfg: RepeatConfig) -> Result<Self, RepeatError> {
        cfg.check()?;
        let design = cfg.design();
        let pairs = design.pairs().collect();
        Self::with_pairs(cfg, pairs)
    }

    /// Check the settings and prepare to run `pairs` (cell index,
    /// replication), in the order given.
    pub fn with_pairs(cfg: RepeatConfig, pairs: Vec<(usize, usize)>) -> Result<Self, RepeatError> {
        cfg.check()?;
        let design = Arc::new(cfg.design());
        Ok(Study {
            cells: cfg.grid.cells(),
            cfg,
            design,
            pairs,
            done: 0,
            times: Times::default(),
            pending: None,
        })
    }

    /// The settings.
    pub fn config(&self) -> &RepeatConfig {
        &self.cfg
    }

    /// The study's design (the `study` of its lines).
    pub fn design(&self) -> &Design {
        &self.design
    }

    /// Coefficient names, `const` first.
    pub fn names(&self) -> Vec<String> {
        self.design.names()
    }

    /// Pairs completed so far.
    pub fn completed(&self) -> usize {
        self.done
    }

    /// Pairs this study runs.
    pub fn total(&self) -> usize {
        self.pairs.len()
    }

    /// Whether every pair is done.
    pub fn is_finished(&self) -> bool {
        self.done == self.pairs.len()
    }

    /// Time spent in the completed chunks.
    pub fn times(&self) -> Times {
        self.times
    }

    /// The next wave: up to `threads` chunks, each of consecutive pairs of
    /// one cell, at most `chunk` of them (none when finished).
    fn next_wave(&self) -> Vec<&[(usize, usize)]> {
        let mut rest = &self.pairs[self.done..];
        let mut wave = Vec::new();
        while wave.len() < self.cfg.threads.workers() {
            let Some(&(cell, _)) = rest.first() else {
                break;
            };
            let len = rest
                .iter()
                .take(self.cfg.chunk)
                .take_while(|(c, _)| *c == cell)
                .count();
            let (chunk, after) = rest.split_at(len);
            wave.push(chunk);
            rest = after;
        }
        wave
    }

    /// Runs in the next call of [`next_chunk`](Self::next_chunk): one
    /// chunk per thread (0 when finished).
    pub fn next_chunk_len(&self) -> usize {
        self.next_wave().iter().map(|c| c.len()).sum()
    }

    /// Optimiser steps of the next chunk's networks (0 when finished).
    pub fn next_chunk_steps(&self) -> usize {
        self.next_wave()
            .first()
            .and_then(|c| c.first())
            .map_or(0, |&(c, _)| self.cells[c].steps)
    }

    /// Run the next chunks, one per thread (`threads` of them, all at once),
    /// and return their lines in the study's order. `Ok(None)` when the study
    /// is finished, or when `ctl.stop` was raised: then the chunks' work is
    /// dropped and [`completed`](Self::completed) does not move. Only the
    /// first chunk reports progress. When a chunk fails, the lines of the
    /// chunks before it are returned and the failure comes with the next call.
    pub fn next_chunk(
        &mut self,
        ctl: &mut BatchControl<'_>,
    ) -> Result<Option<Vec<RunLine>>, RepeatError> {
        if let Some(e) = self.pending.take() {
            return Err(e);
        }
        let this: &Study = self;
        let wave = this.next_wave();
        if wave.is_empty() || ctl.stopped() {
            return Ok(None);
        }
        let start = Instant::now();
        let outs = match wave.as_slice() {
            [one] => {
                let _torch = TorchThreads::set(this.cfg.threads);
                // Its networks on every core while automatic (a network's
                // numbers do not depend on the threads), as libtorch's otherwise.
                let threads = this.cfg.threads.workers().max(this.cfg.threads.torch());
                vec![this.run_chunk(one, threads, ctl)]
            }
            [first, others @ ..] => {
                // Each chunk on its own thread, libtorch on one thread in
                // each (as at --threads 1: the same bits), this one included.
                let _torch = TorchThreads::set(Threads::Fixed(1));
                let stop = ctl.stop;
                std::thread::scope(|s| {
                    let handles: Vec<_> = others
                        .iter()
                        .map(|c| {
                            s.spawn(move || {
                                let _torch = TorchThreads::set(Threads::Fixed(1));
                                let mut ctl = BatchControl {
                                    stop,
                                    progress: None,
                                };
                                this.run_chunk(c, 1, &mut ctl)
                            })
                        })
                        .collect();
                    let mut outs = vec![this.run_chunk(first, 1, ctl)];
                    outs.extend(
                        handles
                            .into_iter()
                            .map(|h| h.join().expect("a chunk's thread panicked")),
                    );
                    outs
                })
            }
            [] => unreachable!("the wave is not empty"),
        };
        // The chunks that completed before the first that did not.
        let sizes: Vec<usize> = wave.iter().map(|c| c.len()).collect();
        let side_by_side = wave.len() as f64;
        let mut lines = Vec::with_capacity(sizes.iter().sum());
        let (mut done, mut glm_s, mut nn_s) = (0, 0.0, 0.0);
        for (out, len) in outs.into_iter().zip(sizes) {
            match out {
                Ok(Some((chunk, g, n))) => {
                    lines.extend(chunk);
                    (done, glm_s, nn_s) = (done + len, glm_s + g, nn_s + n);
                }
                // A stop abandons the whole wave, as it abandons a lone chunk.
                Ok(None) => return Ok(None),
                Err(e) if done == 0 => return Err(e),
                Err(e) => {
                    self.pending = Some(e);
                    break;
                }
            }
        }
        // The chunks ran side by side: each fit's time is the mean over
        // them, so that the parts never add up to more than the whole.
        self.done += done;
        self.times.glm_s += glm_s / side_by_side;
        self.times.nn_s += nn_s / side_by_side;
        self.times.total_s += start.elapsed().as_secs_f64();
        Ok(Some(lines))
    }

    /// Run one chunk: simulate, fit the GLMs, train the networks as one
    /// batch; its lines in order, and the seconds of each fit. A run whose
    /// data set the fits cannot use (the check a data file gets), whose GLM
    /// fails, or whose network diverges or ends at BCE's clamp (`compare`'s
    /// warning) is a failed line, as is a separated GLM fit under
    /// [`OnSeparation::Fail`]. `threads`: the threads its networks may use
    /// (those libtorch runs on meanwhile).
    fn run_chunk(
        &self,
        pairs: &[(usize, usize)],
        threads: usize,
        ctl: &mut BatchControl<'_>,
    ) -> ChunkOut {
        let cell = &self.cells[pairs[0].0];
        let seeds: Vec<u64> = pairs
            .iter()
            .map(|&(c, i)| self.design.seed_of(c, i))
            .collect();
        let mut why: Vec<Vec<String>> = vec![Vec::new(); seeds.len()];
        let mut data: Vec<Option<Dataset>> = Vec::with_capacity(seeds.len());
        for (i, &seed) in seeds.iter().enumerate() {
            data.push(match self.cfg.cell_data(cell, seed) {
                Ok(d) => Some(d),
                Err(SimError::Data(e)) => {
                    why[i].push(format!("data: {}", In(&e, &self.cfg.wording)));
                    None
                }
                Err(source) => return Err(RepeatError::Data { seed, source }),
            });
        }

        let t = Instant::now();
        let mut glms: Vec<Option<GlmLine>> = vec![None; seeds.len()];
        let mut separated = vec![false; seeds.len()];
        if self.cfg.fits.glm() {
            let options = GlmOptions {
                cov_type: self.cfg.cov_type,
                link: cell.link,
                ..GlmOptions::default()
            };
            for (i, d) in data.iter().enumerate() {
                let Some(d) = d else { continue };
                if ctl.stopped() {
                    return Ok(None);
                }
                match glm::fit_estimates(d, &self.cfg.glm, &options) {
                    Ok(f) => {
                        separated[i] = f.warnings.iter().any(|w| glm::is_separation_warning(w));
                        if separated[i] && self.cfg.on_separation == OnSeparation::Fail {
                            why[i].push(SEPARATED_FAILS.into());
                        }
                        glms[i] = Some(GlmLine {
                            params: f.params,
                            bse: f.bse,
                            iterations: f.iterations,
                            converged: f.converged,
                            warnings: f.warnings,
                        });
                    }
                    Err(e) if e.kind() == ErrorKind::FitFailed => {
                        why[i].push(format!("GLM: {}", In(&e, &self.cfg.wording)))
                    }
                    Err(source) => {
                        return Err(RepeatError::Glm {
                            seed: seeds[i],
                            source,
                        })
                    }
                }
            }
        }
        let glm_s = t.elapsed().as_secs_f64();

        let t = Instant::now();
        let mut nns: Vec<Option<NnLine>> = vec![None; seeds.len()];
        let (at, usable): (Vec<usize>, Vec<Dataset>) = data
            .into_iter()
            .enumerate()
            .filter_map(|(i, d)| Some((i, d?)))
            .unzip();
        if self.cfg.fits.nn() && !usable.is_empty() {
            let train = self.cfg.cell_train(cell);
            let usable_seeds: Vec<u64> = at.iter().map(|&i| seeds[i]).collect();
            let Some(fits) = train_networks(
                &usable,
                &usable_seeds,
                &train,
                cell.link,
                self.cfg.gradient,
                threads,
                &self.cfg.wording,
                ctl,
            )?
            else {
                return Ok(None);
            };
            for ((i, f), &seed) in at.into_iter().zip(fits).zip(&usable_seeds) {
                match f {
                    Ok(f) if f.warnings.is_empty() => {
                        nns[i] = Some(NnLine {
                            params: f.params,
                            loss: f.loss,
                            steps: f.steps,
                        })
                    }
                    Ok(f) => why[i].extend(
                        f.warnings
                            .iter()
                            .map(|w| format!("network for seed {seed}: {w}")),
                    ),
                    Err(e) => why[i].push(e),
                }
            }
        }
        let nn_s = t.elapsed().as_secs_f64();

        let lines = seeds
            .iter()
            .zip(glms.into_iter().zip(nns))
            .zip(why.into_iter().zip(separated))
            .map(|((&seed, (glm, nn)), (why, separated))| RunLine {
                seed,
                cell: cell.named(),
                glm,
                nn,
                failed: (!why.is_empty()).then(|| why.join("; ")),
                separated,
                study: self.design.clone(),
            })
            .collect();
        Ok(Some((lines, glm_s, nn_s)))
    }
}

/// The `failed` reason of a separated run under [`OnSeparation::Fail`].
const SEPARATED_FAILS: &str =
    "GLM: the fit shows separation, which this study counts as a failed run";

/// Train one network per data set as one batch. When one diverges, the
/// batch is trained again network by network (a network's numbers do not
/// depend on its batch), so only the diverged ones are marked failed.
/// `Ok(None)` when stopped.
#[allow(clippy::too_many_arguments)]
fn train_networks(
    data: &[Dataset],
    seeds: &[u64],
    train: &TrainConfig,
    link: LinkKind,
    path: GradientPath,
    threads: usize,
    wording: &Wording,
    ctl: &mut BatchControl<'_>,
) -> Result<Option<Vec<Result<BatchedFit, String>>>, RepeatError> {
    match train_batch_with(data, seeds, train, link, path, threads, ctl) {
        Ok(Some(fits)) => return Ok(Some(fits.into_iter().map(Ok).collect())),
        Ok(None) => return Ok(None),
        Err(BatchError::Diverged { .. }) if data.len() > 1 => {}
        Err(e @ BatchError::Diverged { .. }) => return Ok(Some(vec![Err(failure(&e, wording))])),
        Err(e) => return Err(e.into()),
    }
    let mut out = Vec::with_capacity(data.len());
    for (d, &seed) in data.iter().zip(seeds) {
        match train_batch_with(
            std::slice::from_ref(d),
            &[seed],
            train,
            link,
            path,
            threads,
            ctl,
        ) {
            Ok(Some(mut f)) => out.push(Ok(f.remove(0))),
            Ok(None) => return Ok(None),
            Err(e @ BatchError::Diverged { .. }) => out.push(Err(failure(&e, wording))),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(Some(out))
}

/// A network's failure as a line's `failed` reason, in `wording`.
fn failure(e: &BatchError, wording: &Wording) -> String {
    format!("network: {}", In(e, wording))
}

/// Run a whole study without interruption and return every line in order.
pub fn run_all(cfg: RepeatConfig) -> Result<(Study, Vec<RunLine>), RepeatError> {
    let mut study = Study::new(cfg)?;
    let mut lines = Vec::with_capacity(study.total());
    while let Some(chunk) = study.next_chunk(&mut BatchControl::default())? {
        lines.extend(chunk);
    }
    Ok((study, lines))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> RepeatConfig {
        let mut cfg = RepeatConfig {
            runs: 3,
            chunk: 2,
            ..RepeatConfig::default()
        };
        cfg.grid.n = vec![50, 80];
        cfg.grid.steps = vec![20];
        cfg
    }

    #[test]
    fn chunks_never_mix_cells_and_replication_i_uses_seed_s_plus_i() {
        let (study, lines) = run_all(small()).unwrap();
        assert_eq!(lines.len(), 6);
        assert!(study.is_finished());
        let got: Vec<(usize, u64)> = lines.iter().map(|l| (l.cell.n, l.seed)).collect();
        assert_eq!(
            got,
            [(50, 42), (50, 43), (50, 44), (80, 42), (80, 43), (80, 44)]
        );
    }

    #[test]
    fn shards_split_the_pairs_without_overlap() {
        let d = small().design();
        let mut all: Vec<_> = (0..3).flat_map(|i| shard_pairs(&d, i, 3)).collect();
        all.sort();
        assert_eq!(all, d.pairs().collect::<Vec<_>>());
        assert_eq!(shard_pairs(&d, 1, 3), [(0, 1), (1, 1)]);
    }

    #[test]
    fn rejects_failing_separation_without_a_glm_fit() {
        let cfg = RepeatConfig {
            fits: Fits::Nn,
            on_separation: OnSeparation::Fail,
            ..small()
        };
        assert_eq!(cfg.check(), Err(RepeatError::SeparationWithoutGlm));
        for fits in [Fits::Glm, Fits::Both] {
            assert_eq!(
                RepeatConfig {
                    fits,
                    ..cfg.clone()
                }
                .check(),
                Ok(())
            );
        }
        let keep = RepeatConfig {
            on_separation: OnSeparation::Keep,
            ..cfg
        };
        assert_eq!(keep.check(), Ok(()));
    }

    /// A chunk trains with libtorch on the study's thread count (one in
    /// each chunk of a wave that runs several at once), and the count
    /// comes back after.
    #[test]
    fn chunks_train_on_the_study_s_libtorch_threads() {
        let before = tch::get_num_threads();
        for (threads, want) in [(Threads::Fixed(3), 3), (Threads::Auto, 1)] {
            let cfg = RepeatConfig {
                fits: Fits::Nn,
                threads,
                ..small()
            };
            let mut study = Study::new(cfg).unwrap();
            let mut seen = Vec::new();
            let mut on_step = |_: usize| seen.push(tch::get_num_threads());
            let mut ctl = BatchControl {
                stop: None,
                progress: Some(&mut on_step),
            };
            study.next_chunk(&mut ctl).unwrap().unwrap();
            assert!(
                !seen.is_empty() && seen.iter().all(|&t| t == want),
                "{seen:?}"
            );
            assert_eq!(tch::get_num_threads(), before);
        }
    }

    #[test]
    fn glm_only_trains_no_network() {
        let cfg = RepeatConfig {
            fits: Fits::Glm,
            ..small()
        };
        let (_, lines) = run_all(cfg).unwrap();
        assert!(lines.iter().all(|l| l.glm.is_some() && l.nn.is_none()));
    }

    #[test]
    fn diverged_networks_are_failed_lines_not_errors() {
        // x up to 100 and lr 3e38: the first update overflows float32.
        let mut cfg = RepeatConfig {
            fits: Fits::Nn,
            ..small()
        };
        cfg.sim.low = -100.0;
        cfg.sim.high = 100.0;
        cfg.grid.lr = vec![3e38];
        let (_, lines) = run_all(cfg).unwrap();
        assert_eq!(lines.len(), 6);
        for l in &lines {
            let why = l.failed.as_deref().unwrap_or_default();
            assert!(why.starts_with("network: "), "{why}");
            assert!(why.contains(&format!("seed {}", l.seed)), "{why}");
            assert!(l.glm.is_none() && l.nn.is_none());
        }
    }
}
