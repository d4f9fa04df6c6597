//! The replay's controls, in one row above the timeline. They show the
//! state of the [`Replay`] and the [`Ghost`] and push [`Command`]s (the same
//! ones the replay's keys push); the dispatcher changes the state.

use super::ghost::Ghost;
use super::replay::{Replay, SPEEDS};
use crate::gui::command::Command;
use crate::gui::format::{cursor_of_end_text, duration_text, speed_text};
use crate::gui::present::ContextExt as _;
use crate::gui::run_state::RunData;
use egui::{RichText, Slider, Ui};

/// The replay controls, in one row above the timeline: to the start, a
/// change back, play or pause, a change forward, the speed, the time
/// slider and its readout, the ghost's checkbox, and leaving the replay.
pub fn replay_bar_ui(
    ui: &mut Ui,
    replay: &Replay,
    data: &RunData,
    ghost: &Ghost,
    commands: &mut Vec<Command>,
) {
    let pal = ui.palette();
    let end_ns = data.end_ns();
    ui.horizontal(|ui| {
        ui.spacing_mut().item_spacing.x = 4.0;
        let step_text = "Jump to the next change on any lane (a state, a GIL or lock hand-over, \
                         the queue, the counter) at least a pixel away; zoom in for finer steps.";
        if icon_button_ui(ui, Icon::ToStart, "Back to the start")
            .on_hover_text("Back to the start.")
            .clicked()
        {
            commands.push(Command::ReplayStart);
        }
        if step_button_ui(ui, "‹", "Previous change")
            .on_hover_text(step_text.replace("next", "previous"))
            .clicked()
        {
            commands.push(Command::StepBack);
        }
        let (icon, name) = match (replay.is_playing(), replay.is_active()) {
            (true, _) => (Icon::Pause, "Pause"),
            (false, true) => (Icon::Play, "Play"),
            (false, false) => (Icon::Play, "Replay"),
        };
        let play = ui.add(
            egui::Button::new(RichText::new(format!("     {name}")).strong())
                .min_size(egui::vec2(86.0, 0.0)),
        );
        let color = ui.style().interact(&play).fg_stroke.color;
        paint_icon(ui.painter(), play.rect.left_center() + egui::vec2(16.0, 0.0), 11.0, icon, color);
        let play = play.accessible_name(name).on_hover_text(
            "Play the run back slowly, with a cursor on the timeline; the counters and the cores follow it.",
        );
        if play.clicked() {
            commands.push(Command::PlayPause);
        }
        if step_button_ui(ui, "›", "Next change")
            .on_hover_text(step_text)
            .clicked()
        {
            commands.push(Command::StepForward);
        }
        speed_ui(ui, replay, commands);
        let ghost_shown = ghost.previous_for(data).is_some();
        let readout = match replay.cursor() {
            Some(t) => cursor_of_end_text(t, end_ns as f64),
            None => format!("whole run, {}", duration_text(end_ns as f64)),
        };
        let readout = RichText::new(readout).monospace().size(12.0);
        let readout_w = ui
            .painter()
            .layout_no_wrap(readout.text().to_owned(), egui::FontId::monospace(12.0), pal.weak_text())
            .size()
            .x
            + 6.0;
        let ghost_w = if ghost_shown { 150.0 } else { 0.0 };
        let close_w = if replay.is_active() { 34.0 } else { 0.0 };
        let slider_w = (ui.available_width() - readout_w - ghost_w - close_w - 16.0).max(60.0);
        let end_ms = end_ns as f64 / 1e6;
        let mut ms = replay.cursor().map_or(end_ms, |t| t / 1e6);
        ui.spacing_mut().slider_width = slider_w;
        let slider = ui
            .add(Slider::new(&mut ms, 0.0..=end_ms.max(1e-6)).show_value(false))
            .accessible_name("Replay time")
            .on_hover_text("Drag to move the replay cursor (or drag along the time axis).");
        if slider.changed() {
            commands.push(Command::ReplaySeek((ms * 1e6).max(0.0) as u64));
        }
        ui.label(readout);
        if let Some(previous_ns) = ghost.previous_for(data).map(RunData::end_ns) {
            let mut show = ghost.show;
            let toggled = ui
                .checkbox(
                    &mut show,
                    format!("previous: {}", duration_text(previous_ns as f64)),
                )
                .on_hover_text(
                    "Show the previous run of this preset faintly behind this one, \
                     with a dashed line where it ended.",
                )
                .changed();
            if toggled {
                commands.push(Command::Ghost);
            }
        }
        if replay.is_active()
            && step_button_ui(ui, "×", "Leave the replay")
                .on_hover_text("Leave the replay and show the whole run.")
                .clicked()
        {
            commands.push(Command::LeaveReplay);
        }
    });
}

/// The shapes of the replay buttons, painted (the default fonts have no
/// media symbols).
#[derive(Clone, Copy, Debug)]
enum Icon {
    ToStart,
    Play,
    Pause,
}

/// A button showing only `icon`, named `name` for screen readers and tests.
fn icon_button_ui(ui: &mut Ui, icon: Icon, name: &str) -> egui::Response {
    let size = egui::vec2(30.0, ui.spacing().interact_size.y);
    let response = ui.add(egui::Button::new("").min_size(size));
    let color = ui.style().interact(&response).fg_stroke.color;
    paint_icon(ui.painter(), response.rect.center(), 11.0, icon, color);
    response.accessible_name(name)
}

/// A button with one large symbol (`‹`, `›`, `×`), named `name`.
fn step_button_ui(ui: &mut Ui, symbol: &str, name: &str) -> egui::Response {
    ui.add(
        egui::Button::new(RichText::new(symbol).size(19.0).strong())
            .min_size(egui::vec2(30.0, ui.spacing().interact_size.y)),
    )
    .accessible_name(name)
}

/// Paints `icon` centred on `c`, `s` points tall.
fn paint_icon(painter: &egui::Painter, c: egui::Pos2, s: f32, icon: Icon, color: egui::Color32) {
    use egui::{Rect, Shape, Stroke, pos2};
    let h = s * 0.5;
    let triangle = |points: Vec<egui::Pos2>| Shape::convex_polygon(points, color, Stroke::NONE);
    match icon {
        Icon::ToStart => {
            painter.rect_filled(
                Rect::from_min_max(pos2(c.x - h, c.y - h), pos2(c.x - h + 2.0, c.y + h)),
                0.0,
                color,
            );
            painter.add(triangle(vec![
                pos2(c.x + h, c.y - h),
                pos2(c.x + h, c.y + h),
                pos2(c.x - h + 2.5, c.y),
            ]));
        }
        Icon::Play => {
            painter.add(triangle(vec![
                pos2(c.x - h * 0.8, c.y - h),
                pos2(c.x + h, c.y),
                pos2(c.x - h * 0.8, c.y + h),
            ]));
        }
        Icon::Pause => {
            for dx in [-h * 0.7, h * 0.25] {
                painter.rect_filled(
                    Rect::from_min_max(pos2(c.x + dx, c.y - h), pos2(c.x + dx + h * 0.45, c.y + h)),
                    0.0,
                    color,
                );
            }
        }
    }
}

fn speed_ui(ui: &mut Ui, replay: &Replay, commands: &mut Vec<Command>) {
    let mut speed = replay.speed_index();
    egui::ComboBox::from_id_salt("replay-speed")
        .selected_text(speed_text(replay.speed()))
        .width(64.0)
        .show_ui(ui, |ui| {
            for (i, s) in SPEEDS.iter().enumerate() {
                ui.selectable_value(&mut speed, i, speed_text(*s));
            }
        })
        .response
        .accessible_name("Replay speed")
        .on_hover_text(format!(
            "Replay speed: at {}, 1 ms of the run lasts {} on screen.",
            speed_text(SPEEDS[speed]),
            duration_text(1e6 / SPEEDS[speed])
        ));
    if speed != replay.speed_index() {
        commands.push(Command::ReplaySpeed(speed));
    }
}
