//! The compare view's status line: which run goes on (round and
//! configuration), what the runs say about the machine meanwhile (other
//! programs, and this window's own cost named apart), and whether the knobs
//! changed since the comparison.

use super::run::{Comparison, Progress};
use super::view::title;
use crate::analysis::timeline::State;
use crate::engine::compare::compare_configs;
use crate::gui::format::{cores_text, duration_text};
use crate::gui::present::ContextExt as _;
use crate::gui::run_state::{BUSY_WARNING, RunData};
use crate::model::Scenario;
use egui::{RichText, Ui};

/// Which run goes on, and whether the knobs changed since the comparison.
pub fn status_ui(ui: &mut Ui, c: &Comparison, scenario: &Scenario) {
    let pal = ui.palette();
    let n = c.configs.len();
    let (text, color) = match c.progress() {
        Progress::Running(i) => {
            let elapsed = c.data(i).map_or(0, RunData::horizon_ns);
            let round = if c.repeats > 1 {
                format!("round {} of {}, ", c.round(), c.repeats)
            } else {
                String::new()
            };
            (
                format!(
                    "{round}running {} of {n}: {}, {} so far · one after another, so they never share the cores",
                    i + 1,
                    title(&c.configs[i].scenario),
                    duration_text(elapsed as f64)
                ),
                pal.state_color(State::Running),
            )
        }
        Progress::Done if c.repeats > 1 => (
            format!(
                "done: {n} shapes of the same work, each run {} times in turn · medians, \
                 with the range over the runs · {} cores here",
                c.repeats, c.cores
            ),
            pal.strong_text(),
        ),
        Progress::Done => (
            format!(
                "done: {n} runs of the same work, one after another · {} cores here",
                c.cores
            ),
            pal.strong_text(),
        ),
        Progress::Stopped => (
            "stopped: the runs not done are left out".to_owned(),
            pal.warning(),
        ),
        Progress::Failed(e) => (format!("the comparison failed: {e}"), pal.error()),
    };
    ui.horizontal(|ui| {
        if let Progress::Running(i) = c.progress() {
            let (done, all) = ((c.round() as usize - 1) * n + i, n * c.repeats as usize);
            ui.add(
                egui::ProgressBar::new(done as f32 / all as f32)
                    .desired_width(90.0)
                    .text(format!("{} / {all}", done + 1)),
            );
        }
        ui.label(RichText::new(text).size(13.5).color(color));
    });
    if let Some(others) = c.others_cores_max().filter(|o| *o >= BUSY_WARNING) {
        ui.label(
            RichText::new(format!(
                "Other programs kept about {} busy meanwhile: the times are skewed. \
                 Close them and compare again.",
                cores_text(others)
            ))
            .color(pal.warning()),
        );
    }
    if let Some(window) = c.window_cores_max().filter(|w| *w >= 0.05) {
        ui.label(
            RichText::new(format!(
                "Drawing this window took up to {} during a run, not counted as other programs.",
                cores_text(window)
            ))
            .size(12.0)
            .color(pal.weak_text()),
        );
    }
    if !c.is_running() && compare_configs(scenario) != compare_configs(&c.base) {
        ui.label(
            RichText::new("The settings changed since: press Compare to compare them.")
                .color(pal.warning()),
        );
    }
}
