//! The knobs of one experiment. A scenario is plain data: it is read from a
//! preset or a user's TOML file, changed by CLI flags or window sliders, and
//! validated here so every front end gives the same message for the same
//! mistake.

use serde::{Deserialize, Serialize};

/// Which experiment the workers perform.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Lab {
    /// Workers drain a pool of `tasks` tasks of the chosen workload.
    #[default]
    Tasks,
    /// Thread 0 does short I/O waits while the other threads burn CPU: the convoy effect.
    Convoy,
    /// Workers race on a shared counter (read-modify-write), optionally under a lock.
    Race,
    /// A producer feeds a queue of `queue_size`; workers get, work and mark items done.
    Queue,
    /// The main program exits while workers run; daemon workers are cut off.
    Daemon,
    /// Start N threads, then N processes, and measure spawn latency and memory.
    Startup,
    /// Increment "the same" counter from threads and from processes.
    SharedMemory,
    /// Stop a run mid-way: processes end at once, threads at their next check.
    Kill,
}

impl Lab {
    /// Every lab, for pickers.
    pub const ALL: [Lab; 8] = [
        Lab::Tasks,
        Lab::Convoy,
        Lab::Race,
        Lab::Queue,
        Lab::Daemon,
        Lab::Startup,
        Lab::SharedMemory,
        Lab::Kill,
    ];

    /// The name used in files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Lab::Tasks => "tasks",
            Lab::Convoy => "convoy",
            Lab::Race => "race",
            Lab::Queue => "queue",
            Lab::Daemon => "daemon",
            Lab::Startup => "startup",
            Lab::SharedMemory => "shared-memory",
            Lab::Kill => "kill",
        }
    }
}

/// What one task does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Workload {
    /// Sum of squares over `task_size` integers, holding the GIL.
    #[default]
    Cpu,
    /// A real blocking wait of `io_ms`, with the GIL released (a download).
    Io,
    /// The same sum of squares as "native" code that releases the GIL (numpy-style).
    Native,
    /// CPU work of `task_size` integers, then a wait of `io_ms`.
    Mixed,
}

impl Workload {
    /// Every workload, for pickers.
    pub const ALL: [Workload; 4] = [
        Workload::Cpu,
        Workload::Io,
        Workload::Native,
        Workload::Mixed,
    ];

    /// The name used in files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Workload::Cpu => "cpu",
            Workload::Io => "io",
            Workload::Native => "native",
            Workload::Mixed => "mixed",
        }
    }

    /// Whether a task of this workload computes (uses `task_size`).
    pub fn computes(self) -> bool {
        !matches!(self, Workload::Io)
    }

    /// Whether a task of this workload waits (uses `io_ms`).
    pub fn waits(self) -> bool {
        matches!(self, Workload::Io | Workload::Mixed)
    }
}

/// How a race-lab worker writes its read-modify-write.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Update {
    /// `x += 1`: no switch point between the read and the write under the GIL.
    Plain,
    /// `x = x + f()`: a call between the read and the write is a switch point.
    Call,
    /// Read, a blocking wait (GIL released), write back: the tutorial's version.
    #[default]
    Wait,
}

impl Update {
    /// Every update style, for pickers.
    pub const ALL: [Update; 3] = [Update::Plain, Update::Call, Update::Wait];

    /// The name used in files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Update::Plain => "plain",
            Update::Call => "call",
            Update::Wait => "wait",
        }
    }
}

/// One experiment's knobs. Every field has a default, so a file names only
/// what differs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Scenario {
    /// Short name, the preset's name for presets.
    pub name: String,
    /// One line that says what the experiment shows.
    pub title: String,
    /// What to watch and what the numbers mean, in a few sentences.
    pub lesson: String,
    /// Which experiment.
    pub lab: Lab,
    /// 1 = workers are threads of threadlab's own process; P >= 2 = P child processes.
    pub processes: u32,
    /// Threads per process.
    pub threads: u32,
    /// Whether each interpreter has a GIL (off = free-threaded).
    pub gil: bool,
    /// The GIL's switch interval in microseconds (`sys.setswitchinterval`).
    pub switch_interval_us: u64,
    /// What a task does.
    pub workload: Workload,
    /// How many tasks (or queue items) in all.
    pub tasks: u32,
    /// Integers summed per CPU task.
    pub task_size: u64,
    /// Milliseconds of each blocking wait.
    pub io_ms: u64,
    /// Queue capacity; 0 = unbounded.
    pub queue_size: u32,
    /// Whether workers are daemons (cut off when the main program exits).
    pub daemon: bool,
    /// Whether the race lab guards each update with a lock.
    pub lock: bool,
    /// Read-modify-writes per worker in the race and shared-memory labs.
    pub increments: u32,
    /// How each read-modify-write is written.
    pub update: Update,
    /// Whether events are recorded (summaries are measured either way).
    pub record: bool,
    /// Logical cores the workers may run on (CPU affinity); 0 = every core
    /// of the machine.
    pub cores: u32,
}

impl Default for Scenario {
    fn default() -> Self {
        Self {
            name: "custom".to_owned(),
            title: String::new(),
            lesson: String::new(),
            lab: Lab::Tasks,
            processes: 1,
            threads: 4,
            gil: true,
            switch_interval_us: 5_000,
            workload: Workload::Cpu,
            tasks: 8,
            task_size: 200_000,
            io_ms: 100,
            queue_size: 0,
            daemon: true,
            lock: false,
            increments: 10,
            update: Update::Wait,
            record: true,
            cores: 0,
        }
    }
}

/// The accepted range of every numeric knob; sliders read these too.
pub mod limits {
    use std::ops::RangeInclusive;
    /// Processes (1 = in-process threads).
    pub const PROCESSES: RangeInclusive<u32> = 1..=64;
    /// Threads per process.
    pub const THREADS: RangeInclusive<u32> = 1..=256;
    /// All workers of a run together.
    pub const TOTAL_WORKERS: u32 = 1024;
    /// GIL switch interval, µs.
    pub const SWITCH_INTERVAL_US: RangeInclusive<u64> = 10..=1_000_000;
    /// Tasks per run.
    pub const TASKS: RangeInclusive<u32> = 1..=100_000;
    /// Integers per CPU task.
    pub const TASK_SIZE: RangeInclusive<u64> = 1..=10_000_000_000;
    /// Milliseconds per blocking wait.
    pub const IO_MS: RangeInclusive<u64> = 0..=10_000;
    /// Queue capacity (0 = unbounded).
    pub const QUEUE_SIZE: RangeInclusive<u32> = 0..=100_000;
    /// Increments per worker.
    pub const INCREMENTS: RangeInclusive<u32> = 1..=100_000_000;
    /// Logical cores to run on (0 = all). The machine bounds it further:
    /// see [`super::Scenario::validate_cores`].
    pub const CORES: RangeInclusive<u32> = 0..=1024;
}

/// A knob outside its range: names the field, the value and the range.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field} = {value} is out of range {range}")]
pub struct RangeError {
    /// The field's name, as in files (`threads`).
    pub field: &'static str,
    /// The offending value, as text.
    pub value: String,
    /// The accepted range, as text (`1..=256`).
    pub range: String,
}

fn check<T: PartialOrd + std::fmt::Display>(
    field: &'static str,
    value: T,
    range: &std::ops::RangeInclusive<T>,
) -> Result<(), RangeError> {
    if range.contains(&value) {
        Ok(())
    } else {
        Err(RangeError {
            field,
            value: value.to_string(),
            range: format!("{}..={}", range.start(), range.end()),
        })
    }
}

impl Scenario {
    /// Checks every knob against [`limits`]; the first one out of range is named.
    pub fn validate(&self) -> Result<(), RangeError> {
        check("processes", self.processes, &limits::PROCESSES)?;
        check("threads", self.threads, &limits::THREADS)?;
        check(
            "switch_interval_us",
            self.switch_interval_us,
            &limits::SWITCH_INTERVAL_US,
        )?;
        check("tasks", self.tasks, &limits::TASKS)?;
        check("task_size", self.task_size, &limits::TASK_SIZE)?;
        check("io_ms", self.io_ms, &limits::IO_MS)?;
        check("queue_size", self.queue_size, &limits::QUEUE_SIZE)?;
        check("increments", self.increments, &limits::INCREMENTS)?;
        check("cores", self.cores, &limits::CORES)?;
        let total = self.processes * self.threads;
        if total > limits::TOTAL_WORKERS {
            return Err(RangeError {
                field: "processes x threads",
                value: total.to_string(),
                range: format!("1..={}", limits::TOTAL_WORKERS),
            });
        }
        Ok(())
    }

    /// Checks the cores knob against a machine whose process may use
    /// `available` logical cores: 0 (all of them) or 1..=available.
    pub fn validate_cores(&self, available: usize) -> Result<(), RangeError> {
        let most = u32::try_from(available.max(1)).unwrap_or(u32::MAX);
        check("cores", self.cores, &(0..=most))
    }

    /// The logical cores the workers run on, on a machine whose process may
    /// use `available` of them: the knob, or all of them for 0.
    pub fn cores_used(&self, available: usize) -> usize {
        let available = available.max(1);
        match self.cores {
            0 => available,
            n => (n as usize).min(available),
        }
    }

    /// Total workers across all processes.
    pub fn total_workers(&self) -> u32 {
        self.processes * self.threads
    }

    /// Threads each interpreter runs: the workers, plus thread 0 for the
    /// labs whose main program is a thread of its own (queue, daemon), so
    /// their workers are threads 1..=`threads`. Whoever checks a worker id
    /// (the parent reading a child) must count that thread too.
    pub fn threads_per_interpreter(&self) -> u32 {
        self.threads + u32::from(matches!(self.lab, Lab::Queue | Lab::Daemon))
    }

    /// Whether the workers are child processes rather than threads of this process.
    pub fn uses_processes(&self) -> bool {
        self.processes >= 2
    }

    /// A short description of the configuration: "2 processes × 4 threads, GIL on".
    pub fn shape_label(&self) -> String {
        let workers = if self.uses_processes() {
            format!(
                "{} processes × {} thread{}",
                self.processes,
                self.threads,
                if self.threads == 1 { "" } else { "s" }
            )
        } else {
            format!(
                "{} thread{}",
                self.threads,
                if self.threads == 1 { "" } else { "s" }
            )
        };
        format!("{workers}, GIL {}", if self.gil { "on" } else { "off" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_valid() {
        assert_eq!(Scenario::default().validate(), Ok(()));
    }

    #[test]
    fn zero_threads_names_field_and_range() {
        let s = Scenario {
            threads: 0,
            ..Scenario::default()
        };
        let err = s.validate().unwrap_err();
        assert_eq!(err.to_string(), "threads = 0 is out of range 1..=256");
    }

    #[test]
    fn the_cores_knob_is_bounded_by_the_machine() {
        let s = Scenario {
            cores: 3,
            ..Scenario::default()
        };
        assert_eq!(s.validate(), Ok(()));
        let err = s.validate_cores(2).unwrap_err();
        assert_eq!(err.to_string(), "cores = 3 is out of range 0..=2");
        assert_eq!(s.validate_cores(4), Ok(()));
        assert_eq!(s.cores_used(4), 3);
        assert_eq!(Scenario::default().cores_used(8), 8);
    }

    #[test]
    fn too_many_workers_in_all() {
        let s = Scenario {
            processes: 64,
            threads: 256,
            ..Scenario::default()
        };
        assert_eq!(s.validate().unwrap_err().field, "processes x threads");
    }
}
