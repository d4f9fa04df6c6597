//! The time window the timeline and the cores view share, as plain state:
//! zoomed, panned or fitted by `navigate.rs`, followed by a playing replay.
//! Until someone zooms, the window follows the run and grows with it.

use crate::analysis::timeline::PixelWindow;
use crate::gui::format::axis_time_text;

/// Narrowest window, ns: 2 µs across the screen.
const MIN_SPAN_NS: f64 = 2_000.0;
/// Smallest window shown while following a run that has just started, ns.
const MIN_FOLLOW_NS: f64 = 1_000_000.0;

/// Which part of the run's time is on screen.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TimeView {
    /// `None` while following the whole run; `Some([start, end])` in ns once
    /// the user zoomed or panned.
    range: Option<[f64; 2]>,
}

impl TimeView {
    /// Back to following the whole run.
    pub fn fit(&mut self) {
        self.range = None;
    }

    /// Whether the view follows the whole run.
    pub fn is_fit(&self) -> bool {
        self.range.is_none()
    }

    /// Shows `start_ns..end_ns`.
    pub fn show_range(&mut self, start_ns: f64, end_ns: f64) {
        self.range = Some([start_ns, end_ns.max(start_ns + MIN_SPAN_NS)]);
    }

    /// The window on a run whose latest event is at `horizon_ns`.
    pub fn range_ns(&self, horizon_ns: u64) -> [f64; 2] {
        self.range
            .unwrap_or([0.0, (horizon_ns as f64).max(MIN_FOLLOW_NS) * 1.01])
    }

    /// The window mapped onto `width_px` pixels.
    pub fn window(&self, horizon_ns: u64, width_px: f32) -> PixelWindow {
        let [a, b] = self.range_ns(horizon_ns);
        PixelWindow::new(a, b, width_px)
    }

    /// Zooms by `factor` (> 1 zooms in) keeping `anchor_ns` where it is.
    pub fn zoom(&mut self, factor: f64, anchor_ns: f64, horizon_ns: u64) {
        let [a, b] = self.range_ns(horizon_ns);
        let span = ((b - a) / factor).max(MIN_SPAN_NS);
        let left = (anchor_ns - a) / (b - a);
        let start = anchor_ns - left * span;
        self.range = Some(self.clamped(start, span, horizon_ns));
    }

    /// Moves the window by `dt_ns`.
    pub fn pan(&mut self, dt_ns: f64, horizon_ns: u64) {
        let [a, b] = self.range_ns(horizon_ns);
        self.range = Some(self.clamped(a + dt_ns, b - a, horizon_ns));
    }

    /// Moves a zoomed window so `t_ns` is on screen (a playing replay
    /// cursor that ran off its edge lands a tenth in from the left).
    pub fn keep_in_view(&mut self, t_ns: f64, horizon_ns: u64) {
        let Some([a, b]) = self.range else { return };
        if (a..=b).contains(&t_ns) {
            return;
        }
        let span = b - a;
        self.range = Some(self.clamped(t_ns - 0.1 * span, span, horizon_ns));
    }

    fn clamped(&self, start: f64, span: f64, horizon_ns: u64) -> [f64; 2] {
        let limit = (horizon_ns as f64).max(MIN_FOLLOW_NS);
        let span = span.min(limit * 1.2);
        let start = start.clamp(-0.1 * span, (limit - 0.5 * span).max(-0.1 * span));
        [start, start + span]
    }
}

/// Tick marks for a time axis: `(time ns, label)` at a round step, at least
/// `min_px` pixels apart.
pub fn ticks(window: PixelWindow, min_px: f32) -> Vec<(f64, String)> {
    let min_step = window.ns_per_px * f64::from(min_px);
    let step = nice_step(min_step);
    let first = (window.start_ns / step).ceil() * step;
    let count = ((window.end_ns - first) / step).floor().max(0.0) as usize;
    (0..=count.min(200))
        .map(|i| first + i as f64 * step)
        .filter(|t| *t >= 0.0)
        .map(|t| (t, axis_time_text(t, step)))
        .collect()
}

/// The smallest of 1, 2, 5 × 10^k that is at least `min`.
fn nice_step(min: f64) -> f64 {
    let min = min.max(1.0);
    let pow = 10f64.powf(min.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * pow)
        .find(|s| *s >= min)
        .unwrap_or(10.0 * pow)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_the_run_until_zoomed() {
        let mut v = TimeView::default();
        assert_eq!(v.range_ns(100_000_000)[0], 0.0);
        assert!(v.range_ns(100_000_000)[1] >= 100_000_000.0);
        v.zoom(2.0, 50_000_000.0, 100_000_000);
        let [a, b] = v.range_ns(100_000_000);
        assert!((b - a - 50_500_000.0).abs() < 1.0, "{a}..{b}");
        assert!(!v.is_fit());
        v.fit();
        assert!(v.is_fit());
    }

    #[test]
    fn zoom_keeps_the_anchor_and_pan_stays_near_the_run() {
        let mut v = TimeView::default();
        v.show_range(0.0, 1_000_000_000.0);
        v.zoom(4.0, 500_000_000.0, 1_000_000_000);
        let [a, b] = v.range_ns(1_000_000_000);
        assert!((a - 375_000_000.0).abs() < 1.0 && (b - 625_000_000.0).abs() < 1.0);
        v.pan(10e9, 1_000_000_000);
        let [a, _] = v.range_ns(1_000_000_000);
        assert!(a <= 1_000_000_000.0);
    }

    #[test]
    fn a_zoomed_window_follows_a_cursor_off_its_edge() {
        let mut v = TimeView::default();
        v.keep_in_view(5e8, 1_000_000_000);
        assert!(v.is_fit(), "a fitted view shows every moment already");
        v.show_range(0.0, 1e8);
        v.keep_in_view(5e7, 1_000_000_000);
        assert_eq!(v.range_ns(1_000_000_000), [0.0, 1e8]);
        v.keep_in_view(3e8, 1_000_000_000);
        assert_eq!(v.range_ns(1_000_000_000), [2.9e8, 3.9e8]);
    }

    #[test]
    fn ticks_are_round_and_labelled_in_ms() {
        let w = PixelWindow::new(0.0, 1e9, 1000.0);
        let t = ticks(w, 80.0);
        assert_eq!(t[0], (0.0, "0 ms".to_owned()));
        assert_eq!(t[1], (1e8, "100 ms".to_owned()));
        let fine = ticks(PixelWindow::new(0.0, 1e6, 1000.0), 80.0);
        assert_eq!(fine[1].1, "0.1 ms");
    }
}
