//! The deck on screen: which step, the room's votes, and each step's
//! revealed answer. Plain state: the app moves it on commands and hands it
//! what its runs measured; `card.rs` and `bar.rs` draw it.

use crate::deck::{Deck, Fill, Measured, Outcome, Step, Tally};
use crate::model::Scenario;

/// An open deck.
#[derive(Debug)]
pub struct DeckMode {
    deck: Deck,
    step: usize,
    tally: Tally,
    /// The speaker notes' own window is open.
    pub notes_open: bool,
}

impl DeckMode {
    /// `deck`, on step `step` (0-based; past the end is the last).
    pub fn new(deck: Deck, step: usize) -> Self {
        let tally = Tally::new(&deck);
        let step = step.min(deck.steps.len().saturating_sub(1));
        Self {
            deck,
            step,
            tally,
            notes_open: false,
        }
    }

    /// The deck.
    pub fn deck(&self) -> &Deck {
        &self.deck
    }

    /// The step on screen, 0-based.
    pub fn index(&self) -> usize {
        self.step
    }

    /// The step on screen.
    pub fn step(&self) -> &Step {
        &self.deck.steps[self.step]
    }

    /// Every step's votes and answers so far.
    pub fn tally(&self) -> &Tally {
        &self.tally
    }

    /// Moves to step `i`; false when there is no such step or it is the
    /// one on screen.
    pub fn go(&mut self, i: usize) -> bool {
        if i >= self.deck.steps.len() || i == self.step {
            return false;
        }
        self.step = i;
        true
    }

    /// Moves on by one step (false at the last).
    pub fn go_next(&mut self) -> bool {
        self.go(self.step + 1)
    }

    /// Moves back by one step (false at the first).
    pub fn go_back(&mut self) -> bool {
        self.step > 0 && self.go(self.step - 1)
    }

    /// Whether the step's question is on screen: it has one, not skipped.
    pub fn asks(&self) -> bool {
        self.step().prediction.is_some() && !self.tally.step(self.step).is_some_and(|t| t.skipped)
    }

    /// Adds `delta` votes to choice `choice` of the question on screen.
    pub fn vote(&mut self, choice: usize, delta: i32) {
        if self.asks() {
            self.tally.vote(self.step, choice, delta);
        }
    }

    /// Sets the votes of the question on screen, one count per choice.
    pub fn set_votes(&mut self, votes: &[u32]) {
        let current = self.votes().to_vec();
        for (c, (&want, &have)) in votes.iter().zip(&current).enumerate() {
            let delta = i64::from(want) - i64::from(have);
            self.tally.vote(
                self.step,
                c,
                delta.clamp(i32::MIN.into(), i32::MAX.into()) as i32,
            );
        }
    }

    /// The votes of the question on screen.
    pub fn votes(&self) -> &[u32] {
        self.tally
            .step(self.step)
            .map_or(&[], |t| t.votes.as_slice())
    }

    /// Skips the question on screen, or asks it again.
    pub fn toggle_skip(&mut self) {
        if self.step().prediction.is_some() {
            self.tally.toggle_skip(self.step);
        }
    }

    /// The answer of the step on screen, once revealed.
    pub fn outcome(&self) -> Option<Outcome> {
        self.tally.step(self.step).and_then(|t| t.outcome)
    }

    /// A new run of the step begins: its answer is measured again.
    pub fn run_started(&mut self) {
        self.tally.hide(self.step);
    }

    /// Reveals the answer once the run of `scenario` (the step's preset,
    /// perhaps with knobs changed) measured it on `cores` cores; `skewed`
    /// says its speedup's one-thread timing ran under another load. True
    /// when it was revealed now.
    pub fn reveal(
        &mut self,
        scenario: &Scenario,
        measured: Measured<'_>,
        cores: u32,
        skewed: bool,
    ) -> bool {
        let step = self.step();
        let Some(question) = &step.prediction else {
            return false;
        };
        if self.outcome().is_some() || scenario.name != step.scenario.name {
            return false;
        }
        let Some(value) = question.measure.value(measured) else {
            return false;
        };
        let outcome = Outcome {
            value,
            right: question.right_choice(value, cores),
            cores,
            knobs_changed: !same_knobs(scenario, &step.scenario),
            skewed,
        };
        self.tally.reveal(self.step, outcome);
        true
    }

    /// What the step's text may name, for the machine the run had (or
    /// this one, before a run).
    pub fn fill(&self, cores: u32) -> Fill {
        let s = &self.step().scenario;
        Fill {
            cores,
            threads: s.threads,
            processes: s.processes,
        }
    }
}

/// Whether two scenarios set every knob alike (names and texts aside).
fn same_knobs(a: &Scenario, b: &Scenario) -> bool {
    let strip = |s: &Scenario| Scenario {
        title: String::new(),
        lesson: String::new(),
        ..s.clone()
    };
    strip(a) == strip(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::open_deck;
    use crate::model::RunSummary;

    fn mode() -> DeckMode {
        DeckMode::new(open_deck("threading-vs-multiprocessing").unwrap(), 1)
    }

    #[test]
    fn steps_move_within_the_deck() {
        let mut m = mode();
        assert!(m.go_back());
        assert!(!m.go_back());
        let last = m.deck().steps.len() - 1;
        assert!(m.go(last));
        assert!(!m.go_next());
    }

    #[test]
    fn the_answer_follows_the_measured_speedup() {
        for (speedup, right) in [(1.02, 0), (3.9, 2)] {
            let mut m = mode();
            let scenario = m.step().scenario.clone();
            let summary = RunSummary::default();
            let measured = Measured {
                summary: Some(&summary),
                speedup: Some(speedup),
                best_speedup: None,
            };
            assert!(m.reveal(&scenario, measured, 2, false));
            assert_eq!(m.outcome().unwrap().right, right);
            assert!(!m.outcome().unwrap().knobs_changed);
            m.run_started();
            assert!(m.outcome().is_none());
        }
    }

    #[test]
    fn a_run_of_another_preset_reveals_nothing() {
        let mut m = mode();
        let other = crate::model::load_preset("io-bound").unwrap().unwrap();
        let summary = RunSummary::default();
        let measured = Measured {
            summary: Some(&summary),
            speedup: Some(4.0),
            best_speedup: None,
        };
        assert!(!m.reveal(&other, measured, 2, false));
    }

    #[test]
    fn votes_are_set_per_choice_and_skipping_hides_the_question() {
        let mut m = mode();
        m.set_votes(&[3, 12, 5]);
        assert_eq!(m.votes(), &[3, 12, 5]);
        m.vote(1, -2);
        assert_eq!(m.votes(), &[3, 10, 5]);
        m.toggle_skip();
        assert!(!m.asks());
        m.vote(0, 1);
        assert_eq!(m.votes(), &[3, 10, 5]);
    }
}
