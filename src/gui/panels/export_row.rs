//! The export row under the results: a button per kind of file, and what
//! the last export did (the path it wrote, or why it could not).

use crate::gui::command::Command;
use crate::gui::present::ContextExt as _;
use crate::gui::run_state::{ExportKind, Exporter, RunData};
use egui::{RichText, Ui};

/// The row under the results: a button per kind and the last outcome.
/// `data` is the current or last run; only a finished run is exported.
pub fn export_row_ui(
    ui: &mut Ui,
    exporter: &Exporter,
    data: Option<&RunData>,
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
            let enabled =
                finished.is_some() || matches!(kind, ExportKind::Png | ExportKind::Clipboard);
            let button = ui
                .add_enabled(enabled, egui::Button::new(label(kind)))
                .on_hover_text(hover(kind))
                .on_disabled_hover_text("Run the experiment first; its results are exported.");
            if button.clicked() {
                commands.push(command(kind));
            }
        }
    });
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

/// What a button asks for: the same command as the export's key.
fn command(kind: ExportKind) -> Command {
    match kind {
        ExportKind::Png => Command::Screenshot,
        ExportKind::Clipboard => Command::CopyPicture,
        ExportKind::Trace => Command::ExportTrace,
        ExportKind::Csv => Command::ExportCsv,
    }
}

/// The button's text.
fn label(kind: ExportKind) -> &'static str {
    match kind {
        ExportKind::Png => "PNG",
        ExportKind::Clipboard => "Copy",
        ExportKind::Trace => "Trace",
        ExportKind::Csv => "CSV",
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
    }
}
