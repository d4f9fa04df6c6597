//! The comparison's numbers, for the results column: each configuration's
//! wall time and speedup, the best this machine allows, and what the faint
//! bars of the comparison before stand for.

use super::bars::bar_color;
use super::mode::CompareMode;
use super::view::title;
use crate::gui::format::{duration_text, speedup_text};
use crate::gui::present::ContextExt as _;
use egui::{Grid, RichText, Ui};

/// The results column in compare mode.
pub fn results_ui(ui: &mut Ui, mode: &CompareMode) {
    let pal = ui.palette();
    let (comparison, ghost) = (mode.comparison(), mode.ghost());
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.add_space(6.0);
        ui.heading("Comparison");
        let Some(c) = comparison else {
            ui.label(RichText::new("No comparison yet. Press Compare.").color(pal.weak_text()));
            return;
        };
        let note = |text: String| RichText::new(text).size(11.5).color(pal.weak_text());
        Grid::new("compare-numbers")
            .num_columns(2)
            .spacing([12.0, 3.0])
            .show(ui, |ui| {
                for (i, config) in c.configs.iter().enumerate() {
                    ui.label(title(&config.scenario));
                    match (c.row(i), c.finished_ms(i)) {
                        (Some(row), _) => {
                            let color = bar_color(pal, i == 0, row.speedup, c.ideal(i));
                            ui.label(
                                RichText::new(speedup_text(row.speedup))
                                    .size(20.0)
                                    .strong()
                                    .color(color),
                            );
                            ui.end_row();
                            ui.label("");
                            ui.label(note(duration_text(row.wall_ms * 1e6)));
                        }
                        (None, Some(ms)) => {
                            ui.label(note(duration_text(ms * 1e6)));
                        }
                        (None, None) => {
                            ui.label(note("not yet".to_owned()));
                        }
                    }
                    ui.end_row();
                }
            });
        ui.add_space(8.0);
        let n = c.workers();
        let ideal = (0..c.configs.len()).map(|i| c.ideal(i)).fold(1.0, f64::max);
        ui.label(
            RichText::new(format!(
                "Best possible here: {} ({n} workers, {} cores).",
                speedup_text(ideal),
                c.cores
            ))
            .color(pal.strong_text()),
        );
        let how = if c.base.workload.computes() {
            "Every run does the same work. A bar that reaches the tick used the whole \
             machine; threads taking turns at one GIL stay near 1×."
        } else {
            "Every run does the same waiting. A wait needs no core and lets the GIL go, so \
             threads overlap their waits as well as processes do."
        };
        ui.label(note(how.to_owned()));
        if let Some(g) = ghost {
            ui.add_space(8.0);
            ui.label(RichText::new("Faint bars: the comparison before").color(pal.strong_text()));
            ui.label(note(g.what.clone()));
        }
    });
}
