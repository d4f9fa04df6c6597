//! The window, driven the way a lecturer drives it: through its widgets, by
//! accessibility role and label (egui_kittest), on real runs; and pictures of
//! the timeline and the cores view drawn from a fixed, hand-built run (no
//! live timing), compared with the PNGs under `tests/snapshots/`.
#![cfg(feature = "gui")]

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use std::time::{Duration, Instant};
use threadlab::gui::panels::results_ui;
use threadlab::gui::run_state::{Baselines, RunData};
use threadlab::gui::timeline::{TimeView, cores_ui, timeline_ui};
use threadlab::gui::{AppOptions, ThreadlabApp};
use threadlab::model::{LoadSummary, RunMessage, RunSummary, Scenario, load_preset};

#[path = "util/recorded.rs"]
mod recorded;
use recorded::recorded_run;

#[path = "util/window.rs"]
mod harness;
use harness::window;

/// Long enough for a slow, busy CI machine; a run here takes well under a second.
const RUN_TIMEOUT: Duration = Duration::from_secs(300);

fn new_app() -> ThreadlabApp {
    ThreadlabApp::new(AppOptions::default()).expect("the default preset opens")
}

/// Steps the window until the run and its serial measurement are done.
fn wait_for_the_end(h: &mut Harness<'static, ThreadlabApp>) {
    let deadline = Instant::now() + RUN_TIMEOUT;
    h.step();
    while h.state().is_busy() {
        assert!(
            Instant::now() < deadline,
            "the run did not end in {RUN_TIMEOUT:?}"
        );
        std::thread::sleep(Duration::from_millis(15));
        h.step();
    }
    // Idle now: the window must settle, i.e. stop asking for frames.
    h.run();
}

/// Every text label in reading order.
fn labels(h: &Harness<'static, ThreadlabApp>) -> Vec<String> {
    h.get_all_by_role(Role::Label)
        .filter_map(|n| n.accesskit_node().value())
        .collect()
}

/// The value shown right after the label `name` in the summary grid.
fn summary_value(h: &Harness<'static, ThreadlabApp>, name: &str) -> Option<String> {
    let all = labels(h);
    let at = all.iter().position(|l| l == name)?;
    all.get(at + 1).cloned()
}

fn set_slider(h: &mut Harness<'static, ThreadlabApp>, label: &str, value: f64) {
    h.get_by_role_and_label(Role::Slider, label)
        .set_value_accesskit(value);
    h.step();
}

#[test]
fn pick_a_preset_set_sliders_run_and_read_the_speedup() {
    let mut h = window(new_app());
    pick_preset(&mut h, "io-bound");
    // Picking a preset runs it (auto-run); let it end before changing knobs.
    wait_for_the_end(&mut h);

    set_slider(&mut h, "Threads", 8.0);
    set_slider(&mut h, "Tasks", 8.0);
    set_slider(&mut h, "I/O wait", 20.0);
    let s = h.state().scenario().clone();
    assert_eq!((s.threads, s.tasks, s.io_ms), (8, 8, 20));
    h.get_by_role_and_label(Role::Button, "Run").click();
    wait_for_the_end(&mut h);

    let data = h.state().run_data().expect("a run");
    let summary = data.summary().expect("the run finished well");
    assert_eq!((summary.threads, summary.tasks_done), (8, 8));
    let speedup = h.state().speedup().expect("the serial run was measured");
    assert!(speedup.is_finite() && speedup > 0.0);
    let shown = summary_value(&h, "Speedup").expect("a speedup in the summary");
    assert_eq!(shown, format!("{speedup:.2}×"));
    assert!(summary_value(&h, "Efficiency").is_some_and(|e| e.ends_with('%')));
    // Eight threads waiting at once: eight worker lanes were drawn.
    assert_eq!(data.timeline.worker_count(), 8);
}

#[test]
fn cpu_bound_threads_share_one_gil_and_the_counters_say_so() {
    let mut h = window(new_app());
    // Auto-run is on: each knob let go starts a fresh, smaller run.
    set_slider(&mut h, "Task size", 20_000.0);
    set_slider(&mut h, "Tasks", 4.0);
    set_slider(&mut h, "Threads", 2.0);
    assert!(
        h.state().is_busy(),
        "letting go of a slider runs the experiment"
    );
    wait_for_the_end(&mut h);
    let data = h.state().run_data().expect("a run");
    let summary = data.summary().expect("finished");
    assert_eq!((summary.threads, summary.tasks_done), (2, 4));
    assert_eq!(summary.result_ok, Some(true));
    // The window's own count from the events matches the GIL's counter.
    assert_eq!(data.timeline.gil_handovers(), summary.gil_switches);
    assert!(labels(&h).iter().any(|l| l == "GIL hand-overs"));
    assert!(summary_value(&h, "Speedup").is_some_and(|s| s.ends_with('×')));
}

#[test]
fn turning_the_gil_off_reruns_without_gil_lanes() {
    let mut h = window(new_app());
    set_slider(&mut h, "Task size", 10_000.0);
    wait_for_the_end(&mut h);
    h.get_by_role_and_label(Role::CheckBox, "GIL").click();
    h.step();
    assert!(!h.state().scenario().gil);
    wait_for_the_end(&mut h);
    let data = h.state().run_data().expect("a run");
    assert!(!data.timeline.gil_mode());
    assert_eq!(data.summary().map(|s| s.gil_switches), Some(0));
    assert!(!labels(&h).iter().any(|l| l == "GIL hand-overs"));
}

#[test]
fn a_failed_run_is_shown_and_the_window_keeps_working() {
    let scenario = load_preset("cpu-bound")
        .and_then(Result::ok)
        .expect("preset");
    let mut failed = RunData::new(Scenario {
        processes: 2,
        ..scenario
    });
    failed.apply(RunMessage::Finished(Box::new(Err(
        "could not start thread tl-p1-t3: Resource temporarily unavailable".to_owned(),
    ))));
    let mut h = window(new_app().with_recorded(failed));
    h.run();
    assert!(
        h.query_by_label_contains("The run failed: could not start thread tl-p1-t3")
            .is_some()
    );
    // Still usable: a small run goes through.
    set_slider(&mut h, "Processes", 1.0);
    set_slider(&mut h, "Task size", 10_000.0);
    h.get_by_role_and_label(Role::Button, "Run").click();
    wait_for_the_end(&mut h);
    assert!(h.state().run_data().and_then(RunData::summary).is_some());
    assert!(h.query_by_label_contains("The run failed").is_none());
}

fn pick_preset(h: &mut Harness<'static, ThreadlabApp>, name: &str) {
    h.get_by_role_and_label(Role::ComboBox, "Preset").click();
    h.run();
    h.get_by_label(name).click();
    h.step();
    assert_eq!(h.state().scenario().name, name);
}

#[test]
fn the_race_loses_updates_until_the_lock_is_on() {
    let mut h = window(new_app());
    pick_preset(&mut h, "race");
    // Picking a preset runs it; a knob changed mid-run stops that run.
    wait_for_the_end(&mut h);
    set_slider(&mut h, "I/O wait", 5.0);
    h.get_by_role_and_label(Role::Button, "Run").click();
    wait_for_the_end(&mut h);
    let counter = |h: &Harness<'static, ThreadlabApp>| {
        h.state()
            .run_data()
            .and_then(RunData::summary)
            .and_then(|s| s.counter)
            .expect("the race lab counts")
    };
    let c = counter(&h);
    assert_eq!(c.expected, 20);
    let shown = format!("{} updates lost", c.lost_updates);
    assert!(
        h.query_by_label(&shown).is_some(),
        "the summary says {shown:?}"
    );
    assert!(
        h.query_by_label(&format!("Counter: expected 20, got {}", c.actual))
            .is_some()
    );

    h.get_by_role_and_label(Role::CheckBox, "Lock").click();
    h.step();
    assert!(h.state().scenario().lock);
    wait_for_the_end(&mut h);
    let c = counter(&h);
    assert_eq!((c.expected, c.actual, c.lost_updates), (20, 20, 0));
    assert!(h.query_by_label("0 updates lost").is_some());
    // The lock lane shows who held it.
    assert!(
        h.state()
            .run_data()
            .is_some_and(|d| d.timeline.tracks().any(|t| t.used_lock()))
    );
}

#[test]
fn reset_restores_the_preset() {
    let mut h = window(new_app());
    h.get_by_label("Run again when a setting changes").click();
    h.step();
    set_slider(&mut h, "Threads", 9.0);
    assert_eq!(h.state().scenario().threads, 9);
    assert!(!h.state().is_busy(), "auto-run is off");
    h.get_by_role_and_label(Role::Button, "Reset").click();
    h.run();
    assert_eq!(h.state().scenario().threads, 4);
}

// ---------------------------------------------------------------------------
// Pictures from a fixed run.

#[test]
fn the_recorded_run_is_well_formed() {
    let data = recorded_run();
    assert_eq!(data.timeline.worker_count(), 3);
    assert_eq!(data.timeline.tasks_done(), 3);
    assert!(data.timeline.gil_handovers() > 600);
    assert_eq!(data.timeline.cores_seen().len(), 2);
}

#[test]
fn snapshot_of_the_timeline_and_the_cores_view() {
    let data = recorded_run();
    let mut view = TimeView::default();
    let mut h = Harness::builder()
        .with_size([900.0, 430.0])
        .build_ui(move |ui| {
            threadlab::gui::present::setup_style(ui.ctx(), false);
            egui::CentralPanel::default().show(ui, |ui| {
                let stats = ui
                    .allocate_ui(egui::vec2(ui.available_width(), 250.0), |ui| {
                        timeline_ui(ui, &data.timeline, &mut view, data.horizon_ns())
                    })
                    .inner;
                assert!(
                    stats.merged_spans > 100,
                    "the burst of short turns is merged"
                );
                cores_ui(ui, &data, &mut view, ui.available_height());
            });
        });
    h.run();
    h.snapshot("timeline_and_cores");
}

#[test]
fn snapshot_of_the_window_on_a_recorded_run() {
    let mut h = window(new_app().with_recorded(recorded_run()));
    h.run();
    h.snapshot("window_recorded_run");
}

/// A finished run of `s` timed while other programs kept `others` cores busy.
fn timed(s: &Scenario, wall_ms: f64, others: f64) -> RunSummary {
    RunSummary {
        threads: s.threads,
        wall_ms,
        cpu_ms: wall_ms * f64::from(s.threads).min(2.0),
        tasks_done: u64::from(s.tasks),
        load: Some(LoadSummary {
            others_cores: others,
            ..LoadSummary::default()
        }),
        ..RunSummary::default()
    }
}

/// The result panel on a run of four threads over a serial run timed while
/// other programs kept `serial_others` cores busy, the run under `run_others`.
fn result_over_baseline(serial_others: f64, run_others: f64) -> Harness<'static> {
    let four = Scenario::default();
    let serial = Scenario {
        threads: 1,
        ..four.clone()
    };
    let mut baselines = Baselines::default();
    baselines.remember_run(&serial, &timed(&serial, 400.0, serial_others));
    let run = timed(&four, 145.0, run_others);
    baselines.remember_run(&four, &run);
    let mut data = RunData::new(four);
    data.apply(RunMessage::Finished(Box::new(Ok(run))));
    let mut commands = Vec::new();
    let mut h = Harness::builder()
        .with_size([300.0, 420.0])
        .build_ui(move |ui| {
            threadlab::gui::present::setup_style(ui.ctx(), false);
            egui::CentralPanel::default().show(ui, |ui| {
                results_ui(ui, Some(&data), &baselines, 2, None, &mut commands);
            });
        });
    h.run();
    h
}

/// Issue 15: "Speedup 2.75×, Efficiency 137 %" over a baseline timed while
/// the machine was busy. Such a speedup is shown marked, with both loads.
#[test]
fn a_speedup_over_a_baseline_timed_under_another_load_is_marked() {
    let h = result_over_baseline(1.3, 0.1);
    let all: Vec<String> = h
        .get_all_by_role(Role::Label)
        .filter_map(|n| n.accesskit_node().value())
        .collect();
    let at = all.iter().position(|l| l == "Speedup").expect("a speedup");
    assert_eq!(all[at + 1], "2.76×");
    assert_eq!(all[at + 2], "skewed", "the number is marked: {all:?}");
    let why = all
        .iter()
        .find(|l| l.contains("under another load"))
        .expect("the panel says why");
    assert!(
        why.contains("1.3 cores busy then") && why.contains("0.1 of a core during this run"),
        "{why}"
    );
    let at = all
        .iter()
        .position(|l| l == "Efficiency")
        .expect("an efficiency");
    assert_eq!(all[at + 1..at + 3], ["138 %", "skewed"], "{all:?}");

    // The same run under the serial run's load: a clean number.
    let clean = result_over_baseline(1.2, 1.1);
    assert!(clean.query_by_label("skewed").is_none());
    assert!(
        clean
            .query_by_label_contains("under another load")
            .is_none()
    );
    assert!(
        clean
            .query_by_label_contains("over one thread: 400")
            .is_some()
    );
}

#[test]
fn snapshot_of_a_speedup_marked_as_skewed() {
    let mut h = result_over_baseline(1.3, 0.1);
    h.snapshot("result_skewed_speedup");
}

/// A hand-built queue run: thread 0 is asked for at 0 and starts at 1 ms,
/// puts four items; threads 1 and 2 start later, each takes two items in
/// turn and waits on I/O for each, with a GIL wait inside the first.
fn recorded_queue_run() -> RunData {
    use threadlab::model::{Event, EventKind::*, WorkerId};
    const MS: u64 = 1_000_000;
    let ev = |t: u64, thread: u16, kind, arg| Event::new(t, WorkerId::new(0, thread), kind, arg);
    let mut events = vec![ev(MS, 0, WorkerStart, MS), ev(MS, 0, GilAcquire, 1)];
    for item in 0..4u64 {
        let t = MS + (item + 1) * 200_000;
        events.push(ev(t, 0, QueuePut, item));
        events.push(ev(t, 0, QueueDepth, item + 1));
    }
    events.push(ev(2 * MS, 0, GilRelease, 0));
    for (thread, start) in [(1u16, 2 * MS), (2, 3 * MS)] {
        events.push(ev(start - MS / 2, thread, WorkerStart, MS));
        let mut t = start;
        for round in 0..2u64 {
            let item = u64::from(thread) - 1 + 2 * round;
            events.push(ev(t, thread, GilAcquire, 2 + item));
            // Items leave in their order: the queue holds 3 - item after.
            events.push(ev(t, thread, QueueGet, item));
            events.push(ev(t, thread, QueueDepth, 3 - item));
            events.push(ev(t, thread, TaskStart, item));
            events.push(ev(t + MS / 2, thread, GilRelease, 0));
            events.push(ev(t + MS / 2, thread, IoWaitStart, 4_000));
            events.push(ev(t + 4 * MS, thread, IoWaitEnd, 0));
            events.push(ev(t + 4 * MS, thread, GilWait, 0));
            events.push(ev(t + 5 * MS, thread, GilAcquire, 10 + item));
            events.push(ev(t + 6 * MS, thread, TaskEnd, item));
            events.push(ev(t + 6 * MS, thread, GilRelease, 0));
            t += 6 * MS;
        }
    }
    let scenario = Scenario {
        name: "hand-built-queue".to_owned(),
        lab: threadlab::model::Lab::Queue,
        threads: 2,
        tasks: 4,
        ..Scenario::default()
    };
    let mut data = RunData::new(scenario);
    for thread in 0..3 {
        let batch = events.iter().copied().filter(|e| e.worker.thread == thread);
        data.apply(RunMessage::Events(batch.collect()));
    }
    data
}

/// Issue 15: who owns which item, read off the picture: the queue's row,
/// a line from it to each taker, each item labelled on its whole extent
/// (its I/O and GIL waits included), and every lane's start.
#[test]
fn snapshot_of_a_queue_handing_items_to_its_workers() {
    let data = recorded_queue_run();
    let queue = data.timeline.queues().of(0).expect("the queue is kept");
    assert_eq!(queue.takes.len(), 4);
    assert_eq!(queue.max_depth(), 4);
    let mut view = TimeView::default();
    let mut h = Harness::builder()
        .with_size([900.0, 260.0])
        .build_ui(move |ui| {
            threadlab::gui::present::setup_style(ui.ctx(), false);
            egui::CentralPanel::default().show(ui, |ui| {
                timeline_ui(ui, &data.timeline, &mut view, data.horizon_ns());
            });
        });
    h.run();
    h.snapshot("queue_handovers");
}
