//! `glm --max-memory` and `--no-cache`: the flags, the cache folder's
//! place, the notes on stderr and the progress line of a fit streamed from
//! a design cache (`logreg::data::design_cache`).
use std::io;
use std::path::{Path, PathBuf};

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use logreg::data::design_cache::{
    check_streamable, create_folder, design_cache_path, open_cache_entry, streaming,
    sweep_stale_temp_files, trust, write_cache_from_csv, CacheEntry, Streamed, StreamedError,
    Streaming, Trust,
};
use logreg::data::RoleNames;
use logreg::glm::{fit_source, GlmFit};
use logreg::runtime::threads::Threads;

use super::args::{note_dropped, DataArgs, GlmArgs, ModelArgs};
use super::output::AtomicFile;
use super::{interrupt, UsageError};

/// The flags of a streamed fit.
#[derive(Debug, clap::Args)]
pub struct StreamArgs {
    /// Fit with at most SIZE bytes for the design: it is converted once to
    /// a binary cache (in $XDG_CACHE_HOME/logreg/designs or
    /// ~/.cache/logreg/designs), and every pass reads it back in blocks
    /// that fit SIZE (16·(k+1) bytes a row). SIZE: bytes, or a whole
    /// number with K, M, G or T (powers of 1024): 512M, 2G. Without it, a
    /// file whose design may not fit in half of the memory is streamed.
    #[arg(long, value_name = "SIZE", value_parser = parse_size_flag, requires = "data", allow_hyphen_values = true)]
    pub max_memory: Option<u64>,
    /// Do not keep the design cache of a streamed fit (an existing one is
    /// removed too).
    #[arg(long, requires = "data")]
    pub no_cache: bool,
}

fn parse_size_flag(s: &str) -> Result<u64, String> {
    logreg::runtime::memory::parse_size(s).map_err(|e| e.to_string())
}

/// The memory limit of a streamed fit, or None to fit in memory
/// ([`streaming`]); streaming that the user did not ask for is said on
/// stderr.
pub(super) fn limit(s: &StreamArgs, data: Option<&Path>) -> anyhow::Result<Option<u64>> {
    let len = data.map(|path| std::fs::metadata(path).map_or(0, |m| m.len()));
    match streaming(s.max_memory, len, logreg::runtime::memory::physical()) {
        Streaming::InMemory => Ok(None),
        Streaming::Limit(limit) => Ok(Some(limit)),
        Streaming::HalfMemory(half) => {
            let path = data.expect("streaming: a data file");
            diag!(
                "note: {}: its design may not fit in half of the memory ({} MB): streaming it from a cache (--max-memory to choose the limit)",
                path.display(),
                half >> 20
            );
            Ok(Some(half))
        }
    }
}

/// Refuse what a streamed fit does not read: role columns and robust
/// covariance.
pub(super) fn check_options(model: &ModelArgs, cov_robust: bool) -> anyhow::Result<()> {
    let roles = [
        ("--freq-weights", model.freq_weights.is_some()),
        ("--var-weights", model.var_weights.is_some()),
        ("--offset", model.offset.is_some()),
        ("--failures", model.failures.is_some()),
        ("--cov-type other than nonrobust", cov_robust),
    ];
    if let Some((flag, _)) = roles.iter().find(|(_, on)| *on) {
        return Err(UsageError(format!(
            "--max-memory (a streamed fit) takes no {flag}: weights, offset, binomial counts and robust covariance are fitted in memory"
        ))
        .into());
    }
    Ok(())
}

/// A cache file removed when dropped (`--no-cache`), and on Ctrl-C.
struct Removed(PathBuf);

impl Removed {
    fn new(path: PathBuf) -> Self {
        interrupt::temp_files().push(path.clone());
        Removed(path)
    }
}

impl Drop for Removed {
    fn drop(&mut self) {
        interrupt::remove_temp(&self.0);
    }
}

/// Fit the GLM on `--data` streamed from its cache with blocks of at most
/// `limit` bytes: the cache is found by its key, or written from the CSV.
pub(super) fn fit(
    data: &DataArgs,
    glm: &GlmArgs,
    model: &ModelArgs,
    s: &StreamArgs,
    limit: u64,
    threads: Threads,
) -> anyhow::Result<GlmFit> {
    let Some(path) = data.data.as_deref() else {
        return Err(UsageError(
            "--max-memory needs --data FILE: the simulated data is made in memory".into(),
        )
        .into());
    };
    // The cache is built from a file read more than once: a stream read
    // once (stdin, a pipe, a device) cannot be.
    if path.as_os_str() == "-" {
        return Err(UsageError(
            "--max-memory needs --data FILE: stdin (-) cannot be read more than once; save it to a file, or fit in memory without --max-memory".into(),
        )
        .into());
    }
    check_streamable(path).map_err(|e| match e {
        StreamedError::NotAFile { .. } => UsageError(format!(
            "--max-memory needs --data FILE: {e}; save it to a file, or fit in memory without --max-memory"
        ))
        .into(),
        e => anyhow::Error::new(e),
    })?;
    let opts = data.csv_options(RoleNames::default(), threads);
    let folder = usable_folder()?;
    for stale in sweep_stale_temp_files(&folder, std::time::SystemTime::now()) {
        diag!(
            "note: removed {}, left by an unfinished design cache build",
            stale.display()
        );
    }
    let cannot = |p: &Path| format!("design cache {}", p.display());
    let cache = design_cache_path(&folder, path, &opts).with_context(|| cannot(path))?;
    // The entry is looked at without following a link: a link, FIFO or
    // socket there is no cache and is replaced; a folder cannot be
    // replaced safely, so the fit runs on a cache that is not kept.
    let entry = open_cache_entry(&cache).map_err(|e| unusable(&folder, e.into()))?;
    let keep = !matches!(entry, CacheEntry::Directory);
    let _removed = (s.no_cache && keep).then(|| Removed::new(cache.clone()));
    let opened = match entry {
        CacheEntry::Missing => None,
        CacheEntry::File(f) => match Streamed::from_file(f, &cache, limit) {
            Ok(c) => trusted(c, path)?,
            Err(e @ StreamedError::TooSmall { .. }) => return Err(max_memory(e)),
            Err(e) => {
                diag!("note: {}: rebuilding it", super::flags::message(&e));
                None
            }
        },
        CacheEntry::Directory => {
            diag!(
                "note: design cache {}: is a directory: fitting without keeping a cache",
                cache.display()
            );
            None
        }
        CacheEntry::Special(kind) => {
            diag!(
                "note: design cache {}: {kind}, not a cache file: replacing it",
                cache.display()
            );
            match std::fs::remove_file(&cache) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(unusable(&folder, e.into()))
                }
                _ => None,
            }
        }
    };
    // Held while the fit reads a cache that is not kept: dropping it
    // removes the file.
    let mut _unkept = None;
    let src = match opened {
        Some(c) => {
            note_dropped(path, c.dropped());
            c
        }
        None => {
            // The CSV read straight into the cache, block by block: the
            // design is never held whole. The file is renamed onto the
            // cache's own entry (never through a link) and read back
            // through the handle it was written with.
            let file = AtomicFile::create_private(&cache).map_err(|e| unusable(&folder, e))?;
            let dropped = write_cache_from_csv(path, &opts, file.file(), &cache, limit)
                .map_err(max_memory)?;
            let reader = file.file().try_clone().with_context(|| cannot(&cache))?;
            if keep {
                file.commit()?;
            } else {
                _unkept = Some(file);
            }
            note_dropped(path, dropped);
            Streamed::from_file(reader, &cache, limit).map_err(max_memory)?
        }
    };
    let names = src.names().to_vec();
    let target = src.target().to_string();
    let bar = progress_line();
    // An iteration reads every row twice (the QR pass and the update).
    let n = 2.0 * src.n() as f64;
    let mut last = Instant::now();
    let mut on_iteration = |i: usize, deviance: f64| {
        let rate = n / last.elapsed().as_secs_f64().max(1e-9);
        last = Instant::now();
        bar.set_message(format!(
            "IRLS iteration {i}: {rate:.3e} rows/s, deviance {deviance:.10e}"
        ));
    };
    let fit = fit_source(
        &src,
        names,
        target,
        &glm.config(threads)?,
        model.link,
        &mut on_iteration,
    );
    bar.finish_and_clear();
    Ok(fit?)
}

/// The cache folder: `$XDG_CACHE_HOME/logreg/designs`, or
/// `$HOME/.cache/logreg/designs`. A relative value of either is ignored, as
/// the XDG spec asks (a cache must not land under whatever the current
/// folder is).
fn cache_folder() -> io::Result<PathBuf> {
    let absolute = |name: &str| {
        std::env::var_os(name)
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
    };
    let base = match absolute("XDG_CACHE_HOME") {
        Some(x) => x,
        None => match absolute("HOME") {
            Some(h) => h.join(".cache"),
            None => {
                return Err(io::Error::new(
                    io::ErrorKind::NotFound,
                    "neither XDG_CACHE_HOME nor HOME is set to an absolute path",
                ))
            }
        },
    };
    Ok(base.join("logreg").join("designs"))
}

/// The cache folder, created if need be: a folder that cannot be named
/// (no `XDG_CACHE_HOME` or `HOME`) or created is bad input (exit 2).
fn usable_folder() -> anyhow::Result<PathBuf> {
    let folder = cache_folder().map_err(|e| {
        UsageError(format!(
            "--max-memory: no design cache folder: {e} (set XDG_CACHE_HOME to a writable folder)"
        ))
    })?;
    create_folder(&folder).map_err(|e| unusable(&folder, e.into()))?;
    Ok(folder)
}

/// The cache folder cannot be written: bad input, with the way out.
fn unusable(folder: &Path, e: anyhow::Error) -> anyhow::Error {
    UsageError(format!(
        "--max-memory: design cache folder {}: {e:#} (set XDG_CACHE_HOME to a writable folder)",
        folder.display()
    ))
    .into()
}

/// The cache `c` if [`trust`] trusts it for `data`; otherwise None (it is
/// rebuilt), said on stderr.
fn trusted(c: Streamed, data: &Path) -> anyhow::Result<Option<Streamed>> {
    match trust(c, data).with_context(|| format!("{}: cannot read", data.display()))? {
        Trust::Trusted(c) => Ok(Some(c)),
        Trust::OtherContents(c) => {
            diag!(
                "note: design cache {}: built from other contents of {}: rebuilding it",
                c.path().display(),
                data.display()
            );
            Ok(None)
        }
        Trust::Damaged(e) => {
            diag!("note: {}: rebuilding it", super::flags::message(&e));
            Ok(None)
        }
    }
}

/// A progress line on stderr when stderr is a terminal (hidden otherwise):
/// the iteration, the rows per second of its passes and the deviance.
fn progress_line() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{elapsed_precise} {spinner} {msg}") {
        bar.set_style(style);
    }
    bar.set_message("IRLS: first pass");
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// A cache error, with the flag named when the limit is at fault.
fn max_memory(e: StreamedError) -> anyhow::Error {
    match e {
        StreamedError::TooSmall { .. } => anyhow::Error::new(e).context("--max-memory"),
        e => e.into(),
    }
}
