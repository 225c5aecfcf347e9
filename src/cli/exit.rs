//! Ending the process: stdout flushed, then `_exit`, skipping libtorch's static destructors.
use std::io::Write;

/// End the process with `code`: flush stdout (errors ignored, as Rust's own
/// exit does), then `_exit`. A normal exit runs libtorch's C++ static
/// destructors, which deregister every operator: about 40% of the CPU time
/// of a process that does nothing else (README "Benchmarks").
/// Nothing of logreg's is left to run then: every file is written and
/// closed (renamed into place) before `run` returns, and stderr is
/// unbuffered.
pub fn exit(code: i32) -> ! {
    let _ = std::io::stdout().flush();
    // SAFETY: _exit only ends the process; stdout is flushed above.
    unsafe { libc::_exit(code) }
}
