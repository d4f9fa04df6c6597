//! The replay, driven through its controls on a fixed recorded run (no live
//! timing): the cursor starts at 0 and moves forward when played or
//! stepped, the counters on the right follow it, and at the end they show
//! the run's totals. One real re-run checks that the previous run stays
//! behind as a ghost. Pictures at 1920x1080 go to `tests/snapshots/`.
#![cfg(feature = "gui")]

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use std::time::{Duration, Instant};
use threadlab::gui::run_state::RunData;
use threadlab::gui::{AppOptions, ThreadlabApp};

#[path = "util/recorded.rs"]
mod recorded;
use recorded::{recorded_run, recorded_run_scaled};

const RUN_TIMEOUT: Duration = Duration::from_secs(300);

fn window_sized(app: ThreadlabApp, size: [f32; 2]) -> Harness<'static, ThreadlabApp> {
    Harness::builder()
        .with_size(size)
        .with_step_dt(1.0 / 60.0)
        .build_ui_state(
            |ui, app: &mut ThreadlabApp| {
                app.logic(ui.ctx());
                app.ui(ui);
            },
            app,
        )
}

fn window(app: ThreadlabApp) -> Harness<'static, ThreadlabApp> {
    window_sized(app, [1280.0, 720.0])
}

fn new_app() -> ThreadlabApp {
    ThreadlabApp::new(AppOptions::default()).expect("the default preset opens")
}

fn recorded_window() -> Harness<'static, ThreadlabApp> {
    let mut h = window(new_app().with_recorded(recorded_run()));
    h.run();
    h
}

/// Every text label in reading order.
fn labels(h: &Harness<'static, ThreadlabApp>) -> Vec<String> {
    h.get_all_by_role(Role::Label)
        .filter_map(|n| n.accesskit_node().value())
        .collect()
}

/// The value shown right after the label `name` in a grid.
fn value_after(h: &Harness<'static, ThreadlabApp>, name: &str) -> Option<String> {
    let all = labels(h);
    let at = all.iter().position(|l| l == name)?;
    all.get(at + 1).cloned()
}

/// A number as the window prints it ("1,234").
fn number(text: &str) -> u64 {
    text.replace(',', "").parse().expect("a number")
}

fn cursor(h: &Harness<'static, ThreadlabApp>) -> Option<u64> {
    h.state().replay().cursor_ns()
}

fn click(h: &mut Harness<'static, ThreadlabApp>, button: &str) {
    h.get_by_role_and_label(Role::Button, button).click();
    h.run();
}

fn scrub_to_ms(h: &mut Harness<'static, ThreadlabApp>, ms: f64) {
    h.get_by_role_and_label(Role::Slider, "Replay time")
        .set_value_accesskit(ms);
    h.run();
}

/// GIL hand-overs up to `t_ns`, counted from the GIL lanes themselves.
fn handovers_until(data: &RunData, t_ns: u64) -> u64 {
    data.timeline
        .tracks()
        .flat_map(|t| t.gil.spans().iter())
        .filter(|h| h.handover && h.start_ns <= t_ns)
        .count() as u64
}

#[test]
fn starting_the_replay_puts_the_cursor_at_zero_and_playing_moves_it() {
    let mut h = recorded_window();
    assert_eq!(cursor(&h), None, "the whole run until someone replays it");
    h.get_by_role_and_label(Role::Button, "Replay").click();
    h.step();
    h.step();
    assert_eq!(cursor(&h), Some(0));
    assert!(h.state().replay().is_playing());
    // While it plays the window asks for steady frames.
    for _ in 0..3 {
        h.step();
    }
    let delay = h
        .output()
        .viewport_output
        .values()
        .map(|v| v.repaint_delay)
        .min();
    assert!(
        delay.is_some_and(|d| d >= Duration::from_millis(20) && d <= Duration::from_millis(50)),
        "{delay:?}"
    );
    for _ in 0..10 {
        h.step();
    }
    let moved = cursor(&h).expect("still replaying");
    assert!(moved > 0, "playing moves the cursor");
    assert!(
        moved < 5_000_000,
        "at 0.01×, 10 frames are well under 5 ms of the run: {moved}"
    );
    click(&mut h, "Pause");
    let paused = cursor(&h);
    for _ in 0..5 {
        h.step();
    }
    assert_eq!(cursor(&h), paused, "a paused cursor stays put");
    // Paused: the window does not ask for frames.
    let delay = h
        .output()
        .viewport_output
        .values()
        .map(|v| v.repaint_delay)
        .min();
    assert!(
        delay.is_some_and(|d| d > Duration::from_secs(1)),
        "{delay:?}"
    );
}

#[test]
fn stepping_lands_on_changes_forward_and_back() {
    let mut h = recorded_window();
    click(&mut h, "Back to the start");
    assert_eq!(cursor(&h), Some(0));
    let mut seen = vec![0];
    for _ in 0..6 {
        click(&mut h, "Next change");
        let t = cursor(&h).expect("replaying");
        assert!(
            t > *seen.last().unwrap(),
            "each step moves forward: {seen:?} then {t}"
        );
        seen.push(t);
    }
    // Every stop is a moment where something changed.
    let data = h.state().run_data().expect("a run");
    for &t in &seen[1..] {
        assert_eq!(
            data.timeline.prev_change_before(t + 1),
            Some(t),
            "{t} is a change"
        );
    }
    click(&mut h, "Previous change");
    assert!(cursor(&h).unwrap() < seen[6]);
    assert!(!h.state().replay().is_playing(), "stepping pauses");
}

#[test]
fn the_counters_follow_the_cursor() {
    let mut h = recorded_window();
    let total = number(&value_after(&h, "GIL hand-overs").expect("a total"));
    assert!(total > 600);
    // Into the run, past the first few long turns.
    scrub_to_ms(&mut h, 22.0);
    let t = cursor(&h).expect("scrubbing starts a replay");
    assert!((t as f64 - 22e6).abs() < 1e5, "{t}");
    let shown = number(&value_after(&h, "GIL hand-overs").expect("a count"));
    let data = h.state().run_data().expect("a run");
    assert_eq!(shown, handovers_until(data, t));
    assert!(shown > 0 && shown < total, "{shown} of {total}");
    assert!(labels(&h).iter().any(|l| l == &format!("of {total}")));
    assert!(
        labels(&h).iter().any(|l| l.starts_with("at 22.0")),
        "the counters say when they are from"
    );
    // Waiting for the GIL so far is less than over the whole run.
    let wait_at = value_after(&h, "Waiting for the GIL").expect("a wait");
    scrub_to_ms(&mut h, 5.0);
    let earlier = number(&value_after(&h, "GIL hand-overs").expect("a count"));
    assert!(earlier < shown);
    assert_ne!(value_after(&h, "Waiting for the GIL"), Some(wait_at));
}

#[test]
fn scrubbing_to_the_end_shows_the_totals() {
    let mut h = recorded_window();
    let whole = (
        value_after(&h, "GIL hand-overs").expect("hand-overs"),
        value_after(&h, "Waiting for the GIL").expect("wait"),
    );
    let end_ms = h.state().run_data().expect("a run").timeline.horizon_ns() as f64 / 1e6;
    scrub_to_ms(&mut h, end_ms / 2.0);
    assert!(value_after(&h, "GIL hand-overs") != Some(whole.0.clone()));
    scrub_to_ms(&mut h, end_ms);
    assert!(h.state().replay().is_active());
    let at_end = labels(&h);
    let at = at_end
        .iter()
        .position(|l| l == "GIL hand-overs")
        .expect("row");
    assert_eq!(at_end[at + 1], whole.0, "all hand-overs by the end");
    assert_eq!(
        value_after(&h, "Waiting for the GIL"),
        Some(whole.1.clone())
    );
    click(&mut h, "Leave the replay");
    assert_eq!(cursor(&h), None);
    assert_eq!(value_after(&h, "GIL hand-overs"), Some(whole.0));
}

#[test]
fn dragging_on_the_time_axis_moves_the_cursor() {
    let mut h = recorded_window();
    // The axis runs along the top of the timeline, just under the replay bar.
    let bar = h.get_by_role_and_label(Role::Button, "Next change").rect();
    let y = bar.bottom() + 12.0;
    let central_left = 276.0;
    let (x0, x1) = (central_left + 200.0, central_left + 400.0);
    h.drag_at(egui::pos2(x0, y));
    h.step();
    let first = cursor(&h).expect("a press on the axis starts a replay");
    h.hover_at(egui::pos2(x1, y));
    h.step();
    h.drop_at(egui::pos2(x1, y));
    h.run();
    let second = cursor(&h).expect("still replaying");
    assert!(second > first, "{first} -> {second}");
}

#[test]
fn a_rerun_keeps_the_previous_run_as_a_ghost() {
    let options = AppOptions {
        preset: Some("race".to_owned()),
        ..AppOptions::default()
    };
    let mut h = window(ThreadlabApp::new(options).expect("race"));
    h.get_by_role_and_label(Role::Button, "Run").click();
    wait_for_the_end(&mut h);
    assert!(
        !labels(&h).iter().any(|l| l.starts_with("previous: ")),
        "no ghost after the first run"
    );
    h.get_by_role_and_label(Role::CheckBox, "Lock").click();
    h.step();
    wait_for_the_end(&mut h);
    let ghost = h.get_all_by_role(Role::CheckBox).find_map(|n| {
        n.accesskit_node()
            .label()
            .filter(|l| l.starts_with("previous: "))
    });
    assert!(
        ghost.is_some(),
        "the previous run of the preset stays as a ghost"
    );
    assert!(h.state_mut().ghost_mut().show);
    h.get_by_role_and_label(Role::CheckBox, &ghost.unwrap())
        .click();
    h.run();
    assert!(!h.state_mut().ghost_mut().show, "the checkbox hides it");
    // A real race replays with its counter plot following the cursor, at
    // a steady frame rate.
    h.get_by_role_and_label(Role::Button, "Replay").click();
    for _ in 0..4 {
        h.step();
    }
    assert!(
        labels(&h)
            .iter()
            .any(|l| l.ends_with("updates lost so far"))
    );
    let delay = h
        .output()
        .viewport_output
        .values()
        .map(|v| v.repaint_delay)
        .min();
    assert!(
        delay.is_some_and(|d| d >= Duration::from_millis(20)),
        "{delay:?}"
    );
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
    h.run();
}

#[test]
fn snapshot_mid_replay_at_1920x1080() {
    let mut h = window_sized(new_app().with_recorded(recorded_run()), [1920.0, 1080.0]);
    h.run();
    h.state_mut().replay_mut().set_cursor(23.5e6);
    h.run();
    h.snapshot("replay_1920x1080");
}

#[test]
fn snapshot_mid_replay_at_1280x720_with_a_ghost() {
    let mut h = window(new_app().with_recorded(recorded_run()));
    h.run();
    let previous = recorded_run_scaled(5, 4);
    let scenario = previous.scenario.clone();
    h.state_mut()
        .ghost_mut()
        .after_rerun(Some(previous), &scenario);
    h.state_mut().replay_mut().set_cursor(40.0e6);
    h.run();
    h.snapshot("replay_1280x720_ghost");
}

#[test]
fn snapshot_of_a_ghost_behind_a_shorter_rerun() {
    let mut h = window(new_app().with_recorded(recorded_run()));
    h.run();
    let previous = recorded_run_scaled(3, 2);
    let scenario = previous.scenario.clone();
    h.state_mut()
        .ghost_mut()
        .after_rerun(Some(previous), &scenario);
    h.run();
    h.snapshot("ghost_1280x720");
}

#[test]
fn a_presenter_replays_with_the_keyboard() {
    use egui::Key;
    let mut h = recorded_window();
    let press = |h: &mut Harness<'static, ThreadlabApp>, key: Key| {
        h.key_press(key);
        h.step();
        h.step();
    };
    press(&mut h, Key::Space);
    assert!(h.state().replay().is_playing(), "Space plays");
    press(&mut h, Key::Space);
    assert!(!h.state().replay().is_playing(), "Space again pauses");
    press(&mut h, Key::Home);
    assert_eq!(cursor(&h), Some(0));
    press(&mut h, Key::ArrowRight);
    let first = cursor(&h).expect("replaying");
    assert!(first > 0, "Right steps to the next change");
    press(&mut h, Key::ArrowRight);
    let second = cursor(&h).expect("replaying");
    assert!(second > first);
    press(&mut h, Key::ArrowLeft);
    assert_eq!(cursor(&h), Some(first), "Left steps back");
    let speed = h.state().replay().speed();
    press(&mut h, Key::Minus);
    assert!(h.state().replay().speed() < speed, "Minus slows down");
    press(&mut h, Key::End);
    let end = cursor(&h).expect("replaying");
    assert!(end > second, "End jumps to the end");
}
