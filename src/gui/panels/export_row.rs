//! The export row under the results: a button per kind of file, the pair
//! that saves a run and opens one, and what the last of them did (the path
//! it wrote, or why it could not).
//!
//! Opening takes a path typed or pasted into a small field (or a file
//! dropped on the window) rather than a file dialog: the dialog crates
//! either pull in GTK (`rfd`) or talk to a desktop portal that a lecture
//! hall's machine may not run, and saved runs go beside the other exports,
//! in the export folder, whose path the field starts with.

use crate::gui::command::Command;
use crate::gui::present::ContextExt as _;
use crate::gui::run_state::{ExportKind, Exporter, RunData};
use egui::{RichText, Ui};
use std::path::{Path, PathBuf};

/// The field a saved run's path is typed into: plain state the row edits
/// in place, as the knobs edit the scenario.
#[derive(Clone, Debug, Default)]
pub struct OpenRunField {
    /// Whether the field is on screen.
    pub shown: bool,
    /// What is typed in it.
    pub text: String,
}

impl OpenRunField {
    /// Shows or hides the field; shown empty, it starts in `dir`, the
    /// export folder, where saved runs go.
    pub fn toggle(&mut self, dir: &Path) {
        self.shown = !self.shown;
        if self.shown && self.text.is_empty() {
            let mut dir = dir.display().to_string();
            if !dir.ends_with(std::path::MAIN_SEPARATOR) {
                dir.push(std::path::MAIN_SEPARATOR);
            }
            self.text = dir;
        }
    }

    /// The path typed, without the spaces around it.
    pub fn path(&self) -> PathBuf {
        PathBuf::from(self.text.trim())
    }

    /// A run was opened from `path`: the field has done its job.
    pub fn opened(&mut self, path: &Path) {
        self.text = path.display().to_string();
        self.shown = false;
    }
}

/// The row under the results: a button per kind and the last outcome.
/// `data` is the current or last run; only a finished run is exported.
pub fn export_row_ui(
    ui: &mut Ui,
    exporter: &Exporter,
    data: Option<&RunData>,
    open: &mut OpenRunField,
    commands: &mut Vec<Command>,
) {
    let pal = ui.palette();
    let finished = data.filter(|d| d.summary().is_some());
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        ui.label(RichText::new("Export").strong());
        for kind in [
            ExportKind::Png,
            ExportKind::Clipboard,
            ExportKind::Trace,
            ExportKind::Csv,
        ] {
            export_button(
                ui,
                kind,
                finished.is_some() || matches!(kind, ExportKind::Png | ExportKind::Clipboard),
                commands,
            );
        }
    });
    ui.horizontal(|ui| {
        ui.label(RichText::new("Run file").strong());
        export_button(ui, ExportKind::Run, finished.is_some(), commands);
        let button = ui.selectable_label(open.shown, "Open run…").on_hover_text(
            "Open a saved run (.tlrun) to replay it; or drop the file on the window.",
        );
        if button.clicked() {
            commands.push(Command::ToggleOpenRun);
        }
    });
    if open.shown {
        ui.horizontal(|ui| {
            let field = ui.add(
                egui::TextEdit::singleline(&mut open.text)
                    .hint_text("path/to/run.tlrun")
                    .desired_width(ui.available_width() - 60.0),
            );
            let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if ui.button("Open").clicked() || entered {
                commands.push(Command::OpenRun);
            }
        });
    }
    if let Some(notice) = exporter.notice() {
        let color = if notice.error {
            pal.error()
        } else {
            pal.weak_text()
        };
        ui.add(egui::Label::new(RichText::new(&notice.text).size(11.5).color(color)).wrap());
    }
    ui.add_space(2.0);
}

fn export_button(ui: &mut Ui, kind: ExportKind, enabled: bool, commands: &mut Vec<Command>) {
    let button = ui
        .add_enabled(enabled, egui::Button::new(label(kind)))
        .on_hover_text(hover(kind))
        .on_disabled_hover_text("Run the experiment first; its results are exported.");
    if button.clicked() {
        commands.push(command(kind));
    }
}

/// What a button asks for: the same command as the export's key.
fn command(kind: ExportKind) -> Command {
    match kind {
        ExportKind::Png => Command::Screenshot,
        ExportKind::Clipboard => Command::CopyPicture,
        ExportKind::Trace => Command::ExportTrace,
        ExportKind::Csv => Command::ExportCsv,
        ExportKind::Run => Command::SaveRun,
    }
}

/// The button's text.
fn label(kind: ExportKind) -> &'static str {
    match kind {
        ExportKind::Png => "PNG",
        ExportKind::Clipboard => "Copy",
        ExportKind::Trace => "Trace",
        ExportKind::Csv => "CSV",
        ExportKind::Run => "Save run…",
    }
}

fn hover(kind: ExportKind) -> &'static str {
    match kind {
        ExportKind::Png => "Save the window as a PNG picture.",
        ExportKind::Clipboard => {
            "Copy the window to the clipboard as a picture (Ctrl+Shift+C), to paste into a slide."
        }
        ExportKind::Trace => {
            "Save the run as a trace: open it in ui.perfetto.dev to see every \
             thread, who held the GIL and the lock, and the counters."
        }
        ExportKind::Csv => "Save the run's numbers as CSV, for a spreadsheet.",
        ExportKind::Run => {
            "Save the whole run (.tlrun) beside the other exports, to replay it \
             later or on another machine without running it again."
        }
    }
}
