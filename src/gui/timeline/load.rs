//! How many cores were kept busy over time, and by whom, on the timeline's
//! axis: the run's workers (from their own on-core spans, exact at every
//! pixel), threadlab's other threads (the window, its renderer, the run's
//! helpers) and other programs (both per load sample), stacked in that
//! order up to the machine's total. A dashed line marks the cores the run
//! may use. It answers, at a glance, "why is it not 4× faster?": the
//! workers' band never rises above the cores they had.
//!
//! The OS is read every 50 ms, so a short run (or a close zoom) has too few
//! samples for a curve: with fewer than [`LOAD_SAMPLES_MIN`] in view the
//! chart gives its room to the lanes and one line says why.

use super::cursor::{Overlay, cursor_line, fade_after};
use super::lanes::XMap;
use super::paint::LanePainter;
use crate::analysis::timeline::split_sample;
use crate::gui::present::{ContextExt as _, Fill, faded};
use crate::gui::run_state::RunData;
use crate::model::CoreSample;
use egui::{Align2, FontId, Rect, Stroke, Ui, pos2};

/// The least height of the chart.
pub const LOAD_MIN_H: f32 = 64.0;
/// The most height of the chart: the room above goes to the lanes.
const LOAD_MAX_H: f32 = 120.0;
/// Fewer load samples than this in view, and the chart is not drawn: two
/// points make a step, not a picture of the load over time.
pub const LOAD_SAMPLES_MIN: usize = 3;
/// Height of the line said in the chart's place.
pub const LOAD_NOTE_H: f32 = 16.0;

/// The load samples whose interval overlaps `start_ns..end_ns`.
pub fn samples_in(data: &RunData, start_ns: f64, end_ns: f64) -> usize {
    data.cores
        .iter()
        .filter(|s| {
            let from = s.t_ns.saturating_sub(s.interval_ns) as f64;
            (s.t_ns as f64) > start_ns && from < end_ns
        })
        .count()
}

/// Whether the chart is drawn for `data` with `start_ns..end_ns` on screen.
pub fn load_shown(data: &RunData, start_ns: f64, end_ns: f64) -> bool {
    samples_in(data, start_ns, end_ns) >= LOAD_SAMPLES_MIN
}

/// In the chart's place: one small line saying why it is not drawn.
pub fn load_note_ui(ui: &Ui, rect: Rect, data: &RunData, map: XMap) {
    let pal = ui.palette();
    let n = samples_in(data, map.window.start_ns, map.window.end_ns);
    let samples = match n {
        0 => "no load sample".to_owned(),
        1 => "1 load sample".to_owned(),
        n => format!("{n} load samples"),
    };
    let painter = ui.painter_at(rect);
    let font = FontId::proportional(11.0);
    let why = format!("Cores busy over time: not drawn, {samples} in view (one per 50 ms).");
    let more = " The core lanes above are the workers' own measure.";
    // The second sentence only where the line has room for it.
    let full = format!("{why}{more}");
    let width = painter
        .layout_no_wrap(full.clone(), font.clone(), pal.weak_text())
        .size()
        .x;
    let text = if width + 12.0 <= rect.width() {
        full
    } else {
        why
    };
    painter.text(
        pos2(rect.left() + 6.0, rect.top() + LOAD_NOTE_H * 0.5),
        Align2::LEFT_CENTER,
        text,
        font,
        pal.weak_text(),
    );
}

/// Width of one column of the chart, px.
const COLUMN_PX: f32 = 2.0;
/// The workers' band is averaged over at least this long, ns.
const SMOOTH_NS: u64 = 10_000_000;

/// Cores kept busy over one stretch of the run.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Busy {
    /// The run's workers.
    pub workers: f64,
    /// threadlab's other threads.
    pub threadlab: f64,
    /// Other programs.
    pub others: f64,
}

/// Cores busy over a sample's interval, from its per-core split.
fn sample_busy(data: &RunData, sample: &CoreSample) -> Busy {
    let mut b = Busy::default();
    for core in 0..sample.usage.len() {
        let s = split_sample(&data.timeline, sample, core);
        b.workers += f64::from(s.workers);
        b.threadlab += f64::from(s.threadlab);
        b.others += f64::from(s.others);
    }
    b
}

/// The sample whose interval holds `t_ns`.
fn sample_at(samples: &[CoreSample], t_ns: u64) -> Option<&CoreSample> {
    let i = samples.partition_point(|s| s.t_ns < t_ns);
    samples
        .get(i)
        .filter(|s| s.t_ns.saturating_sub(s.interval_ns) <= t_ns)
}

/// Cores busy from `from_ns` to `to_ns`: the workers measured, the rest
/// from the load sample that covers the middle of the stretch (its split
/// taken from `split`, one per sample, when the caller has them).
pub fn busy_between(data: &RunData, from_ns: u64, to_ns: u64, split: Option<&[Busy]>) -> Busy {
    let len = to_ns.saturating_sub(from_ns).max(1) as f64;
    let workers = data.timeline.on_core_ns(None, from_ns, to_ns) as f64 / len;
    let mid = from_ns + (to_ns - from_ns) / 2;
    let i = data.cores.partition_point(|s| s.t_ns < mid);
    let rest = sample_at(&data.cores, mid).map(|s| match split.and_then(|b| b.get(i)) {
        Some(b) => *b,
        None => sample_busy(data, s),
    });
    Busy {
        workers,
        threadlab: rest.map_or(0.0, |b| b.threadlab),
        others: rest.map_or(0.0, |b| b.others),
    }
}

/// Draws the chart into the bottom of `rect` (its left part holds the
/// labels, its right part lines up with the lanes' `map`).
pub fn load_ui(ui: &mut Ui, rect: Rect, data: &RunData, map: XMap, overlay: &Overlay<'_>) {
    let pal = ui.palette();
    let h = rect.height().clamp(LOAD_MIN_H, LOAD_MAX_H);
    let plot = Rect::from_x_y_ranges(map.left..=map.right, rect.top()..=(rect.top() + h));
    let painter = ui.painter_at(rect);
    painter.rect_filled(plot, 0.0, pal.lane_bg());
    let machine = super::cores::core_count(data).max(1) as f64;
    let y_of =
        |cores: f64| plot.bottom() - (cores / machine).clamp(0.0, 1.0) as f32 * plot.height();
    // A grid line per core, and the cores the run may use, dashed.
    for c in 1..=machine as usize {
        let y = y_of(c as f64);
        painter.line_segment(
            [pos2(plot.left(), y), pos2(plot.right(), y)],
            Stroke::new(1.0, pal.grid()),
        );
    }
    let allowed = data.scenario.cores_used(machine as usize) as f64;
    if allowed < machine {
        let y = y_of(allowed);
        painter.extend(egui::Shape::dashed_line(
            &[pos2(plot.left(), y), pos2(plot.right(), y)],
            Stroke::new(1.5, pal.reference_line()),
            6.0,
            4.0,
        ));
    }
    let label = |text: &str, y: f32, size: f32| {
        painter.text(
            pos2(rect.left() + 6.0, y),
            Align2::LEFT_CENTER,
            text,
            FontId::proportional(size),
            pal.weak_text(),
        );
    };
    label("cores busy", plot.center().y - 7.0, 12.0);
    label("(workers: per 10 ms,", plot.center().y + 7.0, 10.0);
    label("the rest: per 50 ms)", plot.center().y + 19.0, 10.0);
    painter.text(
        pos2(plot.left() - 4.0, y_of(machine)),
        Align2::RIGHT_TOP,
        format!("{machine:.0}"),
        FontId::proportional(10.5),
        pal.weak_text(),
    );
    // Each sample's split once per frame: many columns share a sample.
    let split: Vec<Busy> = data.cores.iter().map(|s| sample_busy(data, s)).collect();
    let mut lp = LanePainter::new(ui.ctx(), plot.width());
    let mut x = plot.left();
    while x < plot.right() {
        let x1 = (x + COLUMN_PX).min(plot.right());
        let t0 = map.window.t_of((x - map.left) as f64).max(0.0) as u64;
        let t1 = map.window.t_of((x1 - map.left) as f64).max(0.0) as u64;
        if t1 > t0 && t0 < overlay.horizon_ns {
            // Workers come on and off a core every few milliseconds; over
            // a column thinner than that the band would flicker between 0
            // and every core, so it is averaged over at least `SMOOTH_NS`.
            let mid = t0 + (t1 - t0) / 2;
            let half = ((t1 - t0) / 2).max(SMOOTH_NS / 2);
            let to = (mid + half).min(overlay.horizon_ns);
            let b = busy_between(data, mid.saturating_sub(half), to, Some(&split));
            let mut level = 0.0;
            let mut band = |cores: f64, fill: Fill, color| {
                if cores <= 0.0 {
                    return;
                }
                let (y0, y1) = (y_of(level), y_of(level + cores));
                if y0 - y1 >= 0.3 {
                    lp.fill(Rect::from_x_y_ranges(x..=x1, y1..=y0), fill, color);
                }
                level += cores;
            };
            band(
                b.workers,
                Fill::Solid,
                pal.state_color(crate::analysis::timeline::State::Running),
            );
            band(b.threadlab, Fill::Solid, faded(pal.threadlab_load(), 0.85));
            band(b.others, Fill::Hatched, pal.others_load());
        }
        x = x1;
    }
    lp.finish(&painter);
    if data.cores.is_empty() && data.timeline.worker_count() > 0 {
        painter.text(
            plot.center(),
            Align2::CENTER_CENTER,
            "other programs are read from the OS every 50 ms",
            FontId::proportional(11.0),
            pal.weak_text(),
        );
    }
    if let Some(t) = overlay.cursor_ns {
        fade_after(&painter, plot, map, t, ui.visuals().panel_fill);
        cursor_line(&painter, plot, map, t);
        let ms = 5_000_000;
        let b = busy_between(data, t.saturating_sub(ms), t + ms, Some(&split));
        // Beside the cursor, on the side with room for it.
        let text = format!(
            "cores busy: workers {:.1} · threadlab {:.1} · others {:.1}",
            b.workers, b.threadlab, b.others
        );
        let galley = painter.layout_no_wrap(text, FontId::proportional(11.0), pal.text());
        let x = map.x(t);
        let left = if x + 6.0 + galley.size().x <= plot.right() {
            x + 6.0
        } else {
            (x - 6.0 - galley.size().x).max(plot.left())
        };
        let at = pos2(left, plot.top() + 2.0);
        painter.rect_filled(
            Rect::from_min_size(at, galley.size()).expand(2.0),
            2.0,
            faded(pal.lane_bg(), 0.9),
        );
        painter.galley(at, galley, pal.text());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{RunMessage, Scenario};

    const MS: u64 = 1_000_000;

    /// A run sampled every 50 ms up to `end_ms`, as the core sampler does.
    fn sampled(end_ms: u64) -> RunData {
        let mut data = RunData::new(Scenario::default());
        for t in (50..=end_ms).step_by(50) {
            data.apply(RunMessage::Cores(CoreSample {
                t_ns: t * MS,
                usage: vec![50.0, 50.0],
                ..Default::default()
            }));
        }
        data
    }

    #[test]
    fn the_chart_needs_three_samples_in_view() {
        let short = sampled(100);
        assert_eq!(samples_in(&short, 0.0, 100e6), 2);
        assert!(
            !load_shown(&short, 0.0, 100e6),
            "two samples: a step, not a curve"
        );
        let long = sampled(1000);
        assert!(load_shown(&long, 0.0, 1000e6));
        // Zoomed in on 60 ms of it: the samples covering that stretch only.
        assert_eq!(samples_in(&long, 420e6, 480e6), 2);
        assert!(!load_shown(&long, 420e6, 480e6));
    }
}
