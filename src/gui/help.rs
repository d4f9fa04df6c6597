//! The help overlay: every key from the shortcut table, large enough to read
//! off the projector, so a lecturer can look one up without leaving the room's
//! attention on a menu.

use super::palette;
use super::shortcuts::{Group, SHORTCUTS, key_text};
use egui::{Context, Grid, Id, Modal, RichText};

/// Height of the key names in points (before presentation mode's zoom).
const KEY_SIZE: f32 = 20.0;
/// Height of the descriptions in points.
const TEXT_SIZE: f32 = 18.0;

/// Draws the overlay while `open`; a click outside it closes it.
pub fn help_ui(ctx: &Context, open: &mut bool) {
    if !*open {
        return;
    }
    let response = Modal::new(Id::unique("threadlab-help")).show(ctx, |ui| {
        ui.set_max_width(720.0);
        ui.label(
            RichText::new("Keyboard shortcuts")
                .size(28.0)
                .strong()
                .color(palette::strong_text()),
        );
        ui.add_space(6.0);
        for group in [Group::Experiment, Group::View] {
            ui.add_space(10.0);
            ui.label(
                RichText::new(group.title())
                    .size(TEXT_SIZE)
                    .strong()
                    .color(palette::weak_text()),
            );
            Grid::new(("help-keys", group.title()))
                .num_columns(2)
                .spacing([28.0, 8.0])
                .show(ui, |ui| {
                    for s in SHORTCUTS.iter().filter(|s| s.group == group) {
                        let keys: Vec<String> = s.keys.iter().map(|k| key_text(ctx, k)).collect();
                        ui.label(
                            RichText::new(keys.join("  ·  "))
                                .size(KEY_SIZE)
                                .monospace()
                                .strong()
                                .color(palette::strong_text()),
                        );
                        ui.label(RichText::new(s.what).size(TEXT_SIZE));
                        ui.end_row();
                    }
                });
        }
        ui.add_space(12.0);
        ui.label(
            RichText::new("Keys do nothing while you type a number into a field.")
                .size(15.0)
                .color(palette::weak_text()),
        );
    });
    if response.should_close() {
        *open = false;
    }
}
