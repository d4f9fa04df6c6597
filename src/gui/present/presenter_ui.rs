//! The presenter's buttons and what it puts over the window: the row of
//! view buttons above the controls, the narrow strips left where a panel
//! was folded away, the help overlay and the notice. They draw the
//! [`Presenter`]'s state and push [`Command`]s; the dispatcher changes it.

use super::help::help_ui;
use super::palette::ContextExt as _;
use super::presenter::Presenter;
use super::settings::ViewSettings;
use super::shortcuts::keys_text;
use crate::gui::command::Command;
use egui::{Align2, Context, Frame, RichText, Ui, vec2};

/// What a button does, with its keys: "Large text for a lecture hall (P)".
fn tip(command: Command, what: &str) -> String {
    format!("{what} ({})", keys_text(command))
}

/// A row of buttons for the view: presentation mode, theme, window sizes,
/// keys.
pub fn view_bar_ui(ui: &mut Ui, view: &ViewSettings, commands: &mut Vec<Command>) {
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 4.0;
        if ui
            .selectable_label(view.present, "Present")
            .on_hover_text(tip(Command::Present, "Large text for a lecture hall"))
            .clicked()
        {
            commands.push(Command::Present);
        }
        let other = view.theme.toggled();
        if ui
            .button(capitalised(other.label()))
            .on_hover_text(tip(Command::Theme, "Switch between dark and light colours"))
            .clicked()
        {
            commands.push(Command::Theme);
        }
        if ui
            .button("720p")
            .on_hover_text(tip(Command::Size720, "Make the window 1280 × 720"))
            .clicked()
        {
            commands.push(Command::Size720);
        }
        if ui
            .button("1080p")
            .on_hover_text(tip(Command::Size1080, "Make the window 1920 × 1080"))
            .clicked()
        {
            commands.push(Command::Size1080);
        }
        if ui
            .button(" ? ")
            .on_hover_text(tip(Command::Help, "Every keyboard shortcut"))
            .clicked()
        {
            commands.push(Command::Help);
        }
    });
}

/// The narrow strip left where a folded panel was: a button to unfold it
/// (and, on the `left`, the keys and presentation mode).
pub fn folded_strip_ui(ui: &mut Ui, view: &ViewSettings, left: bool, commands: &mut Vec<Command>) {
    ui.add_space(6.0);
    ui.vertical_centered(|ui| {
        let (label, command, what) = if left {
            ("»", Command::FoldControls, "Show the controls")
        } else {
            ("«", Command::FoldResults, "Show the results")
        };
        if ui
            .button(RichText::new(label).size(18.0))
            .on_hover_text(tip(command, what))
            .clicked()
        {
            commands.push(command);
        }
        if left {
            if ui
                .button(RichText::new("?").size(18.0))
                .on_hover_text(tip(Command::Help, "Every keyboard shortcut"))
                .clicked()
            {
                commands.push(Command::Help);
            }
            if ui
                .selectable_label(view.present, RichText::new("P").size(18.0))
                .on_hover_text(tip(Command::Present, "Presentation mode"))
                .clicked()
            {
                commands.push(Command::Present);
            }
        }
    });
}

/// The help overlay (while open) and the notice, above everything else.
pub fn overlays_ui(ctx: &Context, presenter: &Presenter, commands: &mut Vec<Command>) {
    let pal = ctx.palette();
    if presenter.help_open {
        help_ui(ctx, commands);
    }
    if let Some(text) = presenter.notice() {
        egui::Area::new(egui::Id::unique("threadlab-notice"))
            .anchor(Align2::CENTER_BOTTOM, vec2(0.0, -24.0))
            .interactable(false)
            .show(ctx, |ui| {
                Frame::popup(&ctx.global_style())
                    .inner_margin(vec2(16.0, 10.0))
                    .show(ui, |ui| {
                        ui.label(RichText::new(text).size(16.0).color(pal.strong_text()));
                    });
            });
    }
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().chain(chars).collect::<String>()
    })
}
