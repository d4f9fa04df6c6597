//! The lecture deck in the window (egui_kittest): open the built-in deck,
//! step with PageDown to the CPU-bound step, enter the room's votes with
//! the number keys and the buttons, run, and read the revealed answer. The
//! run's result is faked, so the right choice can be either way: it must
//! follow the measured speedup, never the deck.
#![cfg(feature = "gui")]

use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use threadlab::deck::open_deck;
use threadlab::gui::run_state::RunData;
use threadlab::gui::{AppOptions, ThreadlabApp};
use threadlab::model::{Lab, RunMessage, RunSummary};

#[path = "util/window.rs"]
mod harness;
use harness::window;

fn on_deck() -> Harness<'static, ThreadlabApp> {
    let deck = open_deck("threading-vs-multiprocessing").unwrap();
    let app = ThreadlabApp::new(AppOptions {
        deck: Some(deck),
        ..AppOptions::default()
    })
    .expect("the deck opens");
    let mut h = window(app);
    h.run();
    h
}

fn press(h: &mut Harness<'static, ThreadlabApp>, key: Key) {
    h.key_press(key);
    h.run();
}

/// A finished run of the step on screen that took `wall_ms` on 2 cores,
/// with one thread timed at `serial_ms`: its speedup is their ratio.
fn fake_run(h: &mut Harness<'static, ThreadlabApp>, wall_ms: f64, serial_ms: f64) {
    let app = h.state_mut();
    let scenario = app.scenario().clone();
    let mut data = RunData::new(scenario.clone());
    data.apply(RunMessage::Finished(Box::new(Ok(RunSummary {
        preset: scenario.name.clone(),
        lab: Lab::Tasks,
        threads: scenario.threads,
        processes: scenario.processes,
        wall_ms,
        tasks_done: u64::from(scenario.tasks),
        cores: 2,
        ..RunSummary::default()
    }))));
    app.show_run(data);
    app.remember_serial_ms(serial_ms);
    h.run();
}

#[test]
fn page_down_reaches_the_cpu_bound_step_and_its_question() {
    let mut h = on_deck();
    let deck = h.state().deck().expect("a deck is open");
    assert_eq!(deck.index(), 0);
    assert!(h.query_by_label_contains("Step 1 of 16").is_some());
    // Opening a deck runs nothing; the first step shows the program.
    assert!(h.state().run_data().is_none());
    assert!(h.state().code().open, "step 1 shows the code panel");
    press(&mut h, Key::PageDown);
    assert_eq!(h.state().deck().unwrap().index(), 1);
    assert_eq!(h.state().scenario().name, "cpu-bound");
    assert!(!h.state().code().open, "step 2 shows the run alone");
    assert!(h.query_by_label_contains("Step 2 of 16").is_some());
    assert!(
        h.query_by_label_contains("How much faster than 1 thread?")
            .is_some()
    );
    // A step with a question waits for the room: nothing runs yet.
    assert!(h.state().run_data().is_none());
    press(&mut h, Key::PageUp);
    assert_eq!(h.state().deck().unwrap().index(), 0);
}

#[test]
fn votes_then_the_measured_answer_and_the_right_choice_follows_the_speedup() {
    for (serial_ms, right, measured) in [(1020.0, 1, "1.02×"), (3800.0, 3, "3.80×")] {
        let mut h = on_deck();
        press(&mut h, Key::PageDown);
        // Two votes for choice 1 by key, one for 2, one for 3 by its button.
        press(&mut h, Key::Num1);
        press(&mut h, Key::Num1);
        press(&mut h, Key::Num2);
        h.get_all_by_label("+")
            .nth(2)
            .expect("choice 3's +")
            .click();
        h.run();
        assert_eq!(h.state().deck().unwrap().votes(), &[2, 1, 1]);
        assert!(h.state().deck().unwrap().outcome().is_none());
        fake_run(&mut h, 1000.0, serial_ms);
        let outcome = h.state().deck().unwrap().outcome().expect("revealed");
        assert_eq!(outcome.right + 1, right, "serial {serial_ms} ms");
        let line = format!("{measured}, so choice {right} is right");
        assert!(
            h.query_by_label_contains(&line).is_some(),
            "want {line:?} on screen"
        );
        let votes = if right == 1 {
            "2 of 4 votes"
        } else {
            "1 of 4 votes"
        };
        assert!(h.query_by_label_contains(votes).is_some(), "want {votes:?}");
    }
}

#[test]
fn skipping_hides_the_question_and_the_notes_open_in_their_own_window() {
    let mut h = on_deck();
    press(&mut h, Key::PageDown);
    press(&mut h, Key::X);
    assert!(h.query_by_label_contains("How much faster").is_none());
    // The number keys do nothing without a question on screen.
    press(&mut h, Key::Num1);
    assert_eq!(h.state().deck().unwrap().votes(), &[0, 0, 0]);
    press(&mut h, Key::X);
    assert!(h.query_by_label_contains("How much faster").is_some());
    assert!(h.query_by_label_contains("Ask before pressing R").is_none());
    press(&mut h, Key::F2);
    assert!(h.state().deck().unwrap().notes_open);
    assert!(h.query_by_label_contains("Ask before pressing R").is_some());
    press(&mut h, Key::F2);
    assert!(h.query_by_label_contains("Ask before pressing R").is_none());
}

#[test]
fn without_a_deck_the_number_keys_do_nothing() {
    let mut h = window(ThreadlabApp::new(AppOptions::default()).unwrap());
    h.run();
    let before = h.state().scenario().clone();
    press(&mut h, Key::Num1);
    press(&mut h, Key::X);
    assert!(h.state().deck().is_none());
    assert_eq!(h.state().scenario(), &before);
    assert!(h.state().run_data().is_none());
}

#[test]
fn the_votes_of_the_session_are_saved_as_csv() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = on_deck();
    h.state_mut().set_export_dir(dir.path().to_path_buf());
    press(&mut h, Key::PageDown);
    press(&mut h, Key::Num3);
    fake_run(&mut h, 1000.0, 1010.0);
    let ctx = h.ctx.clone();
    h.state_mut()
        .command(&ctx, threadlab::gui::Command::ExportVotes);
    h.run();
    let files: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let csv = std::fs::read_to_string(&files[0]).unwrap();
    let row = csv
        .lines()
        .find(|l| l.contains(",2,CPU-bound threads under one GIL,") && l.contains(",1,About 1×"))
        .unwrap_or_else(|| panic!("no row for step 2's first choice in:\n{csv}"));
    assert!(row.contains(",0,true,speedup,1.01,2"), "{row}");
    assert!(
        csv.contains(",3,About 4×: one per thread,1,false,"),
        "{csv}"
    );
}

#[test]
fn running_the_step_again_hides_its_answer_until_the_new_run_measured_it() {
    let mut h = on_deck();
    press(&mut h, Key::PageDown);
    fake_run(&mut h, 1000.0, 1020.0);
    assert!(h.state().deck().unwrap().outcome().is_some());
    // A knob let go with auto-run on runs the step again: the old answer
    // is no answer for the new run.
    let ctx = h.ctx.clone();
    h.state_mut().command(&ctx, threadlab::gui::Command::Rerun);
    assert!(h.state().deck().unwrap().outcome().is_none());
    h.state_mut().command(&ctx, threadlab::gui::Command::Stop);
    h.state_mut().shutdown();
    // A stopped run measures nothing: the answer stays hidden.
    h.run();
    assert!(h.state().deck().unwrap().outcome().is_none());
}
