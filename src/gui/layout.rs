//! How the window is laid out: controls on the left, results and the lesson
//! on the right, and in the middle a one-line status, the legend, the
//! timeline and the cores view, all on one time axis.

use super::baseline::Baselines;
use super::cores::{core_count, cores_at_ui};
use super::counters::counters_at_ui;
use super::cursor::Overlay;
use super::ghost::Ghost;
use super::live::RunData;
use super::paint::group_thousands;
use super::palette::{self, Fill};
use super::replay::{Replay, bar_ui};
use super::summary::summary_ui;
use super::timeline::{DrawStats, timeline_at_ui};
use super::view::{TimeView, duration_label};
use crate::analysis::timeline::{Span, State, Timeline};
use crate::model::{Lab, Scenario};
use egui::{Context, Frame, RichText, Sense, Stroke, TextStyle, Ui, vec2};

/// Width of the strip a folded side panel leaves, in points.
pub const FOLDED_WIDTH: f32 = 40.0;

/// Text sizes that read well on a projector, dark theme; `present` zooms
/// everything as presentation mode does when the window size is unknown.
pub fn setup_style(ctx: &Context, present: bool) {
    ctx.set_theme(egui::Theme::Dark);
    ctx.all_styles_mut(|style| {
        let sizes = [
            (TextStyle::Heading, 17.0),
            (TextStyle::Body, 13.5),
            (TextStyle::Button, 13.5),
            (TextStyle::Monospace, 12.5),
            (TextStyle::Small, 11.0),
        ];
        for (text_style, size) in sizes {
            if let Some(font) = style.text_styles.get_mut(&text_style) {
                font.size = size;
            }
        }
        style.spacing.item_spacing = vec2(8.0, 5.0);
    });
    if present {
        ctx.set_zoom_factor(1.5);
    }
}

/// The app's name above the controls, with the button that folds them away;
/// returns whether it was clicked.
pub fn brand_ui(ui: &mut Ui) -> bool {
    let mut fold = false;
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        ui.label(
            RichText::new("threadlab")
                .size(22.0)
                .strong()
                .color(palette::strong_text()),
        );
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let keys = super::shortcuts::keys_text(super::shortcuts::Command::FoldControls);
            fold = ui
                .button("« Fold")
                .on_hover_text(format!("Fold the controls away ({keys})"))
                .clicked();
        });
    });
    ui.label(RichText::new("threads and processes, live").color(palette::weak_text()));
    ui.add_space(4.0);
    fold
}

/// The right-hand column: the result, then the counters (as of the replay
/// cursor `at`, ns, during a replay). Returns whether its fold button was
/// clicked.
pub fn results_ui(
    ui: &mut Ui,
    data: Option<&RunData>,
    baselines: &Baselines,
    cores: usize,
    at: Option<u64>,
) -> bool {
    let mut fold = false;
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            ui.heading("Result");
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let keys = super::shortcuts::keys_text(super::shortcuts::Command::FoldResults);
                fold = ui
                    .button("Fold »")
                    .on_hover_text(format!("Fold the results away ({keys})"))
                    .clicked();
            });
        });
        summary_ui(ui, data, baselines, cores);
        if let Some(data) = data.filter(|d| d.timeline.events() > 0 || d.summary().is_some()) {
            ui.add_space(6.0);
            ui.separator();
            ui.horizontal(|ui| {
                ui.heading("Counters");
                if let Some(t) = at {
                    ui.label(super::replay::at_cursor_text(t));
                }
            });
            counters_at_ui(ui, data, at);
        }
    });
    fold
}

/// The replay and the ghost, as the middle of the window uses them.
pub struct Playback<'a> {
    /// The replay cursor and its controls.
    pub replay: &'a mut Replay,
    /// The previous run of the same preset.
    pub ghost: &'a mut Ghost,
}

/// What the status line reports on.
pub struct Banner<'a> {
    /// The current or last run.
    pub data: Option<&'a RunData>,
    /// Why the last run could not start.
    pub start_error: Option<&'a str>,
    /// The knobs as set now.
    pub scenario: &'a Scenario,
}

/// The middle: status, legend, timeline and cores; returns what the
/// timeline drew (`last` is the previous frame's, shown in the legend row).
pub fn central_ui(
    ui: &mut Ui,
    banner: Banner<'_>,
    view: &mut TimeView,
    last: DrawStats,
    playback: Playback<'_>,
) -> DrawStats {
    banner_ui(ui, &banner);
    let empty;
    let data = match banner.data {
        Some(d) => d,
        None => {
            empty = RunData::new(banner.scenario.clone());
            &empty
        }
    };
    legend_ui(ui, &data.timeline, view, last);
    let Playback { replay, ghost } = playback;
    // A replay needs a finished run; its bar shows only then.
    let finished = banner.data.is_some() && data.is_finished() && data.timeline.events() > 0;
    if finished {
        replay.update(ui.ctx(), super::replay::run_end_ns(data));
    }
    // Playing moves the cursor at its own steady pace; what the user does
    // to it below asks for one more frame.
    let before = replay.cursor_ns();
    if finished {
        ui.add_space(2.0);
        bar_ui(ui, replay, data, ghost);
        ui.add_space(2.0);
    } else if replay.is_active() {
        replay.stop();
    }
    if let Some(t) = replay.cursor_ns().filter(|_| replay.is_playing()) {
        view.keep_in_view(t as f64, data.horizon_ns());
    }
    let ghost = banner.data.and_then(|d| ghost.shown_for(d));
    let overlay = Overlay {
        horizon_ns: data.horizon_ns().max(ghost.map_or(0, super::ghost::end_ns)),
        cursor_ns: replay.cursor_ns(),
        ghost,
        scrub: finished,
    };
    let cores = core_count(data);
    let cores_h = super::cores::min_height(cores);
    // The cores view gets its least height; spacing between the two is 6 px.
    let timeline_h = (ui.available_height() - cores_h - 14.0).max(80.0);
    let out = ui
        .allocate_ui(vec2(ui.available_width(), timeline_h), |ui| {
            timeline_at_ui(ui, &data.timeline, view, &overlay)
        })
        .inner;
    replay.note_scale(out.px_ns);
    ui.add_space(6.0);
    cores_at_ui(ui, data, view, ui.available_height().max(cores_h), &overlay);
    if let Some(t) = out.scrub_ns {
        replay.set_cursor(t);
    }
    // The counters left of here were drawn with the old cursor.
    if out.stats != last || replay.cursor_ns() != before {
        ui.ctx().request_repaint();
    }
    out.stats
}

fn banner_ui(ui: &mut Ui, b: &Banner<'_>) {
    let error = b.start_error.or_else(|| b.data.and_then(RunData::error));
    if let Some(error) = error {
        Frame::new()
            .fill(palette::error_fill())
            .stroke(Stroke::new(1.0, palette::error()))
            .corner_radius(4.0)
            .inner_margin(vec2(10.0, 6.0))
            .show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.label(
                    RichText::new(format!("The run failed: {error}"))
                        .color(palette::strong_text())
                        .strong(),
                );
                ui.label(
                    RichText::new("Change a setting and press Run again.").color(palette::text()),
                );
            });
        return;
    }
    let s = b.data.map_or(b.scenario, |d| &d.scenario);
    let shape = format!("{} · {}", s.shape_label(), work_text(s));
    let (status, color) = match b.data {
        None => ("press Run to start".to_owned(), palette::weak_text()),
        Some(d) => match d.summary() {
            None => (
                match &d.status {
                    Some(status) => format!(
                        "running, {}: {status}",
                        duration_label(d.horizon_ns() as f64)
                    ),
                    None => format!("running, {} so far", duration_label(d.horizon_ns() as f64)),
                },
                palette::state_color(State::Running),
            ),
            Some(sum) if sum.stopped => (
                format!("stopped after {}", duration_label(sum.wall_ms * 1e6)),
                palette::state_color(State::IoWait),
            ),
            Some(sum) => (
                format!("finished in {}", duration_label(sum.wall_ms * 1e6)),
                palette::strong_text(),
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
                .color(palette::strong_text()),
        );
        ui.label(RichText::new(shape).size(14.0));
        ui.label(RichText::new(format!("· {status}")).size(14.0).color(color));
    });
}

/// What the workers do, in the words of the scenario's lab.
pub fn work_text(s: &Scenario) -> String {
    let on_off = |b: bool| if b { "on" } else { "off" };
    let workload = super::controls::workload_text(s.workload);
    match s.lab {
        Lab::Tasks | Lab::Startup | Lab::Kill => format!("{workload} · {} tasks", s.tasks),
        Lab::Convoy => format!(
            "{} waits of {} ms beside computing threads",
            s.tasks, s.io_ms
        ),
        Lab::Queue => {
            let size = match s.queue_size {
                0 => "no limit".to_owned(),
                n => format!("holds {n}"),
            };
            format!("{workload} · {} items · queue {size}", s.tasks)
        }
        Lab::Daemon => format!("{} tasks · daemon {}", s.tasks, on_off(s.daemon)),
        Lab::Race => format!("{} updates each · lock {}", s.increments, on_off(s.lock)),
        Lab::SharedMemory => format!("{} increments each", s.increments),
    }
}

/// The legend of the states on screen, the merged-marks note, and Fit.
fn legend_ui(ui: &mut Ui, timeline: &Timeline, view: &mut TimeView, last: DrawStats) {
    let present = states_present(timeline);
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 5.0;
        for state in State::ALL.into_iter().filter(|s| present[s.index()]) {
            swatch(ui, state);
            ui.label(RichText::new(legend_label(state, timeline.gil_mode())).size(12.5));
            ui.add_space(8.0);
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if !view.is_fit()
                && ui
                    .button("Fit")
                    .on_hover_text("Show the whole run again (or double-click the timeline).")
                    .clicked()
            {
                view.fit();
            }
            if last.merged_spans > 0 {
                ui.add(
                    egui::Label::new(
                        RichText::new(format!(
                            "{} spans merged",
                            group_thousands(last.merged_spans)
                        ))
                        .size(12.0)
                        .color(palette::merged()),
                    )
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
                        .color(palette::weak_text()),
                );
            }
        });
    });
}

/// Which states the run has shown so far (all but lock waits before any data).
fn states_present(timeline: &Timeline) -> [bool; 6] {
    let mut seen = [false; 6];
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
        seen = [true, timeline.gil_mode(), false, true, true, true];
    }
    seen
}

/// The legend's words for a state.
fn legend_label(state: State, gil_mode: bool) -> &'static str {
    match state {
        State::Running if !gil_mode => "running",
        State::Running => "running (holds the GIL)",
        other => other.label(),
    }
}

fn swatch(ui: &mut Ui, state: State) {
    let (rect, _) = ui.allocate_exact_size(vec2(18.0, 12.0), Sense::hover());
    let color = palette::state_color(state);
    let painter = ui.painter();
    match palette::state_fill(state) {
        Fill::Solid => {
            painter.rect_filled(rect, 2.0, color);
        }
        Fill::Hatched => {
            let mut lp = super::paint::LanePainter::new(palette::hatch_texture(ui.ctx()).id(), 1.0);
            lp.hatched(rect, color);
            lp.finish(painter);
        }
        Fill::Thin => {
            painter.line_segment(
                [rect.left_center(), rect.right_center()],
                Stroke::new(2.0, palette::faded(color, 0.8)),
            );
        }
    }
}
