//! The daemon lab: what happens to workers when the main program ends.
//!
//! * Thread 0 is the main program: it queues `tasks` tasks, does its own
//!   short job (a wait of [`MAIN_WAITS`] × `io_ms`), and exits.
//! * Threads 1..=`threads` are the workers, the tutorial's endless
//!   `while True: task = q.get(); ...` loop. A task writes an output file in
//!   [`CHUNKS`] chunks, each followed by a wait of `io_ms`, inside an open
//!   transaction it commits at the end ([`crate::engine::labs::py::files`]).
//!
//! With `daemon` on, the exit cuts the workers off wherever they are: each
//! notices at its next check, even in the middle of a blocking wait (these
//! waits, unlike ordinary ones, end early, as a process exit ends them), and
//! records `CutOff`. Their half-written files and open transactions are
//! counted after the run, then removed.
//!
//! With `daemon` off, the main program waits for its workers, which never
//! return: they finish every task, then block in `get()` for more. The run
//! says it is waiting, and ends at the user's Stop.

use crate::engine::cancel::CancelToken;
use crate::engine::interp::{Interp, InterpError, InterpResult};
use crate::engine::labs::py::files::{Leftovers, ScratchDir};
use crate::engine::labs::py::main_exit::{hang_fix_note, wait_for_non_daemons};
use crate::engine::labs::py::queue::{Interrupted, LabQueue};
use crate::engine::labs::tasks::shard_tasks;
use crate::engine::worker::Worker;
use crate::model::{CutOffSummary, EventKind, Scenario};
use std::io;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

/// Chunks of output per task, each followed by a wait of `io_ms`.
pub const CHUNKS: u32 = 4;

/// The main program's own job is this many waits of `io_ms`: half a task, so
/// the workers are in the middle of their first tasks when it exits.
pub const MAIN_WAITS: u32 = CHUNKS / 2;

/// Everything the threads of one daemon run share.
struct Shared<'a> {
    interp: &'a Interp,
    queue: LabQueue,
    dir: ScratchDir,
    /// Fired when the main program exits with daemon workers.
    exited: CancelToken,
    alive: AtomicU32,
    cut_off: AtomicU64,
    stopped_mid_task: AtomicU64,
    /// Swept while the main program hung (so an interrupted CLI leaves nothing).
    swept_early: Mutex<Leftovers>,
    error: Mutex<Option<io::Error>>,
}

/// How one task ended.
enum TaskEnd {
    Committed,
    CutOff,
    Stopped,
}

/// Runs the main program (thread 0) and `threads` workers.
pub fn run(interp: &Interp) -> Result<InterpResult, InterpError> {
    let s = &interp.scenario;
    let resource = |source| InterpError::Resource {
        what: "the daemon lab's scratch directory".to_owned(),
        source,
    };
    let shared = Shared {
        interp,
        queue: LabQueue::new(0),
        dir: ScratchDir::create(&format!("daemon-p{}", interp.process)).map_err(resource)?,
        exited: CancelToken::new(),
        alive: AtomicU32::new(s.threads),
        cut_off: AtomicU64::new(0),
        stopped_mid_task: AtomicU64::new(0),
        swept_early: Mutex::new(Leftovers::default()),
        error: Mutex::new(None),
    };
    let ids: Vec<u64> = shard_tasks(s.tasks, interp.shard(), interp.interpreters).collect();
    let workers = interp.run_workers(0, s.threads_per_interpreter() as u16, |w, thread| {
        if thread == 0 {
            main_program(w, &shared, &ids);
        } else {
            worker(w, &shared);
            shared.alive.fetch_sub(1, Ordering::SeqCst);
        }
    })?;
    let left = shared.dir.sweep().map_err(resource)?;
    let early = *shared.swept_early.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(source) = shared
        .error
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take()
    {
        return Err(resource(source));
    }
    let left = left + early;
    let cut = CutOffSummary {
        tasks: shared.cut_off.load(Ordering::SeqCst),
        unreleased_resources: left.unreleased(),
    };
    let stopped_mid_task = shared.stopped_mid_task.load(Ordering::SeqCst);
    let mut result = interp.result(workers);
    result.notes = notes(s, &cut, &left, ids.len(), stopped_mid_task);
    result.cut_off = Some(cut);
    Ok(result)
}

/// Thread 0: queue the tasks, do its own job, exit.
fn main_program(w: &mut Worker, sh: &Shared, ids: &[u64]) {
    for &id in ids {
        if !w.step() || sh.queue.put(w, id).is_err() {
            break;
        }
    }
    let s = &sh.interp.scenario;
    // Its own job. A main thread's sleep is cut short by Ctrl-C in Python,
    // so this wait ends early on Stop (and on nothing else).
    w.io_wait_interruptible(
        Duration::from_millis(s.io_ms * MAIN_WAITS as u64),
        &CancelToken::new(),
    );
    if w.cancel().is_cancelled() {
        // Stopped before its exit: every thread ends at its next check.
    } else if s.daemon {
        // The interpreter exits: daemon threads die wherever they are.
        sh.exited.cancel();
    } else {
        let total = ids.len();
        wait_for_non_daemons(w, sh.interp, &sh.alive, || {
            (sh.queue.unfinished() == 0).then(|| {
                // Every output is committed: clean up now, so even a killed
                // run leaves nothing behind.
                if let Ok(found) = sh.dir.sweep() {
                    let mut early = sh.swept_early.lock().unwrap_or_else(|e| e.into_inner());
                    *early = *early + found;
                }
                format!(
                    "all {total} tasks are done, yet the main program still waits: its \
                     {} workers block in get() for more work; press Stop",
                    sh.alive.load(Ordering::SeqCst)
                )
            })
        });
    }
    sh.queue.shutdown();
}

/// Threads 1..: take tasks forever, until cut off or stopped.
fn worker(w: &mut Worker, sh: &Shared) {
    loop {
        if !w.step() {
            return;
        }
        if sh.exited.is_cancelled() {
            w.rec().record(EventKind::CutOff, u64::MAX);
            return;
        }
        let task = match sh.queue.get(w) {
            Ok(task) => task,
            Err(Interrupted::ShutDown) if sh.exited.is_cancelled() => {
                // Cut off while idle, waiting for work.
                w.rec().record(EventKind::CutOff, u64::MAX);
                return;
            }
            Err(_) => return,
        };
        match perform(w, sh, task) {
            Ok(TaskEnd::Committed) => {
                sh.queue.task_done(w, task);
                w.stats.tasks_done += 1;
            }
            Ok(TaskEnd::CutOff) => {
                w.rec().record(EventKind::CutOff, task);
                sh.cut_off.fetch_add(1, Ordering::SeqCst);
                return;
            }
            Ok(TaskEnd::Stopped) => {
                sh.stopped_mid_task.fetch_add(1, Ordering::SeqCst);
                return;
            }
            Err(e) => {
                sh.error
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .get_or_insert(e);
                return;
            }
        }
    }
}

/// One task: open the transaction, write the chunks, commit. Returns early,
/// leaving both open, when cut off or stopped.
fn perform(w: &mut Worker, sh: &Shared, task: u64) -> io::Result<TaskEnd> {
    let wait = Duration::from_millis(sh.interp.scenario.io_ms);
    w.rec().record(EventKind::TaskStart, task);
    let mut output = sh.dir.begin(task)?;
    for chunk in 0..CHUNKS {
        output.write_chunk(chunk)?;
        let waited = w.io_wait_interruptible(wait, &sh.exited);
        // The loop's back edge is a check too.
        if !waited || !w.step() || sh.exited.is_cancelled() {
            return Ok(if sh.exited.is_cancelled() {
                TaskEnd::CutOff
            } else {
                TaskEnd::Stopped
            });
        }
    }
    output.commit()?;
    w.rec().record(EventKind::TaskEnd, task);
    Ok(TaskEnd::Committed)
}

fn notes(
    s: &Scenario,
    cut: &CutOffSummary,
    left: &Leftovers,
    tasks: usize,
    stopped_mid_task: u64,
) -> Vec<String> {
    let mut notes = vec![format!(
        "Thread 0 is the main program: it queued {tasks} tasks, did its own {} ms job and \
         exited; threads 1 to {} are {} workers looping on get() forever.",
        s.io_ms * MAIN_WAITS as u64,
        s.threads,
        if s.daemon { "daemon" } else { "non-daemon" }
    )];
    if s.daemon {
        notes.push(format!(
            "The exit cut off {} tasks mid-way: they left {} half-written output files and {} \
             uncommitted transactions ({} resources unreleased; found after the run, then \
             removed). {} tasks had committed before. Daemon threads are not shut down, \
             they just stop existing.",
            cut.tasks,
            left.half_written,
            left.open_transactions,
            cut.unreleased_resources,
            left.committed
        ));
    } else {
        notes.push(format!(
            "{} tasks committed; the main program waited for its workers instead of cutting \
             them off.",
            left.committed
        ));
        notes.push(hang_fix_note(s.threads));
    }
    if stopped_mid_task > 0 {
        notes.push(format!(
            "Stop caught {stopped_mid_task} tasks mid-way; their {} half-written files and {} \
             open transactions were counted and removed.",
            left.half_written, left.open_transactions
        ));
    }
    notes
}
