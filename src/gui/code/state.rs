//! The code panel's state: open or not, measuring lines shown or not, and
//! what its last Save did. Copy and Save act on the program of the knobs
//! as they are now.

use crate::export::{export_dir, unused_path};
use crate::gui::run_state::Notice;
use crate::model::Scenario;
use std::path::PathBuf;
use std::time::SystemTime;

/// What the code panel shows.
#[derive(Clone, Debug, Default)]
pub struct CodeView {
    /// Whether the panel is on screen.
    pub open: bool,
    /// Whether the probe's measuring lines are shown (dimmed).
    pub measuring: bool,
    /// What the last Copy or Save did.
    pub notice: Option<Notice>,
    dir: Option<PathBuf>,
}

impl CodeView {
    /// The panel, open or not.
    pub fn new(open: bool) -> Self {
        Self {
            open,
            ..Self::default()
        }
    }

    /// Programs are saved in `dir` instead of `$THREADLAB_EXPORT_DIR` or
    /// the current directory.
    pub fn set_dir(&mut self, dir: PathBuf) {
        self.dir = Some(dir);
    }

    /// The program's text as the panel shows it.
    pub fn text(&self, scenario: &Scenario) -> String {
        crate::python::program(scenario).text(self.measuring)
    }

    /// Says that the program was copied.
    pub fn copied(&mut self) {
        self.notice = Some(Notice {
            text: "Program copied to the clipboard.".to_owned(),
            error: false,
        });
    }

    /// Saves the program of `scenario` as a new `.py` file and says where.
    pub fn save(&mut self, scenario: &Scenario) {
        let dir = self.dir.clone().unwrap_or_else(export_dir);
        let path = unused_path(&dir, &scenario.name, SystemTime::now(), "py");
        self.notice = Some(match std::fs::write(&path, self.text(scenario)) {
            Ok(()) => Notice {
                text: format!("Saved {}", path.display()),
                error: false,
            },
            Err(e) => Notice {
                text: format!("Could not save {}: {e}", path.display()),
                error: true,
            },
        });
    }
}
