//! `threadlab run ... --save FILE.tlrun`: the run is saved as it goes on,
//! every event and core sample streamed into the file (`runfile`), so a
//! long run is saved whole with memory bounded by one record; the summary
//! closes it. Until then the file is a hidden temporary one beside the path
//! given, removed on any failure (or by a second Ctrl-C), so a half-saved
//! run never stands under the user's name.

use super::{BadInput, check_output};
use crate::model::{RunMessage, RunSummary, Scenario};
use crate::runfile::{EXTENSION, Ending, RunFileWriter, has_run_extension};
use std::path::{Path, PathBuf};

/// Refuses, before the run, a `--save` path that is not a `.tlrun` file
/// name or cannot be written.
pub fn check_save_path(path: &Path) -> anyhow::Result<()> {
    if !has_run_extension(path) {
        return Err(BadInput(format!(
            "--save {}: a saved run's file name ends in .{EXTENSION}",
            path.display()
        ))
        .into());
    }
    check_output("--save", path)
}

/// A run being saved.
pub struct Saver {
    path: PathBuf,
    writer: Option<RunFileWriter>,
    /// The first write that failed: the run goes on, the file is given up.
    failure: Option<String>,
}

impl Saver {
    /// Starts the file for a run of `scenario` at `path` (checked with
    /// [`check_save_path`]).
    pub fn start(path: &Path, scenario: &Scenario) -> anyhow::Result<Self> {
        check_save_path(path)?;
        let writer = RunFileWriter::create(path, scenario)
            .map_err(|e| BadInput(format!("--save {}: {e}", path.display())))?;
        Ok(Self {
            path: path.to_path_buf(),
            writer: Some(writer),
            failure: None,
        })
    }

    /// Takes one of the run's messages in: events and core samples are saved.
    pub fn take(&mut self, message: &RunMessage) {
        let Some(writer) = &mut self.writer else {
            return;
        };
        let written = match message {
            RunMessage::Events(batch) => writer.events(batch),
            RunMessage::Cores(sample) => writer.core_sample(sample),
            RunMessage::Status(_) | RunMessage::Finished(_) => Ok(()),
        };
        if let Err(e) = written {
            // Dropping the writer removes what it wrote.
            self.writer = None;
            self.failure = Some(self.cannot(&e));
        }
    }

    /// Closes the file with the run's summary (as printed) and puts it in
    /// place; the error says why it could not be.
    pub fn finish(mut self, summary: &RunSummary) -> Result<(), String> {
        if let Some(failure) = self.failure.take() {
            return Err(failure);
        }
        let Some(writer) = self.writer.take() else {
            return Err(format!(
                "saving the run to {}: nothing was written",
                self.path.display()
            ));
        };
        writer
            .finish(&Ending::now(summary.clone()))
            .map_err(|e| self.cannot(&e))
    }

    fn cannot(&self, e: &std::io::Error) -> String {
        format!("saving the run to {}: {e}", self.path.display())
    }
}
