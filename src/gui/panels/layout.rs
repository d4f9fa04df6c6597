//! How the window is laid out: controls on the left, results and the lesson
//! on the right, and in the middle a one-line status, the legend, the
//! replay's bar, the timeline and the cores view, all on one time axis.

use super::counters::counters_at_ui;
use super::summary::summary_ui;
use crate::analysis::timeline::{CATEGORIES, Span, State, Timeline};
use crate::gui::command::Command;
use crate::gui::format::{cursor_time_text, duration_text, group_thousands, work_text};
use crate::gui::playback::{Ghost, Replay, replay_bar_ui};
use crate::gui::present::{ContextExt as _, Fill, faded, keys_text, state_fill};
use crate::gui::run_state::{Baselines, RunData};
use crate::gui::timeline::{
    DrawStats, LanePainter, Overlay, TimeView, core_count, cores_at_ui, cores_min_height,
    load_in_view, timeline_at_ui,
};
use crate::model::{Lab, Scenario};
use egui::{Frame, RichText, Sense, Stroke, Ui, vec2};

/// Width of the strip a folded side panel leaves, in points.
pub const FOLDED_WIDTH: f32 = 40.0;

/// The app's name above the controls, with the button that folds them away.
pub fn brand_ui(ui: &mut Ui, commands: &mut Vec<Command>) {
    let pal = ui.palette();
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        ui.label(
            RichText::new("threadlab")
                .size(22.0)
                .strong()
                .color(pal.strong_text()),
        );
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let keys = keys_text(Command::FoldControls);
            if ui
                .button("« Fold")
                .on_hover_text(format!("Fold the controls away ({keys})"))
                .clicked()
            {
                commands.push(Command::FoldControls);
            }
        });
    });
    ui.label(RichText::new("threads and processes, live").color(pal.weak_text()));
    ui.add_space(4.0);
}

/// The right-hand column: the result, then the counters (as of the replay
/// cursor `at`, ns, during a replay), with the button that folds it away.
pub fn results_ui(
    ui: &mut Ui,
    data: Option<&RunData>,
    baselines: &Baselines,
    cores: usize,
    at: Option<u64>,
    commands: &mut Vec<Command>,
) {
    let pal = ui.palette();
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            ui.heading("Result");
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let keys = keys_text(Command::FoldResults);
                if ui
                    .button("Fold »")
                    .on_hover_text(format!("Fold the results away ({keys})"))
                    .clicked()
                {
                    commands.push(Command::FoldResults);
                }
            });
        });
        summary_ui(ui, data, baselines, cores);
        if let Some(data) = data.filter(|d| d.timeline.events() > 0 || d.summary().is_some()) {
            ui.add_space(6.0);
            ui.separator();
            ui.horizontal(|ui| {
                ui.heading("Counters");
                if let Some(t) = at {
                    ui.label(
                        RichText::new(format!("at {}", cursor_time_text(t as f64)))
                            .color(pal.weak_text()),
                    );
                }
            });
            counters_at_ui(ui, data, at);
        }
    });
}

/// What the middle of the window shows: the run, the status line's news,
/// and the replay and ghost drawn over the lanes.
pub struct Central<'a> {
    /// The current or last run.
    pub data: Option<&'a RunData>,
    /// Why the last run could not start.
    pub start_error: Option<&'a str>,
    /// The knobs as set now.
    pub scenario: &'a Scenario,
    /// The replay cursor.
    pub replay: &'a Replay,
    /// The previous run of the same preset.
    pub ghost: &'a Ghost,
    /// What the timeline drew last frame, for the note in the legend row.
    pub last: DrawStats,
}

/// What the middle drew.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CentralOutput {
    /// What the timeline drew.
    pub stats: DrawStats,
    /// Nanoseconds per pixel of the timeline (0 when it drew no lanes): a
    /// replay step moves at least this far.
    pub px_ns: f64,
}

/// The middle: status, legend, the replay's bar, timeline and cores. Zoom
/// and pan change `view` at once; everything else the user does here is
/// pushed to `commands`.
pub fn central_ui(
    ui: &mut Ui,
    c: Central<'_>,
    view: &mut TimeView,
    commands: &mut Vec<Command>,
) -> CentralOutput {
    banner_ui(ui, &c);
    let empty;
    let data = match c.data {
        Some(d) => d,
        None => {
            empty = RunData::new(c.scenario.clone());
            &empty
        }
    };
    legend_ui(ui, &data.timeline, view, c.last, commands);
    // A replay needs a finished run; its bar shows only then.
    let finished = c.data.is_some() && data.is_finished() && data.timeline.events() > 0;
    if finished {
        ui.add_space(2.0);
        replay_bar_ui(ui, c.replay, data, c.ghost, commands);
        ui.add_space(2.0);
    }
    let ghost = c.data.and_then(|d| c.ghost.shown_for(d));
    let overlay = Overlay {
        horizon_ns: data.horizon_ns().max(ghost.map_or(0, RunData::end_ns)),
        cursor_ns: c.replay.cursor_ns(),
        ghost,
        scrub: finished,
    };
    let cores = core_count(data);
    // The load chart only where enough samples are in view; otherwise its
    // room goes to the lanes.
    let load = load_in_view(data, view, overlay.horizon_ns);
    let cores_h = cores_min_height(cores, load);
    // The cores view gets its least height; spacing between the two is 6 px.
    let timeline_h = (ui.available_height() - cores_h - 14.0).max(80.0);
    let out = ui
        .allocate_ui(vec2(ui.available_width(), timeline_h), |ui| {
            timeline_at_ui(ui, &data.timeline, view, &overlay)
        })
        .inner;
    ui.add_space(6.0);
    cores_at_ui(ui, data, view, ui.available_height().max(cores_h), &overlay);
    if let Some(t) = out.scrub_ns {
        commands.push(Command::ReplaySeek(t.max(0.0) as u64));
    }
    // The legend above was drawn with the last frame's numbers: draw again
    // at once when they changed (a zoom, the run's end). Not while the run
    // is live: its numbers change with every batch, so each paced frame
    // would bring an unpaced one after it, and that one the next (measured:
    // 25 to 30 frames a second and a whole core on llvmpipe instead of the
    // pacer's few). The next paced frame catches up.
    if out.stats != c.last && data.is_finished() {
        ui.ctx().request_repaint();
    }
    CentralOutput {
        stats: out.stats,
        px_ns: out.px_ns,
    }
}

fn banner_ui(ui: &mut Ui, b: &Central<'_>) {
    let pal = ui.palette();
    let error = b.start_error.or_else(|| b.data.and_then(RunData::error));
    if let Some(error) = error {
        Frame::new()
            .fill(pal.error_fill())
            .stroke(Stroke::new(1.0, pal.error()))
            .corner_radius(4.0)
            .inner_margin(vec2(10.0, 6.0))
            .show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.label(
                    RichText::new(format!("The run failed: {error}"))
                        .color(pal.strong_text())
                        .strong(),
                );
                ui.label(RichText::new("Change a setting and press Run again.").color(pal.text()));
            });
        return;
    }
    let s = b.data.map_or(b.scenario, |d| &d.scenario);
    let shape = format!("{} · {}", shape_text(s), work_text(s));
    let (status, color) = match b.data {
        None => ("press Run to start".to_owned(), pal.weak_text()),
        Some(d) => match d.summary() {
            None => (
                match &d.status {
                    Some(status) => format!(
                        "running, {}: {status}",
                        duration_text(d.horizon_ns() as f64)
                    ),
                    None => format!("running, {} so far", duration_text(d.horizon_ns() as f64)),
                },
                pal.state_color(State::Running),
            ),
            Some(sum) if sum.stopped => (
                format!("stopped after {}", duration_text(sum.wall_ms * 1e6)),
                pal.state_color(State::IoWait),
            ),
            Some(sum) => (
                format!("finished in {}", duration_text(sum.wall_ms * 1e6)),
                pal.strong_text(),
            ),
        },
    };
    // A run past the timeline's cap says what it kept, since the picture
    // beyond that point is drawn from per-block summaries.
    let kept = b
        .data
        .map(|d| &d.timeline)
        .filter(|t| t.events_summarised() > 0);
    let status = match kept {
        Some(t) => format!(
            "{status} · the first {} events kept in full, {} summarised",
            group_thousands(t.events_kept()),
            group_thousands(t.events_summarised())
        ),
        None => status,
    };
    ui.horizontal(|ui| {
        ui.label(
            RichText::new(&s.name)
                .size(16.0)
                .strong()
                .color(pal.strong_text()),
        );
        ui.label(RichText::new(shape).size(14.0));
        ui.label(RichText::new(format!("· {status}")).size(14.0).color(color));
    });
}

/// The workers a run of `s` starts, in words. The labs that set threads
/// beside processes run `threads` threads in threadlab's own process and
/// `processes` children of one thread each, which the scenario's own shape
/// ("4 processes × 4 threads") would misstate.
fn shape_text(s: &Scenario) -> String {
    let plural = |n: u32, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let joiner = match s.lab {
        Lab::Startup => "then",
        Lab::SharedMemory | Lab::Kill => "beside",
        _ => return s.shape_label(),
    };
    format!(
        "{}, {joiner} {} of 1 thread each, GIL {}",
        plural(s.threads, "thread", "threads"),
        plural(s.processes.max(1), "process", "processes"),
        if s.gil { "on" } else { "off" }
    )
}

/// The legend of the states on screen, the merged-marks note, and Fit.
fn legend_ui(
    ui: &mut Ui,
    timeline: &Timeline,
    view: &TimeView,
    last: DrawStats,
    commands: &mut Vec<Command>,
) {
    let pal = ui.palette();
    let present = states_present(timeline);
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 5.0;
        for state in State::ALL.into_iter().filter(|s| present[s.index()]) {
            swatch_ui(ui, state);
            ui.label(RichText::new(legend_label(state, timeline.gil_mode())).size(12.5));
            ui.add_space(8.0);
        }
        // The note of merged spans on the same line where it fits whole,
        // on the next one otherwise: cut to "7…" it says nothing.
        let merged = format!("{} spans merged", group_thousands(last.merged_spans));
        let note_w = ui
            .painter()
            .layout_no_wrap(
                merged.clone(),
                egui::FontId::proportional(12.0),
                pal.merged(),
            )
            .size()
            .x;
        if last.merged_spans > 0 && ui.available_size_before_wrap().x < note_w + 60.0 {
            ui.end_row();
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if !view.is_fit()
                && ui
                    .button("Fit")
                    .on_hover_text("Show the whole run again (or double-click the timeline).")
                    .clicked()
            {
                commands.push(Command::Fit);
            }
            if last.merged_spans > 0 {
                ui.add(
                    egui::Label::new(RichText::new(merged).size(12.0).color(pal.merged()))
                        .truncate(),
                )
                .on_hover_text(format!(
                    "At this zoom, {} spans are thinner than a pixel. They are drawn as {} marks, \
                     each underlined and split by how their time was spent. \
                     Zoom in (mouse wheel) to see them one by one.",
                    group_thousands(last.merged_spans),
                    group_thousands(last.merged_marks)
                ));
            } else if last.hidden_rows > 0 {
                ui.label(
                    RichText::new(format!("{} lanes do not fit", last.hidden_rows))
                        .size(11.5)
                        .color(pal.weak_text()),
                );
            }
        });
    });
}

/// Which states the run has shown so far (all but lock waits before any data).
fn states_present(timeline: &Timeline) -> [bool; CATEGORIES] {
    let mut seen = [false; CATEGORIES];
    let horizon = timeline.horizon_ns();
    for t in timeline.tracks() {
        let totals = t.states.totals(0..t.states.len());
        for (i, total) in totals.iter().enumerate() {
            seen[i] |= *total > 0;
        }
        if let Some(open) = t.open_state(horizon).filter(|s| s.duration_ns() > 0) {
            seen[open.state.index()] = true;
        }
    }
    if timeline.worker_count() == 0 {
        // Running, GIL wait, lock wait, I/O, native, idle, core wait; a
        // start is drawn once a worker has one.
        seen = [
            true,
            timeline.gil_mode(),
            false,
            true,
            true,
            true,
            true,
            false,
        ];
    }
    seen
}

/// The legend's words for a state.
fn legend_label(state: State, gil_mode: bool) -> &'static str {
    match state {
        State::Running if !gil_mode => "running",
        State::Running => "running (holds the GIL)",
        // Short: the legend is one line; its tooltip and the lanes' say more.
        State::Starting => "starting",
        other => other.label(),
    }
}

fn swatch_ui(ui: &mut Ui, state: State) {
    let pal = ui.palette();
    let (rect, _) = ui.allocate_exact_size(vec2(18.0, 12.0), Sense::hover());
    let color = pal.state_color(state);
    let painter = ui.painter();
    match state_fill(state) {
        Fill::Solid => {
            painter.rect_filled(rect, 2.0, color);
        }
        Fill::Thin => {
            painter.line_segment(
                [rect.left_center(), rect.right_center()],
                Stroke::new(2.0, faded(color, 0.8)),
            );
        }
        fill => {
            let mut lp = LanePainter::new(ui.ctx(), 1.0);
            lp.fill(rect, fill, color);
            lp.finish(painter);
        }
    }
}
