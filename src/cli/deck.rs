//! `threadlab deck list|show|check`: the built-in decks, and a lecturer's
//! own deck checked before the lecture, with the file and line of every
//! mistake and exit code 2.

use super::{BadInput, out};
use crate::deck::{BUILTIN_DECKS, Deck, builtin_deck, open_deck};
use std::fmt::Write;

/// `threadlab deck list`: each built-in deck's name, steps and title.
pub fn list() -> anyhow::Result<()> {
    let width = BUILTIN_DECKS
        .iter()
        .map(|d| d.name.len())
        .max()
        .unwrap_or(0);
    let mut text = String::new();
    for d in BUILTIN_DECKS {
        let deck = open_deck(d.name).map_err(|e| anyhow::anyhow!("{e}"))?;
        let _ = writeln!(
            text,
            "{:width$}  {:>2} steps  {}",
            d.name,
            deck.steps.len(),
            deck.title
        );
    }
    out::stdout(&text)?;
    Ok(())
}

/// `threadlab deck show NAME`: the built-in deck's TOML as shipped.
pub fn show(name: &str) -> anyhow::Result<()> {
    let Some(deck) = builtin_deck(name) else {
        let names: Vec<_> = BUILTIN_DECKS.iter().map(|d| d.name).collect();
        return Err(BadInput(format!(
            "no built-in deck '{name}' (there are: {})",
            names.join(", ")
        ))
        .into());
    };
    out::stdout(deck.toml)?;
    Ok(())
}

/// `threadlab deck check FILE`: reads the deck as the window would and
/// says what it holds; a broken one is one line with its file and line.
pub fn check(file: &str) -> anyhow::Result<()> {
    let deck = open_deck(file).map_err(|e| BadInput(e.to_string()))?;
    out::stdout(&describe(file, &deck))?;
    Ok(())
}

/// What `check` prints for a good deck: one line per step.
fn describe(file: &str, deck: &Deck) -> String {
    let questions = deck.steps.iter().filter(|s| s.prediction.is_some()).count();
    let mut text = format!(
        "{file}: deck \"{}\" is fine: {} steps, {questions} with a question\n",
        deck.name,
        deck.steps.len()
    );
    for (i, step) in deck.steps.iter().enumerate() {
        let asks = step
            .prediction
            .as_ref()
            .map(|p| format!(", asks ({}, {} choices)", p.measure.name(), p.choices.len()))
            .unwrap_or_default();
        let _ = writeln!(
            text,
            "{:>3}. {} [{} {}{asks}]",
            i + 1,
            step.title,
            step.scenario.name,
            step.show.name()
        );
    }
    text
}
