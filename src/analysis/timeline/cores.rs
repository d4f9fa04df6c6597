//! How much of a core's time the run's workers took, over any stretch of
//! the run, from the workers' own on-core spans: the part of the cores view
//! that is measured to the nanosecond, at whatever resolution the window
//! draws. The rest of a core's time (threadlab's other threads, other
//! programs) is known only per load sample; `split_sample` puts the two
//! together without ever letting them add up to more than the core had.

use super::Timeline;
use super::lanes::Span;
use super::track::HoldSpan;
use crate::model::CoreSample;

impl Timeline {
    /// Time the workers computed on `core` (on any core for `None`) between
    /// `from_ns` and `to_ns`, ns. Binary searches in each worker's lanes:
    /// the cost follows the number of workers and cores, not of spans.
    pub fn on_core_ns(&self, core: Option<u32>, from_ns: u64, to_ns: u64) -> u64 {
        if to_ns <= from_ns {
            return 0;
        }
        let horizon = self.horizon_ns();
        let mut total = 0;
        for track in self.tracks() {
            for (c, lane) in &track.cores {
                if core.is_none_or(|k| k == *c) {
                    let until = |t: u64| lane.totals_until(t)[0];
                    total += until(to_ns).saturating_sub(until(from_ns));
                }
            }
            if let Some((c, open)) = track.open_core(horizon)
                && core.is_none_or(|k| k == c)
            {
                total += overlap(&open, from_ns, to_ns);
            }
        }
        total
    }
}

fn overlap(span: &HoldSpan, from_ns: u64, to_ns: u64) -> u64 {
    span.end_ns()
        .min(to_ns)
        .saturating_sub(span.start_ns().max(from_ns))
}

/// One core over one load sample's interval, in shares of the interval
/// (0..=1, adding up to 1).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CoreShare {
    /// The run's workers (their spans).
    pub workers: f32,
    /// threadlab's other threads: the front end (the window, its renderer)
    /// and the run's helpers.
    pub threadlab: f32,
    /// Other programs: the kernel's count of the core's busy time, minus
    /// everything of threadlab's.
    pub others: f32,
    /// Nobody.
    pub idle: f32,
}

/// Splits `core`'s time over `sample`'s interval between the workers (from
/// `timeline`), threadlab's other threads and other programs. The kernel
/// counts busy time in ticks and threadlab's threads are put on the core
/// they were last seen on, so the shares are clamped: the workers' measured
/// time comes first, then threadlab's, and other programs get what is left
/// of the kernel's count.
pub fn split_sample(timeline: &Timeline, sample: &CoreSample, core: usize) -> CoreShare {
    let interval = sample.interval_ns.max(1);
    let from = sample.t_ns.saturating_sub(sample.interval_ns);
    let workers = (timeline.on_core_ns(Some(core as u32), from, sample.t_ns) as f64
        / interval as f64)
        .clamp(0.0, 1.0) as f32;
    let pct = |v: &[f32]| v.get(core).map_or(0.0, |p| p / 100.0).clamp(0.0, 1.0);
    let busy = pct(&sample.usage).max(workers);
    let threadlab = (pct(&sample.front_end) + pct(&sample.helpers)).min(busy - workers);
    let others = (busy - workers - threadlab).max(0.0);
    CoreShare {
        workers,
        threadlab,
        others,
        idle: (1.0 - workers - threadlab - others).max(0.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Event, EventKind, WorkerId};

    fn ran_on(core: u64, from: u64, to: u64, worker: u16) -> Vec<Event> {
        let w = WorkerId::new(0, worker);
        vec![
            Event::new(from, w, EventKind::WorkerStart, 0),
            Event::new(from, w, EventKind::CoreChange, core),
            Event::new(to, w, EventKind::WorkerExit, 0),
        ]
    }

    #[test]
    fn time_on_a_core_is_read_from_the_spans() {
        let mut t = Timeline::new(false);
        t.ingest(&ran_on(0, 0, 1_000, 0));
        t.ingest(&ran_on(1, 500, 1_500, 1));
        assert_eq!(t.on_core_ns(Some(0), 0, 2_000), 1_000);
        assert_eq!(t.on_core_ns(Some(0), 250, 750), 500);
        assert_eq!(t.on_core_ns(Some(1), 0, 1_000), 500);
        assert_eq!(t.on_core_ns(None, 0, 2_000), 2_000);
        assert_eq!(t.on_core_ns(None, 900, 900), 0);
    }

    #[test]
    fn a_wait_for_a_core_is_off_the_core() {
        let w = WorkerId::new(0, 0);
        let mut t = Timeline::new(false);
        t.ingest(&[
            Event::new(0, w, EventKind::WorkerStart, 0),
            Event::new(0, w, EventKind::CoreChange, 0),
            Event::new(400, w, EventKind::CoreWaitStart, 0),
            Event::new(700, w, EventKind::CoreWaitEnd, 1),
            Event::new(1_000, w, EventKind::WorkerExit, 0),
        ]);
        assert_eq!(t.on_core_ns(Some(0), 0, 1_000), 400);
        assert_eq!(t.on_core_ns(Some(1), 0, 1_000), 300);
    }

    #[test]
    fn a_sample_is_split_without_adding_up_to_more_than_the_core() {
        let mut t = Timeline::new(false);
        t.ingest(&ran_on(0, 0, 500, 0));
        let sample = CoreSample {
            t_ns: 1_000,
            interval_ns: 1_000,
            usage: vec![90.0],
            front_end: vec![30.0],
            helpers: vec![30.0],
        };
        let s = split_sample(&t, &sample, 0);
        assert!((s.workers - 0.5).abs() < 1e-6);
        assert!((s.threadlab - 0.4).abs() < 1e-6, "clamped to what was busy");
        assert!(s.others.abs() < 1e-6);
        assert!((s.workers + s.threadlab + s.others + s.idle - 1.0).abs() < 1e-6);
    }
}
