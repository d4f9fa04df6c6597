//! The window drawn for one frame: the controls on the left, the results on
//! the right, the timeline (or the comparison) in the middle, the overlays
//! on top. Panels only read the state and push commands; at the end the
//! frame's commands are carried out, so every panel was drawn from the same
//! state.

use super::{Mode, ThreadlabApp};
use crate::gui::code::{code_panel_ui, code_panel_width};
use crate::gui::compare;
use crate::gui::deck::{deck_menu_ui, notes_ui, question_card_ui, step_bar_ui};
use crate::gui::lens::lens_ui;
use crate::gui::panels::{
    Central, FOLDED_WIDTH, brand_ui, central_ui, clip_row_ui, controls_ui, export_row_ui,
    lesson_ui, results_ui,
};
use crate::gui::present::{folded_strip_ui, overlays_ui, view_bar_ui};
use crate::gui::run_state::LiveRun;
use crate::gui::timeline::core_count;

/// Width of the controls on the left, in points.
const CONTROLS_WIDTH: f32 = 276.0;
/// Width of the results on the right, in points.
const RESULTS_WIDTH: f32 = 300.0;
/// The largest share of the window's width the code panel takes.
const CODE_SHARE_MAX: f32 = 0.5;

impl ThreadlabApp {
    /// Draws the whole window for one frame, then carries out what was asked
    /// for in it. Call [`ThreadlabApp::logic`] first.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        self.controls_panel_ui(ui);
        self.results_panel_ui(ui);
        self.central_panel_ui(ui);
        overlays_ui(ui.ctx(), &self.presenter, &mut self.commands);
        if let Some(deck) = &self.deck {
            notes_ui(ui.ctx(), deck, &mut self.commands);
        }
        let ctx = ui.ctx().clone();
        self.dispatch(&ctx);
    }

    /// The left: the brand, the view buttons, the knobs and the lesson.
    fn controls_panel_ui(&mut self, ui: &mut egui::Ui) {
        let folded = self.presenter.view.controls_folded;
        let width = if folded { FOLDED_WIDTH } else { CONTROLS_WIDTH };
        egui::Panel::left("controls")
            .exact_size(width)
            .show(ui, |ui| {
                if folded {
                    folded_strip_ui(ui, &self.presenter.view, true, &mut self.commands);
                    return;
                }
                brand_ui(ui, &mut self.commands);
                view_bar_ui(ui, &self.presenter.view, &mut self.commands);
                deck_menu_ui(ui, self.deck.as_ref(), &mut self.commands);
                ui.add_space(6.0);
                let running = self.run.as_ref().is_some_and(LiveRun::is_running)
                    || self.compare.is_running()
                    || self.lens.is_running();
                self.settings.cpython = self.lens.on;
                controls_ui(
                    ui,
                    &mut self.scenario,
                    &self.presets,
                    self.preset,
                    &mut self.settings,
                    running,
                    &mut self.commands,
                );
                ui.add_space(14.0);
                ui.separator();
                egui::ScrollArea::vertical().show(ui, |ui| lesson_ui(ui, &self.scenario));
            });
    }

    /// The right: the result, the counters and the export row (or the
    /// comparison's numbers).
    fn results_panel_ui(&mut self, ui: &mut egui::Ui) {
        let cores = self
            .run_data()
            .map_or_else(crate::sampling::core_count, core_count);
        let folded = self.presenter.view.results_folded;
        let width = match (folded, self.code.open) {
            (true, _) => FOLDED_WIDTH,
            // A program needs room for its lines: all of them whole when
            // the window has it, leaving the middle at least half.
            (false, true) => {
                let most = ui.available_width() * CODE_SHARE_MAX;
                code_panel_width(ui.ctx(), &self.code, &self.scenario)
                    .clamp(RESULTS_WIDTH, most.max(RESULTS_WIDTH))
            }
            (false, false) => RESULTS_WIDTH,
        };
        egui::Panel::right("results")
            .exact_size(width)
            .show(ui, |ui| {
                if folded {
                    folded_strip_ui(ui, &self.presenter.view, false, &mut self.commands);
                    return;
                }
                if self.code.open {
                    code_panel_ui(ui, &self.code, &self.scenario, &mut self.commands);
                    return;
                }
                if self.mode == Mode::Compare {
                    compare::results_ui(ui, &self.compare);
                    return;
                }
                let data = self.run.as_ref().map(|r| &r.data);
                egui::Panel::bottom("export").show(ui, |ui| {
                    export_row_ui(
                        ui,
                        &self.exporter,
                        data,
                        &mut self.open_field,
                        &mut self.commands,
                    );
                    if !self.offline {
                        clip_row_ui(
                            ui,
                            &mut self.clip_settings,
                            data,
                            self.clip.as_ref(),
                            self.clip_notice.as_ref(),
                            &mut self.commands,
                        );
                    }
                    ui.add_space(2.0);
                });
                let at = self.replay.cursor_ns();
                results_ui(ui, data, &self.baselines, cores, at, &mut self.commands);
            });
    }

    /// The middle: the deck's step and question, then the run's timeline
    /// and cores, or the comparison.
    fn central_panel_ui(&mut self, ui: &mut egui::Ui) {
        if let Some(deck) = &self.deck {
            let cores = crate::sampling::core_count() as u32;
            let phase = self.card_phase();
            egui::Panel::top("deck").show(ui, |ui| {
                ui.add_space(4.0);
                step_bar_ui(ui, deck, &mut self.commands);
                // Another preset picked meanwhile: its run answers nothing.
                if self.scenario.name == deck.step().scenario.name {
                    question_card_ui(ui, deck, cores, phase, &mut self.commands);
                }
                ui.add_space(4.0);
            });
        }
        egui::CentralPanel::default().show(ui, |ui| match self.mode {
            Mode::Compare => {
                compare::compare_ui(ui, &mut self.compare, &self.scenario, &mut self.commands);
            }
            Mode::Single if self.lens.on => {
                let model = self.run.as_ref().map(|r| &r.data);
                let speedup = model.and_then(|d| self.baselines.speedup(d));
                lens_ui(
                    ui,
                    model,
                    speedup,
                    &mut self.lens,
                    &self.scenario,
                    &mut self.commands,
                );
            }
            Mode::Single => {
                let central = Central {
                    data: self.run.as_ref().map(|r| &r.data),
                    start_error: self.start_error.as_deref(),
                    scenario: &self.scenario,
                    replay: &self.replay,
                    ghost: &self.ghost,
                    last: self.stats,
                };
                let out = central_ui(ui, central, &mut self.view, &mut self.commands);
                self.stats = out.stats;
                self.replay.note_scale(out.px_ns);
            }
        });
    }
}
