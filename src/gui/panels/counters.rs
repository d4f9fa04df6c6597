//! Counters read from the events as they arrive (and from the summary once
//! the run ends): GIL hand-overs and time spent waiting for it, queue depth
//! over time, and the shared counter, expected against actual.

use super::labs::lab_rows_ui;
use crate::analysis::timeline::{AsOf, Span, State, Timeline};
use crate::gui::format::{duration_text, group_thousands, percent_text};
use crate::gui::present::{ContextExt as _, Palette};
use crate::gui::run_state::RunData;
use egui::{Color32, Grid, RichText, Ui};
use egui_plot::{Corner, Legend, Line, Plot, PlotPoints, Points, VLine};

/// Time all workers were alive, ns: the denominator of "share of worker time".
fn worker_time_ns(timeline: &Timeline) -> u64 {
    let horizon = timeline.horizon_ns();
    timeline
        .tracks()
        .map(|t| t.states.total_ns() + t.open_state(horizon).map_or(0, |s| s.duration_ns()))
        .sum()
}

/// A value in the right column of a grid, wrapped to the panel's width.
pub fn value_ui(ui: &mut Ui, text: RichText) {
    ui.add(egui::Label::new(text).wrap());
}

/// The counters block as of the replay cursor `at` (ns), or for the whole
/// run when `None`.
pub fn counters_at_ui(ui: &mut Ui, data: &RunData, at: Option<u64>) {
    match at {
        Some(t) => replay_counters_ui(ui, data, &data.timeline.as_of(t)),
        None => whole_run_ui(ui, data),
    }
}

/// The counters up to the replay cursor: everything here is read from the
/// events before it, with binary searches, so it follows the cursor every frame.
fn replay_counters_ui(ui: &mut Ui, data: &RunData, now: &AsOf) {
    let pal = ui.palette();
    let tl = &data.timeline;
    let strong = |t: String| RichText::new(t).strong().color(pal.strong_text());
    let weak = |t: String| RichText::new(t).color(pal.weak_text());
    // Rows of fixed columns rather than a grid: a grid that re-measures its
    // columns as the numbers change asks for a new frame each time, and a
    // playing replay would then repaint as fast as it can.
    if data.scenario.gil {
        row_ui(
            ui,
            "GIL hand-overs",
            "How often the GIL went from one thread to another, up to the cursor.",
            |ui| {
                ui.label(strong(group_thousands(now.gil_handovers)));
                ui.label(weak(format!("of {}", group_thousands(tl.gil_handovers()))));
            },
        );
        let share = now.gil_wait_ns as f64 / now.worker_time_ns.max(1) as f64;
        row_ui(
            ui,
            "Waiting for the GIL",
            "Time all threads together spent waiting to run up to the cursor, and its share of their lifetime so far.",
            |ui| {
                ui.label(strong(format!(
                    "{} ({})",
                    duration_text(now.gil_wait_ns as f64),
                    percent_text((share * 100.0).min(100.0))
                )));
            },
        );
        row_ui(
            ui,
            "Drop requests",
            "Waiting threads that asked the holder to let go, up to the cursor.",
            |ui| {
                ui.label(strong(group_thousands(now.gil_drop_requests)));
            },
        );
    } else {
        row_ui(
            ui,
            "GIL",
            "A free-threaded Python has no global interpreter lock.",
            |ui| {
                ui.label(strong("none".to_owned()));
            },
        );
    }
    if let Some(depth) = now.queue_depth {
        row_ui(
            ui,
            "Queue depth",
            "Items waiting in the queue at the cursor.",
            |ui| {
                ui.label(strong(group_thousands(depth)));
            },
        );
    }
    if let Some(c) = now.counter {
        ui.add_space(6.0);
        ui.label(format!(
            "Counter: expected {}, got {}",
            group_thousands(c.expected),
            group_thousands(c.actual)
        ));
        let lost = RichText::new(format!("{} updates lost so far", group_thousands(c.lost())))
            .size(20.0)
            .strong();
        ui.label(if c.lost() > 0 {
            lost.color(pal.error())
        } else {
            lost.color(pal.state_color(State::Running))
        });
        counter_plot_ui(ui, data, Some(now));
    }
    queue_plot_ui(ui, tl, data.horizon_ns() as f64 / 1e6, Some(now));
}

/// One counter: its name in a fixed-width column, then its value.
fn row_ui(ui: &mut Ui, name: &str, hover: &str, value: impl FnOnce(&mut Ui)) {
    ui.horizontal(|ui| {
        ui.spacing_mut().item_spacing.x = 6.0;
        let size = egui::vec2(NAME_W, ui.spacing().interact_size.y);
        ui.allocate_ui_with_layout(
            size,
            egui::Layout::left_to_right(egui::Align::Center),
            |ui| {
                ui.set_min_width(NAME_W);
                ui.label(name);
            },
        )
        .response
        .on_hover_text(hover);
        value(ui);
    });
}

/// Width of the names in the counters at the cursor.
const NAME_W: f32 = 126.0;

/// The counters of the whole run.
fn whole_run_ui(ui: &mut Ui, data: &RunData) {
    let pal = ui.palette();
    let tl = &data.timeline;
    let summary = data.summary();
    let strong = |t: String| RichText::new(t).strong().color(pal.strong_text());
    Grid::new("counters").num_columns(2).spacing([12.0, 4.0]).show(ui, |ui| {
        if data.scenario.gil {
            let switches = summary.map_or(tl.gil_handovers(), |s| s.gil_switches);
            ui.label("GIL hand-overs")
                .on_hover_text("How often the GIL went from one thread to another.");
            value_ui(ui, strong(group_thousands(switches)));
            ui.end_row();
            let wait_ns = summary.map_or(tl.gil_wait_ns() as f64, |s| s.gil_wait_ms * 1e6);
            let share = wait_ns / worker_time_ns(tl).max(1) as f64;
            ui.label("Waiting for the GIL")
                .on_hover_text("Time all threads together spent waiting to run, and its share of their lifetime.");
            value_ui(ui, strong(format!("{} ({})", duration_text(wait_ns), percent_text((share * 100.0).min(100.0)))));
            ui.end_row();
            let requests = summary.map_or(tl.gil_drop_requests(), |s| s.gil_drop_requests);
            ui.label("Drop requests")
                .on_hover_text("How often a waiting thread ran out of patience (one switch interval) and asked the holder to let go.");
            value_ui(ui, strong(group_thousands(requests)));
            ui.end_row();
        }
        if !data.scenario.gil {
            ui.label("GIL").on_hover_text("A free-threaded Python has no global interpreter lock.");
            value_ui(ui, strong("none: every thread may run at once".to_owned()));
            ui.end_row();
        }
        if let Some(p) = summary.and_then(|s| s.io_wake_delay_us) {
            ui.label("I/O wake-up delay")
                .on_hover_text("How late the waiting thread got going again after its wait ended: it needed the GIL back first.");
            value_ui(ui, strong(format!("median {:.0} µs, p90 {:.0} µs", p.median, p.p90)));
            ui.end_row();
        }
        if let Some(q) = summary.and_then(|s| s.queue) {
            ui.label("Queue");
            let cap = if q.maxsize == 0 { "no limit".to_owned() } else { format!("max {}", q.maxsize) };
            value_ui(ui, strong(format!("deepest {} ({cap}), {} put, {} got", q.max_depth, q.puts, q.gets)));
            ui.end_row();
        }
        if let Some(c) = summary.and_then(|s| s.cut_off) {
            ui.label(RichText::new("Cut off").color(pal.error()));
            value_ui(ui, strong(format!("{} tasks mid-way, {} resources left open", c.tasks, c.unreleased_resources)));
            ui.end_row();
        }
        if let Some(summary) = summary {
            lab_rows_ui(ui, summary);
        }
        let dropped = data.events_dropped;
        ui.label("Events").on_hover_text("Events the workers recorded, and any the window could not keep up with.");
        let text = format!("{} recorded, {} dropped", group_thousands(tl.events()), group_thousands(dropped));
        value_ui(ui, if dropped > 0 { RichText::new(text).color(pal.error()) } else { RichText::new(text) });
        ui.end_row();
    });
    counter_ui(ui, data);
    queue_plot_ui(ui, tl, data.horizon_ns() as f64 / 1e6, None);
}

/// The shared counter: what it should read against what it reads.
fn counter_ui(ui: &mut Ui, data: &RunData) {
    let pal = ui.palette();
    let writes = data.timeline.counter_writes();
    let final_counts = data.summary().and_then(|s| s.counter);
    if writes.is_empty() && final_counts.is_none() {
        return;
    }
    ui.add_space(6.0);
    if let Some(c) = final_counts {
        let lost = RichText::new(format!("{} updates lost", group_thousands(c.lost_updates)))
            .size(20.0)
            .strong();
        ui.label(format!(
            "Counter: expected {}, got {}",
            group_thousands(c.expected),
            group_thousands(c.actual)
        ));
        ui.label(if c.lost_updates > 0 {
            lost.color(pal.error())
        } else {
            lost.color(pal.state_color(State::Running))
        });
    }
    counter_plot_ui(ui, data, None);
}

/// The counter over the run, expected against actual, with a mark at the
/// replay cursor `at`.
fn counter_plot_ui(ui: &mut Ui, data: &RunData, at: Option<&AsOf>) {
    let pal = ui.palette();
    let writes = data.timeline.counter_writes();
    if writes.is_empty() {
        return;
    }
    let expected: Vec<[f64; 2]> = writes
        .iter()
        .enumerate()
        .map(|(i, (t, _))| [*t as f64 / 1e6, (i + 1) as f64])
        .collect();
    let actual: Vec<[f64; 2]> = writes
        .iter()
        .map(|(t, v)| [*t as f64 / 1e6, *v as f64])
        .collect();
    small_plot("counter-plot", data.horizon_ns() as f64 / 1e6, true).show(ui, |p| {
        p.line(Line::new("expected", PlotPoints::new(expected)).color(pal.reference_line()));
        p.line(Line::new("actual", PlotPoints::new(actual)).color(pal.error()));
        if let Some((t, c)) = at.and_then(|now| now.counter.map(|c| (now.t_ns, c))) {
            let dots = [
                (c.actual as f64, pal.error()),
                (c.expected as f64, pal.reference_line()),
            ];
            cursor_mark(pal, p, t as f64 / 1e6, &dots);
        }
    });
}

/// Queue depth over time, when the lab has a queue.
fn queue_plot_ui(ui: &mut Ui, tl: &Timeline, end_ms: f64, at: Option<&AsOf>) {
    let pal = ui.palette();
    let depth = tl.queue_depth();
    if depth.is_empty() {
        return;
    }
    ui.add_space(6.0);
    ui.label("Queue depth over time");
    // A step line: the depth holds until the next put or get.
    let mut points = Vec::with_capacity(depth.len() * 2);
    for (i, (t, d)) in depth.iter().enumerate() {
        let x = *t as f64 / 1e6;
        if i > 0 {
            points.push([x, depth[i - 1].1 as f64]);
        }
        points.push([x, *d as f64]);
    }
    small_plot("queue-plot", end_ms, false).show(ui, |p| {
        p.line(Line::new("depth", PlotPoints::new(points)).color(pal.state_color(State::LockWait)));
        if let Some((t, d)) = at.and_then(|now| now.queue_depth.map(|d| (now.t_ns, d))) {
            let dots = [(d as f64, pal.state_color(State::LockWait))];
            cursor_mark(pal, p, t as f64 / 1e6, &dots);
        }
    });
}

/// The replay cursor on a small plot: a vertical line at `x_ms` and a dot
/// on each line where it crosses.
fn cursor_mark(pal: Palette, p: &mut egui_plot::PlotUi<'_>, x_ms: f64, dots: &[(f64, Color32)]) {
    p.vline(VLine::new("", x_ms).color(pal.cursor()).width(1.0));
    for (y, color) in dots {
        p.points(Points::new("", vec![[x_ms, *y]]).color(*color).radius(3.5));
    }
}

/// A small plot over the whole run (`0..end_ms`), with a legend when it has
/// more than one line.
fn small_plot(id: &str, end_ms: f64, legend: bool) -> Plot<'static> {
    let plot = Plot::new(id.to_owned())
        .height(90.0)
        .include_x(0.0)
        .include_x(end_ms)
        .include_y(0.0);
    let plot = if legend {
        plot.legend(Legend::default().position(Corner::LeftTop))
    } else {
        plot
    };
    plot.allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .x_axis_label("ms")
        .x_axis_formatter(|mark, _| format!("{:.0}", mark.value))
}
