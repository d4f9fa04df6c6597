//! What the timeline says about the spot under the pointer, in words: the
//! state and task of one span, or how many thin spans a merged mark holds and
//! how their time splits.

use super::paint::shares;
use super::rows::Row;
use crate::analysis::timeline::{HoldSpan, Lane, PixelWindow, Span, State, Timeline, Track};
use crate::gui::format::{duration_text, group_thousands, worker_name};
use std::fmt::Write;

/// The tooltip for `row` at time `t_ns`, if there is something to say.
pub fn row_tooltip(
    timeline: &Timeline,
    row: Row<'_>,
    t_ns: f64,
    window: PixelWindow,
) -> Option<String> {
    let horizon = timeline.horizon_ns();
    match row {
        Row::Header(process) => Some(format!(
            "{} workers in this process. Each has its own lane below.",
            timeline.process_tracks(process).count()
        )),
        Row::Worker(track, _) => worker_text(track, t_ns, window, horizon),
        Row::Queue(process) => {
            let flow = timeline.queues().of(process)?;
            let t = t_ns.max(0.0) as u64;
            let at = flow.depth.partition_point(|p| p.0 <= t);
            let depth = at.checked_sub(1).map_or(0, |i| flow.depth[i].1);
            Some(format!(
                "{depth} items in the queue here (at most {}). Each line down is an item \
                 taken: it ends on the lane of the worker that took it.",
                flow.max_depth()
            ))
        }
        Row::Gil(process) | Row::Lock(process) => {
            let what = if matches!(row, Row::Gil(_)) {
                "GIL"
            } else {
                "lock"
            };
            let t = t_ns.max(0.0) as u64;
            let held = timeline.process_tracks(process).find_map(|track| {
                let (lane, open) = if what == "GIL" {
                    (&track.gil, track.open_gil(horizon))
                } else {
                    (&track.lock, track.open_lock(horizon))
                };
                hold_at(lane, open, t).map(|h| (track, h))
            });
            Some(match held {
                Some((track, h)) if h.off_core => format!(
                    "The {what} is held by {} for {}, but the OS has it off every core: \
                     it holds the GIL and does not run, so no thread of this process \
                     runs Python code meanwhile. This is the GIL at its worst.",
                    worker_name(track.id),
                    duration_text(h.duration_ns() as f64),
                ),
                Some((track, h)) => format!(
                    "The {what} is held by {} for {}{}.",
                    worker_name(track.id),
                    duration_text(h.duration_ns() as f64),
                    if h.handover {
                        ", handed over from another thread"
                    } else {
                        ""
                    }
                ),
                None => format!("Nobody holds the {what} here."),
            })
        }
    }
}

/// The tooltip for a row's label: what the lane is, and for a worker how
/// its life split between the states.
pub fn label_tooltip(timeline: &Timeline, row: Row<'_>) -> Option<String> {
    match row {
        Row::Header(_) => None,
        Row::Gil(_) => Some(
            "Who holds this process's GIL, in each thread's colour. A white notch marks a hand-over \
             from one thread to another (when there is room to draw it). Striped: the holder \
             was off every core, waiting for the OS to run it, while still holding the GIL."
                .to_owned(),
        ),
        Row::Lock(_) => Some("Who holds the lab's lock, in each thread's colour.".to_owned()),
        Row::Queue(_) => Some(
            "How many items wait in the queue over time, and where each one is taken by a \
             worker: a line down to that worker's lane, marked there with a notch."
                .to_owned(),
        ),
        Row::Worker(track, _) => {
            let mut totals = track.states.totals(0..track.states.len());
            if let Some(open) = track.open_state(timeline.horizon_ns()) {
                totals[open.state.index()] += open.duration_ns();
            }
            let share = shares(&totals);
            let mut text = format!("{} spent its life:\n", worker_name(track.id));
            for state in State::ALL {
                let s = share[state.index()];
                if s > 0.005 {
                    let _ = writeln!(text, "  {:>3.0}%  {}", s * 100.0, state.label());
                }
            }
            let _ = write!(text, "It finished {} tasks.", track.tasks_done);
            Some(text)
        }
    }
}

fn hold_at(lane: &Lane<HoldSpan>, open: Option<HoldSpan>, t: u64) -> Option<HoldSpan> {
    lane.span_at(t)
        .map(|(_, s)| *s)
        .or(open.filter(|s| s.start_ns <= t && t < s.end_ns.max(s.start_ns + 1)))
}

fn worker_text(track: &Track, t_ns: f64, window: PixelWindow, horizon: u64) -> Option<String> {
    let name = worker_name(track.id);
    let column = window.x_of(t_ns).floor();
    let (from, to) = (window.t_of(column), window.t_of(column + 1.0));
    let spans = track.states.spans();
    let first = spans.partition_point(|s| (s.end_ns as f64) <= from);
    let last = spans.partition_point(|s| (s.start_ns as f64) < to);
    if last > first + 1 {
        let share = shares(&track.states.totals(first..last));
        let mut text = format!(
            "{name}: {} spans merged here, each thinner than a pixel.\n",
            group_thousands((last - first) as u64)
        );
        for state in State::ALL {
            let s = share[state.index()];
            if s > 0.005 {
                let _ = writeln!(text, "  {:>3.0}%  {}", s * 100.0, state.label());
            }
        }
        text.push_str("Zoom in (mouse wheel) to see them one by one.");
        return Some(text);
    }
    let t = t_ns.max(0.0) as u64;
    let span = track
        .states
        .span_at(t)
        .map(|(_, s)| *s)
        .or(track.open_state(horizon).filter(|s| s.start_ns <= t))?;
    let task = span
        .task()
        .map_or_else(|| "between tasks".to_owned(), |k| format!("task {k}"));
    let why = match span.state {
        State::CoreWait => {
            "\nIt could run, but the OS gave its core to another thread: more threads \
             were ready than there were cores. Measured by the thread itself (its \
             scheduler wait, read from the kernel)."
        }
        State::GilWait => "\nIt could run, but another thread of its process holds the GIL.",
        State::Starting => {
            "\nFrom the moment the run asked for it (a new thread, or a new process \
             with its thread) to its first event, measured by the worker itself."
        }
        _ => "",
    };
    Some(format!(
        "{name}: {}{why}\n{task} · {} (from {} to {})",
        span.state.label(),
        duration_text(span.duration_ns() as f64),
        duration_text(span.start_ns as f64),
        duration_text(span.end_ns as f64),
    ))
}
