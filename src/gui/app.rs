//! The window's state and what happens each frame: drain the run into state
//! the window owns, react to the controls, lay out the panels, and repaint
//! only while something changes.

use super::baseline::Baselines;
use super::controls::{Action, ControlSettings, controls_ui};
use super::export::{ExportKind, Exporter, Notice};
use super::first_frame::FirstFrameProbe;
use super::live::{LiveRun, RunData};
use super::reaper::Reaper;
use super::screenshot::{ExitStatus, Smoke, set_status};
use super::timeline::DrawStats;
use super::view::TimeView;
use super::{layout, summary};
use crate::model::{DEFAULT_PRESET, Scenario, all_presets, load_preset, preset_names};
use std::path::PathBuf;
use std::time::Duration;

/// Frame interval while a run goes on: a steady 25 frames per second.
pub const LIVE_FRAME: Duration = Duration::from_millis(40);
/// Frame interval while a run goes on when the window is drawn by the CPU
/// (Mesa's llvmpipe, as under Xvfb): drawing then costs a core's worth of
/// time, which the experiment needs more than the picture needs frames.
pub const LIVE_FRAME_SOFTWARE: Duration = Duration::from_millis(125);
/// Time each frame may spend taking in events.
const DRAIN_BUDGET: Duration = Duration::from_millis(8);

/// How the window starts.
#[derive(Clone, Debug, Default)]
pub struct AppOptions {
    /// Preset to open (the default preset when `None`).
    pub preset: Option<String>,
    /// Run it at once.
    pub run: bool,
    /// Save the window here once the run is done.
    pub screenshot: Option<PathBuf>,
    /// Close the window after that.
    pub exit: bool,
    /// Larger text for a lecture hall.
    pub present: bool,
}

/// The window.
pub struct ThreadlabApp {
    presets: Vec<Scenario>,
    preset: usize,
    scenario: Scenario,
    settings: ControlSettings,
    run: Option<LiveRun>,
    baselines: Baselines,
    view: TimeView,
    reaper: Reaper,
    start_error: Option<String>,
    smoke: Option<Smoke>,
    exit_status: ExitStatus,
    started: bool,
    options: AppOptions,
    stats: DrawStats,
    live_frame: Duration,
    first_frame: Option<FirstFrameProbe>,
    exporter: Exporter,
}

impl ThreadlabApp {
    /// The window on the preset `options` names; an unknown preset is an error
    /// naming the presets there are.
    pub fn new(options: AppOptions) -> Result<Self, String> {
        let presets = all_presets();
        let name = options
            .preset
            .clone()
            .unwrap_or_else(|| DEFAULT_PRESET.to_owned());
        let scenario = match load_preset(&name) {
            Some(Ok(s)) => s,
            Some(Err(e)) => return Err(e.to_string()),
            None => {
                return Err(format!(
                    "unknown preset '{name}' (try: {})",
                    preset_names().join(", ")
                ));
            }
        };
        let preset = presets.iter().position(|p| p.name == name).unwrap_or(0);
        Ok(Self {
            presets,
            preset,
            scenario,
            settings: ControlSettings::default(),
            run: None,
            baselines: Baselines::default(),
            view: TimeView::default(),
            reaper: Reaper::default(),
            start_error: None,
            smoke: Smoke::new(options.screenshot.clone(), options.exit),
            exit_status: ExitStatus::default(),
            started: false,
            options,
            stats: DrawStats::default(),
            live_frame: LIVE_FRAME,
            first_frame: None,
            exporter: Exporter::default(),
        })
    }

    /// A window showing a run recorded elsewhere (tests, fixed pictures).
    pub fn with_recorded(mut self, data: RunData) -> Self {
        self.scenario = data.scenario.clone();
        self.run = Some(LiveRun::recorded(data));
        self
    }

    /// Tells the window it is drawn by the CPU, so it repaints less often
    /// during a run and leaves the cores to the experiment.
    pub fn set_software_rendering(&mut self, software: bool) {
        self.live_frame = if software {
            LIVE_FRAME_SOFTWARE
        } else {
            LIVE_FRAME
        };
    }

    /// Measures the time to the first painted frame, then closes the window.
    pub fn set_first_frame_probe(&mut self, probe: FirstFrameProbe) {
        self.first_frame = Some(probe);
    }

    /// Exports the window (PNG), or the last finished run (Chrome trace,
    /// CSV), at the next frame; the export row then shows the file's path.
    pub fn request_export(&mut self, kind: ExportKind) {
        self.exporter.request(kind);
    }

    /// Exports go to `dir` instead of `$THREADLAB_EXPORT_DIR` or the
    /// current directory.
    pub fn set_export_dir(&mut self, dir: PathBuf) {
        self.exporter.set_dir(dir);
    }

    /// What the last export did: the path it wrote, or why it could not.
    pub fn export_notice(&self) -> Option<&Notice> {
        self.exporter.notice()
    }

    /// Whether an export is still being written.
    pub fn is_exporting(&self) -> bool {
        self.exporter.is_busy()
    }

    /// Where a smoke-mode failure is reported.
    pub fn exit_status(&self) -> ExitStatus {
        self.exit_status.clone()
    }

    /// The knobs as they are set now.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The current or last run.
    pub fn run_data(&self) -> Option<&RunData> {
        self.run.as_ref().map(|r| &r.data)
    }

    /// Speedup of the last run over one thread, once measured.
    pub fn speedup(&self) -> Option<f64> {
        self.run_data()
            .and_then(|d| summary::run_speedup(d, &self.baselines))
    }

    /// Whether a run or a serial measurement is still going.
    pub fn is_busy(&self) -> bool {
        self.run.as_ref().is_some_and(LiveRun::is_running) || self.baselines.busy()
    }

    /// Whether the smoke mode has saved its picture (or given up).
    pub fn smoke_done(&self) -> bool {
        self.smoke.as_ref().is_none_or(Smoke::is_done)
    }

    /// Stops every run and joins every thread the window started.
    pub fn shutdown(&mut self) {
        if let Some(run) = self.run.take()
            && let (Some(handle), _) = run.into_parts()
        {
            self.reaper.reap(handle);
        }
        if let Some(watcher) = self.baselines.cancel() {
            self.reaper.adopt(watcher);
        }
        self.reaper.join_all();
        self.exporter.join_all();
    }

    /// Draws the whole window for one frame.
    pub fn window_ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        if !self.started {
            self.started = true;
            layout::setup_style(&ctx, self.options.present);
            if self.options.run {
                self.start_run();
            }
        }
        self.poll(&ctx);
        let (action, rerun) = egui::Panel::left("controls")
            .exact_size(276.0)
            .show(ui, |ui| {
                layout::brand_ui(ui);
                let running = self.run.as_ref().is_some_and(LiveRun::is_running);
                let out = controls_ui(
                    ui,
                    &mut self.scenario,
                    &self.presets,
                    self.preset,
                    &mut self.settings,
                    running,
                );
                ui.add_space(14.0);
                ui.separator();
                egui::ScrollArea::vertical().show(ui, |ui| summary::lesson_ui(ui, &self.scenario));
                out
            })
            .inner;
        let cores = self
            .run_data()
            .map_or_else(crate::sampling::core_count, super::cores::core_count);
        egui::Panel::right("results")
            .exact_size(300.0)
            .show(ui, |ui| {
                let data = self.run.as_ref().map(|r| &r.data);
                egui::Panel::bottom("export").show(ui, |ui| self.exporter.ui(ui, data));
                layout::results_ui(ui, data, &self.baselines, cores);
            });
        egui::CentralPanel::default().show(ui, |ui| {
            let banner = layout::Banner {
                data: self.run.as_ref().map(|r| &r.data),
                start_error: self.start_error.as_deref(),
                scenario: &self.scenario,
            };
            self.stats = layout::central_ui(ui, banner, &mut self.view, self.stats);
        });
        self.act(action, rerun);
        self.schedule_repaint(&ctx);
        let ready = !self.is_busy() && (self.run.is_some() || !self.options.run);
        if let Some(smoke) = &mut self.smoke {
            smoke.update(&ctx, ready, &self.exit_status);
            if smoke.is_done()
                && let Some(e) = self.run.as_ref().and_then(|r| r.data.error())
            {
                set_status(&self.exit_status, format!("the run failed: {e}"));
            }
        }
        if let Some(probe) = &mut self.first_frame {
            probe.update(&ctx);
        }
    }

    fn act(&mut self, action: Action, rerun: bool) {
        match action {
            Action::Run => self.start_run(),
            Action::Stop => {
                if let Some(run) = &self.run {
                    run.stop();
                }
            }
            Action::Reset => self.reset(),
            Action::Preset(i) => {
                if let Some(p) = self.presets.get(i) {
                    self.preset = i;
                    self.scenario = p.clone();
                    self.clear();
                    if self.settings.auto_run {
                        self.start_run();
                    }
                }
            }
            Action::None if rerun => self.start_run(),
            Action::None => {}
        }
    }

    fn reset(&mut self) {
        if let Some(p) = self.presets.get(self.preset) {
            self.scenario = p.clone();
        }
        self.clear();
    }

    /// Ends the run and forgets its picture.
    fn clear(&mut self) {
        if let Some(run) = self.run.take()
            && let (Some(handle), _) = run.into_parts()
        {
            self.reaper.reap(handle);
        }
        if let Some(watcher) = self.baselines.cancel() {
            self.reaper.adopt(watcher);
        }
        self.start_error = None;
        self.view.fit();
    }

    fn start_run(&mut self) {
        self.clear();
        match LiveRun::start(self.scenario.clone()) {
            Ok(run) => self.run = Some(run),
            Err(e) => self.start_error = Some(e.to_string()),
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
    }

    /// A run ended: keep its time if it was serial, else measure the serial run.
    fn on_finished(&mut self, ctx: &egui::Context) {
        let Some(data) = self.run_data() else { return };
        let Some(summary) = data.summary().filter(|s| !s.stopped) else {
            return;
        };
        let (scenario, wall_ms) = (data.scenario.clone(), summary.wall_ms);
        self.baselines.remember(&scenario, wall_ms);
        if let Err(e) = self.baselines.measure(&scenario, ctx) {
            self.baselines.error = Some(format!("could not time one thread: {e}"));
        }
    }

    /// Repaints at a steady rate while something runs, and not at all when idle.
    fn schedule_repaint(&self, ctx: &egui::Context) {
        if self.run.as_ref().is_some_and(LiveRun::is_running) {
            ctx.request_repaint_after(self.live_frame);
        }
        // A serial measurement wakes the window itself when it ends.
    }
}

impl eframe::App for ThreadlabApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.window_ui(ui);
    }

    fn on_exit(&mut self) {
        self.shutdown();
    }
}

impl Drop for ThreadlabApp {
    fn drop(&mut self) {
        self.shutdown();
    }
}
