//! One run's lanes in a stacked view (the compare view and the CPython
//! lens draw several runs one under another): the GIL lane when threads
//! share one, then a lane per worker, with the timeline's painters.

use super::lanes::{Holder, XMap, hold_lane, lane_label, state_lane};
use super::paint::LanePainter;
use super::rows::Row;
use crate::analysis::timeline::{Timeline, Track};
use crate::gui::present::ContextExt as _;
use egui::{Align2, FontId, Painter, Rect, pos2};

/// Where a block's lanes go and what they show.
pub struct BlockRows<'a> {
    /// The run's timeline, once it has one.
    pub timeline: Option<&'a Timeline>,
    /// Whether the block starts with a GIL lane (threads sharing one).
    pub gil_lane: bool,
    /// Worker lanes, drawn empty where the run has no track (yet).
    pub lanes: usize,
    /// The first lane's top.
    pub top: f32,
    /// Each lane's height.
    pub lane_h: f32,
    /// The run's end so far, ns: open spans are drawn to here.
    pub horizon: u64,
}

/// Draws the lanes of `rows` over `map` (labels from `rect`'s left) and
/// notes each one for the tooltip in `hover`.
pub fn block_lanes<'a>(
    lp: &mut LanePainter,
    painter: &Painter,
    rows: &BlockRows<'a>,
    map: XMap,
    rect: Rect,
    hover: &mut Vec<(&'a Timeline, Row<'a>, Rect)>,
) {
    let pal = painter.palette();
    let lane_h = rows.lane_h;
    let horizon = rows.horizon;
    let row_rect = |y: f32| {
        let gap = if lane_h >= 12.0 { 3.0 } else { 1.0 };
        Rect::from_x_y_ranges(map.left..=map.right, (y + 1.0)..=(y + lane_h - gap))
    };
    let font = FontId::proportional((lane_h * 0.62).clamp(9.0, 13.0));
    let mut y = rows.top;
    if rows.gil_lane {
        let bar = row_rect(y);
        painter.rect_filled(bar, 0.0, pal.lane_bg());
        if lane_h >= 9.0 {
            painter.text(
                pos2(rect.left() + 4.0, bar.center().y),
                Align2::LEFT_CENTER,
                "GIL held by",
                font.clone(),
                pal.lane_title(),
            );
        }
        if let Some(timeline) = rows.timeline {
            let holders = timeline.process_tracks(0).enumerate().map(|(k, t)| Holder {
                lane: &t.gil,
                open: t.open_gil(horizon),
                color: pal.worker_color(k),
            });
            hold_lane(lp, painter, bar, map, holders, false);
            hover.push((
                timeline,
                Row::Gil(0),
                Rect::from_x_y_ranges(rect.x_range(), bar.y_range()),
            ));
        }
        y += lane_h;
    }
    let tracks: Vec<&Track> = rows
        .timeline
        .map(|t| t.tracks().collect())
        .unwrap_or_default();
    for k in 0..rows.lanes {
        let bar = row_rect(y);
        painter.rect_filled(bar, 0.0, pal.lane_bg());
        if let (Some(track), Some(timeline)) = (tracks.get(k), rows.timeline) {
            if lane_h >= 9.0 {
                lane_label(painter, rect.left(), bar, track, &font, horizon);
            }
            state_lane(lp, painter, bar, map, track, horizon, "task");
            hover.push((
                timeline,
                Row::Worker(track, k),
                Rect::from_x_y_ranges(rect.x_range(), bar.y_range()),
            ));
        }
        y += lane_h;
    }
}
