//! Clips of the finished run, as the window starts them: from the Record
//! button or its key with the clip row's options, or from the command
//! line's `--record`. The frames are drawn by a copy of the window on the
//! clip's own thread (`offline.rs`, `run_state::ClipJob`), so the window
//! stays responsive and shows the progress.

use super::ThreadlabApp;
use super::offline::{ClipFrames, ClipLook, OfflineWindow};
use crate::export::unused_path;
use crate::gui::panels::CLIP_SIZES;
use crate::gui::playback::SPEEDS;
use crate::gui::present::{Theme, set_status};
use crate::gui::run_state::{CANCELLED, ClipJob, FrameSource, MakeSource, Notice};
use crate::video::{ClipTarget, ClipTiming};
use std::path::PathBuf;
use std::time::SystemTime;

/// A clip asked for: where, how big, how fast, which part, with what.
#[derive(Clone, Debug, PartialEq)]
pub struct ClipRequest {
    /// The file; its extension picks the format.
    pub path: PathBuf,
    /// Frame size in pixels.
    pub size: [u32; 2],
    /// Replay speed, a fraction of real time.
    pub speed: f64,
    /// Frames per second.
    pub fps: u32,
    /// Start of the part of the run shown, ms (its start by default).
    pub from_ms: Option<f64>,
    /// End of it, ms (the run's end by default).
    pub to_ms: Option<f64>,
    /// With the controls and results beside the timeline.
    pub panels: bool,
    /// A title card with the preset's title for the first second.
    pub title_card: bool,
}

impl ThreadlabApp {
    /// The Record button or key: a clip of the finished run with the clip
    /// row's options, into the export folder.
    pub(super) fn record_clip(&mut self, ctx: &egui::Context) {
        if self.clip.is_some() {
            return;
        }
        let s = &self.clip_settings;
        let horizon = self.run.as_ref().map_or(0, |r| r.data.horizon_ns());
        let (from_ms, to_ms) = if s.view_only && !self.view.is_fit() {
            let [a, b] = self.view.range_ns(horizon);
            (Some(a.max(0.0) / 1e6), Some(b / 1e6))
        } else {
            (None, None)
        };
        let preset = self.preset_name();
        let request = ClipRequest {
            path: unused_path(
                &self.exporter.dir(),
                &preset,
                SystemTime::now(),
                s.format.ext(),
            ),
            size: CLIP_SIZES[s.size.min(CLIP_SIZES.len() - 1)],
            speed: SPEEDS[s.speed.min(SPEEDS.len() - 1)],
            fps: s.fps,
            from_ms,
            to_ms,
            panels: s.panels,
            title_card: s.title_card,
        };
        if let Err(e) = self.start_clip(Some(ctx), &request) {
            self.clip_notice = Some(Notice {
                text: format!("Could not record: {e}"),
                error: true,
            });
        }
    }

    /// Starts recording `request` from the finished run on screen.
    pub(super) fn start_clip(
        &mut self,
        waker: Option<&egui::Context>,
        request: &ClipRequest,
    ) -> Result<(), String> {
        let data = self
            .run
            .as_ref()
            .map(|r| &r.data)
            .filter(|d| d.summary().is_some() && d.timeline.events() > 0)
            .ok_or("there is no finished run to record; run the experiment first")?;
        let target = ClipTarget::check(&request.path).map_err(|e| e.to_string())?;
        let timing = ClipTiming::new(
            data.end_ns(),
            request.from_ms,
            request.to_ms,
            request.speed,
            request.fps,
        )?;
        let look = ClipLook {
            present: self.presenter.view.present,
            light: self.presenter.view.theme == Theme::Light,
            panels: request.panels,
        };
        let whole = request.from_ms.is_none() && request.to_ms.is_none();
        let range = (!whole).then_some([timing.from_ns as f64, timing.to_ns as f64]);
        let (data, baselines) = (data.clone(), self.baselines.measured());
        let (preset, size, title_card) = (self.preset_name(), request.size, request.title_card);
        let make: MakeSource = Box::new(move || {
            let window =
                OfflineWindow::new(Some(preset), data, baselines, &look, size, &timing, range)?;
            Ok(Box::new(ClipFrames::new(window, timing, title_card)) as Box<dyn FrameSource>)
        });
        self.clip_notice = target
            .note
            .clone()
            .map(|text| Notice { text, error: false });
        self.clip = Some(ClipJob::start(target, size, timing, make, waker.cloned())?);
        Ok(())
    }

    /// Asks the clip being recorded to stop.
    pub(super) fn cancel_clip(&mut self) {
        if let Some(job) = &self.clip {
            job.cancel();
        }
    }

    /// Takes in a clip that ended: its path, or why there is none.
    pub(super) fn poll_clip(&mut self) {
        let Some(result) = self.clip.as_mut().and_then(ClipJob::try_finish) else {
            return;
        };
        let job = self.clip.take();
        let scripted = self.options.record.is_some();
        let frames = job.as_ref().map_or(0, |j| j.progress().1);
        let secs = job.as_ref().map_or(0.0, |j| j.elapsed().as_secs_f64());
        let note = job.as_ref().and_then(|j| j.target().note.clone());
        self.clip_notice = Some(match result {
            Ok(path) => {
                if scripted {
                    if let Some(note) = &note {
                        eprintln!("threadlab: {note}");
                    }
                    eprintln!(
                        "threadlab: recorded {frames} frames into {} in {secs:.1} s ({:.1} frames/s)",
                        path.display(),
                        frames as f64 / secs.max(1e-3)
                    );
                }
                Notice {
                    text: format!("Recorded {frames} frames: {}", path.display()),
                    error: false,
                }
            }
            Err(e) if e == CANCELLED => Notice {
                text: "Recording cancelled; nothing was written.".to_owned(),
                error: false,
            },
            Err(e) => {
                if scripted {
                    set_status(&self.exit_status, format!("could not record the clip: {e}"));
                }
                Notice {
                    text: format!("Could not record: {e}"),
                    error: true,
                }
            }
        });
    }

    /// For `--record`: once the run is done, the clip is started (once).
    /// Returns whether the clip asked for is done (or was never asked for).
    pub(super) fn scripted_clip_done(&mut self, ctx: &egui::Context, run_done: bool) -> bool {
        let Some(request) = self.options.record.clone() else {
            return true;
        };
        if !run_done {
            return false;
        }
        if !self.clip_started {
            self.clip_started = true;
            // Woken by the clip's thread: the window closes once it is done.
            if let Err(e) = self.start_clip(Some(ctx), &request) {
                set_status(&self.exit_status, format!("could not record the clip: {e}"));
            }
        }
        self.clip.is_none()
    }

    /// The name of the preset on screen, for file names.
    fn preset_name(&self) -> String {
        self.presets
            .get(self.preset)
            .map_or_else(|| self.scenario.name.clone(), |p| p.name.clone())
    }
}
