//! In-process hot paths: one training step of the faithful
//! network loop, `repeat`'s closed-form networks, one Fisher-scoring
//! iteration at n = 1e6, k = 10, CSV parsing, and a plain memory copy for
//! the hardware's bandwidth.
//!
//!     cargo bench --bench hot_paths
//!
//! Throughputs: steps/s for training, rows/s for IRLS, bytes/s for CSV and
//! copy (the copy counts bytes read + bytes written).
use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use logreg::data::{parse_rows_for_bench, read_csv, CsvOptions};
use logreg::glm::irls::{step, Memory, State};
use logreg::nn::{train, TrainConfig};
use logreg::runtime::threads::Threads;
use logreg::simulate::{draw, simulate, to_csv, SimConfig};
use logreg::spec::roles::RowValues;
use logreg::spec::{Binomial, Logit};
use logreg::study::{train_batch, BatchControl, GradientPath};

const STEPS: usize = 1000;

fn training_step(c: &mut Criterion) {
    let _threads = logreg::runtime::torch::TorchThreads::set(Threads::Fixed(1));
    let data = simulate(&SimConfig::default()).unwrap().data;
    let mut g = c.benchmark_group("nn");
    g.throughput(Throughput::Elements(STEPS as u64));
    for autograd in [false, true] {
        let cfg = TrainConfig {
            steps: STEPS,
            autograd,
            ..TrainConfig::default()
        };
        let name = if autograd {
            "1000 steps, autograd loop"
        } else {
            "1000 steps, replayed kernels"
        };
        g.bench_function(name, |b| {
            b.iter(|| black_box(train(&data, &cfg).unwrap().params))
        });
    }
    let setup = TrainConfig {
        steps: 0,
        ..TrainConfig::default()
    };
    g.throughput(Throughput::Elements(1));
    g.bench_function("setup only (steps 0)", |b| {
        b.iter(|| black_box(train(&data, &setup).unwrap().params))
    });
    g.finish();
}

/// `repeat`'s closed-form networks on one thread: 16 networks of the
/// lecture's n = 1000 rows, 1000 SGD steps each. Throughput in row-steps
/// (16 · 1000 · 1000 per iteration; the draws of the initial weights included).
fn batched_networks(c: &mut Criterion) {
    let seeds: Vec<u64> = (0..16).collect();
    let data: Vec<_> = seeds
        .iter()
        .map(|&seed| {
            let sim = SimConfig {
                seed,
                ..SimConfig::default()
            };
            simulate(&sim).unwrap().data
        })
        .collect();
    let cfg = TrainConfig {
        steps: STEPS,
        ..TrainConfig::default()
    };
    let rows = data[0].n();
    let mut g = c.benchmark_group("repeat");
    g.throughput(Throughput::Elements((seeds.len() * rows * STEPS) as u64));
    g.bench_function("16 networks x 1000 steps, closed form", |b| {
        b.iter(|| {
            let mut ctl = BatchControl::default();
            black_box(train_batch(&data, &seeds, &cfg, GradientPath::Auto, &mut ctl).unwrap())
        })
    });
    g.finish();
}

/// One Fisher-scoring iteration at n = 1e6, k = 10 features (+ intercept):
/// one pass over the rows (η, μ, the deviance, the weights and the
/// weighted QR) and the solve. The pass reads X once: 8·n·k bytes = 88 MB
/// per iteration; compare the achieved rate with `hardware/copy`. The
/// first iteration starts from statsmodels' μ₀ (no Xβ, no inverse link);
/// every later one from parameters (Xβ and the inverse link on each row),
/// timed here from those of the first solve.
fn irls_iteration(c: &mut Criterion) {
    let sim = SimConfig {
        n: 1_000_000,
        beta: vec![0.1, 0.2, -0.3, 0.4, -0.5, 0.6, -0.7, 0.8, -0.9, 1.0, -1.1],
        seed: 1,
        ..SimConfig::default()
    };
    let data = simulate(&sim).unwrap().data;
    let family = Binomial::new(Logit);
    let design = Memory::new(data.x(), data.k(), data.y());
    let rows = RowValues::default();
    let mut first = State::Start;
    step(&family, &design, &rows, &mut first, 1, 1).unwrap();
    let mut g = c.benchmark_group("glm");
    g.sample_size(10);
    for (from, start) in [("", State::Start), (" from parameters", first)] {
        for threads in [1, 2] {
            g.throughput(Throughput::Bytes(8 * data.x().len() as u64));
            g.bench_function(
                format!("one IRLS iteration{from} 1e6 x 11, {threads} thread(s)"),
                |b| {
                    b.iter_batched_ref(
                        || start.clone(),
                        |state| {
                            black_box(
                                step(&family, &design, &rows, state, 1, threads)
                                    .unwrap()
                                    .deviance,
                            )
                        },
                        BatchSize::LargeInput,
                    )
                },
            );
        }
    }
    g.finish();
}

fn csv_parsing(c: &mut Criterion) {
    let sim = SimConfig {
        n: 200_000,
        beta: vec![0.1; 11],
        seed: 1,
        ..SimConfig::default()
    };
    let text = to_csv(&draw(&sim).unwrap(), false);
    let path = std::env::temp_dir().join(format!("logreg-bench-{}.csv", std::process::id()));
    std::fs::write(&path, &text).unwrap();
    let mut g = c.benchmark_group("csv");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.sample_size(10);
    // On one thread, as the other benchmarks.
    let opts = CsvOptions {
        threads: Threads::Fixed(1),
        ..CsvOptions::default()
    };
    g.bench_function("read_csv 200k x 10", |b| {
        b.iter(|| black_box(read_csv(&path, &opts).unwrap().0.n()))
    });
    // The fast path's parsing alone: the rows after the header, in memory,
    // on one thread, without reading the file or Dataset::new's checks.
    let header = text.find('\n').unwrap() + 1;
    let rows = &text.as_bytes()[header..];
    g.throughput(Throughput::Bytes(rows.len() as u64));
    g.bench_function("parse 200k x 10", |b| {
        b.iter(|| black_box(parse_rows_for_bench(rows, b',', 11, 10).unwrap().1.len()))
    });
    g.finish();
    let _ = std::fs::remove_file(&path);
}

fn memory_copy(c: &mut Criterion) {
    const SIZE: usize = 256 << 20;
    let src = vec![1u8; SIZE];
    let mut g = c.benchmark_group("hardware");
    g.throughput(Throughput::Bytes(2 * SIZE as u64));
    g.sample_size(10);
    // One destination, touched before timing: a fresh buffer would time
    // the kernel's page faults, not the memory.
    let mut dst = vec![0u8; SIZE];
    g.bench_function("copy 256 MiB (read + write)", |b| {
        b.iter(|| dst.copy_from_slice(black_box(&src)))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(5)).warm_up_time(Duration::from_secs(1));
    targets = training_step, batched_networks, irls_iteration, csv_parsing, memory_copy
}
criterion_main!(benches);
