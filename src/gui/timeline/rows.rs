//! The rows of the timeline and how each is drawn: per process a header,
//! its GIL lane (who holds it), its lock lane when the lab has a lock, and
//! its queue's depth when the lab has a queue, and one lane per worker
//! coloured by state, with its share of time computing.

use super::lanes::{Holder, XMap, hold_lane, state_lane};
use super::paint::LanePainter;
use super::queue::queue_lane;
use super::widget::LABEL_W;
use crate::analysis::timeline::{Span, State, Timeline, Totals, Track};
use crate::gui::format::percent_text;
use crate::gui::present::{ContextExt as _, Palette};
use egui::{Align2, FontId, Painter, Rect, Stroke, pos2, vec2};

/// One row of the timeline.
#[derive(Clone, Copy)]
pub enum Row<'a> {
    /// A process's header.
    Header(u16),
    /// A process's GIL: who holds it.
    Gil(u16),
    /// A process's lock: who holds it.
    Lock(u16),
    /// A process's queue: its depth, and the items its workers took.
    Queue(u16),
    /// One worker's states, with its index in the run (for its colour).
    Worker(&'a Track, usize),
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
        if timeline
            .queues()
            .of(process)
            .is_some_and(|q| !q.takes.is_empty())
        {
            rows.push(Row::Queue(process));
        }
        for track in timeline.process_tracks(process) {
            rows.push(Row::Worker(track, index));
            index += 1;
        }
    }
    rows
}

/// What a row is drawn from.
pub(super) struct RowCtx<'a> {
    pub(super) timeline: &'a Timeline,
    pub(super) map: XMap,
    /// The replay cursor: the worker's share is counted up to it.
    pub(super) at: Option<u64>,
}

/// Draws `row`: its label in `full`, its lane in `bar`.
pub(super) fn row_ui(
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
        Row::Queue(process) => {
            painter.rect_filled(bar, 0.0, pal.lane_bg());
            painter.text(
                label_pos,
                Align2::LEFT_CENTER,
                "queue depth",
                font,
                pal.lane_title(),
            );
            if let Some(flow) = timeline.queues().of(process) {
                queue_lane(lp, painter, bar, map, flow);
            }
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
            // Items of a queue, tasks of a pool.
            let noun = if timeline.queues().any_taken() {
                "item"
            } else {
                "task"
            };
            state_lane(lp, painter, bar, map, track, horizon, noun);
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

/// Share of `totals` spent running or in native code, 0..=1, of the
/// worker's life: from its first event on, so the time it took to start is
/// not counted against it.
fn share_of(totals: &Totals) -> f64 {
    let alive: u64 = totals.iter().sum::<u64>() - totals[State::Starting.index()];
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
