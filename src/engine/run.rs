//! Starting a run and watching it. A run gets its own coordinator thread;
//! the caller keeps a [`RunHandle`] and drains [`RunMessage`]s from it (the
//! window does so once per frame, the CLI in a loop). Dropping the handle
//! stops the run and joins every thread it started.

use crate::engine::cancel::CancelToken;
use crate::engine::context::{EngineError, RunContext};
use crate::engine::interp::panic_message;
use crate::engine::labs::{run_lab, sides};
use crate::engine::processes::GroupSpec;
use crate::engine::summarize::{RunOutcome, SummaryExtras, summarize};
use crate::model::{
    EVENTS_KEPT_MAX, Event, KeptEvents, LoadSummary, RunMessage, RunSummary, Scenario,
};
use crate::recording::{Clock, EventSink};
use crate::sampling::Topology;
use crate::sampling::cores::{ChildPids, LoadTotals, spawn_core_sampler};
use crossbeam_channel::{Receiver, RecvTimeoutError, bounded};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// Batches (and other messages) that may wait for the consumer before
/// recorders start dropping: 4096 × 512 events ≈ 2 M events, 48 MiB.
pub const CHANNEL_BATCHES: usize = 4096;

/// How often [`RunHandle::wait_for`] asks whether to stop, at least.
pub const STOP_POLL: Duration = Duration::from_millis(25);

/// How to run, beyond the scenario.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Sample per-core load while the run goes on.
    pub sample_cores: bool,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self { sample_cores: true }
    }
}

/// A run in progress.
#[derive(Debug)]
pub struct RunHandle {
    rx: Option<Receiver<RunMessage>>,
    cancel: CancelToken,
    sink: EventSink,
    clock: Clock,
    coordinator: Option<JoinHandle<()>>,
}

/// Starts `scenario` on a coordinator thread and returns at once.
pub fn start(scenario: Scenario, options: RunOptions) -> Result<RunHandle, EngineError> {
    scenario.validate()?;
    scenario.validate_cores(Topology::cached().logical())?;
    let (tx, rx) = bounded(CHANNEL_BATCHES);
    let sink = EventSink::new(tx);
    let cancel = CancelToken::new();
    let clock = Clock::start_now();
    let scenario = Arc::new(scenario);
    let coordinator = {
        let (sink, cancel, clock) = (sink.clone(), cancel.clone(), clock.clone());
        std::thread::Builder::new()
            .name("tl-coordinator".into())
            .spawn(move || coordinate(scenario, options, clock, sink, cancel))
            .map_err(EngineError::Start)?
    };
    Ok(RunHandle {
        rx: Some(rx),
        cancel,
        sink,
        clock,
        coordinator: Some(coordinator),
    })
}

fn coordinate(
    scenario: Arc<Scenario>,
    options: RunOptions,
    clock: Clock,
    sink: EventSink,
    cancel: CancelToken,
) {
    let sampler_stop = CancelToken::new();
    let children = ChildPids::default();
    let sampler = options
        .sample_cores
        .then(|| {
            let stop = sampler_stop.signal().clone();
            let tx = sink.sender().clone();
            spawn_core_sampler(clock.clone(), tx, stop, children.clone()).ok()
        })
        .flatten();
    let started = clock.now_ns();
    let ctx = RunContext {
        scenario: scenario.clone(),
        clock: clock.clone(),
        sink: sink.clone(),
        cancel: cancel.clone(),
        children,
    };
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_interpreters(&ctx)));
    drop(ctx);
    let wall_ns = clock.now_ns().saturating_sub(started);
    sampler_stop.cancel();
    let totals = sampler.and_then(|h| h.join().ok());
    let finished = match outcome {
        Ok(Ok(outcome)) => {
            let mut summary =
                summarize(&scenario, &outcome.results, wall_ns, cancel.is_cancelled());
            outcome.extras.apply(&mut summary);
            describe_cores(&mut summary, &scenario);
            summary.load = totals.map(|t| load_summary(&t, &summary));
            Ok(summary)
        }
        Ok(Err(e)) => Err(e.to_string()),
        Err(payload) => Err(format!("the run failed: {}", panic_message(&payload))),
    };
    let finished = finished.map(|mut s| {
        s.events_dropped = s.events_dropped.max(sink.dropped());
        s
    });
    // Blocking send: the summary must not be dropped. If the consumer is gone
    // the send fails at once and nobody is waiting for it anyway.
    let _ = sink.sender().send(RunMessage::Finished(Box::new(finished)));
}

/// Runs the scenario's interpreters: the labs that compare threads with
/// processes start both groups; otherwise P >= 2 child processes, or the
/// threads of threadlab's own process.
fn run_interpreters(ctx: &RunContext) -> Result<RunOutcome, EngineError> {
    if let Some(outcome) = sides::run_both(ctx) {
        return outcome;
    }
    if ctx.scenario.uses_processes() {
        return run_processes(ctx);
    }
    let interp = ctx.own_interp(ctx.cancel.clone());
    Ok(RunOutcome {
        results: vec![run_lab(&interp)?],
        extras: SummaryExtras::default(),
    })
}

/// Runs the scenario on `processes` child processes of `threads` threads
/// each, merging their events live; Stop kills them at once.
fn run_processes(ctx: &RunContext) -> Result<RunOutcome, EngineError> {
    let s = &ctx.scenario;
    let spec = GroupSpec {
        scenario: s.clone(),
        processes: s.processes as u16,
        threads_per_process: s.threads_per_interpreter() as u16,
    };
    let mut group = ctx.start_processes(&spec)?;
    group.supervise(&ctx.cancel)?;
    let outcome = group.finish();
    Ok(RunOutcome {
        results: outcome.results,
        extras: SummaryExtras {
            clock_alignment_error_us: outcome.clock_alignment_error_us,
            stopped: outcome.killed,
            notes: outcome.notes,
            ..SummaryExtras::default()
        },
    })
}

/// The cores the run could use, as the summary names them.
fn describe_cores(summary: &mut RunSummary, scenario: &Scenario) {
    let topology = Topology::cached();
    let used = scenario.cores_used(topology.logical());
    let cores = match scenario.cores {
        0 => topology.allowed().to_vec(),
        _ => topology.pick(used),
    };
    summary.cores = used as u32;
    summary.cores_physical = topology.physical_among(&cores) as u32;
}

/// Where the cores went, in cores kept busy on average: the sampler's
/// totals over the time it covered, the workers' CPU time over the run's.
fn load_summary(t: &LoadTotals, summary: &RunSummary) -> LoadSummary {
    let span = t.span_ns.max(1) as f64;
    let per = |ns: u64| ns as f64 / span;
    let workers_cores = if summary.wall_ms > 0.0 {
        summary.cpu_ms / summary.wall_ms
    } else {
        0.0
    };
    let (machine, front, helpers) = (
        per(t.machine_busy_ns),
        per(t.front_end_ns),
        per(t.helpers_ns),
    );
    LoadSummary {
        machine_cores: machine,
        workers_cores,
        front_end_cores: front,
        helpers_cores: helpers,
        others_cores: (machine - workers_cores - front - helpers).max(0.0),
    }
}

impl RunHandle {
    /// Asks every worker to stop at its next check.
    pub fn stop(&self) {
        self.cancel.cancel();
    }

    /// The next message, if one is waiting.
    pub fn try_recv(&self) -> Option<RunMessage> {
        self.rx.as_ref()?.try_recv().ok()
    }

    /// The next message, waiting up to `timeout`.
    pub fn recv_timeout(&self, timeout: Duration) -> Option<RunMessage> {
        self.rx.as_ref()?.recv_timeout(timeout).ok()
    }

    /// Events dropped so far because the consumer fell behind.
    pub fn events_dropped(&self) -> u64 {
        self.sink.dropped()
    }

    /// Nanoseconds since the run started, on the run's clock.
    pub fn now_ns(&self) -> u64 {
        self.clock.now_ns()
    }

    /// The run's clock.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Drains every message until the run finishes; returns the summary and
    /// the first [`EVENTS_KEPT_MAX`] events in arrival order (per worker, in
    /// time order); the summary says how many more were only counted.
    pub fn wait(self) -> Result<(RunSummary, Vec<Event>), EngineError> {
        self.wait_for(EVENTS_KEPT_MAX, |_: &RunMessage| {}, || false)
    }

    /// Like [`RunHandle::wait`], and hands every status line the run sends
    /// (such as "waiting on 4 non-daemon workers") to `on_status` as it comes.
    pub fn wait_with_status(
        self,
        on_status: impl FnMut(&str),
    ) -> Result<(RunSummary, Vec<Event>), EngineError> {
        let mut on_status = on_status;
        self.wait_for(
            EVENTS_KEPT_MAX,
            |message| {
                if let RunMessage::Status(text) = message {
                    on_status(text);
                }
            },
            || false,
        )
    }

    /// Drains every message until the run finishes, keeping the first
    /// `keep_events` events (the rest are only counted, in the summary's
    /// `events_summarised`), showing every message but the summary to
    /// `on_message` as it comes (status lines to print, events and core
    /// samples to save, late batches included), and asking
    /// `stop_requested` at least every [`STOP_POLL`]: once it says yes, the
    /// run is stopped and drained to its end.
    pub fn wait_for(
        mut self,
        keep_events: usize,
        mut on_message: impl FnMut(&RunMessage),
        mut stop_requested: impl FnMut() -> bool,
    ) -> Result<(RunSummary, Vec<Event>), EngineError> {
        let mut kept = KeptEvents::with_cap(keep_events);
        let rx = self
            .rx
            .take()
            .ok_or_else(|| EngineError::Other("run already drained".into()))?;
        let result = loop {
            // Asked even once stopping: it may decide to give up waiting.
            if stop_requested() {
                self.cancel.cancel();
            }
            match rx.recv_timeout(STOP_POLL) {
                Ok(RunMessage::Finished(r)) => break *r,
                Ok(message) => {
                    on_message(&message);
                    if let RunMessage::Events(batch) = &message {
                        kept.take(batch);
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    break Err("the run ended without a summary".to_owned());
                }
            }
        };
        // Late batches (a recorder flushed after the summary was sent) count too.
        for message in rx.try_iter() {
            if let RunMessage::Events(batch) = &message {
                on_message(&message);
                kept.take(batch);
            }
        }
        drop(rx);
        if let Some(h) = self.coordinator.take() {
            let _ = h.join();
        }
        let mut summary = result.map_err(EngineError::Other)?;
        summary.events_kept = kept.events.len() as u64;
        summary.events_summarised = kept.summarised;
        Ok((summary, kept.events))
    }
}

impl Drop for RunHandle {
    fn drop(&mut self) {
        self.cancel.cancel();
        // Drop the receiver first so no sender can block on a full channel.
        self.rx.take();
        if let Some(h) = self.coordinator.take() {
            let _ = h.join();
        }
    }
}

/// Runs `scenario` to the end on the calling thread's behalf and returns the
/// summary with the first [`EVENTS_KEPT_MAX`] events.
pub fn run_to_end(
    scenario: Scenario,
    options: RunOptions,
) -> Result<(RunSummary, Vec<Event>), EngineError> {
    start(scenario, options)?.wait()
}
