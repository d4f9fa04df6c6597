//! Processes can be killed; threads cannot. Both groups run the same tasks
//! until the lab asks them to stop, part-way through a task: the child
//! processes get SIGKILL and are gone at once, while each thread goes on until
//! its next cooperative check — after the blocking wait it is in, say — since
//! nothing can end a thread from outside. The time from the stop request to
//! each worker's end is measured.

use crate::engine::cancel::CancelToken;
use crate::engine::context::{EngineError, RunContext};
use crate::engine::interp::{Interp, InterpError, InterpResult, panic_message};
use crate::engine::labs::sides::side;
use crate::engine::labs::tasks::run_task;
use crate::engine::summarize::{RunOutcome, SummaryExtras};
use crate::model::{EventKind, KillSummary};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// The stop comes this long after every child is up: half a blocking wait,
/// so the threads are caught in the middle of one, within these bounds.
const STOP_DELAY_MS: std::ops::RangeInclusive<u64> = 100..=5_000;

/// When each thread of an interpreter ended: (thread, run-clock ns).
type Ends = Mutex<Vec<(u16, u64)>>;

/// Each worker runs up to `tasks` tasks, looking at the stop request only
/// between tasks and between compute steps — never inside a blocking wait.
pub fn run(interp: &Interp) -> Result<InterpResult, InterpError> {
    run_noting_ends(interp, &Mutex::new(Vec::new()))
}

fn run_noting_ends(interp: &Interp, ends: &Ends) -> Result<InterpResult, InterpError> {
    let s = &interp.scenario;
    let (count, first) = side::shape(interp);
    let tasks = s.tasks as u64;
    let workers = interp.run_workers(0, count, |w, thread| {
        let worker = first + thread as u64;
        for i in 0..tasks {
            if !w.step() {
                break;
            }
            let task = worker * tasks + i;
            w.rec().record(EventKind::TaskStart, task);
            if !run_task(w, s, task) {
                break;
            }
            w.rec().record(EventKind::TaskEnd, task);
            w.stats.tasks_done += 1;
        }
        let end = w.rec().clock().now_ns();
        ends.lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((thread, end));
    })?;
    Ok(interp.result(workers))
}

/// The thread side, on a helper thread so the coordinator can kill the
/// processes meanwhile. Dropping it stops the threads and joins them.
struct ThreadSide {
    stop: CancelToken,
    handle: Option<JoinHandle<Result<InterpResult, InterpError>>>,
}

impl ThreadSide {
    fn start(ctx: &RunContext, stop: CancelToken, ends: Arc<Ends>) -> Result<Self, EngineError> {
        let interp = ctx.own_interp(stop.clone());
        let handle = std::thread::Builder::new()
            .name("tl-kill-threads".into())
            .spawn(move || run_noting_ends(&interp, &ends))
            .map_err(EngineError::Start)?;
        Ok(Self {
            stop,
            handle: Some(handle),
        })
    }

    fn join(mut self) -> Result<InterpResult, EngineError> {
        match self.handle.take().map(JoinHandle::join) {
            Some(Ok(result)) => Ok(result?),
            Some(Err(payload)) => Err(EngineError::Other(format!(
                "the thread side failed: {}",
                panic_message(&payload)
            ))),
            None => Err(EngineError::Other(
                "the thread side was already joined".into(),
            )),
        }
    }
}

impl Drop for ThreadSide {
    fn drop(&mut self) {
        self.stop.cancel();
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// Runs both groups, stops them mid-run, and measures how long each took.
pub fn run_both(ctx: &RunContext) -> Result<RunOutcome, EngineError> {
    let stop = CancelToken::new();
    let ends = Arc::new(Ends::default());
    let threads = ThreadSide::start(ctx, stop.clone(), ends.clone())?;
    let mut group = ctx.start_processes(&side::process_group_spec(ctx))?;
    group.wait_ready(&ctx.cancel)?;
    let delay = (ctx.scenario.io_ms / 2).clamp(*STOP_DELAY_MS.start(), *STOP_DELAY_MS.end());
    ctx.cancel.wait_timeout(Duration::from_millis(delay));
    let stop_at = ctx.clock.now_ns();
    stop.cancel();
    group.supervise(&stop)?;
    let procs = group.finish();
    let thread_result = threads.join()?;

    let since_stop = |t: u64| t.saturating_sub(stop_at) as f64 / 1e6;
    let mut ends = std::mem::take(&mut *ends.lock().unwrap_or_else(|e| e.into_inner()));
    ends.sort_unstable();
    let kill = KillSummary {
        stop_at_ms: stop_at as f64 / 1e6,
        threads_stop_ms: ends.iter().map(|&(_, t)| since_stop(t)).collect(),
        processes_stop_ms: procs
            .reaped_at_ns
            .iter()
            .map(|t| t.map_or(0.0, since_stop))
            .collect(),
    };
    let slowest = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
    let mut notes = vec![format!(
        "stop requested at {:.0} ms: every child process was gone {:.1} ms later (SIGKILL); \
         the last thread ended {:.1} ms later, at its next check",
        kill.stop_at_ms,
        slowest(&kill.processes_stop_ms),
        slowest(&kill.threads_stop_ms)
    )];
    notes.extend(procs.notes);
    let mut results = vec![thread_result];
    results.extend(procs.results);
    Ok(RunOutcome {
        results,
        extras: SummaryExtras {
            clock_alignment_error_us: procs.clock_alignment_error_us,
            kill: Some(kill),
            stopped: true,
            notes,
            ..SummaryExtras::default()
        },
    })
}
