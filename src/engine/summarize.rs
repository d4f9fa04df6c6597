//! Turns what the interpreters measured into one [`RunSummary`].

use crate::engine::interp::InterpResult;
use crate::model::{
    CoreBusy, CounterSummary, KillSummary, Lab, Percentiles, RunSummary, Scenario,
    SharedMemorySummary, StartupSummary,
};

/// What a run's interpreters measured, and what the run measured beside them.
#[derive(Debug, Default)]
pub struct RunOutcome {
    /// Every interpreter's result: threadlab's own first, then each child process.
    pub results: Vec<InterpResult>,
    /// Measurements that belong to the run rather than to one interpreter.
    pub extras: SummaryExtras,
}

/// Run-level measurements that [`summarize`] cannot derive from the
/// interpreters' results alone (clock alignment, labs comparing two groups).
#[derive(Debug, Default)]
pub struct SummaryExtras {
    /// Replaces the counter merged from every interpreter.
    pub counter: Option<CounterSummary>,
    /// Largest error of child timestamps on the parent's time axis, µs.
    pub clock_alignment_error_us: Option<f64>,
    /// Startup lab.
    pub startup: Option<StartupSummary>,
    /// Shared-memory lab.
    pub shared_memory: Option<SharedMemorySummary>,
    /// Kill lab.
    pub kill: Option<KillSummary>,
    /// The run was stopped before its end (by the lab itself or by a kill).
    pub stopped: bool,
    /// Notes for people, after the interpreters' own.
    pub notes: Vec<String>,
}

impl SummaryExtras {
    /// Writes these measurements into `summary`.
    pub fn apply(self, summary: &mut RunSummary) {
        if self.counter.is_some() {
            summary.counter = self.counter;
        }
        if self.clock_alignment_error_us.is_some() {
            summary.clock_alignment_error_us = self.clock_alignment_error_us;
        }
        summary.startup = self.startup.or(summary.startup);
        summary.shared_memory = self.shared_memory.or(summary.shared_memory.take());
        summary.kill = self.kill.or(summary.kill.take());
        summary.stopped |= self.stopped;
        summary.notes.extend(self.notes);
    }
}

/// Builds the run's summary from every interpreter's result.
pub fn summarize(
    scenario: &Scenario,
    results: &[InterpResult],
    wall_ns: u64,
    stopped: bool,
) -> RunSummary {
    let workers: Vec<_> = results.iter().flat_map(|r| r.workers.iter()).collect();
    let computes = scenario.workload.computes() && matches!(scenario.lab, Lab::Tasks);
    let wrong: u64 = workers.iter().map(|w| w.stats.wrong_results).sum();
    let wake: Vec<f64> = workers
        .iter()
        .filter(|w| w.summary.id.thread == 0)
        .flat_map(|w| w.stats.wake_delays_ns.iter().map(|&ns| ns as f64 / 1e3))
        .collect();
    let lock_wait_ns: u64 = workers.iter().map(|w| w.stats.lock_wait_ns).sum();
    RunSummary {
        preset: scenario.name.clone(),
        lab: scenario.lab,
        processes: scenario.processes,
        threads: scenario.threads,
        gil: scenario.gil,
        switch_interval_us: scenario.switch_interval_us,
        workload: scenario.workload,
        wall_ms: wall_ns as f64 / 1e6,
        cpu_ms: workers.iter().map(|w| w.summary.cpu_ms).sum(),
        tasks_done: workers.iter().map(|w| w.summary.tasks_done).sum(),
        result_ok: computes.then_some(wrong == 0),
        stopped,
        events: workers.iter().map(|w| w.summary.events).sum(),
        events_dropped: workers.iter().map(|w| w.summary.events_dropped).sum(),
        // What the front end keeps is its own business: it fills these in.
        events_kept: 0,
        events_summarised: 0,
        gil_switches: results.iter().map(|r| r.gil_switches).sum(),
        gil_drop_requests: results.iter().map(|r| r.gil_drop_requests).sum(),
        gil_wait_ms: workers.iter().map(|w| w.summary.gil_wait_ms).sum(),
        io_wake_delay_us: (scenario.lab == Lab::Convoy).then(|| Percentiles::of(&wake)),
        counter: merge_counters(results),
        lock_wait_ms: (scenario.lab == Lab::Race).then_some(lock_wait_ns as f64 / 1e6),
        queue: results.iter().find_map(|r| r.queue),
        cut_off: results.iter().find_map(|r| r.cut_off),
        spawn_us: workers.iter().map(|w| w.summary.spawn_us).collect(),
        rss_bytes: workers.iter().map(|w| w.summary.rss_bytes).collect(),
        clock_alignment_error_us: None,
        startup: None,
        shared_memory: None,
        kill: None,
        cores: 0,
        cores_physical: 0,
        core_wait_ms: workers.iter().map(|w| w.summary.core_wait_ms).sum(),
        per_core: per_core(workers.iter().map(|w| w.stats.on_core_ns.as_slice())),
        load: None,
        notes: results.iter().flat_map(|r| r.notes.clone()).collect(),
        workers: workers.iter().map(|w| w.summary.clone()).collect(),
    }
}

/// The workers' time on each core added up, for every core one of them
/// computed on.
fn per_core<'a>(workers: impl Iterator<Item = &'a [u64]>) -> Vec<CoreBusy> {
    let mut total: Vec<u64> = Vec::new();
    for on_core in workers {
        if total.len() < on_core.len() {
            total.resize(on_core.len(), 0);
        }
        for (t, ns) in total.iter_mut().zip(on_core) {
            *t += ns;
        }
    }
    total
        .iter()
        .enumerate()
        .filter(|(_, ns)| **ns > 0)
        .map(|(core, ns)| CoreBusy {
            core: core as u32,
            busy_ms: *ns as f64 / 1e6,
        })
        .collect()
}

fn merge_counters(results: &[InterpResult]) -> Option<crate::model::summary::CounterSummary> {
    let mut counters = results.iter().filter_map(|r| r.counter).peekable();
    counters.peek()?;
    Some(counters.fold(Default::default(), |mut acc, c| {
        acc.expected += c.expected;
        acc.actual += c.actual;
        acc.lost_updates += c.lost_updates;
        acc
    }))
}
