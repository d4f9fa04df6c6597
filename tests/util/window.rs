//! The window as the tests drive it: the app's logic and its `ui` in one
//! egui_kittest harness, at the window's opening size.

use egui_kittest::Harness;
use threadlab::gui::ThreadlabApp;

/// The window on `app`, 1280×720.
pub fn window(app: ThreadlabApp) -> Harness<'static, ThreadlabApp> {
    Harness::builder()
        .with_size([1280.0, 720.0])
        .build_ui_state(
            |ui, app: &mut ThreadlabApp| {
                app.logic(ui.ctx());
                app.ui(ui);
            },
            app,
        )
}
