//! What starting a worker costs, and what processes buy on CPU-bound work.
//!
//! * `spawn/thread`, `spawn/process`: spawn latency of one worker, from the
//!   start request to its first event, as the engine measures it (a thread
//!   of threadlab's own process; a child process with one worker thread,
//!   hand-shake included). Reported as the time per worker.
//! * `cpu-bound/processes/P`: wall time of the same CPU-bound work (8 tasks)
//!   on 1 worker thread, and on 2 and 4 child processes (process start-up
//!   included); speedup = P1 / PN.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::time::Duration;
use threadlab::engine::processes::set_worker_program;
use threadlab::engine::{RunOptions, run_to_end};
use threadlab::model::{Lab, Scenario, load_preset};

fn options() -> RunOptions {
    RunOptions {
        sample_cores: false,
    }
}

fn cpu_bound() -> Scenario {
    load_preset("cpu-bound")
        .and_then(Result::ok)
        .unwrap_or_default()
}

/// Runs `scenario` `iters` times and adds up the spawn latency of the
/// workers `pick` selects (by process index), per worker.
fn spawn_time(iters: u64, scenario: &Scenario, pick: fn(u16) -> bool) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let (summary, _) = run_to_end(scenario.clone(), options()).expect("run");
        let us: Vec<f64> = summary
            .workers
            .iter()
            .filter(|w| pick(w.id.process))
            .map(|w| w.spawn_us)
            .collect();
        let mean = us.iter().sum::<f64>() / us.len().max(1) as f64;
        total += Duration::from_secs_f64(mean / 1e6);
    }
    total
}

fn spawn(c: &mut Criterion) {
    set_worker_program(env!("CARGO_BIN_EXE_threadlab"));
    let tiny = Scenario {
        threads: 1,
        processes: 1,
        tasks: 1,
        task_size: 1,
        record: false,
        ..cpu_bound()
    };
    let startup = Scenario {
        lab: Lab::Startup,
        ..tiny.clone()
    };
    let mut group = c.benchmark_group("spawn");
    group.sample_size(30);
    group.bench_function("thread", |b| {
        b.iter_custom(|iters| spawn_time(iters, &tiny, |p| p == 0))
    });
    group.bench_function("process", |b| {
        b.iter_custom(|iters| spawn_time(iters, &startup, |p| p != 0))
    });
    group.finish();
}

fn speedup(c: &mut Criterion) {
    set_worker_program(env!("CARGO_BIN_EXE_threadlab"));
    let mut group = c.benchmark_group("cpu-bound");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    for processes in [1u32, 2, 4] {
        let work = Scenario {
            processes,
            threads: 1,
            tasks: 8,
            task_size: 800_000,
            record: false,
            ..cpu_bound()
        };
        group.bench_with_input(
            BenchmarkId::new("processes", processes),
            &work,
            |b, work| b.iter(|| run_to_end(work.clone(), options()).expect("run")),
        );
    }
    group.finish();
}

criterion_group!(benches, spawn, speedup);
criterion_main!(benches);
