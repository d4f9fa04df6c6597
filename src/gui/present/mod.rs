//! The presenter's side of the window and its design system: the colours
//! (`palette.rs`, read from the window's context), the text sizes
//! (`style.rs`), the one table of keys (`shortcuts.rs`) and its overlay
//! (`help.rs`), presentation mode, theme, folded panels and window sizes
//! (`presenter.rs` holds the state, `presenter_ui.rs` draws its buttons),
//! what the window remembers (`settings.rs`), and the pictures scripts take
//! (`screenshot.rs`, `first_frame.rs`), and which renderer draws the
//! window (`renderer.rs`).

mod first_frame;
mod help;
mod palette;
mod presenter;
mod presenter_ui;
mod raster;
mod renderer;
mod screenshot;
mod settings;
mod shortcuts;
mod style;

pub use first_frame::{FIRST_FRAME_ENV, FirstFrameProbe};
pub use palette::{ContextExt, Fill, HATCH_PX, Palette, Theme, faded, hatch_texture, state_fill};
pub use presenter::{Presenter, SIZE_720, SIZE_1080, parse_size, set_window_size};
pub use presenter_ui::{folded_strip_ui, overlays_ui, view_bar_ui};
pub use raster::Raster;
pub use renderer::{
    AdapterSeen, PickedRenderer, RENDERER_ENV, RendererChoice, drawn_by_cpu, is_software_name,
    pick_renderer, renderer_name,
};
pub use screenshot::{ExitStatus, Smoke, SmokeReport, save_png, set_status};
pub use settings::{
    MemoryStorage, Restored, SCENARIO_KEY, StoredScenario, ViewSettings, load as load_settings,
    save as save_settings,
};
pub use shortcuts::{Group, SHORTCUTS, Shortcut, keys_text};
pub use style::setup_style;
