//! A FIFO queue for the labs' Python code, shaped like `queue.Queue`: `put`
//! blocks while a bounded queue is full, `get` while it is empty, every `get`
//! is answered by a `task_done`, and `join` waits until every item put has
//! been reported done. `shutdown` (Python 3.13's `Queue.shutdown`) releases
//! the threads blocked in it.
//!
//! Blocking in any of them releases the GIL, as it does in CPython (the
//! queue's condition variables wait on locks whose `acquire` lets the GIL
//! go); the item is taken or stored once the worker holds the GIL again. The
//! queue's own mutex is only ever held for a moment, never across a GIL
//! operation, so it cannot deadlock with the GIL.
//!
//! The queue measures itself: puts, gets, the deepest it got and the time
//! producers spent blocked on a full queue (back-pressure).

use crate::engine::worker::Worker;
use crate::model::{EventKind, QueueSummary};
use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// How often a blocked thread looks at the stop request.
const STOP_POLL: Duration = Duration::from_millis(20);

/// Why a blocking queue call returned without doing its job.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Interrupted {
    /// The run was stopped while the caller was blocked.
    #[error("the run was stopped")]
    Stopped,
    /// The queue was shut down (and, for `get`, is empty).
    #[error("the queue was shut down")]
    ShutDown,
}

#[derive(Debug, Default)]
struct QueueState {
    items: VecDeque<u64>,
    unfinished: u64,
    shut_down: bool,
    max_depth: u64,
    puts: u64,
    gets: u64,
    blocked_ns: u64,
}

/// A queue shared by the workers of one interpreter.
#[derive(Debug, Default)]
pub struct LabQueue {
    maxsize: u32,
    state: Mutex<QueueState>,
    not_empty: Condvar,
    not_full: Condvar,
    all_done: Condvar,
}

impl LabQueue {
    /// An empty queue holding at most `maxsize` items; 0 = unbounded.
    pub fn new(maxsize: u32) -> Self {
        Self {
            maxsize,
            ..Self::default()
        }
    }

    fn lock(&self) -> MutexGuard<'_, QueueState> {
        // Plain data: a panicking worker leaves it consistent enough to report.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn is_full(&self, st: &QueueState) -> bool {
        self.maxsize > 0 && st.items.len() >= self.maxsize as usize
    }

    /// Blocks, without the GIL, until `ready` holds, the queue is shut down or
    /// a stop is requested. Entered and left holding the GIL (if any), and
    /// never holding the queue's mutex. Only a wait, the caller re-checks.
    fn block_until(
        &self,
        w: &mut Worker,
        cond: &Condvar,
        ready: impl Fn(&QueueState) -> bool,
    ) -> Result<(), Interrupted> {
        w.drop_gil(false);
        let outcome = {
            let mut st = self.lock();
            loop {
                if ready(&st) {
                    break Ok(());
                }
                if st.shut_down {
                    break Err(Interrupted::ShutDown);
                }
                if w.cancel().is_cancelled() {
                    break Err(Interrupted::Stopped);
                }
                st = cond
                    .wait_timeout(st, STOP_POLL)
                    .unwrap_or_else(|e| e.into_inner())
                    .0;
            }
        };
        w.take_gil();
        outcome
    }

    /// Puts `item` at the back, blocking while the queue is full (recorded as
    /// back-pressure on the caller's lane).
    pub fn put(&self, w: &mut Worker, item: u64) -> Result<(), Interrupted> {
        let mut blocked_since = None;
        loop {
            let mut st = self.lock();
            if st.shut_down {
                return Err(Interrupted::ShutDown);
            }
            if !self.is_full(&st) {
                if let Some(since) = blocked_since {
                    let now = w.rec().clock().now_ns();
                    st.blocked_ns += now.saturating_sub(since);
                    w.rec().record_at(now, EventKind::QueueUnblocked, item);
                }
                st.items.push_back(item);
                st.unfinished += 1;
                st.puts += 1;
                let depth = st.items.len() as u64;
                st.max_depth = st.max_depth.max(depth);
                w.rec().record(EventKind::QueuePut, item);
                w.rec().record(EventKind::QueueDepth, depth);
                drop(st);
                self.not_empty.notify_one();
                return Ok(());
            }
            if blocked_since.is_none() {
                let now = w.rec().clock().now_ns();
                w.rec().record_at(now, EventKind::QueueBlocked, item);
                blocked_since = Some(now);
            }
            drop(st);
            let waited = self.block_until(w, &self.not_full, |st| !self.is_full(st));
            if let Err(e) = waited {
                // Close the blocked stretch on the lane even though no put followed.
                if let Some(since) = blocked_since {
                    let now = w.rec().clock().now_ns();
                    self.lock().blocked_ns += now.saturating_sub(since);
                    w.rec().record_at(now, EventKind::QueueUnblocked, item);
                }
                return Err(e);
            }
        }
    }

    /// Takes the item at the front, blocking while the queue is empty. A shut
    /// down queue still hands out what it holds, then answers `ShutDown`.
    pub fn get(&self, w: &mut Worker) -> Result<u64, Interrupted> {
        loop {
            let mut st = self.lock();
            if let Some(item) = st.items.pop_front() {
                st.gets += 1;
                let depth = st.items.len() as u64;
                w.rec().record(EventKind::QueueGet, item);
                w.rec().record(EventKind::QueueDepth, depth);
                drop(st);
                self.not_full.notify_one();
                return Ok(item);
            }
            drop(st);
            self.block_until(w, &self.not_empty, |st| !st.items.is_empty())?;
        }
    }

    /// Reports an item taken by `get` as processed.
    pub fn task_done(&self, w: &mut Worker, item: u64) {
        let mut st = self.lock();
        st.unfinished = st.unfinished.saturating_sub(1);
        w.rec().record(EventKind::TaskDone, item);
        if st.unfinished == 0 {
            drop(st);
            self.all_done.notify_all();
        }
    }

    /// Blocks until every item put so far has been reported done; answers
    /// `ShutDown` if the queue is shut down with work still unfinished.
    pub fn join(&self, w: &mut Worker) -> Result<(), Interrupted> {
        if self.unfinished() == 0 {
            return Ok(());
        }
        self.block_until(w, &self.all_done, |st| st.unfinished == 0)
    }

    /// Items put and not yet reported done.
    pub fn unfinished(&self) -> u64 {
        self.lock().unfinished
    }

    /// Wakes every blocked thread: `put` and an empty `get` answer `ShutDown`.
    pub fn shutdown(&self) {
        self.lock().shut_down = true;
        self.not_empty.notify_all();
        self.not_full.notify_all();
        self.all_done.notify_all();
    }

    /// What the queue measured so far.
    pub fn summary(&self) -> QueueSummary {
        let st = self.lock();
        QueueSummary {
            maxsize: self.maxsize,
            max_depth: st.max_depth,
            puts: st.puts,
            gets: st.gets,
            producer_blocked_ms: st.blocked_ns as f64 / 1e6,
        }
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

    fn worker(thread: u16, gil: &Arc<Gil>, cancel: &CancelToken) -> Worker {
        let (tx, _rx) = bounded(64);
        let id = WorkerId::new(0, thread);
        let rec = Recorder::new(id, Clock::start_now(), EventSink::new(tx), false);
        Worker::begin(id, rec, Some(gil.clone()), cancel.clone(), 0)
    }

    #[test]
    fn bounded_queue_is_fifo_blocks_the_producer_and_joins() {
        let gil = Arc::new(Gil::new(Duration::from_millis(1)));
        let cancel = CancelToken::new();
        let queue = LabQueue::new(1);
        let got = std::thread::scope(|s| {
            let consumer = std::thread::Builder::new()
                .name("test-queue-consumer".into())
                .spawn_scoped(s, || {
                    let mut w = worker(1, &gil, &cancel);
                    let mut got = Vec::new();
                    while let Ok(item) = queue.get(&mut w) {
                        w.io_wait(Duration::from_millis(2));
                        queue.task_done(&mut w, item);
                        got.push(item);
                    }
                    w.finish();
                    got
                })
                .unwrap();
            let mut w = worker(0, &gil, &cancel);
            for item in 0..5 {
                queue.put(&mut w, item).unwrap();
            }
            queue.join(&mut w).unwrap();
            queue.shutdown();
            w.finish();
            consumer.join().unwrap()
        });
        assert_eq!(got, vec![0, 1, 2, 3, 4]);
        let q = queue.summary();
        assert_eq!((q.puts, q.gets, q.max_depth), (5, 5, 1));
        assert!(q.producer_blocked_ms > 0.0);
        assert_eq!(queue.unfinished(), 0);
    }
}
