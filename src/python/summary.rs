//! What a real run measured, in the model's [`RunSummary`] (so the CLI,
//! the window and the exports show both the same way), and what only the
//! lens knows: the interpreter, the checkpoint interval the inference rests
//! on, the interpreter's start-up and what the program printed.
//!
//! The numbers come from the probe's records and from what the program
//! measured itself (`probe.end(..)`: its wall time, its counter, its
//! items); none is computed from a formula. GIL drop requests cannot be
//! seen from Python and are not reported.

use super::infer::Inference;
use super::interpreter::Interpreter;
use crate::model::{
    CounterSummary, CutOffSummary, KillSummary, Lab, Percentiles, QueueSummary, RunSummary,
    Scenario, SharedMemorySummary, StartupGroup, StartupSummary, WorkerSummary,
};
use serde::Serialize;
use std::collections::BTreeMap;

/// A finished run in a real interpreter.
#[derive(Clone, Debug, Serialize)]
pub struct LensReport {
    /// What it measured, as the model's runs say it.
    #[serde(flatten)]
    pub summary: RunSummary,
    /// Which interpreter ran it.
    pub interpreter: Interpreter,
    /// The median time between two checkpoints of a running thread, µs:
    /// the resolution of everything inferred (who ran, who held the GIL).
    pub inferred_from_checkpoints_us: Option<f64>,
    /// From starting the interpreter to the program's `probe.begin()`, ms.
    pub interpreter_startup_ms: Option<f64>,
    /// How the interpreter ended.
    pub exit: String,
    /// What the program printed.
    pub output: String,
    /// The program's own numbers, by name.
    pub results: BTreeMap<String, f64>,
}

impl LensReport {
    /// The report as JSON, for `run --in cpython --json`: the model's keys
    /// where they apply, without the ones the lens cannot measure.
    pub fn to_json(&self) -> serde_json::Value {
        let mut v = serde_json::to_value(self).unwrap_or_default();
        if let Some(map) = v.as_object_mut() {
            map.remove("gil_drop_requests");
            map.insert("in".to_owned(), "cpython".into());
        }
        v
    }

    /// "inferred from checkpoints every ~250 µs", for labels.
    pub fn inferred_label(&self) -> String {
        match self.inferred_from_checkpoints_us {
            Some(us) => format!("inferred from checkpoints every ~{us:.0} µs"),
            None => "inferred from the program's records".to_owned(),
        }
    }
}

/// Resident memory of process `pid` now, bytes (0 when it is gone).
pub fn rss_of(pid: u32) -> u64 {
    let Ok(statm) = std::fs::read_to_string(format!("/proc/{pid}/statm")) else {
        return 0;
    };
    // SAFETY: sysconf has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) }.max(1) as u64;
    statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse::<u64>().ok())
        .map_or(0, |pages| pages * page)
}

/// Puts together what the run measured.
pub fn summarize(
    s: &Scenario,
    interp: &Interpreter,
    inf: &Inference,
    rss: &BTreeMap<u16, u64>,
    stopped: bool,
) -> LensReport {
    let r = &inf.results;
    let get = |k: &str| r.get(k).copied();
    let program_ms = match (inf.start_ns, inf.finish_ns) {
        (Some(a), Some(b)) if b > a => Some((b - a) as f64 / 1e6),
        _ => None,
    };
    let wall_ms = get("wall_ms").or(program_ms).unwrap_or(0.0);
    let lanes_done: u64 = inf.tallies.values().map(|t| t.tasks_done).sum();
    let workers: Vec<WorkerSummary> = inf
        .tallies
        .iter()
        .map(|(id, t)| WorkerSummary {
            id: *id,
            tasks_done: t.tasks_done,
            cpu_ms: t.cpu_ns as f64 / 1e6,
            gil_wait_ms: t.gil_wait_ns as f64 / 1e6,
            core_wait_ms: t.core_wait_ns as f64 / 1e6,
            gil_acquires: t.handovers,
            core_changes: 0,
            spawn_us: t.spawn_ns as f64 / 1e3,
            rss_bytes: if id.process > 0 {
                rss.get(&id.process).copied().unwrap_or(0)
            } else {
                0
            },
            events: 0,
            events_dropped: 0,
        })
        .collect();
    let gil = inf.gil.unwrap_or(interp.gil_by_default);
    let mut summary = RunSummary {
        preset: s.name.clone(),
        lab: s.lab,
        processes: s.processes,
        threads: s.threads,
        gil,
        switch_interval_us: s.switch_interval_us,
        workload: s.workload,
        wall_ms,
        cpu_ms: workers.iter().map(|w| w.cpu_ms).sum(),
        tasks_done: get("done")
            .or(get("expected"))
            .or(get("items"))
            .map_or(lanes_done, |v| v as u64),
        result_ok: get("correct").map(|v| v != 0.0),
        stopped,
        gil_switches: if gil {
            inf.tallies.values().map(|t| t.handovers).sum()
        } else {
            0
        },
        gil_wait_ms: workers.iter().map(|w| w.gil_wait_ms).sum(),
        core_wait_ms: workers.iter().map(|w| w.core_wait_ms).sum(),
        spawn_us: workers.iter().map(|w| w.spawn_us).collect(),
        rss_bytes: workers.iter().map(|w| w.rss_bytes).collect(),
        workers,
        ..RunSummary::default()
    };
    lab_numbers(&mut summary, s, inf);
    summary.notes = vec![format!(
        "Run by {} ({}); who ran and who {} {}.",
        interp.label(),
        interp.path.display(),
        if gil {
            "held the GIL was"
        } else {
            "waited was"
        },
        match inf.checkpoint_us() {
            Some(us) => format!("inferred from checkpoints every ~{us:.0} µs"),
            None => "inferred from the program's records".to_owned(),
        }
    )];
    LensReport {
        summary,
        interpreter: interp.clone(),
        inferred_from_checkpoints_us: inf.checkpoint_us(),
        interpreter_startup_ms: inf.start_ns.map(|t| t as f64 / 1e6),
        exit: String::new(),
        output: String::new(),
        results: r.clone(),
    }
}

/// The numbers of the scenario's lab, from the program's own and the probe's.
fn lab_numbers(summary: &mut RunSummary, s: &Scenario, inf: &Inference) {
    let r = &inf.results;
    let get = |k: &str| r.get(k).copied();
    if !inf.wake_delays_ns.is_empty() && s.lab == Lab::Convoy {
        let us: Vec<f64> = inf.wake_delays_ns.iter().map(|&n| n as f64 / 1e3).collect();
        summary.io_wake_delay_us = Some(Percentiles::of(&us));
    }
    match s.lab {
        Lab::Race => {
            if let (Some(expected), Some(actual)) = (get("expected"), get("counter")) {
                let (expected, actual) = (expected as u64, actual as u64);
                summary.counter = Some(CounterSummary {
                    expected,
                    actual,
                    lost_updates: expected.saturating_sub(actual),
                });
            }
            if s.lock {
                summary.lock_wait_ms = Some(inf.lock_wait_ns as f64 / 1e6);
            }
        }
        Lab::Queue => {
            summary.queue = Some(QueueSummary {
                maxsize: s.queue_size,
                max_depth: inf.queue.max_depth,
                puts: inf.queue.puts,
                gets: inf.queue.gets,
                producer_blocked_ms: inf.queue.blocked_ns as f64 / 1e6,
            });
        }
        Lab::Daemon => {
            let cut = inf
                .tallies
                .values()
                .filter(|t| t.cut_off.is_some_and(|task| task != u64::MAX))
                .count() as u64;
            let half = get("cut_off").map_or(cut, |v| v as u64);
            summary.cut_off = Some(CutOffSummary {
                tasks: half,
                unreleased_resources: half,
            });
        }
        Lab::SharedMemory => {
            let threads_counter = get("threads_counter").unwrap_or(0.0) as u64;
            let sent_back = get("sent_back").unwrap_or(0.0) as u64;
            summary.shared_memory = Some(SharedMemorySummary {
                increments_per_worker: u64::from(s.increments),
                threads_counter,
                parent_copy: get("parent_copy").unwrap_or(0.0) as u64,
                child_copies: Vec::new(),
                sent_back_total: sent_back,
            });
        }
        Lab::Startup => {
            let group = |workers: u32, us: &str, bytes: &str| StartupGroup {
                workers,
                spawn_us_median: get(us).unwrap_or(0.0),
                spawn_us_max: get(us).unwrap_or(0.0),
                rss_bytes_median: get(bytes).unwrap_or(0.0) as u64,
            };
            summary.startup = Some(StartupSummary {
                threads: group(s.threads, "thread_us", "thread_bytes"),
                processes: group(s.processes, "process_us", "process_bytes"),
            });
        }
        Lab::Kill => {
            let at = inf
                .killed()
                .next()
                .map(|_| (s.io_ms as f64) / 2.0)
                .unwrap_or(0.0);
            summary.kill = Some(KillSummary {
                stop_at_ms: at,
                threads_stop_ms: vec![get("threads_ms").unwrap_or(0.0); s.threads as usize],
                processes_stop_ms: vec![get("processes_ms").unwrap_or(0.0); s.processes as usize],
            });
        }
        Lab::Tasks | Lab::Convoy => {}
    }
}
