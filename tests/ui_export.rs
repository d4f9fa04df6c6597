//! The window's export row, pressed the way a lecturer presses it: PNG,
//! Trace and CSV write files named after the preset into the export folder
//! and say where; a folder that cannot be written says why, and the window
//! keeps working. Runs on a fixed, hand-built run (no live timing).
#![cfg(feature = "gui")]

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use threadlab::gui::run_state::ExportKind;
use threadlab::gui::run_state::RunData;
use threadlab::gui::{AppOptions, ThreadlabApp};
use threadlab::model::{
    CounterSummary, Event, EventKind, RunMessage, RunSummary, Scenario, WorkerId,
};

#[path = "util/window.rs"]
mod harness;
use harness::window;

const MS: u64 = 1_000_000;

/// Two threads take turns with the GIL and a lock and write a shared counter.
fn recorded_race() -> RunData {
    let mut events = Vec::new();
    for i in 0..6u64 {
        let w = WorkerId::new(0, (i % 2) as u16);
        let t = i * 2 * MS;
        events.push(Event::new(t, w, EventKind::GilAcquire, i + 1));
        events.push(Event::new(t, w, EventKind::LockAcquire, i + 1));
        events.push(Event::new(t + MS, w, EventKind::CounterWrite, i + 1));
        events.push(Event::new(t + MS, w, EventKind::LockRelease, 0));
        events.push(Event::new(t + 2 * MS, w, EventKind::GilRelease, 0));
    }
    let scenario = Scenario {
        name: "race".to_owned(),
        threads: 2,
        ..Scenario::default()
    };
    let mut data = RunData::new(scenario);
    data.apply(RunMessage::Events(events));
    data.apply(RunMessage::Finished(Box::new(Ok(RunSummary {
        preset: "race".to_owned(),
        threads: 2,
        gil: true,
        wall_ms: 12.0,
        counter: Some(CounterSummary {
            expected: 6,
            actual: 6,
            lost_updates: 0,
        }),
        ..RunSummary::default()
    }))));
    data
}

fn window_on_race(dir: &Path) -> Harness<'static, ThreadlabApp> {
    let mut app = ThreadlabApp::new(AppOptions {
        preset: Some("race".to_owned()),
        ..AppOptions::default()
    })
    .expect("the race preset opens")
    .with_recorded(recorded_race());
    app.set_export_dir(dir.to_path_buf());
    let mut h = window(app);
    h.run();
    h
}

/// Steps the window until the export is written.
fn wait_for_export(h: &mut Harness<'static, ThreadlabApp>) {
    let deadline = Instant::now() + Duration::from_secs(60);
    h.step();
    while h.state().is_exporting() {
        assert!(Instant::now() < deadline, "the export did not finish");
        std::thread::sleep(Duration::from_millis(10));
        h.step();
    }
    h.step();
}

fn press(h: &mut Harness<'static, ThreadlabApp>, label: &str) {
    h.get_by_role_and_label(Role::Button, label).click();
    wait_for_export(h);
}

/// The one file in `dir` with extension `ext`.
fn exported(dir: &Path, ext: &str) -> PathBuf {
    let found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    found[0].clone()
}

fn notice(h: &Harness<'static, ThreadlabApp>) -> (String, bool) {
    let n = h.state().export_notice().expect("a notice");
    (n.text.clone(), n.error)
}

#[test]
fn trace_and_csv_buttons_write_files_and_say_where() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = window_on_race(dir.path());

    press(&mut h, "Trace");
    let trace = exported(dir.path(), "json");
    let name = trace.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("threadlab-race-"), "{name}");
    let (text, error) = notice(&h);
    assert!(
        !error && text.contains(&trace.display().to_string()),
        "{text}"
    );
    // The notice is on screen too.
    h.get_by_label(&text);
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&trace).unwrap()).unwrap();
    let events = doc["traceEvents"].as_array().unwrap();
    assert!(events.iter().any(|e| e["args"]["name"] == "lock holder"));
    assert_eq!(events.iter().filter(|e| e["ph"] == "C").count(), 6);

    press(&mut h, "CSV");
    let csv = std::fs::read_to_string(exported(dir.path(), "csv")).unwrap();
    let lines: Vec<_> = csv.lines().collect();
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[0].starts_with("preset,") && lines[1].starts_with("race,"));
    assert!(notice(&h).0.contains(".csv"));
}

#[test]
fn png_button_saves_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = window_on_race(dir.path());
    press(&mut h, "PNG");
    let (text, error) = notice(&h);
    assert!(!error, "{text}");
    let png = image::open(exported(dir.path(), "png")).unwrap();
    assert!(png.width() >= 1000 && png.height() >= 600, "{png:?}");
}

#[test]
fn an_unwritable_folder_is_a_clear_error_and_the_window_keeps_working() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-folder");
    let mut h = window_on_race(&missing);
    press(&mut h, "Trace");
    let (text, error) = notice(&h);
    assert!(error, "{text}");
    assert!(text.contains("no-such-folder"), "{text}");

    // Still usable: a good folder works at once.
    h.state_mut().set_export_dir(dir.path().to_path_buf());
    h.state_mut().request_export(ExportKind::Csv);
    wait_for_export(&mut h);
    assert!(!notice(&h).1, "{}", notice(&h).0);
    exported(dir.path(), "csv");
}

#[test]
fn without_a_finished_run_there_is_nothing_to_export() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = ThreadlabApp::new(AppOptions::default()).unwrap();
    app.set_export_dir(dir.path().to_path_buf());
    let mut h = window(app);
    h.run();
    assert!(
        h.get_by_role_and_label(Role::Button, "Trace")
            .accesskit_node()
            .is_disabled(),
        "Trace waits for a run"
    );
    h.state_mut().request_export(ExportKind::Trace);
    wait_for_export(&mut h);
    let (text, error) = notice(&h);
    assert!(error && text.contains("run the experiment"), "{text}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}
