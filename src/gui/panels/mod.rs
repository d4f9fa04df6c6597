//! Panels.

pub mod controls;
pub mod counters;
pub mod labs;
pub mod layout;
pub mod summary;
