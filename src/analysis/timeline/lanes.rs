//! Append-only lanes of time spans, and the level-of-detail walk that turns a
//! lane into what one frame can draw.
//!
//! A lane can hold millions of spans; a frame has a few hundred pixels. The
//! walk visits a lane with binary searches, one pixel column at a time, so its
//! cost follows the pixels on screen, not the spans recorded: a span at least
//! a pixel wide is drawn as itself, and the spans that start in one column and
//! are thinner than a pixel become one [`Merged`] mark that says how many it
//! holds and how their time splits between categories (puffin #106: merging
//! must be said, never hidden).

use std::ops::Range;

/// Number of categories a lane keeps time totals for (the worker states).
pub const CATEGORIES: usize = 6;

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

/// Spans in time order that never overlap, appended as they end.
///
/// Every [`BLOCK`] spans form a block, and the lane keeps a small summary per
/// block: where it starts and ends, its longest span, and the time per
/// category before it. The time of any index range is then known after at
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
    /// Time per category of every span.
    total: Totals,
}

impl<S> Default for Lane<S> {
    fn default() -> Self {
        Self {
            spans: Vec::new(),
            block_start: Vec::new(),
            block_end: Vec::new(),
            block_before: Vec::new(),
            total: [0; CATEGORIES],
        }
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
        if self.spans.len().is_multiple_of(BLOCK) {
            self.block_start.push(span.start_ns());
            self.block_end.push(span.end_ns());
            self.block_before.push(self.total);
        } else if let Some(end) = self.block_end.last_mut() {
            *end = span.end_ns();
        }
        self.total[span.category().min(CATEGORIES - 1)] += span.duration_ns();
        self.spans.push(span);
    }

    /// Every span, in time order.
    pub fn spans(&self) -> &[S] {
        &self.spans
    }

    /// Number of spans.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether the lane holds no span.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Time per category of all spans before index `i`.
    fn prefix(&self, i: usize) -> Totals {
        let i = i.min(self.spans.len());
        let k = i / BLOCK;
        let Some(&before) = self.block_before.get(k) else {
            return self.total;
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

    /// Total time of every span, all categories.
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
    pub fn totals_until(&self, t_ns: u64) -> Totals {
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

    /// The first start or end of a span strictly after `t_ns`.
    pub fn next_edge_after(&self, t_ns: u64) -> Option<u64> {
        let i = self.spans.partition_point(|s| s.end_ns() <= t_ns);
        let s = self.spans.get(i)?;
        Some(if s.start_ns() > t_ns {
            s.start_ns()
        } else {
            s.end_ns()
        })
    }

    /// The last start or end of a span strictly before `t_ns`.
    pub fn prev_edge_before(&self, t_ns: u64) -> Option<u64> {
        let i = self.spans.partition_point(|s| s.start_ns() < t_ns);
        let s = self.spans.get(i.checked_sub(1)?)?;
        Some(if s.end_ns() < t_ns {
            s.end_ns()
        } else {
            s.start_ns()
        })
    }

    /// The level-of-detail walk over the part of the lane inside `window`.
    pub fn lod(&self, window: PixelWindow) -> Lod<'_, S> {
        let first = self
            .spans
            .partition_point(|s| (s.end_ns() as f64) <= window.start_ns);
        Lod {
            lane: self,
            window,
            next: first,
        }
    }

    /// Whether block `k` lasts less than a pixel (so all its spans are thin).
    fn block_is_thin(&self, k: usize, ns_per_px: f64) -> bool {
        match (self.block_start.get(k), self.block_end.get(k)) {
            (Some(&a), Some(&b)) => ((b - a) as f64) < ns_per_px,
            _ => false,
        }
    }

    /// The column starting with block `k` (thin, block-aligned): every block
    /// that starts before `column_end_ns`, if the block holding the column's
    /// end is itself thinner than a pixel (so the mark ends less than a pixel
    /// after the column). Reads only block summaries.
    fn merge_blocks(&self, k: usize, column_end_ns: f64, ns_per_px: f64) -> Option<Merged> {
        let starts = self.block_start.get(k..)?;
        let b = k + 1 + gallop(&starts[1..], |&t| (t as f64) < column_end_ns);
        if !self.block_is_thin(b - 1, ns_per_px) {
            return None;
        }
        let end = (b * BLOCK).min(self.spans.len());
        let before = self.block_before[k];
        let after = self.block_before.get(b).copied().unwrap_or(self.total);
        Some(Merged {
            start_ns: starts[0],
            end_ns: self.block_end[b - 1],
            indices: k * BLOCK..end,
            totals: std::array::from_fn(|c| after[c].saturating_sub(before[c])),
        })
    }
}

fn add_totals<S: Span>(totals: &mut Totals, spans: &[S]) {
    for s in spans {
        totals[s.category().min(CATEGORIES - 1)] += s.duration_ns();
    }
}

/// The time range on screen and how many nanoseconds one pixel covers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PixelWindow {
    /// Time at the left edge, ns.
    pub start_ns: f64,
    /// Time at the right edge, ns.
    pub end_ns: f64,
    /// Nanoseconds per pixel (> 0).
    pub ns_per_px: f64,
}

impl PixelWindow {
    /// A window of `width_px` pixels showing `start_ns..end_ns`.
    pub fn new(start_ns: f64, end_ns: f64, width_px: f32) -> Self {
        let span = (end_ns - start_ns).max(1.0);
        Self {
            start_ns,
            end_ns: start_ns + span,
            ns_per_px: span / f64::from(width_px.max(1.0)),
        }
    }

    /// Pixel offset of time `t_ns` from the left edge.
    pub fn x_of(&self, t_ns: f64) -> f64 {
        (t_ns - self.start_ns) / self.ns_per_px
    }

    /// Time at pixel offset `x` from the left edge.
    pub fn t_of(&self, x: f64) -> f64 {
        self.start_ns + x * self.ns_per_px
    }
}

/// Spans that start in one pixel column and are each thinner than a pixel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Merged {
    /// Start of the first merged span, ns.
    pub start_ns: u64,
    /// End of the last merged span, ns.
    pub end_ns: u64,
    /// Index range of the merged spans in their lane.
    pub indices: Range<usize>,
    /// Time per category of the merged spans, ns.
    pub totals: Totals,
}

impl Merged {
    /// How many spans this mark stands for.
    pub fn count(&self) -> usize {
        self.indices.len()
    }
}

/// One thing to draw.
#[derive(Clone, Debug, PartialEq)]
pub enum LodItem<'a, S> {
    /// A span drawn as itself (at least a pixel wide, or alone in its column).
    Span(&'a S),
    /// Several thin spans drawn as one honest mark.
    Merged(Merged),
}

/// The iterator of [`Lane::lod`]: at most about two items per pixel column,
/// each found by a short search near the previous one.
#[derive(Clone, Debug)]
pub struct Lod<'a, S> {
    lane: &'a Lane<S>,
    window: PixelWindow,
    next: usize,
}

impl<'a, S: Span> Iterator for Lod<'a, S> {
    type Item = LodItem<'a, S>;

    fn next(&mut self) -> Option<Self::Item> {
        let lane = self.lane;
        let spans = &lane.spans;
        let i = self.next;
        let span = spans.get(i)?;
        let w = self.window;
        if span.start_ns() as f64 >= w.end_ns {
            return None;
        }
        let wide = |s: &S| s.duration_ns() as f64 >= w.ns_per_px;
        if wide(span) {
            self.next = i + 1;
            return Some(LodItem::Span(span));
        }
        // A thin span: take every span that starts in the same pixel column.
        let column = w.x_of((span.start_ns() as f64).max(w.start_ns)).floor();
        let column_end_ns = w.t_of(column + 1.0);
        // Dense columns of whole blocks are summed from the block summaries.
        if i.is_multiple_of(BLOCK)
            && lane.block_is_thin(i / BLOCK, w.ns_per_px)
            && let Some(m) = lane.merge_blocks(i / BLOCK, column_end_ns, w.ns_per_px)
        {
            self.next = m.indices.end;
            return Some(LodItem::Merged(m));
        }
        let mut end = i + 1 + gallop(&spans[i + 1..], |s| (s.start_ns() as f64) < column_end_ns);
        // The last one may be wide: it is drawn as itself next.
        if end - i > 1 && wide(&spans[end - 1]) {
            end -= 1;
        } else if end - i > 1
            && !end.is_multiple_of(BLOCK)
            && lane.block_is_thin(end / BLOCK, w.ns_per_px)
        {
            // Many spans: end on a block boundary (less than a pixel later),
            // so the next columns can take the summaries' fast way.
            end = ((end / BLOCK + 1) * BLOCK).min(spans.len());
        }
        self.next = end;
        if end - i == 1 {
            return Some(LodItem::Span(span));
        }
        Some(LodItem::Merged(Merged {
            start_ns: span.start_ns(),
            end_ns: spans[end - 1].end_ns(),
            indices: i..end,
            totals: lane.totals(i..end),
        }))
    }
}

/// Like `slice::partition_point`, but searching from the front outwards:
/// 1, 2, 4, ... elements ahead, then a binary search in the last step. The
/// answer is usually near (the spans of one pixel column), so this touches
/// a few neighbouring cache lines instead of jumping across a lane of
/// millions of spans: the cost follows the spans in the column, not the lane.
fn gallop<T>(items: &[T], pred: impl Fn(&T) -> bool) -> usize {
    let mut lo = 0;
    let mut step = 1;
    while lo + step <= items.len() && pred(&items[lo + step - 1]) {
        lo += step;
        step *= 2;
    }
    let hi = (lo + step).min(items.len());
    lo + items[lo..hi].partition_point(pred)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Debug, PartialEq)]
    struct S(u64, u64, usize);

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

    fn lane(spans: impl IntoIterator<Item = S>) -> Lane<S> {
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
    fn wide_spans_are_drawn_as_themselves() {
        let l = lane([S(0, 100, 0), S(100, 250, 1), S(300, 400, 0)]);
        let items: Vec<_> = l.lod(PixelWindow::new(0.0, 400.0, 40.0)).collect();
        assert_eq!(items.len(), 3);
        assert!(items.iter().all(|i| matches!(i, LodItem::Span(_))));
    }

    #[test]
    fn thin_spans_in_one_column_merge_and_say_how_many() {
        // 10 ns per pixel; ten 1 ns spans in column 0, then a wide span.
        let mut spans: Vec<S> = (0..10).map(|i| S(i, i + 1, (i % 2) as usize)).collect();
        spans.push(S(10, 100, 0));
        let l = lane(spans);
        let items: Vec<_> = l.lod(PixelWindow::new(0.0, 100.0, 10.0)).collect();
        assert_eq!(items.len(), 2);
        let LodItem::Merged(m) = &items[0] else {
            panic!("expected a merged mark, got {:?}", items[0]);
        };
        assert_eq!(m.count(), 10);
        assert_eq!((m.start_ns, m.end_ns), (0, 10));
        assert_eq!(m.totals[0] + m.totals[1], 10);
        assert_eq!(items[1], LodItem::Span(&S(10, 100, 0)));
    }

    #[test]
    fn a_lone_thin_span_is_not_called_merged() {
        let l = lane([S(0, 1, 0), S(50, 51, 0)]);
        let items: Vec<_> = l.lod(PixelWindow::new(0.0, 100.0, 10.0)).collect();
        assert_eq!(items.len(), 2);
        assert!(items.iter().all(|i| matches!(i, LodItem::Span(_))));
    }

    #[test]
    fn only_the_window_is_visited() {
        let l = lane((0..1000).map(|i| S(i * 10, i * 10 + 10, 0)));
        let items: Vec<_> = l.lod(PixelWindow::new(5000.0, 5100.0, 100.0)).collect();
        assert_eq!(items.len(), 10);
        assert_eq!(items[0], LodItem::Span(&S(5000, 5010, 0)));
    }

    #[test]
    fn items_stay_few_per_pixel_however_many_spans() {
        let l = lane((0..1_000_000u64).map(|i| S(i * 3, i * 3 + 2, (i % 2) as usize)));
        let window = PixelWindow::new(0.0, 3_000_000.0, 500.0);
        let items: Vec<_> = l.lod(window).collect();
        assert!(items.len() <= 1000, "{} items for 500 px", items.len());
        let merged: usize = items
            .iter()
            .map(|i| match i {
                LodItem::Merged(m) => m.count(),
                LodItem::Span(_) => 1,
            })
            .sum();
        assert_eq!(merged, 1_000_000, "every span is accounted for");
    }

    #[test]
    fn dense_columns_keep_every_span_and_every_wide_one() {
        // 10 ns per pixel; thin spans of 1 ns, then one of 50 ns, then thin again.
        let mut spans: Vec<S> = (0..5_000).map(|i| S(i, i + 1, (i % 3) as usize)).collect();
        spans.push(S(5_000, 5_050, 4));
        spans.extend((5_050..9_000).map(|i| S(i, i + 1, 1)));
        let l = lane(spans);
        let items: Vec<_> = l.lod(PixelWindow::new(0.0, 9_000.0, 900.0)).collect();
        assert!(items.contains(&LodItem::Span(&S(5_000, 5_050, 4))));
        let (mut count, mut time) = (0, [0u64; CATEGORIES]);
        for item in &items {
            match item {
                LodItem::Span(s) => {
                    count += 1;
                    time[s.2] += s.1 - s.0;
                }
                LodItem::Merged(m) => {
                    count += m.count();
                    (0..CATEGORIES).for_each(|c| time[c] += m.totals[c]);
                }
            }
        }
        assert_eq!(count, l.len());
        assert_eq!(time, l.totals(0..l.len()));
        assert!(items.len() <= 2 * 900, "{} items", items.len());
    }

    #[test]
    fn gallop_agrees_with_partition_point() {
        let v: Vec<u32> = (0..1000).map(|i| i * 3).collect();
        for limit in [0, 1, 2, 3, 4, 5, 100, 2996, 2997, 2998, 5000] {
            let want = v.partition_point(|&x| x < limit);
            assert_eq!(gallop(&v, |&x| x < limit), want, "limit {limit}");
        }
        assert_eq!(gallop(&[] as &[u32], |_| true), 0);
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
    fn span_at_finds_the_covering_span() {
        let l = lane([S(0, 10, 0), S(20, 30, 1)]);
        assert_eq!(l.span_at(5).map(|(i, _)| i), Some(0));
        assert_eq!(l.span_at(15), None);
        assert_eq!(l.span_at(29).map(|(i, _)| i), Some(1));
        assert_eq!(l.span_at(30), None);
    }
}
