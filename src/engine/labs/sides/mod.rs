//! The labs that set threads and processes side by side in one run:
//! [`startup`] (what starting each costs), [`shared_memory`] (whose memory a
//! counter lives in) and [`kill`] (who can be stopped from outside). Each
//! runs `threads` threads in threadlab's own process beside `processes`
//! child processes, the same lab code on both sides ([`side`] gives each side
//! its shape), and measures one against the other.

pub mod kill;
pub mod shared_memory;
pub mod side;
pub mod startup;

use crate::engine::context::{EngineError, RunContext};
use crate::engine::summarize::RunOutcome;
use crate::model::Lab;

/// Runs a two-sided lab from the parent: both groups, and what the lab
/// measures between them. `None` for a lab with one side.
pub fn run_both(ctx: &RunContext) -> Option<Result<RunOutcome, EngineError>> {
    Some(match ctx.scenario.lab {
        Lab::Startup => startup::run_both(ctx),
        Lab::SharedMemory => shared_memory::run_both(ctx),
        Lab::Kill => kill::run_both(ctx),
        _ => return None,
    })
}
