//! The panels around the timeline: the controls and the lesson on the left
//! (`controls.rs`, `summary.rs`), the result, the counters and the lab rows
//! on the right (`summary.rs`, with its explanations in words in
//! `why.rs`, `counters.rs`, `labs.rs`), the export row
//! under them (`export_row.rs`), and how it is all laid out with the
//! timeline in the middle (`layout.rs`). Panels draw the window's state and
//! push commands; only the knobs edit the scenario in place.

mod clip_row;
mod controls;
mod counters;
mod export_row;
mod labs;
mod layout;
mod summary;
mod why;

pub use clip_row::{CLIP_FPS, CLIP_SIZES, ClipSettings, clip_row_ui};
pub use controls::{ControlSettings, controls_ui};
pub use export_row::{OpenRunField, export_row_ui};
pub use layout::{Central, CentralOutput, FOLDED_WIDTH, brand_ui, central_ui, results_ui};
pub use summary::lesson_ui;
