//! The window's state, split by concern the way rerun's viewer app is
//! (`app/{logic,ui,command_handling}.rs`): this file holds the state and
//! what others may ask of it; `logic.rs` is what a frame does before it
//! draws (take in the runs, the keys, the replay's clock, ask for the next
//! frame, the smoke mode); `ui.rs` draws the panels; `dispatch.rs` carries
//! out the frame's commands, the one `match` on [`Command`].

mod clip;
mod deck;
mod dispatch;
mod logic;
mod offline;
mod ui;

pub use clip::ClipRequest;

use crate::gui::code::CodeView;
use crate::gui::command::Command;
use crate::gui::compare::{CompareMode, Comparison, Ghost as CompareGhost, Progress};
use crate::gui::deck::DeckMode;
use crate::gui::lens::LensMode;
use crate::gui::panels::{ClipSettings, ControlSettings, OpenRunField};
use crate::gui::playback::{Ghost, Replay};
use crate::gui::present::{
    ExitStatus, FirstFrameProbe, Presenter, Smoke, SmokeReport, StoredScenario, ViewSettings,
    load_settings, save_settings,
};
use crate::gui::run_state::{
    Baselines, ClipJob, ExportKind, Exporter, FramePacer, LiveRun, Notice, Reaper, RunData,
    open_run,
};
use crate::gui::timeline::{DrawStats, TimeView};
use crate::model::{DEFAULT_PRESET, Scenario, all_presets, load_preset, preset_names};
use std::path::PathBuf;
use std::time::Duration;

/// The shortest frame interval while a run goes on: 25 frames per second,
/// all the eye needs of a timeline that grows. The pacer lengthens it when
/// frames cost more than the window's share of a core.
pub const LIVE_FRAME: Duration = Duration::from_millis(40);
/// The shortest frame interval while a run goes on when the window is drawn
/// by the CPU (Mesa's llvmpipe, as under Xvfb): a frame then costs tens of
/// milliseconds of a core, which the experiment needs more than the picture
/// needs frames.
pub const LIVE_FRAME_SOFTWARE: Duration = Duration::from_millis(125);
/// Where a CPU renderer's pacer starts, before it has measured anything:
/// glow on llvmpipe measured 30 to 45 ms a frame at 720p (BENCHMARKS.md),
/// so a frame every 250 ms is already near the share the pacer aims at.
pub const LIVE_FRAME_SOFTWARE_START: Duration = Duration::from_millis(250);

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
    /// The CPython switch on: each run is also run by a real interpreter.
    pub cpython: bool,
    /// The code panel open.
    pub code: bool,
    /// The interpreter for the CPython switch (python3 on PATH when `None`).
    pub python: Option<PathBuf>,
    /// The preset's knobs as the command line changed them (`gui --preset
    /// cpu-bound --threads 8`); they win over the remembered scenario.
    pub knobs: Option<Scenario>,
    /// Record the finished run's replay as a clip (`--record`), then, with
    /// `exit`, close.
    pub record: Option<ClipRequest>,
    /// A saved run to open instead of running anything (`gui --open
    /// FILE.tlrun`); a file that cannot be opened is an error of
    /// [`ThreadlabApp::new`], naming it.
    pub open: Option<PathBuf>,
    /// A lecture deck to open (`gui --deck`), instead of a preset.
    pub deck: Option<crate::deck::Deck>,
    /// The deck's step to open on, 0-based.
    pub step: usize,
    /// The room's votes on that step's question, one count per choice.
    pub votes: Vec<u32>,
}

/// What the middle of the window shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// One run: the timeline, the cores view, the replay.
    #[default]
    Single,
    /// A comparison: the same work in every shape, with speedup bars.
    Compare,
}

/// The window.
pub struct ThreadlabApp {
    // The experiment.
    presets: Vec<Scenario>,
    preset: usize,
    scenario: Scenario,
    settings: ControlSettings,
    options: AppOptions,
    // What runs in the background, taken in each frame.
    run: Option<LiveRun>,
    baselines: Baselines,
    compare: CompareMode,
    lens: LensMode,
    exporter: Exporter,
    /// The clip being recorded, its options, and what the last one did.
    clip: Option<ClipJob>,
    clip_settings: ClipSettings,
    clip_notice: Option<Notice>,
    /// Whether the clip the command line asked for was started.
    clip_started: bool,
    /// A copy drawing a clip's frames (`offline.rs`): no clip row in them.
    offline: bool,
    open_field: OpenRunField,
    /// The lecture deck, when one is open.
    deck: Option<DeckMode>,
    reaper: Reaper,
    start_error: Option<String>,
    // What is on screen.
    mode: Mode,
    view: TimeView,
    replay: Replay,
    ghost: Ghost,
    presenter: Presenter,
    code: CodeView,
    stats: DrawStats,
    /// This frame's commands: keys (from `logic`), then buttons and widgets
    /// (from `ui`), carried out at the end of `ui`.
    commands: Vec<Command>,
    // The frame's own bookkeeping.
    started: bool,
    /// What the command line asked to start waits for the window's first
    /// frames (`logic.rs`).
    opening: bool,
    /// How often a live run is drawn, by what its frames cost.
    pacer: FramePacer,
    smoke: Option<Smoke>,
    exit_status: ExitStatus,
    report: SmokeReport,
    /// Frames drawn while the current run went on.
    live_frames: u64,
    first_frame: Option<FirstFrameProbe>,
}

/// The compare mode as the window shows it (what tests and callers may read).
#[derive(Clone, Copy, Debug)]
pub struct CompareState<'a> {
    mode: &'a CompareMode,
    shown: bool,
}

impl<'a> CompareState<'a> {
    /// Whether the compare view is on screen.
    pub fn is_shown(&self) -> bool {
        self.shown
    }

    /// The comparison on screen (or the last one).
    pub fn comparison(&self) -> Option<&'a Comparison> {
        self.mode.comparison()
    }

    /// Where the comparison stands, if there is one.
    pub fn progress(&self) -> Option<Progress> {
        self.mode.comparison().map(Comparison::progress)
    }

    /// The previous comparison, when its bars are shown.
    pub fn ghost(&self) -> Option<&'a CompareGhost> {
        self.mode.ghost()
    }

    /// Whether there is a previous comparison (shown or not).
    pub fn has_ghost(&self) -> bool {
        self.mode.has_ghost()
    }

    /// Whether a comparison is running.
    pub fn is_running(&self) -> bool {
        self.mode.is_running()
    }
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
        let scenario = options.knobs.clone().unwrap_or(scenario);
        let view = ViewSettings::default().with_command_line(options.present, options.light);
        let opened = options.open.as_deref().map(open_run).transpose()?;
        let mut app = Self {
            presets,
            preset,
            scenario,
            settings: ControlSettings::default(),
            run: None,
            baselines: Baselines::default(),
            compare: CompareMode::default(),
            lens: LensMode::new(options.cpython, options.python.clone()),
            exporter: Exporter::default(),
            clip: None,
            clip_settings: ClipSettings::default(),
            clip_notice: None,
            clip_started: false,
            offline: false,
            open_field: OpenRunField::default(),
            deck: None,
            reaper: Reaper::default(),
            start_error: None,
            mode: Mode::Single,
            view: TimeView::default(),
            replay: Replay::default(),
            ghost: Ghost::default(),
            presenter: Presenter::new(view),
            code: CodeView::new(options.code),
            stats: DrawStats::default(),
            commands: Vec::new(),
            started: false,
            opening: false,
            pacer: FramePacer::new(LIVE_FRAME),
            smoke: Smoke::new(options.screenshot.clone(), options.exit),
            exit_status: ExitStatus::default(),
            report: SmokeReport::default(),
            live_frames: 0,
            first_frame: None,
            options,
        };
        if let Some(data) = opened {
            app.show_recorded(data);
        }
        if let Some(deck) = app.options.deck.clone() {
            let votes = app.options.votes.clone();
            app.open_deck(deck, app.options.step, &votes);
        }
        Ok(app)
    }

    /// Takes the settings and the last scenario from `storage`. What the
    /// command line asked for (`--preset`, `--present`, `--light`) wins; a
    /// stored scenario that no longer fits is dropped with a notice.
    pub fn restore(&mut self, storage: &dyn eframe::Storage) {
        let restored = load_settings(storage, &self.presets);
        self.settings.auto_run = restored.view.auto_run;
        self.presenter.view = restored
            .view
            .with_command_line(self.options.present, self.options.light);
        if self.options.preset.is_none()
            && self.options.knobs.is_none()
            && self.deck.is_none()
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
        save_settings(storage, &view, &scenario);
    }

    /// A window showing a run recorded elsewhere (tests, fixed pictures).
    pub fn with_recorded(mut self, data: RunData) -> Self {
        self.scenario = data.scenario.clone();
        self.run = Some(LiveRun::recorded(data));
        self
    }

    /// Shows a run recorded elsewhere in place of the one on screen, on its
    /// own preset (tests, fixed pictures).
    pub fn show_run(&mut self, data: RunData) {
        self.show_recorded(data);
    }

    /// Shows a saved run in place of the one on screen (which becomes the
    /// ghost, as a re-run's predecessor does), on its own preset.
    fn show_recorded(&mut self, data: RunData) {
        let last = self.clear();
        self.ghost.after_rerun(last, &data.scenario);
        if let Some(i) = self
            .presets
            .iter()
            .position(|p| p.name == data.scenario.name)
        {
            self.preset = i;
        }
        self.scenario = data.scenario.clone();
        self.deck_run_started();
        self.run = Some(LiveRun::recorded(data));
    }

    /// Opens the saved run at `path` (the Open button, a file dropped on
    /// the window); one that cannot be opened leaves the window as it was
    /// and says why.
    pub fn open_run_file(&mut self, path: &std::path::Path) {
        match open_run(path) {
            Ok(data) => {
                self.show_recorded(data);
                self.open_field.opened(path);
                self.exporter
                    .notify(format!("Opened the saved run {}", path.display()), false);
            }
            Err(e) => {
                self.presenter.notify(format!("Cannot open: {e}"));
                self.exporter.notify(format!("Cannot open {e}"), true);
            }
        }
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
        self.mode = Mode::Compare;
        self
    }

    /// Tells the window it is drawn by the CPU, so it repaints less often
    /// during a run and leaves the cores to the experiment.
    pub fn set_software_rendering(&mut self, software: bool) {
        self.pacer = if software {
            FramePacer::starting_at(LIVE_FRAME_SOFTWARE, LIVE_FRAME_SOFTWARE_START)
        } else {
            FramePacer::new(LIVE_FRAME)
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
        self.code.set_dir(dir.clone());
        self.exporter.set_dir(dir);
    }

    /// What the last export did: the path it wrote, or why it could not.
    pub fn export_notice(&self) -> Option<&Notice> {
        self.exporter.notice()
    }

    /// The clip being recorded, if one is.
    pub fn clip(&self) -> Option<&ClipJob> {
        self.clip.as_ref()
    }

    /// What the last clip did: its path, or why there is none.
    pub fn clip_notice(&self) -> Option<&Notice> {
        self.clip_notice.as_ref()
    }

    /// The options the next clip is made with (the clip row's).
    pub fn clip_settings_mut(&mut self) -> &mut ClipSettings {
        &mut self.clip_settings
    }

    /// Whether an export is still being written.
    pub fn is_exporting(&self) -> bool {
        self.exporter.is_busy()
    }

    /// Where a smoke-mode failure is reported.
    pub fn exit_status(&self) -> ExitStatus {
        self.exit_status.clone()
    }

    /// Where the smoke mode leaves the summary of the run it was asked for.
    pub fn smoke_report(&self) -> SmokeReport {
        self.report.clone()
    }

    /// What the middle of the window shows.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The presenter's state: view settings, help overlay, notice.
    pub fn presenter(&self) -> &Presenter {
        &self.presenter
    }

    /// The compare mode: whether it is shown, the comparison, its ghost.
    pub fn compare(&self) -> CompareState<'_> {
        CompareState {
            mode: &self.compare,
            shown: self.mode == Mode::Compare,
        }
    }

    /// The knobs as they are set now.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The current or last run.
    pub fn run_data(&self) -> Option<&RunData> {
        self.run.as_ref().map(|r| &r.data)
    }

    /// Takes `wall_ms` as the serial time of the work on screen, as if it
    /// had been measured (tests, fixed pictures: the speedup then follows).
    pub fn remember_serial_ms(&mut self, wall_ms: f64) {
        let serial = crate::gui::run_state::serial_of(&self.scenario);
        self.baselines.remember(&serial, wall_ms);
    }

    /// Speedup of the last run over one thread, once measured.
    pub fn speedup(&self) -> Option<f64> {
        self.run_data().and_then(|d| self.baselines.speedup(d))
    }

    /// The replay of the finished run.
    pub fn replay(&self) -> &Replay {
        &self.replay
    }

    /// The replay of the finished run, to set its cursor from outside (tests,
    /// fixed pictures).
    pub fn replay_mut(&mut self) -> &mut Replay {
        &mut self.replay
    }

    /// The previous run kept as a ghost, to set it from outside (tests,
    /// fixed pictures).
    pub fn ghost_mut(&mut self) -> &mut Ghost {
        &mut self.ghost
    }

    /// Whether a run or a serial measurement is still going.
    pub fn is_busy(&self) -> bool {
        self.run.as_ref().is_some_and(LiveRun::is_running)
            || self.baselines.busy()
            || self.compare.is_running()
            || self.lens.is_running()
    }

    /// The CPython switch and the real runs.
    pub fn lens(&self) -> &LensMode {
        &self.lens
    }

    /// The code panel's state.
    pub fn code(&self) -> &CodeView {
        &self.code
    }

    /// Whether the smoke mode has saved its picture (or given up).
    pub fn smoke_done(&self) -> bool {
        self.smoke.as_ref().is_none_or(Smoke::is_done)
    }

    /// Stops every run and joins every thread the window started.
    pub fn shutdown(&mut self) {
        // A clip not done stops, leaves no file, and its thread is joined.
        drop(self.clip.take());
        if let Some(run) = self.run.take()
            && let (Some(handle), _) = run.into_parts()
        {
            self.reaper.reap(handle);
        }
        if let Some(watcher) = self.baselines.cancel() {
            self.reaper.adopt(watcher);
        }
        self.compare.cancel(&mut self.reaper);
        self.lens.cancel(&mut self.reaper);
        self.reaper.join_all();
        self.exporter.join_all();
    }
}

impl eframe::App for ThreadlabApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        ThreadlabApp::logic(self, ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        ThreadlabApp::ui(self, ui);
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

    // With eframe's glow renderer built in, `on_exit` is handed its OpenGL
    // context; there is nothing of ours on it to free.
    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.shutdown();
    }
}

impl Drop for ThreadlabApp {
    fn drop(&mut self) {
        self.shutdown();
    }
}
