//! A run's events turned into what a timeline draws, incrementally: per-worker
//! state lanes grouped by process, who held each GIL and lock, which worker ran
//! on which core, and the queue-depth and shared-counter series.
//!
//! The window feeds every batch it drains into [`Timeline::ingest`] and draws
//! from the lanes with [`lanes::Lane::lod`], whose cost follows the pixels on
//! screen, not the number of events. Nothing here knows about drawing.
//!
//! Memory is bounded: the first events (up to a cap, [`EVENTS_KEPT_MAX`] by
//! default) are kept in full detail, every span and every point; beyond it
//! the lanes and series keep only per-block summaries ([`tail`]), while the
//! counters (hand-overs, drop requests, tasks, time waiting) go on counting
//! every event. [`Timeline::events_kept`] and
//! [`Timeline::events_summarised`] say which is which.

pub mod as_of;
pub mod cores;
pub mod lanes;
pub mod queue;
pub mod tail;
pub mod track;

pub use as_of::{AsOf, CounterAt};
pub use cores::{CoreShare, split_sample};
pub use lanes::{CATEGORIES, Lane, LodItem, Merged, PixelWindow, Span, SpanBlock, Totals};
pub use queue::{QueueFlow, Queues, Take};
pub use tail::{Points, Tail};
pub use track::{HoldSpan, NO_TASK, State, StateSpan, TaskSpan, Track};

use crate::model::{EVENTS_KEPT_MAX, Event, EventKind, WorkerId};
use std::collections::{BTreeMap, BTreeSet};

/// A value over time, kept in time order.
pub type Series = Vec<(u64, u64)>;

/// Everything a run recorded, ready to draw.
#[derive(Clone, Debug)]
pub struct Timeline {
    gil_mode: bool,
    tracks: BTreeMap<WorkerId, Track>,
    horizon_ns: u64,
    queue_depth: Series,
    counter: Series,
    /// Each process's queue: who took which item (the detail only).
    queues: Queues,
    /// When each GIL hand-over happened, all interpreters, in time order.
    handovers: Vec<u64>,
    /// When each GIL drop request was made, in time order.
    drop_requests: Vec<u64>,
    events: u64,
    /// The latest time of an event kept in full detail.
    detail_end_ns: u64,
    /// Events kept in full detail at most.
    detail_cap: u64,
    /// The detail is full: what comes now is summarised.
    summarising: bool,
    /// The series beyond the detail, per block.
    summarised: SummarisedSeries,
}

/// The series of a timeline beyond its detail.
#[derive(Clone, Debug, Default)]
struct SummarisedSeries {
    queue_depth: Tail<Points>,
    counter: Tail<Points>,
    handovers: Tail<Points>,
    drop_requests: Tail<Points>,
}

impl Default for Timeline {
    fn default() -> Self {
        Self::with_detail_cap(true, EVENTS_KEPT_MAX as u64)
    }
}

impl Timeline {
    /// An empty timeline for a run whose interpreters have a GIL (`gil_mode`)
    /// or run free-threaded, keeping the first [`EVENTS_KEPT_MAX`] events
    /// in full detail.
    pub fn new(gil_mode: bool) -> Self {
        Self::with_detail_cap(gil_mode, EVENTS_KEPT_MAX as u64)
    }

    /// The same, keeping the first `detail_cap` events in full detail.
    pub fn with_detail_cap(gil_mode: bool, detail_cap: u64) -> Self {
        Self {
            gil_mode,
            tracks: BTreeMap::new(),
            horizon_ns: 0,
            queue_depth: Series::new(),
            counter: Series::new(),
            queues: Queues::default(),
            handovers: Vec::new(),
            drop_requests: Vec::new(),
            events: 0,
            detail_end_ns: 0,
            detail_cap,
            summarising: false,
            summarised: SummarisedSeries::default(),
        }
    }

    /// Events kept in full detail: the first to arrive, up to the cap.
    pub fn events_kept(&self) -> u64 {
        self.events.min(self.detail_cap)
    }

    /// Events beyond the cap: counted, and folded into per-block summaries.
    pub fn events_summarised(&self) -> u64 {
        self.events - self.events_kept()
    }

    /// Where the full detail ends (the latest time of a kept event), once
    /// the timeline has begun to summarise.
    pub fn detail_ends_ns(&self) -> Option<u64> {
        self.summarising.then_some(self.detail_end_ns)
    }

    /// Whether the run's interpreters have a GIL.
    pub fn gil_mode(&self) -> bool {
        self.gil_mode
    }

    /// Adds a batch of events. Each worker's events must come in its time
    /// order; batches of different workers may interleave in any order.
    pub fn ingest(&mut self, batch: &[Event]) {
        let gil_mode = self.gil_mode;
        for e in batch {
            self.events += 1;
            if !self.summarising && self.events > self.detail_cap {
                self.start_summarising();
            }
            self.horizon_ns = self.horizon_ns.max(e.t_ns);
            if !self.summarising {
                self.detail_end_ns = self.detail_end_ns.max(e.t_ns);
            }
            let summarising = self.summarising;
            if !summarising {
                self.queues.apply(e);
            }
            let tails = &mut self.summarised;
            match e.kind {
                EventKind::QueueDepth if summarising => {
                    tails.queue_depth.push(Points::one(e.t_ns, e.arg))
                }
                EventKind::QueueDepth => {
                    insert_sorted(&mut self.queue_depth, (e.t_ns, e.arg), |p| p.0)
                }
                EventKind::CounterWrite if summarising => {
                    tails.counter.push(Points::one(e.t_ns, e.arg))
                }
                EventKind::CounterWrite => {
                    insert_sorted(&mut self.counter, (e.t_ns, e.arg), |p| p.0)
                }
                _ => {}
            }
            let track = self.tracks.entry(e.worker).or_insert_with(|| {
                let mut track = Track::new(e.worker, gil_mode);
                if summarising {
                    track.summarise_from_now();
                }
                track
            });
            let before = (track.gil_handovers, track.gil_drop_requests);
            track.apply(e);
            // Kept as times too, so a replay counts them up to any moment
            // with a binary search.
            if track.gil_handovers > before.0 {
                if summarising {
                    tails.handovers.push(Points::one(e.t_ns, 0));
                } else {
                    insert_sorted(&mut self.handovers, e.t_ns, |t| *t);
                }
            }
            if track.gil_drop_requests > before.1 {
                if summarising {
                    tails.drop_requests.push(Points::one(e.t_ns, 0));
                } else {
                    insert_sorted(&mut self.drop_requests, e.t_ns, |t| *t);
                }
            }
        }
    }

    /// The detail is full: every lane and series summarises from now on.
    fn start_summarising(&mut self) {
        self.summarising = true;
        self.tracks.values_mut().for_each(Track::summarise_from_now);
    }

    /// The latest time any event carries, ns: open spans are drawn up to it.
    pub fn horizon_ns(&self) -> u64 {
        self.horizon_ns
    }

    /// Events ingested so far.
    pub fn events(&self) -> u64 {
        self.events
    }

    /// Every worker's track, by process then thread.
    pub fn tracks(&self) -> impl Iterator<Item = &Track> {
        self.tracks.values()
    }

    /// Number of workers seen.
    pub fn worker_count(&self) -> usize {
        self.tracks.len()
    }

    /// The processes that recorded events, in order.
    pub fn processes(&self) -> Vec<u16> {
        let set: BTreeSet<u16> = self.tracks.keys().map(|w| w.process).collect();
        set.into_iter().collect()
    }

    /// The track of one worker, if it recorded anything.
    pub fn track(&self, id: WorkerId) -> Option<&Track> {
        self.tracks.get(&id)
    }

    /// The tracks of one process, by thread.
    pub fn process_tracks(&self, process: u16) -> impl Iterator<Item = &Track> {
        self.tracks
            .range(WorkerId::new(process, 0)..=WorkerId::new(process, u16::MAX))
            .map(|(_, t)| t)
    }

    /// Every core some worker was seen executing on.
    pub fn cores_seen(&self) -> BTreeSet<u32> {
        self.tracks
            .values()
            .flat_map(|t| {
                let open = t.open_core(self.horizon_ns).map(|(c, _)| c);
                t.cores.keys().copied().chain(open)
            })
            .collect()
    }

    /// GIL hand-overs seen so far, all interpreters.
    pub fn gil_handovers(&self) -> u64 {
        self.tracks.values().map(|t| t.gil_handovers).sum()
    }

    /// GIL drop requests seen so far, all interpreters.
    pub fn gil_drop_requests(&self) -> u64 {
        self.tracks.values().map(|t| t.gil_drop_requests).sum()
    }

    /// Time all workers together waited for a GIL so far, ns.
    pub fn gil_wait_ns(&self) -> u64 {
        self.tracks
            .values()
            .map(|t| t.gil_wait_ns(self.horizon_ns))
            .sum()
    }

    /// Tasks finished so far, all workers.
    pub fn tasks_done(&self) -> u64 {
        self.tracks.values().map(|t| t.tasks_done).sum()
    }

    /// Queue depth after each put or get, in time order (the detail only).
    pub fn queue_depth(&self) -> &[(u64, u64)] {
        &self.queue_depth
    }

    /// Each process's queue, its depth and who took which item (the
    /// detail only).
    pub fn queues(&self) -> &Queues {
        &self.queues
    }

    /// The shared counter's values as written, in time order (the detail
    /// only). The n-th write (from 1) is the n-th increment, so a correct
    /// counter reads n there.
    pub fn counter_writes(&self) -> &[(u64, u64)] {
        &self.counter
    }
}

/// Inserts `item` keeping `series` sorted by time; late batches land near the
/// end, so the shift is short.
/// Equal times keep their order of arrival.
fn insert_sorted<T: Copy>(series: &mut Vec<T>, item: T, time: impl Fn(&T) -> u64) {
    let t = time(&item);
    if series.last().is_none_or(|last| time(last) <= t) {
        series.push(item);
    } else {
        let at = series.partition_point(|p| time(p) <= t);
        series.insert(at, item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use EventKind::*;

    fn ev(t: u64, thread: u16, kind: EventKind, arg: u64) -> Event {
        Event::new(t, WorkerId::new(0, thread), kind, arg)
    }

    /// Two threads hand one GIL back and forth while computing one task each.
    fn two_threads() -> Vec<Event> {
        vec![
            ev(0, 0, WorkerStart, 0),
            ev(0, 0, CoreChange, 1),
            ev(1, 0, GilAcquire, 1),
            ev(2, 0, TaskStart, 0),
            ev(2, 1, WorkerStart, 0),
            ev(3, 1, GilWait, 0),
            ev(10, 1, GilDropRequest, 0),
            ev(11, 0, GilRelease, 1),
            ev(11, 1, GilAcquire, 2),
            ev(11, 1, CoreChange, 0),
            ev(11, 1, TaskStart, 1),
            ev(12, 0, GilWait, 0),
            ev(20, 1, TaskEnd, 1),
            ev(21, 1, GilRelease, 0),
            ev(21, 1, WorkerExit, 0),
            ev(21, 0, GilAcquire, 3),
            ev(30, 0, TaskEnd, 0),
            ev(31, 0, GilRelease, 0),
            ev(31, 0, WorkerExit, 0),
        ]
    }

    /// Feeds each worker's events as its own batch, thread 1 first, as the
    /// channel may deliver them.
    fn ingest_out_of_order(events: &[Event]) -> Timeline {
        let mut tl = Timeline::new(true);
        for thread in [1, 0] {
            let batch: Vec<Event> = events
                .iter()
                .copied()
                .filter(|e| e.worker.thread == thread)
                .collect();
            tl.ingest(&batch);
        }
        tl
    }

    fn states(track: &Track) -> Vec<(u64, u64, State, Option<u32>)> {
        track
            .states
            .spans()
            .iter()
            .map(|s| (s.start_ns, s.end_ns, s.state, s.task()))
            .collect()
    }

    #[test]
    fn a_start_is_drawn_from_the_request_to_the_first_event() {
        let mut tl = Timeline::new(true);
        // Asked for at 40, first event at 100 (the start carries 60 ns).
        tl.ingest(&[ev(100, 0, WorkerStart, 60), ev(101, 0, GilAcquire, 1)]);
        // A start recorded without its request time draws none.
        tl.ingest(&[ev(100, 1, WorkerStart, 0), ev(102, 1, GilWait, 0)]);
        let t: Vec<&Track> = tl.tracks().collect();
        assert_eq!(
            states(t[0]),
            [
                (40, 100, State::Starting, None),
                (100, 101, State::Idle, None)
            ]
        );
        assert_eq!(states(t[1]), [(100, 102, State::Idle, None)]);
    }

    #[test]
    fn a_task_spans_its_waits_from_its_start_to_its_end() {
        let tl = ingest_out_of_order(&two_threads());
        let tasks = |t: &Track| -> Vec<(u64, u64, u32)> {
            let spans = t.tasks.spans().iter();
            spans.map(|s| (s.start_ns, s.end_ns, s.task)).collect()
        };
        let t: Vec<&Track> = tl.tracks().collect();
        // Thread 0 waited for the GIL inside task 0: one extent all the same.
        assert_eq!(tasks(t[0]), [(2, 30, 0)]);
        assert_eq!(tasks(t[1]), [(11, 20, 1)]);
        assert!(t.iter().all(|t| t.open_task(99).is_none()));
    }

    #[test]
    fn states_follow_the_gil_and_the_tasks() {
        let tl = ingest_out_of_order(&two_threads());
        let t: Vec<&Track> = tl.tracks().collect();
        assert_eq!(
            states(t[0]),
            [
                (0, 1, State::Idle, None),
                (1, 2, State::Running, None),
                (2, 11, State::Running, Some(0)),
                (11, 12, State::Idle, Some(0)),
                (12, 21, State::GilWait, Some(0)),
                (21, 30, State::Running, Some(0)),
                (30, 31, State::Running, None),
            ]
        );
        assert_eq!(
            states(t[1]),
            [
                (2, 3, State::Idle, None),
                (3, 11, State::GilWait, None),
                (11, 20, State::Running, Some(1)),
                (20, 21, State::Running, None),
            ]
        );
        assert!(t.iter().all(|t| t.open_state(99).is_none()));
    }

    #[test]
    fn counters_are_read_from_the_events() {
        let tl = ingest_out_of_order(&two_threads());
        assert_eq!(tl.gil_handovers(), 2, "t0 -> t1 -> t0");
        assert_eq!(tl.gil_drop_requests(), 1);
        assert_eq!(tl.gil_wait_ns(), (11 - 3) + (21 - 12));
        assert_eq!(tl.tasks_done(), 2);
        assert_eq!(tl.horizon_ns(), 31);
        assert_eq!(tl.events(), two_threads().len() as u64);
    }

    #[test]
    fn gil_holds_mark_hand_overs() {
        let tl = ingest_out_of_order(&two_threads());
        let holds: Vec<(u64, u64, u16, bool)> = tl
            .tracks()
            .flat_map(|t| t.gil.spans().iter())
            .map(|h| (h.start_ns, h.end_ns, h.worker.thread, h.handover))
            .collect();
        assert_eq!(
            holds,
            [(1, 11, 0, false), (21, 31, 0, true), (11, 21, 1, true)]
        );
    }

    #[test]
    fn cores_hold_only_executing_time() {
        let tl = ingest_out_of_order(&two_threads());
        assert_eq!(tl.cores_seen(), BTreeSet::from([0, 1]));
        let t0 = tl.tracks().next().unwrap();
        let on_core_1: Vec<(u64, u64)> = t0.cores[&1]
            .spans()
            .iter()
            .map(|s| (s.start_ns, s.end_ns))
            .collect();
        assert_eq!(on_core_1, [(1, 11), (21, 31)]);
    }

    #[test]
    fn open_spans_grow_to_the_horizon() {
        let events = two_threads();
        let mut tl = Timeline::new(true);
        tl.ingest(&events[..4]);
        let t0 = tl.tracks().next().unwrap();
        let open = t0.open_state(50).unwrap();
        assert_eq!(
            (open.start_ns, open.end_ns, open.state),
            (2, 50, State::Running)
        );
        assert_eq!(
            t0.open_gil(50).map(|h| (h.start_ns, h.end_ns)),
            Some((1, 50))
        );
        assert_eq!(t0.open_core(50).map(|(c, _)| c), Some(1));
    }

    #[test]
    fn without_a_gil_alive_workers_run() {
        let mut tl = Timeline::new(false);
        tl.ingest(&[
            ev(0, 0, WorkerStart, 0),
            ev(5, 0, NativeStart, 0),
            ev(9, 0, NativeEnd, 0),
            ev(10, 0, IoWaitStart, 100),
            ev(20, 0, IoWaitEnd, 0),
            ev(25, 0, WorkerExit, 0),
        ]);
        let t = tl.tracks().next().unwrap();
        let got: Vec<State> = t.states.spans().iter().map(|s| s.state).collect();
        assert_eq!(
            got,
            [
                State::Running,
                State::Native,
                State::Running,
                State::IoWait,
                State::Running
            ]
        );
    }

    /// A long run past a small cap: the counters count every event, the
    /// lanes and series keep the detail and summarise the rest.
    #[test]
    fn beyond_the_cap_counters_stay_exact_and_memory_stays_bounded() {
        let mut tl = Timeline::with_detail_cap(true, 1_000);
        let mut t = 0;
        let mut batch = vec![ev(0, 0, WorkerStart, 0), ev(0, 1, WorkerStart, 0)];
        // Two threads hand the GIL back and forth, each writing the counter.
        for round in 0..100_000u64 {
            let (a, b) = if round % 2 == 0 { (0, 1) } else { (1, 0) };
            batch.push(ev(t, a, GilAcquire, round + 2));
            batch.push(ev(t + 1, a, CounterWrite, round + 1));
            batch.push(ev(t + 2, b, GilWait, 0));
            batch.push(ev(t + 3, b, GilDropRequest, 0));
            batch.push(ev(t + 4, a, GilRelease, 1));
            t += 10;
            if batch.len() >= 512 {
                tl.ingest(&batch);
                batch.clear();
            }
        }
        tl.ingest(&batch);
        assert_eq!(tl.events(), 2 + 5 * 100_000);
        assert_eq!(tl.events_kept(), 1_000);
        assert_eq!(tl.events_summarised(), tl.events() - 1_000);
        assert!(tl.detail_ends_ns().is_some_and(|t| t < 10_000));
        assert_eq!(tl.gil_drop_requests(), 100_000);
        let at_end = tl.as_of(tl.horizon_ns());
        assert_eq!(at_end.gil_drop_requests, 100_000);
        assert_eq!(at_end.gil_handovers, tl.gil_handovers());
        let counter = at_end.counter.unwrap();
        assert_eq!((counter.expected, counter.actual), (100_000, 100_000));
        for track in tl.tracks() {
            assert!(track.states.len() < 1_000, "{}", track.states.len());
            let blocks = track.states.summarised_blocks().len();
            assert!(blocks <= tail::TAIL_BLOCKS, "{blocks}");
            assert!(track.states.summarised() > 0);
        }
        assert!(tl.counter_writes().len() < 1_000);
        assert!(tl.next_change_after(tl.detail_ends_ns().unwrap()).is_some());
    }

    #[test]
    fn locks_queues_and_counters() {
        let mut tl = Timeline::new(true);
        tl.ingest(&[
            ev(0, 1, WorkerStart, 0),
            ev(1, 1, LockWait, 0),
            ev(4, 1, LockAcquire, 0),
            ev(5, 1, CounterWrite, 2),
            ev(6, 1, LockRelease, 0),
            ev(7, 1, QueueDepth, 3),
            ev(8, 1, WorkerExit, 0),
        ]);
        tl.ingest(&[
            ev(0, 0, WorkerStart, 0),
            ev(2, 0, LockAcquire, 0),
            ev(3, 0, CounterWrite, 1),
            ev(3, 0, LockRelease, 0),
            ev(5, 0, QueueDepth, 4),
            ev(9, 0, CutOff, 7),
        ]);
        assert_eq!(tl.counter_writes(), [(3, 1), (5, 2)]);
        assert_eq!(tl.queue_depth(), [(5, 4), (7, 3)]);
        let t: Vec<&Track> = tl.tracks().collect();
        assert_eq!(t[0].cut_off_ns, Some(9));
        assert!(t.iter().all(|t| t.used_lock()));
        assert!(!t[0].lock.spans()[0].handover);
        assert!(t[1].lock.spans()[0].handover, "t1 waited for it");
        assert_eq!(
            states(t[1]).iter().map(|s| s.2).collect::<Vec<_>>(),
            [State::Idle, State::LockWait, State::Idle]
        );
    }
}
