//! Runs as files (`.tlrun`): a finished run saved with everything the
//! window and the exporters need, to be opened again anywhere without
//! running anything. Lecturers prepare runs on their own machine and replay
//! them in class, where the projector's laptop may be slower, busier, or
//! have fewer cores; students open the same runs at home.
//!
//! A file holds the run's events (every one, streamed out while the run
//! goes on), its core load samples, its scenario and summary, and the
//! machine and time it was recorded. It is versioned, compressed (deflate),
//! checksummed (CRC-32), and read by a decoder that trusts no length it
//! has not bounded: `format.rs` is the layout and its limits, `write.rs`
//! the streaming writer, `read.rs` the reader, `info.rs` and `machine.rs`
//! what a run says about itself. Nothing here knows the window.

pub mod format;
pub mod info;
pub mod machine;
pub mod read;
pub mod write;

pub use format::{EXTENSION, FORMAT_VERSION, MAGIC};
pub use info::{Ending, RunInfo};
pub use machine::Machine;
pub use read::{Problem, RunFileError, RunSink, decode, read_run_file};
pub use write::{RunFileWriter, save_run};

use crate::model::{CoreSample, EVENTS_KEPT_MAX, Event, KeptEvents};
use std::path::Path;

/// A saved run read back: its info, its first events (up to
/// [`EVENTS_KEPT_MAX`], the same a live run's front end keeps, with a count
/// of the rest) and its core samples.
#[derive(Clone, Debug, PartialEq)]
pub struct SavedRun {
    /// Scenario, summary, machine, time.
    pub info: RunInfo,
    /// The events, the first [`EVENTS_KEPT_MAX`] kept.
    pub events: KeptEvents,
    /// Core load samples, in time order.
    pub cores: Vec<CoreSample>,
}

/// What [`load_run`] keeps while it reads.
struct Keep {
    events: KeptEvents,
    cores: Vec<CoreSample>,
}

impl RunSink for Keep {
    fn events(&mut self, batch: Vec<Event>) {
        self.events.take(&batch);
    }

    fn core_sample(&mut self, sample: CoreSample) {
        self.cores.push(sample);
    }
}

/// Reads the saved run at `path`.
pub fn load_run(path: &Path) -> Result<SavedRun, RunFileError> {
    let mut keep = Keep {
        events: KeptEvents::with_cap(EVENTS_KEPT_MAX),
        cores: Vec::new(),
    };
    let info = read_run_file(path, &mut keep)?;
    Ok(SavedRun {
        info,
        events: keep.events,
        cores: keep.cores,
    })
}

/// Whether `path` names a saved run by its extension (`.tlrun`, any case).
pub fn has_run_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case(EXTENSION))
}

#[cfg(test)]
mod tests;
