//! The lecture deck in the window: the step bar with the step number in
//! its corner, the question card (votes before the run, the measured
//! answer after it), the speaker notes in a window of their own, and the
//! Deck menu. The deck itself (steps, questions, the tally) is
//! `crate::deck`; this folder only holds what is on screen and draws it.

mod bar;
mod card;
mod menu;
mod notes;
mod state;

pub use bar::step_bar_ui;
pub use card::{CardPhase, question_card_ui};
pub use menu::deck_menu_ui;
pub use notes::notes_ui;
pub use state::DeckMode;
