//! What the parent makes of a child: the child's own result, completed with
//! what only the parent could measure (its resident memory seen from
//! outside, the events the parent had to drop), or — for a child killed
//! before it could report — what its events told.

use crate::engine::interp::{Finished, InterpResult};
use crate::engine::processes::link::WorkerTally;
use crate::engine::worker::WorkerStats;
use crate::model::{WorkerId, WorkerSummary};

/// A child's own result with what only the parent measured: its resident
/// memory from outside, and the events the parent had to drop.
pub fn with_parent_view(
    mut r: InterpResult,
    rss_bytes: u64,
    tally: &[WorkerTally],
) -> InterpResult {
    for f in &mut r.workers {
        f.summary.rss_bytes = rss_bytes;
        f.stats.rss_bytes = rss_bytes;
        if let Some(t) = tally.get(f.summary.id.thread as usize) {
            f.summary.events_dropped += t.dropped;
        }
    }
    r
}

/// What the parent knows of a child that never reported: its events.
pub fn from_tally(
    process: u16,
    threads: u16,
    tally: &[WorkerTally],
    rss_bytes: u64,
) -> InterpResult {
    let workers = (0..threads)
        .map(|thread| {
            let t = tally.get(thread as usize).copied().unwrap_or_default();
            let spawn_ns = t.spawn_ns.unwrap_or(0);
            Finished {
                summary: WorkerSummary {
                    id: WorkerId::new(process, thread),
                    tasks_done: t.tasks_done,
                    spawn_us: spawn_ns as f64 / 1e3,
                    rss_bytes,
                    events: t.events + t.dropped,
                    events_dropped: t.dropped,
                    ..WorkerSummary::default()
                },
                stats: WorkerStats {
                    tasks_done: t.tasks_done,
                    spawn_ns,
                    rss_bytes,
                    ..WorkerStats::default()
                },
            }
        })
        .collect();
    InterpResult {
        workers,
        ..InterpResult::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_killed_child_is_known_by_its_events() {
        let tally = [WorkerTally {
            spawn_ns: Some(2_000_000),
            tasks_done: 3,
            events: 10,
            dropped: 2,
        }];
        let r = from_tally(4, 2, &tally, 5_000_000);
        assert_eq!(r.workers.len(), 2);
        let w = &r.workers[0].summary;
        assert_eq!(w.id, WorkerId::new(4, 0));
        assert_eq!(
            (w.tasks_done, w.spawn_us, w.rss_bytes),
            (3, 2000.0, 5_000_000)
        );
        assert_eq!((w.events, w.events_dropped), (12, 2));
        assert_eq!(r.workers[1].summary.id, WorkerId::new(4, 1));
        assert_eq!(r.workers[1].summary.tasks_done, 0);
    }

    #[test]
    fn a_reported_result_gets_the_parents_view() {
        let mut result = from_tally(1, 1, &[], 0);
        result.workers[0].summary.events_dropped = 1;
        let tally = [WorkerTally {
            dropped: 4,
            ..WorkerTally::default()
        }];
        let r = with_parent_view(result, 7_000_000, &tally);
        assert_eq!(r.workers[0].summary.rss_bytes, 7_000_000);
        assert_eq!(r.workers[0].stats.rss_bytes, 7_000_000);
        assert_eq!(r.workers[0].summary.events_dropped, 5);
    }
}
