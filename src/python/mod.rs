//! The CPython lens: the experiment as a real Python program, run by a real
//! interpreter, measured by a probe threadlab ships, and drawn on the same
//! time axis as the model's run.
//!
//! - [`program`] writes the scenario as a Python program in the tutorial's
//!   shape (standard library only), its measuring lines marked;
//! - [`interpreter`] finds python3 (or a free-threaded build), asks its
//!   version and whether it has a GIL;
//! - [`launch`] starts it in a process group of its own that dies with
//!   threadlab, and kills the whole group at the end;
//! - [`records`] reads the probe's records as each process appends them;
//! - [`infer`] turns them into the model's events: who ran, who waited,
//!   who held the GIL, inferred from CPU checkpoints;
//! - [`summary`] adds up what the run measured;
//! - [`run`] is a run: the supervisor thread, the live channel, Stop;
//! - [`agree`] sets a real run's numbers beside the model's and marks where
//!   they differ beyond the run-to-run noise;
//! - [`highlight`] cuts Python source into coloured pieces for the window.
//!
//! Nothing here knows about drawing. It uses the model, the recording
//! layer's clock and sink, and the engine's stop token; the engine never
//! uses it.

pub mod agree;
mod error;
pub mod highlight;
pub mod infer;
pub mod interpreter;
pub mod launch;
pub mod program;
pub mod records;
pub mod run;
pub mod summary;

pub use error::LensError;
pub use interpreter::Interpreter;
pub use program::{Line, Program, program};
pub use run::{LensOptions, LensRun, PROBE_SOURCE, choose_interpreter, start};
pub use summary::LensReport;
