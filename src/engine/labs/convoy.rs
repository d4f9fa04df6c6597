//! The convoy effect: thread 0 does short blocking waits, each followed by a
//! little Python work; every other thread burns CPU. After each wait the I/O
//! thread needs the GIL back, and a CPU thread holds it until the switch
//! interval runs out, so the I/O thread's wake-up delay follows the interval.

use crate::engine::interp::{Interp, InterpError, InterpResult};
use crate::engine::worker::Outcome;
use crate::engine::workload::{STEP_INTEGERS, task_range};
use crate::model::EventKind;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// Runs thread 0 as the I/O worker and the rest as CPU workers.
pub fn run(interp: &Interp) -> Result<InterpResult, InterpError> {
    let s = &interp.scenario;
    let io_done = AtomicBool::new(false);
    let next_cpu_task = AtomicU64::new(0);
    let wait = Duration::from_millis(s.io_ms);
    let workers = interp.run_workers(0, s.threads as u16, |w, thread| {
        if thread == 0 {
            for task in 0..s.tasks as u64 {
                if !w.step() {
                    break;
                }
                w.rec().record(EventKind::TaskStart, task);
                w.io_wait(wait);
                // Handle the response: a step of Python work with the GIL.
                if w.compute(0..STEP_INTEGERS) == Outcome::Stopped {
                    break;
                }
                w.rec().record(EventKind::TaskEnd, task);
                w.stats.tasks_done += 1;
            }
            io_done.store(true, Ordering::Relaxed);
        } else {
            while w.step() && !io_done.load(Ordering::Relaxed) {
                let task = next_cpu_task.fetch_add(1, Ordering::Relaxed);
                w.rec().record(EventKind::TaskStart, task);
                if w.compute(task_range(task, s.task_size)) == Outcome::Stopped {
                    break;
                }
                w.rec().record(EventKind::TaskEnd, task);
                w.stats.tasks_done += 1;
            }
        }
    })?;
    Ok(interp.result(workers))
}
