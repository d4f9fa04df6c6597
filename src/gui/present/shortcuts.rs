//! The keyboard: one table of every key the window answers to, so the help
//! overlay, the README and the dispatcher never disagree. A presenter with a
//! clicker in one hand and chalk in the other needs single keys; a clicker's
//! page keys step through the presets.
//!
//! To add a key: add a [`Command`] (`gui/command.rs`) and its arm in
//! `app/dispatch.rs`, then a row here (the help overlay lists it at once).
//! Commands that only a widget sends (a preset picked, a cursor dragged)
//! have no row. Keys are matched in table order, and one press fires at
//! most one command.

use crate::gui::command::Command;
use egui::{Context, Key, KeyboardShortcut, Modifiers};

/// Which part of the help overlay a key is listed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    /// Running experiments.
    Experiment,
    /// Replaying a finished run.
    Replay,
    /// How the window looks.
    View,
    /// A lecture deck's steps and questions.
    Deck,
}

impl Group {
    /// The heading of the group in the help overlay.
    pub fn title(self) -> &'static str {
        match self {
            Self::Experiment => "Experiment",
            Self::Replay => "Replay",
            Self::View => "View",
            Self::Deck => "Lecture deck",
        }
    }
}

/// One row of the table: a command, its keys, and what it does in a few words.
#[derive(Clone, Copy, Debug)]
pub struct Shortcut {
    /// What the keys do.
    pub command: Command,
    /// Every key that does it; the first is the one shown first.
    pub keys: &'static [KeyboardShortcut],
    /// What it does, for the help overlay.
    pub what: &'static str,
    /// Where the help overlay lists it.
    pub group: Group,
}

const fn key(k: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::NONE, k)
}

const fn ctrl(k: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::COMMAND, k)
}

const fn ctrl_shift(k: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(
        Modifiers {
            shift: true,
            ..Modifiers::COMMAND
        },
        k,
    )
}

/// Every key the window answers to. Keys with a modifier come before the
/// same key without one (egui matches Shift and Alt loosely).
pub const SHORTCUTS: &[Shortcut] = &[
    Shortcut {
        command: Command::CopyPicture,
        // Not Ctrl+C: that copies the text selected in a field or the code.
        keys: &[ctrl_shift(Key::C)],
        what: "Copy the window to the clipboard, for a slide",
        group: Group::View,
    },
    Shortcut {
        command: Command::Record,
        keys: &[ctrl(Key::R)],
        what: "Record the replay as a clip for a slide",
        group: Group::Replay,
    },
    Shortcut {
        command: Command::Run,
        keys: &[key(Key::R), key(Key::F5)],
        what: "Run the experiment (again)",
        group: Group::Experiment,
    },
    Shortcut {
        command: Command::Stop,
        keys: &[key(Key::S)],
        what: "Stop the run",
        group: Group::Experiment,
    },
    Shortcut {
        command: Command::Reset,
        keys: &[key(Key::Backspace)],
        what: "Reset: the preset's settings, picture cleared",
        group: Group::Experiment,
    },
    Shortcut {
        command: Command::NextPreset,
        keys: &[key(Key::PageDown), key(Key::CloseBracket)],
        what: "Next deck step (without a deck: next preset)",
        group: Group::Experiment,
    },
    Shortcut {
        command: Command::PreviousPreset,
        keys: &[key(Key::PageUp), key(Key::OpenBracket)],
        what: "Deck step before (without a deck: previous preset)",
        group: Group::Experiment,
    },
    Shortcut {
        command: Command::Compare,
        keys: &[key(Key::M)],
        what: "Compare: serial, threads, processes, no GIL, native",
        group: Group::Experiment,
    },
    Shortcut {
        command: Command::CpythonLens,
        keys: &[key(Key::L)],
        what: "CPython: run in the real python3 too, under the model",
        group: Group::Experiment,
    },
    Shortcut {
        command: Command::Code,
        keys: &[key(Key::K)],
        what: "Show the experiment as a Python program",
        group: Group::View,
    },
    Shortcut {
        command: Command::ExportTrace,
        keys: &[key(Key::E)],
        what: "Export the last run as a Chrome trace (Perfetto)",
        group: Group::Experiment,
    },
    Shortcut {
        command: Command::ExportCsv,
        keys: &[key(Key::V)],
        what: "Export the last run's summary as CSV",
        group: Group::Experiment,
    },
    Shortcut {
        command: Command::PlayPause,
        keys: &[key(Key::Space)],
        what: "Play or pause the replay",
        group: Group::Replay,
    },
    Shortcut {
        command: Command::StepBack,
        keys: &[key(Key::ArrowLeft)],
        what: "Back to the previous change",
        group: Group::Replay,
    },
    Shortcut {
        command: Command::StepForward,
        keys: &[key(Key::ArrowRight)],
        what: "On to the next change",
        group: Group::Replay,
    },
    Shortcut {
        command: Command::Slower,
        keys: &[key(Key::Minus)],
        what: "Ten times slower",
        group: Group::Replay,
    },
    Shortcut {
        command: Command::Faster,
        keys: &[key(Key::Plus), key(Key::Equals)],
        what: "Ten times faster",
        group: Group::Replay,
    },
    Shortcut {
        command: Command::ReplayStart,
        keys: &[key(Key::Home)],
        what: "Back to the start",
        group: Group::Replay,
    },
    Shortcut {
        command: Command::ReplayEnd,
        keys: &[key(Key::End)],
        what: "To the end: the whole run's numbers",
        group: Group::Replay,
    },
    Shortcut {
        command: Command::Ghost,
        keys: &[key(Key::G)],
        what: "Show or hide the previous run behind the new one",
        group: Group::Replay,
    },
    Shortcut {
        command: Command::Present,
        keys: &[key(Key::P)],
        what: "Presentation mode: large text, controls folded",
        group: Group::View,
    },
    Shortcut {
        command: Command::Theme,
        keys: &[key(Key::T)],
        what: "Dark or light theme",
        group: Group::View,
    },
    Shortcut {
        command: Command::FoldControls,
        keys: &[key(Key::C)],
        what: "Fold or unfold the controls",
        group: Group::View,
    },
    Shortcut {
        command: Command::FoldResults,
        keys: &[key(Key::N)],
        what: "Fold or unfold the numbers (results)",
        group: Group::View,
    },
    Shortcut {
        command: Command::FoldBoth,
        keys: &[key(Key::F)],
        what: "Timeline fills the window (fold both sides)",
        group: Group::View,
    },
    Shortcut {
        command: Command::Size720,
        keys: &[ctrl(Key::Num1)],
        what: "Window 1280 × 720",
        group: Group::View,
    },
    Shortcut {
        command: Command::Size1080,
        keys: &[ctrl(Key::Num2)],
        what: "Window 1920 × 1080",
        group: Group::View,
    },
    Shortcut {
        command: Command::Screenshot,
        keys: &[key(Key::F12)],
        what: "Save a PNG of the window",
        group: Group::View,
    },
    Shortcut {
        command: Command::Help,
        keys: &[key(Key::F1), key(Key::Questionmark)],
        what: "This list of keys",
        group: Group::View,
    },
    Shortcut {
        command: Command::Vote(0),
        keys: &[key(Key::Num1)],
        what: "A vote for the question's choice 1",
        group: Group::Deck,
    },
    Shortcut {
        command: Command::Vote(1),
        keys: &[key(Key::Num2)],
        what: "A vote for choice 2",
        group: Group::Deck,
    },
    Shortcut {
        command: Command::Vote(2),
        keys: &[key(Key::Num3)],
        what: "A vote for choice 3",
        group: Group::Deck,
    },
    Shortcut {
        command: Command::Vote(3),
        keys: &[key(Key::Num4)],
        what: "A vote for choice 4",
        group: Group::Deck,
    },
    Shortcut {
        command: Command::SkipQuestion,
        keys: &[key(Key::X)],
        what: "Skip the question (or ask it again)",
        group: Group::Deck,
    },
    Shortcut {
        command: Command::Notes,
        keys: &[key(Key::F2)],
        what: "Speaker notes, in a window of their own",
        group: Group::Deck,
    },
    Shortcut {
        command: Command::CloseHelp,
        keys: &[key(Key::Escape)],
        what: "Close this list",
        group: Group::View,
    },
];

/// The row of `command`.
pub fn shortcut(command: Command) -> Option<&'static Shortcut> {
    SHORTCUTS.iter().find(|s| s.command == command)
}

/// The keys of `command` as text, e.g. `R or F5`, for tooltips and the overlay.
pub fn keys_text(command: Command) -> String {
    shortcut(command).map_or_else(String::new, |s| {
        s.keys.iter().map(key_text).collect::<Vec<_>>().join(" or ")
    })
}

/// One key as text: `Ctrl+1`, `PageDown`, `?`, `Left`.
pub fn key_text(k: &KeyboardShortcut) -> String {
    let m = k.modifiers;
    let mut text = String::new();
    for (on, name) in [
        (m.ctrl || m.command, "Ctrl+"),
        (m.alt, "Alt+"),
        (m.shift, "Shift+"),
    ] {
        if on {
            text.push_str(name);
        }
    }
    // Words for the arrows: their symbols are not in every font.
    text.push_str(match k.logical_key {
        Key::ArrowLeft => "Left",
        Key::ArrowRight => "Right",
        Key::ArrowUp => "Up",
        Key::ArrowDown => "Down",
        Key::Escape => "Esc",
        other => other.symbol_or_name(),
    });
    text
}

/// The commands whose keys were pressed this frame, in table order; the keys
/// are consumed. `enabled` says which commands apply now. Nothing fires while
/// a text field has the keyboard or a slider is being dragged, so typing a
/// number never runs, stops or resets anything.
pub fn pressed(ctx: &Context, enabled: impl Fn(Command) -> bool) -> Vec<Command> {
    if ctx.text_edit_focused() || ctx.dragged_id().is_some() {
        return Vec::new();
    }
    ctx.input_mut(|input| {
        SHORTCUTS
            .iter()
            .filter(|s| enabled(s.command))
            .filter(|s| s.keys.iter().any(|k| input.consume_shortcut(k)))
            .map(|s| s.command)
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_key_does_one_thing() {
        let mut seen = HashSet::new();
        for s in SHORTCUTS {
            assert!(!s.keys.is_empty(), "{:?} has no key", s.command);
            for k in s.keys {
                assert!(seen.insert(*k), "{k:?} is bound twice");
            }
        }
    }

    #[test]
    fn every_command_has_one_row() {
        let commands: Vec<_> = SHORTCUTS.iter().map(|s| s.command).collect();
        let unique: HashSet<_> = commands.iter().collect();
        assert_eq!(unique.len(), commands.len());
        assert!(shortcut(Command::Present).is_some());
    }

    #[test]
    fn keys_text_names_every_key() {
        assert_eq!(keys_text(Command::Run), "R or F5");
        assert_eq!(keys_text(Command::Size1080), "Ctrl+2");
        assert_eq!(keys_text(Command::Help), "F1 or ?");
        assert_eq!(keys_text(Command::NextPreset), "PageDown or ]");
        assert_eq!(key_text(&key(Key::ArrowLeft)), "Left");
    }
}
