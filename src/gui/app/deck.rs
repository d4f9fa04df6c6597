//! The window's side of a lecture deck: opening one, moving through its
//! steps (each sets its preset, knobs and view), running what the step
//! shows, revealing the answer once the run has measured it, and saving
//! the session's votes.

use super::{Mode, ThreadlabApp};
use crate::deck::{Deck, Measure, Measured, Show, open_deck};
use crate::gui::deck::{CardPhase, DeckMode};
use std::path::Path;

impl ThreadlabApp {
    /// Opens `deck` on step `step` (0-based) with the room's `votes` on
    /// its question, if any.
    pub fn open_deck(&mut self, deck: Deck, step: usize, votes: &[u32]) {
        let mut mode = DeckMode::new(deck, step);
        mode.set_votes(votes);
        self.deck = Some(mode);
        // Opening a deck runs nothing: the lecturer starts when ready.
        self.enter_step(false);
    }

    /// The open deck, if any.
    pub fn deck(&self) -> Option<&DeckMode> {
        self.deck.as_ref()
    }

    /// Opens the built-in deck `i` (the Deck menu) on its first step.
    pub(super) fn open_builtin_deck(&mut self, i: usize) {
        let Some(builtin) = crate::deck::BUILTIN_DECKS.get(i) else {
            return;
        };
        if self
            .deck
            .as_ref()
            .is_some_and(|d| d.deck().name == builtin.name)
        {
            // Opened again by mistake: the room's votes so far stay.
            return;
        }
        match open_deck(builtin.name) {
            Ok(deck) => self.open_deck(deck, 0, &[]),
            Err(e) => self.presenter.notify(format!("Cannot open the deck: {e}")),
        }
    }

    /// Opens the deck file at `path` (dropped on the window); a broken one
    /// leaves the window as it was and says where it is broken.
    pub(super) fn open_deck_file(&mut self, path: &Path) {
        match open_deck(&path.display().to_string()) {
            Ok(deck) => {
                let name = deck.name.clone();
                self.open_deck(deck, 0, &[]);
                self.presenter.notify(format!("Opened the deck {name}"));
            }
            Err(e) => self.presenter.notify(format!("Cannot open the deck: {e}")),
        }
    }

    /// Closes the deck: the presets are back, the picture stays.
    pub(super) fn close_deck(&mut self) {
        self.deck = None;
    }

    /// Moves the deck on (`forward`) or back by one step; false when there
    /// is no deck, so the keys move through the presets instead.
    pub(super) fn step_deck(&mut self, forward: bool) -> bool {
        let Some(deck) = &mut self.deck else {
            return false;
        };
        let moved = if forward {
            deck.go_next()
        } else {
            deck.go_back()
        };
        if moved {
            self.enter_step(true);
        }
        true
    }

    /// Puts the step on screen: its preset and knobs, its view (the code
    /// panel, the CPython switch), the picture cleared. Moved to (`moved`),
    /// a step without a question runs at once when auto-run is on; one with
    /// a question waits for the room's votes and R.
    fn enter_step(&mut self, moved: bool) {
        let Some(deck) = &self.deck else { return };
        let step = deck.step().clone();
        let asks = deck.asks();
        self.clear();
        // A comparison run before this step answers nothing of it.
        self.compare.forget(&mut self.reaper);
        self.mode = Mode::Single;
        if let Some(i) = self
            .presets
            .iter()
            .position(|p| p.name == step.scenario.name)
        {
            self.preset = i;
        }
        self.scenario = step.scenario;
        self.code.open = step.show == Show::Code;
        if (step.show == Show::Lens) != self.lens.on {
            self.lens.toggle(&mut self.reaper);
        }
        if moved && self.settings.auto_run && !asks {
            self.run_shown();
        }
    }

    /// Runs what is on screen: a deck step's comparison, a preset whose
    /// lesson is a comparison (`gil-free`), else the one run.
    pub(super) fn run_shown(&mut self) {
        let compare = match &self.deck {
            // Another preset picked while the deck is open runs as it would
            // without the deck.
            Some(deck) if deck.step().scenario.name == self.scenario.name => {
                deck.step().show == Show::Compare
            }
            _ => crate::model::opens_on_compare(&self.scenario.name),
        };
        if compare {
            self.start_compare();
        } else {
            self.start_run();
        }
    }

    /// A run (or comparison) of the step's own preset begins: the step's
    /// answer is hidden until this run has measured it. A run of another
    /// preset leaves it as it is.
    pub(super) fn deck_run_started(&mut self) {
        if let Some(deck) = &mut self.deck
            && deck.step().scenario.name == self.scenario.name
        {
            deck.run_started();
        }
    }

    /// Reveals the step's answer once its run (and the serial timing its
    /// speedup needs, or its comparison) has measured it.
    pub(super) fn update_deck(&mut self) {
        let Some(deck) = &self.deck else { return };
        // A speedup's one-thread timing may be taken again (a load that
        // differed): the answer waits for the last word.
        if deck.outcome().is_some() || !deck.asks() || self.is_busy() {
            return;
        }
        let compare_step = deck.step().show == Show::Compare;
        let best_speedup = self
            .compare
            .comparison()
            .filter(|_| compare_step)
            .filter(|c| matches!(c.progress(), crate::gui::compare::Progress::Done))
            .filter(|c| c.base.name == deck.step().scenario.name)
            .and_then(|c| {
                (1..c.configs.len())
                    .filter_map(|i| c.row(i))
                    .map(|r| r.speedup)
                    .filter(|s| s.is_finite())
                    .reduce(f64::max)
            });
        let (scenario, cores) = match (&self.run, self.compare.comparison()) {
            (_, Some(c)) if best_speedup.is_some() => (c.base.clone(), c.cores as u32),
            (Some(run), _) => (
                run.data.scenario.clone(),
                run.data.summary().map_or(0, |s| s.cores),
            ),
            _ => return,
        };
        let summary = self.run.as_ref().and_then(|r| r.data.summary());
        let measured = Measured {
            summary,
            speedup: self.speedup(),
            best_speedup,
        };
        let cores = if cores == 0 {
            crate::sampling::core_count() as u32
        } else {
            cores
        };
        let skewed = deck
            .step()
            .prediction
            .as_ref()
            .is_some_and(|p| p.measure == Measure::Speedup)
            && self
                .run_data()
                .and_then(|d| self.baselines.load_skew(d))
                .is_some();
        if let Some(deck) = &mut self.deck {
            deck.reveal(&scenario, measured, cores, skewed);
        }
    }

    /// Where the step's run stands, for the question card.
    pub(super) fn card_phase(&self) -> CardPhase {
        if self.is_busy() {
            return CardPhase::Measuring;
        }
        let compare_step = self
            .deck
            .as_ref()
            .is_some_and(|d| d.step().show == Show::Compare);
        let ran = if compare_step {
            self.compare.comparison().is_some()
        } else {
            self.run.as_ref().is_some_and(|r| r.data.is_finished())
        };
        if ran {
            CardPhase::Unmeasured
        } else {
            CardPhase::Voting
        }
    }

    /// Saves the session's votes and answers as CSV in the export folder.
    pub(super) fn export_votes(&mut self) {
        let Some(deck) = &self.deck else { return };
        let csv = deck.tally().csv(deck.deck());
        let dir = self.exporter.dir();
        let name = format!("deck-{}", deck.deck().name);
        let path = crate::export::unused_path(&dir, &name, std::time::SystemTime::now(), "csv");
        match crate::export::write_bytes(&path, csv.as_bytes()) {
            Ok(()) => self
                .exporter
                .notify(format!("Saved the votes as {}", path.display()), false),
            Err(e) => self.exporter.notify(
                format!("Cannot save the votes to {}: {e}", path.display()),
                true,
            ),
        }
    }
}
