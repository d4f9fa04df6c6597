//! The CPython lens in the window: the switch's state and the real runs
//! (`state.rs`), the model's run stacked over the real one on one time
//! axis (`view.rs`), and their numbers side by side with disagreements
//! marked (`numbers.rs`).

mod numbers;
mod state;
mod view;

pub use state::{LensLive, LensMode};
pub use view::lens_ui;
