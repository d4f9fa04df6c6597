//! The two sides of a lab that compares threads with processes: `threads`
//! threads in threadlab's own process (process 0, threads 0..T) and
//! `processes` child processes of one worker thread each (processes 1..=P,
//! thread 0). The same lab code runs in both; these helpers give each side
//! its shape and run it.

use crate::engine::cancel::CancelToken;
use crate::engine::context::{EngineError, RunContext};
use crate::engine::interp::{Interp, InterpError, InterpResult};
use crate::engine::processes::{GroupOutcome, GroupSpec};

/// How many worker threads this interpreter runs in a side-by-side lab, and
/// the run-wide index of its first worker (threads first, then processes).
pub fn shape(interp: &Interp) -> (u16, u64) {
    let threads = interp.scenario.threads as u16;
    if interp.process == 0 {
        (threads, 0)
    } else {
        (1, threads as u64 + interp.process as u64 - 1)
    }
}

/// The process side: `processes` children of one worker thread each.
pub fn process_group_spec(ctx: &RunContext) -> GroupSpec {
    GroupSpec {
        scenario: ctx.scenario.clone(),
        processes: ctx.scenario.processes.max(1) as u16,
        threads_per_process: 1,
    }
}

/// Runs the thread side to its end, stopping at `cancel`: `lab` (the lab's
/// own `run`) on an interpreter of threadlab's own process. A child process
/// runs the same `lab` for the process side.
pub fn run_thread_group(
    ctx: &RunContext,
    cancel: CancelToken,
    lab: fn(&Interp) -> Result<InterpResult, InterpError>,
) -> Result<InterpResult, EngineError> {
    Ok(lab(&ctx.own_interp(cancel))?)
}

/// Runs the process side to its end; the run's Stop kills it.
pub fn run_process_group(ctx: &RunContext) -> Result<GroupOutcome, EngineError> {
    let mut group = ctx.start_processes(&process_group_spec(ctx))?;
    group.supervise(&ctx.cancel)?;
    Ok(group.finish())
}

/// Median of `values` (0 when empty).
pub fn median(values: &[f64]) -> f64 {
    crate::model::Percentiles::of(values).median
}
