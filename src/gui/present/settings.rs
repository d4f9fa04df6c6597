//! What the window remembers between launches: how it looks (theme,
//! presentation mode, folded panels, auto-run) and the last scenario (a
//! preset's name and the knobs as they were set). Both go into eframe's
//! storage as JSON under their own keys, so a scenario that no longer fits
//! (a newer version renamed a knob, a range shrank) is dropped with a notice
//! while the look is kept.

use super::palette::Theme;
use crate::model::Scenario;
use serde::{Deserialize, Serialize};

/// Storage key of [`ViewSettings`].
pub const VIEW_KEY: &str = "threadlab.view";
/// Storage key of [`StoredScenario`].
pub const SCENARIO_KEY: &str = "threadlab.scenario";

/// How the window looks and behaves; everything here survives a restart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ViewSettings {
    /// Dark or light colours.
    pub theme: Theme,
    /// Presentation mode: everything larger.
    pub present: bool,
    /// The controls on the left are folded away.
    pub controls_folded: bool,
    /// The results on the right are folded away.
    pub results_folded: bool,
    /// Run again as soon as a knob is let go.
    pub auto_run: bool,
}

impl Default for ViewSettings {
    fn default() -> Self {
        Self {
            theme: Theme::Dark,
            present: false,
            controls_folded: false,
            results_folded: false,
            auto_run: true,
        }
    }
}

impl ViewSettings {
    /// These settings with what the command line asked for on top:
    /// presentation mode (`present`) and the light theme (`light`).
    pub fn with_command_line(mut self, present: bool, light: bool) -> Self {
        if present {
            self.present = true;
            self.controls_folded = true;
        }
        if light {
            self.theme = Theme::Light;
        }
        self
    }
}

/// The scenario on screen when the window closed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoredScenario {
    /// The preset it started from.
    pub preset: String,
    /// The knobs as they were set.
    pub knobs: Scenario,
}

/// What the storage held, read and checked.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Restored {
    /// The look (defaults when nothing or nothing readable was stored).
    pub view: ViewSettings,
    /// The last scenario, if one was stored and still fits.
    pub scenario: Option<StoredScenario>,
    /// Why something stored was ignored, for the window to say once.
    pub notice: Option<String>,
}

/// Writes the settings and the scenario into `storage`.
pub fn save(storage: &mut dyn eframe::Storage, view: &ViewSettings, scenario: &StoredScenario) {
    // Serialising plain structs of numbers, strings and enums cannot fail;
    // if it ever did, the old values simply stay.
    if let Ok(text) = serde_json::to_string(view) {
        storage.set_string(VIEW_KEY, text);
    }
    if let Ok(text) = serde_json::to_string(scenario) {
        storage.set_string(SCENARIO_KEY, text);
    }
}

/// Reads what `storage` holds. `presets` are the presets there are now: a
/// stored scenario must name one of them, belong to the same lab, and pass
/// validation; otherwise it is ignored and `notice` says why.
pub fn load(storage: &dyn eframe::Storage, presets: &[Scenario]) -> Restored {
    let mut notices = Vec::new();
    let view = match storage.get_string(VIEW_KEY) {
        None => ViewSettings::default(),
        Some(text) => serde_json::from_str(&text).unwrap_or_else(|e| {
            notices.push(format!(
                "The saved view settings were unreadable ({e}); using defaults."
            ));
            ViewSettings::default()
        }),
    };
    let scenario =
        storage
            .get_string(SCENARIO_KEY)
            .and_then(|text| match check_scenario(&text, presets) {
                Ok(s) => Some(s),
                Err(why) => {
                    notices.push(format!("The scenario saved last time was ignored: {why}."));
                    None
                }
            });
    Restored {
        view,
        scenario,
        notice: (!notices.is_empty()).then(|| notices.join(" ")),
    }
}

/// Parses and checks a stored scenario; the error says what is wrong with it.
/// The preset's own name, title and lesson replace the stored ones, so a
/// newer lesson text shows.
pub fn check_scenario(text: &str, presets: &[Scenario]) -> Result<StoredScenario, String> {
    let stored: StoredScenario =
        serde_json::from_str(text).map_err(|e| format!("it could not be read ({e})"))?;
    let preset = presets
        .iter()
        .find(|p| p.name == stored.preset)
        .ok_or_else(|| format!("there is no preset '{}' any more", stored.preset))?;
    if preset.lab != stored.knobs.lab {
        return Err(format!(
            "preset '{}' is now a different experiment",
            stored.preset
        ));
    }
    stored.knobs.validate().map_err(|e| e.to_string())?;
    // Cores that another machine had may not be here.
    stored
        .knobs
        .validate_cores(crate::sampling::core_count())
        .map_err(|e| e.to_string())?;
    let knobs = Scenario {
        name: preset.name.clone(),
        title: preset.title.clone(),
        lesson: preset.lesson.clone(),
        ..stored.knobs
    };
    Ok(StoredScenario { knobs, ..stored })
}

/// A storage in memory: for tests, and for runs that must not touch the
/// user's saved state (the smoke mode).
#[derive(Clone, Debug, Default)]
pub struct MemoryStorage(std::collections::BTreeMap<String, String>);

impl eframe::Storage for MemoryStorage {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }

    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.to_owned(), value);
    }

    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }

    fn flush(&mut self) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::all_presets;
    use eframe::Storage as _;

    fn race() -> Scenario {
        all_presets()
            .into_iter()
            .find(|p| p.name == "race")
            .unwrap()
    }

    #[test]
    fn settings_and_scenario_round_trip() {
        let mut storage = MemoryStorage::default();
        let view = ViewSettings {
            theme: Theme::Light,
            present: true,
            controls_folded: true,
            results_folded: false,
            auto_run: false,
        };
        let knobs = Scenario {
            threads: 7,
            ..race()
        };
        let scenario = StoredScenario {
            preset: "race".into(),
            knobs,
        };
        save(&mut storage, &view, &scenario);
        let back = load(&storage, &all_presets());
        assert_eq!(back.view, view);
        assert_eq!(back.scenario, Some(scenario));
        assert_eq!(back.notice, None);
    }

    #[test]
    fn empty_storage_gives_defaults_without_a_notice() {
        let back = load(&MemoryStorage::default(), &all_presets());
        assert_eq!(back, Restored::default());
    }

    #[test]
    fn a_scenario_out_of_range_is_ignored_with_a_notice_naming_the_knob() {
        let mut storage = MemoryStorage::default();
        let scenario = StoredScenario {
            preset: "race".into(),
            knobs: Scenario {
                threads: 100_000,
                ..race()
            },
        };
        save(&mut storage, &ViewSettings::default(), &scenario);
        let back = load(&storage, &all_presets());
        assert_eq!(back.scenario, None);
        let notice = back.notice.unwrap();
        assert!(notice.contains("threads"), "{notice}");
    }

    #[test]
    fn unknown_presets_and_broken_text_are_ignored_but_the_look_is_kept() {
        let mut storage = MemoryStorage::default();
        let view = ViewSettings {
            theme: Theme::Light,
            ..ViewSettings::default()
        };
        save(
            &mut storage,
            &view,
            &StoredScenario {
                preset: "gone".into(),
                knobs: race(),
            },
        );
        let back = load(&storage, &all_presets());
        assert_eq!(back.view, view);
        assert!(back.notice.unwrap().contains("'gone'"));

        storage.set_string(
            SCENARIO_KEY,
            r#"{"preset":"race","knobs":{"thredz":3}}"#.into(),
        );
        let back = load(&storage, &all_presets());
        assert_eq!(back.scenario, None);
        assert!(back.notice.unwrap().contains("could not be read"));
    }

    #[test]
    fn the_lesson_comes_from_the_preset_not_the_storage() {
        let knobs = Scenario {
            lesson: "old words".into(),
            ..race()
        };
        let text = serde_json::to_string(&StoredScenario {
            preset: "race".into(),
            knobs,
        })
        .unwrap();
        let back = check_scenario(&text, &all_presets()).unwrap();
        assert_eq!(back.knobs.lesson, race().lesson);
    }
}
