//! The presets: one scenario file per claim of the tutorial, embedded in the
//! binary so the app works from any folder.

use super::load::{LoadError, parse_scenario};
use super::scenario::Scenario;

/// A preset's name and its TOML text.
pub struct Preset {
    /// The name used on the command line and in the picker.
    pub name: &'static str,
    /// The scenario file's text.
    pub toml: &'static str,
}

macro_rules! presets {
    ($($name:literal),* $(,)?) => {
        /// Every preset, in the order the tutorial tells its story.
        pub const PRESETS: &[Preset] = &[
            $(Preset { name: $name, toml: include_str!(concat!("../../assets/scenarios/", $name, ".toml")) },)*
        ];
    };
}

presets![
    "cpu-bound",
    "cpu-processes",
    "oversubscribed",
    "io-bound",
    "gil-free",
    "convoy",
    "race",
    "race-plain",
    "race-call",
    "race-lock",
    "queue",
    "daemon",
    "startup",
    "shared-memory",
    "kill",
];

/// The presets whose lesson is a comparison of ways to run the same work:
/// the window opens them on the compare view, not on one of the ways.
pub const COMPARE_PRESETS: &[&str] = &["gil-free"];

/// Whether the window opens preset `name` on the compare view.
pub fn opens_on_compare(name: &str) -> bool {
    COMPARE_PRESETS.contains(&name)
}

/// The preset the window opens on.
pub const DEFAULT_PRESET: &str = "cpu-bound";

/// The names of every preset.
pub fn preset_names() -> Vec<&'static str> {
    PRESETS.iter().map(|p| p.name).collect()
}

/// Loads a preset by name. `None` when there is no such preset.
pub fn load_preset(name: &str) -> Option<Result<Scenario, LoadError>> {
    PRESETS
        .iter()
        .find(|p| p.name == name)
        .map(|p| parse_scenario(p.toml, &format!("preset {}", p.name)))
}

/// Every preset, parsed. Presets are tested to parse, so this cannot fail in a
/// released binary; a broken one is skipped rather than taking the app down.
pub fn all_presets() -> Vec<Scenario> {
    PRESETS
        .iter()
        .filter_map(|p| parse_scenario(p.toml, p.name).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_parses_and_is_named_like_its_file() {
        for p in PRESETS {
            let s = load_preset(p.name).unwrap().unwrap();
            assert_eq!(s.name, p.name);
            assert!(!s.title.is_empty(), "{} has no title", p.name);
            assert!(!s.lesson.is_empty(), "{} has no lesson", p.name);
        }
        assert!(load_preset(DEFAULT_PRESET).is_some());
        assert!(load_preset("nope").is_none());
    }
}
