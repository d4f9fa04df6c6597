//! Drawing one lane of the timeline or of the cores view from its
//! level-of-detail walk: state lanes (one worker's states), and hold lanes
//! (who held the GIL, the lock, or a core), which overlay every holder.

use super::paint::{LanePainter, may_hold};
use super::rows::executing_share;
use super::widget::LABEL_W;
use crate::analysis::timeline::{HoldSpan, Lane, LodItem, PixelWindow, StateSpan, Track};
use crate::analysis::timeline::{Span as _, State};
use crate::gui::format::{duration_text, percent_text, worker_short};
use crate::gui::present::ContextExt as _;
use egui::{Align2, FontId, Painter, Rect, Stroke, pos2};

/// Where time maps to x on screen.
#[derive(Clone, Copy, Debug)]
pub struct XMap {
    /// The x of the window's start.
    pub left: f32,
    /// The x of the window's end.
    pub right: f32,
    /// The time window.
    pub window: PixelWindow,
}

impl XMap {
    /// x of `t_ns`, unclipped.
    pub fn x(&self, t_ns: u64) -> f32 {
        self.left + self.window.x_of(t_ns as f64) as f32
    }

    /// The x range of `start..end`, clipped to the plot and at least a pixel wide.
    pub fn span_x(&self, start_ns: u64, end_ns: u64) -> Option<(f32, f32)> {
        let x0 = self.x(start_ns).max(self.left - 1.0);
        let x1 = self.x(end_ns).min(self.right + 1.0);
        (x1 >= self.left && x0 <= self.right).then_some((x0, x1.max(x0 + 1.0)))
    }
}

/// Paints one worker's states into `row`, each task (or queue item, as
/// `noun` says) labelled on its whole extent, from its start to its end,
/// the waits inside it included, where the label fits.
pub fn state_lane(
    lp: &mut LanePainter,
    painter: &Painter,
    row: Rect,
    map: XMap,
    track: &Track,
    horizon_ns: u64,
    noun: &str,
) {
    lp.begin_lane();
    let draw = |lp: &mut LanePainter, s: &StateSpan| {
        if let Some((x0, x1)) = map.span_x(s.start_ns, s.end_ns) {
            lp.state_bar(row, x0, x1, s.state);
            if s.state == State::Starting {
                // How long the start took, where it fits: the point of it.
                let rect = Rect::from_x_y_ranges(x0..=x1, row.y_range());
                let took = duration_text(s.duration_ns() as f64);
                if may_hold(rect, 4) && !lp.label_over(painter, rect, format!("starting {took}")) {
                    lp.label_over(painter, rect, took);
                }
            }
        }
    };
    for item in track.states.lod(map.window) {
        match item {
            LodItem::Span(s) => draw(lp, s),
            LodItem::Merged(m) => lp.merged_states(row, map.left, map.window, &m),
        }
    }
    if let Some(s) = track.open_state(horizon_ns) {
        draw(lp, &s);
    }
    // Labels over the bars: tasks merged on screen get none.
    let tasks = track.tasks.lod(map.window).filter_map(|item| match item {
        LodItem::Span(s) => Some(*s),
        LodItem::Merged(_) => None,
    });
    for task in tasks.chain(track.open_task(horizon_ns)) {
        if let Some((x0, x1)) = map.span_x(task.start_ns, task.end_ns) {
            task_label(
                lp,
                painter,
                Rect::from_x_y_ranges(x0..=x1, row.y_range()),
                task.task,
                noun,
            );
        }
    }
    if let Some(t) = track.cut_off_ns {
        cut_off_mark(lp, row, map.x(t));
    }
    lp.end_lane(painter, row, map.left);
}

/// "item 7" over a task's whole extent (`rect`, its waits included) when it
/// fits, "#7" (two characters, the shortest) when only that does, nothing
/// otherwise; on a backdrop, so it reads over every state's bar.
fn task_label(lp: &mut LanePainter, painter: &Painter, rect: Rect, task: u32, noun: &str) {
    if may_hold(rect, 2) && !lp.label_over(painter, rect, format!("{noun} {task}")) {
        lp.label_over(painter, rect, format!("#{task}"));
    }
}

/// Paints a previous run's states into `row` as bare bars (no labels, no
/// marks): the ghost behind a re-run, faded over by the caller.
pub fn ghost_lane(lp: &mut LanePainter, row: Rect, map: XMap, track: &Track) {
    lp.begin_lane();
    for item in track.states.lod(map.window) {
        match item {
            LodItem::Span(s) => {
                if let Some((x0, x1)) = map.span_x(s.start_ns, s.end_ns) {
                    lp.state_bar(row, x0, x1, s.state);
                }
            }
            LodItem::Merged(m) => lp.merged_states(row, map.left, map.window, &m),
        }
    }
}

/// One holder's lane and its still open span, as [`hold_lane`] overlays them.
pub struct Holder<'a> {
    /// The holds.
    pub lane: &'a Lane<HoldSpan>,
    /// The hold still open, if any.
    pub open: Option<HoldSpan>,
    /// Identity colour of the holder.
    pub color: egui::Color32,
}

/// Paints who held something (the GIL, the lock, a core) into `row`: each
/// holder's spans in its colour (striped where it held the GIL but the OS
/// kept it off every core), its name where it fits, and a hand-over mark
/// where it took over from someone else (when `handovers`).
pub fn hold_lane<'a>(
    lp: &mut LanePainter,
    painter: &Painter,
    row: Rect,
    map: XMap,
    holders: impl Iterator<Item = Holder<'a>>,
    handovers: bool,
) {
    let pal = painter.palette();
    lp.begin_lane();
    // Hand-over marks only where the holds are wide enough to tell apart;
    // on a crowded lane they would be noise.
    let mut marks: Vec<f32> = Vec::new();
    let (mut drawn, mut width, mut merged) = (0usize, 0.0f32, false);
    for holder in holders {
        let mut draw = |lp: &mut LanePainter, s: &HoldSpan| {
            if let Some((x0, x1)) = map.span_x(s.start_ns, s.end_ns) {
                let rect = Rect::from_x_y_ranges(x0..=x1, row.y_range());
                // A holder the OS kept off every core still holds it (and
                // nobody else can run): striped as waiting for a core.
                if s.off_core {
                    lp.back_hatched(rect, holder.color);
                } else {
                    lp.solid(rect, holder.color);
                }
                // A holder's short name ("t3", "p2·t0") has two characters at least.
                if may_hold(rect, 2) {
                    lp.label_in(painter, rect, worker_short(s.worker), pal.on_bar_text());
                }
                drawn += 1;
                width += x1 - x0;
                if s.handover {
                    marks.push(x0);
                }
            }
        };
        for item in holder.lane.lod(map.window) {
            match item {
                LodItem::Span(s) => draw(lp, s),
                LodItem::Merged(m) => {
                    merged = true;
                    lp.merged_holds(row, map.left, map.window, &m, holder.color);
                }
            }
        }
        if let Some(s) = holder.open {
            draw(lp, &s);
        }
    }
    if handovers && !merged && width >= HANDOVER_MIN_PX * drawn as f32 {
        marks.into_iter().for_each(|x| lp.handover(row, x));
    }
    lp.end_lane(painter, row, map.left);
}

/// Average width of holds, in pixels, from which hand-overs are marked.
const HANDOVER_MIN_PX: f32 = 12.0;

/// A red cross where the main program's exit cut a daemon worker off.
fn cut_off_mark(lp: &mut LanePainter, row: Rect, x: f32) {
    let s = (row.height() * 0.4).clamp(3.0, 7.0);
    let c = pos2(x, row.center().y);
    let stroke = Stroke::new(2.0, lp.palette().error());
    lp.mark(egui::Shape::line_segment(
        [c - egui::vec2(s, s), c + egui::vec2(s, s)],
        stroke,
    ));
    lp.mark(egui::Shape::line_segment(
        [c + egui::vec2(-s, s), c + egui::vec2(s, -s)],
        stroke,
    ));
}

/// A block's lane label, as the compare and CPython views draw them:
/// "process 2" or "thread 1", and how much of its life it computed.
pub fn lane_label(
    painter: &Painter,
    left: f32,
    bar: Rect,
    track: &Track,
    font: &FontId,
    horizon: u64,
) {
    let pal = painter.palette();
    let name = if track.id.process > 0 {
        format!("process {}", track.id.process)
    } else {
        format!("thread {}", track.id.thread)
    };
    painter.text(
        pos2(left + 14.0, bar.center().y),
        Align2::LEFT_CENTER,
        name,
        font.clone(),
        pal.weak_text(),
    );
    let share = executing_share(track, horizon);
    painter.text(
        pos2(left + LABEL_W - 8.0, bar.center().y),
        Align2::RIGHT_CENTER,
        percent_text(share * 100.0),
        font.clone(),
        pal.state_color(State::Running),
    );
}
