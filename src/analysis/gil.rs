//! Facts about the GIL read back from the events alone: who held it when,
//! and whether the stream obeys the GIL's rules. The summary's counters come
//! from the GIL itself; these functions let tests and views check them
//! against what was recorded.

use crate::model::{Event, EventKind, WorkerId};
use std::collections::BTreeMap;

/// One stretch of time a worker held its interpreter's GIL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hold {
    /// Who held it.
    pub worker: WorkerId,
    /// Acquired at, ns.
    pub start_ns: u64,
    /// Released at, ns (the worker's last event when it never released).
    pub end_ns: u64,
}

/// Every GIL hold, per process, in time order.
pub fn gil_holds(events: &[Event]) -> BTreeMap<u16, Vec<Hold>> {
    let mut open: BTreeMap<WorkerId, u64> = BTreeMap::new();
    let mut holds: BTreeMap<u16, Vec<Hold>> = BTreeMap::new();
    for e in sorted(events) {
        match e.kind {
            EventKind::GilAcquire => {
                open.insert(e.worker, e.t_ns);
            }
            EventKind::GilRelease => {
                if let Some(start_ns) = open.remove(&e.worker) {
                    holds.entry(e.worker.process).or_default().push(Hold {
                        worker: e.worker,
                        start_ns,
                        end_ns: e.t_ns,
                    });
                }
            }
            _ => {}
        }
    }
    for v in holds.values_mut() {
        v.sort_by_key(|h| h.start_ns);
    }
    holds
}

/// Hand-overs seen in the events: consecutive holds of one process by
/// different workers.
pub fn handovers(events: &[Event]) -> u64 {
    gil_holds(events)
        .values()
        .map(|holds| {
            holds
                .windows(2)
                .filter(|w| w[0].worker != w[1].worker)
                .count() as u64
        })
        .sum()
}

/// Checks the GIL rules on a stream: per worker, acquires and releases
/// alternate (starting with an acquire); per process, no two holds overlap.
pub fn check_gil_well_formed(events: &[Event]) -> Result<(), String> {
    let mut holding: BTreeMap<WorkerId, bool> = BTreeMap::new();
    for e in sorted(events) {
        let held = holding.entry(e.worker).or_insert(false);
        match e.kind {
            EventKind::GilAcquire if *held => {
                return Err(format!(
                    "{} acquired the GIL twice (t = {} ns)",
                    e.worker, e.t_ns
                ));
            }
            EventKind::GilRelease if !*held => {
                return Err(format!(
                    "{} released a GIL it did not hold (t = {} ns)",
                    e.worker, e.t_ns
                ));
            }
            EventKind::GilAcquire => *held = true,
            EventKind::GilRelease => *held = false,
            _ => {}
        }
    }
    for (process, holds) in gil_holds(events) {
        if let Some(w) = holds.windows(2).find(|w| w[1].start_ns < w[0].end_ns) {
            return Err(format!(
                "process {process}: {} and {} held the GIL at once ({}..{} vs {}..{} ns)",
                w[0].worker, w[1].worker, w[0].start_ns, w[0].end_ns, w[1].start_ns, w[1].end_ns
            ));
        }
    }
    Ok(())
}

/// Events in time order; on equal times a release sorts before an acquire,
/// since the GIL stamps both under its mutex.
fn sorted(events: &[Event]) -> Vec<Event> {
    let mut v = events.to_vec();
    v.sort_by_key(|e| (e.t_ns, e.kind != EventKind::GilRelease));
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(t: u64, thread: u16, kind: EventKind) -> Event {
        Event::new(t, WorkerId::new(0, thread), kind, 0)
    }

    #[test]
    fn alternating_holds_pass_and_count_handovers() {
        let e = [
            ev(0, 0, EventKind::GilAcquire),
            ev(10, 0, EventKind::GilRelease),
            ev(10, 1, EventKind::GilAcquire),
            ev(20, 1, EventKind::GilRelease),
            ev(21, 1, EventKind::GilAcquire),
            ev(30, 1, EventKind::GilRelease),
        ];
        assert_eq!(check_gil_well_formed(&e), Ok(()));
        assert_eq!(handovers(&e), 1);
    }

    #[test]
    fn overlapping_holds_are_caught() {
        let e = [
            ev(0, 0, EventKind::GilAcquire),
            ev(5, 1, EventKind::GilAcquire),
            ev(10, 0, EventKind::GilRelease),
            ev(20, 1, EventKind::GilRelease),
        ];
        assert!(check_gil_well_formed(&e).unwrap_err().contains("at once"));
    }

    #[test]
    fn double_acquire_is_caught() {
        let e = [
            ev(0, 0, EventKind::GilAcquire),
            ev(5, 0, EventKind::GilAcquire),
        ];
        assert!(check_gil_well_formed(&e).unwrap_err().contains("twice"));
    }

    #[test]
    fn other_processes_do_not_conflict() {
        let e = [
            Event::new(0, WorkerId::new(1, 0), EventKind::GilAcquire, 0),
            Event::new(1, WorkerId::new(2, 0), EventKind::GilAcquire, 0),
            Event::new(5, WorkerId::new(1, 0), EventKind::GilRelease, 0),
            Event::new(6, WorkerId::new(2, 0), EventKind::GilRelease, 0),
        ];
        assert_eq!(check_gil_well_formed(&e), Ok(()));
    }
}
