//! Who took which item from a queue, and when: the hand-overs from the
//! queue to its workers, and the queue's depth, per process (each
//! interpreter has a queue of its own). Kept for the detail only, like the
//! spans: beyond it the lanes summarise and the hand-overs are not drawn.

use super::{Series, insert_sorted};
use crate::model::{Event, EventKind, WorkerId};
use std::collections::BTreeMap;

/// A worker took an item from the queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Take {
    /// When `get` returned it, ns.
    pub t_ns: u64,
    /// Who took it.
    pub worker: WorkerId,
    /// Which item.
    pub item: u64,
}

/// One process's queue: its depth after each put or get, and its takes,
/// each in time order.
#[derive(Clone, Debug, Default)]
pub struct QueueFlow {
    /// Depth after each put or get.
    pub depth: Series,
    /// Items taken, by whom.
    pub takes: Vec<Take>,
}

impl QueueFlow {
    /// The deepest the queue was.
    pub fn max_depth(&self) -> u64 {
        self.depth.iter().map(|p| p.1).max().unwrap_or(0)
    }
}

/// The queues of a run, by process.
#[derive(Clone, Debug, Default)]
pub struct Queues(BTreeMap<u16, QueueFlow>);

impl Queues {
    /// Takes in one event, if it is about a queue.
    pub fn apply(&mut self, e: &Event) {
        match e.kind {
            EventKind::QueueDepth => {
                let depth = &mut self.0.entry(e.worker.process).or_default().depth;
                insert_sorted(depth, (e.t_ns, e.arg), |p| p.0);
            }
            EventKind::QueueGet => {
                let take = Take {
                    t_ns: e.t_ns,
                    worker: e.worker,
                    item: e.arg,
                };
                let takes = &mut self.0.entry(e.worker.process).or_default().takes;
                insert_sorted(takes, take, |t| t.t_ns);
            }
            _ => {}
        }
    }

    /// The queue of `process`, if it had one.
    pub fn of(&self, process: u16) -> Option<&QueueFlow> {
        self.0.get(&process)
    }

    /// Whether any item was taken from a queue.
    pub fn any_taken(&self) -> bool {
        self.0.values().any(|q| !q.takes.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_are_kept_per_process_in_time_order() {
        let ev = |t, p, th, kind, arg| Event::new(t, WorkerId::new(p, th), kind, arg);
        let mut q = Queues::default();
        for e in [
            ev(1, 0, 0, EventKind::QueuePut, 7),
            ev(1, 0, 0, EventKind::QueueDepth, 1),
            ev(5, 0, 2, EventKind::QueueGet, 7),
            ev(5, 0, 2, EventKind::QueueDepth, 0),
            // A late batch of another worker lands in its place.
            ev(3, 0, 1, EventKind::QueueGet, 6),
            ev(4, 1, 1, EventKind::QueueGet, 9),
        ] {
            q.apply(&e);
        }
        let p0 = q.of(0).unwrap();
        let order: Vec<(u64, u16, u64)> = p0
            .takes
            .iter()
            .map(|t| (t.t_ns, t.worker.thread, t.item))
            .collect();
        assert_eq!(order, [(3, 1, 6), (5, 2, 7)]);
        assert_eq!(p0.max_depth(), 1);
        assert_eq!(q.of(1).unwrap().takes.len(), 1);
        assert!(q.of(2).is_none() && q.any_taken());
    }
}
