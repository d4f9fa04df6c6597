//! Pure functions over a run's events and summaries: GIL holds and their
//! rules, speedup and efficiency. No threads, no I/O, no drawing.

pub mod gil;
pub mod speedup;

pub use gil::{Hold, check_gil_well_formed, gil_holds, handovers};
pub use speedup::{efficiency, ideal_speedup, speedup};
