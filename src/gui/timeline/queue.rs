//! A queue's row in the timeline and its hand-overs to the workers: the
//! queue's depth over time as a step area, a tick where each item left it,
//! and a thin line down to the lane of the worker that took it, marked
//! there with a notch. Who owns which item can then be read off the
//! picture: the line ends where that worker's item label begins.

use super::lanes::XMap;
use super::paint::LanePainter;
use super::rows::Row;
use crate::analysis::timeline::{QueueFlow, State, Timeline};
use crate::gui::present::{ContextExt as _, faded};
use egui::{Align2, FontId, Painter, Rect, Shape, Stroke, pos2};

/// Hand-over lines closer than this, in pixels, would blur into one: only
/// the first is drawn, the notches on the workers' lanes stay.
const LINE_GAP_PX: f32 = 4.0;

/// Paints the depth of `flow` into `bar` and a tick per item taken.
pub fn queue_lane(lp: &mut LanePainter, painter: &Painter, bar: Rect, map: XMap, flow: &QueueFlow) {
    let pal = painter.palette();
    let deepest = flow.max_depth().max(1) as f32;
    // The colour of the counters' queue plot, so the two read as one.
    let color = faded(pal.state_color(State::LockWait), 0.55);
    let y_of = |d: u64| bar.bottom() - (d as f32 / deepest) * (bar.height() - 2.0);
    // One bar per step, at least a pixel wide; steps within a pixel keep
    // the deepest, so a burst of puts is not lost between two columns.
    let mut column: Option<(f32, f32, u64)> = None;
    let steps = flow.depth.windows(2).map(|w| (w[0].0, w[1].0, w[0].1));
    let last = flow
        .depth
        .last()
        .map(|&(t, d)| (t, map.window.end_ns as u64, d));
    for (from, to, depth) in steps.chain(last) {
        let Some((x0, x1)) = map.span_x(from, to) else {
            continue;
        };
        column = match column {
            Some((c0, c1, d)) if x0 < c0.floor() + 1.0 => Some((c0, c1.max(x1), d.max(depth))),
            Some((c0, c1, d)) => {
                step(lp, bar, c0, c1, y_of(d), color);
                Some((x0, x1, depth))
            }
            None => Some((x0, x1, depth)),
        };
    }
    if let Some((c0, c1, d)) = column {
        step(lp, bar, c0, c1, y_of(d), color);
    }
    // A short tick at the bottom where an item left, where the lines down
    // start; ticks closer than the lines' gap would run into one block.
    let mut last_tick = f32::NEG_INFINITY;
    let tick_y = (bar.bottom() - bar.height() * 0.3)..=bar.bottom();
    for take in &flow.takes {
        let x = map.x(take.t_ns);
        if (map.left..=map.right).contains(&x) && x - last_tick >= LINE_GAP_PX {
            last_tick = x;
            let tick = Rect::from_x_y_ranges((x - 0.5)..=(x + 0.5), tick_y.clone());
            lp.solid(tick, faded(pal.mark(), 0.8));
        }
    }
    // The scale, as the load chart gives its own: the deepest it was.
    painter.text(
        pos2(bar.left() - 4.0, bar.top()),
        Align2::RIGHT_TOP,
        format!("{}", flow.max_depth()),
        FontId::proportional(10.0),
        pal.weak_text(),
    );
}

fn step(lp: &mut LanePainter, bar: Rect, x0: f32, x1: f32, y: f32, color: egui::Color32) {
    if y < bar.bottom() {
        lp.solid(Rect::from_x_y_ranges(x0..=x1, y..=bar.bottom()), color);
    }
}

/// Draws, over the painted rows, a line from each queue's row to the lane
/// of the worker that took each item, in that worker's colour, and a notch
/// at the top of that lane, as marks of `lp` (over the bars, under the
/// labels). `placed` holds every row drawn and its bar.
pub fn handovers(lp: &mut LanePainter, timeline: &Timeline, placed: &[(Row<'_>, Rect)], map: XMap) {
    let pal = lp.palette();
    for (row, queue_bar) in placed {
        let Row::Queue(process) = row else { continue };
        let Some(flow) = timeline.queues().of(*process) else {
            continue;
        };
        let mut last_line = f32::NEG_INFINITY;
        for take in &flow.takes {
            let x = map.x(take.t_ns);
            if !(map.left..=map.right).contains(&x) {
                continue;
            }
            let lane = placed.iter().find_map(|(r, bar)| match r {
                Row::Worker(track, index) if track.id == take.worker => Some((*bar, *index)),
                _ => None,
            });
            let Some((bar, index)) = lane else { continue };
            let color = pal.worker_color(index);
            if x - last_line >= LINE_GAP_PX {
                last_line = x;
                lp.mark(Shape::line_segment(
                    [pos2(x, queue_bar.bottom()), pos2(x, bar.top())],
                    Stroke::new(1.0, faded(color, 0.7)),
                ));
            }
            let s = (bar.height() * 0.22).clamp(3.0, 5.0);
            lp.mark(Shape::convex_polygon(
                vec![
                    pos2(x - s, bar.top()),
                    pos2(x + s, bar.top()),
                    pos2(x, bar.top() + s * 1.4),
                ],
                color,
                Stroke::new(1.0, pal.lane_bg()),
            ));
        }
    }
}
