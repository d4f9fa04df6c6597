//! Speedup bars: beside each configuration of a comparison, a horizontal
//! bar as long as its speedup over the serial run, its number in large
//! type, a tick at the best this machine allows, and, faintly, the bar of
//! the comparison before. All bars share one scale, so lengths compare.

use crate::analysis::timeline::State;
use crate::gui::format::{speedup_text, whole_speedup_text};
use crate::gui::present::{ContextExt as _, Palette, faded};
use egui::{Align2, Color32, FontId, Painter, Rect, Stroke, pos2};

/// Room right of the scale for the number after the longest bar, px.
pub const NUMBER_ROOM: f32 = 60.0;

/// Where a speedup maps to x: 0× at `left`, `max`× at `right`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BarScale {
    /// x of 0×.
    pub left: f32,
    /// x of `max`.
    pub right: f32,
    /// The largest speedup on the scale.
    pub max: f64,
}

impl BarScale {
    /// A scale from `left` to `right` with room for `largest`, rounded up to
    /// a whole speedup (at least 2×) and some space for the number.
    pub fn new(left: f32, right: f32, largest: f64) -> Self {
        let max = (largest * 1.12).ceil().max(2.0);
        Self { left, right, max }
    }

    /// x of `speedup`, clamped to the scale.
    pub fn x(&self, speedup: f64) -> f32 {
        let share = (speedup / self.max).clamp(0.0, 1.0) as f32;
        self.left + share * (self.right - self.left)
    }

    /// The whole speedups to mark on the axis, at least `min_px` apart.
    pub fn ticks(&self, min_px: f32) -> Vec<f64> {
        let px_per_unit = f64::from(self.right - self.left) / self.max;
        let step = [1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0]
            .into_iter()
            .find(|s| s * px_per_unit >= f64::from(min_px))
            .unwrap_or(self.max);
        (1..)
            .map(|i| f64::from(i) * step)
            .take_while(|s| *s <= self.max)
            .collect()
    }
}

/// The colour of a bar: grey for the serial reference, green when it
/// reaches most of the ideal, the colour of waiting for the GIL when not.
pub fn bar_color(pal: Palette, serial: bool, speedup: f64, ideal: f64) -> Color32 {
    if serial {
        Color32::from_gray(0xb4)
    } else if speedup >= 0.7 * ideal {
        pal.state_color(State::Running)
    } else {
        pal.state_color(State::GilWait)
    }
}

/// What one configuration's bar shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Bar {
    /// The measured speedup (the median of its runs), once known.
    pub speedup: Option<f64>,
    /// The smallest and largest speedup of its runs, when it ran more than
    /// once: drawn as a whisker.
    pub range: Option<(f64, f64)>,
    /// Why its runs were too spread to conclude from, when they were.
    pub spread: Option<&'static str>,
    /// The best speedup the machine allows for this configuration.
    pub ideal: f64,
    /// The speedup the comparison before measured, when it is shown.
    pub ghost: Option<f64>,
    /// Whether this is the serial reference.
    pub serial: bool,
    /// What to say while there is no speedup yet ("running…", "waiting").
    pub pending: &'static str,
}

/// Paints `bar` into `area` (the configuration's rows, in the bar column).
pub fn bar_ui(painter: &Painter, area: Rect, scale: BarScale, bar: &Bar) {
    let pal = painter.palette();
    let h = (area.height() * 0.5).clamp(8.0, 44.0);
    let mid = area.center().y - if bar.ghost.is_some() { h * 0.2 } else { 0.0 };
    let main = Rect::from_x_y_ranges(scale.left..=scale.right, (mid - h * 0.5)..=(mid + h * 0.5));
    painter.rect_filled(
        Rect::from_x_y_ranges(scale.left..=scale.right, main.y_range()),
        2.0,
        pal.lane_bg(),
    );
    let mut ghost_label = None;
    if let Some(ghost) = bar.ghost {
        let gh = (h * 0.34).max(4.0);
        let top = main.bottom() + 2.0;
        let rect = Rect::from_x_y_ranges(scale.left..=scale.x(ghost), top..=top + gh);
        painter.rect_filled(rect, 1.0, faded(pal.strong_text(), 0.13));
        painter.rect_stroke(
            rect,
            1.0,
            Stroke::new(1.0, faded(pal.strong_text(), 0.27)),
            egui::StrokeKind::Inside,
        );
        let galley = painter.layout_no_wrap(
            format!("before {}", speedup_text(ghost)),
            FontId::proportional((gh + 3.0).clamp(9.0, 12.0)),
            pal.weak_text(),
        );
        let at = Align2::LEFT_CENTER
            .anchor_size(pos2(rect.right() + 5.0, rect.center().y), galley.size());
        ghost_label = Some((at, galley));
    }
    let font = FontId::proportional((h * 0.75).clamp(14.0, 30.0));
    match bar.speedup {
        Some(s) => {
            let color = bar_color(pal, bar.serial, s, bar.ideal);
            let end = scale.x(s).max(scale.left + 2.0);
            painter.rect_filled(
                Rect::from_x_y_ranges(scale.left..=end, main.y_range()),
                2.0,
                color,
            );
            let text = speedup_text(s);
            // Placeholder colour: the galley takes the colour it is painted with.
            let galley = painter.layout_no_wrap(text, font, Color32::PLACEHOLDER);
            // The number sits after the bar; a bar too long for that holds it.
            let outside = end + 6.0 + galley.size().x <= scale.right + NUMBER_ROOM;
            let (pos, color) = if outside {
                (pos2(end + 6.0, mid), pal.strong_text())
            } else {
                (pos2(end - 6.0 - galley.size().x, mid), pal.on_bar_text())
            };
            painter.galley(pos2(pos.x, pos.y - galley.size().y * 0.5), galley, color);
            if let Some((lo, hi)) = bar.range {
                whisker(painter, scale, mid, h, lo, hi, bar.spread.is_some());
            }
        }
        None => {
            painter.text(
                pos2(scale.left + 8.0, mid),
                Align2::LEFT_CENTER,
                bar.pending,
                FontId::proportional((h * 0.5).clamp(10.0, 14.0)),
                pal.weak_text(),
            );
        }
    }
    ideal_mark(painter, area, scale, bar.ideal);
    if let Some((at, galley)) = ghost_label {
        // Over a backdrop, so the ideal tick does not run through the words.
        painter.rect_filled(at.expand(1.0), 2.0, faded(pal.lane_bg(), 0.9));
        painter.galley(at.min, galley, pal.weak_text());
    }
}

/// The range of a bar's runs: a line from the smallest to the largest
/// speedup with end ticks, in the warning colour (and with a "!") when the
/// spread is too wide to conclude from.
fn whisker(painter: &Painter, scale: BarScale, mid: f32, h: f32, lo: f64, hi: f64, wide: bool) {
    let pal = painter.palette();
    let color = if wide {
        pal.warning()
    } else {
        pal.strong_text()
    };
    let stroke = Stroke::new(2.0, color);
    let (x0, x1) = (scale.x(lo), scale.x(hi));
    let y = mid + h * 0.5 + 3.0;
    painter.line_segment([pos2(x0, y), pos2(x1, y)], stroke);
    for x in [x0, x1] {
        painter.line_segment([pos2(x, y - 3.0), pos2(x, y + 3.0)], stroke);
    }
    if wide {
        painter.text(
            pos2(x1 + 5.0, y),
            Align2::LEFT_CENTER,
            "!",
            FontId::proportional(13.0),
            color,
        );
    }
}

/// The tick at the ideal speedup, across the configuration's rows.
fn ideal_mark(painter: &Painter, area: Rect, scale: BarScale, ideal: f64) {
    let pal = painter.palette();
    let x = scale.x(ideal);
    let stroke = Stroke::new(2.0, pal.strong_text());
    painter.line_segment(
        [pos2(x, area.top() + 3.0), pos2(x, area.bottom() - 3.0)],
        stroke,
    );
    painter.line_segment(
        [
            pos2(x - 4.0, area.top() + 3.0),
            pos2(x + 4.0, area.top() + 3.0),
        ],
        stroke,
    );
}

/// The scale above the bars: a tick per whole speedup.
pub fn scale_axis(painter: &Painter, top: f32, bottom: f32, scale: BarScale) {
    let pal = painter.palette();
    let font = FontId::proportional(11.0);
    for s in scale.ticks(30.0) {
        let x = scale.x(s);
        painter.line_segment(
            [pos2(x, top + 13.0), pos2(x, bottom)],
            Stroke::new(1.0, pal.grid()),
        );
        painter.text(
            pos2(x, top + 1.0),
            Align2::CENTER_TOP,
            whole_speedup_text(s),
            font.clone(),
            pal.weak_text(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scale_has_room_for_the_largest_bar() {
        let s = BarScale::new(0.0, 100.0, 3.7);
        assert_eq!(s.max, 5.0);
        assert_eq!(s.x(5.0), 100.0);
        assert_eq!(s.x(99.0), 100.0, "clamped");
        assert_eq!(s.ticks(20.0), vec![1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(BarScale::new(0.0, 1.0, 1.0).max, 2.0);
        // 22× across 110 px: a tick every 5×, 25 px apart.
        assert_eq!(
            BarScale::new(0.0, 110.0, 19.0).ticks(24.0),
            vec![5.0, 10.0, 15.0, 20.0]
        );
    }

    #[test]
    fn colours_tell_good_from_poor() {
        let pal = Palette::new(crate::gui::present::Theme::Dark);
        let green = pal.state_color(State::Running);
        assert_eq!(bar_color(pal, false, 1.9, 2.0), green);
        assert_ne!(bar_color(pal, false, 1.0, 2.0), green);
        assert_ne!(bar_color(pal, true, 1.0, 1.0), green);
    }
}
