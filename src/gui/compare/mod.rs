//! Compare mode.

pub mod bars;
pub mod mode;
pub mod run;
pub mod summary;
pub mod view;

pub use mode::*;
