//! The race lab: every thread performs `increments` read-modify-writes on one
//! shared counter, written one of three ways (`Scenario::update`):
//!
//! * `plain`, `x += 1`: the read and the write follow each other with no
//!   switch point between them; the eval breaker is only checked on the
//!   loop's back edge, as CPython does, so under the GIL no update is lost.
//! * `call`, `x = x + f()`: the call between the read and the write is a
//!   switch point; when the GIL changes hands there, the other thread's
//!   updates are overwritten by a stale value.
//! * `wait`, the tutorial's: read, a blocking wait with the GIL released,
//!   write back; the other thread reads the same old value meanwhile.
//!
//! With `lock` each update runs inside `with lock:` ([`LabLock`]). The
//! counter is an `AtomicU64` used with separate loads and stores (never
//! `fetch_add`), so with the GIL off the race is real, on real cores, and
//! still free of undefined behaviour.

use crate::engine::interp::{Interp, InterpError, InterpResult};
use crate::engine::labs::py::lock::LabLock;
use crate::engine::worker::Worker;
use crate::engine::workload::sum_squares;
use crate::model::{CounterSummary, EventKind, Scenario, Update};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The work of setting up the call in `x = x + f()`, in iterations of the
/// interpreted loop (about nine bytecodes each). In CPython about as many
/// bytecodes run before the check at the callee's entry (loads, the call's
/// frame) as after it (return, add, store, back edge), so a switch is about
/// as likely to fall inside the update as between two updates; one
/// iteration keeps the model's two sides of the check about as long.
const CALL_COST_INTEGERS: u64 = 1;

/// Runs `threads` workers on one shared counter.
pub fn run(interp: &Interp) -> Result<InterpResult, InterpError> {
    let s = &interp.scenario;
    let counter = AtomicU64::new(0);
    let lock = s.lock.then(LabLock::new);
    let wait = Duration::from_millis(s.io_ms);
    let workers = interp.run_workers(0, s.threads as u16, |w, _| {
        for _ in 0..s.increments {
            // The loop's back edge: where CPython checks the eval breaker.
            if !w.step() {
                break;
            }
            if let Some(lock) = &lock
                && !lock.acquire(w)
            {
                break;
            }
            increment(w, &counter, s.update, wait);
            if let Some(lock) = &lock {
                lock.release(w);
            }
            w.stats.tasks_done += 1;
        }
    })?;
    let expected: u64 = workers.iter().map(|f| f.stats.tasks_done).sum();
    let actual = counter.load(Ordering::SeqCst);
    let counter = CounterSummary {
        expected,
        actual,
        lost_updates: expected.saturating_sub(actual),
    };
    let lock_wait_ms = workers
        .iter()
        .map(|f| f.stats.lock_wait_ns as f64 / 1e6)
        .sum();
    let mut result = interp.result(workers);
    result.notes = notes(s, &counter, lock_wait_ms);
    result.counter = Some(counter);
    Ok(result)
}

/// One read-modify-write of the shared counter, written as `update` says.
fn increment(w: &mut Worker, counter: &AtomicU64, update: Update, wait: Duration) {
    let read = counter.load(Ordering::Relaxed);
    match update {
        // `x += 1`: nothing between the read and the write can switch.
        Update::Plain => {}
        // `x = x + f()`: calling f costs about as much as the rest of the
        // statement, and its entry is a switch point. A stop seen here still
        // lets the statement finish; the loop ends at its next back edge.
        Update::Call => {
            std::hint::black_box(sum_squares(0..CALL_COST_INTEGERS));
            w.step();
        }
        // Read, a blocking wait with the GIL released, write back.
        Update::Wait => w.io_wait(wait),
    }
    let written = read.wrapping_add(1);
    counter.store(written, Ordering::Relaxed);
    w.rec().record(EventKind::CounterWrite, written);
}

/// What the run shows, in words, for the summary.
fn notes(s: &Scenario, c: &CounterSummary, lock_wait_ms: f64) -> Vec<String> {
    let mut notes = vec![format!(
        "{} threads made {} updates in all; the counter ended at {}: {} lost.",
        s.threads, c.expected, c.actual, c.lost_updates
    )];
    let why = if s.lock {
        format!(
            "The lock made each read-modify-write indivisible, so no update could be lost; \
             the price is that updates ran one at a time (the threads waited {lock_wait_ms:.1} ms \
             in all for the lock)."
        )
    } else if !s.gil {
        "Without a GIL the threads ran at once on different cores: a read and a write of \
         two threads interleave freely, and every overlap loses an update."
            .to_owned()
    } else {
        match s.update {
            Update::Plain => {
                "Under the GIL, `x += 1` has no switch point between its read and its \
                 write (CPython hands the GIL over only at back edges and calls), so \
                 nothing was lost. That is luck of where switches fall, not a guarantee: \
                 add a call or a wait inside the update and it breaks."
                    .to_owned()
            }
            Update::Call => "The call inside `x = x + f()` is a switch point: whenever the GIL \
                 changed hands there, the other thread's updates were overwritten by a \
                 stale value when this one resumed."
                .to_owned(),
            Update::Wait => "Each thread read the counter, then waited with the GIL released; \
                 the other thread read the same old value meanwhile, and one write \
                 overwrote the other. Turn the lock on to fix it."
                .to_owned(),
        }
    };
    notes.push(why);
    notes
}
