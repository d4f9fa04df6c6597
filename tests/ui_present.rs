//! The presenter's window, driven by keys and buttons (egui_kittest):
//! presentation mode makes the text larger, the theme switches, the help
//! overlay lists every key, panels fold away, keys stay quiet while a number
//! is typed, and the settings and the last scenario survive a restart.
#![cfg(feature = "gui")]

use egui::Key;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use threadlab::gui::present::{MemoryStorage, SCENARIO_KEY, SHORTCUTS, Theme};
use threadlab::gui::{AppOptions, ThreadlabApp};

#[path = "util/window.rs"]
mod harness;
use harness::window;

fn new_app() -> ThreadlabApp {
    ThreadlabApp::new(AppOptions::default()).expect("the default preset opens")
}

fn app_on(preset: &str) -> ThreadlabApp {
    ThreadlabApp::new(AppOptions {
        preset: Some(preset.to_owned()),
        ..AppOptions::default()
    })
    .expect("the preset opens")
}

fn press(h: &mut Harness<'static, ThreadlabApp>, key: Key) {
    h.key_press(key);
    h.run();
}

fn labels(h: &Harness<'static, ThreadlabApp>) -> Vec<String> {
    h.get_all_by_role(Role::Label)
        .filter_map(|n| n.accesskit_node().value())
        .collect()
}

/// Height of the "Result" heading on screen, in pixels.
fn heading_px(h: &Harness<'static, ThreadlabApp>) -> f32 {
    let rect = h.get_by_label("Result").rect();
    rect.height() * h.ctx.pixels_per_point()
}

#[test]
fn presentation_mode_enlarges_the_text_and_folds_the_controls() {
    let mut h = window(new_app());
    h.run();
    let before = heading_px(&h);
    assert!(h.query_by_label("Preset").is_some());

    press(&mut h, Key::P);
    let after = heading_px(&h);
    assert!(h.state().presenter().view.present);
    assert!(
        after >= before * 1.3,
        "the heading grew from {before} px to only {after} px"
    );
    // The knobs fold away so the timeline gets the room.
    assert!(h.query_by_label("Preset").is_none());

    press(&mut h, Key::P);
    let back = heading_px(&h);
    assert!((back - before).abs() < 0.5, "{before} px, then {back} px");
    assert!(h.query_by_label("Preset").is_some());
}

#[test]
fn the_theme_switches_by_key_and_by_button() {
    let mut h = window(new_app());
    h.run();
    assert_eq!(h.ctx.theme(), egui::Theme::Dark);
    press(&mut h, Key::T);
    assert_eq!(h.ctx.theme(), egui::Theme::Light);
    assert_eq!(h.state().presenter().view.theme, Theme::Light);
    assert!(!h.ctx.global_style().visuals.dark_mode);

    h.get_by_role_and_label(Role::Button, "Dark").click();
    h.run();
    assert_eq!(h.ctx.theme(), egui::Theme::Dark);
    assert!(h.query_by_label("Light").is_some());
}

#[test]
fn the_help_overlay_lists_every_shortcut_and_escape_closes_it() {
    let mut h = window(new_app());
    h.run();
    assert!(h.query_by_label("Keyboard shortcuts").is_none());
    press(&mut h, Key::F1);
    let shown = labels(&h);
    assert!(shown.iter().any(|l| l == "Keyboard shortcuts"));
    for s in SHORTCUTS {
        assert!(
            shown.iter().any(|l| l == s.what),
            "{:?} is not listed",
            s.what
        );
    }
    assert!(shown.iter().any(|l| l.contains("F5")), "keys are named");

    press(&mut h, Key::Escape);
    assert!(h.query_by_label("Keyboard shortcuts").is_none());
    assert!(!h.state().presenter().help_open);

    // The button opens it too.
    h.get_by_role_and_label(Role::Button, " ? ").click();
    h.run();
    assert!(h.query_by_label("Keyboard shortcuts").is_some());
}

#[test]
fn folding_hides_the_panels_and_the_strips_bring_them_back() {
    let mut h = window(new_app());
    h.run();
    press(&mut h, Key::C);
    assert!(h.query_by_label("Preset").is_none());
    assert!(
        h.query_by_label("Run").is_none(),
        "the Run button folds too"
    );
    assert!(h.query_by_label("Result").is_some());

    press(&mut h, Key::N);
    assert!(h.query_by_label("Result").is_none());

    h.get_by_role_and_label(Role::Button, "»").click();
    h.run();
    assert!(h.query_by_label("Preset").is_some());
    h.get_by_role_and_label(Role::Button, "«").click();
    h.run();
    assert!(h.query_by_label("Result").is_some());

    press(&mut h, Key::F);
    assert!(h.query_by_label("Preset").is_none() && h.query_by_label("Result").is_none());
    press(&mut h, Key::F);
    assert!(h.query_by_label("Preset").is_some() && h.query_by_label("Result").is_some());
}

#[test]
fn keys_do_nothing_while_a_number_is_typed() {
    let mut h = window(new_app());
    h.run();
    // Click the number beside the Threads slider: it becomes a text field.
    let field = h
        .get_all_by_role(Role::SpinButton)
        .next()
        .expect("a slider's number field");
    field.click();
    h.run();
    assert!(h.ctx.text_edit_focused(), "the number is being edited");
    press(&mut h, Key::P);
    assert!(!h.state().presenter().view.present);
    assert!(!h.state().is_busy(), "nothing ran");
}

#[test]
fn page_keys_step_through_the_presets() {
    let mut h = window(app_on("race"));
    h.run();
    // Auto-run off, so stepping does not start runs.
    h.get_by_role_and_label(Role::CheckBox, "Run again when a setting changes")
        .click();
    h.run();
    let first = h.state().scenario().name.clone();
    press(&mut h, Key::PageDown);
    let next = h.state().scenario().name.clone();
    assert_ne!(next, first);
    press(&mut h, Key::PageUp);
    assert_eq!(h.state().scenario().name, first);
    assert!(!h.state().is_busy());
}

#[test]
fn settings_and_the_scenario_survive_a_restart() {
    let mut h = window(app_on("queue"));
    h.run();
    press(&mut h, Key::T);
    press(&mut h, Key::N);
    h.get_by_role_and_label(Role::CheckBox, "Run again when a setting changes")
        .click();
    h.run();
    h.get_by_role_and_label(Role::Slider, "Threads")
        .set_value_accesskit(3.0);
    h.run();
    assert_eq!(h.state().scenario().threads, 3);
    let mut storage = MemoryStorage::default();
    h.state().save_to(&mut storage);
    drop(h);

    let mut app = new_app();
    app.restore(&storage);
    let view = &app.presenter().view;
    assert_eq!(view.theme, Theme::Light);
    assert!(view.results_folded && !view.auto_run);
    assert_eq!(app.scenario().name, "queue");
    assert_eq!(app.scenario().threads, 3);
    let mut h = window(app);
    h.run();
    assert_eq!(h.ctx.theme(), egui::Theme::Light);
    assert!(h.query_by_label("Result").is_none());

    // A preset named on the command line wins over the stored scenario.
    let mut app = app_on("race");
    app.restore(&storage);
    assert_eq!(app.scenario().name, "race");
    assert_eq!(app.presenter().view.theme, Theme::Light);
}

#[test]
fn a_stored_scenario_that_no_longer_fits_is_ignored_with_a_notice() {
    let mut storage = MemoryStorage::default();
    new_app().save_to(&mut storage);
    let text = eframe::Storage::get_string(&storage, SCENARIO_KEY).unwrap();
    let broken = text.replace("\"threads\":4", "\"threads\":100000");
    assert_ne!(broken, text, "the stored scenario names its threads");
    eframe::Storage::set_string(&mut storage, SCENARIO_KEY, broken);

    let mut app = new_app();
    app.restore(&storage);
    assert_eq!(app.scenario().threads, new_app().scenario().threads);
    let notice = app.presenter().notice().expect("a notice").to_owned();
    assert!(notice.contains("threads"), "{notice}");
    let mut h = window(app);
    h.run();
    assert!(
        labels(&h).iter().any(|l| l == &notice),
        "the notice is on screen"
    );
}
