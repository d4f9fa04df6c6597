//! Writing a run out for other tools: Chrome trace JSON (Perfetto), CSV of
//! the summary rows, and the names of the files the window exports to. The
//! CLI (`--trace`, `--csv`) and the window's export buttons share all of it,
//! and every file goes out through [`target`], which never harms what was
//! at a path before.

pub mod chrome;
pub mod csv;
pub mod files;
pub mod target;
pub mod trace;

pub use chrome::{chrome_trace, write_chrome_trace_to};
pub use csv::{compare_csv, summary_csv};
pub use files::{EXPORT_DIR_ENV, export_dir, export_file_name, unused_path};
pub use target::{
    StagedFile, TargetError, check_target, remove_unfinished, write_bytes, write_file,
};

use crate::model::{Event, RunSummary};
use std::path::Path;

/// Writes the Chrome trace of a run to `path`. A failure (a full disk, a
/// closed pipe) leaves whatever was at `path` as it was: the trace goes to
/// a temporary file that replaces a regular file only once complete, and
/// nothing threadlab did not create is ever removed ([`target`]).
pub fn write_chrome_trace(
    path: &Path,
    summary: &RunSummary,
    events: &[Event],
) -> std::io::Result<()> {
    write_file(path, |out| write_chrome_trace_to(out, summary, events))
}
