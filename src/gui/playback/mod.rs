//! Replaying a finished run, and the run before it kept as a ghost. The
//! state ([`Replay`], [`Ghost`]) knows nothing of egui; the bar that shows
//! it sits beside it (`bar.rs`) and only pushes commands, as rerun's
//! `time_control` and `time_control_ui` are split.

mod bar;
mod ghost;
mod replay;

pub use bar::replay_bar_ui;
pub use ghost::Ghost;
pub use replay::{Replay, SPEEDS};
