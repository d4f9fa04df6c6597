//! How many events a front end keeps one by one. A run may record far more
//! events than fit in memory (the largest accepted scenario records about
//! 2.6 × 10¹⁰), while every number of its summary is counted by the workers
//! themselves and stays exact whatever is kept. So the window's timeline
//! and its export, and the CLI's `--trace`, keep the first events in full
//! detail up to one cap, and beyond it only count them (the timeline also
//! folds them into per-block summaries); the summary says how many of each
//! (`events_kept`, `events_summarised`).

use super::event::Event;

/// Events kept one by one: 4 million, 96 MB as they arrive. Building a
/// trace of them takes about 2.5 times as much again (its slices), and the
/// window's timeline of them a little more than as much (BENCHMARKS.md):
/// both well inside the 1 GB a run may use.
pub const EVENTS_KEPT_MAX: usize = 4_000_000;

/// The first events of a run, up to a cap, and a count of the rest.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeptEvents {
    /// The events kept, in arrival order.
    pub events: Vec<Event>,
    /// How many may be kept.
    pub cap: usize,
    /// Events that arrived once the cap was reached.
    pub summarised: u64,
}

impl KeptEvents {
    /// Keeps up to `cap` events.
    pub fn with_cap(cap: usize) -> Self {
        Self {
            cap,
            ..Self::default()
        }
    }

    /// Takes a batch in: what fits is kept, the rest counted.
    pub fn take(&mut self, batch: &[Event]) {
        let room = self.cap.saturating_sub(self.events.len());
        let kept = batch.len().min(room);
        self.events.extend_from_slice(&batch[..kept]);
        self.summarised += (batch.len() - kept) as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EventKind, WorkerId};

    #[test]
    fn the_first_events_are_kept_and_the_rest_counted() {
        let e = |t| Event::new(t, WorkerId::default(), EventKind::TaskStart, 0);
        let mut kept = KeptEvents::with_cap(3);
        kept.take(&[e(1), e(2)]);
        kept.take(&[e(3), e(4), e(5)]);
        assert_eq!(kept.events, [e(1), e(2), e(3)]);
        assert_eq!(kept.summarised, 2);
        let mut none = KeptEvents::with_cap(0);
        none.take(&[e(1)]);
        assert_eq!((none.events.len(), none.summarised), (0, 1));
    }
}
