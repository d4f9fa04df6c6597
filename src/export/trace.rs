//! A run's events turned into what a trace viewer shows: slices on tracks,
//! instants and counter samples. Kept compact (about 48 bytes an entry), so
//! a run of ten million events can be exported without building a document
//! of ten million JSON objects in memory.
//!
//! Tracks, per process (interpreter):
//! - one per worker thread: its tasks, and what it waited for (the GIL, the
//!   lock, a full queue, I/O) or ran without the GIL (native code);
//! - "GIL holder": who held this interpreter's GIL, slice after slice;
//! - "lock holder": who held the lab's lock;
//! - counters: the queue's depth and the shared counter as written.
//!
//! And one more process, "CPU cores", with a track per core whose slices
//! name the worker that ran there (from the workers' own on-core spans, so
//! two never overlap); a worker's own track shows when it waited for one.
//!
//! Trace viewers need slices on one track to nest properly. The engine's
//! events do, but a stopped run or a dropped batch can leave a slice without
//! its end: such slices end at the run's last event, and anything that still
//! crosses its parent's end is cut there (and counted), never left to
//! confuse the viewer.

use crate::analysis::timeline::Timeline;
use crate::model::{Event, EventKind, WorkerId};
use std::collections::BTreeMap;

/// Where an entry is drawn inside its process.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Track {
    /// Who holds the GIL (shown first).
    Gil,
    /// Who holds the lab's lock (shown second).
    Lock,
    /// A worker thread, by index.
    Worker(u16),
    /// Process-wide: counters.
    Process,
    /// A CPU core (in the [`CORES_PROCESS`] pseudo-process).
    Core(u32),
}

/// The process number the core tracks are filed under: no interpreter has
/// it, since child processes are numbered from 1 and stay far below.
pub const CORES_PROCESS: u16 = u16::MAX;

/// What an entry says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum What {
    /// A task (or queue item) from start to end.
    Task {
        /// Task or item id.
        task: u64,
        /// It had not ended when the run did.
        unfinished: bool,
    },
    /// A worker held the GIL.
    GilHeld {
        /// The holder.
        by: WorkerId,
        /// The interpreter's switch number when it was taken.
        switch: u64,
        /// Given up because a waiter asked (a drop request).
        forced: bool,
    },
    /// A worker held the lab's lock.
    LockHeld {
        /// The holder.
        by: WorkerId,
        /// How many times the lock had been taken, this time included.
        acquisition: u64,
    },
    /// Waiting to take the GIL.
    GilWait,
    /// Waiting for the lab's lock.
    LockWait,
    /// A blocking wait (I/O) with the GIL released.
    IoWait {
        /// The planned wait, µs.
        planned_us: u64,
    },
    /// Native code running without the GIL.
    Native,
    /// Ready to run, but the OS had no core for the worker.
    CoreWait,
    /// A worker computed on a core (on a [`Track::Core`]).
    OnCore {
        /// The worker.
        by: WorkerId,
    },
    /// The producer blocked on a full queue.
    QueueFull {
        /// The item it was trying to put.
        item: u64,
    },
    /// Instant: a waiter asked the holder to drop the GIL.
    DropRequest,
    /// Instant: the main program's exit cut the worker off.
    CutOff {
        /// The task in progress, or `u64::MAX` when idle.
        task: u64,
    },
    /// Instant: the worker was seen on another core.
    Core {
        /// The core's index.
        core: u64,
    },
    /// Instant: the worker saw the stop request.
    StopSeen,
    /// Counter sample: items in the queue.
    QueueDepth {
        /// Items waiting.
        depth: u64,
    },
    /// Counter sample: the shared counter as a worker wrote it.
    Counter {
        /// The value written.
        value: u64,
    },
}

/// How an entry is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// A slice with a duration (`X`).
    Slice,
    /// A point in time on a thread (`i`).
    Instant,
    /// A counter sample (`C`).
    Counter,
}

impl What {
    /// Slice, instant or counter.
    pub fn phase(&self) -> Phase {
        match self {
            What::DropRequest | What::CutOff { .. } | What::Core { .. } | What::StopSeen => {
                Phase::Instant
            }
            What::QueueDepth { .. } | What::Counter { .. } => Phase::Counter,
            _ => Phase::Slice,
        }
    }
}

/// One slice, instant or counter sample.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Start (or the instant), ns on the run's clock.
    pub start_ns: u64,
    /// Duration, ns (0 for instants and counters).
    pub dur_ns: u64,
    /// The process (interpreter): 0 = threadlab's own.
    pub process: u16,
    /// The track inside it.
    pub track: Track,
    /// What it says.
    pub what: What,
}

impl Entry {
    /// End, ns.
    pub fn end_ns(&self) -> u64 {
        self.start_ns + self.dur_ns
    }
}

/// A run's trace: entries sorted by start (longer slices first at a tie,
/// so parents come before their children), and what had to be mended.
#[derive(Clone, Debug, Default)]
pub struct Trace {
    /// Every entry, in time order.
    pub entries: Vec<Entry>,
    /// Slices without a recorded end, closed at the run's last event.
    pub unfinished: u64,
    /// Slices cut where they crossed the end of the slice around them, or
    /// the start of the next holder of the GIL or the lock.
    pub clipped: u64,
}

impl Trace {
    /// Builds the trace of `events` (any order; each worker's own events
    /// in its time order once sorted by time).
    pub fn from_events(events: &[Event]) -> Self {
        // The order is sorted, not a copy of the events: for millions of
        // events an index is a third of the memory.
        let mut order: Vec<usize> = (0..events.len()).collect();
        // Stable: a worker's events at the same nanosecond keep their order.
        order.sort_by_key(|&i| events[i].t_ns);
        let end_ns = order.last().map_or(0, |&i| events[i].t_ns);
        let mut builder = Builder::default();
        for &i in &order {
            builder.apply(&events[i]);
        }
        drop(order);
        let mut trace = builder.finish(end_ns);
        trace.entries.extend(core_entries(events));
        trace.mend();
        trace
            .entries
            .sort_by(|a, b| a.start_ns.cmp(&b.start_ns).then(b.dur_ns.cmp(&a.dur_ns)));
        trace
    }

    /// Makes every track well formed: holds of the GIL or the lock never
    /// overlap (a later hold starts where the earlier ended); worker slices
    /// nest (a child ends no later than its parent).
    fn mend(&mut self) {
        let mut by_track: BTreeMap<(u16, Track), Vec<usize>> = BTreeMap::new();
        for (i, e) in self.entries.iter().enumerate() {
            if e.what.phase() == Phase::Slice {
                by_track.entry((e.process, e.track)).or_default().push(i);
            }
        }
        for ((_, track), mut idx) in by_track {
            let entries = &mut self.entries;
            idx.sort_by(|&a, &b| {
                let (a, b) = (&entries[a], &entries[b]);
                a.start_ns.cmp(&b.start_ns).then(b.dur_ns.cmp(&a.dur_ns))
            });
            match track {
                Track::Gil | Track::Lock | Track::Core(_) => {
                    let mut free_at = 0;
                    for i in idx {
                        let e = &mut entries[i];
                        if e.start_ns < free_at {
                            let end = e.end_ns().max(free_at);
                            e.start_ns = free_at;
                            e.dur_ns = end - free_at;
                            self.clipped += 1;
                        }
                        free_at = e.end_ns();
                    }
                }
                Track::Worker(_) | Track::Process => {
                    let mut open: Vec<u64> = Vec::new();
                    for i in idx {
                        let e = &mut entries[i];
                        while open.last().is_some_and(|&end| end <= e.start_ns) {
                            open.pop();
                        }
                        if let Some(&parent_end) = open.last()
                            && e.end_ns() > parent_end
                        {
                            e.dur_ns = parent_end - e.start_ns;
                            self.clipped += 1;
                        }
                        open.push(e.end_ns());
                    }
                }
            }
        }
    }
}

/// Pairs start and end events per worker.
#[derive(Default)]
struct Builder {
    entries: Vec<Entry>,
    /// Open slices: (worker, the kind that opened it) -> (start, argument).
    open: BTreeMap<(WorkerId, u8), (u64, u64)>,
    unfinished: u64,
}

impl Builder {
    fn apply(&mut self, e: &Event) {
        use EventKind as K;
        let w = e.worker;
        let close = |this: &mut Self, opener: K| this.open.remove(&(w, opener as u8));
        let slice = |this: &mut Self, opener: K, track: Track, what: &dyn Fn(u64) -> What| {
            if let Some((start, arg)) = close(this, opener) {
                this.push(start, e.t_ns, w.process, track, what(arg));
            }
        };
        match e.kind {
            K::TaskStart
            | K::GilWait
            | K::GilAcquire
            | K::LockWait
            | K::LockAcquire
            | K::IoWaitStart
            | K::NativeStart
            | K::CoreWaitStart
            | K::QueueBlocked => {
                self.open.insert((w, e.kind as u8), (e.t_ns, e.arg));
            }
            K::CoreWaitEnd => slice(self, K::CoreWaitStart, Track::Worker(w.thread), &|_| {
                What::CoreWait
            }),
            K::TaskEnd => slice(self, K::TaskStart, Track::Worker(w.thread), &|task| {
                What::Task {
                    task,
                    unfinished: false,
                }
            }),
            K::GilRelease => {
                // The wait that preceded a hold ends when the hold begins
                // (handled at GilAcquire below); here the hold itself ends.
                let forced = e.arg == 1;
                slice(self, K::GilAcquire, Track::Gil, &|switch| What::GilHeld {
                    by: w,
                    switch,
                    forced,
                });
            }
            K::LockRelease => slice(self, K::LockAcquire, Track::Lock, &|acquisition| {
                What::LockHeld { by: w, acquisition }
            }),
            K::IoWaitEnd => slice(self, K::IoWaitStart, Track::Worker(w.thread), &|p| {
                What::IoWait { planned_us: p }
            }),
            K::NativeEnd => slice(self, K::NativeStart, Track::Worker(w.thread), &|_| {
                What::Native
            }),
            K::QueueUnblocked => slice(self, K::QueueBlocked, Track::Worker(w.thread), &|item| {
                What::QueueFull { item }
            }),
            K::GilDropRequest => self.instant(e, What::DropRequest),
            K::CutOff => self.instant(e, What::CutOff { task: e.arg }),
            K::CoreChange => self.instant(e, What::Core { core: e.arg }),
            K::StopSeen => self.instant(e, What::StopSeen),
            K::QueueDepth => self.counter(e, What::QueueDepth { depth: e.arg }),
            K::CounterWrite => self.counter(e, What::Counter { value: e.arg }),
            _ => {}
        }
        // Taking the GIL or the lock ends the wait for it.
        let waited = match e.kind {
            K::GilAcquire => Some((K::GilWait, What::GilWait)),
            K::LockAcquire => Some((K::LockWait, What::LockWait)),
            _ => None,
        };
        if let Some((opener, what)) = waited
            && let Some((start, _)) = self.open.remove(&(w, opener as u8))
        {
            self.push(start, e.t_ns, w.process, Track::Worker(w.thread), what);
        }
    }

    fn push(&mut self, start: u64, end: u64, process: u16, track: Track, what: What) {
        self.entries.push(Entry {
            start_ns: start,
            dur_ns: end.saturating_sub(start),
            process,
            track,
            what,
        });
    }

    fn instant(&mut self, e: &Event, what: What) {
        let track = Track::Worker(e.worker.thread);
        self.push(e.t_ns, e.t_ns, e.worker.process, track, what);
    }

    fn counter(&mut self, e: &Event, what: What) {
        self.push(e.t_ns, e.t_ns, e.worker.process, Track::Process, what);
    }

    /// Closes what is still open at the run's last event.
    fn finish(mut self, end_ns: u64) -> Trace {
        use EventKind as K;
        for ((w, kind), (start, arg)) in std::mem::take(&mut self.open) {
            let worker = Track::Worker(w.thread);
            let (track, what) = match K::from_u8(kind) {
                Some(K::TaskStart) => (
                    worker,
                    What::Task {
                        task: arg,
                        unfinished: true,
                    },
                ),
                Some(K::GilAcquire) => (
                    Track::Gil,
                    What::GilHeld {
                        by: w,
                        switch: arg,
                        forced: false,
                    },
                ),
                Some(K::LockAcquire) => (
                    Track::Lock,
                    What::LockHeld {
                        by: w,
                        acquisition: arg,
                    },
                ),
                Some(K::GilWait) => (worker, What::GilWait),
                Some(K::LockWait) => (worker, What::LockWait),
                Some(K::IoWaitStart) => (worker, What::IoWait { planned_us: arg }),
                Some(K::NativeStart) => (worker, What::Native),
                Some(K::CoreWaitStart) => (worker, What::CoreWait),
                Some(K::QueueBlocked) => (worker, What::QueueFull { item: arg }),
                _ => continue,
            };
            self.unfinished += 1;
            self.push(start, end_ns, w.process, track, what);
        }
        Trace {
            entries: self.entries,
            unfinished: self.unfinished,
            clipped: 0,
        }
    }
}

/// The workers' on-core spans as slices on a track per core, read with the
/// timeline's own state machine so the trace and the window agree. The
/// timeline takes each worker's events in its own time order, as the run
/// delivered them.
fn core_entries(events: &[Event]) -> Vec<Entry> {
    let gil_mode = events.iter().any(|e| e.kind == EventKind::GilAcquire);
    let mut timeline = Timeline::new(gil_mode);
    timeline.ingest(events);
    let horizon = timeline.horizon_ns();
    let mut out = Vec::new();
    for track in timeline.tracks() {
        let open = track.open_core(horizon);
        let closed = track
            .cores
            .iter()
            .flat_map(|(core, lane)| lane.spans().iter().map(move |s| (*core, *s)));
        for (core, span) in closed.chain(open) {
            out.push(Entry {
                start_ns: span.start_ns,
                dur_ns: span.end_ns.saturating_sub(span.start_ns),
                process: CORES_PROCESS,
                track: Track::Core(core),
                what: What::OnCore { by: span.worker },
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use EventKind::*;

    fn ev(t: u64, thread: u16, kind: EventKind, arg: u64) -> Event {
        Event::new(t, WorkerId::new(0, thread), kind, arg)
    }

    fn slices_on(trace: &Trace, track: Track) -> Vec<(u64, u64)> {
        trace
            .entries
            .iter()
            .filter(|e| e.track == track && e.what.phase() == Phase::Slice)
            .map(|e| (e.start_ns, e.end_ns()))
            .collect()
    }

    #[test]
    fn waits_end_when_the_gil_or_lock_is_taken() {
        let trace = Trace::from_events(&[
            ev(0, 1, GilWait, 0),
            ev(5, 1, GilAcquire, 2),
            ev(6, 1, LockWait, 0),
            ev(9, 1, LockAcquire, 1),
            ev(12, 1, LockRelease, 0),
            ev(15, 1, GilRelease, 0),
        ]);
        let whats: Vec<_> = trace.entries.iter().map(|e| e.what).collect();
        assert!(whats.contains(&What::GilWait));
        assert!(whats.contains(&What::LockWait));
        assert_eq!(slices_on(&trace, Track::Worker(1)), [(0, 5), (6, 9)]);
        assert_eq!(slices_on(&trace, Track::Lock), [(9, 12)]);
        assert_eq!(slices_on(&trace, Track::Gil), [(5, 15)]);
        assert_eq!((trace.unfinished, trace.clipped), (0, 0));
    }

    #[test]
    fn open_slices_end_at_the_last_event_and_overlaps_are_mended() {
        let trace = Trace::from_events(&[
            ev(0, 0, TaskStart, 1),
            ev(2, 0, IoWaitStart, 100),
            // A hold of the lock that (through a lost event) overlaps the next.
            ev(3, 1, LockAcquire, 1),
            ev(4, 2, LockAcquire, 2),
            ev(6, 1, LockRelease, 0),
            ev(8, 2, LockRelease, 0),
            ev(10, 0, TaskEnd, 1),
            ev(20, 1, WorkerExit, 0),
        ]);
        assert_eq!(trace.unfinished, 1, "the I/O wait never ended");
        // The I/O wait closes at 20 but must nest inside its task (0..10).
        assert_eq!(slices_on(&trace, Track::Worker(0)), [(0, 10), (2, 10)]);
        assert_eq!(slices_on(&trace, Track::Lock), [(3, 6), (6, 8)]);
        assert_eq!(trace.clipped, 2);
        let starts: Vec<_> = trace.entries.iter().map(|e| e.start_ns).collect();
        assert!(starts.windows(2).all(|w| w[0] <= w[1]), "{starts:?}");
    }

    #[test]
    fn cores_get_tracks_that_name_who_ran_and_waits_show_on_the_worker() {
        let trace = Trace::from_events(&[
            ev(0, 0, WorkerStart, 0),
            ev(0, 0, CoreChange, 1),
            ev(10, 0, CoreWaitStart, 0),
            ev(30, 0, CoreWaitEnd, 0),
            ev(50, 0, WorkerExit, 0),
        ]);
        let on = |core| -> Vec<(u64, u64)> {
            trace
                .entries
                .iter()
                .filter(|e| e.track == Track::Core(core))
                .map(|e| (e.start_ns, e.end_ns()))
                .collect()
        };
        assert_eq!(on(1), [(0, 10)]);
        assert_eq!(on(0), [(30, 50)]);
        assert!(
            trace
                .entries
                .iter()
                .any(|e| e.what == What::CoreWait && (e.start_ns, e.end_ns()) == (10, 30))
        );
    }
}
