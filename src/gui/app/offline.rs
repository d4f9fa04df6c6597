//! The window drawn without a window, at any moment of a finished run: how
//! a clip's frames are made.
//!
//! A copy of the app holds the run (and the serial times its speedups are
//! measured against), its replay paused with the cursor on the frame's
//! moment; egui runs one pass with a fixed clock and no pointer, and the CPU
//! rasterizer ([`Raster`]) turns the pass into pixels. Nothing here depends
//! on how fast the machine draws, on a GPU or on a display, so the same run
//! and look give the same frames, and the live window stays responsive
//! while a clip is drawn on another thread.

use super::{AppOptions, ThreadlabApp};
use crate::gui::present::{Palette, Raster};
use crate::gui::run_state::{Baselines, FrameSource, RunData};
use crate::video::ClipTiming;
use egui::{
    Align2, Color32, FontId, Id, LayerId, Order, RawInput, Rect, ViewportId, ViewportInfo, vec2,
};

/// Passes drawn before the first frame so layout, zoom and fonts settle.
const SETTLE_PASSES: usize = 4;

/// How a clip looks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClipLook {
    /// Presentation mode: large text, the colour-blind-safe palette.
    pub present: bool,
    /// The light theme.
    pub light: bool,
    /// With the controls and the results beside the timeline; without, the
    /// timeline alone takes the frame.
    pub panels: bool,
}

/// A copy of the window drawing frames of one run.
pub struct OfflineWindow {
    app: ThreadlabApp,
    ctx: egui::Context,
    raster: Raster,
    size: [u32; 2],
    fps: u32,
    passes: u64,
    /// The preset's title, for a title card.
    title: String,
}

impl OfflineWindow {
    /// A window of `size` pixels showing `data` (of the preset `preset`)
    /// with `baselines`' serial times, drawn at `timing`'s frame rate and
    /// replay speed; its timeline shows `range` (ns) of the run, or all of
    /// it.
    pub fn new(
        preset: Option<String>,
        data: RunData,
        baselines: Baselines,
        look: &ClipLook,
        size: [u32; 2],
        timing: &ClipTiming,
        range: Option<[f64; 2]>,
    ) -> Result<Self, String> {
        let (fps, speed) = (timing.fps, timing.speed);
        let options = AppOptions {
            preset,
            present: look.present,
            light: look.light,
            ..AppOptions::default()
        };
        let mut app = ThreadlabApp::new(options)?.with_recorded(data);
        app.baselines = baselines;
        app.offline = true;
        app.replay.set_speed_exact(speed);
        if let Some([from, to]) = range {
            app.view.show_range(from, to);
        }
        if !look.panels {
            app.presenter.view.controls_folded = true;
            app.presenter.view.results_folded = true;
        }
        let title = app
            .presets
            .get(app.preset)
            .map_or_else(|| app.scenario.name.clone(), |p| p.title.clone());
        let mut window = Self {
            app,
            ctx: egui::Context::default(),
            raster: Raster::default(),
            size,
            fps: fps.max(1),
            passes: 0,
            title,
        };
        for _ in 0..SETTLE_PASSES {
            window.pass(0.0, false);
        }
        Ok(window)
    }

    /// The colours a clip must keep exactly: every state's, in the look's
    /// palette, and the surfaces they are drawn on.
    pub fn key_colours(&self) -> Vec<[u8; 3]> {
        Palette::new(self.app.presenter.view.theme)
            .key_colours()
            .into_iter()
            .map(|c| [c.r(), c.g(), c.b()])
            .collect()
    }

    /// The frame at `t_ns` of the run (RGBA, row by row), with the title
    /// card over it when `title` is set.
    pub fn frame_at(&mut self, t_ns: f64, title: bool) -> &[u8] {
        self.pass(t_ns, title)
    }

    /// One egui pass with the replay cursor at `t_ns`, rasterized.
    fn pass(&mut self, t_ns: f64, title: bool) -> &[u8] {
        let ppp = self.ctx.pixels_per_point();
        let screen = Rect::from_min_size(
            egui::Pos2::ZERO,
            vec2(self.size[0] as f32, self.size[1] as f32) / ppp,
        );
        let mut input = RawInput {
            screen_rect: Some(screen),
            // A fixed clock: frame after frame at the clip's rate.
            time: Some(self.passes as f64 / f64::from(self.fps)),
            predicted_dt: 1.0 / self.fps as f32,
            focused: false,
            ..RawInput::default()
        };
        input.viewports.insert(
            ViewportId::ROOT,
            ViewportInfo {
                native_pixels_per_point: Some(1.0),
                inner_rect: Some(screen),
                ..ViewportInfo::default()
            },
        );
        self.passes += 1;
        let (app, card) = (&mut self.app, title.then_some(self.title.as_str()));
        let output = self.ctx.run_ui(input, |ui| {
            app.logic(ui.ctx());
            // Drawn playing (the bar shows Pause) with the cursor put where
            // the frame is; at the end of the run the replay stops itself.
            if !app.replay.is_playing() && t_ns < app.replay.end_ns() {
                app.replay.play();
            }
            app.replay.set_cursor(t_ns);
            app.ui(ui);
            if let Some(card) = card {
                title_card(ui.ctx(), card);
            }
        });
        // Whatever the copy asked of a window (a repaint, a title) has no
        // window to go to.
        let ppp = output.pixels_per_point;
        let primitives = self.ctx.tessellate(output.shapes, ppp);
        self.raster.set_textures(&output.textures_delta);
        let clear = self.ctx.global_style().visuals.panel_fill;
        self.raster
            .paint(self.size, ppp, opaque(clear), &primitives);
        // Freed textures go after the frame that last used them.
        let mut delta = output.textures_delta;
        self.raster.free_textures(&delta);
        // Applied: egui checks that no integration forgets its textures.
        delta.clear();
        self.raster.pixels()
    }
}

fn opaque(c: Color32) -> Color32 {
    Color32::from_rgb(c.r(), c.g(), c.b())
}

/// The preset's title in large type over the dimmed window, for the first
/// second of a clip.
fn title_card(ctx: &egui::Context, title: &str) {
    let screen = ctx.content_rect();
    let painter = ctx.layer_painter(LayerId::new(
        Order::Foreground,
        Id::unique("threadlab-clip-title"),
    ));
    let visuals = ctx.global_style().visuals.clone();
    let bg = visuals.panel_fill;
    painter.rect_filled(
        screen,
        0.0,
        Color32::from_rgba_unmultiplied(bg.r(), bg.g(), bg.b(), 235),
    );
    let size = (screen.height() / 12.0).clamp(24.0, 72.0);
    painter.text(
        screen.center(),
        Align2::CENTER_CENTER,
        title,
        FontId::proportional(size),
        visuals.strong_text_color(),
    );
    painter.text(
        screen.center() + vec2(0.0, size),
        Align2::CENTER_TOP,
        "threadlab",
        FontId::proportional(size * 0.45),
        visuals.weak_text_color(),
    );
}

/// A clip's frames: the title card (when asked for) for its first second,
/// then the run at each tick of the clip's timing.
pub struct ClipFrames {
    window: OfflineWindow,
    timing: ClipTiming,
    card_frames: usize,
}

impl ClipFrames {
    /// The frames of `window` at `timing`, after a second of title card
    /// when `title_card` is set.
    pub fn new(window: OfflineWindow, timing: ClipTiming, title_card: bool) -> Self {
        let card_frames = if title_card { timing.fps as usize } else { 0 };
        Self {
            window,
            timing,
            card_frames,
        }
    }
}

impl FrameSource for ClipFrames {
    fn frame_count(&self) -> usize {
        self.card_frames + self.timing.frame_count()
    }

    fn frame(&mut self, k: usize) -> &[u8] {
        match k.checked_sub(self.card_frames) {
            None => self.window.frame_at(self.timing.frame_time_ns(0), true),
            Some(k) => self.window.frame_at(self.timing.frame_time_ns(k), false),
        }
    }

    fn key_colours(&self) -> Vec<[u8; 3]> {
        self.window.key_colours()
    }
}
