//! The numbers under the two blocks, side by side: wall time, speedup,
//! lost updates, queue depth, cut-off tasks, spawn time and memory, each
//! marked where the model and CPython differ by more than their own runs
//! do (`python::agree` holds the tolerances and why).

use super::state::LensMode;
use crate::gui::present::ContextExt as _;
use crate::gui::run_state::RunData;
use crate::python::agree::{Row, Verdict, side_by_side};
use egui::{Grid, RichText, Ui};

/// The rows, once both runs have finished.
pub fn rows(
    model: Option<&RunData>,
    model_speedup: Option<f64>,
    lens: &LensMode,
) -> Option<Vec<Row>> {
    let m = model?.summary()?;
    let r = lens.real.as_ref()?.data.summary()?;
    Some(side_by_side(m, r, (model_speedup, lens.speedup())))
}

/// The table, or a line saying what it waits for.
pub fn numbers_ui(
    ui: &mut Ui,
    model: Option<&RunData>,
    model_speedup: Option<f64>,
    lens: &LensMode,
) {
    let pal = ui.palette();
    let Some(rows) = rows(model, model_speedup, lens) else {
        let text = match lens.real.as_ref().and_then(|r| r.data.error()) {
            Some(e) => format!("CPython: {e}"),
            None => "The numbers appear here side by side once both runs have finished.".to_owned(),
        };
        let color = if lens.real.as_ref().is_some_and(|r| r.data.error().is_some()) {
            pal.error()
        } else {
            pal.weak_text()
        };
        ui.label(RichText::new(text).size(14.0).color(color));
        return;
    };
    Grid::new("lens-numbers")
        .num_columns(4)
        .spacing([28.0, 4.0])
        .show(ui, |ui| {
            ui.label(RichText::new("").size(14.0));
            ui.label(
                RichText::new("model")
                    .size(14.0)
                    .strong()
                    .color(pal.weak_text()),
            );
            ui.label(
                RichText::new("CPython")
                    .size(14.0)
                    .strong()
                    .color(pal.weak_text()),
            );
            ui.label("");
            ui.end_row();
            for row in rows {
                ui.label(RichText::new(row.what).size(15.0).color(pal.text()));
                let (color, mark, why) = match &row.verdict {
                    Verdict::Differ(why) => (pal.disagree(), "differs", why.clone()),
                    Verdict::Agree => (pal.strong_text(), "", String::new()),
                    Verdict::Unknown => (pal.weak_text(), "", String::new()),
                };
                ui.label(RichText::new(&row.model).size(17.0).strong().color(color));
                ui.label(RichText::new(&row.cpython).size(17.0).strong().color(color));
                if mark.is_empty() {
                    ui.label("");
                } else {
                    ui.label(
                        RichText::new(format!("{mark}: {why}"))
                            .size(13.0)
                            .color(pal.disagree()),
                    )
                    .on_hover_text(
                        "Further apart than repeated runs of either are from themselves; \
                             BENCHMARKS.md says why where it is known.",
                    );
                }
                ui.end_row();
            }
        });
}
