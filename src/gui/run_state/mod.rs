//! Run state.

pub mod baseline;
pub mod export;
pub mod live;
pub mod reaper;
