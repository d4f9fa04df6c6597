//! The cores view, under the timeline and on the same time axis: one lane
//! per CPU core showing which worker ran there (as the workers saw it), and
//! a plot of each core's load as the OS measured it, other programs included.

use super::cursor::{Overlay, cursor_over, ghost_end};
use super::lanes::{Holder, XMap, hold_lane};
use super::navigate::navigate;
use super::paint::LanePainter;
use super::view::TimeView;
use super::widget::{LABEL_W, RIGHT_PAD};
use crate::analysis::timeline::{HoldSpan, Lane, Timeline};
use crate::gui::format::{percent_text, worker_short};
use crate::gui::present::{ContextExt as _, Palette};
use crate::gui::run_state::RunData;
use crate::model::CoreSample;
use egui::{Align2, FontId, Rect, RichText, Sense, Stroke, Ui, UiBuilder, pos2, vec2};
use egui_plot::{
    GridMark, HoverPosition, Line, Plot, PlotBounds, PlotPoint, PlotPoints, Points, Text, VLine,
};
use std::sync::OnceLock;

/// Height of the load plot: at least, and at most.
const PLOT_H: [f32; 2] = [64.0, 220.0];
const TITLE_H: f32 = 18.0;
/// Height of a core's lane: at least, and at most.
const LANE_H: [f32; 2] = [3.0, 26.0];

/// Height of the core lanes for `cores` cores.
fn lanes_height(cores: usize) -> f32 {
    (cores as f32 * LANE_H[1]).clamp(44.0, 170.0)
}

/// The least height the cores view needs for `cores` cores.
pub fn cores_min_height(cores: usize) -> f32 {
    TITLE_H + lanes_height(cores) + 6.0 + PLOT_H[0]
}

/// Number of cores to show: those of the machine the run went on, what the
/// OS reported during the run, or at least every core a worker was seen on;
/// this machine's count when none of these is known.
pub fn core_count(data: &RunData) -> usize {
    let sampled = data.cores.last().map_or(0, |s| s.usage.len());
    let seen = data
        .timeline
        .cores_seen()
        .last()
        .map_or(0, |&c| c as usize + 1);
    match data.machine_cores.max(sampled).max(seen) {
        0 => crate::sampling::core_count(),
        n => n,
    }
}

/// Draws the core lanes and the load plot in a block `height` tall.
pub fn cores_ui(ui: &mut Ui, data: &RunData, view: &mut TimeView, height: f32) {
    cores_at_ui(ui, data, view, height, &Overlay::plain(data.horizon_ns()));
}

/// [`cores_ui`] with the replay cursor of `overlay`: what ran after it is
/// faded, each core's lane says who ran there at the cursor, and the load
/// plot marks each core's load there.
pub fn cores_at_ui(
    ui: &mut Ui,
    data: &RunData,
    view: &mut TimeView,
    height: f32,
    overlay: &Overlay<'_>,
) {
    let pal = ui.palette();
    let (rect, response) =
        ui.allocate_exact_size(vec2(ui.available_width(), height), Sense::click_and_drag());
    let plot_x = (rect.left() + LABEL_W)..=(rect.right() - RIGHT_PAD);
    let horizon = overlay.horizon_ns;
    let n = core_count(data);
    let lanes_bottom = rect.top() + TITLE_H + lanes_height(n);
    let lanes_rect = Rect::from_x_y_ranges(plot_x.clone(), (rect.top() + TITLE_H)..=lanes_bottom);
    let plot_h = (rect.bottom() - lanes_bottom - 6.0).clamp(PLOT_H[0], PLOT_H[1]);
    navigate(view, ui, &response, lanes_rect, horizon);
    let map = XMap {
        left: *plot_x.start(),
        right: *plot_x.end(),
        window: view.window(horizon, lanes_rect.width()),
    };
    let painter = ui.painter_at(rect);
    painter.line_segment(
        [
            pos2(rect.left(), rect.top() + 0.5),
            pos2(rect.right(), rect.top() + 0.5),
        ],
        Stroke::new(1.0, pal.grid()),
    );
    painter.text(
        pos2(rect.left() + 2.0, rect.top() + TITLE_H * 0.5 + 1.0),
        Align2::LEFT_CENTER,
        "CPU cores · which worker ran where",
        FontId::proportional(12.5),
        pal.text(),
    );
    let lane_h = (lanes_rect.height() / n as f32).clamp(LANE_H[0], LANE_H[1]);
    let mut lp = LanePainter::new(ui.ctx(), lanes_rect.width());
    for core in 0..n {
        let top = lanes_rect.top() + core as f32 * lane_h;
        if top + lane_h > lanes_rect.bottom() + 0.5 {
            break;
        }
        let gap = if lane_h >= 10.0 { 2.0 } else { 0.5 };
        let bar = Rect::from_x_y_ranges(plot_x.clone(), top..=(top + lane_h - gap));
        painter.rect_filled(bar, 0.0, pal.lane_bg());
        if lane_h >= 9.0 {
            let font = FontId::proportional((lane_h * 0.75).clamp(9.0, 12.0));
            painter.text(
                pos2(rect.left() + 6.0, bar.center().y),
                Align2::LEFT_CENTER,
                format!("core {core}"),
                font.clone(),
                pal.weak_text(),
            );
            if let Some(t) = overlay.cursor_ns {
                occupant_tag(
                    &painter,
                    &data.timeline,
                    core as u32,
                    t,
                    pos2(*plot_x.start() - 8.0, bar.center().y),
                    font,
                );
            }
        }
        hold_lane(
            &mut lp,
            &painter,
            bar,
            map,
            core_holders(pal, &data.timeline, core as u32).into_iter(),
            false,
        );
    }
    lp.finish(&painter);
    let plot_rect =
        Rect::from_x_y_ranges(plot_x, (lanes_bottom + 6.0)..=(lanes_bottom + 6.0 + plot_h));
    if let Some(g) = overlay.ghost {
        ghost_end(&painter, lanes_rect, map, g.end_ns(), None);
    }
    if let Some(t) = overlay.cursor_ns {
        cursor_over(&painter, lanes_rect, map, t, ui.visuals().panel_fill);
    }
    painter.rect_filled(plot_rect, 0.0, pal.lane_bg());
    painter.text(
        pos2(rect.left() + 6.0, plot_rect.center().y - 7.0),
        Align2::LEFT_CENTER,
        "load per core",
        FontId::proportional(12.0),
        pal.weak_text(),
    );
    painter.text(
        pos2(rect.left() + 6.0, plot_rect.center().y + 8.0),
        Align2::LEFT_CENTER,
        "(OS, all programs)",
        FontId::proportional(10.5),
        pal.weak_text(),
    );
    for value in [0.0, 100.0] {
        let y = plot_rect.bottom() - (value + 4.0) / 108.0 * plot_rect.height();
        painter.text(
            pos2(plot_rect.left() - 4.0, y),
            Align2::RIGHT_CENTER,
            percent_text(f64::from(value)),
            FontId::proportional(10.5),
            pal.weak_text(),
        );
    }
    load_plot_ui(ui, plot_rect, data, map, overlay.cursor_ns);
}

/// Who ran on `core` at `t_ns`, in their colour, right-aligned at `pos`.
fn occupant_tag(
    painter: &egui::Painter,
    timeline: &Timeline,
    core: u32,
    t_ns: u64,
    pos: egui::Pos2,
    font: FontId,
) {
    let pal = painter.palette();
    let occupant = timeline
        .tracks()
        .enumerate()
        .find(|(_, t)| t.core_at(t_ns) == Some(core));
    let (text, color) = match occupant {
        Some((i, t)) => (worker_short(t.id), pal.worker_color(i)),
        None => ("idle".to_owned(), pal.weak_text()),
    };
    painter.text(pos, Align2::RIGHT_CENTER, text, font, color);
}

/// Each core's load at `t_ns`, read off the samples by linear interpolation.
fn load_at(samples: &[CoreSample], core: usize, t_ns: u64) -> Option<f64> {
    let i = samples.partition_point(|s| s.t_ns <= t_ns);
    let after = samples
        .get(i)
        .and_then(|s| s.usage.get(core).map(|u| (s.t_ns, f64::from(*u))));
    let before = i.checked_sub(1).and_then(|j| {
        samples[j]
            .usage
            .get(core)
            .map(|u| (samples[j].t_ns, f64::from(*u)))
    });
    match (before, after) {
        (Some((t0, v0)), Some((t1, v1))) if t1 > t0 => {
            let f = (t_ns - t0) as f64 / (t1 - t0) as f64;
            Some(v0 + f * (v1 - v0))
        }
        (Some((_, v)), _) | (None, Some((_, v))) => Some(v),
        (None, None) => None,
    }
}

/// Every worker that ran on `core`, in its identity colour.
fn core_holders(pal: Palette, timeline: &Timeline, core: u32) -> Vec<Holder<'_>> {
    let horizon = timeline.horizon_ns();
    timeline
        .tracks()
        .enumerate()
        .filter_map(|(i, t)| {
            let open = t
                .open_core(horizon)
                .filter(|(c, _)| *c == core)
                .map(|(_, s)| s);
            let lane = t.cores.get(&core);
            let lane = match (lane, open) {
                (Some(l), _) => l,
                (None, Some(_)) => empty_lane(),
                (None, None) => return None,
            };
            Some(Holder {
                lane,
                open,
                color: pal.worker_color(i),
            })
        })
        .collect()
}

/// A lane with no span, for a worker whose only time on a core is still open.
fn empty_lane() -> &'static Lane<HoldSpan> {
    static EMPTY: OnceLock<Lane<HoldSpan>> = OnceLock::new();
    EMPTY.get_or_init(Lane::default)
}

/// Each core's load over time, on the timeline's time axis.
fn load_plot_ui(ui: &mut Ui, rect: Rect, data: &RunData, map: XMap, cursor_ns: Option<u64>) {
    let pal = ui.palette();
    let cores = data.cores.last().map_or(0, |s| s.usage.len());
    let [x0, x1] = [map.window.start_ns / 1e6, map.window.end_ns / 1e6];
    ui.scope_builder(UiBuilder::new().max_rect(rect), |ui| {
        Plot::new("core-load")
            .width(rect.width())
            .height(rect.height())
            .show_axes([false, false])
            .show_background(false)
            .show_grid([false, true])
            .y_grid_spacer(|_| {
                [0.0, 50.0, 100.0]
                    .into_iter()
                    .map(|value| GridMark {
                        value,
                        step_size: 50.0,
                    })
                    .collect()
            })
            .allow_zoom(false)
            .allow_drag(false)
            .allow_scroll(false)
            .allow_boxed_zoom(false)
            .allow_double_click_reset(false)
            .show_x(false)
            .y_axis_formatter(|mark, _| percent_text(mark.value))
            .label_formatter(|hover| match hover {
                HoverPosition::NearDataPoint {
                    plot_name,
                    position,
                    ..
                } => Some(format!(
                    "{plot_name}: {} at {:.0} ms",
                    percent_text(position.y),
                    position.x
                )),
                HoverPosition::Elsewhere { .. } => None,
            })
            .show(ui, |plot| {
                plot.set_plot_bounds(PlotBounds::from_min_max([x0, -4.0], [x1, 104.0]));
                for core in 0..cores {
                    let points: Vec<[f64; 2]> = data
                        .cores
                        .iter()
                        .filter_map(|s| {
                            s.usage
                                .get(core)
                                .map(|u| [s.t_ns as f64 / 1e6, f64::from(*u)])
                        })
                        .collect();
                    plot.line(
                        Line::new(format!("core {core}"), PlotPoints::new(points))
                            .color(pal.core_line(core))
                            .width(1.5),
                    );
                }
                if let Some(t) = cursor_ns {
                    let x = t as f64 / 1e6;
                    plot.vline(VLine::new("cursor", x).color(pal.cursor()).width(1.5));
                    for core in 0..cores {
                        let Some(load) = load_at(&data.cores, core, t) else {
                            continue;
                        };
                        let color = pal.core_line(core);
                        plot.points(
                            Points::new(format!("core {core} at the cursor"), vec![[x, load]])
                                .color(color)
                                .radius(4.0),
                        );
                        plot.text(
                            Text::new(
                                format!("core {core} load"),
                                PlotPoint::new(x, load),
                                RichText::new(format!("  {}", percent_text(load)))
                                    .color(color)
                                    .size(11.0),
                            )
                            // Below the dot near the top, so it stays on the plot.
                            .anchor(if load > 60.0 {
                                Align2::LEFT_TOP
                            } else {
                                Align2::LEFT_BOTTOM
                            }),
                        );
                    }
                }
            });
    });
    if data.cores.is_empty() {
        ui.painter().text(
            rect.center(),
            Align2::CENTER_CENTER,
            "the OS is sampled every 250 ms while a run goes on",
            FontId::proportional(11.0),
            pal.weak_text(),
        );
    }
}
