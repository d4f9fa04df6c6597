//! Slow-motion replay of a finished run, as plain state: a time cursor that
//! plays the run back at a chosen speed, pauses, scrubs, and steps from
//! change to change. While it is on, the timeline, the cores view and the
//! counters show the run as it stood at the cursor (see
//! `analysis::timeline::as_of`). Its controls are drawn by `bar.rs`.
//!
//! The replay asks for frames at a steady rate while it plays and for none
//! while it is paused, so an idle window does not spin.

use crate::analysis::timeline::Timeline;
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
    /// A speed not in [`SPEEDS`], as a clip may play at (`--speed 0.05`);
    /// it wins over `speed` until one of the list is picked.
    exact_speed: Option<f64>,
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
            exact_speed: None,
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

    /// The cursor, ns since the run's start, unrounded.
    pub fn cursor(&self) -> Option<f64> {
        self.cursor_ns
    }

    /// The speed, as a fraction of real time.
    pub fn speed(&self) -> f64 {
        self.exact_speed.unwrap_or(SPEEDS[self.speed])
    }

    /// Which of [`SPEEDS`] it plays at.
    pub fn speed_index(&self) -> usize {
        self.speed
    }

    /// Plays at [`SPEEDS`]`[index]` (the slowest when out of range).
    pub fn set_speed(&mut self, index: usize) {
        self.speed = index.min(SPEEDS.len() - 1);
        self.exact_speed = None;
    }

    /// Plays at `speed` (a fraction of real time), in the list or not; the
    /// list's nearest is what faster and slower step from.
    pub fn set_speed_exact(&mut self, speed: f64) {
        let gap = |s: f64| (s.ln() - speed.ln()).abs();
        self.speed = (0..SPEEDS.len())
            .min_by(|&a, &b| gap(SPEEDS[a]).total_cmp(&gap(SPEEDS[b])))
            .unwrap_or(DEFAULT_SPEED);
        self.exact_speed = (SPEEDS[self.speed] != speed).then_some(speed);
    }

    /// End of the run being replayed, ns (as of the last frame).
    pub fn end_ns(&self) -> f64 {
        self.end_ns
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
        self.exact_speed = None;
    }

    /// Ten times slower (down to 0.001×).
    pub fn slower(&mut self) {
        self.speed = (self.speed + 1).min(SPEEDS.len() - 1);
        self.exact_speed = None;
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

    /// Once per frame, before drawing: notes the run's end (`end_ns`) and,
    /// while playing, moves the cursor by the time since the last frame
    /// (`now_s`, the window's clock). Returns when the next frame is due.
    pub fn advance(&mut self, now_s: f64, end_ns: u64) -> Option<Duration> {
        self.end_ns = end_ns as f64;
        let Some(cursor) = self.cursor_ns else {
            self.pause();
            return None;
        };
        if !self.playing {
            return None;
        }
        let dt = self
            .last_time
            .map_or(0.0, |last| (now_s - last).clamp(0.0, MAX_FRAME_S));
        self.last_time = Some(now_s);
        let next = cursor + dt * self.speed() * 1e9;
        if next >= self.end_ns {
            self.cursor_ns = Some(self.end_ns);
            self.pause();
            None
        } else {
            self.cursor_ns = Some(next);
            Some(REPLAY_FRAME)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn playing_moves_the_cursor_by_speed_times_time_and_stops_at_the_end() {
        let mut r = Replay::default();
        let frame = |r: &mut Replay, time: f64| {
            r.advance(time, 10_000_000);
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
