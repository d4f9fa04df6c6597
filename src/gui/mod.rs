//! The window: the only module that knows egui, eframe and egui_plot.
//!
//! A lecturer drags sliders, presses Run, and watches real threads and real
//! processes work: one lane per worker coloured by state, who holds each GIL,
//! which core ran what, and the numbers the run is about. The window owns
//! everything it draws; each frame it drains the engine's messages into that
//! state, and it repaints only while something changes.
//!
//! The folders are layers, each using only those below it: `present/` (the
//! design system, the keys, what the window remembers) at the bottom with
//! [`format`](mod@format) and [`Command`]; then `run_state/` (what runs in the
//! background and is drained each frame); `timeline/` and `playback/` (the
//! views and the replay); `compare/`; `panels/` (everything around the
//! timeline); and `app/` on top, the window's state, its per-frame logic,
//! its `ui`, and the one dispatcher of commands. ARCHITECTURE.md has the map.

mod app;
pub mod code;
mod command;
pub mod compare;
pub mod deck;
pub mod format;
pub mod lens;
pub mod panels;
pub mod playback;
pub mod present;
pub mod run_state;
pub mod timeline;

pub use app::{AppOptions, ClipRequest, CompareState, Mode, ThreadlabApp};
pub use command::Command;
pub use present::{RENDERER_ENV, RendererChoice, parse_size};

use present::{FirstFrameProbe, drawn_by_cpu, pick_renderer, renderer_name};

/// The window's size when it opens, in points.
pub const WINDOW_SIZE: [f32; 2] = [1280.0, 720.0];

/// The window's own icon (title bar, task switcher on X11): the 256 px
/// rendering of `assets/icon/threadlab.svg` that the packages install too.
const WINDOW_ICON_PNG: &[u8] = include_bytes!(
    "../../packaging/linux/icons/hicolor/256x256/apps/io.github.threadlab.Threadlab.png"
);

/// How the window opens: what `threadlab gui` was asked for, in the
/// window's own terms (the command line converts its arguments into this).
#[derive(Clone, Debug, Default)]
pub struct WindowOptions {
    /// The app's own options: preset, run, screenshot, theme, …
    pub app: AppOptions,
    /// The window's size in pixels (see [`parse_size`]); [`WINDOW_SIZE`], or
    /// the size it had last time, when `None`.
    pub size: Option<[f32; 2]>,
    /// Which renderer draws the window (`Auto`: by the adapter).
    pub renderer: RendererChoice,
}

/// Why the window did not run to its end.
#[derive(Debug, thiserror::Error)]
pub enum WindowError {
    /// The options name something that does not exist (an unknown preset);
    /// the message says what there is instead.
    #[error("{0}")]
    BadOptions(String),
    /// The window could not open, or the run or the screenshot it was asked
    /// for failed.
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

/// Opens the window and runs it until it is closed. With a screenshot and
/// `exit` it saves the window after the run and returns; a failed run or
/// screenshot is returned as an error.
pub fn run(options: WindowOptions) -> Result<(), WindowError> {
    let since = std::time::Instant::now();
    let WindowOptions {
        app: options,
        size,
        renderer,
    } = options;
    // Scripts and CI take pictures of a known window: they neither read nor
    // write the user's saved settings.
    let smoke = options.screenshot.is_some() || options.exit;
    // A script that runs the window and exits gets the run's numbers, as
    // `run --json` prints them, with the window's own share of a core.
    let print_summary = options.run && options.exit;
    let mut app = ThreadlabApp::new(options).map_err(WindowError::BadOptions)?;
    let status = app.exit_status();
    let report = app.smoke_report();
    let scratch = std::env::temp_dir().join(format!("threadlab-smoke-{}.ron", std::process::id()));
    // Picked before the window opens: eframe cannot change it afterwards.
    let picked = pick_renderer(renderer);
    if let Some(probe) = FirstFrameProbe::from_env(since, renderer_name(picked.renderer)) {
        app.set_first_frame_probe(probe);
    }
    let mut viewport = egui::ViewportBuilder::default();
    // The embedded PNG cannot fail to decode; if it ever did, the window
    // would simply open with the desktop's default icon.
    if let Ok(icon) = eframe::icon_data::from_png_bytes(WINDOW_ICON_PNG) {
        viewport = viewport.with_icon(icon);
    }
    let native = eframe::NativeOptions {
        renderer: picked.renderer,
        viewport: viewport
            .with_title("threadlab")
            .with_app_id("io.github.threadlab.Threadlab")
            .with_inner_size(size.unwrap_or(WINDOW_SIZE))
            .with_min_inner_size([960.0, 600.0]),
        persist_window: !smoke && size.is_none(),
        persistence_path: smoke.then(|| scratch.clone()),
        window_builder: size.map(size_wins),
        ..Default::default()
    };
    let creator = move |cc: &eframe::CreationContext<'_>| -> Result<Box<dyn eframe::App>, _> {
        app.set_software_rendering(drawn_by_cpu(cc));
        if let Some(storage) = cc.storage.filter(|_| !smoke) {
            app.restore(storage);
        }
        Ok(Box::new(app))
    };
    eframe::run_native("threadlab", native, Box::new(creator))
        .map_err(|e| anyhow::anyhow!("the window could not open: {e}"))?;
    // Nothing is written there in smoke mode; remove it should that change.
    let _ = std::fs::remove_file(&scratch);
    if print_summary && let Some((summary, frames)) = report.lock().ok().and_then(|mut r| r.take())
    {
        print_summary_json(&summary, frames, renderer_name(picked.renderer))?;
    }
    let failure = status.lock().ok().and_then(|mut s| s.take());
    match failure {
        Some(message) => Err(anyhow::anyhow!(message).into()),
        None => Ok(()),
    }
}

/// The last word on the window's geometry when `--size` was given. eframe
/// restores the window it remembered whenever it has storage, even with
/// `persist_window: false`, and that size would win over ours. This hook runs
/// after the restore, just before the window is made, so the size asked for
/// is the one it opens at (the remembered position stays: it is harmless).
/// Sending `ViewportCommand::InnerSize` on the first frame would work too,
/// but only after the window had been made, and painted once, at the wrong size.
fn size_wins(size: [f32; 2]) -> eframe::WindowBuilderHook {
    Box::new(move |builder| {
        builder
            .with_inner_size(size)
            .with_maximized(false)
            .with_fullscreen(false)
    })
}

/// Prints `summary` as `run --json` does, with `window_cores` (the share of
/// a core this window's own threads, the UI thread and the renderer, took
/// while the run went on), `window_frames` (the frames drawn meanwhile) and
/// `renderer` (`glow` or `wgpu`), so scripts can set the window beside the CLI.
fn print_summary_json(
    summary: &crate::model::RunSummary,
    frames: u64,
    renderer: &str,
) -> anyhow::Result<()> {
    let mut doc = serde_json::to_value(summary)?;
    if let Some(map) = doc.as_object_mut() {
        let window = summary.load.map(|l| l.front_end_cores);
        map.insert("window_cores".to_owned(), serde_json::json!(window));
        map.insert("window_frames".to_owned(), serde_json::json!(frames));
        map.insert("renderer".to_owned(), serde_json::json!(renderer));
    }
    println!("{}", serde_json::to_string_pretty(&doc)?);
    Ok(())
}
