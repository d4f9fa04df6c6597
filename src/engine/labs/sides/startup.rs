//! Starting a worker: a thread is a new stack in a process that is already
//! running; a process is a new program the OS has to load, link and start,
//! with its own memory. This lab starts `threads` threads, then `processes`
//! child processes, each worker doing one small task, and sets their spawn
//! latency and resident memory side by side.

use crate::engine::context::{EngineError, RunContext};
use crate::engine::interp::{Finished, Interp, InterpError, InterpResult};
use crate::engine::labs::sides::side::{self, median};
use crate::engine::labs::tasks::run_task;
use crate::engine::processes::GroupOutcome;
use crate::engine::summarize::{RunOutcome, SummaryExtras};
use crate::model::{EventKind, StartupGroup, StartupSummary};
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::Duration;

/// What each worker of one interpreter does: it waits (without the GIL)
/// until every worker of its interpreter has started, so that the start of
/// one is not slowed down by the work of the others, then runs one task.
pub fn run(interp: &Interp) -> Result<InterpResult, InterpError> {
    let s = &interp.scenario;
    let (count, first) = side::shape(interp);
    let started = AtomicU16::new(0);
    let workers = interp.run_workers(0, count, |w, thread| {
        w.drop_gil(false);
        started.fetch_add(1, Ordering::AcqRel);
        while started.load(Ordering::Acquire) < count && !w.cancel().is_cancelled() {
            std::thread::sleep(Duration::from_micros(50));
        }
        w.take_gil();
        let task = first + thread as u64;
        if !w.step() {
            return;
        }
        w.rec().record(EventKind::TaskStart, task);
        if run_task(w, s, task) {
            w.rec().record(EventKind::TaskEnd, task);
            w.stats.tasks_done += 1;
        }
    })?;
    Ok(interp.result(workers))
}

/// Starts the threads, then the processes, and compares them.
pub fn run_both(ctx: &RunContext) -> Result<RunOutcome, EngineError> {
    let threads = side::run_thread_group(ctx, ctx.cancel.clone(), run)?;
    let procs = if ctx.cancel.is_cancelled() {
        GroupOutcome::default()
    } else {
        side::run_process_group(ctx)?
    };
    let startup = StartupSummary {
        threads: group_of(threads.workers.iter()),
        processes: group_of(procs.results.iter().flat_map(|r| r.workers.iter())),
    };
    let mut notes = vec![describe(&startup)];
    notes.extend(procs.notes);
    let mut results = vec![threads];
    results.extend(procs.results);
    Ok(RunOutcome {
        results,
        extras: SummaryExtras {
            clock_alignment_error_us: procs.clock_alignment_error_us,
            startup: Some(startup),
            stopped: procs.killed,
            notes,
            ..SummaryExtras::default()
        },
    })
}

fn group_of<'a>(workers: impl Iterator<Item = &'a Finished>) -> StartupGroup {
    let (spawn, rss): (Vec<f64>, Vec<f64>) = workers
        .map(|f| (f.summary.spawn_us, f.summary.rss_bytes as f64))
        .unzip();
    StartupGroup {
        workers: spawn.len() as u32,
        spawn_us_median: median(&spawn),
        spawn_us_max: spawn.iter().copied().fold(0.0, f64::max),
        rss_bytes_median: median(&rss) as u64,
    }
}

fn describe(s: &StartupSummary) -> String {
    let ratio = |p: f64, t: f64| {
        if t > 0.0 {
            format!("{:.0}×", p / t)
        } else {
            "far".to_owned()
        }
    };
    format!(
        "a thread started in {:.0} µs and added {:.0} KiB; a process started in {:.1} ms and held {:.1} MiB \
         ({} slower to start, {} the memory)",
        s.threads.spawn_us_median,
        s.threads.rss_bytes_median as f64 / 1024.0,
        s.processes.spawn_us_median / 1e3,
        s.processes.rss_bytes_median as f64 / (1024.0 * 1024.0),
        ratio(s.processes.spawn_us_median, s.threads.spawn_us_median),
        ratio(
            s.processes.rss_bytes_median as f64,
            s.threads.rss_bytes_median as f64
        ),
    )
}
