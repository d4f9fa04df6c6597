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
            step_button_ui(
                ui,
                i + 1 < steps,
                "Next ›",
                "The next step",
                Command::NextPreset,
                commands,
            );
            step_button_ui(
                ui,
                i > 0,
                "‹ Back",
                "The step before",
                Command::PreviousPreset,
                commands,
            );
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

/// One of the clicker's buttons: `what` it does, with its keys.
fn step_button_ui(
    ui: &mut Ui,
    enabled: bool,
    text: &str,
    what: &str,
    command: Command,
    commands: &mut Vec<Command>,
) {
    let button = ui
        .add_enabled(enabled, egui::Button::new(text))
        .on_hover_text(format!("{what} ({})", keys_text(command)));
    if button.clicked() {
        commands.push(command);
    }
}
