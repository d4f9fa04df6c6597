//! The presenter's side of the window: presentation mode (everything scaled
//! up so the back row can read it), the theme, panels that fold away so the
//! timeline fills the screen, fixed window sizes that match projectors, a
//! screenshot on a key, the help overlay and short on-screen notices.
//!
//! The window keeps one [`Presenter`]: plain state that the dispatcher
//! changes for the view commands of the shortcut table, and that hands the
//! theme and the zoom to egui at the start of each frame. Its buttons, the
//! folded strips and the overlays are drawn by `presenter_ui.rs`.

use super::palette::Theme;
use super::settings::ViewSettings;
use super::shortcuts;
use crate::gui::command::Command;
use egui::{Context, ViewportCommand, vec2};
use std::time::{Duration, Instant};

/// The window sizes a presenter can pick: the common projector resolutions.
pub const SIZE_720: [f32; 2] = [1280.0, 720.0];
/// See [`SIZE_720`].
pub const SIZE_1080: [f32; 2] = [1920.0, 1080.0];

/// In presentation mode the window is laid out as if it were this many
/// points tall, whatever its size in pixels: the same picture at 720p and at
/// 1080p, with text about 1.75 times its normal size at 1080p.
const PRESENT_HEIGHT_PT: f32 = 620.0;
/// Zoom in presentation mode when the window's size is unknown (tests).
const PRESENT_ZOOM_FALLBACK: f32 = 1.5;
/// How long a notice stays on screen.
const NOTICE_TIME: Duration = Duration::from_secs(5);

/// A short message at the bottom of the window.
#[derive(Clone, Debug)]
struct Notice {
    text: String,
    until: Instant,
}

/// The presenter's settings and what is on screen for them.
#[derive(Debug, Default)]
pub struct Presenter {
    /// Theme, presentation mode, folded panels (and auto-run, kept for saving).
    pub view: ViewSettings,
    /// The help overlay is open.
    pub help_open: bool,
    notice: Option<Notice>,
    /// The theme and zoom last handed to egui, so a user's own zoom
    /// (Ctrl + / -) is kept until something of ours changes.
    applied: Option<(Theme, f32)>,
    /// Frames to wait after a zoom change before measuring the window again:
    /// the window's size in points lags one frame behind a new zoom.
    settling: u8,
}

impl Presenter {
    /// A presenter with these settings.
    pub fn new(view: ViewSettings) -> Self {
        Self {
            view,
            ..Self::default()
        }
    }

    /// Hands the theme and the zoom to egui when they change (the palette
    /// reads the theme back from the context); call at the start of every
    /// frame.
    pub fn begin_frame(&mut self, ctx: &Context) {
        let zoom = match self.applied {
            _ if !self.view.present => 1.0,
            Some((_, zoom)) if self.settling > 0 => zoom,
            _ => present_zoom(ctx),
        };
        self.settling = self.settling.saturating_sub(1);
        let want = (self.view.theme, zoom);
        if self.applied != Some(want) {
            ctx.set_theme(self.view.theme.egui());
            if self.applied.is_none_or(|(_, z)| z != zoom) {
                ctx.set_zoom_factor(zoom);
                self.settling = 2;
            }
            self.applied = Some(want);
        }
        if self.settling > 0 {
            ctx.request_repaint();
        }
        if let Some(n) = &self.notice {
            let left = n.until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                self.notice = None;
            } else {
                ctx.request_repaint_after(left);
            }
        }
    }

    /// The commands whose keys were pressed this frame (keys consumed).
    pub fn keys(&self, ctx: &Context, deck_open: bool) -> Vec<Command> {
        let help_open = self.help_open;
        shortcuts::pressed(ctx, |c| match c {
            Command::CloseHelp => help_open,
            // Without a deck the number keys and X are free for nothing
            // else to happen by accident.
            Command::Vote(_) | Command::SkipQuestion | Command::Notes => deck_open,
            _ => true,
        })
    }

    /// Presentation mode on or off. The point of presenting is the
    /// picture: the knobs fold away with it, and come back after.
    pub fn toggle_present(&mut self) {
        let v = &mut self.view;
        v.present = !v.present;
        v.controls_folded = v.present;
    }

    /// The other theme.
    pub fn toggle_theme(&mut self) {
        self.view.theme = self.view.theme.toggled();
    }

    /// Folds or unfolds the controls on the left.
    pub fn toggle_controls(&mut self) {
        self.view.controls_folded = !self.view.controls_folded;
    }

    /// Folds or unfolds the results on the right.
    pub fn toggle_results(&mut self) {
        self.view.results_folded = !self.view.results_folded;
    }

    /// Folds both panels, or unfolds both when both are folded.
    pub fn toggle_both(&mut self) {
        let v = &mut self.view;
        let fold = !(v.controls_folded && v.results_folded);
        v.controls_folded = fold;
        v.results_folded = fold;
    }

    /// Opens or closes the help overlay.
    pub fn toggle_help(&mut self) {
        self.help_open = !self.help_open;
    }

    /// Shows `text` at the bottom of the window for a few seconds.
    pub fn notify(&mut self, text: impl Into<String>) {
        self.notice = Some(Notice {
            text: text.into(),
            until: Instant::now() + NOTICE_TIME,
        });
    }

    /// The notice on screen now, if any.
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_ref().map(|n| n.text.as_str())
    }
}

/// The zoom of presentation mode for the window as it is now.
fn present_zoom(ctx: &Context) -> f32 {
    let height = ctx.input(|i| i.viewport().inner_rect.map(|r| r.height()));
    match height {
        // The inner rect is in points at the current zoom: undo it to get
        // the window's own height, which does not change as we zoom.
        Some(h) if h > 0.0 => {
            let native = h * ctx.zoom_factor();
            ((native / PRESENT_HEIGHT_PT).clamp(1.15, 2.5) * 20.0).round() / 20.0
        }
        _ => PRESENT_ZOOM_FALLBACK,
    }
}

/// Asks for a window of `size` pixels (at the screen's own scale).
pub fn set_window_size(ctx: &Context, size: [f32; 2]) {
    // The window takes its size in points at the current zoom.
    let ppp = ctx.pixels_per_point() / ctx.native_pixels_per_point().unwrap_or(1.0);
    ctx.send_viewport_cmd(ViewportCommand::InnerSize(vec2(size[0], size[1]) / ppp));
}

/// Parses a window size given as `WIDTHxHEIGHT` in pixels (`1920x1080`).
pub fn parse_size(text: &str) -> Result<[f32; 2], String> {
    let bad = || format!("--size {text}: expected WIDTHxHEIGHT in pixels, like 1920x1080");
    let (w, h) = text.split_once(['x', 'X', '×']).ok_or_else(bad)?;
    let w: u16 = w.trim().parse().map_err(|_| bad())?;
    let h: u16 = h.trim().parse().map_err(|_| bad())?;
    if w < 640 || h < 400 {
        return Err(format!("--size {text}: the window needs at least 640x400"));
    }
    Ok([f32::from(w), f32::from(h)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_sizes_parse_and_bad_ones_say_why() {
        assert_eq!(parse_size("1920x1080"), Ok([1920.0, 1080.0]));
        assert_eq!(parse_size("1280×720"), Ok([1280.0, 720.0]));
        assert!(parse_size("big").unwrap_err().contains("WIDTHxHEIGHT"));
        assert!(parse_size("100x100").unwrap_err().contains("at least"));
    }

    #[test]
    fn present_folds_the_controls_and_back() {
        let mut p = Presenter::default();
        p.toggle_present();
        assert!(p.view.present && p.view.controls_folded);
        p.toggle_present();
        assert!(!p.view.present && !p.view.controls_folded);
    }

    #[test]
    fn fold_both_folds_both_then_unfolds_both() {
        let mut p = Presenter::default();
        p.toggle_results();
        p.toggle_both();
        assert!(p.view.controls_folded && p.view.results_folded);
        p.toggle_both();
        assert!(!p.view.controls_folded && !p.view.results_folded);
    }
}
