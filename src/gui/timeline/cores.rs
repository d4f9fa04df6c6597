//! The cores view, under the timeline and on the same time axis: one lane
//! per CPU core showing which worker ran there, from the workers' own
//! on-core spans (so no core ever shows two workers at once), with the
//! core's time that no worker used split, per load sample, between
//! threadlab's other threads (the window, its renderer, the run's helpers),
//! other programs and idling; below it, the cores kept busy over time
//! (`load.rs`), when enough load samples are in view to draw it.

use super::cursor::{Overlay, cursor_over, ghost_end};
use super::lanes::{Holder, XMap, hold_lane};
use super::load::{LOAD_MIN_H, LOAD_NOTE_H, load_note_ui, load_shown, load_ui};
use super::navigate::navigate;
use super::paint::LanePainter;
use super::view::TimeView;
use super::widget::{LABEL_W, RIGHT_PAD};
use crate::analysis::timeline::{HoldSpan, Lane, Timeline, split_sample};
use crate::gui::format::worker_short;
use crate::gui::present::{ContextExt as _, Fill, Palette, faded};
use crate::gui::run_state::RunData;
use egui::{Align2, FontId, Rect, Sense, Stroke, Ui, pos2, vec2};
use std::sync::OnceLock;

const TITLE_H: f32 = 18.0;
/// Height of a core's lane: at least, and at most.
const LANE_H: [f32; 2] = [3.0, 26.0];

/// Height of the core lanes for `cores` cores.
fn lanes_height(cores: usize) -> f32 {
    (cores as f32 * LANE_H[1]).clamp(44.0, 170.0)
}

/// The least height the cores view needs for `cores` cores, with the load
/// chart (`load`) or the line said in its place.
pub fn cores_min_height(cores: usize, load: bool) -> f32 {
    TITLE_H + lanes_height(cores) + 6.0 + if load { LOAD_MIN_H } else { LOAD_NOTE_H }
}

/// Whether the load chart is drawn for `data` with `view` on screen.
pub fn load_in_view(data: &RunData, view: &TimeView, horizon_ns: u64) -> bool {
    let [start, end] = view.range_ns(horizon_ns);
    load_shown(data, start, end)
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

/// The cores in the order their lanes are drawn: the logical cores of one
/// physical core side by side, so hardware threads that share a core's
/// execution units read as a pair.
fn lane_order(data: &RunData, n: usize) -> Vec<u32> {
    let mut order: Vec<u32> = data
        .topology
        .as_ref()
        .map(|t| t.groups().iter().flatten().copied().collect())
        .unwrap_or_default();
    order.retain(|&c| (c as usize) < n);
    for c in 0..n as u32 {
        if !order.contains(&c) {
            order.push(c);
        }
    }
    order
}

/// Draws the core lanes and the load plot in a block `height` tall.
pub fn cores_ui(ui: &mut Ui, data: &RunData, view: &mut TimeView, height: f32) {
    cores_at_ui(ui, data, view, height, &Overlay::plain(data.horizon_ns()));
}

/// [`cores_ui`] with the replay cursor of `overlay`: what ran after it is
/// faded, each core's lane says who ran there at the cursor, and the load
/// plot marks the cores kept busy there.
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
    legend(
        &painter,
        pal,
        rect.right() - RIGHT_PAD,
        rect.top() + TITLE_H * 0.5 + 1.0,
    );
    let lane_h = (lanes_rect.height() / n as f32).clamp(LANE_H[0], LANE_H[1]);
    // The backgrounds go under every bar, so they are painted first, from
    // a painter of their own (each painter lays its stripes over its bars).
    let mut bg = LanePainter::new(ui.ctx(), lanes_rect.width());
    let mut lp = LanePainter::new(ui.ctx(), lanes_rect.width());
    for (row, core) in lane_order(data, n).into_iter().enumerate() {
        let top = lanes_rect.top() + row as f32 * lane_h;
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
                    core,
                    t,
                    pos2(*plot_x.start() - 8.0, bar.center().y),
                    font,
                );
            }
        }
        others_background(&mut bg, data, bar, map, core as usize);
        hold_lane(
            &mut lp,
            &painter,
            bar,
            map,
            core_holders(pal, &data.timeline, core).into_iter(),
            false,
        );
    }
    bg.finish(&painter);
    lp.finish(&painter);
    if let Some(g) = overlay.ghost {
        ghost_end(&painter, lanes_rect, map, g.end_ns(), None);
    }
    if let Some(t) = overlay.cursor_ns {
        cursor_over(&painter, lanes_rect, map, t, ui.visuals().panel_fill);
    }
    let load_rect = Rect::from_x_y_ranges(rect.x_range(), (lanes_bottom + 6.0)..=rect.bottom());
    if load_shown(data, map.window.start_ns, map.window.end_ns) {
        load_ui(ui, load_rect, data, map, overlay);
    } else {
        load_note_ui(ui, load_rect, data, map);
    }
}

/// The key to the lanes' backgrounds, right-aligned at `right`.
fn legend(painter: &egui::Painter, pal: Palette, right: f32, y: f32) {
    let font = FontId::proportional(11.0);
    let mut x = right;
    for (text, color, fill) in [
        ("other programs", pal.others_load(), Fill::Hatched),
        (
            "this window and threadlab's helpers",
            pal.threadlab_load(),
            Fill::Solid,
        ),
    ] {
        let galley = painter.layout_no_wrap(text.to_owned(), font.clone(), pal.weak_text());
        x -= galley.size().x;
        painter.galley(pos2(x, y - galley.size().y * 0.5), galley, pal.weak_text());
        x -= 16.0;
        let swatch = Rect::from_min_size(pos2(x, y - 5.0), vec2(12.0, 10.0));
        let mut lp = LanePainter::new(painter.ctx(), 1.0);
        lp.fill(swatch, fill, color);
        lp.finish(painter);
        x -= 12.0;
    }
}

/// Behind the workers' bars of `core`: per load sample, how much of the
/// core's time threadlab's other threads and other programs took, as
/// partial-height fills from the bottom of the lane (what is left is idle).
/// Only the time no worker ran shows through, since the bars cover the rest.
fn others_background(lp: &mut LanePainter, data: &RunData, bar: Rect, map: XMap, core: usize) {
    let pal = lp.palette();
    for sample in &data.cores {
        let from = sample.t_ns.saturating_sub(sample.interval_ns);
        let Some((x0, x1)) = map.span_x(from, sample.t_ns) else {
            continue;
        };
        let share = split_sample(&data.timeline, sample, core);
        let free = (1.0 - share.workers).max(1e-3);
        let others_h = (share.others / free).min(1.0) * bar.height();
        let ours_h = (share.threadlab / free).min(1.0) * bar.height();
        let mut y = bar.bottom();
        if others_h >= 0.5 {
            let r = Rect::from_x_y_ranges(x0..=x1, (y - others_h)..=y);
            lp.fill(r, Fill::Hatched, pal.others_load());
            y -= others_h;
        }
        if ours_h >= 0.5 {
            let r = Rect::from_x_y_ranges(x0..=x1, (y - ours_h).max(bar.top())..=y);
            lp.solid(r, faded(pal.threadlab_load(), 0.55));
        }
    }
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
        None => ("no worker".to_owned(), pal.weak_text()),
    };
    painter.text(pos, Align2::RIGHT_CENTER, text, font, color);
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
