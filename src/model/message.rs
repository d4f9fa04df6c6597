//! What a running experiment tells its front end, in order, over one channel.

use super::event::Event;
use super::summary::RunSummary;

/// The machine-wide load of every CPU core at one moment.
#[derive(Clone, Debug, PartialEq)]
pub struct CoreSample {
    /// Nanoseconds since the run's epoch.
    pub t_ns: u64,
    /// Load of each core, 0..=100 %.
    pub usage: Vec<f32>,
}

/// One message from a run to whoever watches it (window, CLI).
#[derive(Clone, Debug)]
pub enum RunMessage {
    /// A batch of events from one worker, in time order.
    Events(Vec<Event>),
    /// Per-core load, sampled while the run goes on.
    Cores(CoreSample),
    /// Something a person should read now ("waiting on 4 non-daemon workers").
    Status(String),
    /// The run ended: its summary, or why it failed. Boxed: it is sent once,
    /// and keeps the common `Events` message small.
    Finished(Box<Result<RunSummary, String>>),
}
