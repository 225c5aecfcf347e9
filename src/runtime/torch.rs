//! Small helpers around tch: readable errors, libtorch's thread count, tensor readback.
use tch::{Kind, TchError, Tensor};

use super::threads::Threads;

/// The first line of a tch error. `TchError::Torch` carries the whole C++
/// backtrace (about 20 lines); users see only what went wrong.
pub fn short_error(e: &TchError) -> String {
    let s = match e {
        TchError::Torch(msg) => msg.clone(),
        other => other.to_string(),
    };
    s.lines().next().unwrap_or("").trim().to_string()
}

/// Copy a tensor of any float kind into a `Vec<f64>` (flattened).
pub fn to_vec_f64(t: &Tensor) -> Result<Vec<f64>, TchError> {
    let flat = t.f_flatten(0, -1)?.f_to_kind(Kind::Double)?;
    Vec::<f64>::try_from(&flat)
}

/// libtorch's intra-op thread count, set for a scope and restored when
/// dropped. libtorch keeps that count for the whole process (and in the
/// OpenMP settings of the thread that sets it), so it cannot travel as a
/// value the way the passes over the rows take theirs (the [`Threads`] in
/// their configs): this guard is the one place that touches it. A command
/// holds one for its whole run; a study holds one while a chunk trains,
/// and each chunk on a thread of its own holds one there.
#[derive(Debug)]
#[must_use = "the count is restored when the guard is dropped"]
pub struct TorchThreads {
    previous: i32,
}

impl TorchThreads {
    /// Set libtorch's intra-op threads to [`Threads::torch`] (the fixed
    /// count, or [`DEFAULT_THREADS`](super::threads::DEFAULT_THREADS) while
    /// automatic) on the calling thread, until the guard is dropped.
    pub fn set(threads: Threads) -> TorchThreads {
        let previous = tch::get_num_threads();
        tch::set_num_threads(threads.torch() as i32);
        TorchThreads { previous }
    }
}

impl Drop for TorchThreads {
    fn drop(&mut self) {
        tch::set_num_threads(self.previous);
    }
}

/// Load libtorch's CUDA library so that CUDA devices can be used.
///
/// The binary links only `libtorch_cpu` (and `libc10`): linking
/// `libtorch_cuda` as well costs every run about 270 MB of resident memory
/// and 0.2 s of start-up even when no GPU is used (measured; README "How
/// the binary finds libtorch, and CUDA"). `--device cuda` loads it here,
/// before any CUDA query, from the libtorch folder the binary was built
/// against (or the usual search path). Returns whether the library was loaded; a CPU-only libtorch has none.
pub fn load_cuda() -> bool {
    use std::sync::OnceLock;
    static LOADED: OnceLock<bool> = OnceLock::new();
    *LOADED.get_or_init(|| {
        let mut candidates = Vec::new();
        if let Some(dir) = option_env!("LOGREG_LIBTORCH_LIB") {
            candidates.push(format!("{dir}/libtorch_cuda.so"));
        }
        candidates.push("libtorch_cuda.so".to_string());
        candidates.iter().any(|c| dlopen_global(c))
    })
}

#[cfg(unix)]
fn dlopen_global(path: &str) -> bool {
    extern "C" {
        fn dlopen(
            filename: *const std::os::raw::c_char,
            flag: std::os::raw::c_int,
        ) -> *mut std::ffi::c_void;
    }
    const RTLD_NOW: std::os::raw::c_int = 2;
    const RTLD_GLOBAL: std::os::raw::c_int = 0x100;
    let Ok(c) = std::ffi::CString::new(path) else {
        return false;
    };
    // SAFETY: dlopen with a valid NUL-terminated path; the handle is kept
    // open for the life of the process on purpose (libtorch registers its
    // CUDA hooks from the library's static initialisers).
    unsafe { !dlopen(c.as_ptr(), RTLD_NOW | RTLD_GLOBAL).is_null() }
}

#[cfg(not(unix))]
fn dlopen_global(_path: &str) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The count holds while the guard lives and comes back when it is
    /// dropped, nested guards included. (The count read is the calling
    /// thread's, so tests on other threads do not disturb it.)
    #[test]
    fn a_guard_sets_the_count_and_restores_it() {
        let before = tch::get_num_threads();
        {
            let _outer = TorchThreads::set(Threads::Fixed(3));
            assert_eq!(tch::get_num_threads(), 3);
            {
                let _inner = TorchThreads::set(Threads::Auto);
                assert_eq!(
                    tch::get_num_threads(),
                    super::super::threads::DEFAULT_THREADS as i32
                );
            }
            assert_eq!(tch::get_num_threads(), 3);
        }
        assert_eq!(tch::get_num_threads(), before);
    }
}
