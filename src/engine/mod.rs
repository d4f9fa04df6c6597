//! Runs a [`Scenario`](crate::model::Scenario) on real OS threads (and, with
//! `processes >= 2`, real child processes), each interpreter under its own
//! GIL model. Knows nothing about drawing.

pub mod cancel;
pub mod compare;
pub mod gil;
pub mod interp;
pub mod lab_files;
pub mod lab_lock;
pub mod lab_queue;
pub mod labs;
pub mod platform;
pub mod processes;
pub mod run;
pub mod summarize;
pub mod worker;
pub mod workload;

pub use cancel::CancelToken;
pub use run::{EngineError, RunContext, RunHandle, RunOptions, run_to_end, start};
