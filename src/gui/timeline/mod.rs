//! The timeline view.

pub mod cores;
pub mod cursor;
pub mod lanes;
pub mod paint;
pub mod tooltip;
pub mod view;
pub mod widget;

pub use widget::*;
