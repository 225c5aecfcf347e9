//! Threads and SIMD for the passes over the rows: thread count, scoped threads, AVX2 dispatch.
use std::sync::atomic::{AtomicUsize, Ordering};

/// In automatic mode, a design with at least this many values (rows ×
/// columns) has its passes over the rows (the GLM's) spread over every core.
/// Below it one thread is used: a pass over 10⁵ values takes well under a
/// millisecond, less than starting threads. The GLM also cuts its rows into
/// chunks of 32,768 ([`super::chunk::CHUNK`]), so smaller designs are
/// one chunk and run on one thread anyway.
pub const PARALLEL_MIN_VALUES: usize = 1 << 20;

/// The thread count fixed by [`crate::runtime::torch::set_threads`]; 0 while automatic.
static FIXED: AtomicUsize = AtomicUsize::new(0);

/// Fix the thread count of the passes over the rows (0: automatic).
pub(crate) fn fix_threads(n: usize) {
    FIXED.store(n, Ordering::Relaxed);
}

/// Threads for a pass over an n × k design: the count given to
/// [`crate::runtime::torch::set_threads`], or the automatic rule of
/// [`crate::runtime::torch::set_threads_auto`] (which is also what a library user
/// gets who sets neither).
pub fn threads_for(n: usize, k: usize) -> usize {
    match FIXED.load(Ordering::Relaxed) {
        0 if n.saturating_mul(k) >= PARALLEL_MIN_VALUES => {
            std::thread::available_parallelism().map_or(1, |c| c.get())
        }
        0 => 1,
        fixed => fixed,
    }
}

/// Independent jobs to run at once, each with libtorch on one thread
/// inside it (`repeat`'s chunks): every core while the thread count is
/// automatic (libtorch on one thread, as then in a single run); one when
/// [`crate::runtime::torch::set_threads`] fixed it, so that libtorch runs on that
/// many threads as a single run at that count does (the exact path's bits
/// follow libtorch's thread count).
pub fn workers() -> usize {
    match FIXED.load(Ordering::Relaxed) {
        0 => std::thread::available_parallelism().map_or(1, |c| c.get()),
        _ => 1,
    }
}

/// Evaluate a call to an `#[inline(always)]` function compiled for AVX2
/// when the CPU has it, else for the baseline x86-64. The code uses no
/// fused multiply-add, so both give the same bits: only the vector width
/// differs.
macro_rules! avx2 {
    ($call:expr) => {{
        #[cfg(target_arch = "x86_64")]
        {
            #[target_feature(enable = "avx2")]
            unsafe fn wide<R>(f: impl FnOnce() -> R) -> R {
                f()
            }
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU supports AVX2 (checked just above).
                unsafe { wide(|| $call) }
            } else {
                $call
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            $call
        }
    }};
}
pub(crate) use avx2;

/// [`avx2!`] with AVX-512 (F) first, where the CPU has it: vectors twice
/// as wide, the same bits (no fused multiply-add is ever formed, and the
/// reductions are written out lane by lane, so the vector width does not
/// change the order of any sum).
macro_rules! avx512 {
    ($call:expr) => {{
        #[cfg(target_arch = "x86_64")]
        {
            #[target_feature(enable = "avx512f")]
            unsafe fn widest<R>(f: impl FnOnce() -> R) -> R {
                f()
            }
            if std::arch::is_x86_feature_detected!("avx512f") {
                // SAFETY: the CPU supports AVX-512 F (checked just above).
                unsafe { widest(|| $call) }
            } else {
                $crate::runtime::threads::avx2!($call)
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            $call
        }
    }};
}
pub(crate) use avx512;

/// Run `f` on every item, on up to `threads` scoped threads (contiguous
/// runs of items per thread); results in item order.
pub(crate) fn map_chunks<T, R, F>(items: Vec<T>, threads: usize, f: F) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let threads = threads.clamp(1, items.len().max(1));
    if threads == 1 {
        return items.into_iter().map(f).collect();
    }
    let per = items.len().div_ceil(threads);
    let mut groups: Vec<Vec<T>> = Vec::with_capacity(threads);
    let mut items = items.into_iter();
    loop {
        let g: Vec<T> = items.by_ref().take(per).collect();
        if g.is_empty() {
            break;
        }
        groups.push(g);
    }
    let f = &f;
    std::thread::scope(|s| {
        let mut groups = groups.into_iter();
        let first = groups.next().unwrap_or_default();
        let handles: Vec<_> = groups
            .map(|g| s.spawn(move || g.into_iter().map(f).collect::<Vec<R>>()))
            .collect();
        let mut out: Vec<R> = first.into_iter().map(f).collect();
        for h in handles {
            out.extend(h.join().expect("worker thread panicked"));
        }
        out
    })
}
