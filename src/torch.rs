//! Small helpers around tch: readable errors, thread setup, tensor readback.
use tch::{Kind, TchError, Tensor};

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

/// Number of libtorch intra-op threads to use when none is given. Tiny
/// tensors (the lecture's 1000 × 3) run fastest on one thread: thread
/// hand-off costs more than the arithmetic (see README "Benchmarks").
pub const DEFAULT_THREADS: usize = 1;

/// Set libtorch's intra-op thread count.
pub fn set_threads(n: usize) {
    tch::set_num_threads(n.max(1) as i32);
}
