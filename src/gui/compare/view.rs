//! The compare view: a header with the comparison's progress and the way
//! back to the single run, a legend, then every configuration as a block of
//! compact lanes (one per worker, and the GIL for threads sharing one), all
//! on one time axis, serial on top, with its speedup bar beside it. The
//! lanes are drawn by the timeline's own painters (`LanePainter`,
//! `state_lane`, `hold_lane`); the buttons push commands.

use super::bars::{Bar, BarScale, NUMBER_ROOM, bar_ui, scale_axis};
use super::mode::CompareMode;
use super::run::{Comparison, Ghost, Progress};
use crate::analysis::timeline::{State, Timeline};
use crate::gui::command::Command;
use crate::gui::format::{compare_work_text, duration_text, speedup_text};
use crate::gui::present::{ContextExt as _, Palette, faded};
use crate::gui::run_state::RunData;
use crate::gui::timeline::{
    AXIS_H, BlockRows, LABEL_W, LanePainter, RIGHT_PAD, Row, XMap, axis, block_lanes,
    label_tooltip, navigate, row_tooltip,
};
use crate::model::{Scenario, Workload};
use egui::{
    Align2, Color32, FontId, Painter, Rect, RichText, Sense, Stroke, Ui, WidgetInfo, pos2, vec2,
};

/// Height of a configuration's title row.
const HEADER_H: f32 = 24.0;
/// Tallest lane of a block.
const MAX_LANE_H: f32 = 48.0;
/// Space between the lanes and the bar column.
const GAP: f32 = 16.0;

/// Draws the compare view into the central panel. Its buttons push
/// commands; only its time axis is moved here (zoom, pan), as the timeline's is.
pub fn compare_ui(
    ui: &mut Ui,
    mode: &mut CompareMode,
    scenario: &Scenario,
    commands: &mut Vec<Command>,
) {
    let pal = ui.palette();
    let has_ghost = mode.has_ghost();
    ui.horizontal(|ui| {
        ui.label(
            RichText::new("Compare")
                .size(16.0)
                .strong()
                .color(pal.strong_text()),
        );
        if let Some(c) = mode.comparison() {
            ui.label(
                RichText::new(format!(
                    "{} · {}",
                    c.base.name,
                    compare_work_text(&c.base, c.workers())
                ))
                .size(14.0),
            );
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .button("Back to single run")
                .on_hover_text("Leave the comparison and show one run again, with its cores view.")
                .clicked()
            {
                commands.push(Command::LeaveCompare);
            }
            if !mode.view.is_fit()
                && ui
                    .button("Fit")
                    .on_hover_text("Show every run whole again (or double-click the lanes).")
                    .clicked()
            {
                commands.push(Command::Fit);
            }
            let mut show_ghost = mode.show_ghost;
            if has_ghost
                && ui
                    .checkbox(&mut show_ghost, "Show the one before")
                    .on_hover_text(
                        "Draw the speedups of the previous comparison as faint bars \
                         under the new ones.",
                    )
                    .changed()
            {
                commands.push(Command::CompareGhost);
            }
        });
    });
    let (comparison, ghost, view) = mode.parts_mut();
    let Some(c) = comparison else {
        ui.label(RichText::new("Press Compare to run the comparison.").color(pal.weak_text()));
        return;
    };
    super::status::status_ui(ui, c, scenario);
    legend_ui(ui, c);
    let avail = ui.available_size();
    let (rect, response) = ui.allocate_exact_size(avail, Sense::click_and_drag());
    let bar_w = (rect.width() * 0.24).clamp(190.0, 360.0);
    let plot = Rect::from_min_max(
        pos2(rect.left() + LABEL_W, rect.top() + AXIS_H),
        pos2(rect.right() - bar_w - GAP, rect.bottom() - 2.0),
    );
    let horizon = c.horizon_ns();
    navigate(view, ui, &response, plot, horizon);
    let map = XMap {
        left: plot.left(),
        right: plot.right(),
        window: view.window(horizon, plot.width()),
    };
    let painter = ui.painter_at(rect);
    axis(&painter, plot, rect.top(), map);
    let largest = (0..c.configs.len())
        .flat_map(|i| [c.row(i).map_or(0.0, |r| r.speedup), c.ideal(i)])
        .chain(
            ghost
                .iter()
                .flat_map(|g| g.speedups.iter().map(|(_, s)| *s)),
        )
        .fold(1.0, f64::max);
    let scale = BarScale::new(
        plot.right() + GAP,
        rect.right() - RIGHT_PAD - NUMBER_ROOM,
        largest,
    );
    scale_axis(&painter, rect.top(), plot.bottom(), scale);
    let blocks = blocks(c, plot);
    let mut lp = LanePainter::new(ui.ctx(), plot.width());
    let mut hover = Vec::new();
    for (i, block) in blocks.iter().enumerate() {
        block_ui(&mut lp, &painter, c, i, block, map, rect, &mut hover);
    }
    lp.finish(&painter);
    serial_line(&painter, c, &blocks, map);
    for (i, block) in blocks.iter().enumerate() {
        let area = Rect::from_x_y_ranges(
            (scale.left - 4.0)..=(rect.right() - RIGHT_PAD),
            block.top..=block.bottom,
        );
        let bar = bar_of(c, ghost, i);
        bar_ui(&painter, area, scale, &bar);
        bar_hover_ui(ui, c, i, area, &bar);
    }
    if !response.dragged()
        && let Some(pos) = response.hover_pos()
        && pos.x <= plot.right()
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
}

/// The states the lanes show, and what the bars mean.
fn legend_ui(ui: &mut Ui, c: &Comparison) {
    let pal = ui.palette();
    let native = c
        .configs
        .iter()
        .any(|k| k.scenario.workload == Workload::Native);
    let waits = c.base.workload.waits();
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 5.0;
        let mut states = vec![State::Running, State::GilWait];
        if native {
            states.push(State::Native);
        }
        if waits {
            states.push(State::IoWait);
        }
        for state in states {
            swatch_ui(ui, state);
            ui.label(RichText::new(state.label()).size(12.5));
            ui.add_space(8.0);
        }
        ui.label(
            RichText::new("bars: speedup")
                .size(12.5)
                .color(pal.weak_text()),
        );
        ideal_swatch_ui(ui);
        ui.label(
            RichText::new("best possible")
                .size(12.5)
                .color(pal.weak_text()),
        );
    });
}

/// The tick the bars are measured against.
fn ideal_swatch_ui(ui: &mut Ui) {
    let pal = ui.palette();
    let (rect, _) = ui.allocate_exact_size(vec2(8.0, 14.0), Sense::hover());
    let stroke = Stroke::new(2.0, pal.strong_text());
    ui.painter()
        .line_segment([rect.center_top(), rect.center_bottom()], stroke);
    ui.painter()
        .line_segment([rect.left_top(), rect.right_top()], stroke);
}

fn swatch_ui(ui: &mut Ui, state: State) {
    let (rect, _) = ui.allocate_exact_size(vec2(18.0, 12.0), Sense::hover());
    let mut lp = LanePainter::new(ui.ctx(), 1.0);
    lp.state_bar(rect, rect.left(), rect.right(), state);
    lp.finish(ui.painter());
}

/// Where one configuration is drawn.
struct Block {
    top: f32,
    bottom: f32,
    lane_h: f32,
}

/// The blocks of every configuration, stacked in `plot`, with lanes of one
/// height for all, so the whole comparison fits.
fn blocks(c: &Comparison, plot: Rect) -> Vec<Block> {
    let lanes: Vec<usize> = (0..c.configs.len()).map(|i| lane_count(c, i)).collect();
    let total: usize = lanes.iter().sum();
    let room = plot.height() - c.configs.len() as f32 * HEADER_H;
    let lane_h = (room / total.max(1) as f32).clamp(4.0, MAX_LANE_H);
    let mut y = plot.top();
    lanes
        .iter()
        .map(|&n| {
            let top = y;
            y += HEADER_H + n as f32 * lane_h;
            Block {
                top,
                bottom: y,
                lane_h,
            }
        })
        .collect()
}

/// Whether configuration `i` gets a GIL lane: threads sharing one GIL.
fn has_gil_lane(s: &Scenario) -> bool {
    s.gil && s.processes == 1 && s.threads > 1
}

/// Lanes of configuration `i`: its workers, known before it runs, and its GIL.
fn lane_count(c: &Comparison, i: usize) -> usize {
    let s = &c.configs[i].scenario;
    let seen = c.data(i).map_or(0, |d| d.timeline.worker_count());
    (s.total_workers() as usize).max(seen) + usize::from(has_gil_lane(s))
}

/// A configuration's title: "4 processes · a GIL each".
pub fn title(s: &Scenario) -> String {
    if s.processes > 1 {
        format!("{} processes · a GIL each", s.processes)
    } else if s.threads == 1 {
        "serial · one thread".to_owned()
    } else if !s.gil {
        format!("{} threads · no GIL", s.threads)
    } else if s.workload == Workload::Native {
        format!("{} threads · native code, GIL let go", s.threads)
    } else {
        format!("{} threads · one GIL", s.threads)
    }
}

/// How configuration `i` stands, for its title row.
fn state_words(pal: Palette, c: &Comparison, i: usize) -> (String, Color32) {
    match (c.progress(), c.data(i)) {
        (Progress::Running(r), Some(d)) if r == i => (
            format!("running, {}", duration_text(d.horizon_ns() as f64)),
            pal.state_color(State::Running),
        ),
        (_, None) => ("waiting its turn".to_owned(), pal.weak_text()),
        (_, Some(d)) => match (d.summary(), d.error()) {
            (Some(s), _) if !s.stopped => (duration_text(s.wall_ms * 1e6), pal.strong_text()),
            (_, Some(_)) => ("failed".to_owned(), pal.error()),
            _ => ("stopped".to_owned(), pal.warning()),
        },
    }
}

#[allow(clippy::too_many_arguments)]
fn block_ui<'a>(
    lp: &mut LanePainter,
    painter: &Painter,
    c: &'a Comparison,
    i: usize,
    block: &Block,
    map: XMap,
    rect: Rect,
    hover: &mut Vec<(&'a Timeline, Row<'a>, Rect)>,
) {
    let pal = painter.palette();
    let s = &c.configs[i].scenario;
    painter.line_segment(
        [
            pos2(rect.left(), block.top + 0.5),
            pos2(map.right, block.top + 0.5),
        ],
        Stroke::new(1.0, pal.grid()),
    );
    let title_galley =
        painter.layout_no_wrap(title(s), FontId::proportional(15.5), pal.lane_title());
    let title_w = title_galley.size().x;
    let y = block.top + HEADER_H * 0.5 + 1.0;
    painter.galley(
        pos2(rect.left() + 2.0, y - title_galley.size().y * 0.5),
        title_galley,
        pal.lane_title(),
    );
    let (words, color) = state_words(pal, c, i);
    painter.text(
        pos2(rect.left() + 14.0 + title_w, y),
        Align2::LEFT_CENTER,
        format!("· {words}"),
        FontId::proportional(15.5),
        color,
    );
    let data = c.data(i);
    let rows = BlockRows {
        timeline: data.map(|d| &d.timeline),
        gil_lane: has_gil_lane(s),
        lanes: lane_count(c, i) - usize::from(has_gil_lane(s)),
        top: block.top + HEADER_H,
        lane_h: block.lane_h,
        horizon: data.map_or(0, RunData::horizon_ns),
    };
    block_lanes(lp, painter, &rows, map, rect, hover);
}

/// A line through every block where the serial run ended: what each other
/// configuration is measured against.
fn serial_line(painter: &Painter, c: &Comparison, blocks: &[Block], map: XMap) {
    let pal = painter.palette();
    let (Some(ms), Some(first), Some(last)) = (c.serial_ms(), blocks.first(), blocks.last()) else {
        return;
    };
    let x = map.x((ms * 1e6) as u64);
    if x < map.left || x > map.right {
        return;
    }
    let color = faded(pal.strong_text(), 0.6);
    let mut y = first.top + HEADER_H;
    while y < last.bottom {
        painter.line_segment(
            [pos2(x, y), pos2(x, (y + 6.0).min(last.bottom))],
            Stroke::new(1.5, color),
        );
        y += 10.0;
    }
    painter.text(
        pos2(x - 6.0, first.top + HEADER_H * 0.5 + 1.0),
        Align2::RIGHT_CENTER,
        "one thread's time",
        FontId::proportional(12.0),
        color,
    );
}

/// What configuration `i`'s bar shows.
fn bar_of(c: &Comparison, ghost: Option<&Ghost>, i: usize) -> Bar {
    let label = &c.configs[i].label;
    let pending = match (c.progress(), c.data(i)) {
        (Progress::Running(r), _) if r == i => "running…",
        (_, None) => "waiting",
        _ => "no result",
    };
    let row = c.row(i);
    Bar {
        speedup: row.as_ref().map(|r| r.speedup),
        range: row
            .as_ref()
            .filter(|r| r.repeats > 1)
            .map(|r| (r.speedup_min, r.speedup_max)),
        spread: row
            .as_ref()
            .filter(|r| r.spread_wide)
            .and_then(|r| r.spread_cause)
            .map(|cause| cause.words()),
        ideal: c.ideal(i),
        // The serial run is 1× by definition: no ghost to compare with.
        ghost: ghost.and_then(|g| g.speedup(label)).filter(|_| i > 0),
        serial: i == 0,
        pending,
    }
}

/// A bar is a widget too: assistive technology and tests read its number,
/// and hovering it says what the number means.
fn bar_hover_ui(ui: &mut Ui, c: &Comparison, i: usize, area: Rect, bar: &Bar) {
    let label = &c.configs[i].label;
    let name = match bar.speedup {
        Some(s) => format!("{label} speedup {}", speedup_text(s)),
        None => format!("{label} speedup {}", bar.pending),
    };
    let response = ui.interact(area, ui.scope_id().with(("compare-bar", i)), Sense::hover());
    response.widget_info(|| WidgetInfo::labeled(egui::Role::ProgressIndicator, true, &name));
    let what = title(&c.configs[i].scenario);
    let text = match (bar.speedup, c.finished_ms(i)) {
        (Some(_), Some(ms)) if i == 0 => format!(
            "{what}: {}, the time every other bar is measured against.",
            duration_text(ms * 1e6)
        ),
        (Some(s), Some(ms)) => {
            let range = bar.range.map_or_else(String::new, |(lo, hi)| {
                format!(
                    " Over its runs: {} to {} (the whisker).",
                    speedup_text(lo),
                    speedup_text(hi)
                )
            });
            let spread = bar.spread.map_or_else(String::new, |why| {
                format!(" Too spread to conclude from: {why}.")
            });
            format!(
                "{what}: {}, {} as fast as one thread. The best possible here is {} (the tick).{range}{spread}",
                duration_text(ms * 1e6),
                speedup_text(s),
                speedup_text(bar.ideal),
            )
        }
        _ => format!("{what}: no result yet."),
    };
    response.on_hover_text(text);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::compare::compare_configs;

    #[test]
    fn titles_name_the_shape() {
        let titles: Vec<String> = compare_configs(&Scenario::default())
            .iter()
            .map(|(_, s)| title(s))
            .collect();
        assert_eq!(
            titles,
            [
                "serial · one thread",
                "4 threads · one GIL",
                "4 processes · a GIL each",
                "4 threads · no GIL",
                "4 threads · native code, GIL let go",
            ]
        );
    }
}
