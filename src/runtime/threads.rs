//! Threads and SIMD for the passes over the rows: thread count, scoped threads, AVX2 dispatch.

/// libtorch intra-op threads when `--threads` is not given. Tiny tensors
/// (the lecture's 1000 × 3) run fastest on one thread: thread hand-off costs
/// more than the arithmetic (time `logreg demo` with `--threads 1` and 2).
pub const DEFAULT_THREADS: usize = 1;

/// Most threads [`super::torch::TorchThreads`] and [`Threads::Fixed`] take (the CLI's `--threads` range).
/// libtorch's OpenMP pool starts one thread per requested thread, each with
/// its own stack mapping: near 32,000 threads the process runs out of memory
/// maps (Linux's default `vm.max_map_count` is 65,530, two per thread) and
/// libtorch crashes. 1024 is more cores than any one machine this runs on
/// has, and far below that limit.
pub const MAX_THREADS: usize = 1024;

/// In automatic mode, a design with at least this many values (rows ×
/// columns) has its passes over the rows (the GLM's) spread over every core.
/// Below it one thread is used: a pass over 10⁵ values takes well under a
/// millisecond, less than starting threads. The GLM also cuts its rows into
/// chunks of 32,768 ([`super::chunk::CHUNK`]), so smaller designs are
/// one chunk and run on one thread anyway.
pub const PARALLEL_MIN_VALUES: usize = 1 << 20;

/// How many threads the passes over the rows (reading a file, the rank
/// check, the GLM) use, and how many of a study's chunks run at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Threads {
    /// Every core for a design of at least [`PARALLEL_MIN_VALUES`] values,
    /// one below; a study runs one chunk per core. Default.
    #[default]
    Auto,
    /// This many threads (clamped to 1..=[`MAX_THREADS`]) for every pass; a
    /// study runs its chunks one at a time.
    Fixed(usize),
}

impl Threads {
    /// Threads for a pass over an n × k design.
    pub fn for_design(self, n: usize, k: usize) -> usize {
        match self {
            Threads::Auto if n.saturating_mul(k) >= PARALLEL_MIN_VALUES => cores(),
            Threads::Auto => 1,
            Threads::Fixed(fixed) => fixed.clamp(1, MAX_THREADS),
        }
    }

    /// Independent jobs to run at once, each with libtorch on one thread
    /// inside it (`repeat`'s chunks): every core while automatic (libtorch
    /// on one thread, as then in a single run); one when fixed, so that
    /// libtorch runs on that many threads as a single run at that count
    /// does (the exact path's bits follow libtorch's thread count).
    pub fn workers(self) -> usize {
        match self {
            Threads::Auto => cores(),
            Threads::Fixed(_) => 1,
        }
    }

    /// libtorch's intra-op threads: the fixed count, or
    /// [`DEFAULT_THREADS`] while automatic.
    pub fn torch(self) -> usize {
        match self {
            Threads::Auto => DEFAULT_THREADS,
            Threads::Fixed(fixed) => fixed.clamp(1, MAX_THREADS),
        }
    }
}

/// The machine's cores (1 where that is not known).
fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |c| c.get())
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
