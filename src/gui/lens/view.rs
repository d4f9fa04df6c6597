//! The lens view: the model's run and the real one stacked on one time
//! axis in the compare view's style, the model on top, each a block of
//! compact lanes (a GIL lane for threads sharing one, one lane per worker)
//! drawn with the timeline's own painters; under them the numbers side by
//! side (`numbers.rs`). Both blocks start at their program's start, so a
//! lane of one sits above the same moment of the other.

use super::numbers::numbers_ui;
use super::state::{LensLive, LensMode};
use crate::analysis::timeline::{State, Timeline};
use crate::gui::command::Command;
use crate::gui::format::duration_text;
use crate::gui::present::{ContextExt as _, Palette};
use crate::gui::run_state::RunData;
use crate::gui::timeline::{
    AXIS_H, BlockRows, LABEL_W, LanePainter, RIGHT_PAD, Row, TimeView, XMap, axis, block_lanes,
    label_tooltip, navigate, row_tooltip,
};
use crate::model::Scenario;
use egui::{Align2, Color32, FontId, Painter, Rect, RichText, Sense, Stroke, Ui, pos2, vec2};

/// Height of a block's title row.
const HEADER_H: f32 = 26.0;
/// Tallest lane of a block.
const MAX_LANE_H: f32 = 40.0;

/// What the view draws a block from.
struct BlockOf<'a> {
    title: String,
    words: (String, Color32),
    data: Option<&'a RunData>,
    scenario: &'a Scenario,
}

/// Draws the model's run over the real one, then their numbers.
pub fn lens_ui(
    ui: &mut Ui,
    model: Option<&RunData>,
    model_speedup: Option<f64>,
    lens: &mut LensMode,
    scenario: &Scenario,
    commands: &mut Vec<Command>,
) {
    let view = lens_view_ui(ui, model, model_speedup, lens, scenario, commands);
    lens.view = view;
}

fn lens_view_ui(
    ui: &mut Ui,
    model: Option<&RunData>,
    model_speedup: Option<f64>,
    lens: &mut LensMode,
    scenario: &Scenario,
    commands: &mut Vec<Command>,
) -> TimeView {
    let pal = ui.palette();
    // The width the view has, taken before anything is laid out: a row
    // wider than the panel would widen the Ui and push the lanes under
    // whatever stands to the right (the code panel).
    let width = ui.available_width();
    ui.horizontal(|ui| {
        ui.set_max_width(width);
        ui.label(
            RichText::new("Model and CPython")
                .size(16.0)
                .strong()
                .color(pal.strong_text()),
        );
        if !lens.view.is_fit() && ui.button("Fit").clicked() {
            commands.push(Command::Fit);
        }
        ui.add(
            egui::Label::new(
                RichText::new("the same program, one time axis: threadlab's model on top, the real interpreter under it")
                    .size(13.0)
                    .color(pal.weak_text()),
            )
            .truncate(),
        );
    });
    legend_ui(ui);
    // The view moves while the blocks borrow the runs: it is put back below.
    let mut view = std::mem::take(&mut lens.view);
    let lens = &*lens;
    let blocks = [
        BlockOf {
            title: "threadlab's model".to_owned(),
            words: model_words(pal, model),
            data: model,
            scenario: model.map_or(scenario, |d| &d.scenario),
        },
        real_block(pal, lens, scenario),
    ];
    let rows = numbers_rows(model, model_speedup, lens);
    let numbers_h = 30.0 + rows as f32 * 24.0;
    let avail = ui.available_size();
    let counts: Vec<usize> = blocks.iter().map(lane_count).collect();
    let wanted = AXIS_H
        + blocks.len() as f32 * HEADER_H
        + counts.iter().sum::<usize>() as f32 * MAX_LANE_H
        + 4.0;
    let lanes_h = (avail.y - numbers_h - 8.0).min(wanted).max(120.0);
    let (rect, response) = ui.allocate_exact_size(vec2(width, lanes_h), Sense::click_and_drag());
    let plot = Rect::from_min_max(
        pos2(rect.left() + LABEL_W, rect.top() + AXIS_H),
        pos2(rect.right() - RIGHT_PAD, rect.bottom() - 2.0),
    );
    let horizon = blocks
        .iter()
        .filter_map(|b| b.data)
        .map(RunData::end_ns)
        .max()
        .unwrap_or(0);
    navigate(&mut view, ui, &response, plot, horizon);
    let map = XMap {
        left: plot.left(),
        right: plot.right(),
        window: view.window(horizon, plot.width()),
    };
    let painter = ui.painter_at(rect);
    axis(&painter, plot, rect.top(), map);
    let room = plot.height() - blocks.len() as f32 * HEADER_H;
    let lane_h = (room / counts.iter().sum::<usize>().max(1) as f32).clamp(4.0, MAX_LANE_H);
    let mut lp = LanePainter::new(ui.ctx(), plot.width());
    let mut hover = Vec::new();
    let mut top = plot.top();
    for (block, &lanes) in blocks.iter().zip(&counts) {
        block_ui(&mut lp, &painter, block, top, lane_h, map, rect, &mut hover);
        top += HEADER_H + lanes as f32 * lane_h;
    }
    lp.finish(&painter);
    if !response.dragged()
        && let Some(pos) = response.hover_pos()
        && let Some((timeline, row, _)) = hover.iter().find(|(_, _, r)| r.contains(pos))
    {
        let t = map.window.t_of(f64::from(pos.x - plot.left()));
        let text = if pos.x < plot.left() {
            label_tooltip(timeline, *row)
        } else {
            row_tooltip(timeline, *row, t, map.window)
        };
        if let Some(text) = text {
            response.on_hover_text_at_pointer(text);
        }
    }
    ui.add_space(6.0);
    numbers_ui(ui, model, model_speedup, lens);
    view
}

fn numbers_rows(model: Option<&RunData>, speedup: Option<f64>, lens: &LensMode) -> usize {
    super::numbers::rows(model, speedup, lens).map_or(1, |r| r.len())
}

fn model_words(pal: Palette, data: Option<&RunData>) -> (String, Color32) {
    match data {
        None => ("press Run".to_owned(), pal.weak_text()),
        Some(d) => live_words(pal, d),
    }
}

fn live_words(pal: Palette, d: &RunData) -> (String, Color32) {
    match (d.summary(), d.error()) {
        (Some(s), _) if s.stopped => ("stopped".to_owned(), pal.warning()),
        (Some(s), _) => (
            format!("finished in {}", duration_text(s.wall_ms * 1e6)),
            pal.strong_text(),
        ),
        (None, Some(e)) => (e.to_owned(), pal.error()),
        (None, None) => (
            format!("running, {}", duration_text(d.horizon_ns() as f64)),
            pal.state_color(State::Running),
        ),
    }
}

fn real_block<'a>(pal: Palette, lens: &'a LensMode, scenario: &'a Scenario) -> BlockOf<'a> {
    let real: Option<&LensLive> = lens.real.as_ref();
    let name = real
        .and_then(LensLive::interpreter)
        .unwrap_or_else(|| "CPython".to_owned());
    let inferred = real
        .and_then(|r| r.report.as_ref())
        .map(|r| format!(" · {}", r.inferred_label()))
        .unwrap_or_default();
    let words = match real {
        None if lens.is_pending() => (
            "waits for the model's run to end (they never share the cores)".to_owned(),
            pal.weak_text(),
        ),
        None => ("press Run".to_owned(), pal.weak_text()),
        Some(r) if r.data.timeline.events() == 0 && r.is_running() => {
            ("starting the interpreter".to_owned(), pal.weak_text())
        }
        Some(r) => live_words(pal, &r.data),
    };
    BlockOf {
        title: format!("{name}{inferred}"),
        words,
        data: real.map(|r| &r.data),
        scenario: real.map_or(scenario, |r| &r.data.scenario),
    }
}

/// The states the lanes show.
fn legend_ui(ui: &mut Ui) {
    let pal = ui.palette();
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 5.0;
        for state in [
            State::Running,
            State::CoreWait,
            State::GilWait,
            State::LockWait,
            State::IoWait,
            State::Idle,
        ] {
            let (rect, _) = ui.allocate_exact_size(vec2(18.0, 12.0), Sense::hover());
            let mut lp = LanePainter::new(ui.ctx(), 1.0);
            lp.state_bar(rect, rect.left(), rect.right(), state);
            lp.finish(ui.painter());
            ui.label(RichText::new(state.label()).size(12.5));
            ui.add_space(8.0);
        }
        ui.label(
            RichText::new("CPython's states are inferred from its probe's records")
                .size(12.5)
                .color(pal.weak_text()),
        );
    });
}

/// Whether a block gets a GIL lane: threads sharing one.
fn has_gil_lane(s: &Scenario) -> bool {
    s.gil && s.processes == 1 && s.threads > 1
}

fn lane_count(b: &BlockOf<'_>) -> usize {
    let seen = b.data.map_or(0, |d| d.timeline.worker_count());
    seen.max(b.scenario.total_workers() as usize).max(1) + usize::from(has_gil_lane(b.scenario))
}

#[allow(clippy::too_many_arguments)]
fn block_ui<'a>(
    lp: &mut LanePainter,
    painter: &Painter,
    b: &BlockOf<'a>,
    top: f32,
    lane_h: f32,
    map: XMap,
    rect: Rect,
    hover: &mut Vec<(&'a Timeline, Row<'a>, Rect)>,
) {
    let pal = painter.palette();
    painter.line_segment(
        [pos2(rect.left(), top + 0.5), pos2(map.right, top + 0.5)],
        Stroke::new(1.0, pal.grid()),
    );
    let y = top + HEADER_H * 0.5 + 1.0;
    let title = painter.layout_no_wrap(
        b.title.clone(),
        FontId::proportional(15.5),
        pal.lane_title(),
    );
    let title_w = title.size().x;
    painter.galley(
        pos2(rect.left() + 2.0, y - title.size().y * 0.5),
        title,
        pal.lane_title(),
    );
    painter.text(
        pos2(rect.left() + 14.0 + title_w, y),
        Align2::LEFT_CENTER,
        format!("· {}", b.words.0),
        FontId::proportional(15.5),
        b.words.1,
    );
    let rows = BlockRows {
        timeline: b.data.map(|d| &d.timeline),
        gil_lane: has_gil_lane(b.scenario),
        lanes: lane_count(b) - usize::from(has_gil_lane(b.scenario)),
        top: top + HEADER_H,
        lane_h,
        horizon: b.data.map_or(0, RunData::horizon_ns),
    };
    block_lanes(lp, painter, &rows, map, rect, hover);
}
