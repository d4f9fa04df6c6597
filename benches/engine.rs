//! What one unit of CPU work costs, and the engine's own overhead on top of
//! it.
//!
//! The unit of work is one iteration of `total += i * i`. The model runs it
//! through a small interpreter (`engine::eval`), so that it costs about what
//! CPython needs for it; the register loop the model used before is kept
//! here as the "before" row. BENCHMARKS.md sets both beside CPython's cost.
//!
//! A whole engine run also pays a fixed cost (the coordinator and worker
//! threads, joining, the summary), so the rows keep it apart: the empty run
//! is that fixed cost alone, and the loop on a new thread is the kernel plus
//! one spawn and join, the fairest baseline for a run.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::time::Duration;
use threadlab::engine::workload::sum_squares;
use threadlab::engine::{RunOptions, run_to_end};
use threadlab::model::Scenario;

/// Integers of the overhead rows: about 60 ms of interpreted work.
const N: u64 = 1_000_000;

/// The kernel before: the counter in a register, six instructions an integer.
fn register_loop(range: std::ops::Range<u64>) -> u64 {
    let mut acc = 0u64;
    let mut i = range.start;
    while i < range.end {
        acc = acc.wrapping_add(i.wrapping_mul(i));
        i = std::hint::black_box(i) + 1;
    }
    acc
}

fn run(gil: bool, task_size: u64) {
    let s = Scenario {
        threads: 1,
        gil,
        tasks: 1,
        task_size,
        ..Scenario::default()
    };
    let options = RunOptions {
        sample_cores: false,
    };
    run_to_end(s, options).unwrap();
}

fn one_iteration(c: &mut Criterion) {
    let mut g = c.benchmark_group("one iteration of the sum of squares");
    g.sample_size(20).measurement_time(Duration::from_secs(5));
    // Integers past 10^8, as a task of the presets sums: two-digit squares.
    let base = 100_000_000;
    g.throughput(Throughput::Elements(100 * N));
    g.bench_function("register loop (before)", |b| {
        b.iter(|| register_loop(base..base + 100 * N))
    });
    g.throughput(Throughput::Elements(N));
    g.bench_function("interpreted loop (now)", |b| {
        b.iter(|| sum_squares(base..base + N))
    });
    g.finish();
}

fn engine_overhead(c: &mut Criterion) {
    let mut g = c.benchmark_group("engine");
    g.sample_size(20).measurement_time(Duration::from_secs(5));
    g.bench_function("empty run (1 integer), GIL on", |b| b.iter(|| run(true, 1)));
    g.finish();

    let mut g = c.benchmark_group("sum of squares, 1 M integers");
    g.sample_size(15).measurement_time(Duration::from_secs(6));
    g.bench_function("plain loop", |b| b.iter(|| sum_squares(0..N)));
    g.bench_function("plain loop on a new thread", |b| {
        b.iter(|| {
            std::thread::Builder::new()
                .name("bench-plain".into())
                .spawn(|| sum_squares(0..N))
                .unwrap()
                .join()
                .unwrap()
        })
    });
    for gil in [false, true] {
        let label = if gil {
            "engine, 1 worker, GIL on"
        } else {
            "engine, 1 worker, GIL off"
        };
        g.bench_function(label, |b| b.iter(|| run(gil, N)));
    }
    g.finish();
}

criterion_group!(benches, one_iteration, engine_overhead);
criterion_main!(benches);
