//! Pure functions over a run's events and summaries: GIL holds and their
//! rules, speedup and efficiency and why a speedup fell short, and the
//! timeline the window draws. No
//! threads, no I/O, no drawing.

pub mod explain;
pub mod gil;
pub mod speedup;
pub mod timeline;

pub use explain::{Reason, reasons};
pub use gil::{Hold, check_gil_well_formed, gil_holds, handovers};
pub use speedup::{SpeedupParts, efficiency, ideal_speedup, speedup, split_speedup};
