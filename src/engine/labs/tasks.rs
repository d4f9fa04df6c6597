//! The task pool: workers take tasks one by one until none is left. This is
//! the lab behind `cpu-bound`, `io-bound` and `gil-free`.
//!
//! With P interpreters, interpreter k takes the tasks k, k+P, k+2P, ...: each
//! process gets its equal part up front, as the tutorial splits its range.

use crate::engine::interp::{Interp, InterpError, InterpResult};
use crate::engine::worker::{Outcome, Worker};
use crate::engine::workload::{sum_squares_closed_form, task_range};
use crate::model::{EventKind, Scenario, Workload};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The task ids interpreter `shard` of `shards` owns.
pub fn shard_tasks(tasks: u32, shard: u32, shards: u32) -> impl Iterator<Item = u64> {
    (shard as u64..tasks as u64).step_by(shards.max(1) as usize)
}

/// Runs the task pool on this interpreter's threads.
pub fn run(interp: &Interp) -> Result<InterpResult, InterpError> {
    let s = &interp.scenario;
    let ids: Vec<u64> = shard_tasks(s.tasks, interp.shard(), interp.interpreters).collect();
    let next = AtomicU64::new(0);
    let workers = interp.run_workers(0, s.threads as u16, |w, _| {
        while w.step() {
            let k = next.fetch_add(1, Ordering::Relaxed) as usize;
            let Some(&task) = ids.get(k) else { break };
            w.rec().record(EventKind::TaskStart, task);
            if !run_task(w, s, task) {
                break;
            }
            w.rec().record(EventKind::TaskEnd, task);
            w.stats.tasks_done += 1;
        }
    })?;
    Ok(interp.result(workers))
}

/// Performs one task of the scenario's workload; false when stopped mid-way.
pub fn run_task(w: &mut Worker, s: &Scenario, task: u64) -> bool {
    let range = task_range(task, s.task_size);
    let computed = match s.workload {
        Workload::Cpu | Workload::Mixed => w.compute(range.clone()),
        Workload::Native => w.compute_native(range.clone()),
        Workload::Io => Outcome::Done(sum_squares_closed_form(range.clone())),
    };
    match computed {
        Outcome::Stopped => return false,
        Outcome::Done(sum) => {
            if sum != sum_squares_closed_form(range) {
                w.stats.wrong_results += 1;
            }
        }
    }
    if s.workload.waits() {
        w.io_wait(Duration::from_millis(s.io_ms));
    }
    true
}
