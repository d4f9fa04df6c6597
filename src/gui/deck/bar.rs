//! The step bar: where the lecture is ("Step 2 of 16") in its corner, the
//! step's title, and the buttons a presenter's clicker stands for.

use super::state::DeckMode;
use crate::gui::command::Command;
use crate::gui::present::{ContextExt as _, keys_text};
use egui::{RichText, Ui};

/// The bar above the step's picture.
pub fn step_bar_ui(ui: &mut Ui, deck: &DeckMode, commands: &mut Vec<Command>) {
    let pal = ui.palette();
    let steps = deck.deck().steps.len();
    let i = deck.index();
    ui.horizontal(|ui| {
        ui.label(
            RichText::new(format!("Step {} of {steps}", i + 1))
                .size(15.0)
                .color(pal.weak_text()),
        );
        ui.label(
            RichText::new(&deck.step().title)
                .size(20.0)
                .strong()
                .color(pal.strong_text()),
        );
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let next = ui
                .add_enabled(i + 1 < steps, egui::Button::new("Next ›"))
                .on_hover_text(format!(
                    "The next step ({})",
                    keys_text(Command::NextPreset)
                ));
            if next.clicked() {
                commands.push(Command::NextPreset);
            }
            let back = ui
                .add_enabled(i > 0, egui::Button::new("‹ Back"))
                .on_hover_text(format!(
                    "The step before ({})",
                    keys_text(Command::PreviousPreset)
                ));
            if back.clicked() {
                commands.push(Command::PreviousPreset);
            }
            let notes = ui
                .selectable_label(deck.notes_open, "Notes")
                .on_hover_text(format!(
                    "The speaker notes, in a window of their own ({})",
                    keys_text(Command::Notes)
                ));
            if notes.clicked() {
                commands.push(Command::Notes);
            }
        });
    });
}
