//! The GIL, modelled on CPython's `Python/ceval_gil.c` (3.2 and later).
//!
//! * `take`: while the GIL is locked, wait on `cond` for at most one switch
//!   interval. If the wait timed out, the GIL is still locked and no switch
//!   happened meanwhile (`switch_number` unchanged), set the drop request: the
//!   eval breaker that makes the holder give the GIL up at its next check.
//!   On acquiring: mark locked, `switch_number += 1` when the holder changed,
//!   clear the drop request and signal `switch_cond`.
//! * `drop`: unlock and signal `cond`. With forced switching (always on in
//!   CPython): if a drop was requested and this thread was the last holder,
//!   wait on `switch_cond` until another thread has taken the GIL, so the
//!   dropper cannot grab it straight back.
//!
//! CPython uses two mutexes (`mutex` and `switch_mutex`); one suffices here
//! because no path holds one while waiting on the other's condition.
//! Events are stamped while the mutex is held, so the recorded acquires and
//! releases of one interpreter never overlap in time.

use crate::model::EventKind;
use crate::recording::Recorder;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// How long a dropper waits for the hand-over before it gives up the wait;
/// only reached if a waiter vanished, which the engine never lets happen.
const SWITCH_WAIT_SAFETY: Duration = Duration::from_secs(1);

#[derive(Debug, Default)]
struct GilState {
    locked: bool,
    last_holder: Option<u16>,
    switch_number: u64,
    /// Times the starter (see [`Gil::take_for_starter`]) took the GIL.
    starter_takes: u64,
}

/// One interpreter's global interpreter lock.
#[derive(Debug)]
pub struct Gil {
    state: Mutex<GilState>,
    cond: Condvar,
    switch_cond: Condvar,
    drop_request: AtomicBool,
    interval: Duration,
    handovers: AtomicU64,
    drop_requests: AtomicU64,
}

/// What one `take` cost the caller.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Taken {
    /// Nanoseconds spent waiting (0 when the GIL was free).
    pub waited_ns: u64,
    /// Run-clock time at which the GIL was acquired.
    pub at_ns: u64,
}

impl Gil {
    /// A free GIL with the given switch interval.
    pub fn new(interval: Duration) -> Self {
        Self {
            state: Mutex::new(GilState::default()),
            cond: Condvar::new(),
            switch_cond: Condvar::new(),
            drop_request: AtomicBool::new(false),
            interval: interval.max(Duration::from_micros(1)),
            handovers: AtomicU64::new(0),
            drop_requests: AtomicU64::new(0),
        }
    }

    fn lock(&self) -> MutexGuard<'_, GilState> {
        // A worker that panicked while holding the mutex leaves plain data
        // behind; the run reports the panic, the GIL stays usable.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The eval breaker: whether some waiter asked the holder to drop the GIL.
    #[inline]
    pub fn drop_requested(&self) -> bool {
        self.drop_request.load(Ordering::Relaxed)
    }

    /// Blocks until thread `me` holds the GIL, recording wait, drop requests and acquire.
    pub fn take(&self, me: u16, rec: &mut Recorder) -> Taken {
        let mut st = self.lock();
        let mut waited_from = None;
        if st.locked {
            waited_from = Some(rec.clock().now_ns());
            rec.record_at(waited_from.unwrap_or(0), EventKind::GilWait, 0);
        }
        while st.locked {
            let saved = st.switch_number;
            let (guard, res) = self
                .cond
                .wait_timeout(st, self.interval)
                .unwrap_or_else(|e| e.into_inner());
            st = guard;
            if res.timed_out()
                && st.locked
                && st.switch_number == saved
                && !self.drop_request.swap(true, Ordering::Relaxed)
            {
                self.drop_requests.fetch_add(1, Ordering::Relaxed);
                rec.record(EventKind::GilDropRequest, 0);
            }
        }
        st.locked = true;
        if st.last_holder != Some(me) {
            if st.last_holder.is_some() {
                self.handovers.fetch_add(1, Ordering::Relaxed);
            }
            st.last_holder = Some(me);
            st.switch_number += 1;
        }
        self.drop_request.store(false, Ordering::Relaxed);
        let at_ns = rec.clock().now_ns();
        rec.record_at(at_ns, EventKind::GilAcquire, st.switch_number);
        drop(st);
        self.switch_cond.notify_all();
        Taken {
            waited_ns: waited_from.map_or(0, |t| at_ns.saturating_sub(t)),
            at_ns,
        }
    }

    /// Releases the GIL held by `me`; `forced` when answering a drop request.
    pub fn drop_gil(&self, me: u16, forced: bool, rec: &mut Recorder) {
        let mut st = self.lock();
        rec.record(EventKind::GilRelease, forced as u64);
        st.locked = false;
        st.last_holder = Some(me);
        self.cond.notify_one();
        if self.drop_request.load(Ordering::Relaxed) {
            // Forced switching: do not come back before someone else took it.
            self.drop_request.store(false, Ordering::Relaxed);
            let starter_takes = st.starter_takes;
            while st.last_holder == Some(me) && st.starter_takes == starter_takes {
                let (guard, res) = self
                    .switch_cond
                    .wait_timeout(st, SWITCH_WAIT_SAFETY)
                    .unwrap_or_else(|e| e.into_inner());
                st = guard;
                if res.timed_out() {
                    break;
                }
            }
        }
    }

    /// Takes the GIL for the thread that starts the workers: CPython's
    /// `Thread.start()` runs in a thread that holds the GIL (the main
    /// program), so each new thread is started only once that thread has
    /// the GIL back from the threads started before it. The starter is not
    /// a worker and records nothing: it waits, and asks the holder to drop
    /// the GIL, like any thread, but its holds are neither hand-overs
    /// between workers nor counted drop requests, so the counters still
    /// match the recorded events. Gives up (false) when `stop` is set.
    pub fn take_for_starter(&self, stop: &crate::engine::cancel::CancelToken) -> bool {
        let mut st = self.lock();
        while st.locked {
            if stop.is_cancelled() {
                return false;
            }
            let saved = st.switch_number;
            let (guard, res) = self
                .cond
                .wait_timeout(st, self.interval)
                .unwrap_or_else(|e| e.into_inner());
            st = guard;
            if res.timed_out() && st.locked && st.switch_number == saved {
                self.drop_request.store(true, Ordering::Relaxed);
            }
        }
        st.locked = true;
        st.starter_takes += 1;
        self.drop_request.store(false, Ordering::Relaxed);
        drop(st);
        // A worker forced to drop the GIL may go on waiting once the
        // starter has it: someone else took it.
        self.switch_cond.notify_all();
        true
    }

    /// Gives up the GIL the starter holds.
    pub fn drop_for_starter(&self) {
        let mut st = self.lock();
        st.locked = false;
        self.drop_request.store(false, Ordering::Relaxed);
        drop(st);
        self.cond.notify_one();
    }

    /// Hand-overs from one thread to another so far.
    pub fn handovers(&self) -> u64 {
        self.handovers.load(Ordering::Relaxed)
    }

    /// Drop requests so far.
    pub fn drop_requests(&self) -> u64 {
        self.drop_requests.load(Ordering::Relaxed)
    }

    /// The switch interval.
    pub fn interval(&self) -> Duration {
        self.interval
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::WorkerId;
    use crate::recording::{Clock, EventSink};
    use crossbeam_channel::bounded;
    use std::sync::Arc;

    fn recorder(thread: u16) -> Recorder {
        let (tx, _rx) = bounded(1);
        Recorder::new(
            WorkerId::new(0, thread),
            Clock::start_now(),
            EventSink::new(tx),
            false,
        )
    }

    #[test]
    fn free_gil_is_taken_without_waiting_or_switch() {
        let gil = Gil::new(Duration::from_millis(5));
        let mut r = recorder(0);
        let t = gil.take(0, &mut r);
        assert_eq!(t.waited_ns, 0);
        gil.drop_gil(0, false, &mut r);
        gil.take(0, &mut r);
        assert_eq!(gil.handovers(), 0);
        assert_eq!(gil.drop_requests(), 0);
    }

    #[test]
    fn waiter_sets_drop_request_after_one_interval() {
        let gil = Arc::new(Gil::new(Duration::from_millis(2)));
        let mut r0 = recorder(0);
        gil.take(0, &mut r0);
        let g2 = gil.clone();
        let waiter = std::thread::Builder::new()
            .name("test-gil-waiter".into())
            .spawn(move || {
                let mut r1 = recorder(1);
                let t = g2.take(1, &mut r1);
                g2.drop_gil(1, false, &mut r1);
                t.waited_ns
            })
            .unwrap();
        // Hold the GIL like a CPU-bound thread: poll the eval breaker.
        while !gil.drop_requested() {
            std::thread::yield_now();
        }
        gil.drop_gil(0, true, &mut r0);
        let waited = waiter.join().unwrap();
        assert!(waited >= 1_000_000, "waited {waited} ns");
        assert_eq!(gil.drop_requests(), 1);
        assert_eq!(gil.handovers(), 1);
    }
}
