//! threadlab: threading vs multiprocessing, made visible.
//!
//! The engine runs experiments on real OS threads and real child processes,
//! each interpreter under a model of CPython's GIL, and records what every
//! worker did as small fixed-size events. Front ends (the CLI, the window)
//! drain those events live and draw or summarise them.
//!
//! Only [`gui`] (behind the `gui` feature) knows about egui.

#![warn(missing_docs)]

pub mod analysis;
pub mod cli;
pub mod deck;
pub mod engine;
pub mod export;
#[cfg(feature = "gui")]
pub mod gui;
pub mod model;
pub mod python;
pub mod recording;
pub mod runfile;
pub mod sampling;
pub mod video;
pub mod wire;
