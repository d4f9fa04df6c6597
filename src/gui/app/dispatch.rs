//! What the window does for a command, whether it came from a key, a button
//! or a widget: one dispatcher, the only `match` on [`Command`], so a key
//! and its button can never drift apart.

use super::{Mode, ThreadlabApp};
use crate::gui::command::Command;
use crate::gui::present::{SIZE_720, SIZE_1080, set_window_size};
use crate::gui::run_state::{ExportKind, RunData};

impl ThreadlabApp {
    /// Carries out the frame's commands in the order they were pushed (keys
    /// first, then the panels from left to right).
    pub(super) fn dispatch(&mut self, ctx: &egui::Context) {
        if self.commands.is_empty() {
            return;
        }
        for command in std::mem::take(&mut self.commands) {
            self.command(ctx, command);
        }
        // The frame was drawn before the commands changed anything: draw
        // the next one with what they did.
        ctx.request_repaint();
    }

    /// Carries out one command, as if its key was pressed or its button clicked.
    pub fn command(&mut self, ctx: &egui::Context, command: Command) {
        let presets = self.presets.len().max(1);
        match command {
            // The experiment.
            Command::Run => self.run_shown(),
            Command::Rerun => match self.mode {
                // In the compare view the experiment is the comparison.
                Mode::Compare => self.start_compare(),
                Mode::Single => self.start_run(),
            },
            Command::Stop => self.stop(),
            Command::Reset => self.reset(),
            Command::Preset(i) => self.pick_preset(i),
            // A presenter's clicker: the deck's steps when one is open.
            Command::NextPreset => {
                if !self.step_deck(true) {
                    self.pick_preset((self.preset + 1) % presets);
                }
            }
            Command::PreviousPreset => {
                if !self.step_deck(false) {
                    self.pick_preset((self.preset + presets - 1) % presets);
                }
            }
            // The lecture deck.
            Command::OpenDeck(i) => self.open_builtin_deck(i),
            Command::CloseDeck => self.close_deck(),
            Command::Vote(c) => self.vote(c, 1),
            Command::Unvote(c) => self.vote(c, -1),
            Command::SkipQuestion => {
                if let Some(deck) = &mut self.deck {
                    deck.toggle_skip();
                }
            }
            Command::Notes => {
                if let Some(deck) = &mut self.deck {
                    deck.notes_open = !deck.notes_open;
                }
            }
            Command::ExportVotes => self.export_votes(),
            Command::Compare => self.start_compare(),
            Command::LeaveCompare => self.leave_compare(),
            Command::CompareGhost => self.compare.toggle_ghost(),
            Command::Screenshot => self.request_export(ExportKind::Png),
            Command::ExportTrace => self.request_export(ExportKind::Trace),
            Command::ExportCsv => self.request_export(ExportKind::Csv),
            Command::Record => self.record_clip(ctx),
            Command::CopyPicture => self.request_export(ExportKind::Clipboard),
            Command::CancelClip => self.cancel_clip(),
            Command::SaveRun => self.request_export(ExportKind::Run),
            Command::ToggleOpenRun => self.open_field.toggle(&self.exporter.dir()),
            Command::OpenRun => {
                let path = self.open_field.path();
                self.open_run_file(&path);
            }
            // The replay of the finished run.
            Command::PlayPause => self.replay.toggle_play(),
            Command::StepBack => self.replay_step(false),
            Command::StepForward => self.replay_step(true),
            Command::Slower => self.replay.slower(),
            Command::Faster => self.replay.faster(),
            Command::ReplayStart => self.replay.jump_to_start(),
            Command::ReplayEnd => self.replay.jump_to_end(),
            Command::ReplaySeek(t_ns) => self.replay.set_cursor(t_ns as f64),
            Command::ReplaySpeed(i) => self.replay.set_speed(i),
            Command::LeaveReplay => self.replay.stop(),
            Command::Ghost => self.ghost.toggle(),
            // The view.
            Command::Fit => match self.mode {
                Mode::Single if self.lens.on => self.lens.view.fit(),
                Mode::Single => self.view.fit(),
                Mode::Compare => self.compare.view.fit(),
            },
            Command::Present => self.presenter.toggle_present(),
            Command::Theme => self.presenter.toggle_theme(),
            Command::FoldControls => self.presenter.toggle_controls(),
            Command::FoldResults => self.presenter.toggle_results(),
            Command::FoldBoth => self.presenter.toggle_both(),
            Command::Size720 => set_window_size(ctx, SIZE_720),
            Command::Size1080 => set_window_size(ctx, SIZE_1080),
            Command::CpythonLens => self.toggle_lens(),
            Command::Code => self.code.open = !self.code.open,
            Command::CodeMeasuring => self.code.measuring = !self.code.measuring,
            Command::CopyCode => {
                ctx.copy_text(self.code.text(&self.scenario));
                self.code.copied();
            }
            Command::SaveCode => self.code.save(&self.scenario),
            Command::Help => self.presenter.toggle_help(),
            Command::CloseHelp => self.presenter.help_open = false,
        }
    }

    /// Compares the current settings' work serially, with N threads, N
    /// processes, N threads without the GIL and as native code, one run after
    /// another, and shows the compare view. Settings that cannot be compared
    /// leave the window as it is and say why.
    pub fn start_compare(&mut self) {
        self.clear();
        self.deck_run_started();
        match self.compare.start(&self.scenario, &mut self.reaper) {
            Ok(()) => self.mode = Mode::Compare,
            Err(e) => self.start_error = Some(e),
        }
    }

    /// Back to the single-run view; a comparison under way is stopped.
    fn leave_compare(&mut self) {
        self.compare.cancel(&mut self.reaper);
        self.mode = Mode::Single;
    }

    /// Runs the knobs as set now; the last good run stays as the ghost.
    pub(super) fn start_run(&mut self) {
        let last = self.clear();
        self.deck_run_started();
        self.ghost.after_rerun(last, &self.scenario);
        self.live_frames = 0;
        self.pacer.restart();
        match crate::gui::run_state::LiveRun::start(self.scenario.clone()) {
            Ok(run) => {
                self.run = Some(run);
                // The real run follows once the model's is over.
                self.lens.queue(&self.scenario, &mut self.reaper);
            }
            Err(e) => self.start_error = Some(e.to_string()),
        }
    }

    /// The CPython switch: on, a run goes to a real interpreter too (at
    /// once, with auto-run); off, a real run under way ends.
    fn toggle_lens(&mut self) {
        self.lens.toggle(&mut self.reaper);
        if self.lens.on && self.settings.auto_run && self.mode == Mode::Single {
            self.start_run();
        }
    }

    /// Asks the run, or the comparison, to stop.
    fn stop(&mut self) {
        if let Some(run) = &self.run {
            run.stop();
        }
        self.compare.cancel(&mut self.reaper);
        self.lens.cancel(&mut self.reaper);
    }

    /// Loads preset `i` (and runs what it shows, with auto-run on).
    fn pick_preset(&mut self, i: usize) {
        if let Some(p) = self.presets.get(i) {
            self.preset = i;
            self.scenario = p.clone();
            self.clear();
            if self.settings.auto_run {
                self.run_shown();
            }
        }
    }

    /// Adds `delta` votes to choice `c` of the deck's question.
    fn vote(&mut self, c: usize, delta: i32) {
        if let Some(deck) = &mut self.deck {
            deck.vote(c, delta);
        }
    }

    /// Back to the preset's settings, picture cleared.
    fn reset(&mut self) {
        if let Some(p) = self.presets.get(self.preset) {
            self.scenario = p.clone();
        }
        // On a deck's step, back to the step's own knobs.
        if let Some(step) = self.deck.as_ref().map(|d| d.step())
            && step.scenario.name == self.scenario.name
        {
            self.scenario = step.scenario.clone();
        }
        self.clear();
    }

    /// Ends the run and forgets its picture; returns what it recorded.
    pub(super) fn clear(&mut self) -> Option<RunData> {
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
        self.leave_compare();
        self.lens.clear(&mut self.reaper);
        self.start_error = None;
        self.view.fit();
        last
    }

    /// Moves the replay cursor to the next (`forward`) or previous change
    /// on any lane of the run.
    fn replay_step(&mut self, forward: bool) {
        if let Some(run) = &self.run {
            self.replay.step(&run.data.timeline, forward);
        }
    }
}
