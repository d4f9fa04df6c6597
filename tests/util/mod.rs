//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::sync::{Mutex, MutexGuard};
use threadlab::engine::{RunOptions, run_to_end};
use threadlab::model::{Event, RunSummary, Scenario, load_preset};

/// Timing tests take this lock so they do not compete for the two cores.
pub fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// A preset by name.
pub fn preset(name: &str) -> Scenario {
    load_preset(name)
        .expect("preset exists")
        .expect("preset parses")
}

/// Runs a scenario to the end without core sampling.
pub fn run(s: Scenario) -> (RunSummary, Vec<Event>) {
    run_to_end(
        s,
        RunOptions {
            sample_cores: false,
        },
    )
    .expect("run succeeds")
}

/// The fastest of `n` runs of `s`: timing claims compare best cases, which
/// a busy machine disturbs least.
pub fn run_best(s: &Scenario, n: usize) -> (RunSummary, Vec<Event>) {
    (0..n.max(1))
        .map(|_| run(s.clone()))
        .min_by(|a, b| a.0.wall_ms.total_cmp(&b.0.wall_ms))
        .expect("at least one run")
}

/// Logical cores of this machine.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Threads of this process whose name starts with `prefix` (Linux).
pub fn threads_named(prefix: &str) -> usize {
    let Ok(dir) = std::fs::read_dir("/proc/self/task") else {
        return 0;
    };
    dir.filter_map(Result::ok)
        .filter_map(|e| std::fs::read_to_string(e.path().join("comm")).ok())
        .filter(|comm| comm.starts_with(prefix))
        .count()
}
