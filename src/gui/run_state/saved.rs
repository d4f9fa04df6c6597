//! Runs as files in the window: a saved run (`.tlrun`, see `runfile`)
//! opened into a [`RunData`] that replay, the ghost, the exports and the
//! timeline take exactly as they take a live run's, and a finished run's
//! data turned back into a file.
//!
//! Opening streams the file's events through [`RunData::apply`], as the
//! live run's messages go, so the lanes are built by the same code: the
//! first events in full detail, any beyond the cap folded into the lanes'
//! block summaries, as the window drew them live.

use super::live::RunData;
use crate::model::{CoreSample, Event, RunMessage, Scenario};
use crate::runfile::{Machine, RunInfo, RunSink, SavedRun, read_run_file};
use std::path::{Path, PathBuf};

/// Where an opened run came from, for the window to say so.
#[derive(Clone, Debug, PartialEq)]
pub struct Recorded {
    /// The file it was opened from.
    pub path: PathBuf,
    /// The machine it ran on.
    pub machine: Machine,
    /// When it ended, milliseconds since 1970 (UTC).
    pub recorded_unix_ms: u64,
}

impl Recorded {
    /// "recorded 2026-12-02 14:05 UTC on …, 8 cores, …, threadlab 0.1.0".
    pub fn provenance(&self) -> String {
        format!(
            "recorded {} on {}",
            crate::runfile::machine::utc_text(self.recorded_unix_ms),
            self.machine.describe()
        )
    }
}

/// Feeds what a file holds into a run's data, as its messages would.
struct Feed(RunData);

impl RunSink for Feed {
    fn scenario(&mut self, scenario: &Scenario) {
        // First in the file: the lanes take the run's GIL mode from it.
        self.0 = RunData::new(scenario.clone());
    }

    fn events(&mut self, batch: Vec<Event>) {
        self.0.apply(RunMessage::Events(batch));
    }

    fn core_sample(&mut self, sample: CoreSample) {
        self.0.apply(RunMessage::Cores(sample));
    }
}

/// Opens the saved run at `path` as the window shows a finished run; the
/// error names the file and what is wrong with it.
pub fn open_run(path: &Path) -> Result<RunData, String> {
    let mut feed = Feed(RunData::new(Scenario::default()));
    let info = read_run_file(path, &mut feed).map_err(|e| e.to_string())?;
    Ok(finish(feed.0, info, path))
}

impl RunData {
    /// A finished run's data from a saved run read into memory (its first
    /// events, the same the window keeps in detail).
    pub fn from_saved(saved: &SavedRun, path: &Path) -> Self {
        let mut data = RunData::new(saved.info.scenario.clone());
        for batch in saved
            .events
            .events
            .chunks(crate::runfile::format::MAX_EVENTS_PER_RECORD)
        {
            data.apply(RunMessage::Events(batch.to_vec()));
        }
        for sample in &saved.cores {
            data.apply(RunMessage::Cores(sample.clone()));
        }
        let mut data = finish(data, saved.info.clone(), path);
        data.events_not_kept += saved.events.summarised;
        data
    }

    /// What a saved file of this finished run says about it: a run opened
    /// from a file keeps its machine and time.
    pub fn run_info(&self) -> Option<RunInfo> {
        let summary = self.summary()?.clone();
        let mut info = RunInfo::now(self.scenario.clone(), summary);
        if let Some(recorded) = &self.recorded {
            info.machine = recorded.machine.clone();
            info.recorded_unix_ms = recorded.recorded_unix_ms;
        }
        Some(info)
    }
}

/// The run as it ended: its scenario, summary, machine.
fn finish(mut data: RunData, info: RunInfo, path: &Path) -> RunData {
    data.scenario = info.scenario;
    data.machine_cores = info.machine.logical_cores as usize;
    data.topology = info.machine.topology();
    data.recorded = Some(Recorded {
        path: path.to_path_buf(),
        machine: info.machine,
        recorded_unix_ms: info.recorded_unix_ms,
    });
    data.apply(RunMessage::Finished(Box::new(Ok(info.summary))));
    data
}
