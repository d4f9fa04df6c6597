//! The run as it stood at one moment, for a replay: what had happened by
//! time `t` (hand-overs, time spent waiting, the queue's depth, the shared
//! counter's value), and where the next or previous change is.
//!
//! A replay asks these every frame of a run that may hold millions of
//! spans, so every answer comes from binary searches and the lanes' block
//! prefix totals, never from a scan of the whole run.

use super::lanes::{Lane, Span, Totals};
use super::tail::{Points, Tail};
use super::track::{HoldSpan, State, Track};
use super::{Series, Timeline};

/// The counters of a run up to one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AsOf {
    /// The moment, ns.
    pub t_ns: u64,
    /// GIL hand-overs up to and including `t_ns`, all interpreters.
    pub gil_handovers: u64,
    /// GIL drop requests up to and including `t_ns`.
    pub gil_drop_requests: u64,
    /// Time all workers together waited for a GIL before `t_ns`, ns.
    pub gil_wait_ns: u64,
    /// Time all workers together were alive before `t_ns`, ns.
    pub worker_time_ns: u64,
    /// The queue's depth at `t_ns`, when the lab has a queue.
    pub queue_depth: Option<u64>,
    /// The shared counter at `t_ns`, when the lab has one.
    pub counter: Option<CounterAt>,
}

/// The shared counter at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CounterAt {
    /// Increments made so far: what a correct counter would read.
    pub expected: u64,
    /// What it read.
    pub actual: u64,
}

impl CounterAt {
    /// Increments lost so far.
    pub fn lost(&self) -> u64 {
        self.expected.saturating_sub(self.actual)
    }
}

impl Track {
    /// Time per state before `t_ns`, the still open span included.
    pub fn state_totals_until(&self, t_ns: u64) -> Totals {
        let mut totals = self.states.totals_until(t_ns);
        if let Some(open) = self.open_state(t_ns).filter(|s| s.start_ns < t_ns) {
            totals[open.state.index()] += open.duration_ns();
        }
        totals
    }

    /// Where the spans still open at `t_ns` began (state, GIL, lock, core):
    /// they change the picture too, though no lane holds them yet.
    fn open_starts(&self, t_ns: u64) -> [Option<u64>; 4] {
        [
            self.open_state(t_ns).map(|s| s.start_ns),
            self.open_gil(t_ns).map(|s| s.start_ns),
            self.open_lock(t_ns).map(|s| s.start_ns),
            self.open_core(t_ns).map(|(_, s)| s.start_ns),
        ]
    }

    /// Every time strictly after `t_ns` at which one of this worker's lanes
    /// changes: its state, its GIL or lock holds, its core.
    fn next_change_after(&self, t_ns: u64) -> Option<u64> {
        let open = self.open_starts(t_ns);
        let lanes = [
            self.states.next_edge_after(t_ns),
            self.gil.next_edge_after(t_ns),
            self.lock.next_edge_after(t_ns),
        ];
        let cores = self.cores.values().filter_map(|l| l.next_edge_after(t_ns));
        open.into_iter()
            .flatten()
            .filter(|&s| s > t_ns)
            .chain(lanes.into_iter().flatten())
            .chain(cores)
            .min()
    }

    /// The last time strictly before `t_ns` at which one of this worker's
    /// lanes changed.
    fn prev_change_before(&self, t_ns: u64) -> Option<u64> {
        let open = self.open_starts(t_ns);
        let lanes = [
            self.states.prev_edge_before(t_ns),
            self.gil.prev_edge_before(t_ns),
            self.lock.prev_edge_before(t_ns),
        ];
        let cores = self.cores.values().filter_map(|l| l.prev_edge_before(t_ns));
        open.into_iter()
            .flatten()
            .filter(|&s| s < t_ns)
            .chain(lanes.into_iter().flatten())
            .chain(cores)
            .max()
    }

    /// Which core this worker was executing on at `t_ns`, if any.
    pub fn core_at(&self, t_ns: u64) -> Option<u32> {
        let closed = self
            .cores
            .iter()
            .find(|(_, lane)| lane.span_at(t_ns).is_some())
            .map(|(c, _)| *c);
        closed.or_else(|| {
            self.open_core(t_ns)
                .filter(|(_, s)| s.start_ns <= t_ns)
                .map(|(c, _)| c)
        })
    }
}

impl Timeline {
    /// The counters as they stood at `t_ns`.
    pub fn as_of(&self, t_ns: u64) -> AsOf {
        let (mut gil_wait_ns, mut worker_time_ns) = (0, 0);
        for track in self.tracks() {
            let totals = track.state_totals_until(t_ns);
            gil_wait_ns += totals[State::GilWait.index()];
            worker_time_ns += totals.iter().sum::<u64>();
        }
        // Beyond the detail, the series answer from their summary blocks.
        let tails = &self.summarised;
        let counted =
            |detail: &[u64], tail: &Tail<Points>| count_until(detail, t_ns) + tail.items_by(t_ns);
        let has_counter = !self.counter.is_empty() || !tails.counter.is_empty();
        AsOf {
            t_ns,
            gil_handovers: counted(&self.handovers, &tails.handovers),
            gil_drop_requests: counted(&self.drop_requests, &tails.drop_requests),
            gil_wait_ns,
            worker_time_ns,
            queue_depth: tails
                .queue_depth
                .value_by(t_ns)
                .or_else(|| value_at(&self.queue_depth, t_ns))
                .or_else(|| (!tails.queue_depth.is_empty()).then_some(0)),
            counter: has_counter.then(|| {
                let expected = self.counter.partition_point(|p| p.0 <= t_ns) as u64;
                CounterAt {
                    expected: expected + tails.counter.items_by(t_ns),
                    actual: tails
                        .counter
                        .value_by(t_ns)
                        .or_else(|| value_at(&self.counter, t_ns))
                        .unwrap_or(0),
                }
            }),
        }
    }

    /// The first moment strictly after `t_ns` at which something on screen
    /// changes: a worker's state, a GIL, lock or core hold starting or
    /// ending, the queue's depth or the shared counter.
    pub fn next_change_after(&self, t_ns: u64) -> Option<u64> {
        let series = [&self.queue_depth, &self.counter]
            .into_iter()
            .filter_map(|s| s.get(s.partition_point(|p| p.0 <= t_ns)).map(|p| p.0));
        let tails = [&self.summarised.queue_depth, &self.summarised.counter]
            .into_iter()
            .filter_map(|tail| tail.next_edge_after(t_ns));
        self.tracks()
            .filter_map(|t| t.next_change_after(t_ns))
            .chain(series)
            .chain(tails)
            .min()
    }

    /// The last moment strictly before `t_ns` at which something on screen
    /// changed.
    pub fn prev_change_before(&self, t_ns: u64) -> Option<u64> {
        let series = [&self.queue_depth, &self.counter]
            .into_iter()
            .filter_map(|s| {
                let i = s.partition_point(|p| p.0 < t_ns);
                i.checked_sub(1).map(|i| s[i].0)
            });
        let tails = [&self.summarised.queue_depth, &self.summarised.counter]
            .into_iter()
            .filter_map(|tail| tail.prev_edge_before(t_ns));
        self.tracks()
            .filter_map(|t| t.prev_change_before(t_ns))
            .chain(series)
            .chain(tails)
            .max()
    }

    /// Who held `process`'s GIL at `t_ns`, if anyone.
    pub fn gil_holder_at(&self, process: u16, t_ns: u64) -> Option<HoldSpan> {
        self.process_tracks(process)
            .find_map(|t| hold_at(&t.gil, t.open_gil(self.horizon_ns()), t_ns))
    }
}

/// How many of the sorted `times` are at or before `t_ns`.
fn count_until(times: &[u64], t_ns: u64) -> u64 {
    times.partition_point(|&t| t <= t_ns) as u64
}

/// The value a step series holds at `t_ns` (0 before its first point);
/// `None` for an empty series.
fn value_at(series: &Series, t_ns: u64) -> Option<u64> {
    if series.is_empty() {
        return None;
    }
    let i = series.partition_point(|p| p.0 <= t_ns);
    Some(i.checked_sub(1).map_or(0, |i| series[i].1))
}

fn hold_at(lane: &Lane<HoldSpan>, open: Option<HoldSpan>, t: u64) -> Option<HoldSpan> {
    lane.span_at(t)
        .map(|(_, s)| *s)
        .or(open.filter(|s| s.start_ns <= t && t < s.end_ns.max(s.start_ns + 1)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Event, EventKind, WorkerId};
    use EventKind::*;

    fn ev(t: u64, thread: u16, kind: EventKind, arg: u64) -> Event {
        Event::new(t, WorkerId::new(0, thread), kind, arg)
    }

    /// Two threads taking turns with one GIL, then a counter and a queue.
    fn run() -> Timeline {
        let mut tl = Timeline::new(true);
        tl.ingest(&[
            ev(0, 0, WorkerStart, 0),
            ev(0, 0, CoreChange, 0),
            ev(1, 0, GilAcquire, 1),
            ev(5, 0, CounterWrite, 1),
            ev(6, 0, QueueDepth, 1),
            ev(10, 0, GilRelease, 1),
            ev(10, 0, GilWait, 0),
            ev(20, 0, GilAcquire, 3),
            ev(30, 0, GilRelease, 0),
            ev(30, 0, WorkerExit, 0),
        ]);
        tl.ingest(&[
            ev(2, 1, WorkerStart, 0),
            ev(2, 1, CoreChange, 1),
            ev(3, 1, GilWait, 0),
            ev(8, 1, GilDropRequest, 0),
            ev(10, 1, GilAcquire, 2),
            ev(12, 1, CounterWrite, 1),
            ev(15, 1, QueueDepth, 0),
            ev(20, 1, GilRelease, 0),
            ev(20, 1, WorkerExit, 0),
        ]);
        tl
    }

    #[test]
    fn counts_follow_the_moment() {
        let tl = run();
        assert_eq!(tl.as_of(0).gil_handovers, 0);
        assert_eq!(tl.as_of(9).gil_handovers, 0);
        assert_eq!(
            tl.as_of(10).gil_handovers,
            1,
            "a hand-over counts at its time"
        );
        assert_eq!(tl.as_of(19).gil_handovers, 1);
        assert_eq!(tl.as_of(25).gil_handovers, 2);
        assert_eq!(tl.as_of(100).gil_handovers, tl.gil_handovers());
        assert_eq!(tl.as_of(7).gil_drop_requests, 0);
        assert_eq!(tl.as_of(8).gil_drop_requests, 1);
    }

    #[test]
    fn waiting_time_is_cut_at_the_moment() {
        let tl = run();
        // Thread 1 waits 3..10, thread 0 waits 10..20.
        assert_eq!(tl.as_of(3).gil_wait_ns, 0);
        assert_eq!(tl.as_of(6).gil_wait_ns, 3);
        assert_eq!(tl.as_of(15).gil_wait_ns, 7 + 5);
        assert_eq!(tl.as_of(100).gil_wait_ns, tl.gil_wait_ns());
        // Both alive from their start: 0..12 and 2..12.
        assert_eq!(tl.as_of(12).worker_time_ns, 12 + 10);
    }

    #[test]
    fn the_queue_and_the_counter_at_a_moment() {
        let tl = run();
        let at = |t| tl.as_of(t);
        assert_eq!(at(0).queue_depth, Some(0), "empty before the first put");
        assert_eq!(at(6).queue_depth, Some(1));
        assert_eq!(at(15).queue_depth, Some(0));
        assert_eq!(at(4).counter, Some(CounterAt::default()));
        assert_eq!(
            at(5).counter,
            Some(CounterAt {
                expected: 1,
                actual: 1
            })
        );
        let lost = at(12).counter.expect("a counter");
        assert_eq!((lost.expected, lost.actual, lost.lost()), (2, 1, 1));
        assert_eq!(Timeline::new(true).as_of(5).counter, None);
        assert_eq!(Timeline::new(true).as_of(5).queue_depth, None);
    }

    #[test]
    fn stepping_visits_every_change_in_order() {
        let tl = run();
        let mut forward = vec![];
        let mut t = 0;
        while let Some(next) = tl.next_change_after(t) {
            assert!(next > t);
            forward.push(next);
            t = next;
        }
        assert_eq!(forward, [1, 2, 3, 5, 6, 10, 12, 15, 20, 30]);
        let mut back = vec![];
        while let Some(prev) = tl.prev_change_before(t) {
            assert!(prev < t);
            back.push(prev);
            t = prev;
        }
        forward.reverse();
        assert_eq!(back[..], [&forward[1..], &[0]].concat()[..]);
    }

    #[test]
    fn holders_and_cores_at_a_moment() {
        let tl = run();
        let holder = |t| tl.gil_holder_at(0, t).map(|h| h.worker.thread);
        assert_eq!(
            (holder(0), holder(5), holder(15), holder(25)),
            (None, Some(0), Some(1), Some(0))
        );
        let t: Vec<&Track> = tl.tracks().collect();
        assert_eq!(t[0].core_at(5), Some(0));
        assert_eq!(t[0].core_at(15), None, "waiting, not executing");
        assert_eq!(t[1].core_at(15), Some(1));
    }
}
