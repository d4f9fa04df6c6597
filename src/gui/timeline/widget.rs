//! The timeline: a time axis in ms, then per process a header, its GIL lane
//! (who holds it), its lock lane when the lab has a lock, and one lane per
//! worker coloured by state. Wheel zooms, drag pans, double-click fits.
//! Everything is painted from the level-of-detail walk, so a frame costs the
//! same for ten thousand events as for ten million.

use super::cursor::{Overlay, cursor_line, cursor_tag, cursor_tag_span, fade_after, ghost_end};
use super::lanes::{XMap, ghost_lane};
use super::navigate::navigate;
use super::paint::LanePainter;
use super::queue::handovers;
use super::rows::{Row, RowCtx, row_ui, rows};
use super::tooltip;
use super::view::{TimeView, ticks};
use crate::analysis::timeline::{State, Timeline};
use crate::gui::present::{ContextExt as _, faded};
use egui::{Align2, FontId, Painter, Rect, Sense, Stroke, Ui, pos2, vec2};

/// Width of the label column left of the lanes; the cores view uses it too.
pub const LABEL_W: f32 = 120.0;
/// Height of the time axis.
pub const AXIS_H: f32 = 18.0;
const HEADER_H: f32 = 18.0;
/// Tallest lane.
pub const MAX_LANE_H: f32 = 52.0;
/// Space right of the lanes.
pub const RIGHT_PAD: f32 = 6.0;

/// What the last frame drew, for the note under the legend.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DrawStats {
    /// Spans merged into marks on screen.
    pub merged_spans: u64,
    /// Marks standing for merged spans.
    pub merged_marks: u64,
    /// Lanes that did not fit.
    pub hidden_rows: usize,
}

/// What the timeline drew and what the user did on it.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct TimelineOutput {
    /// What was drawn.
    pub stats: DrawStats,
    /// Where the user put the replay cursor (dragging on the time axis, or
    /// clicking the lanes during a replay), ns.
    pub scrub_ns: Option<f64>,
    /// Nanoseconds per pixel on screen.
    pub px_ns: f64,
}

/// Draws the timeline into the space left in `ui` and handles zoom and pan;
/// `horizon_ns` is the end of the run so far (the cores view uses the same).
pub fn timeline_ui(
    ui: &mut Ui,
    timeline: &Timeline,
    view: &mut TimeView,
    horizon_ns: u64,
) -> DrawStats {
    timeline_at_ui(ui, timeline, view, &Overlay::plain(horizon_ns)).stats
}

/// [`timeline_ui`] with the replay cursor and the ghost of `overlay`: the
/// run after the cursor is faded far back, and the time axis can be dragged
/// to move the cursor.
pub fn timeline_at_ui(
    ui: &mut Ui,
    timeline: &Timeline,
    view: &mut TimeView,
    overlay: &Overlay<'_>,
) -> TimelineOutput {
    let pal = ui.palette();
    let horizon_ns = overlay.horizon_ns;
    let rows = rows(timeline);
    let headers = rows.iter().filter(|r| matches!(r, Row::Header(_))).count() as f32;
    let lanes = rows.len() as f32 - headers;
    let wanted = AXIS_H + headers * HEADER_H + lanes * MAX_LANE_H;
    let avail = ui.available_size();
    let size = vec2(avail.x, wanted.min(avail.y).max(AXIS_H + 40.0));
    let (rect, response) = ui.allocate_exact_size(size, Sense::click_and_drag());
    let plot = Rect::from_min_max(
        pos2(rect.left() + LABEL_W, rect.top() + AXIS_H),
        pos2(rect.right() - RIGHT_PAD, rect.bottom()),
    );
    let horizon = horizon_ns;
    let axis_rect = Rect::from_x_y_ranges(plot.x_range(), rect.top()..=plot.top());
    let axis_drag = overlay.scrub.then(|| {
        ui.interact(
            axis_rect,
            response.id.with("replay-axis"),
            Sense::click_and_drag(),
        )
    });
    navigate(view, ui, &response, plot, horizon);
    let window = view.window(horizon, plot.width());
    let scrub_ns = scrub(ui, axis_drag.as_ref(), &response, overlay, plot, window);
    let painter = ui.painter_at(rect);
    if rows.is_empty() {
        painter.text(
            plot.center(),
            Align2::CENTER_CENTER,
            "Press Run: every worker gets a lane here.",
            FontId::proportional(15.0),
            pal.weak_text(),
        );
        return TimelineOutput::default();
    }
    let map = XMap {
        left: plot.left(),
        right: plot.right(),
        window,
    };
    let tag = overlay.cursor_ns.map(|t| cursor_tag_span(&painter, map, t));
    axis_avoiding(&painter, plot, rect.top(), map, tag);
    painter.text(
        pos2(plot.left() - 8.0, rect.top() + 1.0),
        Align2::RIGHT_TOP,
        "running",
        FontId::proportional(11.0),
        pal.state_color(State::Running),
    );
    let lane_h = ((plot.height() - headers * HEADER_H) / lanes.max(1.0)).clamp(4.0, MAX_LANE_H);
    let mut lp = LanePainter::new(ui.ctx(), plot.width());
    let ghost = overlay.ghost.map(|g| &g.timeline);
    let mut ghost_lp = LanePainter::new(ui.ctx(), plot.width());
    let mut ghost_bars = Vec::new();
    let ctx = RowCtx {
        timeline,
        map,
        at: overlay.cursor_ns,
    };
    let mut y = plot.top();
    let mut hidden = 0;
    let mut placed = Vec::with_capacity(rows.len());
    for row in &rows {
        let h = if matches!(row, Row::Header(_)) {
            HEADER_H
        } else {
            lane_h
        };
        if y + h > rect.bottom() + 0.5 {
            hidden += 1;
            continue;
        }
        let full = Rect::from_min_max(pos2(rect.left(), y), pos2(rect.right(), y + h));
        let bar = bar_of(full, plot);
        row_ui(&mut lp, &painter, &ctx, *row, full, bar);
        if let (Row::Worker(track, _), Some(ghost)) = (row, ghost)
            && let Some(previous) = ghost.track(track.id)
        {
            ghost_lane(&mut ghost_lp, bar, map, previous);
            ghost_bars.push(bar);
        }
        placed.push((*row, full));
        y += h;
    }
    let stats = DrawStats {
        merged_spans: lp.merged_spans,
        merged_marks: lp.merged_marks,
        hidden_rows: hidden,
    };
    // The ghost goes under the run, faded to a shadow of itself.
    ghost_lp.finish(&painter);
    for bar in ghost_bars {
        painter.rect_filled(bar, 0.0, faded(pal.lane_bg(), GHOST_FADE));
    }
    // Over the bars, under the labels: the hand-overs from a queue.
    let bars: Vec<(Row<'_>, Rect)> = placed
        .iter()
        .map(|(row, full)| (*row, bar_of(*full, plot)))
        .collect();
    handovers(&mut lp, timeline, &bars, map);
    lp.finish(&painter);
    let lanes_area = Rect::from_x_y_ranges(plot.x_range(), plot.top()..=rect.bottom());
    let fill = ui.visuals().panel_fill;
    if let Some(t) = overlay.cursor_ns {
        // The lanes fade after the cursor; the process titles stay readable.
        for (row, full) in &placed {
            if !matches!(row, Row::Header(_)) {
                let lane = Rect::from_x_y_ranges(plot.x_range(), full.y_range());
                fade_after(&painter, lane, map, t, fill);
            }
        }
        cursor_line(&painter, lanes_area, map, t);
        cursor_tag(&painter, plot, rect.top(), map, t, fill);
    }
    // The ghost's end stays readable over the faded part.
    if let Some(g) = overlay.ghost {
        let label_y = plot.top() + HEADER_H * 0.5 + 1.0;
        ghost_end(&painter, lanes_area, map, g.end_ns(), Some(label_y));
    }
    if !response.dragged()
        && let Some(pos) = response.hover_pos()
        && let Some((row, _)) = placed.iter().find(|(_, r)| r.y_range().contains(pos.y))
    {
        let text = if pos.x < plot.left() {
            tooltip::label_tooltip(timeline, *row)
        } else {
            let t = map.window.t_of(f64::from(pos.x - plot.left()));
            tooltip::row_tooltip(timeline, *row, t, map.window)
        };
        if let Some(text) = text {
            response.on_hover_text_at_pointer(text);
        }
    }
    if let Some(axis_drag) = axis_drag {
        axis_drag
            .on_hover_cursor(egui::CursorIcon::ResizeHorizontal)
            .on_hover_text("Drag along the time axis to replay the run up to there.");
    }
    TimelineOutput {
        stats,
        scrub_ns,
        px_ns: map.window.ns_per_px,
    }
}

/// How much of the ghost's colour is covered: it stays a faint shadow.
const GHOST_FADE: f32 = 0.72;

/// Where the user put the cursor this frame: by dragging or clicking on the
/// time axis, or by clicking the lanes while a replay is on.
fn scrub(
    ui: &Ui,
    axis: Option<&egui::Response>,
    lanes: &egui::Response,
    overlay: &Overlay<'_>,
    plot: Rect,
    window: crate::analysis::timeline::PixelWindow,
) -> Option<f64> {
    let axis = axis?;
    let on_axis = axis.is_pointer_button_down_on() || axis.dragged() || axis.clicked();
    let on_lanes = overlay.cursor_ns.is_some() && lanes.clicked();
    if !(on_axis || on_lanes) {
        return None;
    }
    let x = ui.input(|i| i.pointer.interact_pos())?.x;
    Some(window.t_of(f64::from(x - plot.left())).max(0.0))
}

/// A row's lane: its part right of the labels, with a gap under it.
fn bar_of(full: Rect, plot: Rect) -> Rect {
    let gap = lane_gap(full.height());
    Rect::from_x_y_ranges(plot.x_range(), (full.top() + 1.0)..=(full.bottom() - gap))
}

/// Gap under a lane, so neighbouring lanes stay apart.
fn lane_gap(h: f32) -> f32 {
    if h >= 12.0 { 3.0 } else { 1.0 }
}

/// The time axis above `plot`, with faint grid lines through the lanes.
pub fn axis(painter: &Painter, plot: Rect, top: f32, map: XMap) {
    axis_avoiding(painter, plot, top, map, None);
}

/// [`axis`] without the tick labels that would run into the x range `avoid`
/// (the cursor's time tag).
fn axis_avoiding(painter: &Painter, plot: Rect, top: f32, map: XMap, avoid: Option<egui::Rangef>) {
    let pal = painter.palette();
    for (t, label) in ticks(map.window, 90.0) {
        let x = map.left + map.window.x_of(t) as f32;
        if x < plot.left() - 0.5 || x > plot.right() + 0.5 {
            continue;
        }
        painter.line_segment(
            [pos2(x, top + AXIS_H - 4.0), pos2(x, plot.bottom())],
            Stroke::new(1.0, pal.grid()),
        );
        let galley = painter.layout_no_wrap(label, FontId::proportional(11.0), pal.weak_text());
        let span = egui::Rangef::new(x + 3.0, x + 3.0 + galley.size().x);
        let clear = avoid.is_none_or(|a| !a.intersects(span.expand(4.0)));
        if clear && span.max <= plot.right() + RIGHT_PAD {
            painter.galley(pos2(x + 3.0, top + 1.0), galley, pal.weak_text());
        }
    }
}
