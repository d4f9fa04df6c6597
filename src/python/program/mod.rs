//! The scenario as a Python program: the experiment the model runs, written
//! the way the tutorial teaches it (targets, start, join, a lock, a queue,
//! daemon flags), with the standard library only, short enough for a slide.
//!
//! A program is a list of lines. Some are *measuring* lines: calls into
//! threadlab's probe (`assets/python/threadlab_probe.py`), which the lens
//! runs and the slide leaves out. A measuring line may open a block (the
//! probe's `for start, stop in probe.blocks(..)`), in which case the lines
//! inside it are indented one step deeper when the measuring lines are
//! shown, and not at all otherwise: the program without them is exactly the
//! program a lecturer would write.
//!
//! One file per shape of experiment: `tasks.rs` (the task pool and the
//! convoy), `race.rs`, `queue.rs` (the queue and the daemon workers),
//! `sides.rs` (threads beside processes: startup, shared memory, kill), and
//! `common.rs` for what they share (the docstring, the sum of squares).

mod common;
mod queue;
mod race;
mod sides;
mod tasks;

use crate::model::{Lab, Scenario};

/// The probe module's file name, as the programs import it.
pub const PROBE_MODULE: &str = "threadlab_probe";

/// One line of a program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// Indentation of the line in the program without measuring lines, in steps.
    pub indent: u8,
    /// Extra steps of indentation when the measuring lines are shown.
    pub extra: u8,
    /// The code, without indentation.
    pub text: String,
    /// Whether this is a measuring line (a call into the probe).
    pub measuring: bool,
}

/// A scenario written as a Python program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program {
    /// A file name for it: `race_lab.py`.
    pub file_name: String,
    /// Its lines, measuring lines included.
    pub lines: Vec<Line>,
}

/// Spaces per step of indentation.
pub const INDENT: usize = 4;

impl Program {
    /// The program as text: with its measuring lines (as the lens runs it)
    /// or without (as a slide shows it).
    pub fn text(&self, measuring: bool) -> String {
        let mut out = String::new();
        for line in self.shown(measuring) {
            out.push_str(&line.rendered);
            out.push('\n');
        }
        out
    }

    /// The lines shown, with their indentation, for the code panel.
    pub fn shown(&self, measuring: bool) -> impl Iterator<Item = ShownLine<'_>> {
        self.lines
            .iter()
            .filter(move |l| measuring || !l.measuring)
            .map(move |l| {
                let steps = l.indent + if measuring { l.extra } else { 0 };
                let rendered = if l.text.is_empty() {
                    String::new()
                } else {
                    format!("{}{}", " ".repeat(steps as usize * INDENT), l.text)
                };
                ShownLine { line: l, rendered }
            })
    }

    /// Lines of the program as a slide shows it.
    pub fn slide_lines(&self) -> usize {
        self.lines.iter().filter(|l| !l.measuring).count()
    }
}

/// A line as shown: the line and its text with indentation.
#[derive(Clone, Debug)]
pub struct ShownLine<'a> {
    /// The line.
    pub line: &'a Line,
    /// Its text, indented.
    pub rendered: String,
}

/// Writes the program of `scenario`.
pub fn program(scenario: &Scenario) -> Program {
    let mut w = Writer::default();
    match scenario.lab {
        Lab::Tasks => tasks::pool(&mut w, scenario),
        Lab::Convoy => tasks::convoy(&mut w, scenario),
        Lab::Race => race::race(&mut w, scenario),
        Lab::Queue => queue::queue(&mut w, scenario),
        Lab::Daemon => queue::daemon(&mut w, scenario),
        Lab::Startup => sides::startup(&mut w, scenario),
        Lab::SharedMemory => sides::shared_memory(&mut w, scenario),
        Lab::Kill => sides::kill(&mut w, scenario),
    }
    Program {
        // Not `queue.py`: a script of that name would hide the standard
        // library's module from itself.
        file_name: format!("{}_lab.py", file_stem(&scenario.name)),
        lines: w.lines,
    }
}

/// A file name's stem from a scenario's name: letters, digits, `-` and `_`.
fn file_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if stem.is_empty() {
        "scenario".to_owned()
    } else {
        stem
    }
}

/// Builds a program line by line, keeping the indentation.
#[derive(Debug, Default)]
pub(crate) struct Writer {
    lines: Vec<Line>,
    indent: u8,
    extra: u8,
}

impl Writer {
    fn push(&mut self, text: &str, measuring: bool) {
        self.lines.push(Line {
            indent: self.indent,
            extra: self.extra,
            text: text.to_owned(),
            measuring,
        });
    }

    /// A line of the program.
    pub fn line(&mut self, text: &str) -> &mut Self {
        self.push(text, false);
        self
    }

    /// A measuring line.
    pub fn probe(&mut self, text: &str) -> &mut Self {
        self.push(text, true);
        self
    }

    /// An empty line.
    pub fn blank(&mut self) -> &mut Self {
        self.push("", false);
        self
    }

    /// A line that opens a block (`def`, `for`, `with`): the next lines go deeper.
    pub fn open(&mut self, text: &str) -> &mut Self {
        self.push(text, false);
        self.indent += 1;
        self
    }

    /// Ends the innermost block opened by [`Writer::open`].
    pub fn close(&mut self) -> &mut Self {
        self.indent = self.indent.saturating_sub(1);
        self
    }

    /// A measuring line that opens a block: the lines inside are only
    /// indented deeper when measuring lines are shown.
    pub fn probe_open(&mut self, text: &str) -> &mut Self {
        self.push(text, true);
        self.extra += 1;
        self
    }

    /// Ends the innermost block opened by [`Writer::probe_open`].
    pub fn probe_close(&mut self) -> &mut Self {
        self.extra = self.extra.saturating_sub(1);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Update, all_presets};

    #[test]
    fn a_measuring_block_indents_only_when_shown() {
        let mut w = Writer::default();
        w.open("def f(a, b):")
            .probe_open("for a, b in probe.blocks(a, b):")
            .open("for i in range(a, b):")
            .line("pass")
            .close()
            .probe_close()
            .line("return");
        let p = Program {
            file_name: "x.py".into(),
            lines: w.lines,
        };
        assert_eq!(
            p.text(false),
            "def f(a, b):\n    for i in range(a, b):\n        pass\n    return\n"
        );
        assert_eq!(
            p.text(true),
            "def f(a, b):\n    for a, b in probe.blocks(a, b):\n        for i in range(a, b):\n            pass\n    return\n"
        );
    }

    #[test]
    fn every_preset_fits_on_a_slide_and_names_no_probe_without_it() {
        for s in all_presets() {
            let p = program(&s);
            let slide = p.text(false);
            let n = p.slide_lines();
            assert!((20..=60).contains(&n), "{}: {n} lines", s.name);
            assert!(!slide.contains("probe"), "{}:\n{slide}", s.name);
            assert!(p.text(true).contains("import threadlab_probe as probe"));
            assert_eq!(p.file_name, format!("{}_lab.py", s.name));
        }
    }

    #[test]
    fn the_knobs_are_in_the_program() {
        let race = crate::model::load_preset("race").unwrap().unwrap();
        let text = program(&race).text(false);
        assert!(text.contains("INCREMENTS = 10"), "{text}");
        assert!(text.contains("time.sleep"), "{text}");
        let locked = Scenario {
            lock: true,
            ..race.clone()
        };
        assert!(program(&locked).text(false).contains("with lock:"));
        let call = Scenario {
            update: Update::Call,
            ..race
        };
        assert!(
            program(&call)
                .text(false)
                .contains("counter = counter + one()")
        );
    }
}
