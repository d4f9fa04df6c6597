//! The help overlay: every key from the shortcut table, large enough to read
//! off the projector, so a lecturer can look one up without leaving the room's
//! attention on a menu.

use super::palette::ContextExt as _;
use super::shortcuts::{Group, SHORTCUTS, Shortcut, key_text};
use crate::gui::command::Command;
use egui::{Context, Grid, Id, Modal, RichText, Ui};

/// Height of the key names in points (presentation mode zooms it further).
const KEY_SIZE: f32 = 17.0;
/// Height of the descriptions in points.
const TEXT_SIZE: f32 = 16.0;

/// Draws the overlay; a click outside it asks to close it.
pub fn help_ui(ctx: &Context, commands: &mut Vec<Command>) {
    let pal = ctx.palette();
    let max_h = ctx.content_rect().height() - 60.0;
    let response = Modal::new(Id::unique("threadlab-help")).show(ctx, |ui| {
        ui.label(
            RichText::new("Keyboard shortcuts")
                .size(24.0)
                .strong()
                .color(pal.strong_text()),
        );
        // Two columns when the window is wide enough, so the list fits on a
        // projector without scrolling; a scroll bar only as a last resort.
        egui::ScrollArea::vertical()
            .max_height(max_h)
            .show(ui, |ui| {
                let wide = ctx.content_rect().width() >= 1000.0;
                if wide {
                    ui.horizontal_top(|ui| {
                        ui.vertical(|ui| {
                            group_ui(ui, Group::Experiment);
                            group_ui(ui, Group::Replay);
                        });
                        ui.add_space(36.0);
                        ui.vertical(|ui| {
                            group_ui(ui, Group::View);
                            group_ui(ui, Group::Deck);
                        });
                    });
                } else {
                    group_ui(ui, Group::Experiment);
                    group_ui(ui, Group::Replay);
                    group_ui(ui, Group::View);
                    group_ui(ui, Group::Deck);
                }
                ui.add_space(10.0);
                ui.label(
                    RichText::new(
                        "Keys do nothing while you type a number into a field. \
                     Click outside this list or press Esc to close it.",
                    )
                    .size(14.0)
                    .color(pal.weak_text()),
                );
            });
    });
    if response.should_close() {
        commands.push(Command::CloseHelp);
    }
}

fn group_ui(ui: &mut Ui, group: Group) {
    let pal = ui.palette();
    ui.add_space(10.0);
    ui.label(
        RichText::new(group.title())
            .size(TEXT_SIZE)
            .strong()
            .color(pal.weak_text()),
    );
    Grid::new(("help-keys", group.title()))
        .num_columns(2)
        .spacing([20.0, 6.0])
        .show(ui, |ui| {
            for s in SHORTCUTS.iter().filter(|s| s.group == group) {
                row_ui(ui, s);
                ui.end_row();
            }
        });
}

fn row_ui(ui: &mut Ui, s: &Shortcut) {
    let pal = ui.palette();
    let keys: Vec<String> = s.keys.iter().map(key_text).collect();
    ui.label(
        RichText::new(keys.join(" or "))
            .size(KEY_SIZE)
            .monospace()
            .strong()
            .color(pal.strong_text()),
    );
    ui.label(RichText::new(s.what).size(TEXT_SIZE).color(pal.text()));
}
