//! The compare view, driven through the window's widgets (egui_kittest): a
//! real comparison of small work shows a bar per configuration with its
//! measured speedup; Stop ends it at once and leaves no child process; and
//! a picture of the view drawn from a fixed, hand-built comparison (no live
//! timing), compared with the PNG under `tests/snapshots/`.
#![cfg(feature = "gui")]

#[path = "util/children.rs"]
mod children;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use std::time::{Duration, Instant};
use threadlab::engine::compare::compare_configs;
use threadlab::gui::compare::{Comparison, Ghost, Progress};
use threadlab::gui::run_state::RunData;
use threadlab::gui::{AppOptions, ThreadlabApp};
use threadlab::model::{Event, EventKind, RunMessage, RunSummary, Scenario, WorkerId, load_preset};

#[path = "util/window.rs"]
mod harness;
use harness::window;

/// Long enough for a slow, busy machine; the small comparison takes seconds.
const TIMEOUT: Duration = Duration::from_secs(300);

fn new_app() -> ThreadlabApp {
    ThreadlabApp::new(AppOptions::default()).expect("the default preset opens")
}

fn set_slider(h: &mut Harness<'static, ThreadlabApp>, label: &str, value: f64) {
    h.get_by_role_and_label(Role::Slider, label)
        .set_value_accesskit(value);
    h.step();
}

/// Steps the window until `done` holds.
fn step_until(
    h: &mut Harness<'static, ThreadlabApp>,
    what: &str,
    done: impl Fn(&ThreadlabApp) -> bool,
) {
    let deadline = Instant::now() + TIMEOUT;
    h.step();
    while !done(h.state()) {
        assert!(Instant::now() < deadline, "{what}: not within {TIMEOUT:?}");
        std::thread::sleep(Duration::from_millis(15));
        h.step();
    }
}

/// The default preset (cpu-bound) with auto-run off and small work.
fn small_cpu_bound(task_size: f64, tasks: f64) -> Harness<'static, ThreadlabApp> {
    let mut h = window(new_app());
    h.get_by_label("Run again when a setting changes").click();
    h.step();
    set_slider(&mut h, "Task size", task_size);
    set_slider(&mut h, "Tasks", tasks);
    assert!(!h.state().is_busy(), "auto-run is off");
    h
}

/// The speedup a bar shows, read from its accessible name.
fn bar_text(h: &Harness<'static, ThreadlabApp>, label: &str) -> String {
    let name = format!("{label} speedup ");
    let node = h.get_by_label_contains(&name);
    let full = node.accesskit_node().label().unwrap_or_default();
    full[name.len()..].to_owned()
}

#[test]
fn compare_shows_a_bar_per_configuration_with_its_measured_speedup() {
    let _guard = children::setup();
    let mut h = small_cpu_bound(10_000.0, 8.0);
    h.get_by_role_and_label(Role::Button, "Compare").click();
    h.step();
    assert!(h.state().compare().is_shown());
    assert!(h.state().is_busy(), "the comparison runs");
    step_until(&mut h, "the comparison ends", |app| !app.is_busy());
    h.run();

    let c = h.state().compare().comparison().expect("a comparison");
    assert_eq!(c.progress(), Progress::Done);
    let labels: Vec<String> = c.configs.iter().map(|k| k.label.clone()).collect();
    assert_eq!(
        labels,
        ["serial", "threads", "processes", "gil-off", "native"]
    );
    let speedups: Vec<f64> = (0..labels.len())
        .map(|i| c.row(i).expect("every configuration measured").speedup)
        .collect();
    assert_eq!(speedups[0], 1.0);
    assert!(speedups.iter().all(|s| s.is_finite() && *s > 0.0));
    // Each run did all the work.
    assert!(c.configs.iter().all(|k| {
        k.data
            .as_ref()
            .and_then(RunData::summary)
            .is_some_and(|s| s.tasks_done == 8)
    }));
    // A bar per configuration, each with its measured number.
    assert_eq!(bar_text(&h, "serial"), "1.0×");
    for (label, s) in labels.iter().zip(&speedups) {
        let shown = bar_text(&h, label);
        let want = threadlab::gui::format::speedup_text(*s);
        assert_eq!(shown, want, "{label}");
    }
    // The results column repeats them.
    assert!(h.query_all_by_label("1.0×").next().is_some());

    // Compare again: the first comparison stays behind as a ghost.
    h.get_by_role_and_label(Role::Button, "Compare").click();
    step_until(&mut h, "the second comparison ends", |app| !app.is_busy());
    h.run();
    let ghost = h.state().compare().ghost().expect("the first comparison");
    assert_eq!(ghost.speedups.len(), 5);
    assert_eq!(ghost.speedup("processes"), Some(speedups[2]));

    // Back to one run: the single view returns.
    h.get_by_role_and_label(Role::Button, "Back to single run")
        .click();
    h.run();
    assert!(!h.state().compare().is_shown());
    assert!(h.query_by_label_contains("serial speedup").is_none());
    h.state_mut().shutdown();
    children::assert_no_workers_left(std::process::id(), Duration::from_secs(5));
}

#[test]
fn stop_cancels_the_comparison_and_leaves_no_child_behind() {
    let _guard = children::setup();
    // One long task: each run lasts long enough to be caught running.
    let mut h = small_cpu_bound(50_000_000.0, 1.0);
    h.get_by_role_and_label(Role::Button, "Compare").click();
    let me = std::process::id();
    // Stop while the child processes compute.
    step_until(&mut h, "the processes run", |app| {
        let running = app.compare().comparison().map(Comparison::progress);
        running == Some(Progress::Running(2)) && !children::workers_of(me).is_empty()
    });
    h.get_by_role_and_label(Role::Button, "Stop").click();
    h.step();
    assert!(!h.state().is_busy(), "Stop ends the comparison at once");
    let c = h.state().compare().comparison().expect("a comparison");
    assert_eq!(c.progress(), Progress::Stopped);
    assert!(
        c.configs[3].data.is_none() && c.configs[4].data.is_none(),
        "no run starts after Stop"
    );
    assert!(c.row(0).is_some(), "what was measured stays");
    h.run();
    assert!(h.query_by_label_contains("stopped").is_some());
    children::assert_no_workers_left(me, Duration::from_secs(10));
    h.state_mut().shutdown();
}

#[test]
fn only_the_task_experiments_can_be_compared() {
    let mut h = window(new_app());
    h.get_by_label("Run again when a setting changes").click();
    h.step();
    assert!(
        !h.get_by_role_and_label(Role::Button, "Compare")
            .accesskit_node()
            .is_disabled()
    );
    h.get_by_role_and_label(Role::ComboBox, "Preset").click();
    h.run();
    h.get_by_label("race").click();
    h.run();
    assert_eq!(h.state().scenario().name, "race");
    assert!(
        h.get_by_role_and_label(Role::Button, "Compare")
            .accesskit_node()
            .is_disabled()
    );
    // A key bound to the comparison on such a preset says why, and nothing runs.
    h.state_mut().start_compare();
    assert!(!h.state().compare().is_shown() && !h.state().is_busy());
}

// ---------------------------------------------------------------------------
// A picture from a fixed comparison.

const MS: u64 = 1_000_000;

/// Events of one worker computing from `start` to `end`, ms, on task `task`;
/// `gil` adds taking the GIL at the start and letting it go at the end.
fn computing(w: WorkerId, start: u64, end: u64, task: u64, gil: bool) -> Vec<Event> {
    let mut ev = vec![Event::new(start * MS, w, EventKind::WorkerStart, 0)];
    if gil {
        ev.push(Event::new(start * MS, w, EventKind::GilAcquire, 1));
    }
    ev.push(Event::new(start * MS, w, EventKind::TaskStart, task));
    ev.push(Event::new(end * MS, w, EventKind::TaskEnd, task));
    if gil {
        ev.push(Event::new(end * MS, w, EventKind::GilRelease, 0));
    }
    ev.push(Event::new(end * MS, w, EventKind::WorkerExit, 0));
    ev
}

/// Four threads sharing one GIL in 5 ms turns for `total` ms.
fn taking_turns(total: u64) -> Vec<Vec<Event>> {
    let mut per: Vec<Vec<Event>> = (0..4u16)
        .map(|t| {
            let w = WorkerId::new(0, t);
            vec![
                Event::new(0, w, EventKind::WorkerStart, 0),
                Event::new(0, w, EventKind::TaskStart, u64::from(t)),
                Event::new(0, w, EventKind::GilWait, 0),
            ]
        })
        .collect();
    let mut switch = 0;
    for turn in 0..total / 5 {
        let t = (turn % 4) as usize;
        let w = WorkerId::new(0, t as u16);
        let (a, b) = (turn * 5 * MS, (turn + 1) * 5 * MS);
        switch += 1;
        per[t].push(Event::new(a, w, EventKind::GilAcquire, switch));
        per[t].push(Event::new(b, w, EventKind::GilRelease, 1));
        per[t].push(Event::new(b, w, EventKind::GilWait, 0));
    }
    for (t, ev) in per.iter_mut().enumerate() {
        let w = WorkerId::new(0, t as u16);
        let end = total * MS;
        ev.push(Event::new(end, w, EventKind::GilAcquire, switch + 1));
        ev.push(Event::new(end, w, EventKind::TaskEnd, t as u64));
        ev.push(Event::new(end, w, EventKind::GilRelease, 0));
        ev.push(Event::new(end, w, EventKind::WorkerExit, 0));
    }
    per
}

/// A finished run of `scenario` made of `batches`, `wall` ms long.
fn recorded(scenario: Scenario, batches: Vec<Vec<Event>>, wall: u64) -> RunData {
    let mut data = RunData::new(scenario.clone());
    for b in batches {
        data.apply(RunMessage::Events(b));
    }
    data.apply(RunMessage::Finished(Box::new(Ok(RunSummary {
        preset: scenario.name.clone(),
        processes: scenario.processes,
        threads: scenario.threads,
        gil: scenario.gil,
        wall_ms: wall as f64,
        tasks_done: u64::from(scenario.tasks),
        ..RunSummary::default()
    }))));
    data
}

/// cpu-bound compared on a 2-core machine: threads as slow as serial,
/// processes, no GIL and native code twice as fast.
fn recorded_comparison() -> (Comparison, Ghost) {
    let base = Scenario {
        tasks: 4,
        task_size: 2_000_000,
        ..load_preset("cpu-bound")
            .and_then(Result::ok)
            .expect("preset")
    };
    let configs = compare_configs(&base);
    let w = WorkerId::new;
    let runs: Vec<Vec<Vec<Event>>> = vec![
        vec![computing(w(0, 0), 0, 80, 0, true)],
        taking_turns(80),
        (1..=4u16)
            .map(|p| computing(w(p, 0), 1, 41 + u64::from(p % 2) * 2, u64::from(p), true))
            .collect(),
        (0..4u16)
            .map(|t| computing(w(0, t), 0, 42 + u64::from(t), u64::from(t), false))
            .collect(),
        (0..4u16)
            .map(|t| {
                let mut ev = computing(w(0, t), 0, 40 + u64::from(t), u64::from(t), false);
                ev.insert(2, Event::new(MS / 2, w(0, t), EventKind::NativeStart, 0));
                let end = ev.len() - 2;
                ev.insert(
                    end,
                    Event::new((39 + u64::from(t)) * MS, w(0, t), EventKind::NativeEnd, 0),
                );
                ev
            })
            .collect(),
    ];
    let walls = [80, 80, 43, 45, 43];
    let data = configs
        .into_iter()
        .zip(runs)
        .zip(walls)
        .map(|(((label, s), batches), wall)| (label, recorded(s, batches, wall)))
        .collect();
    let ghost = Ghost {
        what: "N = 4 · 4 tasks of 1,000,000".to_owned(),
        speedups: [
            ("serial", 1.0),
            ("threads", 0.9),
            ("processes", 1.6),
            ("gil-off", 1.7),
            ("native", 1.8),
        ]
        .into_iter()
        .map(|(l, s)| (l.to_owned(), s))
        .collect(),
    };
    (Comparison::recorded(&base, 2, data), ghost)
}

#[test]
fn the_recorded_comparison_reads_as_the_lesson() {
    let (c, _) = recorded_comparison();
    assert_eq!(c.progress(), Progress::Done);
    let speedup = |i: usize| c.row(i).map(|r| r.speedup).expect("measured");
    assert_eq!(speedup(0), 1.0);
    assert_eq!(speedup(1), 1.0, "threads under one GIL: no faster");
    assert!(speedup(2) > 1.8, "processes: about twice");
    assert_eq!(c.ideal(2), 2.0);
    assert_eq!(c.horizon_ns(), 80 * MS);
}

#[test]
fn snapshot_of_the_compare_view_on_a_recorded_comparison() {
    let (c, ghost) = recorded_comparison();
    let mut h = window(new_app().with_recorded_compare(c, Some(ghost)));
    h.run();
    assert_eq!(bar_text(&h, "serial"), "1.0×");
    assert_eq!(bar_text(&h, "processes"), "1.9×");
    assert!(h.query_by_label("Show the one before").is_some());
    h.snapshot("compare_recorded");
    // The ghost can be hidden.
    h.get_by_label("Show the one before").click();
    h.run();
    assert!(h.state().compare().ghost().is_none());
    assert!(h.state().compare().has_ghost());
}
