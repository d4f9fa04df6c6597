//! What a finished run measured. Every number here comes from the run itself
//! (clocks, counters the workers kept), never from a formula; the CLI prints
//! it as JSON and the window shows it.

use super::event::WorkerId;
use super::scenario::{Lab, Workload};
use serde::{Deserialize, Serialize};

/// Median and 90th percentile of a sample, in microseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Percentiles {
    /// 50th percentile.
    pub median: f64,
    /// 90th percentile.
    pub p90: f64,
    /// Number of samples.
    pub count: usize,
}

impl Percentiles {
    /// Percentiles of `samples` (any order); all zero when empty.
    pub fn of(samples: &[f64]) -> Self {
        if samples.is_empty() {
            return Self::default();
        }
        let mut v = samples.to_vec();
        v.sort_by(|a, b| a.total_cmp(b));
        let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
        Self {
            median: at(0.5),
            p90: at(0.9),
            count: v.len(),
        }
    }
}

/// One worker's own measurements.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct WorkerSummary {
    /// Which worker.
    pub id: WorkerId,
    /// Tasks (or items, or increments) it completed.
    pub tasks_done: u64,
    /// Thread CPU time, ms.
    pub cpu_ms: f64,
    /// Time spent waiting for the GIL, ms.
    pub gil_wait_ms: f64,
    /// Times it took the GIL.
    pub gil_acquires: u64,
    /// Times it was seen on a different core than before.
    pub core_changes: u64,
    /// From the start request to its first event, µs.
    pub spawn_us: f64,
    /// Resident memory of its process while it ran, bytes (processes: the
    /// child; threads: the thread's share is not measurable, so this is the
    /// growth of threadlab's own resident memory per thread).
    pub rss_bytes: u64,
    /// Events it recorded.
    pub events: u64,
    /// Events it could not hand over (buffer full).
    pub events_dropped: u64,
    /// Time it was ready to run but the OS kept it off every core, ms
    /// (measured by the worker itself; see `engine::core_watch`).
    #[serde(default)]
    pub core_wait_ms: f64,
}

/// The shared counter of the race and shared-memory labs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterSummary {
    /// Increments performed in all.
    pub expected: u64,
    /// The counter's final value.
    pub actual: u64,
    /// `expected - actual`.
    pub lost_updates: u64,
}

/// The queue lab's measurements.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct QueueSummary {
    /// Capacity, 0 = unbounded.
    pub maxsize: u32,
    /// Deepest the queue got.
    pub max_depth: u64,
    /// Items put.
    pub puts: u64,
    /// Items taken.
    pub gets: u64,
    /// Time the producer spent blocked on a full queue, ms.
    pub producer_blocked_ms: f64,
}

/// What a daemon run cut off.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CutOffSummary {
    /// Tasks that were in progress when the main program exited.
    pub tasks: u64,
    /// Resources left unreleased (half-written files, open transactions).
    pub unreleased_resources: u64,
}

/// One group of the startup lab: threads of threadlab's own process, or
/// child processes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StartupGroup {
    /// Workers in the group.
    pub workers: u32,
    /// Median spawn latency, µs.
    pub spawn_us_median: f64,
    /// Largest spawn latency, µs.
    pub spawn_us_max: f64,
    /// Median resident memory per worker, bytes.
    pub rss_bytes_median: u64,
}

/// Threads and processes started side by side (startup lab).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StartupSummary {
    /// The threads, started in threadlab's own process.
    pub threads: StartupGroup,
    /// The child processes, one worker thread each.
    pub processes: StartupGroup,
}

/// Where the increments of the shared-memory lab ended up.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedMemorySummary {
    /// Increments each worker made.
    pub increments_per_worker: u64,
    /// The one counter every thread incremented, after they all ended.
    pub threads_counter: u64,
    /// The parent's own counter after every child process ended: children
    /// incremented copies of it, so it is unchanged.
    pub parent_copy: u64,
    /// Each child's own copy when it ended, in process order.
    pub child_copies: Vec<u64>,
    /// The children's copies added up by the parent from what they sent back
    /// over the pipe: the only way their counting reaches the parent.
    pub sent_back_total: u64,
}

/// How long each worker took to end after a stop request (kill lab).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct KillSummary {
    /// When the stop was requested, ms since the run started.
    pub stop_at_ms: f64,
    /// Per thread: from the stop request until the thread ended, ms.
    pub threads_stop_ms: Vec<f64>,
    /// Per child process: from the stop request until it was killed and
    /// reaped, ms.
    pub processes_stop_ms: Vec<f64>,
}

/// How long this run's workers kept one core busy.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CoreBusy {
    /// The logical core, as the OS numbers it.
    pub core: u32,
    /// Time the run's workers computed on it, ms.
    pub busy_ms: f64,
}

/// Where the machine's cores went while the run went on, in cores kept busy
/// on average (2.0 = two whole cores for the whole run).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LoadSummary {
    /// Every program on the machine, ours included (the kernel's count).
    pub machine_cores: f64,
    /// The run's workers (their own CPU clocks).
    pub workers_cores: f64,
    /// threadlab's front end: the window and its renderer, or the command
    /// line's main thread.
    pub front_end_cores: f64,
    /// The run's helper threads: the coordinator, the sampler, the readers
    /// of child processes and the children's own main threads.
    pub helpers_cores: f64,
    /// Other programs: the machine's count minus all of threadlab's.
    pub others_cores: f64,
}

/// Everything a finished run measured.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    /// The scenario's name.
    pub preset: String,
    /// Which experiment.
    pub lab: Lab,
    /// Processes (1 = threads of threadlab's own process).
    pub processes: u32,
    /// Threads per process.
    pub threads: u32,
    /// Whether the interpreters had a GIL.
    pub gil: bool,
    /// The GIL switch interval, µs.
    pub switch_interval_us: u64,
    /// What the tasks did.
    pub workload: Workload,
    /// From the start request until every worker had ended, ms.
    pub wall_ms: f64,
    /// CPU time of all workers together, ms.
    pub cpu_ms: f64,
    /// Tasks completed in all.
    pub tasks_done: u64,
    /// Whether the computed results matched their closed form (None: nothing computed).
    pub result_ok: Option<bool>,
    /// Whether the run was stopped before it finished.
    pub stopped: bool,
    /// Events recorded in all.
    pub events: u64,
    /// Events lost because a buffer was full.
    pub events_dropped: u64,
    /// Events the front end kept one by one, the first to arrive (up to
    /// [`EVENTS_KEPT_MAX`](super::EVENTS_KEPT_MAX)): the window's timeline
    /// and export, the CLI's `--trace` (0 without it). Filled in by the
    /// front end; every other number here counts every event either way.
    #[serde(default)]
    pub events_kept: u64,
    /// Events that arrived beyond those: taken into the summary (and the
    /// timeline's per-block summaries), but not kept one by one.
    #[serde(default)]
    pub events_summarised: u64,
    /// GIL hand-overs from one worker to another, all interpreters.
    pub gil_switches: u64,
    /// Drop requests (a waiter timed out), all interpreters.
    pub gil_drop_requests: u64,
    /// Time all workers together waited for a GIL, ms.
    pub gil_wait_ms: f64,
    /// How late an I/O worker resumed after its wait (convoy lab).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub io_wake_delay_us: Option<Percentiles>,
    /// The shared counter (race and shared-memory labs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counter: Option<CounterSummary>,
    /// Time all workers together waited for the lab's lock, ms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lock_wait_ms: Option<f64>,
    /// The queue (queue lab).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue: Option<QueueSummary>,
    /// What the main program's exit cut off (daemon lab).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cut_off: Option<CutOffSummary>,
    /// Spawn latency per worker, µs, in worker order.
    pub spawn_us: Vec<f64>,
    /// Resident memory per worker, bytes, in worker order.
    pub rss_bytes: Vec<u64>,
    /// Largest error of child timestamps on the parent's time axis, µs (processes only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clock_alignment_error_us: Option<f64>,
    /// Threads vs processes started side by side (startup lab).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub startup: Option<StartupSummary>,
    /// Where the counting of threads and of processes ended up (shared-memory lab).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_memory: Option<SharedMemorySummary>,
    /// Time to stop, per thread and per process (kill lab).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kill: Option<KillSummary>,
    /// Logical cores the workers could run on (the cores knob, or every
    /// core this process may use).
    #[serde(default)]
    pub cores: u32,
    /// Physical cores those logical cores belong to.
    #[serde(default)]
    pub cores_physical: u32,
    /// Time all workers together were ready to run but on no core, ms.
    #[serde(default)]
    pub core_wait_ms: f64,
    /// Per core: how long the run's workers computed on it.
    #[serde(default)]
    pub per_core: Vec<CoreBusy>,
    /// Where the machine's cores went meanwhile (when the run sampled them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load: Option<LoadSummary>,
    /// Lab-specific notes for people (what happened and why).
    pub notes: Vec<String>,
    /// Every worker's own numbers.
    pub workers: Vec<WorkerSummary>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_pick_ranked_samples() {
        let p = Percentiles::of(&[5.0, 1.0, 3.0, 2.0, 4.0]);
        assert_eq!(p.median, 3.0);
        assert_eq!(p.p90, 5.0);
        assert_eq!(p.count, 5);
        assert_eq!(Percentiles::of(&[]).count, 0);
    }
}
