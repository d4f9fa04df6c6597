//! One worker thread's view of the engine: its recorder, its interpreter's
//! GIL, the stop request, and the protocol every lab follows (take the GIL at
//! start, check the eval breaker between steps, release it around blocking
//! waits and native code, give it back at the end).

use crate::engine::cancel::CancelToken;
use crate::engine::core_watch::CoreWatch;
use crate::engine::eval::SquaresFrame;
use crate::engine::gil::Gil;
use crate::engine::platform;
use crate::engine::workload::STEP_INTEGERS;
use crate::model::{EventKind, WorkerId, WorkerSummary};
use crate::recording::Recorder;
use serde::{Deserialize, Serialize};
use std::ops::Range;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Steps between two looks at the current core and at the clock (a few
/// microseconds of work: see `core_watch` for why this is often enough).
const CORE_CHECK_EVERY: u32 = 16;

/// How often an interruptible wait looks at the run's stop request (it wakes
/// at once for its own interrupt).
const INTERRUPT_POLL: Duration = Duration::from_millis(10);

/// How a computation ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome<T> {
    /// It ran to the end.
    Done(T),
    /// A stop request was seen at a cooperative check.
    Stopped,
}

/// A running worker.
#[derive(Debug)]
pub struct Worker {
    id: WorkerId,
    rec: Recorder,
    gil: Option<Arc<Gil>>,
    cancel: CancelToken,
    holds_gil: bool,
    watch: CoreWatch,
    steps_to_core_check: u32,
    cpu_start_ns: u64,
    /// Measurements the labs add to.
    pub stats: WorkerStats,
}

/// What a worker measured about itself.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct WorkerStats {
    /// Tasks completed.
    pub tasks_done: u64,
    /// Nanoseconds waiting for the GIL.
    pub gil_wait_ns: u64,
    /// GIL acquisitions.
    pub gil_acquires: u64,
    /// Core changes seen.
    pub core_changes: u64,
    /// From a blocking wait's end to holding the GIL again, ns, per wait.
    pub wake_delays_ns: Vec<u64>,
    /// Nanoseconds waiting for a lab lock.
    pub lock_wait_ns: u64,
    /// Spawn latency, ns.
    pub spawn_ns: u64,
    /// Results that did not match their closed form.
    pub wrong_results: u64,
    /// Resident memory attributed to this worker, bytes.
    pub rss_bytes: u64,
    /// Nanoseconds ready to run but on no core (the waits it recorded).
    #[serde(default)]
    pub core_wait_ns: u64,
    /// Nanoseconds it computed on each core, indexed by core.
    #[serde(default)]
    pub on_core_ns: Vec<u64>,
}

impl Worker {
    /// Starts the worker on the calling thread: records its start (with the
    /// spawn latency since `requested_ns`) and, under a GIL, takes it, as a new
    /// Python thread must before it runs any bytecode.
    pub fn begin(
        id: WorkerId,
        rec: Recorder,
        gil: Option<Arc<Gil>>,
        cancel: CancelToken,
        requested_ns: u64,
    ) -> Self {
        let now = rec.clock().now_ns();
        let mut w = Self {
            id,
            rec,
            gil,
            cancel,
            holds_gil: false,
            watch: CoreWatch::new(now),
            steps_to_core_check: 0,
            cpu_start_ns: platform::thread_cpu_ns(),
            stats: WorkerStats::default(),
        };
        w.rec.mark(now);
        w.stats.spawn_ns = now.saturating_sub(requested_ns);
        w.rec
            .record_at(now, EventKind::WorkerStart, w.stats.spawn_ns);
        if let Some(core) = w.watch.core() {
            w.rec.record_at(now, EventKind::CoreChange, u64::from(core));
        }
        w.take_gil();
        w
    }

    /// Which worker this is.
    pub fn id(&self) -> WorkerId {
        self.id
    }

    /// The recorder, for lab-specific events.
    pub fn rec(&mut self) -> &mut Recorder {
        &mut self.rec
    }

    /// The stop request.
    pub fn cancel(&self) -> &CancelToken {
        &self.cancel
    }

    /// Whether this worker's interpreter has a GIL.
    pub fn has_gil(&self) -> bool {
        self.gil.is_some()
    }

    /// Takes the GIL (no-op without one or when already held). Labs call
    /// it after every blocking wait (a lock, the queue, I/O), with or
    /// without a GIL, so this is also where the worker tells its core watch
    /// that the time since its last step was not spent computing.
    pub fn take_gil(&mut self) {
        if self.holds_gil {
            return;
        }
        if let Some(gil) = &self.gil {
            let taken = gil.take(self.id.thread, &mut self.rec);
            self.stats.gil_wait_ns += taken.waited_ns;
            self.stats.gil_acquires += 1;
            self.holds_gil = true;
        }
        self.resume_watch();
    }

    /// Gives the GIL up (no-op without one or when not held).
    pub fn drop_gil(&mut self, forced: bool) {
        if !self.holds_gil {
            return;
        }
        if let Some(gil) = &self.gil {
            gil.drop_gil(self.id.thread, forced, &mut self.rec);
            self.holds_gil = false;
        }
    }

    /// The check CPython makes on back edges and calls: answers a drop request
    /// by handing the GIL over, notes core changes, and reports whether the
    /// worker should go on (false once a stop was requested).
    ///
    /// Inlined into every step loop: the common case is two relaxed loads and
    /// a countdown; the rare work sits in functions of its own.
    #[inline]
    pub fn step(&mut self) -> bool {
        if self.cancel.is_cancelled() {
            return false;
        }
        if self.holds_gil
            && let Some(gil) = &self.gil
            && gil.drop_requested()
        {
            self.hand_gil_over();
        }
        if self.steps_to_core_check == 0 {
            self.every_few_steps();
        }
        self.steps_to_core_check -= 1;
        true
    }

    /// Answers a drop request: gives the GIL up (forced) and waits for it again.
    #[cold]
    #[inline(never)]
    fn hand_gil_over(&mut self) {
        self.drop_gil(true);
        self.take_gil();
    }

    /// What a step does only every [`CORE_CHECK_EVERY`] steps: one read
    /// of the clock, shared by the core watch and the recorder's timed
    /// hand-over.
    #[inline(never)]
    fn every_few_steps(&mut self) {
        self.steps_to_core_check = CORE_CHECK_EVERY;
        let now = self.rec.clock().now_ns();
        self.look_at_core(now);
        self.rec.flush_if_due_at(now);
    }

    /// Records a wait for a core that the time since the last look hid, or
    /// else a change of core.
    fn look_at_core(&mut self, now: u64) {
        let before = self.watch.core();
        let quiet = self.rec.quietest_since_mark(now);
        if let Some(wait) = self.watch.check(now, quiet) {
            // The wait lies between events already recorded: it goes into
            // its place among them.
            self.rec
                .record_in_order(wait.start_ns, EventKind::CoreWaitStart, 0);
            let core = wait.core.map_or(u64::MAX, u64::from);
            self.rec
                .record_in_order(wait.end_ns, EventKind::CoreWaitEnd, core);
            self.count_core_change(before, wait.core);
        } else if let Some(core) = self.watch.note_core() {
            self.count_core_change(before, Some(core));
            self.rec
                .record_at(now, EventKind::CoreChange, u64::from(core));
        }
        self.rec.mark(now);
    }

    /// After a wait in which the worker did not compute: starts the core
    /// watch afresh and records the core it woke up on, if another.
    fn resume_watch(&mut self) {
        let now = self.rec.clock().now_ns();
        let before = self.watch.core();
        self.watch.resync(now);
        self.rec.mark(now);
        let after = self.watch.core();
        if after != before
            && let Some(core) = after
        {
            self.count_core_change(before, after);
            self.rec
                .record_at(now, EventKind::CoreChange, u64::from(core));
        }
    }

    fn count_core_change(&mut self, before: Option<u32>, after: Option<u32>) {
        if before.is_some() && after.is_some() && before != after {
            self.stats.core_changes += 1;
        }
    }

    /// Sums squares over `range` in steps, holding the GIL (Python code).
    pub fn compute(&mut self, range: Range<u64>) -> Outcome<u64> {
        // One frame for the whole task, paused at a back edge every step.
        let mut frame = SquaresFrame::new(range);
        while !frame.finished() {
            if !self.step() {
                return Outcome::Stopped;
            }
            frame.run(STEP_INTEGERS);
        }
        Outcome::Done(frame.total())
    }

    /// Sums squares over `range` as native code: the GIL is released for the
    /// whole computation, and only the stop request is checked between steps.
    pub fn compute_native(&mut self, range: Range<u64>) -> Outcome<u64> {
        self.rec.record(EventKind::NativeStart, 0);
        self.drop_gil(false);
        let mut frame = SquaresFrame::new(range);
        let mut stopped = false;
        let mut to_check = CORE_CHECK_EVERY;
        while !frame.finished() {
            if self.cancel.is_cancelled() {
                stopped = true;
                break;
            }
            // Native code is not free of the OS either: it too can wait
            // for a core, and must be seen doing so.
            to_check -= 1;
            if to_check == 0 {
                to_check = CORE_CHECK_EVERY;
                let now = self.rec.clock().now_ns();
                self.look_at_core(now);
                self.rec.flush_if_due_at(now);
            }
            frame.run(STEP_INTEGERS);
        }
        self.rec.record(EventKind::NativeEnd, 0);
        self.take_gil();
        if stopped {
            Outcome::Stopped
        } else {
            Outcome::Done(frame.total())
        }
    }

    /// A blocking wait (a download, a disk read) with the GIL released, as
    /// `Py_BEGIN_ALLOW_THREADS` does. The wait is a real sleep and is not cut
    /// short by a stop request, just as a thread cannot be interrupted in a
    /// blocking call; the delay from its end to holding the GIL again is kept.
    pub fn io_wait(&mut self, wait: Duration) {
        self.rec
            .record(EventKind::IoWaitStart, wait.as_micros() as u64);
        self.drop_gil(false);
        // Hand the events over before blocking, so a watcher sees the wait
        // begin (and a killed child process has sent them).
        self.rec.flush();
        std::thread::sleep(wait);
        let woke = self.rec.clock().now_ns();
        self.rec.record_at(woke, EventKind::IoWaitEnd, 0);
        self.take_gil();
        if self.gil.is_some() {
            let held_at = self.rec.clock().now_ns();
            self.stats.wake_delays_ns.push(held_at.saturating_sub(woke));
        }
    }

    /// A blocking wait like [`Worker::io_wait`] that ends early when
    /// `interrupt` fires or a stop is requested: the model of a thread that a
    /// process exit cuts off in the middle of a blocking call (a daemon thread
    /// dies wherever it is). Ordinary waits are not cut short. The GIL is
    /// released for the wait and held again on return. Returns true when the
    /// whole wait elapsed.
    pub fn io_wait_interruptible(&mut self, wait: Duration, interrupt: &CancelToken) -> bool {
        self.rec
            .record(EventKind::IoWaitStart, wait.as_micros() as u64);
        self.drop_gil(false);
        let deadline = Instant::now() + wait;
        let completed = loop {
            if interrupt.is_cancelled() || self.cancel.is_cancelled() {
                break false;
            }
            let now = Instant::now();
            if now >= deadline {
                break true;
            }
            // Wakes at once when `interrupt` fires; looks at the stop request
            // at least every `INTERRUPT_POLL`.
            interrupt.wait_timeout((deadline - now).min(INTERRUPT_POLL));
        };
        self.rec.record(EventKind::IoWaitEnd, 0);
        self.take_gil();
        completed
    }

    /// Ends the worker: gives the GIL back, records its exit, and returns its
    /// numbers with the raw measurements labs summarise.
    pub fn finish(mut self) -> (WorkerSummary, WorkerStats) {
        if self.cancel.is_cancelled() {
            self.rec.record(EventKind::StopSeen, 0);
        }
        self.drop_gil(false);
        self.rec.record(EventKind::WorkerExit, 0);
        self.rec.flush();
        let cpu_ns = platform::thread_cpu_ns().saturating_sub(self.cpu_start_ns);
        self.stats.core_wait_ns = self.watch.waited_ns();
        self.stats.on_core_ns = self.watch.on_core_ns().to_vec();
        let stats = std::mem::take(&mut self.stats);
        let summary = WorkerSummary {
            id: self.id,
            tasks_done: stats.tasks_done,
            cpu_ms: cpu_ns as f64 / 1e6,
            gil_wait_ms: stats.gil_wait_ns as f64 / 1e6,
            gil_acquires: stats.gil_acquires,
            core_changes: stats.core_changes,
            spawn_us: stats.spawn_ns as f64 / 1e3,
            rss_bytes: stats.rss_bytes,
            events: self.rec.recorded(),
            events_dropped: self.rec.dropped(),
            core_wait_ms: stats.core_wait_ns as f64 / 1e6,
        };
        (summary, stats)
    }
}

impl Drop for Worker {
    /// A worker that panics must not keep its interpreter's GIL, or every
    /// other worker of that interpreter would wait forever.
    fn drop(&mut self) {
        self.drop_gil(false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recording::{Clock, EventSink};
    use crossbeam_channel::bounded;

    fn worker(gil: Option<Arc<Gil>>, cancel: CancelToken) -> Worker {
        let (tx, _rx) = bounded(64);
        let (clock, _t) = Clock::manual();
        let rec = Recorder::new(WorkerId::new(0, 0), clock, EventSink::new(tx), false);
        Worker::begin(WorkerId::new(0, 0), rec, gil, cancel, 0)
    }

    #[test]
    fn a_step_sees_the_stop_request() {
        let cancel = CancelToken::new();
        let mut w = worker(None, cancel.clone());
        assert!(w.step());
        cancel.cancel();
        assert!(!w.step());
        assert_eq!(w.compute(0..10 * STEP_INTEGERS), Outcome::Stopped);
    }

    #[test]
    fn the_core_is_looked_at_on_the_first_step_and_every_few_steps() {
        let mut w = worker(None, CancelToken::new());
        for _ in 0..3 {
            assert!(w.step());
            assert_eq!(w.steps_to_core_check, CORE_CHECK_EVERY - 1);
            for _ in 1..CORE_CHECK_EVERY {
                assert!(w.step());
            }
            assert_eq!(w.steps_to_core_check, 0);
        }
    }

    #[test]
    fn compute_matches_the_closed_form_with_and_without_a_gil() {
        let range = 3..(5 * STEP_INTEGERS + 17);
        let expected = crate::engine::workload::sum_squares_closed_form(range.clone());
        let gil = Arc::new(Gil::new(Duration::from_millis(5)));
        for gil in [None, Some(gil)] {
            let mut w = worker(gil, CancelToken::new());
            assert_eq!(w.compute(range.clone()), Outcome::Done(expected));
            assert_eq!(w.compute_native(range.clone()), Outcome::Done(expected));
        }
    }
}
