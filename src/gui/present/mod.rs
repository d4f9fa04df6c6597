//! The presenter.

pub mod first_frame;
pub mod help;
pub mod palette;
pub mod presenter;
pub mod screenshot;
pub mod settings;
pub mod shortcuts;

pub use palette::{ContextExt, Palette, Theme};
pub use presenter::*;
