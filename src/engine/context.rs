//! What every part of a run shares, at the bottom of the engine so that the
//! labs, the coordinator and the child's side can all use it without
//! depending on one another: the run's context and the run's error.

use crate::engine::cancel::CancelToken;
use crate::engine::interp::{Interp, InterpError};
use crate::engine::processes::{GroupSpec, ProcessError, ProcessGroup};
use crate::model::Scenario;
use crate::model::scenario::RangeError;
use crate::recording::{Clock, EventSink};
use crate::sampling::cores::ChildPids;
use std::sync::Arc;

/// Why a run could not start or finish.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// A knob is out of range.
    #[error(transparent)]
    Invalid(#[from] RangeError),
    /// The coordinator thread could not start.
    #[error("could not start the run: {0}")]
    Start(std::io::Error),
    /// An interpreter failed.
    #[error(transparent)]
    Interp(#[from] InterpError),
    /// A child process failed, or could not be started or understood.
    #[error(transparent)]
    Process(#[from] ProcessError),
    /// Something else, said in words.
    #[error("{0}")]
    Other(String),
}

/// What every part of a run shares: the scenario, the clock, where events
/// go, and the stop request.
#[derive(Clone, Debug)]
pub struct RunContext {
    /// The experiment.
    pub scenario: Arc<Scenario>,
    /// The run's clock (child processes use its epoch).
    pub clock: Clock,
    /// Where events go.
    pub sink: EventSink,
    /// The run's stop request.
    pub cancel: CancelToken,
    /// The run's child processes, so the core sampler reads their threads.
    pub children: ChildPids,
}

impl RunContext {
    /// An interpreter of threadlab's own process for this run.
    pub fn own_interp(&self, cancel: CancelToken) -> Interp {
        Interp::new(
            0,
            1,
            self.scenario.clone(),
            self.clock.clone(),
            self.sink.clone(),
            cancel,
        )
    }

    /// Starts child processes for this run: on its clock, into its channel.
    pub fn start_processes(&self, spec: &GroupSpec) -> Result<ProcessGroup, ProcessError> {
        let group = ProcessGroup::start(spec, &self.clock, &self.sink)?;
        self.children.add(group.pids());
        Ok(group)
    }
}
