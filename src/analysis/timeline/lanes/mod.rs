//! Append-only lanes of time spans, with per-block summaries that answer
//! "how much time per category" for any index range after short scans.
//! [`Lane::lod`] walks a lane for one frame.
//!
//! A lane keeps its spans one by one until the timeline's detail is full
//! ([`Lane::summarise_from_now`]); from then on it keeps only per-block
//! summaries of the spans that close ([`super::tail`]), drawn as merged
//! marks, so its memory stays bounded however long the run goes on.

mod lod;

use super::tail::{Summary, Tail};
pub use lod::{Lod, LodItem, Merged, PixelWindow};
use std::ops::Range;

/// Number of categories a lane keeps time totals for (the worker states).
pub const CATEGORIES: usize = 8;

/// Spans per block of a lane's summaries.
const BLOCK: usize = 32;

/// Something that occupies `start_ns..end_ns` on a lane.
pub trait Span {
    /// Start, ns since the run's epoch.
    fn start_ns(&self) -> u64;
    /// End, ns since the run's epoch (at least the start).
    fn end_ns(&self) -> u64;
    /// Which time total this span adds to, `0..CATEGORIES`.
    fn category(&self) -> usize;
    /// Length, ns.
    fn duration_ns(&self) -> u64 {
        self.end_ns().saturating_sub(self.start_ns())
    }
}

/// Time per category, ns.
pub type Totals = [u64; CATEGORIES];

/// Spans beyond a lane's detail, summarised: where they start and end, how
/// many there are and their time per category.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SpanBlock {
    /// Start of the first span, ns.
    pub start_ns: u64,
    /// End of the last span, ns.
    pub end_ns: u64,
    /// Spans in the block.
    pub count: u64,
    /// Their time per category, ns.
    pub totals: Totals,
}

impl Summary for SpanBlock {
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
        self.end_ns = later.end_ns;
        self.count += later.count;
        for (t, l) in self.totals.iter_mut().zip(later.totals) {
            *t += l;
        }
    }
}

/// Spans in time order that never overlap, appended as they end.
///
/// Every [`BLOCK`] spans form a block, and the lane keeps a small summary per
/// block: where it starts and ends, and the time per category before it. The time of any index range is then known after at
/// most two short scans, and a pixel column holding whole blocks of thin
/// spans is summed from the summaries alone, without reading a span.
///
/// The summaries are kept field by field (one vector each), so a search
/// across blocks reads a few neighbouring cache lines of start times only.
#[derive(Clone, Debug)]
pub struct Lane<S> {
    spans: Vec<S>,
    /// Start of each block's first span, ns.
    block_start: Vec<u64>,
    /// End of each block's last span, ns.
    block_end: Vec<u64>,
    /// Time per category of every span before each block.
    block_before: Vec<Totals>,
    /// Time per category of every span kept one by one.
    detail_total: Totals,
    /// Time per category of every span, summarised ones included.
    total: Totals,
    /// Whether spans that close now are summarised instead of kept.
    summarising: bool,
    /// The spans that closed after that, per block.
    tail: Tail<SpanBlock>,
}

impl<S> Default for Lane<S> {
    fn default() -> Self {
        Self {
            spans: Vec::new(),
            block_start: Vec::new(),
            block_end: Vec::new(),
            block_before: Vec::new(),
            detail_total: [0; CATEGORIES],
            total: [0; CATEGORIES],
            summarising: false,
            tail: Tail::default(),
        }
    }
}

impl<S> Lane<S> {
    /// An empty lane that summarises from its first span (`summarising`),
    /// or keeps spans one by one until told otherwise.
    pub fn summarising_if(summarising: bool) -> Self {
        Self {
            summarising,
            ..Self::default()
        }
    }

    /// From now on, keeps only per-block summaries of the spans that close.
    pub fn summarise_from_now(&mut self) {
        self.summarising = true;
    }

    /// The summaries of the spans beyond the detail, in time order.
    pub fn summarised_blocks(&self) -> &[SpanBlock] {
        self.tail.blocks()
    }

    /// How many spans were summarised rather than kept.
    pub fn summarised(&self) -> u64 {
        self.tail.items()
    }
}

impl<S: Span> Lane<S> {
    /// Appends a span that starts no earlier than the last one ends.
    pub fn push(&mut self, span: S) {
        debug_assert!(
            self.spans
                .last()
                .is_none_or(|last| last.end_ns() <= span.start_ns()),
            "spans of a lane must not overlap"
        );
        let category = span.category().min(CATEGORIES - 1);
        self.total[category] += span.duration_ns();
        if self.summarising {
            let mut totals = [0; CATEGORIES];
            totals[category] = span.duration_ns();
            self.tail.push(SpanBlock {
                start_ns: span.start_ns(),
                end_ns: span.end_ns(),
                count: 1,
                totals,
            });
            return;
        }
        if self.spans.len().is_multiple_of(BLOCK) {
            self.block_start.push(span.start_ns());
            self.block_end.push(span.end_ns());
            self.block_before.push(self.detail_total);
        } else if let Some(end) = self.block_end.last_mut() {
            *end = span.end_ns();
        }
        self.detail_total[category] += span.duration_ns();
        self.spans.push(span);
    }

    /// Every span kept one by one, in time order.
    pub fn spans(&self) -> &[S] {
        &self.spans
    }

    /// Number of spans kept one by one.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether the lane holds no span, kept or summarised.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty() && self.tail.is_empty()
    }

    /// Time per category of all spans before index `i`.
    fn prefix(&self, i: usize) -> Totals {
        let i = i.min(self.spans.len());
        let k = i / BLOCK;
        let Some(&before) = self.block_before.get(k) else {
            return self.detail_total;
        };
        let mut totals = before;
        add_totals(&mut totals, &self.spans[k * BLOCK..i]);
        totals
    }

    /// Time per category of the spans with indices in `range`.
    pub fn totals(&self, range: Range<usize>) -> Totals {
        let (hi, lo) = (self.prefix(range.end), self.prefix(range.start));
        std::array::from_fn(|c| hi[c].saturating_sub(lo[c]))
    }

    /// [`Lane::totals`] of the spans of one pixel column, which the walk has
    /// just read: a few are summed directly, instead of scanning up to two
    /// blocks from their starts for the prefix totals.
    fn column_totals(&self, range: Range<usize>) -> Totals {
        if range.len() > BLOCK {
            return self.totals(range);
        }
        let mut totals = [0; CATEGORIES];
        add_totals(&mut totals, &self.spans[range]);
        totals
    }

    /// Total time of every span, summarised ones included, all categories.
    pub fn total_ns(&self) -> u64 {
        self.total.iter().sum()
    }

    /// The span covering `t_ns`, if any.
    pub fn span_at(&self, t_ns: u64) -> Option<(usize, &S)> {
        let i = self.spans.partition_point(|s| s.end_ns() <= t_ns);
        self.spans
            .get(i)
            .filter(|s| s.start_ns() <= t_ns)
            .map(|s| (i, s))
    }

    /// Time per category of the spans up to `t_ns`, the one running through
    /// `t_ns` cut there: a binary search and one block's scan at most.
    /// Inside the summarised stretch, as of the end of the last summary
    /// block that ended by `t_ns`.
    pub fn totals_until(&self, t_ns: u64) -> Totals {
        if let Some(first) = self.tail.blocks().first()
            && first.start_ns < t_ns
        {
            let mut totals = self.detail_total;
            for b in &self.tail.blocks()[..self.tail.ended_by(t_ns)] {
                (0..CATEGORIES).for_each(|c| totals[c] += b.totals[c]);
            }
            return totals;
        }
        let i = self.spans.partition_point(|s| s.start_ns() < t_ns);
        let mut totals = self.prefix(i);
        if let Some(last) = i.checked_sub(1).map(|j| &self.spans[j])
            && last.end_ns() > t_ns
        {
            let c = last.category().min(CATEGORIES - 1);
            totals[c] = totals[c].saturating_sub(last.end_ns() - t_ns);
        }
        totals
    }

    /// The first start or end of a span strictly after `t_ns` (of a summary
    /// block, in the summarised stretch).
    pub fn next_edge_after(&self, t_ns: u64) -> Option<u64> {
        let i = self.spans.partition_point(|s| s.end_ns() <= t_ns);
        let Some(s) = self.spans.get(i) else {
            return self.tail.next_edge_after(t_ns);
        };
        Some(if s.start_ns() > t_ns {
            s.start_ns()
        } else {
            s.end_ns()
        })
    }

    /// The last start or end of a span strictly before `t_ns` (of a summary
    /// block, in the summarised stretch).
    pub fn prev_edge_before(&self, t_ns: u64) -> Option<u64> {
        if let Some(edge) = self.tail.prev_edge_before(t_ns) {
            return Some(edge);
        }
        let i = self.spans.partition_point(|s| s.start_ns() < t_ns);
        let s = self.spans.get(i.checked_sub(1)?)?;
        Some(if s.end_ns() < t_ns {
            s.end_ns()
        } else {
            s.start_ns()
        })
    }
}

fn add_totals<S: Span>(totals: &mut Totals, spans: &[S]) {
    for s in spans {
        totals[s.category().min(CATEGORIES - 1)] += s.duration_ns();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Debug, PartialEq)]
    pub(super) struct S(pub u64, pub u64, pub usize);

    impl Span for S {
        fn start_ns(&self) -> u64 {
            self.0
        }
        fn end_ns(&self) -> u64 {
            self.1
        }
        fn category(&self) -> usize {
            self.2
        }
    }

    pub(super) fn lane(spans: impl IntoIterator<Item = S>) -> Lane<S> {
        let mut l = Lane::default();
        spans.into_iter().for_each(|s| l.push(s));
        l
    }

    #[test]
    fn totals_match_a_plain_sum_for_every_range() {
        let l = lane((0..200).map(|i| S(i * 10, i * 10 + 1 + i % 7, (i % 3) as usize)));
        for (a, b) in [
            (0, 0),
            (0, 200),
            (5, 37),
            (31, 33),
            (32, 64),
            (100, 199),
            (63, 200),
        ] {
            let mut want = [0; CATEGORIES];
            for s in &l.spans()[a..b] {
                want[s.2] += s.1 - s.0;
            }
            assert_eq!(l.totals(a..b), want, "range {a}..{b}");
        }
    }

    #[test]
    fn totals_until_cut_the_span_under_the_time() {
        let l = lane((0..100u64).map(|i| S(i * 10, i * 10 + 5, (i % 2) as usize)));
        assert_eq!(l.totals_until(0), [0; CATEGORIES]);
        let t = l.totals_until(13);
        assert_eq!((t[0], t[1]), (5, 3), "the span 10..15 counts up to 13");
        assert_eq!(l.totals_until(17), l.totals(0..2));
        assert_eq!(l.totals_until(10_000), l.totals(0..l.len()));
        // Across block boundaries the prefix sums agree with a plain scan.
        for t in [319, 320, 323, 641, 995] {
            let mut want = [0u64; CATEGORIES];
            for s in l.spans() {
                want[s.2] += s.1.min(t).saturating_sub(s.0);
            }
            assert_eq!(l.totals_until(t), want, "t = {t}");
        }
    }

    #[test]
    fn edges_step_through_starts_and_ends() {
        let l = lane([S(0, 10, 0), S(10, 20, 1), S(30, 40, 0)]);
        let mut forward = vec![];
        let mut t = 0;
        while let Some(next) = l.next_edge_after(t) {
            forward.push(next);
            t = next;
        }
        assert_eq!(forward, [10, 20, 30, 40]);
        let mut back = vec![];
        let mut t = 40;
        while let Some(prev) = l.prev_edge_before(t) {
            back.push(prev);
            t = prev;
        }
        assert_eq!(back, [30, 20, 10, 0]);
        assert_eq!(l.next_edge_after(25), Some(30));
        assert_eq!(l.prev_edge_before(25), Some(20));
        assert_eq!(Lane::<S>::default().next_edge_after(0), None);
    }

    #[test]
    fn beyond_its_detail_a_lane_keeps_summaries_with_every_nanosecond() {
        let mut l = lane((0..100u64).map(|i| S(i * 10, i * 10 + 5, (i % 2) as usize)));
        l.summarise_from_now();
        for i in 100..1_000_000u64 {
            l.push(S(i * 10, i * 10 + 5, (i % 2) as usize));
        }
        assert_eq!(l.len(), 100, "only the detail is kept one by one");
        assert_eq!(l.summarised(), 999_900);
        assert!(l.summarised_blocks().len() <= crate::analysis::timeline::tail::TAIL_BLOCKS);
        assert_eq!(l.total_ns(), 1_000_000 * 5);
        let all = l.totals_until(u64::MAX);
        assert_eq!((all[0], all[1]), (500_000 * 5, 500_000 * 5));
        assert_eq!(l.totals_until(500), l.totals(0..50), "the detail as before");
        // Edges step through the blocks once the spans are behind.
        let last = l.summarised_blocks().last().unwrap().end_ns;
        assert_eq!(l.prev_edge_before(u64::MAX), Some(last));
        assert_eq!(l.next_edge_after(995), Some(1000), "the first block starts");
        assert!(!l.is_empty());
    }

    #[test]
    fn span_at_finds_the_covering_span() {
        let l = lane([S(0, 10, 0), S(20, 30, 1)]);
        assert_eq!(l.span_at(5).map(|(i, _)| i), Some(0));
        assert_eq!(l.span_at(15), None);
        assert_eq!(l.span_at(29).map(|(i, _)| i), Some(1));
        assert_eq!(l.span_at(30), None);
    }
}
