//! The timeline: a time axis in ms, then per process a header, its GIL lane
//! (who holds it), its lock lane when the lab has a lock, and one lane per
//! worker coloured by state. Wheel zooms, drag pans, double-click fits.
//! Everything is painted from the level-of-detail walk, so a frame costs the
//! same for ten thousand events as for ten million.

use crate::analysis::timeline::{Span, State, Timeline, Totals, Track};
use crate::gui::cursor::{
    Overlay, cursor_line, cursor_tag, cursor_tag_span, fade_after, ghost_end,
};
use crate::gui::format::percent_text;
use crate::gui::lanes::{Holder, XMap, ghost_lane, hold_lane, state_lane};
use crate::gui::paint::LanePainter;
use crate::gui::palette;
use crate::gui::present::{ContextExt as _, Palette};
use crate::gui::tooltip;
use crate::gui::view::{TimeView, ticks};
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

/// One row of the timeline.
#[derive(Clone, Copy)]
pub enum Row<'a> {
    /// A process's header.
    Header(u16),
    /// A process's GIL: who holds it.
    Gil(u16),
    /// A process's lock: who holds it.
    Lock(u16),
    /// One worker's states, with its index in the run (for its colour).
    Worker(&'a Track, usize),
}

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

/// The rows of `timeline`, grouped by process.
pub fn rows(timeline: &Timeline) -> Vec<Row<'_>> {
    let mut rows = Vec::new();
    let mut index = 0;
    for process in timeline.processes() {
        rows.push(Row::Header(process));
        if timeline.gil_mode() {
            rows.push(Row::Gil(process));
        }
        if timeline.process_tracks(process).any(Track::used_lock) {
            rows.push(Row::Lock(process));
        }
        for track in timeline.process_tracks(process) {
            rows.push(Row::Worker(track, index));
            index += 1;
        }
    }
    rows
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
    view.interact(ui, &response, plot, horizon);
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
        let bar = Rect::from_x_y_ranges(plot.x_range(), (y + 1.0)..=(y + h - lane_gap(h)));
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
        painter.rect_filled(bar, 0.0, palette::faded(pal.lane_bg(), GHOST_FADE));
    }
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
        ghost_end(
            &painter,
            lanes_area,
            map,
            crate::gui::ghost::end_ns(g),
            Some(label_y),
        );
    }
    if !response.dragged()
        && let Some(pos) = response.hover_pos()
        && let Some((row, _)) = placed.iter().find(|(_, r)| r.y_range().contains(pos.y))
    {
        let text = if pos.x < plot.left() {
            tooltip::label_text(timeline, *row)
        } else {
            let t = map.window.t_of(f64::from(pos.x - plot.left()));
            tooltip::row_text(timeline, *row, t, map.window)
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

/// What a row is drawn from.
struct RowCtx<'a> {
    timeline: &'a Timeline,
    map: XMap,
    /// The replay cursor: the worker's share is counted up to it.
    at: Option<u64>,
}

/// Gap under a lane, so neighbouring lanes stay apart.
fn lane_gap(h: f32) -> f32 {
    if h >= 12.0 { 3.0 } else { 1.0 }
}

fn row_ui(
    lp: &mut LanePainter,
    painter: &Painter,
    ctx: &RowCtx<'_>,
    row: Row<'_>,
    full: Rect,
    bar: Rect,
) {
    let pal = painter.palette();
    let (timeline, map) = (ctx.timeline, ctx.map);
    let horizon = timeline.horizon_ns();
    let label_pos = pos2(full.left() + 4.0, bar.center().y);
    let font = FontId::proportional((bar.height() * 0.75).clamp(9.0, 13.0));
    match row {
        Row::Header(process) => {
            let y = full.top() + 0.5;
            painter.line_segment(
                [pos2(full.left(), y), pos2(full.right(), y)],
                Stroke::new(1.0, pal.grid()),
            );
            let count = timeline.process_tracks(process).count();
            painter.text(
                pos2(full.left() + 2.0, full.center().y + 1.0),
                Align2::LEFT_CENTER,
                process_title(process, count, timeline.gil_mode()),
                FontId::proportional(12.5),
                pal.text(),
            );
        }
        Row::Gil(process) | Row::Lock(process) => {
            let gil = matches!(row, Row::Gil(_));
            painter.rect_filled(bar, 0.0, pal.lane_bg());
            painter.text(
                label_pos,
                Align2::LEFT_CENTER,
                if gil { "GIL held by" } else { "lock held by" },
                font,
                pal.lane_title(),
            );
            let holders = holders(pal, timeline, process, horizon, gil);
            hold_lane(lp, painter, bar, map, holders.into_iter(), true);
        }
        Row::Worker(track, index) => {
            painter.rect_filled(bar, 0.0, pal.lane_bg());
            if bar.height() >= 8.0 {
                let chip = Rect::from_center_size(
                    pos2(full.left() + 10.0, bar.center().y),
                    vec2(8.0, 8.0),
                );
                painter.rect_filled(chip, 2.0, pal.worker_color(index));
                painter.text(
                    pos2(full.left() + 20.0, bar.center().y),
                    Align2::LEFT_CENTER,
                    format!("thread {}", track.id.thread),
                    font.clone(),
                    pal.weak_text(),
                );
                // How much of its life the worker could actually compute
                // (so far, during a replay).
                let share = match ctx.at {
                    Some(t) => share_of(&track.state_totals_until(t)),
                    None => executing_share(track, horizon),
                };
                painter.text(
                    pos2(full.left() + LABEL_W - 8.0, bar.center().y),
                    Align2::RIGHT_CENTER,
                    percent_text(share * 100.0),
                    font,
                    pal.state_color(State::Running),
                );
            }
            state_lane(lp, painter, bar, map, track, horizon);
        }
    }
}

/// Share of a worker's life spent running or in native code, 0..=1.
pub fn executing_share(track: &Track, horizon: u64) -> f64 {
    let mut totals = track.states.totals(0..track.states.len());
    if let Some(open) = track.open_state(horizon) {
        totals[open.state.index()] += open.duration_ns();
    }
    share_of(&totals)
}

/// Share of `totals` spent running or in native code, 0..=1.
fn share_of(totals: &Totals) -> f64 {
    let alive: u64 = totals.iter().sum();
    let busy = totals[State::Running.index()] + totals[State::Native.index()];
    busy as f64 / alive.max(1) as f64
}

/// The holders of a process's GIL (or lock), each in its worker's colour.
fn holders(
    pal: Palette,
    timeline: &Timeline,
    process: u16,
    horizon: u64,
    gil: bool,
) -> Vec<Holder<'_>> {
    let first = timeline
        .tracks()
        .position(|t| t.id.process == process)
        .unwrap_or(0);
    timeline
        .process_tracks(process)
        .enumerate()
        .map(|(i, t)| Holder {
            lane: if gil { &t.gil } else { &t.lock },
            open: if gil {
                t.open_gil(horizon)
            } else {
                t.open_lock(horizon)
            },
            color: pal.worker_color(first + i),
        })
        .collect()
}

/// "main process · 4 threads · one GIL", "process 2 · 4 threads · its own GIL".
pub fn process_title(process: u16, threads: usize, gil_mode: bool) -> String {
    let who = if process == 0 {
        "threadlab's process".to_owned()
    } else {
        format!("child process {process}")
    };
    let plural = if threads == 1 { "" } else { "s" };
    let gil = match (gil_mode, process) {
        (false, _) => "no GIL (free-threaded)",
        (true, 0) => "one GIL shared by its threads",
        (true, _) => "its own GIL",
    };
    format!("{who} · {threads} thread{plural} · {gil}")
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
