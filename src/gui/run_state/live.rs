//! A run as the window owns it. Each frame drains what the engine sent into
//! state the window owns (never holding a lock across a frame), within a time
//! budget so a flood of events cannot freeze the window.

use crate::analysis::timeline::Timeline;
use crate::engine::{EngineError, RunHandle, RunOptions};
use crate::model::{CoreSample, Event, RunMessage, RunSummary, Scenario};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Events kept for the trace export: the same first events the timeline
/// keeps in full detail ([`crate::model::EVENTS_KEPT_MAX`]). A longer run is
/// still drawn whole, from per-block summaries beyond them; its export
/// holds the kept events and says so.
pub const KEPT_EVENTS_MAX: usize = crate::model::EVENTS_KEPT_MAX;

/// Everything one run told the window, whether it is still going or not.
#[derive(Clone, Debug)]
pub struct RunData {
    /// The knobs the run was started with.
    pub scenario: Scenario,
    /// Its events, as lanes.
    pub timeline: Timeline,
    /// Per-core load samples, in time order.
    pub cores: Vec<CoreSample>,
    /// The latest status line from the engine.
    pub status: Option<String>,
    /// The summary, or why the run failed; `None` while it goes on.
    pub outcome: Option<Result<RunSummary, String>>,
    /// Events dropped so far because the window fell behind.
    pub events_dropped: u64,
    /// The events as the run delivered them (up to [`KEPT_EVENTS_MAX`]), for
    /// the trace export. Shared, so an export in the background needs no copy.
    pub events: Arc<Vec<Event>>,
    /// Events delivered beyond [`KEPT_EVENTS_MAX`], drawn but not kept.
    pub events_not_kept: u64,
    /// Logical cores of the machine the run went on; 0 when not known (data
    /// recorded elsewhere). A short run may end before the first load sample
    /// and on one core only, and must still be shown against every core.
    pub machine_cores: usize,
    /// How the machine's logical cores share physical ones, where known.
    pub topology: Option<crate::sampling::Topology>,
    /// Where the run was recorded, when it was opened from a saved file.
    pub recorded: Option<super::saved::Recorded>,
}

impl RunData {
    /// Nothing recorded yet for `scenario`.
    pub fn new(scenario: Scenario) -> Self {
        let timeline = Timeline::new(scenario.gil);
        Self {
            scenario,
            timeline,
            cores: Vec::new(),
            status: None,
            outcome: None,
            events_dropped: 0,
            events: Arc::default(),
            events_not_kept: 0,
            machine_cores: 0,
            topology: None,
            recorded: None,
        }
    }

    /// Takes one message of the run in.
    pub fn apply(&mut self, message: RunMessage) {
        match message {
            RunMessage::Events(batch) => {
                self.timeline.ingest(&batch);
                self.keep(batch);
            }
            RunMessage::Cores(mut sample) => {
                // Samples recorded without their interval cover the time
                // since the one before.
                if sample.interval_ns == 0 {
                    let before = self.cores.last().map_or(sample.t_ns, |s| s.t_ns);
                    sample.interval_ns = sample.t_ns.saturating_sub(before);
                }
                self.cores.push(sample);
            }
            RunMessage::Status(text) => self.status = Some(text),
            RunMessage::Finished(outcome) => {
                let mut outcome = *outcome;
                if let Ok(summary) = &mut outcome {
                    self.events_dropped = self.events_dropped.max(summary.events_dropped);
                    // What this window kept, for its exports.
                    summary.events_kept = self.events.len() as u64;
                    summary.events_summarised = self.events_not_kept;
                }
                self.outcome = Some(outcome);
            }
        }
    }

    fn keep(&mut self, batch: Vec<Event>) {
        let room = KEPT_EVENTS_MAX.saturating_sub(self.events.len());
        let kept = batch.len().min(room);
        self.events_not_kept += (batch.len() - kept) as u64;
        if kept > 0 {
            // Unique while the run goes on (exports wait for its end), so
            // this appends in place.
            Arc::make_mut(&mut self.events).extend_from_slice(&batch[..kept]);
        }
    }

    /// The latest time the run has reported, ns: its events and core samples.
    pub fn horizon_ns(&self) -> u64 {
        let sampled = self.cores.last().map_or(0, |s| s.t_ns);
        self.timeline.horizon_ns().max(sampled)
    }

    /// Where a finished run ends, ns: its last event, or its wall time if
    /// later (the OS's load samples may go on a little after the run; they
    /// are not part of it).
    pub fn end_ns(&self) -> u64 {
        let wall = self
            .summary()
            .map_or(0, |s| (s.wall_ms * 1e6).round() as u64);
        self.timeline.horizon_ns().max(wall)
    }

    /// The summary, when the run finished well.
    pub fn summary(&self) -> Option<&RunSummary> {
        self.outcome.as_ref().and_then(|o| o.as_ref().ok())
    }

    /// Why the run failed, if it did.
    pub fn error(&self) -> Option<&str> {
        self.outcome
            .as_ref()
            .and_then(|o| o.as_ref().err())
            .map(String::as_str)
    }

    /// Whether the run has ended (well or not).
    pub fn is_finished(&self) -> bool {
        self.outcome.is_some()
    }

    /// Cores other programs kept busy, on average, while the run went on:
    /// the machine's load minus the workers' own CPU time and threadlab's
    /// other threads (for runs recorded without that split, minus the
    /// workers' time only). When it is
    /// high, the wall time (and so the speedup) is worse than this machine
    /// can do; a lecturer should know before drawing a conclusion from it.
    pub fn others_cores(&self) -> Option<f64> {
        let summary = self.summary().filter(|s| s.wall_ms > 0.0)?;
        // What the run measured itself, with threadlab's own threads apart.
        if let Some(load) = summary.load {
            return Some(load.others_cores);
        }
        // The first sample has no interval behind it.
        let samples = self.cores.get(1..).filter(|s| !s.is_empty())?;
        let busy: f64 = samples
            .iter()
            .map(|c| c.usage.iter().map(|u| f64::from(*u)).sum::<f64>() / 100.0)
            .sum::<f64>()
            / samples.len() as f64;
        Some((busy - summary.cpu_ms / summary.wall_ms).max(0.0))
    }
}

impl RunData {
    /// Cores threadlab's own threads other than the workers kept busy while
    /// the run went on: the front end (this window and its renderer), and
    /// the run's helpers.
    pub fn threadlab_cores(&self) -> Option<(f64, f64)> {
        let load = self.summary()?.load?;
        Some((load.front_end_cores, load.helpers_cores))
    }
}

/// From this many cores kept busy by other programs on, the window says that
/// the times it shows are skewed.
pub const BUSY_WARNING: f64 = 0.4;

/// A run in progress and what it sent so far.
#[derive(Debug)]
pub struct LiveRun {
    handle: Option<RunHandle>,
    /// What the run sent so far.
    pub data: RunData,
}

impl LiveRun {
    /// Starts `scenario` on the engine.
    pub fn start(scenario: Scenario) -> Result<Self, EngineError> {
        let handle = crate::engine::start(scenario.clone(), RunOptions::default())?;
        let mut data = RunData::new(scenario);
        data.machine_cores = crate::sampling::core_count();
        data.topology = Some(crate::sampling::Topology::cached().clone());
        Ok(Self {
            handle: Some(handle),
            data,
        })
    }

    /// A finished run made of data recorded elsewhere (tests, replays).
    pub fn recorded(data: RunData) -> Self {
        Self { handle: None, data }
    }

    /// Drains waiting messages for at most `budget`; returns whether
    /// anything arrived. Once the run has finished, hands its handle back to
    /// be dropped off the UI thread.
    pub fn poll(&mut self, budget: Duration) -> (bool, Option<RunHandle>) {
        let Some(handle) = &self.handle else {
            return (false, None);
        };
        let deadline = Instant::now() + budget;
        let mut changed = false;
        while let Some(message) = handle.try_recv() {
            changed = true;
            self.data.apply(message);
            if Instant::now() >= deadline && !self.data.is_finished() {
                break;
            }
        }
        self.data.events_dropped = self.data.events_dropped.max(handle.events_dropped());
        let done = if self.data.is_finished() {
            self.handle.take()
        } else {
            None
        };
        (changed, done)
    }

    /// Asks the run to stop; it ends at its workers' next check.
    pub fn stop(&self) {
        if let Some(h) = &self.handle {
            h.stop();
        }
    }

    /// Whether the run is still going.
    pub fn is_running(&self) -> bool {
        self.handle.is_some() && !self.data.is_finished()
    }

    /// Run's clock now, ns (while it goes on).
    pub fn now_ns(&self) -> Option<u64> {
        self.handle.as_ref().map(RunHandle::now_ns)
    }

    /// Gives up the run: its handle (to be dropped off the UI thread) and data.
    pub fn into_parts(self) -> (Option<RunHandle>, RunData) {
        (self.handle, self.data)
    }
}
