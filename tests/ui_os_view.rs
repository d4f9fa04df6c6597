//! The operating system's part, in the window: the state "ready, waiting
//! for a core" has its legend entry and its tooltip, the GIL lane says when
//! its holder is off every core, and the result names what drawing the
//! window cost apart from other programs. Drawn from a hand-built run.
#![cfg(feature = "gui")]

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use threadlab::analysis::timeline::PixelWindow;
use threadlab::gui::timeline::{Row, row_tooltip};
use threadlab::gui::{AppOptions, ThreadlabApp};
use threadlab::model::WorkerId;

#[path = "util/oversubscribed.rs"]
mod oversubscribed;
use oversubscribed::oversubscribed_run;

#[path = "util/window.rs"]
mod harness;

fn window() -> Harness<'static, ThreadlabApp> {
    let app = ThreadlabApp::new(AppOptions::default())
        .expect("the default preset opens")
        .with_recorded(oversubscribed_run());
    let mut h = harness::window(app);
    h.run();
    h
}

fn labels(h: &Harness<'static, ThreadlabApp>) -> Vec<String> {
    h.get_all_by_role(Role::Label)
        .filter_map(|n| n.accesskit_node().value())
        .collect()
}

#[test]
fn the_wait_for_a_core_has_a_legend_entry() {
    let h = window();
    let all = labels(&h);
    assert!(
        all.iter().any(|l| l == "ready, waiting for a core"),
        "legend: {all:?}"
    );
}

#[test]
fn a_worker_waiting_for_a_core_says_so_under_the_pointer() {
    let data = oversubscribed_run();
    let track = data
        .timeline
        .track(WorkerId::new(1, 0))
        .expect("process 1's worker");
    let window = PixelWindow {
        start_ns: 0.0,
        end_ns: 100e6,
        ns_per_px: 1e4,
    };
    // Process 1 runs 0–4 ms, then waits for a core 4–8 ms.
    let waiting = row_tooltip(&data.timeline, Row::Worker(track, 0), 6e6, window).unwrap();
    assert!(waiting.contains("ready, waiting for a core"), "{waiting}");
    assert!(
        waiting.contains("gave its core to another thread"),
        "{waiting}"
    );
    let running = row_tooltip(&data.timeline, Row::Worker(track, 0), 2e6, window).unwrap();
    assert!(!running.contains("waiting for a core"), "{running}");
    // Its GIL lane: it holds the GIL, but does not run.
    let gil = row_tooltip(&data.timeline, Row::Gil(1), 6e6, window).unwrap();
    assert!(gil.contains("off every core"), "{gil}");
}

#[test]
fn the_result_names_the_window_apart_from_other_programs() {
    let h = window();
    let all = labels(&h);
    assert!(
        all.iter()
            .any(|l| l.starts_with("Drawing this window took 0.3 of a core")
                && l.contains("not counted as other programs")),
        "result: {all:?}"
    );
    assert!(
        !all.iter().any(|l| l.starts_with("Other programs kept")),
        "nothing else ran: no warning about other programs: {all:?}"
    );
}

#[test]
fn snapshot_of_four_processes_taking_turns_on_two_cores() {
    let mut h = window();
    h.snapshot("os_view_oversubscribed");
}
