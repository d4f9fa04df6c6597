//! What the labs beyond the task pool measured, as rows of the counters
//! grid: spawn cost of threads against processes, where the counting of the
//! shared-memory lab ended up, and how fast a stop reached threads and
//! processes.

use super::counters::value_ui;
use crate::gui::format::{duration_text, mib_text};
use crate::gui::present::{ContextExt as _, Palette};
use crate::model::{KillSummary, RunSummary, SharedMemorySummary, StartupGroup};
use egui::{RichText, Ui};

fn strong(pal: Palette, text: String) -> RichText {
    RichText::new(text).strong().color(pal.strong_text())
}

/// Adds the rows of whichever lab `summary` comes from (none for the task pool).
pub fn lab_rows_ui(ui: &mut Ui, summary: &RunSummary) {
    if let Some(s) = &summary.startup {
        group_row_ui(ui, "Start a thread", &s.threads);
        group_row_ui(ui, "Start a process", &s.processes);
    }
    if let Some(m) = &summary.shared_memory {
        shared_memory_rows_ui(ui, m);
    }
    if let Some(k) = &summary.kill {
        kill_rows_ui(ui, k);
    }
}

fn group_row_ui(ui: &mut Ui, name: &str, g: &StartupGroup) {
    let pal = ui.palette();
    if g.workers == 0 {
        return;
    }
    ui.label(name).on_hover_text(
        "From asking for the worker to its first instruction (median, and the slowest), \
         and the resident memory each one added.",
    );
    value_ui(
        ui,
        strong(
            pal,
            format!(
                "{} (max {}), {} each",
                duration_text(g.spawn_us_median * 1e3),
                duration_text(g.spawn_us_max * 1e3),
                mib_text(g.rss_bytes_median as f64)
            ),
        ),
    );
    ui.end_row();
}

fn shared_memory_rows_ui(ui: &mut Ui, m: &SharedMemorySummary) {
    let pal = ui.palette();
    ui.label("Threads' counter")
        .on_hover_text("Threads share one memory: every increment lands in the same counter.");
    value_ui(ui, strong(pal, m.threads_counter.to_string()));
    ui.end_row();
    ui.label("Parent's counter")
        .on_hover_text("Each child process counted in its own copy; the parent's stays as it was.");
    value_ui(
        ui,
        strong(pal, m.parent_copy.to_string()).color(pal.error()),
    );
    ui.end_row();
    if !m.child_copies.is_empty() {
        let copies: Vec<String> = m.child_copies.iter().map(u64::to_string).collect();
        ui.label("Children's copies");
        value_ui(ui, strong(pal, copies.join(", ")));
        ui.end_row();
        ui.label("Sent back over pipes")
            .on_hover_text("The only way the children's counting reaches the parent: as messages.");
        value_ui(ui, strong(pal, m.sent_back_total.to_string()));
        ui.end_row();
    }
}

fn kill_rows_ui(ui: &mut Ui, k: &KillSummary) {
    let pal = ui.palette();
    let worst = |v: &[f64]| v.iter().copied().fold(0.0f64, f64::max);
    if !k.threads_stop_ms.is_empty() {
        ui.label("Threads stopped after").on_hover_text(
            "A thread cannot be killed: it ends only when it next checks for the stop request.",
        );
        value_ui(
            ui,
            strong(pal, duration_text(worst(&k.threads_stop_ms) * 1e6)),
        );
        ui.end_row();
    }
    if !k.processes_stop_ms.is_empty() {
        ui.label("Processes killed after")
            .on_hover_text("A process can be killed by the operating system at once.");
        value_ui(
            ui,
            strong(pal, duration_text(worst(&k.processes_stop_ms) * 1e6)),
        );
        ui.end_row();
    }
}
