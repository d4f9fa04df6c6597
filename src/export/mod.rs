//! Writing a run out for other tools: Chrome trace JSON (Perfetto), CSV of
//! the summary rows, and the names of the files the window exports to. The
//! CLI (`--trace`, `--csv`) and the window's export buttons share all of it.

pub mod chrome;
pub mod csv;
pub mod files;
pub mod trace;

pub use chrome::{chrome_trace, write_chrome_trace_to};
pub use csv::{compare_csv, summary_csv};
pub use files::{EXPORT_DIR_ENV, export_dir, export_file_name, unused_path};

use crate::model::{Event, RunSummary};
use std::path::Path;

/// Writes the Chrome trace of a run to `path`. A file left half-written by
/// a failure (a full disk) is removed.
pub fn write_chrome_trace(
    path: &Path,
    summary: &RunSummary,
    events: &[Event],
) -> std::io::Result<()> {
    let file = std::fs::File::create(path)?;
    let written = write_chrome_trace_to(file, summary, events);
    if written.is_err() {
        let _ = std::fs::remove_file(path);
    }
    written
}
