//! What the window runs in the background and takes in once per frame,
//! never holding a lock across one: the live run drained into state the
//! window owns (`live.rs`), a saved run opened into the same state
//! (`saved.rs`), the serial run speedups are measured against
//! (`baseline.rs`), files being exported (`export.rs`), a clip being
//! recorded (`clip.rs`), the reaper that ends runs off the UI thread
//! (`reaper.rs`), and how often a live run is drawn, by what its frames
//! cost (`pace.rs`). Nothing here draws.

mod baseline;
mod clip;
mod export;
mod live;
mod pace;
mod reaper;
mod saved;

pub use baseline::{Baselines, LOAD_SKEW, LoadSkew, loads_differ, serial_of, work_key};
pub use clip::{CANCELLED, ClipJob, FrameSource, MakeSource};
pub use export::{ExportKind, Exporter, Notice};
pub use live::{BUSY_WARNING, KEPT_EVENTS_MAX, LiveRun, RunData};
pub use pace::{FramePacer, SLOWEST_FRAME, WINDOW_CORES_TARGET};
pub use reaper::Reaper;
pub use saved::{Recorded, open_run};
