//! Ctrl-C, SIGTERM and SIGHUP (how a terminal, a job scheduler such as
//! Slurm or Kubernetes, and a closed terminal stop a process): the temporary
//! files of unfinished outputs are removed and the exit status is 128 plus
//! the signal's number (130, 143, 129), as shells report it; a command that
//! can stop between steps (`repeat`) asks to be told instead, and a second
//! signal then quits at once.
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Mutex, MutexGuard};

/// The signals handled: interrupt, terminate, hang up.
const SIGNALS: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

/// A command stopped by a signal before it finished: its message says what
/// was kept. [`super::report`] prints it as it is (no `error:` in front) and
/// exits [`exit_status`].
#[derive(Debug, thiserror::Error)]
#[error("interrupted: {0}")]
pub struct Interrupted(pub String);

/// Temporary files that exist now and must not outlive the process.
static TEMP_FILES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
/// Set by [`cooperate`]: the first signal only sets [`STOP`].
static COOPERATIVE: AtomicBool = AtomicBool::new(false);
static STOP: AtomicBool = AtomicBool::new(false);
/// The first signal received (0: none yet).
static SIGNAL: AtomicI32 = AtomicI32::new(0);
/// The write end of the pipe that carries each signal's number from the
/// handler to the thread that acts on it (-1 until installed).
static PIPE: AtomicI32 = AtomicI32::new(-1);

/// Install the process-wide handlers (once, before any output is opened).
///
/// A signal handler may do next to nothing safely, so it only writes the
/// signal's number into a pipe; a thread reads it and does the rest.
pub fn install() -> anyhow::Result<()> {
    let cannot = |what: &str| {
        anyhow::anyhow!(
            "cannot install the signal handlers: {what}: {}",
            std::io::Error::last_os_error()
        )
    };
    let mut fds = [0 as libc::c_int; 2];
    // SAFETY: pipe writes two descriptors into the array it is given, and
    // fcntl sets a flag on each (not inherited by child processes).
    let made = unsafe {
        libc::pipe(fds.as_mut_ptr()) == 0
            && fds
                .iter()
                .all(|&fd| libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) == 0)
    };
    if !made {
        return Err(cannot("pipe"));
    }
    let [read, write] = fds;
    PIPE.store(write, Ordering::SeqCst);
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || loop {
            let mut sig = 0u8;
            // SAFETY: reads at most one byte into `sig`.
            match unsafe { libc::read(read, (&mut sig as *mut u8).cast(), 1) } {
                1 => on_signal(sig.into()),
                -1 if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted => {
                }
                _ => return,
            }
        })
        .map_err(|e| anyhow::anyhow!("cannot install the signal handlers: {e}"))?;
    for sig in SIGNALS {
        // SAFETY: a zeroed sigaction with an empty mask and a handler that
        // only calls async-signal-safe functions.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = handler as extern "C" fn(libc::c_int) as libc::sighandler_t;
            action.sa_flags = libc::SA_RESTART;
            libc::sigemptyset(&mut action.sa_mask);
            if libc::sigaction(sig, &action, std::ptr::null_mut()) != 0 {
                return Err(cannot("sigaction"));
            }
        }
    }
    Ok(())
}

/// The handler itself: the signal's number into the pipe, nothing else.
extern "C" fn handler(sig: libc::c_int) {
    let byte = sig as u8;
    // SAFETY: write(2) is async-signal-safe. It sets errno only when it
    // fails, which a pipe holding a few bytes does not.
    unsafe {
        libc::write(PIPE.load(Ordering::Relaxed), (&byte as *const u8).cast(), 1);
    }
}

/// The exit status after a signal: 128 plus its number (130 for Ctrl-C).
pub fn exit_status() -> u8 {
    match SIGNAL.load(Ordering::SeqCst) {
        0 => 128 + libc::SIGINT as u8,
        sig => 128 + sig as u8,
    }
}

/// From now on the first signal sets the returned flag and the command stops
/// by itself; a second one removes the temporary files and exits.
pub fn cooperate() -> &'static AtomicBool {
    COOPERATIVE.store(true, Ordering::SeqCst);
    &STOP
}

fn on_signal(sig: libc::c_int) {
    let _ = SIGNAL.compare_exchange(0, sig, Ordering::SeqCst, Ordering::SeqCst);
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
    unsafe { libc::_exit(exit_status().into()) }
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
