//! The compare mode: instead of one run, the same work run serially, with N
//! threads, N processes, N threads without the GIL and as native code, one
//! after another, stacked on one time axis with their speedups beside them.
//!
//! `mode.rs` is the mode's state and all the app asks of it; `run.rs` runs
//! the configurations, round after round; `view.rs` (the lanes), `bars.rs`
//! (the speedup bars, with the range of their runs), `status.rs` (the line
//! above) and `summary.rs` (the numbers) draw it and push commands.

mod bars;
mod mode;
mod run;
mod status;
mod summary;
mod view;

pub use mode::{COMPARE_FRAME_FACTOR, CompareMode, NOT_COMPARABLE};
pub use run::{Comparison, ConfigRun, Ghost, Progress};
pub use summary::results_ui;
pub use view::compare_ui;
