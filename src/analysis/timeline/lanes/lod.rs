//! The level-of-detail walk that turns a lane into what one frame can draw.
//!
//! A lane can hold millions of spans; a frame has a few hundred pixels. The
//! walk visits a lane one pixel column at a time, so its cost follows the
//! pixels on screen, not the spans recorded: a span at least a pixel wide is
//! drawn as itself, and the spans that start in one column and are thinner
//! than a pixel become one [`Merged`] mark that says how many it holds and how
//! their time splits between categories (puffin #106: merging must be said,
//! never hidden).
//!
//! A column made of whole blocks thinner than a pixel is read from the
//! lane's block summaries only, never from its spans: at millions of spans
//! the spans of neighbouring columns lie far apart in memory, and reading
//! one per column would miss the cache every time.
//!
//! Beyond the spans kept one by one come the summary blocks of the rest of
//! the run (the timeline's detail was full): each is drawn as a merged mark
//! of the spans it stands for, however wide it is, since nothing finer was
//! kept.

use super::{BLOCK, Lane, Span, SpanBlock, Totals};
use std::ops::Range;

impl<S: Span> Lane<S> {
    /// The level-of-detail walk over the part of the lane inside `window`.
    pub fn lod(&self, window: PixelWindow) -> Lod<'_, S> {
        // The block first, then the span in it: a search over millions of
        // spans would read a far cache line at every step.
        let before = |end: u64| (end as f64) <= window.start_ns;
        let k = self.block_end.partition_point(|&end| before(end));
        let block = (k * BLOCK).min(self.len())..((k + 1) * BLOCK).min(self.len());
        let first = block.start + self.spans[block].partition_point(|s| before(s.end_ns()));
        let tail = self.tail.blocks();
        let tail_next = tail.partition_point(|b| before(b.end_ns));
        Lod {
            lane: self,
            window,
            next: first,
            tail_next,
            tail_before: tail[..tail_next].iter().map(|b| b.count).sum(),
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
        let after = self
            .block_before
            .get(b)
            .copied()
            .unwrap_or(self.detail_total);
        Some(Merged {
            start_ns: starts[0],
            end_ns: self.block_end[b - 1],
            indices: k * BLOCK..end,
            totals: std::array::from_fn(|c| after[c].saturating_sub(before[c])),
        })
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
    /// The next summary block, once the spans are behind.
    tail_next: usize,
    /// Spans in the summary blocks before it.
    tail_before: u64,
}

impl<S> Lod<'_, S> {
    /// The next summary block inside the window, as a merged mark whose
    /// indices run on from the spans kept one by one.
    fn next_summarised(&mut self) -> Option<Merged> {
        let b: SpanBlock = *self.lane.tail.blocks().get(self.tail_next)?;
        if b.start_ns as f64 >= self.window.end_ns {
            return None;
        }
        let first = self.lane.spans.len() + self.tail_before as usize;
        self.tail_next += 1;
        self.tail_before += b.count;
        Some(Merged {
            start_ns: b.start_ns,
            end_ns: b.end_ns,
            indices: first..first + b.count as usize,
            totals: b.totals,
        })
    }
}

impl<'a, S: Span> Iterator for Lod<'a, S> {
    type Item = LodItem<'a, S>;

    fn next(&mut self) -> Option<Self::Item> {
        let lane = self.lane;
        let spans = &lane.spans;
        let i = self.next;
        let w = self.window;
        let column_end = |start_ns: u64| {
            let column = w.x_of((start_ns as f64).max(w.start_ns)).floor();
            w.t_of(column + 1.0)
        };
        // Dense columns of whole blocks are summed from the block summaries
        // without reading a span: with millions of spans, the spans are far
        // apart in memory and each read would miss the cache.
        if i.is_multiple_of(BLOCK) && i < spans.len() {
            let k = i / BLOCK;
            let start_ns = lane.block_start[k];
            if start_ns as f64 >= w.end_ns {
                return None;
            }
            if lane.block_is_thin(k, w.ns_per_px)
                && let Some(m) = lane.merge_blocks(k, column_end(start_ns), w.ns_per_px)
            {
                self.next = m.indices.end;
                return Some(LodItem::Merged(m));
            }
        }
        let Some(span) = spans.get(i) else {
            return self.next_summarised().map(LodItem::Merged);
        };
        if span.start_ns() as f64 >= w.end_ns {
            return None;
        }
        let wide = |s: &S| s.duration_ns() as f64 >= w.ns_per_px;
        if wide(span) {
            self.next = i + 1;
            return Some(LodItem::Span(span));
        }
        // A thin span: take every span that starts in the same pixel column.
        let column_end_ns = column_end(span.start_ns());
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
            totals: lane.column_totals(i..end),
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
    use crate::analysis::timeline::lanes::CATEGORIES;
    use crate::analysis::timeline::lanes::tests::{S, lane};

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

    /// The walk as it was before it skipped reading spans on whole blocks:
    /// what it drew is what the window must keep drawing.
    fn reference_walk<'a>(lane: &'a Lane<S>, w: PixelWindow) -> Vec<LodItem<'a, S>> {
        let spans = &lane.spans;
        let mut i = spans.partition_point(|s| (s.end_ns() as f64) <= w.start_ns);
        let mut out = vec![];
        while let Some(span) = spans.get(i) {
            if span.start_ns() as f64 >= w.end_ns {
                break;
            }
            let wide = |s: &S| s.duration_ns() as f64 >= w.ns_per_px;
            if wide(span) {
                out.push(LodItem::Span(span));
                i += 1;
                continue;
            }
            let column = w.x_of((span.start_ns() as f64).max(w.start_ns)).floor();
            let column_end_ns = w.t_of(column + 1.0);
            if i.is_multiple_of(BLOCK)
                && lane.block_is_thin(i / BLOCK, w.ns_per_px)
                && let Some(m) = lane.merge_blocks(i / BLOCK, column_end_ns, w.ns_per_px)
            {
                i = m.indices.end;
                out.push(LodItem::Merged(m));
                continue;
            }
            let mut end =
                i + 1 + spans[i + 1..].partition_point(|s| (s.start_ns() as f64) < column_end_ns);
            if end - i > 1 && wide(&spans[end - 1]) {
                end -= 1;
            } else if end - i > 1
                && !end.is_multiple_of(BLOCK)
                && lane.block_is_thin(end / BLOCK, w.ns_per_px)
            {
                end = ((end / BLOCK + 1) * BLOCK).min(spans.len());
            }
            out.push(if end - i == 1 {
                LodItem::Span(span)
            } else {
                LodItem::Merged(Merged {
                    start_ns: span.start_ns(),
                    end_ns: spans[end - 1].end_ns(),
                    indices: i..end,
                    totals: lane.totals(i..end),
                })
            });
            i = end;
        }
        out
    }

    #[test]
    fn the_walk_draws_what_the_reference_walk_draws() {
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut rand = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n.max(1)
        };
        for _ in 0..300 {
            let (gap, len) = (1 + rand(50), 1 + rand(60));
            let mut t = rand(100);
            let l = lane((0..rand(5_000)).map(|_| {
                // Mostly thin spans, now and then a long one or a long gap.
                let start = t + rand(gap) + if rand(50) == 0 { rand(20_000) } else { 0 };
                let end = start + rand(len) + if rand(40) == 0 { rand(5_000) } else { 0 };
                t = end;
                S(start, end, rand(CATEGORIES as u64) as usize)
            }));
            let last = l.spans().last().map_or(1, |s| s.1);
            for _ in 0..8 {
                let a = rand(last + 100) as f64 - 50.0;
                let b = a + 1.0 + rand(last + 100) as f64;
                let w = PixelWindow::new(a, b, 1.0 + rand(1_500) as f32);
                assert_eq!(l.lod(w).collect::<Vec<_>>(), reference_walk(&l, w), "{w:?}");
            }
        }
    }

    #[test]
    fn summarised_spans_are_drawn_as_merged_marks_after_the_detail() {
        let mut l = lane((0..10u64).map(|i| S(i * 100, i * 100 + 50, 0)));
        l.summarise_from_now();
        for i in 10..10_000u64 {
            l.push(S(i * 100, i * 100 + 50, (i % 2) as usize));
        }
        let items: Vec<_> = l
            .lod(PixelWindow::new(0.0, 1_000_000.0, 10_000.0))
            .collect();
        assert_eq!(items[..10].len(), 10);
        assert!(items[..10].iter().all(|i| matches!(i, LodItem::Span(_))));
        let (mut count, mut time) = (10, 0);
        for item in &items[10..] {
            let LodItem::Merged(m) = item else {
                panic!("a summarised stretch is merged: {item:?}");
            };
            assert_eq!(m.indices.start, count);
            count += m.count();
            time += m.totals.iter().sum::<u64>();
        }
        assert_eq!(count, 10_000, "every span is accounted for");
        assert_eq!(time, 9_990 * 50);
        // A window inside the summarised stretch starts at its block.
        let late: Vec<_> = l
            .lod(PixelWindow::new(900_000.0, 950_000.0, 100.0))
            .collect();
        assert!(!late.is_empty());
        assert!(late.iter().all(|i| matches!(i, LodItem::Merged(_))));
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
}
