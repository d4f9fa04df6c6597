//! What a frame does before it draws anything: start what the command line
//! asked for, hand the theme and zoom to egui, take in the keys, drain the
//! runs and the exports, move the replay's cursor, ask for the next frame,
//! and advance the smoke mode and the first-frame probe. eframe calls it
//! through `App::logic`, the test harness by hand, before `ui`.

use super::{Mode, ThreadlabApp};
use crate::gui::compare::COMPARE_FRAME_FACTOR;
use crate::gui::present::{set_status, setup_style};
use crate::gui::run_state::{LiveRun, RunData};
use std::time::Duration;

/// Frames the window draws before it starts the run the command line asked
/// for (see `start_when_warm`).
const WARM_FRAMES: u64 = 3;

/// Time each frame may spend taking in events.
const DRAIN_BUDGET: Duration = Duration::from_millis(8);

impl ThreadlabApp {
    /// The frame's logic; call once per frame, before [`ThreadlabApp::ui`].
    /// It draws nothing.
    pub fn logic(&mut self, ctx: &egui::Context) {
        if !self.started {
            self.started = true;
            self.first_frame_start(ctx);
        }
        self.start_when_warm(ctx);
        self.presenter.begin_frame(ctx);
        let keys = self.presenter.keys(ctx, self.deck.is_some());
        self.commands.extend(keys);
        self.open_dropped(ctx);
        if self.run.as_ref().is_some_and(LiveRun::is_running) {
            self.live_frames += 1;
        }
        self.poll(ctx);
        self.compare.poll(&mut self.reaper);
        self.update_deck();
        self.exporter.poll(ctx, self.run.as_ref().map(|r| &r.data));
        self.poll_clip();
        self.advance_replay(ctx);
        self.schedule_repaint(ctx);
        self.update_smoke(ctx);
        if let Some(probe) = &mut self.first_frame {
            probe.update(ctx);
        }
    }

    /// A file dropped on the window is opened as a saved run, or as a deck
    /// when it is a `.toml` file; of several, the first saved run among them
    /// (a run on screen is one run).
    fn open_dropped(&mut self, ctx: &egui::Context) {
        let dropped: Vec<_> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .collect()
        });
        let Some(first) = dropped.first() else {
            return;
        };
        let path = dropped
            .iter()
            .find(|p| crate::runfile::has_run_extension(p))
            .unwrap_or(first)
            .clone();
        // A TOML file is a deck (a scenario is opened with --scenario).
        if path.extension().is_some_and(|e| e == "toml") {
            self.open_deck_file(&path);
            return;
        }
        self.open_run_file(&path);
    }

    /// The style, and what the command line asked to start.
    fn first_frame_start(&mut self, ctx: &egui::Context) {
        setup_style(ctx, false);
        if self.smoke.is_some() {
            // Under Xvfb the pointer rests mid-screen: a picture taken
            // for a script must not catch a hover tooltip.
            ctx.all_styles_mut(|style| style.interaction.tooltip_delay = f32::INFINITY);
        }
        self.opening = self.options.compare || self.options.run;
    }

    /// Starts what the command line asked for (`--run`, `--compare`) once
    /// the window has drawn its first frames. A CPU renderer compiles its
    /// shaders in those (hundreds of milliseconds of a core on llvmpipe):
    /// a run started beside them would lose the cores to it, and count it
    /// as what drawing the window costs while a run is on.
    fn start_when_warm(&mut self, ctx: &egui::Context) {
        if !self.opening {
            return;
        }
        if ctx.cumulative_frame_nr() < WARM_FRAMES {
            ctx.request_repaint();
            return;
        }
        self.opening = false;
        if self.options.compare {
            self.start_compare();
        } else {
            self.run_shown();
        }
    }

    /// Takes in what the run and the serial measurement sent.
    fn poll(&mut self, ctx: &egui::Context) {
        if let Some(run) = &mut self.run {
            let (_, finished) = run.poll(DRAIN_BUDGET);
            if let Some(handle) = finished {
                self.reaper.reap(handle);
                self.on_finished(ctx);
            }
        }
        if let (_, Some(watcher)) = self.baselines.poll() {
            self.reaper.adopt(watcher);
        }
        self.poll_lens();
    }

    /// The real runs: the queued one starts once the model's run and the
    /// serial measurement after it are over (never beside them).
    fn poll_lens(&mut self) {
        if self.lens.is_pending() {
            let model = self.run.as_ref().map(|r| &r.data);
            if model.is_some_and(|d| d.summary().is_some_and(|s| !s.stopped)) {
                if !self.baselines.busy() {
                    self.lens.start_pending();
                }
            } else if model.is_none_or(RunData::is_finished) {
                // The model's run failed or was stopped: nothing to set beside it.
                self.lens.cancel(&mut self.reaper);
            }
        }
        self.lens.poll(DRAIN_BUDGET);
    }

    /// A run ended: keep its time if it was serial, else measure the serial run.
    fn on_finished(&mut self, ctx: &egui::Context) {
        let Some(data) = self.run_data() else { return };
        let Some(summary) = data.summary().filter(|s| !s.stopped) else {
            return;
        };
        let (scenario, summary) = (data.scenario.clone(), summary.clone());
        self.baselines.remember_run(&scenario, &summary);
        if let Err(e) = self.baselines.measure(&scenario, ctx) {
            self.baselines.error = Some(format!("could not time one thread: {e}"));
        }
    }

    /// Moves a playing replay's cursor by the time since the last frame and
    /// keeps it in a zoomed view. A replay needs a finished run on screen:
    /// without one it ends; in the compare view it waits.
    fn advance_replay(&mut self, ctx: &egui::Context) {
        if self.mode != Mode::Single {
            return;
        }
        let finished = self
            .run
            .as_ref()
            .map(|r| &r.data)
            .filter(|d| d.is_finished() && d.timeline.events() > 0);
        let Some(data) = finished else {
            if self.replay.is_active() {
                self.replay.stop();
            }
            return;
        };
        let now = ctx.input(|i| i.time);
        if let Some(next) = self.replay.advance(now, data.end_ns()) {
            ctx.request_repaint_after(next);
        }
        if let Some(t) = self.replay.cursor_ns().filter(|_| self.replay.is_playing()) {
            self.view.keep_in_view(t as f64, data.horizon_ns());
        }
    }

    /// Repaints while something runs, as often as the pacer measured the
    /// window can afford, and not at all when idle.
    fn schedule_repaint(&mut self, ctx: &egui::Context) {
        if let Some(run) = self.run.as_ref().filter(|r| r.is_running()) {
            self.pacer.update(&run.data.cores);
            ctx.request_repaint_after(self.pacer.interval());
        }
        if self.compare.is_running() {
            ctx.request_repaint_after(self.pacer.floor() * COMPARE_FRAME_FACTOR);
        }
        if self.lens.is_running() {
            ctx.request_repaint_after(self.pacer.interval());
        }
        // A serial measurement wakes the window itself when it ends.
    }

    /// The smoke mode: once everything asked for is done, save the picture,
    /// close, and report a failed run as the exit status.
    fn update_smoke(&mut self, ctx: &egui::Context) {
        // A start that failed is an end too: the picture shows why.
        let started =
            self.run.is_some() || self.compare.comparison().is_some() || self.start_error.is_some();
        let ready = !self.opening
            && !self.is_busy()
            && (started || !(self.options.run || self.options.compare));
        // `--record`: the clip is drawn once the run is done, and the window
        // closes only after it.
        let ready = self.scripted_clip_done(ctx, ready) && ready;
        let Some(smoke) = &mut self.smoke else {
            return;
        };
        smoke.update(ctx, ready, &self.exit_status);
        if !smoke.is_done() {
            return;
        }
        if let Some(e) = self.run.as_ref().and_then(|r| r.data.error()) {
            set_status(&self.exit_status, format!("the run failed: {e}"));
        }
        if let Some(summary) = self.run.as_ref().and_then(|r| r.data.summary())
            && let Ok(mut report) = self.report.lock()
        {
            *report = Some((summary.clone(), self.live_frames));
        }
        let failed = self
            .compare
            .failure()
            .map(|e| format!("the comparison failed: {e}"));
        let refused = self
            .start_error
            .as_ref()
            .map(|e| format!("could not start: {e}"));
        if let Some(message) = failed.or(refused) {
            set_status(&self.exit_status, message);
        }
    }
}
