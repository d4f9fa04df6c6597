//! The engine's own overhead: one worker with no GIL against the same sum of
//! squares in a plain Rust loop (same kernel, no steps, no thread, no events).

use criterion::{Criterion, criterion_group, criterion_main};
use std::time::Duration;
use threadlab::engine::workload::sum_squares;
use threadlab::engine::{RunOptions, run_to_end};
use threadlab::model::Scenario;

const N: u64 = 100_000_000;

fn engine_overhead(c: &mut Criterion) {
    let mut g = c.benchmark_group("sum of squares, 100 M integers");
    g.sample_size(15).measurement_time(Duration::from_secs(6));
    g.bench_function("plain loop", |b| b.iter(|| sum_squares(0..N)));
    for gil in [false, true] {
        let label = if gil {
            "engine, 1 worker, GIL on"
        } else {
            "engine, 1 worker, GIL off"
        };
        g.bench_function(label, |b| {
            b.iter(|| {
                let s = Scenario {
                    threads: 1,
                    gil,
                    tasks: 1,
                    task_size: N,
                    ..Scenario::default()
                };
                run_to_end(
                    s,
                    RunOptions {
                        sample_cores: false,
                    },
                )
                .unwrap()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, engine_overhead);
criterion_main!(benches);
