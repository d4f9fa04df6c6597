//! The knobs of the experiment. Every slider offers only values the engine
//! accepts (within `model::limits`), every control says in plain words what it
//! does, and with auto-run on, letting go of a knob runs the experiment again.

use crate::gui::command::Command;
use crate::gui::compare::NOT_COMPARABLE;
use crate::gui::format::{Unit, workload_text};
use crate::gui::present::ContextExt as _;
#[cfg(test)]
use crate::model::limits;
use crate::model::{Lab, Scenario, Update, Workload};
use egui::{ComboBox, Grid, Response, RichText, Slider, SliderClamping, Ui};
use std::ops::RangeInclusive;

/// Settings of the controls themselves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ControlSettings {
    /// Run again as soon as a knob is let go.
    pub auto_run: bool,
    /// Whether the CPython switch is on (shown here, kept by the lens).
    pub cpython: bool,
}

impl Default for ControlSettings {
    fn default() -> Self {
        Self {
            auto_run: true,
            cpython: false,
        }
    }
}

/// Slider ranges: inside `model::limits`, and narrow enough to drag well.
mod range {
    use super::*;
    pub const PROCESSES: RangeInclusive<u32> = 1..=16;
    pub const THREADS: RangeInclusive<u32> = 1..=64;
    pub const SWITCH_US: RangeInclusive<u64> = 100..=100_000;
    pub const TASK_SIZE: RangeInclusive<u64> = 100..=50_000_000;
    pub const IO_MS: RangeInclusive<u64> = 0..=2_000;
    pub const TASKS: RangeInclusive<u32> = 1..=1_000;
    pub const QUEUE: RangeInclusive<u32> = 0..=100;
    pub const INCREMENTS: RangeInclusive<u32> = 1..=100_000;
}

/// Draws the controls. The knobs edit `scenario` in place; the buttons and
/// the preset picker push commands, and so does a knob let go while
/// auto-run is on ([`Command::Rerun`]).
pub fn controls_ui(
    ui: &mut Ui,
    scenario: &mut Scenario,
    presets: &[Scenario],
    preset: usize,
    settings: &mut ControlSettings,
    running: bool,
    commands: &mut Vec<Command>,
) {
    let mut edited = false;
    ui.spacing_mut().slider_width = 104.0;
    Grid::new("knobs")
        .num_columns(2)
        .spacing([10.0, 7.0])
        .show(ui, |ui| {
            let tip =
                "A ready-made experiment. Each one shows one idea; its lesson is on the right.";
            let label = ui.label("Preset").on_hover_text(tip);
            let current = presets.get(preset).map_or("custom", |p| p.name.as_str());
            ComboBox::from_id_salt("preset")
                .selected_text(current)
                .width(150.0)
                .show_ui(ui, |ui| {
                    for (i, p) in presets.iter().enumerate() {
                        if ui
                            .selectable_label(i == preset, &p.name)
                            .on_hover_text(&p.title)
                            .clicked()
                        {
                            commands.push(Command::Preset(i));
                        }
                    }
                })
                .response
                .labelled_by(label.id)
                .on_hover_text(tip);
            ui.end_row();
            edited |= knobs_ui(ui, scenario);
        });
    ui.add_space(10.0);
    ui.horizontal(|ui| {
        let run = ui
            .add(egui::Button::new(RichText::new("Run").strong()).min_size([64.0, 26.0].into()))
            .on_hover_text("Run the experiment with these settings.");
        if run.clicked() {
            commands.push(Command::Run);
        }
        let stop = ui
            .add_enabled(
                running,
                egui::Button::new("Stop").min_size([56.0, 26.0].into()),
            )
            .on_hover_text("Ask every worker to stop at its next chance.");
        if stop.clicked() {
            commands.push(Command::Stop);
        }
        let reset = ui
            .add(egui::Button::new("Reset").min_size([56.0, 26.0].into()))
            .on_hover_text("Put every setting back to the preset's values and clear the picture.");
        if reset.clicked() {
            commands.push(Command::Reset);
        }
    });
    ui.horizontal(|ui| {
        let comparable = crate::engine::compare::comparable(scenario);
        let compare = ui
            .add_enabled(
                comparable,
                egui::Button::new("Compare").min_size([84.0, 26.0].into()),
            )
            .on_hover_text(
                "Run the same work serially, with threads, with processes, without the GIL \
                 and as native code, one after another, and compare their speed.",
            )
            .on_disabled_hover_text(NOT_COMPARABLE);
        if compare.clicked() {
            commands.push(Command::Compare);
        }
        if ui
            .add(
                egui::Button::new("CPython")
                    .selected(settings.cpython)
                    .min_size([84.0, 26.0].into()),
            )
            .on_hover_text(
                "Run the same experiment in the real python3 as well, after the model, \
                 and draw it under the model's run on one time axis.",
            )
            .clicked()
        {
            commands.push(Command::CpythonLens);
        }
    });
    ui.checkbox(&mut settings.auto_run, "Run again when a setting changes")
        .on_hover_text(
            "Let go of a slider or flip a switch, and the experiment runs again at once.",
        );
    if edited && settings.auto_run {
        commands.push(Command::Rerun);
    }
}

/// The scenario's knobs, two columns of a grid; returns whether one was
/// committed (a slider let go, a switch flipped).
fn knobs_ui(ui: &mut Ui, s: &mut Scenario) -> bool {
    let mut done = false;
    done |= slider_ui(
        ui,
        "Processes",
        "How many Python processes to start. Each has its own interpreter and its own GIL. 1 means the workers are threads inside threadlab's own process.",
        &mut s.processes,
        range::PROCESSES,
        (false, true),
        Unit::Count,
    );
    done |= slider_ui(
        ui,
        "Threads",
        "How many threads each process runs. Threads of one process share its memory and its GIL.",
        &mut s.threads,
        range::THREADS,
        (true, true),
        Unit::Count,
    );
    done |= cores_ui(ui, s);
    done |= switch_ui(
        ui,
        "GIL",
        "one per process",
        "The global interpreter lock: only the thread holding it may run Python code. Turn it off to see a free-threaded Python (3.13t).",
        &mut s.gil,
    );
    let gil = s.gil;
    done |= slider_ui(
        ui,
        "Switch interval",
        "How long a thread may keep the GIL while others wait before it is asked to let go (sys.setswitchinterval). Python's default is 5 ms.",
        &mut s.switch_interval_us,
        range::SWITCH_US,
        (true, gil),
        Unit::Micros,
    );
    let knobs = Knobs::of(s);
    if knobs.workload {
        done |= workload_ui(ui, s);
    }
    let (computes, waits) = if knobs.workload {
        (s.workload.computes(), s.workload.waits())
    } else {
        (knobs.task_size, knobs.wait)
    };
    if knobs.workload || knobs.task_size {
        done |= slider_ui(
            ui,
            "Task size",
            "How many numbers each task squares and adds up. Bigger means longer tasks.",
            &mut s.task_size,
            range::TASK_SIZE,
            (true, computes),
            Unit::Count,
        );
    }
    if knobs.workload || knobs.wait {
        done |= slider_ui(
            ui,
            "I/O wait",
            "How long each wait lasts, like the time a web page takes to arrive.",
            &mut s.io_ms,
            range::IO_MS,
            (false, waits),
            Unit::Millis,
        );
    }
    if knobs.tasks {
        done |= slider_ui(
            ui,
            if s.lab == Lab::Queue {
                "Items"
            } else {
                "Tasks"
            },
            "How many tasks (or queue items) there are in all, shared among the workers.",
            &mut s.tasks,
            range::TASKS,
            (true, true),
            Unit::Count,
        );
    }
    done |= lab_knobs_ui(ui, s);
    done
}

/// The cores knob: 1 to every core this process may use; all of them is
/// stored as 0 ("every core"), so a saved scenario travels to a machine of
/// another size.
fn cores_ui(ui: &mut Ui, s: &mut Scenario) -> bool {
    let machine = crate::sampling::core_count().max(1) as u32;
    let mut n = s.cores_used(machine as usize) as u32;
    let done = slider_ui(
        ui,
        "Cores",
        &format!(
            "How many of this machine's {machine} cores the workers may run on; the OS keeps \
             them there. With more workers than cores, they take turns: the lanes show each \
             one waiting for a core, and the speedup stops at the number of cores."
        ),
        &mut n,
        1..=machine,
        (false, machine > 1),
        Unit::Count,
    );
    s.cores = if n >= machine { 0 } else { n };
    done
}

/// Which knobs a lab uses: the others are not shown, so the controls hold
/// only what changes the picture.
#[derive(Clone, Copy, Debug, Default)]
struct Knobs {
    /// The workload picker (and its task size and wait).
    workload: bool,
    /// Task size, when the workload is fixed by the lab.
    task_size: bool,
    /// The wait, when the workload is fixed by the lab.
    wait: bool,
    /// The number of tasks or items.
    tasks: bool,
}

impl Knobs {
    fn of(s: &Scenario) -> Self {
        let k = Knobs::default();
        match s.lab {
            Lab::Tasks | Lab::Queue | Lab::Startup | Lab::Kill => Knobs {
                workload: true,
                tasks: true,
                ..k
            },
            Lab::Convoy => Knobs {
                task_size: true,
                wait: true,
                tasks: true,
                ..k
            },
            Lab::Daemon => Knobs {
                wait: true,
                tasks: true,
                ..k
            },
            Lab::Race => Knobs {
                wait: s.update == Update::Wait,
                ..k
            },
            Lab::SharedMemory => k,
        }
    }
}

/// Knobs only some labs use, shown only for them.
fn lab_knobs_ui(ui: &mut Ui, s: &mut Scenario) -> bool {
    let mut done = false;
    if s.lab == Lab::Queue {
        done |= slider_ui(
            ui,
            "Queue size",
            "How many items the queue holds before a producer must wait. 0 means no limit.",
            &mut s.queue_size,
            range::QUEUE,
            (false, true),
            Unit::Count,
        );
    }
    if matches!(s.lab, Lab::Daemon | Lab::Queue) {
        done |= switch_ui(
            ui,
            "Daemon",
            "workers are daemons",
            "Daemon workers are killed when the main program ends, even in the middle of a task.",
            &mut s.daemon,
        );
    }
    if matches!(s.lab, Lab::Race | Lab::SharedMemory) {
        done |= switch_ui(
            ui,
            "Lock",
            "guard each update",
            "Guard each update of the shared counter with a lock, so no update can be lost.",
            &mut s.lock,
        );
        done |= slider_ui(
            ui,
            "Increments",
            "How many times each worker adds one to the shared counter.",
            &mut s.increments,
            range::INCREMENTS,
            (true, true),
            Unit::Count,
        );
        let label = ui.label("Update");
        let before = s.update;
        ComboBox::from_id_salt("update")
            .selected_text(update_text(s.update))
            .show_ui(ui, |ui| {
                for u in Update::ALL {
                    ui.selectable_value(&mut s.update, u, update_text(u));
                }
            })
            .response
            .labelled_by(label.id)
            .on_hover_text("How a worker adds one: x += 1; x = x + f(), with a call between the read and the write; or read, wait, write back.");
        done |= s.update != before;
        ui.end_row();
    }
    done
}

fn workload_ui(ui: &mut Ui, s: &mut Scenario) -> bool {
    let label = ui.label("Workload");
    let before = s.workload;
    ComboBox::from_id_salt("workload")
        .selected_text(s.workload.name())
        .show_ui(ui, |ui| {
            for w in Workload::ALL {
                ui.selectable_value(&mut s.workload, w, workload_text(w))
                    .on_hover_text(workload_tip(w));
            }
        })
        .response
        .labelled_by(label.id)
        .on_hover_text("What each task does. cpu: pure computation, holding the GIL. io: waiting, like a download, with the GIL released. native: computation in a C extension that releases the GIL, as numpy does. mixed: compute, then wait.");
    ui.end_row();
    s.workload != before
}

/// What a workload does, in a sentence.
fn workload_tip(w: Workload) -> &'static str {
    match w {
        Workload::Cpu => "Pure computation in Python: it needs the GIL all the time.",
        Workload::Io => "Waiting, like a download: the GIL is released while waiting.",
        Workload::Native => "Computation in a C extension that releases the GIL, as numpy does.",
        Workload::Mixed => "Some computation, then a wait.",
    }
}

fn update_text(u: Update) -> &'static str {
    match u {
        Update::Plain => "x += 1",
        Update::Call => "x = x + f()",
        Update::Wait => "read, wait, write",
    }
}

/// A labelled slider row, `(logarithmic, enabled)`; true when its value was
/// committed.
fn slider_ui<T: egui::emath::Numeric>(
    ui: &mut Ui,
    name: &str,
    tip: &str,
    value: &mut T,
    range: RangeInclusive<T>,
    (logarithmic, enabled): (bool, bool),
    unit: Unit,
) -> bool {
    let label = ui
        .add_enabled(enabled, egui::Label::new(name))
        .on_hover_text(tip);
    let r = ui
        .add_enabled(
            enabled,
            Slider::new(value, range)
                .logarithmic(logarithmic)
                .clamping(SliderClamping::Edits)
                .custom_formatter(move |v, _| unit.format(v))
                .custom_parser(move |text| unit.parse(text)),
        )
        .labelled_by(label.id)
        .on_hover_text(tip);
    ui.end_row();
    committed(&r)
}

/// A labelled on/off row: the checkbox is named by the label on the left
/// (`name`), and `text` beside it says what "on" means.
fn switch_ui(ui: &mut Ui, name: &str, text: &str, tip: &str, value: &mut bool) -> bool {
    let pal = ui.palette();
    let label = ui.label(name).on_hover_text(tip);
    let r = ui
        .horizontal(|ui| {
            let r = ui
                .checkbox(value, "")
                .labelled_by(label.id)
                .on_hover_text(tip);
            ui.label(RichText::new(text).color(pal.weak_text()));
            r
        })
        .inner;
    ui.end_row();
    r.changed()
}

/// A slider's value counts once it is let go, or when it was set without a
/// drag (keys, typing, assistive technology).
fn committed(r: &Response) -> bool {
    r.drag_stopped() || (r.changed() && !r.dragged())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sliders_offer_only_values_the_engine_accepts() {
        let within =
            |inner: (u64, u64), outer: (u64, u64)| inner.0 >= outer.0 && inner.1 <= outer.1;
        let u = |r: &RangeInclusive<u32>| (u64::from(*r.start()), u64::from(*r.end()));
        let w = |r: &RangeInclusive<u64>| (*r.start(), *r.end());
        assert!(within(u(&range::PROCESSES), u(&limits::PROCESSES)));
        assert!(within(u(&range::THREADS), u(&limits::THREADS)));
        assert!(range::PROCESSES.end() * range::THREADS.end() <= limits::TOTAL_WORKERS);
        assert!(within(w(&range::SWITCH_US), w(&limits::SWITCH_INTERVAL_US)));
        assert!(within(w(&range::TASK_SIZE), w(&limits::TASK_SIZE)));
        assert!(within(w(&range::IO_MS), w(&limits::IO_MS)));
        assert!(within(u(&range::TASKS), u(&limits::TASKS)));
        assert!(within(u(&range::QUEUE), u(&limits::QUEUE_SIZE)));
        assert!(within(u(&range::INCREMENTS), u(&limits::INCREMENTS)));
    }
}
