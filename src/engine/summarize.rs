//! Turns what the interpreters measured into one [`RunSummary`].

use crate::engine::interp::InterpResult;
use crate::model::{Lab, Percentiles, RunSummary, Scenario};

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
        notes: results.iter().flat_map(|r| r.notes.clone()).collect(),
        workers: workers.iter().map(|w| w.summary.clone()).collect(),
    }
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
