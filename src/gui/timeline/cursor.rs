//! What is drawn over the lanes of the timeline and the cores view besides
//! the run itself: the replay cursor (a line with its time, the part of the
//! run after it faded far back) and the end of the ghost, the previous run.

use super::lanes::XMap;
use crate::gui::format::{cursor_time_text, duration_text};
use crate::gui::present::{ContextExt as _, faded};
use crate::gui::run_state::RunData;
use egui::{Align2, Color32, FontId, Painter, Rect, Shape, Stroke, pos2, vec2};

/// How strongly the run after the cursor is faded: nearly hidden, but its
/// shape stays readable, so the audience knows more is coming.
const FADE: f32 = 0.82;

/// What the lanes are drawn with besides the run.
#[derive(Clone, Copy, Debug, Default)]
pub struct Overlay<'a> {
    /// End of the time axis while the view follows the whole run, ns: the
    /// run's end, or the ghost's when it ended later.
    pub horizon_ns: u64,
    /// The replay cursor, ns.
    pub cursor_ns: Option<u64>,
    /// The previous run, drawn faintly behind.
    pub ghost: Option<&'a RunData>,
    /// Whether dragging on the time axis moves the cursor (a finished run).
    pub scrub: bool,
}

impl Overlay<'_> {
    /// Only the run, up to `horizon_ns`.
    pub fn plain(horizon_ns: u64) -> Self {
        Self {
            horizon_ns,
            ..Self::default()
        }
    }
}

/// Fades what lies after the cursor in `area` (the lanes) and draws the
/// cursor line through it.
pub fn cursor_over(painter: &Painter, area: Rect, map: XMap, cursor_ns: u64, fill: Color32) {
    fade_after(painter, area, map, cursor_ns, fill);
    cursor_line(painter, area, map, cursor_ns);
}

/// Fades what lies after the cursor in `area`.
pub fn fade_after(painter: &Painter, area: Rect, map: XMap, cursor_ns: u64, fill: Color32) {
    let x = map.x(cursor_ns);
    if x < area.right() {
        let faded = Rect::from_x_y_ranges(x.max(area.left())..=area.right(), area.y_range());
        painter.rect_filled(faded, 0.0, fill.gamma_multiply(FADE));
    }
}

/// The cursor: a bright vertical line across `area`.
pub fn cursor_line(painter: &Painter, area: Rect, map: XMap, cursor_ns: u64) {
    let pal = painter.palette();
    let x = map.x(cursor_ns);
    if (area.left() - 1.0..=area.right() + 1.0).contains(&x) {
        painter.line_segment(
            [pos2(x, area.top()), pos2(x, area.bottom())],
            Stroke::new(2.0, pal.cursor()),
        );
    }
}

/// The cursor's time in a box at the top of the time axis, over the tick
/// labels, kept inside `plot_x`.
pub fn cursor_tag(
    painter: &Painter,
    plot: Rect,
    top: f32,
    map: XMap,
    cursor_ns: u64,
    fill: Color32,
) {
    let pal = painter.palette();
    let x = map.x(cursor_ns);
    if !(plot.left() - 1.0..=plot.right() + 1.0).contains(&x) {
        return;
    }
    let galley = tag_galley(painter, cursor_ns);
    let size = galley.size() + vec2(8.0, 2.0);
    let left = (x - size.x * 0.5).clamp(plot.left(), (plot.right() - size.x).max(plot.left()));
    let rect = Rect::from_min_size(pos2(left, top), size);
    painter.rect_filled(rect, 3.0, fill);
    painter.rect_stroke(
        rect,
        3.0,
        Stroke::new(1.0, pal.cursor()),
        egui::StrokeKind::Inside,
    );
    painter.galley(rect.min + vec2(4.0, 1.0), galley, pal.cursor());
}

/// The x range the cursor's time tag takes (before clamping to the plot),
/// so the axis can leave it free.
pub fn cursor_tag_span(painter: &Painter, map: XMap, cursor_ns: u64) -> egui::Rangef {
    let x = map.x(cursor_ns);
    let w = tag_galley(painter, cursor_ns).size().x + 8.0;
    egui::Rangef::new(x - w * 0.5, x + w * 0.5)
}

fn tag_galley(painter: &Painter, cursor_ns: u64) -> std::sync::Arc<egui::Galley> {
    let pal = painter.palette();
    painter.layout_no_wrap(
        cursor_time_text(cursor_ns as f64),
        FontId::monospace(11.5),
        pal.cursor(),
    )
}

/// A dashed line where the previous run ended, across `area`; with `label`,
/// a note saying so at `label_y`.
pub fn ghost_end(painter: &Painter, area: Rect, map: XMap, end_ns: u64, label_y: Option<f32>) {
    let pal = painter.palette();
    let x = map.x(end_ns);
    if !(area.left()..=area.right()).contains(&x) {
        return;
    }
    let color = faded(pal.text(), 0.7);
    painter.extend(Shape::dashed_line(
        &[pos2(x, area.top()), pos2(x, area.bottom())],
        Stroke::new(1.5, color),
        6.0,
        4.0,
    ));
    let Some(y) = label_y else { return };
    let text = format!("previous run: {}", duration_text(end_ns as f64));
    let galley = painter.layout_no_wrap(text, FontId::proportional(11.5), color);
    // Right of the line when it fits, else left of it.
    let w = galley.size().x;
    let (pos, align) = if x + 6.0 + w <= area.right() {
        (pos2(x + 5.0, y), Align2::LEFT_CENTER)
    } else {
        (pos2(x - 5.0, y), Align2::RIGHT_CENTER)
    };
    let rect = align.anchor_size(pos, galley.size());
    painter.rect_filled(rect.expand(2.0), 2.0, faded(pal.lane_bg(), 0.9));
    painter.galley(rect.min, galley, color);
}
