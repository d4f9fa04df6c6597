//! Playback.

pub mod ghost;
pub mod replay;
