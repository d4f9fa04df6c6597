//! Memory is shared between threads, not between processes. The threads of
//! threadlab's own process all increment one counter; each child process
//! increments its own copy of it. The threads' counter ends at the number of
//! increments; the parent's copy stays at 0, because a child's memory is its
//! own. The children's counting reaches the parent only because each one sends
//! its value back over its pipe, explicitly, in its final frame.

use crate::engine::context::{EngineError, RunContext};
use crate::engine::interp::{Interp, InterpError, InterpResult};
use crate::engine::labs::sides::side;
use crate::engine::processes::GroupOutcome;
use crate::engine::summarize::{RunOutcome, SummaryExtras};
use crate::engine::worker::Outcome;
use crate::engine::workload::STEP_INTEGERS;
use crate::model::{CounterSummary, EventKind, SharedMemorySummary};
use std::sync::atomic::{AtomicU64, Ordering};

/// Every worker of this interpreter increments the interpreter's counter
/// `increments` times, with a step of work before each increment.
pub fn run(interp: &Interp) -> Result<InterpResult, InterpError> {
    let s = &interp.scenario;
    let (count, _) = side::shape(interp);
    // One counter per interpreter: shared by its threads, a copy per process.
    let counter = AtomicU64::new(0);
    let workers = interp.run_workers(0, count, |w, _| {
        for _ in 0..s.increments {
            if w.compute(0..STEP_INTEGERS) == Outcome::Stopped {
                break;
            }
            let value = counter.fetch_add(1, Ordering::Relaxed) + 1;
            w.rec().record(EventKind::CounterWrite, value);
            w.stats.tasks_done += 1;
        }
    })?;
    let expected: u64 = workers.iter().map(|f| f.stats.tasks_done).sum();
    let actual = counter.load(Ordering::Relaxed);
    let mut result = interp.result(workers);
    result.counter = Some(CounterSummary {
        expected,
        actual,
        lost_updates: expected.saturating_sub(actual),
    });
    Ok(result)
}

/// Counts with threads, then with processes, and reports where the
/// increments ended up.
pub fn run_both(ctx: &RunContext) -> Result<RunOutcome, EngineError> {
    let threads = side::run_thread_group(ctx, ctx.cancel.clone(), run)?;
    // The parent's counter for the process side. Each child starts from a
    // copy of it (0) and never touches this one: nothing here writes to it.
    let parent_copy = 0u64;
    let procs = if ctx.cancel.is_cancelled() {
        GroupOutcome::default()
    } else {
        side::run_process_group(ctx)?
    };
    let child_copies: Vec<u64> = procs
        .results
        .iter()
        .map(|r| r.counter.map_or(0, |c| c.actual))
        .collect();
    let summary = SharedMemorySummary {
        increments_per_worker: ctx.scenario.increments as u64,
        threads_counter: threads.counter.map_or(0, |c| c.actual),
        parent_copy,
        sent_back_total: child_copies.iter().sum(),
        child_copies,
    };
    let mut notes = vec![
        format!(
            "threads: {} threads incremented one counter; it reads {}",
            ctx.scenario.threads, summary.threads_counter
        ),
        format!(
            "processes: each child counted its own copy ({}); the parent's copy still reads {}; \
             the {} they sent back over their pipes had to be added up by hand",
            summary
                .child_copies
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            summary.parent_copy,
            summary.sent_back_total
        ),
    ];
    notes.extend(procs.notes);
    let counter = threads.counter;
    let mut results = vec![threads];
    results.extend(procs.results);
    Ok(RunOutcome {
        results,
        extras: SummaryExtras {
            counter,
            clock_alignment_error_us: procs.clock_alignment_error_us,
            shared_memory: Some(summary),
            stopped: procs.killed,
            notes,
            ..SummaryExtras::default()
        },
    })
}
