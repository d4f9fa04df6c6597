//! A worker's own event buffer. Recording is a push into a `Vec` the worker
//! owns; full buffers are handed over in batches with `try_send`, so a worker
//! never blocks on recording. When the consumer falls behind, the batch is
//! dropped and counted, and the count is shown to the user.

use crate::model::{Event, EventKind, RunMessage, WorkerId};
use crate::recording::Clock;
use crossbeam_channel::{Sender, TrySendError};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Events per batch handed to the consumer.
pub const BATCH_EVENTS: usize = 512;
/// A partly filled batch is handed over after this long, so slow workers show live.
pub const FLUSH_AFTER_NS: u64 = 15_000_000;

/// Where the recorders of one run hand their batches, and the run-wide count
/// of dropped events (readable live).
#[derive(Clone, Debug)]
pub struct EventSink {
    tx: Sender<RunMessage>,
    dropped: Arc<AtomicU64>,
}

impl EventSink {
    /// A sink sending into `tx`, a bounded channel: a full one drops batches.
    pub fn new(tx: Sender<RunMessage>) -> Self {
        Self {
            tx,
            dropped: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Events dropped so far by every recorder of this sink.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// The channel, for messages that are not events.
    pub fn sender(&self) -> &Sender<RunMessage> {
        &self.tx
    }

    /// Hands over a batch recorded elsewhere (a child process's) without
    /// blocking; when the consumer has no room, the batch is dropped, counted
    /// here, and its size returned as the error.
    pub fn send_batch(&self, batch: Vec<Event>) -> Result<(), u64> {
        if batch.is_empty() {
            return Ok(());
        }
        match self.tx.try_send(RunMessage::Events(batch)) {
            Ok(()) => Ok(()),
            Err(TrySendError::Full(m)) | Err(TrySendError::Disconnected(m)) => {
                let lost = match m {
                    RunMessage::Events(b) => b.len() as u64,
                    _ => 0,
                };
                self.dropped.fetch_add(lost, Ordering::Relaxed);
                Err(lost)
            }
        }
    }
}

/// One worker's recorder.
///
/// Recording an event is the hot path, inlined into every lab: a clock read,
/// a store into the batch and two comparisons. Everything else, handing the
/// batch over, refilling its spare, lives in functions of their own, marked
/// cold, so the hot path stays a few instructions long.
#[derive(Debug)]
pub struct Recorder {
    worker: WorkerId,
    clock: Clock,
    enabled: bool,
    /// The batch being filled, allocated for [`BATCH_EVENTS`] events.
    buf: Vec<Event>,
    /// An empty buffer of the same size, swapped in when `buf` is handed
    /// over, so that a hand-over allocates nothing; it is refilled at the
    /// worker's next timed check ([`Recorder::flush_if_due_at`]).
    spare: Vec<Event>,
    /// When the partly filled batch is due: the latest hand-over plus
    /// [`FLUSH_AFTER_NS`] (one comparison per event).
    flush_due_ns: u64,
    last_event_ns: u64,
    /// The latest stamp (an event, or the mark): where a quiet stretch
    /// starts.
    prev_stamp_ns: u64,
    /// The longest stretch without an event since the mark, and its length.
    quiet: (u64, u64),
    quiet_ns: u64,
    /// The latest event already handed over: nothing may go before it.
    handed_over_ns: u64,
    sink: EventSink,
    /// Events handed over or dropped; with those in `buf`, all recorded.
    passed_on: u64,
    dropped: u64,
}

impl Recorder {
    /// A recorder for `worker`; with `enabled` false every call is a no-op.
    pub fn new(worker: WorkerId, clock: Clock, sink: EventSink, enabled: bool) -> Self {
        let batch = || Vec::with_capacity(if enabled { BATCH_EVENTS } else { 0 });
        Self {
            worker,
            clock,
            enabled,
            buf: batch(),
            spare: batch(),
            flush_due_ns: FLUSH_AFTER_NS,
            last_event_ns: 0,
            prev_stamp_ns: 0,
            quiet: (0, 0),
            quiet_ns: 0,
            handed_over_ns: 0,
            sink,
            passed_on: 0,
            dropped: 0,
        }
    }

    /// The worker this recorder stamps on its events.
    pub fn worker(&self) -> WorkerId {
        self.worker
    }

    /// The run's clock.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Records `kind` now; returns the timestamp used (0 when recording is off).
    ///
    /// The stamp is never earlier than the worker's latest event, so a
    /// worker's events stay in order even where the clock is read without
    /// waiting for earlier instructions, or a thread moved to a core whose
    /// counter lags by a few ticks.
    #[inline]
    pub fn record(&mut self, kind: EventKind, arg: u64) -> u64 {
        if !self.enabled {
            return 0;
        }
        let t = self.clock.now_ns().max(self.last_event_ns);
        self.push(Event::new(t, self.worker, kind, arg));
        t
    }

    /// Records `kind` at a time the caller already read from the run's clock.
    #[inline]
    pub fn record_at(&mut self, t_ns: u64, kind: EventKind, arg: u64) {
        if self.enabled {
            self.push(Event::new(t_ns, self.worker, kind, arg));
        }
    }

    #[inline]
    fn push(&mut self, event: Event) {
        let t = event.t_ns;
        let gap = t.saturating_sub(self.prev_stamp_ns);
        if gap > self.quiet_ns {
            self.quiet = (self.prev_stamp_ns, t);
            self.quiet_ns = gap;
        }
        self.prev_stamp_ns = t;
        self.last_event_ns = t;
        self.buf.push(event);
        if self.buf.len() >= BATCH_EVENTS || t >= self.flush_due_ns {
            self.hand_over(t);
        }
    }

    /// Hands the batch over from the hot path: it is full, or due.
    #[cold]
    #[inline(never)]
    fn hand_over(&mut self, now: u64) {
        self.flush_due_ns = now.saturating_add(FLUSH_AFTER_NS);
        self.flush();
    }

    /// Hands the buffered events over now (also done on drop).
    pub fn flush(&mut self) {
        if self.buf.is_empty() {
            return;
        }
        if let Some(last) = self.buf.last() {
            self.handed_over_ns = self.handed_over_ns.max(last.t_ns);
        }
        if self.spare.capacity() < BATCH_EVENTS {
            // No spare: the worker recorded a whole batch since the last
            // hand-over without a timed check in between.
            self.refill_spare();
        }
        let batch = std::mem::replace(&mut self.buf, std::mem::take(&mut self.spare));
        self.send(batch);
    }

    /// Sends a batch without blocking; a full (or closed) channel drops it
    /// and counts it.
    fn send(&mut self, batch: Vec<Event>) {
        let len = batch.len() as u64;
        self.passed_on += len;
        if self.sink.tx.try_send(RunMessage::Events(batch)).is_err() {
            self.dropped += len;
            self.sink.dropped.fetch_add(len, Ordering::Relaxed);
        }
    }

    /// Hands a partly filled batch over once it has waited [`FLUSH_AFTER_NS`]
    /// since the last hand-over; long computations call this now and then,
    /// so a worker that records nothing for a while still shows live.
    pub fn flush_if_due(&mut self) {
        if !self.enabled || (self.buf.is_empty() && self.spare.capacity() >= BATCH_EVENTS) {
            return;
        }
        self.flush_if_due_at(self.clock.now_ns());
    }

    /// [`Recorder::flush_if_due`] with the time already read from the
    /// run's clock (a worker's step reads it once for several purposes).
    /// This is also where the spare buffer of the latest hand-over is
    /// allocated again, away from recording an event.
    #[inline]
    pub fn flush_if_due_at(&mut self, now: u64) {
        if self.enabled && self.spare.capacity() < BATCH_EVENTS {
            self.refill_spare();
        }
        if !self.buf.is_empty() && now >= self.flush_due_ns {
            self.hand_over(now);
        }
    }

    #[cold]
    #[inline(never)]
    fn refill_spare(&mut self) {
        self.spare = Vec::with_capacity(BATCH_EVENTS);
    }

    /// The time of the latest event recorded (0 before the first).
    pub fn last_event_ns(&self) -> u64 {
        self.last_event_ns
    }

    /// Starts a new stretch at `now_ns` for [`Recorder::quietest_since_mark`]
    /// (a worker marks each look at its core).
    #[inline]
    pub fn mark(&mut self, now_ns: u64) {
        self.prev_stamp_ns = now_ns.max(self.last_event_ns);
        self.quiet = (self.prev_stamp_ns, self.prev_stamp_ns);
        self.quiet_ns = 0;
    }

    /// The longest stretch since the mark, up to `now_ns`, in which this
    /// worker recorded nothing: where a pause it did not see happening can
    /// only have been.
    pub fn quietest_since_mark(&self, now_ns: u64) -> (u64, u64) {
        let tail = (self.prev_stamp_ns, now_ns.max(self.prev_stamp_ns));
        if tail.1 - tail.0 >= self.quiet_ns {
            tail
        } else {
            self.quiet
        }
    }

    /// Records `kind` at `t_ns`, which may lie before events already
    /// recorded: it goes into its place in time among the events not yet
    /// handed over, and no earlier than the last one handed over (which is
    /// where it lands if it would go before). Returns the time used.
    pub fn record_in_order(&mut self, t_ns: u64, kind: EventKind, arg: u64) -> u64 {
        if !self.enabled {
            return t_ns;
        }
        let t = t_ns.max(self.handed_over_ns);
        let at = self.buf.partition_point(|e| e.t_ns <= t);
        self.buf.insert(at, Event::new(t, self.worker, kind, arg));
        self.last_event_ns = self.last_event_ns.max(t);
        t
    }

    /// Whether events are recorded at all.
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// Events recorded so far (including dropped ones).
    pub fn recorded(&self) -> u64 {
        self.passed_on + self.buf.len() as u64
    }

    /// Events this recorder could not hand over.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        // The last batch, without a buffer to take its place.
        let batch = std::mem::take(&mut self.buf);
        if !batch.is_empty() {
            self.send(batch);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossbeam_channel::bounded;

    fn events(rx: &crossbeam_channel::Receiver<RunMessage>) -> Vec<Event> {
        rx.try_iter()
            .flat_map(|m| match m {
                RunMessage::Events(e) => e,
                _ => vec![],
            })
            .collect()
    }

    #[test]
    fn records_in_order_and_flushes_on_drop() {
        let (tx, rx) = bounded(16);
        let (clock, t) = Clock::manual();
        let mut r = Recorder::new(WorkerId::new(0, 1), clock, EventSink::new(tx), true);
        for i in 0..10 {
            t.store(i, Ordering::Relaxed);
            r.record(EventKind::TaskStart, i);
        }
        assert!(events(&rx).is_empty(), "a partial batch waits");
        drop(r);
        let got = events(&rx);
        assert_eq!(got.len(), 10);
        assert!(got.windows(2).all(|w| w[0].t_ns <= w[1].t_ns));
        assert!(got.iter().all(|e| e.worker == WorkerId::new(0, 1)));
    }

    #[test]
    fn full_channel_counts_drops_instead_of_blocking() {
        let (tx, rx) = bounded(1);
        let sink = EventSink::new(tx);
        let (clock, _t) = Clock::manual();
        let mut r = Recorder::new(WorkerId::default(), clock, sink.clone(), true);
        for i in 0..(3 * BATCH_EVENTS as u64) {
            r.record(EventKind::TaskStart, i);
        }
        assert_eq!(r.recorded(), 3 * BATCH_EVENTS as u64);
        assert_eq!(r.dropped(), 2 * BATCH_EVENTS as u64);
        assert_eq!(sink.dropped(), 2 * BATCH_EVENTS as u64);
        assert_eq!(events(&rx).len(), BATCH_EVENTS);
    }

    #[test]
    fn stamps_stay_in_order_when_the_clock_reads_earlier() {
        let (tx, rx) = bounded(16);
        let (clock, t) = Clock::manual();
        let mut r = Recorder::new(WorkerId::default(), clock, EventSink::new(tx), true);
        t.store(100, Ordering::Relaxed);
        assert_eq!(r.record(EventKind::TaskStart, 0), 100);
        // A read a little behind the one before (another core's counter).
        t.store(90, Ordering::Relaxed);
        assert_eq!(r.record(EventKind::TaskEnd, 0), 100);
        t.store(120, Ordering::Relaxed);
        assert_eq!(r.record(EventKind::TaskStart, 1), 120);
        r.flush();
        let got: Vec<u64> = events(&rx).iter().map(|e| e.t_ns).collect();
        assert_eq!(got, [100, 100, 120]);
    }

    #[test]
    fn a_full_batch_goes_at_once_into_the_spare_buffer() {
        let (tx, rx) = bounded(16);
        let (clock, _t) = Clock::manual();
        let mut r = Recorder::new(WorkerId::default(), clock, EventSink::new(tx), true);
        let spare = r.spare.as_ptr();
        for i in 0..(BATCH_EVENTS as u64 - 1) {
            r.record(EventKind::TaskStart, i);
        }
        assert!(events(&rx).is_empty(), "one short of a batch");
        r.record(EventKind::TaskStart, 0);
        assert_eq!(events(&rx).len(), BATCH_EVENTS, "handed over when full");
        // The hand-over swapped the spare in rather than allocating...
        assert_eq!(r.buf.as_ptr(), spare);
        assert!(r.buf.is_empty() && r.buf.capacity() >= BATCH_EVENTS);
        assert_eq!(r.spare.capacity(), 0);
        // ...and the worker's next timed check allocates the next spare.
        r.flush_if_due_at(0);
        assert!(r.spare.capacity() >= BATCH_EVENTS);
        assert!(events(&rx).is_empty(), "nothing due yet");
        // Without a check in between, a second full batch still goes.
        for i in 0..(2 * BATCH_EVENTS as u64) {
            r.record(EventKind::TaskEnd, i);
        }
        assert_eq!(events(&rx).len(), 2 * BATCH_EVENTS);
        assert_eq!(r.recorded(), 3 * BATCH_EVENTS as u64);
    }

    #[test]
    fn recorded_counts_buffered_handed_over_and_inserted_events() {
        let (tx, _rx) = bounded(16);
        let (clock, _t) = Clock::manual();
        let mut r = Recorder::new(WorkerId::default(), clock, EventSink::new(tx), true);
        for i in 0..(BATCH_EVENTS as u64 + 3) {
            r.record(EventKind::TaskStart, i);
        }
        r.record_in_order(0, EventKind::CoreWaitStart, 0);
        assert_eq!(r.recorded(), BATCH_EVENTS as u64 + 4);
        assert_eq!(r.dropped(), 0);
    }

    #[test]
    fn disabled_recorder_records_nothing() {
        let (tx, rx) = bounded(4);
        let (clock, _t) = Clock::manual();
        let mut r = Recorder::new(WorkerId::default(), clock, EventSink::new(tx), false);
        r.record(EventKind::TaskStart, 0);
        r.record_at(5, EventKind::TaskEnd, 0);
        r.flush_if_due_at(FLUSH_AFTER_NS * 2);
        assert_eq!(r.recorded(), 0);
        assert_eq!(r.buf.capacity() + r.spare.capacity(), 0, "no buffers");
        drop(r);
        assert!(events(&rx).is_empty());
    }

    #[test]
    fn a_quiet_worker_hands_its_batch_over_when_due() {
        let (tx, rx) = bounded(4);
        let (clock, t) = Clock::manual();
        let mut r = Recorder::new(WorkerId::default(), clock, EventSink::new(tx), true);
        t.store(1, Ordering::Relaxed);
        r.record(EventKind::TaskStart, 0);
        r.flush_if_due();
        assert!(events(&rx).is_empty(), "not due yet");
        t.store(FLUSH_AFTER_NS * 2, Ordering::Relaxed);
        r.flush_if_due();
        assert_eq!(events(&rx).len(), 1);
    }

    #[test]
    fn a_past_event_goes_into_its_place_but_never_before_a_handed_over_one() {
        let (tx, rx) = bounded(16);
        let (clock, _t) = Clock::manual();
        let mut r = Recorder::new(WorkerId::default(), clock, EventSink::new(tx), true);
        r.mark(0);
        for t in [10, 20, 500, 510] {
            r.record_at(t, EventKind::CounterWrite, t);
        }
        assert_eq!(r.quietest_since_mark(520), (20, 500));
        r.record_in_order(30, EventKind::CoreWaitStart, 0);
        r.record_in_order(490, EventKind::CoreWaitEnd, 1);
        r.flush();
        let got: Vec<u64> = events(&rx).iter().map(|e| e.t_ns).collect();
        assert_eq!(got, [10, 20, 30, 490, 500, 510]);
        // Once handed over, nothing goes before the last event sent.
        assert_eq!(r.record_in_order(100, EventKind::CoreWaitStart, 0), 510);
    }

    #[test]
    fn slow_worker_flushes_after_a_while() {
        let (tx, rx) = bounded(4);
        let (clock, t) = Clock::manual();
        let mut r = Recorder::new(WorkerId::default(), clock, EventSink::new(tx), true);
        r.record(EventKind::TaskStart, 0);
        t.store(FLUSH_AFTER_NS * 2, Ordering::Relaxed);
        r.record(EventKind::TaskEnd, 0);
        assert_eq!(events(&rx).len(), 2);
    }
}
