//! The CPython switch and the code panel, driven through the window's
//! widgets (egui_kittest): the real run under the model's, a missing
//! interpreter said in one line while the window goes on, and the program
//! following the knobs, with its measuring lines on request, saved to a file.
#![cfg(feature = "gui")]

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use std::time::{Duration, Instant};
use threadlab::gui::{AppOptions, ThreadlabApp};

#[path = "util/window.rs"]
mod harness;
use harness::window;

const RUN_TIMEOUT: Duration = Duration::from_secs(300);

fn app(options: AppOptions) -> ThreadlabApp {
    ThreadlabApp::new(options).expect("the preset opens")
}

fn wait_for_the_end(h: &mut Harness<'static, ThreadlabApp>) {
    let deadline = Instant::now() + RUN_TIMEOUT;
    h.step();
    while h.state().is_busy() {
        assert!(Instant::now() < deadline, "the runs did not end");
        std::thread::sleep(Duration::from_millis(15));
        h.step();
    }
    h.run();
}

fn labels(h: &Harness<'static, ThreadlabApp>) -> Vec<String> {
    h.get_all_by_role(Role::Label)
        .filter_map(|n| n.accesskit_node().value())
        .collect()
}

fn set_slider(h: &mut Harness<'static, ThreadlabApp>, label: &str, value: f64) {
    h.get_by_role_and_label(Role::Slider, label)
        .set_value_accesskit(value);
    h.step();
}

fn has_python3() -> bool {
    match threadlab::python::interpreter::find(None) {
        Ok(_) => true,
        Err(e) => {
            eprintln!("skipped: {e}");
            false
        }
    }
}

#[test]
fn the_cpython_switch_runs_the_real_interpreter_under_the_model() {
    if !has_python3() {
        return;
    }
    let mut h = window(app(AppOptions {
        preset: Some("race".to_owned()),
        ..AppOptions::default()
    }));
    h.get_by_label("Run again when a setting changes").click();
    h.step();
    set_slider(&mut h, "I/O wait", 20.0);
    h.get_by_label("CPython").click();
    h.step();
    assert!(h.state().lens().on, "the switch is on");
    h.get_by_role_and_label(Role::Button, "Run").click();
    wait_for_the_end(&mut h);
    let model = h
        .state()
        .run_data()
        .and_then(|d| d.summary())
        .expect("the model ran");
    let real = h
        .state()
        .lens()
        .real
        .as_ref()
        .and_then(|r| r.data.summary())
        .expect("python3 ran");
    // The tutorial's race, in both: 20 updates, 10 counted.
    assert_eq!(model.counter.map(|c| c.actual), Some(10));
    assert_eq!(real.counter.map(|c| c.actual), Some(10));
    assert!(
        h.state()
            .lens()
            .real
            .as_ref()
            .is_some_and(|r| r.data.timeline.worker_count() == 2)
    );
    let shown = labels(&h);
    for row in ["wall time", "lost updates", "model", "CPython"] {
        assert!(shown.iter().any(|l| l == row), "no {row} in {shown:?}");
    }
    h.state_mut().shutdown();
}

#[test]
fn without_python3_the_lens_says_so_and_the_window_keeps_working() {
    let mut h = window(app(AppOptions {
        preset: Some("race".to_owned()),
        cpython: true,
        python: Some("/no/such/python3".into()),
        ..AppOptions::default()
    }));
    h.get_by_label("Run again when a setting changes").click();
    h.step();
    set_slider(&mut h, "I/O wait", 5.0);
    h.get_by_role_and_label(Role::Button, "Run").click();
    wait_for_the_end(&mut h);
    let said: Vec<String> = labels(&h)
        .into_iter()
        .filter(|l| l.contains("/no/such/python3"))
        .collect();
    assert_eq!(said.len(), 1, "one line about it: {said:?}");
    assert!(
        said[0].starts_with("CPython: cannot use /no/such/python3"),
        "{said:?}"
    );
    assert!(
        h.state().run_data().and_then(|d| d.summary()).is_some(),
        "the model ran"
    );
    // The window goes on: the switch off, another run.
    h.get_by_label("CPython").click();
    h.step();
    h.get_by_role_and_label(Role::Button, "Run").click();
    wait_for_the_end(&mut h);
    assert!(h.state().run_data().and_then(|d| d.summary()).is_some());
    h.state_mut().shutdown();
}

#[test]
fn the_code_panel_follows_the_knobs_and_saves_the_program() {
    let dir = tempfile::tempdir().expect("a folder");
    let mut a = app(AppOptions {
        preset: Some("cpu-bound".to_owned()),
        code: true,
        ..AppOptions::default()
    });
    a.set_export_dir(dir.path().to_owned());
    let mut h = window(a);
    h.get_by_label("Run again when a setting changes").click();
    h.step();
    let line =
        |h: &Harness<'static, ThreadlabApp>, text: &str| labels(h).iter().any(|l| l.contains(text));
    assert!(line(&h, "THREADS = 4"));
    set_slider(&mut h, "Threads", 2.0);
    h.run();
    assert!(line(&h, "THREADS = 2"), "the program follows the knob");
    assert!(!line(&h, "probe.blocks"), "no measuring lines unless asked");
    h.get_by_label("Measuring lines").click();
    h.run();
    assert!(line(&h, "probe.blocks"), "measuring lines shown");
    h.get_by_role_and_label(Role::Button, "Save").click();
    h.run();
    let saved: Vec<_> = std::fs::read_dir(dir.path())
        .expect("the folder")
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(saved.len(), 1, "{saved:?}");
    let text = std::fs::read_to_string(&saved[0]).expect("readable");
    assert!(text.contains("THREADS = 2") && text.contains("import threadlab_probe"));
    assert!(line(&h, "Saved "));
    // K closes it.
    h.key_press(egui::Key::K);
    h.run();
    assert!(!h.state().code().open);
}
