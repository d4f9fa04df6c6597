//! A lock for the labs' Python code, `threading.Lock` as CPython 3.13 builds
//! it (on `PyMutex`). Waiting for it must not hold the GIL, or the holder
//! could never run to release it: like `lock.acquire()`, a worker first tries
//! it while holding the GIL, and only when that fails gives the GIL up, blocks,
//! and takes the GIL back once it owns the lock.
//!
//! Fairness follows `PyMutex`: a release normally just unlocks, and whoever
//! comes first may take the lock (even the thread that just released it), but
//! a waiter that has waited longer than [`HANDOFF_AFTER`] is handed the lock
//! directly, so a thread looping on `with lock:` cannot starve the others.
//!
//! Every wait, acquire and release is recorded on the worker's lane, stamped
//! while the lock's own mutex is held, so recorded holds never overlap.

use crate::engine::worker::Worker;
use crate::model::EventKind;
use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// A waiter blocked longer than this is handed the lock on release
/// (`TIME_TO_BE_FAIR_NS` in CPython's `Python/lock.c`).
pub const HANDOFF_AFTER: Duration = Duration::from_millis(1);

/// How often a blocked waiter looks at the stop request.
const STOP_POLL: Duration = Duration::from_millis(20);

#[derive(Debug, Default)]
struct LockState {
    holder: Option<u16>,
    /// Blocked threads, oldest first, with the moment each began to wait.
    waiters: VecDeque<(u16, Instant)>,
    acquisitions: u64,
    contended: u64,
}

/// A lock shared by the workers of one interpreter.
#[derive(Debug, Default)]
pub struct LabLock {
    state: Mutex<LockState>,
    released: Condvar,
}

impl LabLock {
    /// An unlocked lock.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, LockState> {
        // Plain data: a panicking worker leaves it consistent enough to report.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes the lock for worker `w` (which holds the GIL, if there is one).
    ///
    /// Returns false, without the lock, when a stop was requested while it
    /// waited; the GIL is held again on return either way. Time spent blocked
    /// is added to `w.stats.lock_wait_ns`.
    pub fn acquire(&self, w: &mut Worker) -> bool {
        let me = w.id().thread;
        {
            let mut st = self.lock();
            if st.holder.is_none() {
                st.holder = Some(me);
                st.acquisitions += 1;
                w.rec().record(EventKind::LockAcquire, st.acquisitions);
                return true;
            }
            st.contended += 1;
        }
        let began = w.rec().clock().now_ns();
        w.rec().record_at(began, EventKind::LockWait, 0);
        // Blocking releases the GIL, as `lock.acquire()` does.
        w.drop_gil(false);
        let owned = self.wait_until_owned(w, me);
        if let Some(at) = owned {
            w.stats.lock_wait_ns += at.saturating_sub(began);
        }
        w.take_gil();
        owned.is_some()
    }

    /// The blocking part of `acquire`, entered without the GIL: waits until
    /// the lock is free or handed over, or a stop is requested. Returns the
    /// run-clock time the lock was taken, `None` when stopped.
    fn wait_until_owned(&self, w: &mut Worker, me: u16) -> Option<u64> {
        let mut st = self.lock();
        st.waiters.push_back((me, Instant::now()));
        loop {
            if st.holder == Some(me) {
                // Handed over by the releaser, who already took us off the queue.
                break;
            }
            if st.holder.is_none() {
                st.holder = Some(me);
                st.waiters.retain(|(t, _)| *t != me);
                break;
            }
            if w.cancel().is_cancelled() {
                st.waiters.retain(|(t, _)| *t != me);
                return None;
            }
            st = self
                .released
                .wait_timeout(st, STOP_POLL)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        st.acquisitions += 1;
        let at = w.rec().clock().now_ns();
        w.rec()
            .record_at(at, EventKind::LockAcquire, st.acquisitions);
        Some(at)
    }

    /// Releases the lock held by `w`: hands it to the oldest waiter if that
    /// one has waited long enough, otherwise just unlocks it.
    pub fn release(&self, w: &mut Worker) {
        let mut st = self.lock();
        debug_assert_eq!(st.holder, Some(w.id().thread), "release by a non-holder");
        w.rec().record(EventKind::LockRelease, 0);
        st.holder = match st.waiters.front() {
            Some(&(next, since)) if since.elapsed() >= HANDOFF_AFTER => {
                st.waiters.pop_front();
                Some(next)
            }
            _ => None,
        };
        drop(st);
        self.released.notify_all();
    }

    /// Times the lock was taken, and how many of those had to wait.
    pub fn counts(&self) -> (u64, u64) {
        let st = self.lock();
        (st.acquisitions, st.contended)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::cancel::CancelToken;
    use crate::engine::gil::Gil;
    use crate::model::WorkerId;
    use crate::recording::{Clock, EventSink, Recorder};
    use crossbeam_channel::bounded;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};

    fn worker(thread: u16, gil: &Arc<Gil>, cancel: &CancelToken) -> Worker {
        let (tx, _rx) = bounded(64);
        let id = WorkerId::new(0, thread);
        let rec = Recorder::new(id, Clock::start_now(), EventSink::new(tx), false);
        Worker::begin(id, rec, Some(gil.clone()), cancel.clone(), 0)
    }

    #[test]
    fn guards_a_read_modify_write_across_gil_releases() {
        let gil = Arc::new(Gil::new(Duration::from_micros(100)));
        let cancel = CancelToken::new();
        let lock = LabLock::new();
        let counter = AtomicU64::new(0);
        std::thread::scope(|s| {
            for t in 0..3u16 {
                let (gil, cancel, lock, counter) = (&gil, &cancel, &lock, &counter);
                std::thread::Builder::new()
                    .name(format!("test-lock-{t}"))
                    .spawn_scoped(s, move || {
                        let mut w = worker(t, gil, cancel);
                        for _ in 0..20 {
                            assert!(w.step());
                            assert!(lock.acquire(&mut w));
                            let v = counter.load(Ordering::Relaxed);
                            // A blocking wait inside the critical section lets others run.
                            w.io_wait(Duration::from_micros(200));
                            counter.store(v + 1, Ordering::Relaxed);
                            lock.release(&mut w);
                        }
                        w.finish();
                    })
                    .unwrap();
            }
        });
        assert_eq!(counter.load(Ordering::Relaxed), 60);
        let (taken, contended) = lock.counts();
        assert_eq!(taken, 60);
        assert!(contended > 0);
    }

    #[test]
    fn a_stop_frees_a_blocked_waiter() {
        let gil = Arc::new(Gil::new(Duration::from_millis(5)));
        let cancel = CancelToken::new();
        let lock = LabLock::new();
        let mut holder = worker(0, &gil, &cancel);
        assert!(lock.acquire(&mut holder));
        // Let the waiter run while the lock stays taken.
        holder.drop_gil(false);
        std::thread::scope(|s| {
            let h = std::thread::Builder::new()
                .name("test-lock-waiter".into())
                .spawn_scoped(s, || {
                    let mut w = worker(1, &gil, &cancel);
                    let got = lock.acquire(&mut w);
                    w.finish();
                    got
                })
                .unwrap();
            std::thread::sleep(Duration::from_millis(30));
            cancel.cancel();
            assert!(!h.join().unwrap());
        });
        lock.release(&mut holder);
        holder.finish();
    }
}
