//! The code panel: the experiment as the Python program a lecturer would
//! write, following the knobs as they move, coloured, with the probe's
//! measuring lines shown dimmed on request, to copy or save. `state.rs`
//! is the panel's state and what its buttons do; `panel.rs` draws it.

mod panel;
mod state;

pub use panel::{code_panel_ui, code_panel_width};
pub use state::CodeView;
