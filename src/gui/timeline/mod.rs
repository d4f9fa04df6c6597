//! The timeline and the cores view on one time axis: the view's state
//! ([`TimeView`], plain data) and what the pointer does to it
//! (`navigate.rs`); the rows and their lanes (`rows.rs`, `lanes.rs`),
//! painted in a few meshes (`paint.rs`); the replay cursor and the ghost's
//! end over them (`cursor.rs`); what is under the pointer, in words
//! (`tooltip.rs`); per-core lanes (`cores.rs`) over the cores kept busy,
//! and by whom (`load.rs`); a queue's depth and its hand-overs to the
//! workers (`queue.rs`). The compare view and the CPython lens stack
//! runs as blocks of the same lanes (`block.rs`).

mod block;
mod cores;
mod cursor;
mod lanes;
mod load;
mod navigate;
mod paint;
mod queue;
mod rows;
mod tooltip;
mod view;
mod widget;

pub use block::{BlockRows, block_lanes};
pub use cores::{core_count, cores_at_ui, cores_min_height, cores_ui, load_in_view};
pub use cursor::Overlay;
pub use lanes::{Holder, XMap, hold_lane, state_lane};
pub use navigate::navigate;
pub use paint::LanePainter;
pub use rows::{Row, executing_share};
pub use tooltip::{label_tooltip, row_tooltip};
pub use view::TimeView;
pub use widget::{
    AXIS_H, DrawStats, LABEL_W, RIGHT_PAD, TimelineOutput, axis, timeline_at_ui, timeline_ui,
};
