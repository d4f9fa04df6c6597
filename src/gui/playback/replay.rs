//! Slow-motion replay of a finished run. A time cursor plays the run back at
//! a chosen speed, pauses, scrubs, and steps from change to change; while it
//! is on, the timeline, the cores view and the counters show the run as it
//! stood at the cursor (see `analysis::timeline::as_of`).
//!
//! The replay repaints at a steady rate while it plays and not at all while
//! it is paused, so an idle window does not spin.

use crate::analysis::timeline::Timeline;
use crate::gui::format::{cursor_of_end_text, duration_text, speed_text};
use crate::gui::ghost::Ghost;
use crate::gui::live::RunData;
use crate::gui::present::ContextExt as _;
use egui::{Context, RichText, Slider, Ui};
use std::time::Duration;

/// The speeds a replay can play at, fastest first: 1× is real time.
pub const SPEEDS: [f64; 4] = [1.0, 0.1, 0.01, 0.001];
/// 0.01×: one 5 ms turn with the GIL lasts half a second on screen.
const DEFAULT_SPEED: usize = 2;
/// Frame interval while playing: a steady 30 frames per second.
pub const REPLAY_FRAME: Duration = Duration::from_millis(33);
/// Longest clock step between two frames, s: after a stalled frame the
/// cursor moves on smoothly instead of jumping.
const MAX_FRAME_S: f64 = 0.25;

/// Where the replay cursor is and how it moves.
#[derive(Clone, Debug)]
pub struct Replay {
    /// `None` while the whole run is shown (no replay).
    cursor_ns: Option<f64>,
    playing: bool,
    speed: usize,
    /// The window's clock at the last frame that moved the cursor, s.
    last_time: Option<f64>,
    /// End of the run being replayed, ns.
    end_ns: f64,
    /// Nanoseconds per pixel of the timeline last frame: a step moves the
    /// cursor at least this far, so it lands on a change one can see.
    px_ns: f64,
}

impl Default for Replay {
    fn default() -> Self {
        Self {
            cursor_ns: None,
            playing: false,
            speed: DEFAULT_SPEED,
            last_time: None,
            end_ns: 0.0,
            px_ns: 0.0,
        }
    }
}

impl Replay {
    /// Whether a replay is on (the cursor is shown).
    pub fn is_active(&self) -> bool {
        self.cursor_ns.is_some()
    }

    /// Whether the cursor is moving.
    pub fn is_playing(&self) -> bool {
        self.playing
    }

    /// The cursor, ns since the run's start, while a replay is on.
    pub fn cursor_ns(&self) -> Option<u64> {
        self.cursor_ns.map(|t| t.max(0.0) as u64)
    }

    /// The speed, as a fraction of real time.
    pub fn speed(&self) -> f64 {
        SPEEDS[self.speed]
    }

    /// Starts a replay, paused, with the cursor at the run's start.
    pub fn start(&mut self) {
        self.cursor_ns = Some(0.0);
        self.pause();
    }

    /// Ends the replay: the whole run is shown again.
    pub fn stop(&mut self) {
        self.cursor_ns = None;
        self.pause();
    }

    /// Plays from the cursor (from the start when there is no replay yet or
    /// the cursor is at the end).
    pub fn play(&mut self) {
        let at_end = self.cursor_ns.is_none_or(|t| t >= self.end_ns);
        if at_end {
            self.cursor_ns = Some(0.0);
        }
        self.playing = true;
        self.last_time = None;
    }

    /// Stops the cursor where it is.
    pub fn pause(&mut self) {
        self.playing = false;
        self.last_time = None;
    }

    /// Play or pause: the one key a presenter needs.
    pub fn toggle_play(&mut self) {
        if self.playing {
            self.pause();
        } else {
            self.play();
        }
    }

    /// Ten times faster (up to real time).
    pub fn faster(&mut self) {
        self.speed = self.speed.saturating_sub(1);
    }

    /// Ten times slower (down to 0.001×).
    pub fn slower(&mut self) {
        self.speed = (self.speed + 1).min(SPEEDS.len() - 1);
    }

    /// The cursor to the run's start (a replay starts if none is on).
    pub fn jump_to_start(&mut self) {
        self.cursor_ns = Some(0.0);
        self.last_time = None;
    }

    /// The cursor to the run's end, paused: the totals.
    pub fn jump_to_end(&mut self) {
        self.cursor_ns = Some(self.end_ns);
        self.pause();
    }

    /// Moves the cursor to `t_ns` (scrubbing); a replay starts if none is on.
    pub fn set_cursor(&mut self, t_ns: f64) {
        self.cursor_ns = Some(t_ns.clamp(0.0, self.end_ns.max(0.0)));
        self.last_time = None;
    }

    /// Pauses and moves the cursor to the next (`forward`) or previous change
    /// on any lane of `timeline` at least a pixel away, so every step shows
    /// something new. Without a change left, the cursor goes to the end (or
    /// the start). A replay starts if none is on.
    pub fn step(&mut self, timeline: &Timeline, forward: bool) {
        self.pause();
        let gap = self.px_ns.max(0.0);
        let t = self
            .cursor_ns
            .unwrap_or(if forward { 0.0 } else { self.end_ns });
        // The first change at least `gap` after `t` (or before it).
        let to = if forward {
            let after = ((t + gap).ceil() - 1.0).max(t.floor()).max(0.0);
            timeline
                .next_change_after(after as u64)
                .map_or(self.end_ns, |c| c as f64)
        } else {
            let before = (t - gap).floor() + 1.0;
            if before <= 0.0 {
                0.0
            } else {
                timeline
                    .prev_change_before(before as u64)
                    .map_or(0.0, |c| c as f64)
            }
        };
        self.cursor_ns = Some(to.clamp(0.0, self.end_ns.max(0.0)));
    }

    /// Notes how many nanoseconds a pixel of the timeline shows, so a step
    /// moves at least that far.
    pub fn note_scale(&mut self, px_ns: f64) {
        if px_ns.is_finite() && px_ns > 0.0 {
            self.px_ns = px_ns;
        }
    }

    /// Once per frame, before drawing: notes the run's end, moves the cursor
    /// while playing and asks for the next frame.
    pub fn update(&mut self, ctx: &Context, end_ns: u64) {
        self.end_ns = end_ns as f64;
        let Some(cursor) = self.cursor_ns else {
            self.pause();
            return;
        };
        if !self.playing {
            return;
        }
        let now = ctx.input(|i| i.time);
        let dt = self
            .last_time
            .map_or(0.0, |last| (now - last).clamp(0.0, MAX_FRAME_S));
        self.last_time = Some(now);
        let next = cursor + dt * self.speed() * 1e9;
        if next >= self.end_ns {
            self.cursor_ns = Some(self.end_ns);
            self.pause();
        } else {
            self.cursor_ns = Some(next);
            ctx.request_repaint_after(REPLAY_FRAME);
        }
    }
}

/// Where a finished run ends, ns: its last event, or its wall time if later
/// (the OS's load samples may go on a little after the run; they are not
/// part of it).
pub fn run_end_ns(data: &RunData) -> u64 {
    let wall = data
        .summary()
        .map_or(0, |s| (s.wall_ms * 1e6).round() as u64);
    data.timeline.horizon_ns().max(wall)
}

/// The replay controls, in one row above the timeline: to the start, a
/// change back, play or pause, a change forward, the speed, the time
/// slider and its readout, the ghost's checkbox, and leaving the replay.
pub fn bar_ui(ui: &mut Ui, replay: &mut Replay, data: &RunData, ghost: &mut Ghost) {
    let pal = ui.palette();
    let timeline = &data.timeline;
    let end_ns = run_end_ns(data);
    replay.end_ns = end_ns as f64;
    ui.horizontal(|ui| {
        ui.spacing_mut().item_spacing.x = 4.0;
        let step_text = "Jump to the next change on any lane (a state, a GIL or lock hand-over, \
                         the queue, the counter) at least a pixel away; zoom in for finer steps.";
        if icon_button(ui, Icon::ToStart, "Back to the start")
            .on_hover_text("Back to the start.")
            .clicked()
        {
            replay.jump_to_start();
        }
        if step_button(ui, "‹", "Previous change")
            .on_hover_text(step_text.replace("next", "previous"))
            .clicked()
        {
            replay.step(timeline, false);
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
            replay.toggle_play();
        }
        if step_button(ui, "›", "Next change")
            .on_hover_text(step_text)
            .clicked()
        {
            replay.step(timeline, true);
        }
        speed_ui(ui, replay);
        let ghost_shown = ghost.previous_for(data).is_some();
        let readout = match replay.cursor_ns {
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
        let mut ms = replay.cursor_ns.map_or(end_ms, |t| t / 1e6);
        ui.spacing_mut().slider_width = slider_w;
        let slider = ui
            .add(Slider::new(&mut ms, 0.0..=end_ms.max(1e-6)).show_value(false))
            .accessible_name("Replay time")
            .on_hover_text("Drag to move the replay cursor (or drag along the time axis).");
        if slider.changed() {
            replay.set_cursor(ms * 1e6);
        }
        ui.label(readout);
        if ghost_shown {
            ghost.checkbox_ui(ui, data);
        }
        if replay.is_active()
            && step_button(ui, "×", "Leave the replay")
                .on_hover_text("Leave the replay and show the whole run.")
                .clicked()
        {
            replay.stop();
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
fn icon_button(ui: &mut Ui, icon: Icon, name: &str) -> egui::Response {
    let size = egui::vec2(30.0, ui.spacing().interact_size.y);
    let response = ui.add(egui::Button::new("").min_size(size));
    let color = ui.style().interact(&response).fg_stroke.color;
    paint_icon(ui.painter(), response.rect.center(), 11.0, icon, color);
    response.accessible_name(name)
}

/// A button with one large symbol (`‹`, `›`, `×`), named `name`.
fn step_button(ui: &mut Ui, symbol: &str, name: &str) -> egui::Response {
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

fn speed_ui(ui: &mut Ui, replay: &mut Replay) {
    let mut speed = replay.speed;
    egui::ComboBox::from_id_salt("replay-speed")
        .selected_text(speed_text(SPEEDS[speed]))
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
    replay.speed = speed;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn playing_moves_the_cursor_by_speed_times_time_and_stops_at_the_end() {
        let ctx = Context::default();
        let mut r = Replay::default();
        let frame = |r: &mut Replay, time: f64| {
            let input = egui::RawInput {
                time: Some(time),
                ..Default::default()
            };
            let mut out = ctx.run_ui(input, |ui| r.update(ui.ctx(), 10_000_000));
            out.textures_delta.clear();
        };
        frame(&mut r, 0.0);
        assert!(!r.is_active());
        r.play();
        assert_eq!(r.cursor_ns(), Some(0));
        frame(&mut r, 1.0);
        frame(&mut r, 1.1);
        // 0.1 s at 0.01× is 1 ms of the run.
        assert_eq!(r.cursor_ns(), Some(1_000_000));
        r.faster();
        // 0.1 s at 0.1× would be 10 ms more: past the end.
        frame(&mut r, 1.2);
        assert_eq!(r.cursor_ns(), Some(10_000_000), "stops at the end");
        assert!(!r.is_playing());
        r.toggle_play();
        assert_eq!(r.cursor_ns(), Some(0), "playing at the end starts over");
    }

    /// One worker that changes state at 0, 10, 11, 12 and 40 ns.
    fn busy_then_quiet() -> Timeline {
        use crate::model::{Event, EventKind::*, WorkerId};
        let ev = |t, kind| Event::new(t, WorkerId::new(0, 0), kind, 0);
        let mut tl = Timeline::new(false);
        tl.ingest(&[
            ev(0, WorkerStart),
            ev(10, IoWaitStart),
            ev(11, IoWaitEnd),
            ev(12, NativeStart),
            ev(40, NativeEnd),
            ev(50, WorkerExit),
        ]);
        tl
    }

    #[test]
    fn a_step_lands_on_a_change_at_least_a_pixel_away() {
        let tl = busy_then_quiet();
        let mut r = Replay {
            end_ns: 50.0,
            ..Replay::default()
        };
        // Zoomed in (1 ns per pixel): every change is a step.
        r.note_scale(1.0);
        let mut stops = vec![];
        for _ in 0..6 {
            r.step(&tl, true);
            stops.push(r.cursor_ns().unwrap_or_default());
        }
        assert_eq!(stops, [10, 11, 12, 40, 50, 50], "then the end");
        // Zoomed out (5 ns per pixel): 11 and 12 are in the same pixel as 10.
        r.jump_to_start();
        r.note_scale(5.0);
        r.step(&tl, true);
        r.step(&tl, true);
        assert_eq!(r.cursor_ns(), Some(40));
        r.step(&tl, false);
        assert_eq!(
            r.cursor_ns(),
            Some(12),
            "back to the last change a pixel before"
        );
        r.step(&tl, false);
        r.step(&tl, false);
        assert_eq!(r.cursor_ns(), Some(0));
        assert!(!r.is_playing());
    }

    #[test]
    fn speeds_stay_in_range() {
        let mut r = Replay::default();
        (0..10).for_each(|_| r.faster());
        assert_eq!(r.speed(), 1.0);
        (0..10).for_each(|_| r.slower());
        assert_eq!(r.speed(), 0.001);
    }

    #[test]
    fn scrubbing_clamps_to_the_run() {
        let mut r = Replay {
            end_ns: 50.0,
            ..Replay::default()
        };
        r.set_cursor(80.0);
        assert_eq!(r.cursor_ns(), Some(50));
        r.set_cursor(-3.0);
        assert_eq!(r.cursor_ns(), Some(0));
        r.stop();
        assert_eq!(r.cursor_ns(), None);
    }
}
