//! Time to the first frame, measured honestly for BENCHMARKS.md.
//!
//! With `THREADLAB_FIRST_FRAME=1` in the environment the window asks, on its
//! first frame, for the pixels it painted; when they have been read back from
//! the GPU it prints one line and closes. The line carries the wall clock
//! (`unix_ns`), so a script that notes the clock just before `exec`
//! (`packaging/first-frame.sh`) measures everything: the loader, eframe's
//! set-up, the GPU adapter, the first layout and the first paint.

use egui::{Context, ViewportCommand};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// The environment variable that turns the probe on.
pub const FIRST_FRAME_ENV: &str = "THREADLAB_FIRST_FRAME";

/// Prints when the first painted frame is available, then closes the window.
#[derive(Debug)]
pub struct FirstFrameProbe {
    since: Instant,
    first_ui_ms: Option<f64>,
    painted: Arc<AtomicBool>,
    renderer: &'static str,
}

impl FirstFrameProbe {
    /// The probe, when [`FIRST_FRAME_ENV`] is set to anything but `0` or
    /// empty; `since` is when `gui::run` began, `renderer` the one that
    /// draws (`glow` or `wgpu`), printed beside the time.
    pub fn from_env(since: Instant, renderer: &'static str) -> Option<Self> {
        let on = std::env::var_os(FIRST_FRAME_ENV).is_some_and(|v| !v.is_empty() && v != "0");
        on.then(|| Self {
            since,
            first_ui_ms: None,
            painted: Arc::new(AtomicBool::new(false)),
            renderer,
        })
    }

    /// Called once per frame, before anything is drawn (in `logic`).
    pub fn update(&mut self, ctx: &Context) {
        if self.first_ui_ms.is_none() {
            self.first_ui_ms = Some(ms(self.since.elapsed()));
            let (painted, since, waker) = (self.painted.clone(), self.since, ctx.clone());
            let first_ui_ms = self.first_ui_ms.unwrap_or_default();
            let renderer = self.renderer;
            ctx.request_screenshot(move |image| {
                let unix_ns = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos());
                // The painted frame's size in pixels: what the window
                // really opened at, which tests of `--size` read.
                let [w, h] = image.size;
                println!(
                    "first-frame: unix_ns={unix_ns} painted_ms={:.1} first_ui_ms={first_ui_ms:.1} size={w}x{h} renderer={renderer}",
                    ms(since.elapsed())
                );
                painted.store(true, Ordering::Release);
                waker.request_repaint();
            });
        } else if self.painted.load(Ordering::Acquire) {
            ctx.send_viewport_cmd(ViewportCommand::Close);
        }
    }
}

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
