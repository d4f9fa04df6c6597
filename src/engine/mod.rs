//! Runs a [`Scenario`](crate::model::Scenario) on real OS threads (and, with
//! `processes >= 2`, real child processes), each interpreter under its own
//! GIL model. Knows nothing about drawing.
//!
//! The files stand in layers, each using only those below it:
//! - on top, the entry points: [`run`] (a run in threadlab's own process, and
//!   its coordinator) and [`child`] (a child process's side);
//! - [`labs`], the experiments, and [`compare`], which runs several;
//! - [`context`], what every part of a run shares ([`RunContext`],
//!   [`EngineError`]);
//! - [`processes`], the parent's plumbing for child processes, which knows
//!   nothing of the labs;
//! - at the bottom the interpreter and what it is made of: [`interp`],
//!   [`worker`] with its [`core_watch`], [`gil`], [`cancel`], [`platform`],
//!   [`workload`] with the interpreted loop it runs ([`eval`]), and
//!   [`summarize`] over their results; [`scratch`] names the labs' scratch
//!   folders so that whoever outlives a killed process can remove them.
//!
//! `tests/architecture.rs` fails when an import goes against these layers
//! across a folder.

pub mod cancel;
pub mod child;
pub mod compare;
pub mod context;
pub mod core_watch;
pub mod eval;
pub mod gil;
pub mod interp;
pub mod labs;
pub mod platform;
pub mod processes;
pub mod run;
pub mod scratch;
pub mod summarize;
pub mod worker;
pub mod workload;

pub use cancel::CancelToken;
pub use context::{EngineError, RunContext};
pub use run::{RunHandle, RunOptions, run_to_end, start};
