//! The Deck menu: open a built-in deck, and for the open one its notes,
//! the question skipped, the votes exported, the deck closed.

use super::state::DeckMode;
use crate::deck::BUILTIN_DECKS;
use crate::gui::command::Command;
use crate::gui::present::keys_text;
use egui::Ui;

/// The menu button; `deck` is the open deck, if any.
pub fn deck_menu_ui(ui: &mut Ui, deck: Option<&DeckMode>, commands: &mut Vec<Command>) {
    ui.menu_button("Deck", |ui| {
        for (i, d) in BUILTIN_DECKS.iter().enumerate() {
            let open = deck.is_some_and(|m| m.deck().name == d.name);
            if ui.selectable_label(open, d.name).clicked() {
                commands.push(Command::OpenDeck(i));
                ui.close();
            }
        }
        ui.weak("or: threadlab gui --deck FILE, or drop a deck file here");
        let Some(deck) = deck else { return };
        ui.separator();
        let items = [
            (Command::Notes, "Speaker notes", true),
            (
                Command::SkipQuestion,
                "Skip the question (or ask it again)",
                deck.step().prediction.is_some(),
            ),
            (Command::ExportVotes, "Save the votes as CSV", true),
            (Command::CloseDeck, "Close the deck", true),
        ];
        for (command, text, enabled) in items {
            let keys = keys_text(command);
            let label = if keys.is_empty() {
                text.to_owned()
            } else {
                format!("{text} ({keys})")
            };
            if ui.add_enabled(enabled, egui::Button::new(label)).clicked() {
                commands.push(command);
                ui.close();
            }
        }
    });
}
