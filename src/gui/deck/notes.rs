//! The speaker notes, in a window of their own (an egui viewport) that the
//! lecturer keeps on the laptop's screen while the projector shows the
//! main window. Where the platform cannot open a second window (the test
//! harness) egui draws it inside the main one, as it was asked for.

use super::state::DeckMode;
use crate::gui::command::Command;
use egui::{Context, RichText, ViewportBuilder, ViewportId};

/// Shows the notes window while it is open; closing it sends [`Command::Notes`].
pub fn notes_ui(ctx: &Context, deck: &DeckMode, commands: &mut Vec<Command>) {
    if !deck.notes_open {
        return;
    }
    let id = ViewportId::from_hash_of("threadlab-speaker-notes");
    let builder = ViewportBuilder::default()
        .with_title(format!("Speaker notes · {}", deck.deck().name))
        .with_inner_size([560.0, 440.0]);
    let closed = ctx.show_viewport_immediate(id, builder, |ui, _class| {
        let closed = ui.ctx().input(|i| i.viewport().close_requested());
        egui::CentralPanel::default().show(ui, |ui| notes_text_ui(ui, deck));
        closed
    });
    if closed {
        commands.push(Command::Notes);
    }
}

/// The step's notes, with the next step's title so the lecturer can lead on.
fn notes_text_ui(ui: &mut egui::Ui, deck: &DeckMode) {
    let steps = &deck.deck().steps;
    let i = deck.index();
    ui.label(
        RichText::new(format!(
            "Step {} of {}: {}",
            i + 1,
            steps.len(),
            deck.step().title
        ))
        .size(18.0)
        .strong(),
    );
    ui.add_space(6.0);
    egui::ScrollArea::vertical().show(ui, |ui| {
        let notes = &deck.step().notes;
        if notes.is_empty() {
            ui.weak("No notes for this step.");
        } else {
            ui.label(RichText::new(notes).size(16.0));
        }
        if let Some(next) = steps.get(i + 1) {
            ui.add_space(10.0);
            ui.weak(format!("Next: {}", next.title));
        }
    });
}
