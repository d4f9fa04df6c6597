//! The numbers a run is about, large: wall time, speedup over one thread
//! doing the same work, efficiency against the best the machine allows, CPU
//! time; then the preset's lesson in plain words.

use super::why::{capitalized, parts_text, reason_text};
use crate::analysis::{Reason, efficiency, ideal_speedup, reasons, split_speedup};
use crate::gui::format::{
    cores_text, duration_text, percent_text, speedup_exact_text, whole_speedup_text,
};
use crate::gui::present::{ContextExt as _, Palette};
use crate::gui::run_state::{BUSY_WARNING, Baselines, LoadSkew, RunData, work_key};
use crate::model::{Lab, Scenario};
use crate::sampling::topology::describe_counts;
use egui::{Color32, Grid, RichText, Ui};

/// The result block.
pub fn summary_ui(ui: &mut Ui, data: Option<&RunData>, baselines: &Baselines, cores: usize) {
    let pal = ui.palette();
    let Some(data) = data else {
        ui.label(RichText::new("No run yet. Press Run.").color(pal.weak_text()));
        return;
    };
    if data.error().is_some() {
        // The banner above the timeline says why, in full.
        ui.label(RichText::new("No result: the run failed.").color(pal.error()));
        return;
    }
    let Some(summary) = data.summary() else {
        let elapsed = duration_text(data.timeline.horizon_ns() as f64);
        // No spinner: it would repaint without pause and take a core from the run.
        ui.label(format!("running… {elapsed}"));
        return;
    };
    if let Some(recorded) = &data.recorded {
        // A replayed file is not this machine's measurement: say whose.
        ui.label(RichText::new("Saved run").strong().color(pal.strong_text()))
            .on_hover_text(recorded.path.display().to_string());
        ui.add(
            egui::Label::new(
                RichText::new(capitalized(&recorded.provenance()))
                    .size(11.5)
                    .color(pal.weak_text()),
            )
            .wrap(),
        );
        ui.add_space(4.0);
    }
    let big = |text: String, color: Color32| RichText::new(text).size(22.0).strong().color(color);
    let note = |text: String| RichText::new(text).size(11.5).color(pal.weak_text());
    Grid::new("summary")
        .num_columns(2)
        .spacing([12.0, 2.0])
        .show(ui, |ui| {
            ui.label("Wall time");
            ui.label(big(duration_text(summary.wall_ms * 1e6), pal.strong_text()));
            ui.end_row();
            ui.label("");
            ui.label(note(if summary.stopped {
                "stopped before the end".to_owned()
            } else {
                "start to finish".to_owned()
            }));
            ui.end_row();

            let ideal = ideal_speedup(&data.scenario, cores);
            let used = match summary.cores {
                0 => data.scenario.cores_used(cores),
                n => n as usize,
            };
            let physical = match summary.cores_physical {
                0 => used,
                n => n as usize,
            };
            if work_key(&data.scenario).is_some() {
                ui.label("Speedup");
                let skew = baselines.load_skew(data);
                match baselines.speedup(data) {
                    // Timed again because the first timing's load was not
                    // the run's: no number until it is in.
                    Some(_) if baselines.is_measuring(&data.scenario) => {
                        ui.label("measuring again…");
                        ui.end_row();
                        ui.label("");
                        ui.label(note(
                            "one thread was timed under another load from other programs"
                                .to_owned(),
                        ));
                    }
                    Some(x) => {
                        // A ratio over a baseline timed under another load
                        // is not a clean number: marked, with the loads.
                        let color = match skew {
                            Some(_) => pal.warning(),
                            None => speedup_color(pal, x, ideal),
                        };
                        ui.horizontal(|ui| {
                            ui.label(big(speedup_exact_text(x), color));
                            if skew.is_some() {
                                ui.label(RichText::new("skewed").strong().color(pal.warning()));
                            }
                        });
                        ui.end_row();
                        ui.label("");
                        match skew {
                            Some(skew) => {
                                ui.add(egui::Label::new(skew_note(pal, skew)).wrap());
                            }
                            None => {
                                let serial = baselines.serial_ms(&data.scenario).unwrap_or(0.0);
                                ui.label(note(format!(
                                    "over one thread: {} · one run each",
                                    duration_text(serial * 1e6)
                                )))
                                .on_hover_text(
                                    "One run of each: on a shared machine the next may differ. \
                                     Compare runs every shape several times and shows the range.",
                                );
                            }
                        }
                        ui.end_row();
                        ui.label("Efficiency");
                        let e = efficiency(x, ideal);
                        ui.horizontal(|ui| {
                            ui.label(big(percent_text(e * 100.0), color));
                            if skew.is_some() {
                                ui.label(RichText::new("skewed").strong().color(pal.warning()));
                            }
                        });
                        ui.end_row();
                        ui.label("");
                        let bound = if data.scenario.workload.computes() {
                            format!(" ({})", describe_counts(used, physical))
                        } else {
                            String::new()
                        };
                        ui.label(note(format!(
                            "of the best possible here: {}{bound}",
                            whole_speedup_text(ideal)
                        )));
                    }
                    None if baselines.is_measuring(&data.scenario) => {
                        ui.label("measuring…");
                        ui.end_row();
                        ui.label("");
                        ui.label(note("timing one thread doing the same work".to_owned()));
                    }
                    None => {
                        let why = match &baselines.error {
                            Some(e) => e.clone(),
                            None if summary.stopped => {
                                "not measured: the run was stopped".to_owned()
                            }
                            None => "not measured".to_owned(),
                        };
                        ui.label(note(why));
                    }
                }
                ui.end_row();
            }
            ui.label("CPU time");
            ui.label(big(duration_text(summary.cpu_ms * 1e6), pal.strong_text()));
            ui.end_row();
            ui.label("");
            let busy = summary.cpu_ms / summary.wall_ms.max(1e-9);
            ui.label(note(format!(
                "≈ {busy:.1} of {used} {} busy on average",
                if used == 1 { "core" } else { "cores" }
            )));
            ui.end_row();
            let outcome = match summary.result_ok {
                Some(true) => ", results correct",
                Some(false) => ", results WRONG",
                None => "",
            };
            let done = summary.tasks_done;
            let (name, text) = match data.scenario.lab {
                Lab::Tasks => (
                    "Tasks",
                    format!("{done} of {} done{outcome}", data.scenario.tasks),
                ),
                Lab::Race | Lab::SharedMemory => ("Updates", format!("{done} made")),
                Lab::Queue => ("Items", format!("{done} done{outcome}")),
                _ => ("Tasks", format!("{done} done{outcome}")),
            };
            ui.label(name);
            ui.label(text);
            ui.end_row();
        });
    explanation_ui(ui, data, baselines, summary, cores);
    if let Some(others) = data.others_cores().filter(|o| *o >= BUSY_WARNING) {
        ui.label(
            RichText::new(format!(
                "Other programs kept about {} busy during this run: its times are slower \
                 than this machine can do.",
                cores_text(others)
            ))
            .size(11.5)
            .color(pal.warning()),
        );
    }
    for n in &summary.notes {
        ui.label(note(n.clone()));
    }
}

/// Why the speedup is what it is, from what the run measured: the reasons
/// it fell short of the best possible, or the parts of one above it; and,
/// in any case, what drawing this window cost, apart from other programs.
fn explanation_ui(
    ui: &mut Ui,
    data: &RunData,
    baselines: &Baselines,
    summary: &crate::model::RunSummary,
    cores: usize,
) {
    let pal = ui.palette();
    let note = |ui: &mut Ui, text: String| {
        ui.label(RichText::new(text).size(11.5).color(pal.text()));
    };
    let ideal = ideal_speedup(&data.scenario, cores);
    let speedup = baselines.speedup(data);
    let all = reasons(summary);
    let window = all
        .iter()
        .find(|r| matches!(r, Reason::FrontEnd { .. }))
        .copied();
    if let Some(x) = speedup.filter(|x| *x < ideal * 0.85) {
        let why: Vec<&Reason> = all
            .iter()
            .filter(|r| !matches!(r, Reason::FrontEnd { .. }))
            .collect();
        if !why.is_empty() {
            ui.add_space(4.0);
            ui.label(
                RichText::new(format!(
                    "Why {} and not {}:",
                    speedup_exact_text(x),
                    whole_speedup_text(ideal)
                ))
                .size(12.0)
                .strong(),
            );
            for r in why.into_iter().take(3) {
                note(ui, format!("• {}", reason_text(r)));
            }
        }
    }
    // Over a baseline timed under another load, the parts of a speedup say
    // nothing about this machine: the mark beside the number says why.
    let clean = baselines.load_skew(data).is_none();
    if let Some(x) = speedup.filter(|x| clean && *x > ideal * 1.1)
        && let (Some(sw), Some(sc)) = (
            baselines.serial_ms(&data.scenario),
            baselines.serial_cpu_ms(&data.scenario),
        )
        && let Some(parts) = split_speedup(sw, sc, summary.wall_ms, summary.cpu_ms)
    {
        ui.add_space(4.0);
        ui.label(
            RichText::new(format!(
                "Why {} beats {}:",
                speedup_exact_text(x),
                whole_speedup_text(ideal)
            ))
            .size(12.0)
            .strong(),
        );
        note(ui, parts_text(&parts));
    }
    if let Some(r) = window {
        ui.add_space(2.0);
        ui.label(
            RichText::new(format!(
                "{}, not counted as other programs.",
                capitalized(&reason_text(&r))
            ))
            .size(11.5)
            .color(pal.weak_text()),
        );
    }
}

/// Under a skewed speedup, in words a lecturer can say out loud: which
/// run had more of the machine taken by other programs, and by how much.
fn skew_note(pal: Palette, skew: LoadSkew) -> RichText {
    let again = if skew.retried {
        " (timed twice, both times so)"
    } else {
        ""
    };
    RichText::new(format!(
        "One thread was timed under another load: other programs kept {} busy then{again}, {} \
         during this run. Run again on a quiet machine for a clean number.",
        cores_text(skew.serial_others),
        cores_text(skew.run_others),
    ))
    .size(11.5)
    .color(pal.warning())
}

/// Red when the workers bring almost nothing, green near the ideal.
fn speedup_color(pal: Palette, x: f64, ideal: f64) -> Color32 {
    if x < 1.3 && ideal >= 2.0 {
        pal.state_color(crate::analysis::timeline::State::GilWait)
    } else if efficiency(x, ideal) >= 0.7 {
        pal.state_color(crate::analysis::timeline::State::Running)
    } else {
        pal.state_color(crate::analysis::timeline::State::IoWait)
    }
}

/// The preset's lesson, with its title.
pub fn lesson_ui(ui: &mut Ui, scenario: &Scenario) {
    let pal = ui.palette();
    if !scenario.title.is_empty() {
        ui.label(RichText::new(&scenario.title).strong());
    }
    let lesson = scenario
        .lesson
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    ui.label(RichText::new(lesson).size(12.5).color(pal.text()));
}
