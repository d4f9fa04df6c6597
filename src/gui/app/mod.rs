//! The window's state and what happens each frame: drain the run into state
//! the window owns, react to the controls, lay out the panels, and repaint
//! only while something changes.

mod dispatch;

use crate::gui::baseline::Baselines;
use crate::gui::compare::{COMPARE_FRAME_FACTOR, CompareAction, CompareMode};
use crate::gui::compare_run::{Comparison, Ghost as CompareGhost};
use crate::gui::controls::{Action, ControlSettings, controls_ui};
use crate::gui::export::{ExportKind, Exporter, Notice};
use crate::gui::first_frame::FirstFrameProbe;
use crate::gui::ghost::Ghost;
use crate::gui::live::{LiveRun, RunData};
use crate::gui::present::Presenter;
use crate::gui::reaper::Reaper;
use crate::gui::replay::Replay;
use crate::gui::screenshot::{ExitStatus, Smoke, set_status};
use crate::gui::settings::{self, StoredScenario, ViewSettings};
use crate::gui::shortcuts::Command;
use crate::gui::timeline::DrawStats;
use crate::gui::view::TimeView;
use crate::gui::{layout, summary};
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
    /// Larger text for a lecture hall; wins over the stored setting.
    pub present: bool,
    /// Compare the preset's work in every shape at once (instead of `run`).
    pub compare: bool,
    /// The light theme; wins over the stored setting.
    pub light: bool,
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
    replay: Replay,
    ghost: Ghost,
    compare: CompareMode,
    presenter: Presenter,
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
        let presenter = Presenter::new(ViewSettings::default().with_options(&options));
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
            replay: Replay::default(),
            ghost: Ghost::default(),
            compare: CompareMode::default(),
            presenter,
            first_frame: None,
            exporter: Exporter::default(),
        })
    }

    /// Takes the settings and the last scenario from `storage`. What the
    /// command line asked for (`--preset`, `--present`, `--light`) wins; a
    /// stored scenario that no longer fits is dropped with a notice.
    pub fn restore(&mut self, storage: &dyn eframe::Storage) {
        let restored = settings::load(storage, &self.presets);
        self.settings.auto_run = restored.view.auto_run;
        self.presenter.view = restored.view.with_options(&self.options);
        if self.options.preset.is_none()
            && let Some(stored) = restored.scenario
            && let Some(i) = self.presets.iter().position(|p| p.name == stored.preset)
        {
            self.preset = i;
            self.scenario = stored.knobs;
        }
        if let Some(notice) = restored.notice {
            self.presenter.notify(notice);
        }
    }

    /// Writes the settings and the scenario on screen into `storage`.
    pub fn save_to(&self, storage: &mut dyn eframe::Storage) {
        let view = ViewSettings {
            auto_run: self.settings.auto_run,
            ..self.presenter.view.clone()
        };
        let preset = self
            .presets
            .get(self.preset)
            .map_or_else(|| self.scenario.name.clone(), |p| p.name.clone());
        let scenario = StoredScenario {
            preset,
            knobs: self.scenario.clone(),
        };
        settings::save(storage, &view, &scenario);
    }

    /// The presenter's state: view settings, help overlay, notice.
    pub fn presenter(&self) -> &Presenter {
        &self.presenter
    }

    /// A window showing a run recorded elsewhere (tests, fixed pictures).
    pub fn with_recorded(mut self, data: RunData) -> Self {
        self.scenario = data.scenario.clone();
        self.run = Some(LiveRun::recorded(data));
        self
    }

    /// A window showing a comparison recorded elsewhere (tests, fixed
    /// pictures), with the one before it as a ghost.
    pub fn with_recorded_compare(
        mut self,
        comparison: Comparison,
        ghost: Option<CompareGhost>,
    ) -> Self {
        self.scenario = comparison.base.clone();
        self.compare.show_recorded(comparison, ghost);
        self
    }

    /// Compares the current settings' work serially, with N threads, N
    /// processes, N threads without the GIL and as native code, one run after
    /// another, and shows the compare view (bind a key to this). Settings that
    /// cannot be compared leave the window as it is and say why.
    pub fn start_compare(&mut self) {
        self.clear();
        if let Err(e) = self.compare.start(&self.scenario, &mut self.reaper) {
            self.start_error = Some(e);
        }
    }

    /// Back to the single-run view; a comparison under way is stopped.
    pub fn leave_compare(&mut self) {
        self.compare.leave(&mut self.reaper);
    }

    /// The compare mode: whether it is shown, the comparison, its ghost.
    pub fn compare(&self) -> &CompareMode {
        &self.compare
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

    /// The replay of the finished run: bind keys to its methods.
    pub fn replay_mut(&mut self) -> &mut Replay {
        &mut self.replay
    }

    /// The replay of the finished run.
    pub fn replay(&self) -> &Replay {
        &self.replay
    }

    /// Moves the replay cursor to the next (`forward`) or previous change
    /// on any lane of the run.
    pub fn replay_step(&mut self, forward: bool) {
        if let Some(run) = &self.run {
            self.replay.step(&run.data.timeline, forward);
        }
    }

    /// The previous run kept as a ghost: `toggle` it from a key.
    pub fn ghost_mut(&mut self) -> &mut Ghost {
        &mut self.ghost
    }

    /// Whether a run or a serial measurement is still going.
    pub fn is_busy(&self) -> bool {
        self.run.as_ref().is_some_and(LiveRun::is_running)
            || self.baselines.busy()
            || self.compare.is_running()
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
        self.compare.cancel(&mut self.reaper);
        self.reaper.join_all();
        self.exporter.join_all();
    }

    /// Draws the whole window for one frame.
    pub fn window_ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        if !self.started {
            self.started = true;
            layout::setup_style(&ctx, false);
            if self.smoke.is_some() {
                // Under Xvfb the pointer rests mid-screen: a picture taken
                // for a script must not catch a hover tooltip.
                ctx.all_styles_mut(|style| style.interaction.tooltip_delay = f32::INFINITY);
            }
            if self.options.compare {
                self.start_compare();
            } else if self.options.run {
                self.start_run();
            }
        }
        self.presenter.begin_frame(&ctx);
        let mut commands = self.presenter.keys(&ctx);
        self.poll(&ctx);
        self.compare.poll(&mut self.reaper);
        let folded = self.presenter.view.controls_folded;
        let (action, rerun) = egui::Panel::left("controls")
            .exact_size(if folded { layout::FOLDED_WIDTH } else { 276.0 })
            .show(ui, |ui| {
                if folded {
                    commands.extend(self.presenter.folded_strip_ui(ui, true));
                    return (Action::None, false);
                }
                if layout::brand_ui(ui) {
                    commands.push(Command::FoldControls);
                }
                commands.extend(self.presenter.view_bar_ui(ui));
                ui.add_space(6.0);
                let running =
                    self.run.as_ref().is_some_and(LiveRun::is_running) || self.compare.is_running();
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
            .map_or_else(crate::sampling::core_count, crate::gui::cores::core_count);
        let folded = self.presenter.view.results_folded;
        egui::Panel::right("results")
            .exact_size(if folded { layout::FOLDED_WIDTH } else { 300.0 })
            .show(ui, |ui| {
                if folded {
                    commands.extend(self.presenter.folded_strip_ui(ui, false));
                } else if self.compare.is_shown() {
                    self.compare.results_ui(ui);
                } else {
                    let data = self.run.as_ref().map(|r| &r.data);
                    egui::Panel::bottom("export").show(ui, |ui| self.exporter.ui(ui, data));
                    let at = self.replay.cursor_ns();
                    if layout::results_ui(ui, data, &self.baselines, cores, at) {
                        commands.push(Command::FoldResults);
                    }
                }
            });
        let mut compare_action = CompareAction::None;
        egui::CentralPanel::default().show(ui, |ui| {
            if self.compare.is_shown() {
                compare_action = self.compare.central_ui(ui, &self.scenario);
                return;
            }
            let banner = layout::Banner {
                data: self.run.as_ref().map(|r| &r.data),
                start_error: self.start_error.as_deref(),
                scenario: &self.scenario,
            };
            let playback = layout::Playback {
                replay: &mut self.replay,
                ghost: &mut self.ghost,
            };
            self.stats = layout::central_ui(ui, banner, &mut self.view, self.stats, playback);
        });
        if compare_action == CompareAction::Leave {
            self.leave_compare();
        }
        self.presenter.overlays_ui(&ctx);
        for command in commands {
            self.command(&ctx, command);
        }
        self.act(action, rerun);
        self.schedule_repaint(&ctx);
        // A start that failed is an end too: the picture shows why.
        let started =
            self.run.is_some() || self.compare.comparison().is_some() || self.start_error.is_some();
        let ready = !self.is_busy() && (started || !(self.options.run || self.options.compare));
        if let Some(smoke) = &mut self.smoke {
            smoke.update(&ctx, ready, &self.exit_status);
            if smoke.is_done()
                && let Some(e) = self.run.as_ref().and_then(|r| r.data.error())
            {
                set_status(&self.exit_status, format!("the run failed: {e}"));
            }
            if smoke.is_done() {
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
        if let Some(probe) = &mut self.first_frame {
            probe.update(&ctx);
        }
    }

    fn reset(&mut self) {
        if let Some(p) = self.presets.get(self.preset) {
            self.scenario = p.clone();
        }
        self.clear();
    }

    /// Ends the run and forgets its picture; returns what it recorded.
    fn clear(&mut self) -> Option<RunData> {
        let mut last = None;
        if let Some(run) = self.run.take() {
            let (handle, data) = run.into_parts();
            if let Some(handle) = handle {
                self.reaper.reap(handle);
            }
            last = Some(data);
        }
        self.replay.stop();
        if let Some(watcher) = self.baselines.cancel() {
            self.reaper.adopt(watcher);
        }
        self.compare.leave(&mut self.reaper);
        self.start_error = None;
        self.view.fit();
        last
    }

    fn start_run(&mut self) {
        let last = self.clear();
        self.ghost.after_rerun(last, &self.scenario);
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
        if self.compare.is_running() {
            ctx.request_repaint_after(self.live_frame * COMPARE_FRAME_FACTOR);
        }
        // A serial measurement wakes the window itself when it ends.
    }
}

impl eframe::App for ThreadlabApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.window_ui(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        // Smoke runs (scripts, CI) leave the user's saved state alone.
        if self.smoke.is_none() {
            self.save_to(storage);
        }
    }

    fn persist_egui_memory(&self) -> bool {
        // Ours is all in `save`; egui's (a zoom, open popups) would only
        // fight with it at the next start.
        false
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
