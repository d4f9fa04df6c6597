//! What a running experiment tells its front end, in order, over one channel.

use super::event::Event;
use super::summary::RunSummary;

/// How busy every CPU core was over the interval that ends at `t_ns`, and
/// how much of that was threadlab's own threads other than the workers
/// (whose time on each core comes from their own events instead).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CoreSample {
    /// End of the interval, nanoseconds since the run's epoch.
    pub t_ns: u64,
    /// Length of the interval, ns (0 when not known).
    pub interval_ns: u64,
    /// Load of each core over the interval, 0..=100 %: every program of
    /// the machine, threadlab's included.
    pub usage: Vec<f32>,
    /// Per core, the share of the interval that threadlab's front end (the
    /// window and its renderer, or the command line) ran there, 0..=100 %.
    pub front_end: Vec<f32>,
    /// Per core, the share of the run's helper threads (coordinator,
    /// sampler, readers, the children's main threads), 0..=100 %.
    pub helpers: Vec<f32>,
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
