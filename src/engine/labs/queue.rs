//! The queue lab, the tutorial's producer and consumers:
//!
//! * thread 0 is the main program: it puts every item on a [`LabQueue`] of
//!   `queue_size` (0 = unbounded; a full queue blocks it: back-pressure),
//!   then joins the queue, which returns once every item is `task_done`;
//! * threads 1..=`threads` are the workers, each looping forever on
//!   get, work (one task of the scenario's workload), `task_done`.
//!
//! Workers never return by themselves. As daemons (the tutorial's choice)
//! they are abandoned when the main program ends: here the queue is shut
//! down and each records that it was cut off while idle. As non-daemons they
//! keep the program alive until the user stops it.
//!
//! With P interpreters, interpreter k works on its own share of the items.

use crate::engine::interp::{Interp, InterpError, InterpResult};
use crate::engine::labs::py::main_exit::{hang_fix_note, wait_for_non_daemons};
use crate::engine::labs::py::queue::LabQueue;
use crate::engine::labs::tasks::{run_task, shard_tasks};
use crate::engine::worker::Worker;
use crate::model::{EventKind, QueueSummary, Scenario};
use std::sync::atomic::{AtomicU32, Ordering};

/// Runs the main program (thread 0) and `threads` workers on one queue.
pub fn run(interp: &Interp) -> Result<InterpResult, InterpError> {
    let s = &interp.scenario;
    let items: Vec<u64> = shard_tasks(s.tasks, interp.shard(), interp.interpreters).collect();
    let queue = LabQueue::new(s.queue_size);
    let alive = AtomicU32::new(s.threads);
    let workers = interp.run_workers(0, s.threads_per_interpreter() as u16, |w, thread| {
        if thread == 0 {
            main_program(w, interp, &queue, &items, &alive);
        } else {
            worker(w, s, &queue);
            alive.fetch_sub(1, Ordering::SeqCst);
        }
    })?;
    let summary = queue.summary();
    let mut result = interp.result(workers);
    result.notes = notes(s, &summary, interp.cancel.is_cancelled());
    result.queue = Some(summary);
    Ok(result)
}

/// Thread 0: put every item, join the queue, then end the program.
fn main_program(
    w: &mut Worker,
    interp: &Interp,
    queue: &LabQueue,
    items: &[u64],
    alive: &AtomicU32,
) {
    for &item in items {
        if !w.step() || queue.put(w, item).is_err() {
            break;
        }
    }
    if queue.join(w).is_ok() && !interp.scenario.daemon {
        wait_for_non_daemons(w, interp, alive, || None);
    }
    // The program ends: daemon workers blocked in get() are abandoned, here
    // released by shutting the queue down.
    queue.shutdown();
}

/// Threads 1..: the tutorial's `while True: item = q.get(); work; q.task_done()`.
fn worker(w: &mut Worker, s: &Scenario, queue: &LabQueue) {
    while w.step() {
        let item = match queue.get(w) {
            Ok(item) => item,
            Err(_) => {
                if !w.cancel().is_cancelled() {
                    // Abandoned, idle, by the main program's exit.
                    w.rec().record(EventKind::CutOff, u64::MAX);
                }
                return;
            }
        };
        w.rec().record(EventKind::TaskStart, item);
        if !run_task(w, s, item) {
            return;
        }
        w.rec().record(EventKind::TaskEnd, item);
        queue.task_done(w, item);
        w.stats.tasks_done += 1;
    }
}

fn notes(s: &Scenario, q: &QueueSummary, stopped: bool) -> Vec<String> {
    let mut notes = vec![format!(
        "Thread 0 is the main program: it put {} items and joined the queue; threads 1 to {} \
         are the workers, each looping on get, work, task_done.",
        q.puts, s.threads
    )];
    notes.push(if q.maxsize == 0 {
        format!(
            "The queue was unbounded: the producer never waited, and it got {} items deep.",
            q.max_depth
        )
    } else {
        format!(
            "The queue had room for {} (it got {} deep): the producer was blocked \
             {:.1} ms in all, waiting for room (back-pressure).",
            q.maxsize, q.max_depth, q.producer_blocked_ms
        )
    });
    if s.daemon && !stopped && q.gets == q.puts {
        notes.push(
            "join() returned once every item was reported done; the idle workers, being \
             daemons, were abandoned when the main program ended."
                .to_owned(),
        );
    }
    if !s.daemon && stopped {
        notes.push(hang_fix_note(s.threads));
    }
    notes
}
