//! Ctrl-C: the temporary files of unfinished outputs are removed and the exit
//! status is 130; a command that can stop between steps (`repeat`) asks to
//! be told instead, and a second Ctrl-C then quits at once.
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

use anyhow::Context;

/// Exit status after Ctrl-C (128 + SIGINT), as shells report it.
pub const EXIT_INTERRUPTED: u8 = 130;

/// A command stopped by Ctrl-C before it finished: its message says what
/// was kept. [`super::report`] prints it as it is (no `error:` in front) and
/// exits [`EXIT_INTERRUPTED`].
#[derive(Debug, thiserror::Error)]
#[error("interrupted: {0}")]
pub struct Interrupted(pub String);

/// Temporary files that exist now and must not outlive the process.
static TEMP_FILES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
/// Set by [`cooperate`]: the first Ctrl-C only sets [`STOP`].
static COOPERATIVE: AtomicBool = AtomicBool::new(false);
static STOP: AtomicBool = AtomicBool::new(false);

/// Install the process-wide handler (once, before any output is opened).
pub fn install() -> anyhow::Result<()> {
    ctrlc::set_handler(on_interrupt).context("cannot install the Ctrl-C handler")
}

/// From now on the first Ctrl-C sets the returned flag and the command stops
/// by itself; a second one removes the temporary files and exits 130.
pub fn cooperate() -> &'static AtomicBool {
    COOPERATIVE.store(true, Ordering::SeqCst);
    &STOP
}

fn on_interrupt() {
    if COOPERATIVE.load(Ordering::SeqCst) && !STOP.swap(true, Ordering::SeqCst) {
        return;
    }
    // Held until the process ends: no output is committed after this point.
    let files = temp_files();
    for p in files.iter() {
        let _ = std::fs::remove_file(p);
    }
    let _ = writeln!(std::io::stderr(), "interrupted");
    // _exit, not exit: no atexit handlers or C++ static destructors (libtorch)
    // while the main thread may still be inside libtorch.
    // SAFETY: _exit only ends the process; it touches no Rust state.
    unsafe { libc::_exit(EXIT_INTERRUPTED.into()) }
}

/// The list of temporary files, locked. Committing an output renames its
/// temporary file while holding this lock, so that Ctrl-C either removes the
/// temporary file or finds it already renamed, never half of each.
pub(super) fn temp_files() -> MutexGuard<'static, Vec<PathBuf>> {
    TEMP_FILES.lock().unwrap_or_else(|e| e.into_inner())
}

/// Delete the temporary file `path` and take it off the list, under the
/// lock (an output dropped uncommitted, a cache not to be kept).
pub(super) fn remove_temp(path: &Path) {
    let mut list = temp_files();
    let _ = std::fs::remove_file(path);
    forget(&mut list, path);
}

/// Remove `path` from the list (it was renamed or deleted).
pub(super) fn forget(list: &mut Vec<PathBuf>, path: &Path) {
    list.retain(|p| p != path);
}
