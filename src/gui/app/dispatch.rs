//! What the window does for a command, whether it came from a key, a button
//! of the presenter or the controls: one dispatcher, so a key and its button
//! can never drift apart.

use crate::gui::ThreadlabApp;
use crate::gui::controls::Action;
use crate::gui::export::ExportKind;
use crate::gui::shortcuts::Command;

impl ThreadlabApp {
    /// Carries out a command of the shortcut table, as if its key was pressed.
    pub fn command(&mut self, ctx: &egui::Context, command: Command) {
        if self.presenter.apply(ctx, command) {
            return;
        }
        if self.replay_command(command) {
            return;
        }
        let n = self.presets.len().max(1);
        let action = match command {
            Command::Run => Action::Run,
            Command::Stop => Action::Stop,
            Command::Reset => Action::Reset,
            Command::NextPreset => Action::Preset((self.preset + 1) % n),
            Command::PreviousPreset => Action::Preset((self.preset + n - 1) % n),
            Command::Compare => Action::Compare,
            Command::Screenshot => {
                self.request_export(ExportKind::Png);
                Action::None
            }
            Command::ExportTrace => {
                self.request_export(ExportKind::Trace);
                Action::None
            }
            Command::ExportCsv => {
                self.request_export(ExportKind::Csv);
                Action::None
            }
            _ => Action::None,
        };
        self.act(action, false);
    }

    /// Carries out a replay command on the finished run; `false` when
    /// `command` is not one.
    fn replay_command(&mut self, command: Command) -> bool {
        match command {
            Command::PlayPause => self.replay.toggle_play(),
            Command::StepBack => self.replay_step(false),
            Command::StepForward => self.replay_step(true),
            Command::Slower => self.replay.slower(),
            Command::Faster => self.replay.faster(),
            Command::ReplayStart => self.replay.jump_to_start(),
            Command::ReplayEnd => self.replay.jump_to_end(),
            Command::Ghost => self.ghost.toggle(),
            _ => return false,
        }
        true
    }

    pub(super) fn act(&mut self, action: Action, rerun: bool) {
        match action {
            Action::Run => self.start_run(),
            Action::Compare => self.start_compare(),
            Action::Stop => {
                if let Some(run) = &self.run {
                    run.stop();
                }
                self.compare.cancel(&mut self.reaper);
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
            // In the compare view the experiment is the comparison.
            Action::None if rerun && self.compare.is_shown() => self.start_compare(),
            Action::None if rerun => self.start_run(),
            Action::None => {}
        }
    }
}
