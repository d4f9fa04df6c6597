//! A saved run in the window: a run of two processes, saved to a file and
//! opened again, shows the same lanes as before it was saved (the same
//! pixels, and a snapshot under `tests/snapshots/`), says it is a
//! recording and whose; Save run writes a file that opens; and a damaged
//! file, opened or dropped, leaves the window running with a notice.
#![cfg(feature = "gui")]

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use threadlab::gui::run_state::{RunData, open_run};
use threadlab::gui::timeline::{TimeView, cores_ui, timeline_ui};
use threadlab::gui::{AppOptions, ThreadlabApp};
use threadlab::model::{CoreSample, Event, EventKind, RunMessage, RunSummary, Scenario, WorkerId};
use threadlab::runfile::{Machine, RunInfo, save_run};

#[path = "util/window.rs"]
mod harness;
use harness::window;

const MS: u64 = 1_000_000;

/// The machine the hand-built run was "recorded" on: fixed, so the
/// picture is the same on every machine.
fn lecture_machine() -> Machine {
    Machine {
        logical_cores: 2,
        physical_cores: 2,
        topology: vec![vec![0], vec![1]],
        cpu_model: Some("Lecture Hall CPU".to_owned()),
        os: Some("Linux (Debian GNU/Linux 12)".to_owned()),
        threadlab_version: "0.1.0".to_owned(),
    }
}

/// Two child processes of two threads each, every process under its own
/// GIL: its threads take turns while the processes run side by side.
fn two_processes() -> RunData {
    let scenario = Scenario {
        name: "cpu-bound".to_owned(),
        processes: 2,
        threads: 2,
        tasks: 4,
        ..Scenario::default()
    };
    let mut data = RunData::new(scenario);
    for process in [1u16, 2] {
        let core = u64::from(process - 1);
        let mut batch = Vec::new();
        for thread in 0..2u16 {
            let w = WorkerId::new(process, thread);
            batch.push(Event::new(0, w, EventKind::WorkerStart, 0));
            batch.push(Event::new(0, w, EventKind::CoreChange, core));
            batch.push(Event::new(0, w, EventKind::TaskStart, u64::from(thread)));
        }
        for turn in 0..12u64 {
            let w = WorkerId::new(process, (turn % 2) as u16);
            let other = WorkerId::new(process, ((turn + 1) % 2) as u16);
            let t = turn * 5 * MS + u64::from(process) * 700_000;
            batch.push(Event::new(t, w, EventKind::GilAcquire, turn + 1));
            batch.push(Event::new(t, other, EventKind::GilWait, 0));
            batch.push(Event::new(t + 5 * MS, w, EventKind::GilRelease, 1));
        }
        let end = 61 * MS + u64::from(process) * 700_000;
        for thread in 0..2u16 {
            let w = WorkerId::new(process, thread);
            batch.push(Event::new(end, w, EventKind::TaskEnd, u64::from(thread)));
            batch.push(Event::new(end, w, EventKind::WorkerExit, 0));
        }
        batch.sort_by_key(|e| e.t_ns);
        data.apply(RunMessage::Events(batch));
    }
    for i in 0..=6u64 {
        data.apply(RunMessage::Cores(CoreSample {
            t_ns: i * 10 * MS,
            interval_ns: 10 * MS,
            usage: vec![95.0, 90.0 - i as f32],
            front_end: vec![1.0, 0.0],
            helpers: vec![0.0, 0.5],
        }));
    }
    data.machine_cores = 2;
    data.topology = lecture_machine().topology();
    data.apply(RunMessage::Finished(Box::new(Ok(RunSummary {
        preset: "cpu-bound".to_owned(),
        processes: 2,
        threads: 2,
        gil: true,
        wall_ms: 62.4,
        cpu_ms: 120.0,
        tasks_done: 4,
        cores: 2,
        cores_physical: 2,
        gil_switches: data.timeline.gil_handovers(),
        ..RunSummary::default()
    }))));
    data
}

/// Saves `data` as if recorded on the lecture machine on 2026-11-25.
fn save(data: &RunData, path: &Path) {
    let info = RunInfo {
        machine: lecture_machine(),
        recorded_unix_ms: 1_795_611_909_000,
        ..data.run_info().expect("a finished run")
    };
    save_run(path, &info, &data.events, &data.cores).expect("saved");
}

/// The lanes and the cores view of `data`, as pixels.
fn lanes_picture(data: RunData) -> image::RgbaImage {
    let mut view = TimeView::default();
    let mut h = Harness::builder()
        .with_size([900.0, 430.0])
        .build_ui(move |ui| {
            threadlab::gui::present::setup_style(ui.ctx(), false);
            egui::CentralPanel::default().show(ui, |ui| {
                ui.allocate_ui(egui::vec2(ui.available_width(), 250.0), |ui| {
                    timeline_ui(ui, &data.timeline, &mut view, data.horizon_ns())
                });
                cores_ui(ui, &data, &mut view, ui.available_height());
            });
        });
    h.run();
    h.render().expect("rendered")
}

fn labels(h: &Harness<'static, ThreadlabApp>) -> Vec<String> {
    h.get_all_by_role(Role::Label)
        .filter_map(|n| n.accesskit_node().value())
        .collect()
}

#[test]
fn a_saved_two_process_run_opens_with_the_same_lanes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("two.tlrun");
    let before = two_processes();
    save(&before, &path);
    let after = open_run(&path).expect("opens");
    assert_eq!(after.timeline.worker_count(), 4);
    assert_eq!(after.timeline.processes(), before.timeline.processes());
    assert_eq!(after.events, before.events);
    assert_eq!(after.cores, before.cores);
    assert_eq!(after.summary(), before.summary());
    assert_eq!(
        after.recorded.as_ref().map(|r| r.path.clone()),
        Some(path.clone())
    );
    assert!(
        lanes_picture(before) == lanes_picture(after.clone()),
        "the lanes and cores look the same before saving and after opening"
    );

    let app = ThreadlabApp::new(AppOptions {
        open: Some(path),
        ..AppOptions::default()
    })
    .expect("the file opens");
    assert_eq!(app.scenario().processes, 2);
    let mut h = window(app);
    h.run();
    let all = labels(&h);
    assert!(all.iter().any(|l| l == "Saved run"), "{all:?}");
    assert!(
        all.iter()
            .any(|l| l.contains("2026-11-25 13:05 UTC") && l.contains("Lecture Hall CPU")),
        "{all:?}"
    );
    h.snapshot("saved_run_two_processes");
}

#[test]
fn a_file_that_cannot_be_opened_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.tlrun");
    std::fs::write(&bad, b"not a run at all").unwrap();
    let refused = ThreadlabApp::new(AppOptions {
        open: Some(bad.clone()),
        ..AppOptions::default()
    });
    let e = refused.err().expect("refused");
    assert!(
        e.contains("bad.tlrun") && e.contains("not a threadlab run"),
        "{e}"
    );
}

/// A file dropped on the window, as the OS hands it over.
#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

fn drop_file(h: &mut Harness<'static, ThreadlabApp>, path: &Path) {
    h.input_mut()
        .dropped_files
        .push(Arc::new(Dropped(path.to_path_buf())));
    h.run();
}

#[test]
fn a_dropped_file_opens_and_a_damaged_one_leaves_the_window_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("two.tlrun");
    save(&two_processes(), &good);
    let mut bytes = std::fs::read(&good).unwrap();
    let cut = dir.path().join("cut.tlrun");
    bytes.truncate(bytes.len() / 2);
    std::fs::write(&cut, &bytes).unwrap();

    let mut h = window(ThreadlabApp::new(AppOptions::default()).unwrap());
    h.run();
    drop_file(&mut h, &good);
    assert_eq!(
        h.state().run_data().map(|d| d.timeline.worker_count()),
        Some(4)
    );
    assert!(h.state().export_notice().is_some_and(|n| !n.error));

    drop_file(&mut h, &cut);
    let notice = h.state().export_notice().expect("a notice");
    assert!(
        notice.error && notice.text.contains("cut.tlrun"),
        "{}",
        notice.text
    );
    assert!(notice.text.contains("cut short"), "{}", notice.text);
    // The run on screen is still the good one.
    assert_eq!(
        h.state().run_data().map(|d| d.timeline.worker_count()),
        Some(4)
    );
}

#[test]
fn save_run_writes_a_file_the_open_field_opens() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = ThreadlabApp::new(AppOptions::default())
        .unwrap()
        .with_recorded(two_processes());
    app.set_export_dir(dir.path().to_path_buf());
    let mut h = window(app);
    h.run();
    h.get_by_role_and_label(Role::Button, "Save run…").click();
    let deadline = Instant::now() + Duration::from_secs(60);
    h.step();
    while h.state().is_exporting() {
        assert!(Instant::now() < deadline, "the save did not finish");
        std::thread::sleep(Duration::from_millis(10));
        h.step();
    }
    h.run();
    let saved: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(saved.len(), 1, "one file, no temporary one left: {saved:?}");
    let saved = saved[0].clone();
    assert!(saved.extension().is_some_and(|e| e == "tlrun"), "{saved:?}");
    let notice = h.state().export_notice().expect("a notice").clone();
    assert!(
        !notice.error && notice.text.contains(&saved.display().to_string()),
        "{}",
        notice.text
    );

    // Open it through the field: the path typed, then Open.
    h.get_by_role_and_label(Role::Button, "Open run…").click();
    h.run();
    let field = h.get_by_role(Role::TextInput);
    field.focus();
    field.type_text(&saved.file_name().unwrap().to_string_lossy());
    h.run();
    h.get_by_role_and_label(Role::Button, "Open").click();
    h.run();
    let data = h.state().run_data().expect("a run");
    assert_eq!(data.recorded.as_ref().map(|r| r.path.clone()), Some(saved));
    assert_eq!(data.timeline.worker_count(), 4);
}
