//! What the timeline keeps of a run once its detail is full: per-block
//! summaries, in a bounded number of blocks.
//!
//! A run may record billions of events; the timeline keeps the first ones
//! in full detail (every span, every point of a series) and, beyond its
//! cap, only summaries of consecutive items: where a block starts and ends,
//! how many items it holds, and what they add up to (time per state, the
//! last value of a series). When the blocks reach [`TAIL_BLOCKS`],
//! neighbours merge pairwise and each block covers twice as many items, so
//! the memory stays the same however long the run goes on, and the blocks
//! still cover the whole stretch evenly enough to draw.
//!
//! Questions about a moment inside the summarised stretch are answered at
//! block granularity: as of the end of the last block that ended by then.

/// The most blocks a tail keeps.
pub const TAIL_BLOCKS: usize = 256;

/// Items per block before the first merge.
const FIRST_BLOCK_ITEMS: u64 = 32;

/// A summary of consecutive items.
pub trait Summary: Copy {
    /// Start of its first item, ns.
    fn start_ns(&self) -> u64;
    /// End of its last item, ns.
    fn end_ns(&self) -> u64;
    /// How many items it summarises.
    fn count(&self) -> u64;
    /// Takes in `later`, the items that follow these.
    fn absorb(&mut self, later: &Self);
}

/// Per-block summaries of the items beyond the detail, in time order.
#[derive(Clone, Debug)]
pub struct Tail<B> {
    blocks: Vec<B>,
    per_block: u64,
    items: u64,
}

impl<B> Default for Tail<B> {
    fn default() -> Self {
        Self {
            blocks: Vec::new(),
            per_block: FIRST_BLOCK_ITEMS,
            items: 0,
        }
    }
}

impl<B: Summary> Tail<B> {
    /// Adds the summary of the next item(s).
    pub fn push(&mut self, next: B) {
        self.items += next.count();
        match self.blocks.last_mut() {
            Some(last) if last.count() < self.per_block => last.absorb(&next),
            _ => {
                self.blocks.push(next);
                if self.blocks.len() > TAIL_BLOCKS {
                    self.coarsen();
                }
            }
        }
    }

    /// Merges neighbours pairwise: half the blocks, twice the items each.
    fn coarsen(&mut self) {
        let old = std::mem::take(&mut self.blocks);
        self.blocks = old
            .chunks(2)
            .map(|pair| {
                let mut merged = pair[0];
                if let Some(next) = pair.get(1) {
                    merged.absorb(next);
                }
                merged
            })
            .collect();
        self.per_block *= 2;
    }

    /// The blocks, in time order.
    pub fn blocks(&self) -> &[B] {
        &self.blocks
    }

    /// Items summarised in all.
    pub fn items(&self) -> u64 {
        self.items
    }

    /// Whether nothing is summarised.
    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }

    /// How many blocks have ended at or before `t_ns`.
    pub fn ended_by(&self, t_ns: u64) -> usize {
        self.blocks.partition_point(|b| b.end_ns() <= t_ns)
    }

    /// Items in the blocks that ended at or before `t_ns`.
    pub fn items_by(&self, t_ns: u64) -> u64 {
        self.blocks[..self.ended_by(t_ns)]
            .iter()
            .map(Summary::count)
            .sum()
    }

    /// The first block start or end strictly after `t_ns`.
    pub fn next_edge_after(&self, t_ns: u64) -> Option<u64> {
        let i = self.ended_by(t_ns);
        let b = self.blocks.get(i)?;
        Some(if b.start_ns() > t_ns {
            b.start_ns()
        } else {
            b.end_ns()
        })
    }

    /// The last block start or end strictly before `t_ns`.
    pub fn prev_edge_before(&self, t_ns: u64) -> Option<u64> {
        let i = self.blocks.partition_point(|b| b.start_ns() < t_ns);
        let b = self.blocks.get(i.checked_sub(1)?)?;
        Some(if b.end_ns() < t_ns {
            b.end_ns()
        } else {
            b.start_ns()
        })
    }
}

/// Points of a series (a counter's writes, the queue's depth, the moments
/// of GIL hand-overs), summarised: how many, and the last value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Points {
    /// Time of the first point, ns.
    pub start_ns: u64,
    /// Time of the last point, ns.
    pub end_ns: u64,
    /// Points in the block.
    pub count: u64,
    /// The value of its last point.
    pub last: u64,
}

impl Points {
    /// One point.
    pub fn one(t_ns: u64, value: u64) -> Self {
        Self {
            start_ns: t_ns,
            end_ns: t_ns,
            count: 1,
            last: value,
        }
    }
}

impl Summary for Points {
    fn start_ns(&self) -> u64 {
        self.start_ns
    }
    fn end_ns(&self) -> u64 {
        self.end_ns
    }
    fn count(&self) -> u64 {
        self.count
    }
    fn absorb(&mut self, later: &Self) {
        // Batches of different workers may arrive a little out of order.
        self.start_ns = self.start_ns.min(later.start_ns);
        self.end_ns = self.end_ns.max(later.end_ns);
        self.count += later.count;
        self.last = later.last;
    }
}

impl Tail<Points> {
    /// The value of the last point of the last block that ended at or
    /// before `t_ns`, if any did.
    pub fn value_by(&self, t_ns: u64) -> Option<u64> {
        let i = self.ended_by(t_ns);
        i.checked_sub(1).map(|i| self.blocks[i].last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tail_stays_bounded_and_counts_every_item() {
        let mut tail = Tail::default();
        for i in 0..1_000_000u64 {
            tail.push(Points::one(i * 10, i));
        }
        assert!(
            tail.blocks().len() <= TAIL_BLOCKS,
            "{}",
            tail.blocks().len()
        );
        assert!(tail.blocks().len() > TAIL_BLOCKS / 4);
        assert_eq!(tail.items(), 1_000_000);
        let counted: u64 = tail.blocks().iter().map(|b| b.count).sum();
        assert_eq!(counted, 1_000_000);
        assert!(
            tail.blocks()
                .windows(2)
                .all(|w| w[0].end_ns < w[1].start_ns)
        );
        assert_eq!(tail.blocks()[0].start_ns, 0);
        assert_eq!(tail.value_by(u64::MAX), Some(999_999));
        assert_eq!(tail.items_by(u64::MAX), 1_000_000);
        assert_eq!(tail.items_by(0), 0);
        assert_eq!(tail.value_by(0), None);
    }

    #[test]
    fn edges_are_the_blocks_starts_and_ends() {
        let mut tail = Tail::default();
        for i in 0..64u64 {
            tail.push(Points::one(100 + i, i));
        }
        // Two blocks of 32: 100..=131 and 132..=163.
        assert_eq!(tail.next_edge_after(0), Some(100));
        assert_eq!(tail.next_edge_after(100), Some(131));
        assert_eq!(tail.next_edge_after(131), Some(132));
        assert_eq!(tail.prev_edge_before(200), Some(163));
        assert_eq!(tail.prev_edge_before(140), Some(132));
        assert_eq!(tail.prev_edge_before(100), None);
        assert_eq!(tail.items_by(140), 32);
    }
}
