//! Zoom with the wheel (or a pinch), pan by dragging, double-click to fit:
//! what the pointer does to the [`TimeView`] over a lane widget.

use super::view::TimeView;
use egui::{Rect, Response, Ui};

/// Applies wheel, drag and double-click on `response` over the lanes in
/// `plot` (the part of the widget that maps time to x) to `view`.
pub fn navigate(view: &mut TimeView, ui: &Ui, response: &Response, plot: Rect, horizon_ns: u64) {
    let window = view.window(horizon_ns, plot.width());
    if response.double_clicked() {
        view.fit();
        return;
    }
    if response.dragged() {
        let dx = f64::from(response.drag_delta().x);
        if dx != 0.0 {
            view.pan(-dx * window.ns_per_px, horizon_ns);
        }
    }
    if !response.hovered() {
        return;
    }
    let (scroll, pinch) = ui.input(|i| (i.smooth_scroll_delta, i.zoom_delta()));
    let Some(pointer) = response.hover_pos() else {
        return;
    };
    let anchor = window.t_of(f64::from(pointer.x - plot.left()));
    let factor = (f64::from(scroll.y) * 0.004).exp() * f64::from(pinch);
    if (factor - 1.0).abs() > 1e-6 {
        view.zoom(factor, anchor, horizon_ns);
    }
    if scroll.x != 0.0 {
        view.pan(-f64::from(scroll.x) * window.ns_per_px, horizon_ns);
    }
}
