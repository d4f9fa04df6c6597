//! The decks shipped in the binary, and finding a deck by name or path.

use super::Deck;
use super::parse::{DeckError, load_deck_file, parse_deck};
use std::path::Path;

/// A deck shipped in the binary.
#[derive(Clone, Copy, Debug)]
pub struct BuiltinDeck {
    /// Its name (`gui --deck NAME`).
    pub name: &'static str,
    /// Its TOML text (`deck show NAME` prints it).
    pub toml: &'static str,
}

/// Every built-in deck.
pub const BUILTIN_DECKS: &[BuiltinDeck] = &[BuiltinDeck {
    name: "threading-vs-multiprocessing",
    toml: include_str!("../../assets/decks/threading-vs-multiprocessing.toml"),
}];

/// The built-in deck called `name`.
pub fn builtin_deck(name: &str) -> Option<&'static BuiltinDeck> {
    BUILTIN_DECKS.iter().find(|d| d.name == name)
}

/// A built-in deck by name, or else a deck file by path.
pub fn open_deck(name_or_path: &str) -> Result<Deck, DeckError> {
    if let Some(deck) = builtin_deck(name_or_path) {
        return parse_deck(deck.toml, &format!("deck {}", deck.name));
    }
    let path = Path::new(name_or_path);
    if !path.exists() && !name_or_path.contains(['/', '.']) {
        let names: Vec<_> = BUILTIN_DECKS.iter().map(|d| d.name).collect();
        return Err(DeckError {
            origin: name_or_path.to_owned(),
            line: 0,
            message: format!(
                "no built-in deck of that name (there are: {}) and no such file",
                names.join(", ")
            ),
        });
    }
    load_deck_file(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_deck_reads() {
        for d in BUILTIN_DECKS {
            let deck = open_deck(d.name).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(deck.name, d.name);
        }
    }

    #[test]
    fn an_unknown_name_lists_the_decks() {
        let e = open_deck("threading").unwrap_err();
        assert!(e.message.contains("threading-vs-multiprocessing"), "{e}");
    }
}
