//! Saving the window as PNG, and the smoke mode scripts and CI use: run the
//! preset, wait until the run (and its serial baseline) is done and the
//! picture has settled, save the window, and close it.

use egui::{ColorImage, Context, ViewportCommand};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Frames drawn after the run is done before the picture is taken, so late
/// layout (tooltips gone, plots bounded) has settled.
const SETTLE_FRAMES: u32 = 3;

/// Where a failure of the smoke mode is told to `gui::run`, which turns it
/// into the process's exit status.
pub type ExitStatus = Arc<Mutex<Option<String>>>;

/// Where the smoke mode leaves the summary of the run it was asked for, and
/// the frames the window drew while it went on, so `gui::run` can print
/// them for scripts that compare the window with the command line.
pub type SmokeReport = Arc<Mutex<Option<(crate::model::RunSummary, u64)>>>;

/// Writes `image` to `path` as PNG, creating the folder if needed.
pub fn save_png(path: &Path, image: &ColorImage) -> Result<(), String> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let [w, h] = image.size;
    let (w, h) = (
        u32::try_from(w).map_err(|e| e.to_string())?,
        u32::try_from(h).map_err(|e| e.to_string())?,
    );
    let rgba = image::RgbaImage::from_raw(w, h, image.as_raw().to_vec())
        .ok_or_else(|| "the screenshot has the wrong number of pixels".to_owned())?;
    rgba.save_with_format(path, image::ImageFormat::Png)
        .map_err(|e| format!("{}: {e}", path.display()))
}

#[derive(Debug)]
enum Stage {
    Waiting(u32),
    Requested,
    Done,
}

/// The smoke mode: a screenshot once ready, then (optionally) exit.
#[derive(Debug)]
pub struct Smoke {
    path: Option<PathBuf>,
    exit: bool,
    stage: Stage,
    saved: Arc<Mutex<Option<Result<(), String>>>>,
}

impl Smoke {
    /// The smoke mode for `--screenshot` and `--exit`; `None` when neither is given.
    pub fn new(path: Option<PathBuf>, exit: bool) -> Option<Self> {
        (path.is_some() || exit).then(|| Self {
            path,
            exit,
            stage: Stage::Waiting(0),
            saved: Arc::new(Mutex::new(None)),
        })
    }

    /// Whether the screenshot is saved (or failed) and nothing is left to do.
    pub fn is_done(&self) -> bool {
        matches!(self.stage, Stage::Done)
    }

    /// Advances once per frame; `ready` says the run and its numbers are complete.
    pub fn update(&mut self, ctx: &Context, ready: bool, status: &ExitStatus) {
        match self.stage {
            Stage::Waiting(frames) => {
                let frames = if ready { frames + 1 } else { 0 };
                self.stage = Stage::Waiting(frames);
                if frames >= SETTLE_FRAMES {
                    self.take(ctx);
                } else if ready {
                    ctx.request_repaint();
                }
            }
            Stage::Requested => {
                let saved = self.saved.lock().ok().and_then(|mut s| s.take());
                match saved {
                    Some(result) => {
                        if let Err(e) = result {
                            set_status(status, format!("could not save the screenshot: {e}"));
                        }
                        self.finish(ctx);
                    }
                    None => ctx.request_repaint_after(std::time::Duration::from_millis(20)),
                }
            }
            Stage::Done => {}
        }
    }

    fn take(&mut self, ctx: &Context) {
        let Some(path) = self.path.clone() else {
            self.finish(ctx);
            return;
        };
        let slot = self.saved.clone();
        let waker = ctx.clone();
        ctx.request_screenshot(move |image| {
            let result = save_png(&path, &image);
            if let Ok(mut s) = slot.lock() {
                *s = Some(result);
            }
            waker.request_repaint();
        });
        self.stage = Stage::Requested;
    }

    fn finish(&mut self, ctx: &Context) {
        self.stage = Stage::Done;
        if self.exit {
            ctx.send_viewport_cmd(ViewportCommand::Close);
        }
    }
}

/// Records the first failure for the exit status.
pub fn set_status(status: &ExitStatus, message: String) {
    if let Ok(mut s) = status.lock() {
        s.get_or_insert(message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::Color32;

    #[test]
    fn png_has_the_image_size() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/shot.png");
        let image = ColorImage::filled([7, 3], Color32::from_rgb(10, 20, 30));
        save_png(&path, &image).unwrap();
        let back = image::open(&path).unwrap().to_rgba8();
        assert_eq!(back.dimensions(), (7, 3));
        assert_eq!(back.get_pixel(6, 2).0, [10, 20, 30, 255]);
    }
}
