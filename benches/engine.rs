//! The engine's own overhead: one worker summing squares against the same
//! kernel in a plain Rust loop (no steps, no thread, no events).
//!
//! A whole engine run also pays a fixed cost (the coordinator and worker
//! threads, joining, the summary), so the rows keep it apart: the empty run
//! is that fixed cost alone, and the plain loop on a new thread is the
//! kernel plus one spawn and join, the fairest baseline for a run.

use criterion::{Criterion, criterion_group, criterion_main};
use std::time::Duration;
use threadlab::engine::workload::sum_squares;
use threadlab::engine::{RunOptions, run_to_end};
use threadlab::model::Scenario;

const N: u64 = 100_000_000;

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

fn engine_overhead(c: &mut Criterion) {
    let mut g = c.benchmark_group("engine");
    g.sample_size(20).measurement_time(Duration::from_secs(5));
    g.bench_function("empty run (1 integer), GIL on", |b| b.iter(|| run(true, 1)));
    g.finish();

    let mut g = c.benchmark_group("sum of squares, 100 M integers");
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

criterion_group!(benches, engine_overhead);
criterion_main!(benches);
