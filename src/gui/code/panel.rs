//! Draws the code panel: the program of the knobs as they are now, one
//! coloured line each, numbered; the probe's measuring lines dimmed when
//! shown; a checkbox for them and the Copy and Save buttons, which push
//! commands.

use super::state::CodeView;
use crate::gui::command::Command;
use crate::gui::present::{ContextExt as _, Palette, faded, keys_text};
use crate::model::Scenario;
use crate::python::highlight::{Token, tokens};
use egui::text::{LayoutJob, TextFormat};
use egui::{Color32, FontId, RichText, Ui};

/// The code's text size in points where the panel has room for it.
const CODE_SIZE: f32 = 13.0;
/// The smallest and largest size the code is fitted to: every line is
/// shown whole in the panel's width (a slide has no sideways scrolling),
/// larger when there is room, and scrolls sideways only below the least.
const CODE_SIZE_MIN: f32 = 10.0;
const CODE_SIZE_MAX: f32 = 16.0;
/// Characters of the line-number gutter before each line.
const GUTTER_CHARS: usize = 6;

/// The panel's width, in points, that shows every line of the program of
/// `scenario` whole at [`CODE_SIZE`]: the window gives the code this much
/// room when it can (a program cut at the right edge is no slide).
pub fn code_panel_width(ctx: &egui::Context, view: &CodeView, scenario: &Scenario) -> f32 {
    let program = crate::python::program(scenario);
    let longest = program
        .shown(view.measuring)
        .map(|l| l.rendered.chars().count())
        .max()
        .unwrap_or(0);
    let glyph = ctx.fonts_mut(|f| f.glyph_width(&FontId::monospace(CODE_SIZE), '0'));
    // The gutter, the panel's margins and the scroll bar.
    (longest + GUTTER_CHARS) as f32 * glyph + 40.0
}

/// The text size at which the longest of `lines` (characters) fits `width`.
fn fitted_size(ui: &Ui, longest: usize, width: f32) -> f32 {
    let at_code = ui
        .ctx()
        .fonts_mut(|f| f.glyph_width(&FontId::monospace(CODE_SIZE), '0'));
    let chars = (longest + GUTTER_CHARS) as f32;
    if at_code <= 0.0 || chars <= 0.0 {
        return CODE_SIZE;
    }
    (CODE_SIZE * width / (chars * at_code)).clamp(CODE_SIZE_MIN, CODE_SIZE_MAX)
}

fn color(pal: Palette, token: Token) -> Color32 {
    match token {
        Token::Keyword => pal.code_keyword(),
        Token::Builtin => pal.code_builtin(),
        Token::Text => pal.code_string(),
        Token::Number => pal.code_number(),
        Token::Comment => pal.code_comment(),
        Token::Plain => pal.text(),
    }
}

/// The code panel, for the knobs of `scenario`.
pub fn code_panel_ui(
    ui: &mut Ui,
    view: &CodeView,
    scenario: &Scenario,
    commands: &mut Vec<Command>,
) {
    let pal = ui.palette();
    let program = crate::python::program(scenario);
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        ui.heading("Python");
        ui.label(RichText::new(&program.file_name).color(pal.weak_text()));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .button("Close")
                .on_hover_text(format!("Hide the program ({})", keys_text(Command::Code)))
                .clicked()
            {
                commands.push(Command::Code);
            }
        });
    });
    ui.horizontal_wrapped(|ui| {
        let mut measuring = view.measuring;
        if ui
            .checkbox(&mut measuring, "Measuring lines")
            .on_hover_text(
                "Show, dimmed, the lines threadlab adds when it runs the program in CPython: \
                 calls into its probe, which records who ran and when. Without them the \
                 program is exactly what runs on its own.",
            )
            .changed()
        {
            commands.push(Command::CodeMeasuring);
        }
        if ui
            .button("Copy")
            .on_hover_text("Copy the program (as shown) to the clipboard.")
            .clicked()
        {
            commands.push(Command::CopyCode);
        }
        if ui
            .button("Save")
            .on_hover_text("Save the program as a .py file in the export folder.")
            .clicked()
        {
            commands.push(Command::SaveCode);
        }
    });
    if let Some(n) = &view.notice {
        let c = if n.error {
            pal.error()
        } else {
            pal.weak_text()
        };
        ui.add(egui::Label::new(RichText::new(&n.text).size(11.5).color(c)).wrap());
    }
    ui.label(
        RichText::new(format!(
            "{} lines, standard library only · follows the knobs",
            program.slide_lines()
        ))
        .size(11.5)
        .color(pal.weak_text()),
    );
    ui.separator();
    egui::ScrollArea::both()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.spacing_mut().item_spacing.y = 0.0;
            let longest = program
                .shown(view.measuring)
                .map(|l| l.rendered.chars().count())
                .max()
                .unwrap_or(0);
            // A little short of the width, for the scroll bar's room.
            let size = fitted_size(ui, longest, ui.available_width() - 16.0);
            let font = FontId::monospace(size);
            let mut in_docstring = false;
            let mut number = 0;
            for shown in program.shown(view.measuring) {
                let line = &shown.rendered;
                let dim = shown.line.measuring;
                let (pieces, open) = tokens(line, in_docstring);
                in_docstring = open;
                let mut job = LayoutJob::default();
                number += 1;
                let gutter = if dim {
                    "   ·".to_owned()
                } else {
                    format!("{number:>4}")
                };
                job.append(
                    &format!("{gutter}  "),
                    0.0,
                    TextFormat::simple(font.clone(), faded(pal.weak_text(), 0.7)),
                );
                for (range, token) in pieces {
                    let c = color(pal, token);
                    let c = if dim { faded(c, 0.45) } else { c };
                    job.append(&line[range], 0.0, TextFormat::simple(font.clone(), c));
                }
                if dim {
                    number -= 1;
                }
                ui.add(egui::Label::new(job).extend());
            }
        });
}
