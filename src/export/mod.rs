//! Writing a run out for other tools: Chrome trace JSON (Perfetto), and the
//! JSON summary the CLI prints.

pub mod chrome;

pub use chrome::chrome_trace;

use crate::model::{Event, RunSummary};
use std::path::Path;

/// Writes the Chrome trace of a run to `path`.
pub fn write_chrome_trace(
    path: &Path,
    summary: &RunSummary,
    events: &[Event],
) -> std::io::Result<()> {
    let doc = chrome_trace(summary, events);
    let file = std::io::BufWriter::new(std::fs::File::create(path)?);
    serde_json::to_writer(file, &doc).map_err(std::io::Error::other)
}
