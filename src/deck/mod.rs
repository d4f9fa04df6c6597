//! Lecture decks: the tutorial as a sequence of steps, each a scenario to
//! run, what to show, a question for the room before the run and notes for
//! the speaker. A deck is a TOML file (`assets/decks/` holds the built-in
//! ones); this module reads and checks it, works out which answer the run
//! proved right, and keeps the room's votes. It knows neither the window
//! nor the command line; both use it (`deck check|list|show`, `gui --deck`).

mod builtin;
mod measure;
mod parse;
mod prediction;
mod tally;

pub use builtin::{BUILTIN_DECKS, BuiltinDeck, builtin_deck, open_deck};
pub use measure::{Measure, Measured};
pub use parse::{DeckError, STEPS_MAX, load_deck_file, parse_deck};
pub use prediction::{CHOICES, Fill, Prediction, Threshold, fill};
pub use tally::{Outcome, StepTally, Tally, VOTES_MAX};

use crate::model::Scenario;
use serde::Deserialize;

/// A deck: a named sequence of steps.
#[derive(Clone, Debug, PartialEq)]
pub struct Deck {
    /// The name, as `gui --deck` takes it.
    pub name: String,
    /// What the lecture is about, in a few words.
    pub title: String,
    /// The steps, in order; never empty.
    pub steps: Vec<Step>,
}

/// One step of a deck.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// What the step shows, as a heading.
    pub title: String,
    /// The preset with the step's knobs set.
    pub scenario: Scenario,
    /// What the window shows for it.
    pub show: Show,
    /// The question before the run, if any.
    pub prediction: Option<Prediction>,
    /// For the speaker only: never on the projected window unless asked.
    pub notes: String,
}

/// What the window shows for a step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Show {
    /// One run: its timeline, cores and numbers.
    #[default]
    Run,
    /// The same work in every shape, side by side.
    Compare,
    /// The model's run with the real CPython's under it.
    Lens,
    /// The run with its Python program beside it.
    Code,
}

impl Show {
    /// The name used in decks.
    pub fn name(self) -> &'static str {
        match self {
            Show::Run => "run",
            Show::Compare => "compare",
            Show::Lens => "lens",
            Show::Code => "code",
        }
    }
}
