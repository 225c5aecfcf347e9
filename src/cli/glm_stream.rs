//! `glm --max-memory` and `--no-cache`: the flags, the cache folder's
//! place, the notes on stderr and the progress of a fit streamed from a
//! design cache (`logreg::data::design_cache`).
use std::io;
use std::path::{Path, PathBuf};

use std::time::Instant;

use anyhow::Context;
use logreg::data::design_cache::{
    check_streamable, create_folder, design_cache_path, find, open_cache_entry, streaming,
    sweep_stale_temp_files, write_cache_from_csv, FindError, Found, Rebuild, Streamed,
    StreamedError, Streaming,
};
use logreg::data::RoleNames;
use logreg::glm::{check_streamed, fit_source, GlmFit, NotStreamed};
use logreg::runtime::threads::Threads;
use logreg::spec::CovType;

use super::args::{note_dropped, DataArgs, GlmArgs, ModelArgs, ProgressArg};
use super::output::AtomicFile;
use super::progress::{Open, Shown};
use super::{interrupt, UsageError};

/// The flags of a streamed fit.
#[derive(Debug, clap::Args)]
#[command(mut_arg("progress", |a| a.help(
    "How a streamed fit shows its IRLS iterations on stderr (rows a second, deviance); a fit in memory is short and shows nothing"
)))]
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
    #[command(flatten)]
    pub progress: ProgressArg,
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

/// Refuse what a streamed fit does not read ([`check_streamed`]), naming
/// the flag.
pub(super) fn check_options(model: &ModelArgs, cov_type: CovType) -> anyhow::Result<()> {
    check_streamed(&model.roles(None), cov_type).map_err(|e| {
        let flag = match e {
            NotStreamed::Role(role) => super::flags::flag(role),
            NotStreamed::Covariance(_) => "--cov-type other than nonrobust",
        };
        UsageError(format!(
            "--max-memory (a streamed fit) takes no {flag}: weights, offset and robust covariance are fitted in memory"
        ))
        .into()
    })
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
    check_streamable(path).map_err(|e| match e {
        StreamedError::Stdin | StreamedError::NotAFile { .. } => UsageError(format!(
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
    let entry = open_cache_entry(&cache).map_err(|e| unusable(&folder, e.into()))?;
    let keep = entry.keeps();
    let _removed = (s.no_cache && keep).then(|| Removed::new(cache.clone()));
    let opened = match find(entry, &cache, path, limit) {
        Ok(Found::Trusted(c)) => Some(c),
        Ok(Found::Build(why)) => {
            note_rebuild(&why, &cache, path);
            None
        }
        Err(FindError::TooSmall(e)) => return Err(max_memory(e)),
        Err(FindError::Remove { kind, source, .. }) => {
            note_rebuild(&Rebuild::Replaced(kind), &cache, path);
            return Err(unusable(&folder, source.into()));
        }
        Err(FindError::Data { path, source }) => {
            return Err(source).with_context(|| format!("{}: cannot read", path.display()))
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
    let mut progress = Open::new(Shown::of(&s.progress), "IRLS: first pass");
    // An iteration reads every row twice (the QR pass and the update).
    let n = 2.0 * src.n() as f64;
    let mut last = Instant::now();
    let mut on_iteration = |i: usize, deviance: f64| {
        let rate = n / last.elapsed().as_secs_f64().max(1e-9);
        last = Instant::now();
        progress.say(format!(
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
    match &fit {
        Ok(_) => progress.finish(),
        Err(_) => drop(progress),
    }
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

/// Say on stderr why the cache at `cache` (of the data file `data`) is
/// built instead of read; nothing when there was none.
fn note_rebuild(why: &Rebuild, cache: &Path, data: &Path) {
    match why {
        Rebuild::Missing => {}
        Rebuild::Damaged(e) => diag!("note: {}: rebuilding it", super::flags::message(e)),
        Rebuild::OtherContents => diag!(
            "note: design cache {}: built from other contents of {}: rebuilding it",
            cache.display(),
            data.display()
        ),
        Rebuild::Directory => diag!(
            "note: design cache {}: is a directory: fitting without keeping a cache",
            cache.display()
        ),
        Rebuild::Replaced(kind) => diag!(
            "note: design cache {}: {kind}, not a cache file: replacing it",
            cache.display()
        ),
    }
}

/// A cache error, with the flag named when the limit is at fault.
fn max_memory(e: StreamedError) -> anyhow::Error {
    match e {
        StreamedError::TooSmall { .. } => anyhow::Error::new(e).context("--max-memory"),
        e => e.into(),
    }
}
