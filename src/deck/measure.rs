//! What a prediction is checked against: one number a run measures. The
//! right choice of a question is computed from it after the run, never
//! written in the deck, so a machine that surprises the lecturer says so.

use crate::model::{Lab, RunSummary};

/// A number measured by a run (or a comparison), named in a deck's
/// `measure = "..."`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    /// The run's speedup over one thread doing the same work (×).
    Speedup,
    /// The best speedup of a comparison's ways of running the work (×).
    BestSpeedup,
    /// From the start request until every worker ended (ms).
    WallMs,
    /// Updates of the shared counter lost to the race (% of all).
    LostUpdatesPct,
    /// The workers' time ready to run but on no core (% of their time).
    CoreWaitPct,
    /// The workers' time waiting for a GIL (% of their time).
    GilWaitPct,
    /// How late the I/O thread woke after its waits, median (ms).
    WakeDelayMs,
    /// The deepest the queue got (items).
    MaxQueueDepth,
    /// Tasks the main program's exit cut off (daemon lab).
    CutOffTasks,
    /// Files and transactions left half-done by the exit (daemon lab).
    Unreleased,
    /// Median start of a process over median start of a thread (×).
    StartupRatio,
    /// Memory of a process over the memory a thread adds (×).
    MemoryRatio,
    /// The parent's counter after its child processes each counted (shared memory).
    ParentCounter,
    /// Median time to stop a thread over that of a process (×).
    KillRatio,
}

/// What a measure needs to be read: the run's summary, and what only the
/// front end measured beside it.
#[derive(Clone, Copy, Debug, Default)]
pub struct Measured<'a> {
    /// The finished run's summary (not a stopped one).
    pub summary: Option<&'a RunSummary>,
    /// The run's speedup over one thread, once the serial run was timed.
    pub speedup: Option<f64>,
    /// The best speedup of a finished comparison.
    pub best_speedup: Option<f64>,
}

impl Measure {
    /// Every measure, in the order `deck check` lists them.
    pub const ALL: [Measure; 14] = [
        Measure::Speedup,
        Measure::BestSpeedup,
        Measure::WallMs,
        Measure::LostUpdatesPct,
        Measure::CoreWaitPct,
        Measure::GilWaitPct,
        Measure::WakeDelayMs,
        Measure::MaxQueueDepth,
        Measure::CutOffTasks,
        Measure::Unreleased,
        Measure::StartupRatio,
        Measure::MemoryRatio,
        Measure::ParentCounter,
        Measure::KillRatio,
    ];

    /// The name used in decks.
    pub fn name(self) -> &'static str {
        match self {
            Measure::Speedup => "speedup",
            Measure::BestSpeedup => "best-speedup",
            Measure::WallMs => "wall-ms",
            Measure::LostUpdatesPct => "lost-updates-pct",
            Measure::CoreWaitPct => "core-wait-pct",
            Measure::GilWaitPct => "gil-wait-pct",
            Measure::WakeDelayMs => "wake-delay-ms",
            Measure::MaxQueueDepth => "max-queue-depth",
            Measure::CutOffTasks => "cut-off-tasks",
            Measure::Unreleased => "unreleased",
            Measure::StartupRatio => "startup-ratio",
            Measure::MemoryRatio => "memory-ratio",
            Measure::ParentCounter => "parent-counter",
            Measure::KillRatio => "kill-ratio",
        }
    }

    /// The measure named `name`.
    pub fn parse(name: &str) -> Option<Measure> {
        Measure::ALL.into_iter().find(|m| m.name() == name)
    }

    /// What it is, in words, for the revealed answer ("speedup over one thread").
    pub fn words(self) -> &'static str {
        match self {
            Measure::Speedup => "speedup over one thread",
            Measure::BestSpeedup => "best speedup of the comparison",
            Measure::WallMs => "wall time",
            Measure::LostUpdatesPct => "updates lost",
            Measure::CoreWaitPct => "time waiting for a core",
            Measure::GilWaitPct => "time waiting for the GIL",
            Measure::WakeDelayMs => "wake-up delay (median)",
            Measure::MaxQueueDepth => "deepest queue",
            Measure::CutOffTasks => "tasks cut off",
            Measure::Unreleased => "files and transactions left half-done",
            Measure::StartupRatio => "a process's start over a thread's",
            Measure::MemoryRatio => "a process's memory over a thread's",
            Measure::ParentCounter => "the parent's counter at the end",
            Measure::KillRatio => "a thread's time to stop over a process's",
        }
    }

    /// Whether a step can measure it: the labs whose runs have the number,
    /// and whether it needs the compare view.
    pub fn fits(self, lab: Lab, compare: bool) -> Result<(), String> {
        let labs: &[Lab] = match self {
            Measure::Speedup | Measure::BestSpeedup | Measure::CoreWaitPct => &[Lab::Tasks],
            Measure::WallMs | Measure::GilWaitPct => &Lab::ALL,
            Measure::LostUpdatesPct => &[Lab::Race],
            Measure::WakeDelayMs => &[Lab::Convoy],
            Measure::MaxQueueDepth => &[Lab::Queue],
            Measure::CutOffTasks | Measure::Unreleased => &[Lab::Daemon],
            Measure::StartupRatio | Measure::MemoryRatio => &[Lab::Startup],
            Measure::ParentCounter => &[Lab::SharedMemory],
            Measure::KillRatio => &[Lab::Kill],
        };
        if !labs.contains(&lab) {
            let names: Vec<_> = labs.iter().map(|l| l.name()).collect();
            return Err(format!(
                "measure \"{}\" is not measured by the {} lab (it is by: {})",
                self.name(),
                lab.name(),
                names.join(", ")
            ));
        }
        match (self == Measure::BestSpeedup, compare) {
            (true, false) => Err(format!(
                "measure \"{}\" needs show = \"compare\"",
                self.name()
            )),
            (false, true) => Err(format!(
                "measure \"{}\" needs a single run; a compare step can ask for \"best-speedup\"",
                self.name()
            )),
            _ => Ok(()),
        }
    }

    /// The measured value, once everything it needs is in.
    pub fn value(self, m: Measured<'_>) -> Option<f64> {
        // A failed timing reads as 0 or NaN: no answer, rather than the first.
        let value = self.read(m)?;
        let ratio = matches!(self, Measure::Speedup | Measure::BestSpeedup);
        (value.is_finite() && (!ratio || value > 0.0)).then_some(value)
    }

    /// The value as the run has it, not yet checked.
    fn read(self, m: Measured<'_>) -> Option<f64> {
        if self == Measure::BestSpeedup {
            return m.best_speedup;
        }
        let s = m
            .summary
            .filter(|s| !s.stopped || self == Measure::KillRatio)?;
        let worker_ms = s.wall_ms * s.workers.len() as f64;
        let share = |ms: f64| (worker_ms > 0.0).then(|| 100.0 * ms / worker_ms);
        let ratio = |a: f64, b: f64| (a > 0.0 && b > 0.0).then_some(a / b);
        match self {
            Measure::Speedup => m.speedup,
            Measure::BestSpeedup => None,
            Measure::WallMs => Some(s.wall_ms),
            Measure::LostUpdatesPct => s
                .counter
                .as_ref()
                .filter(|c| c.expected > 0)
                .map(|c| 100.0 * c.lost_updates as f64 / c.expected as f64),
            Measure::CoreWaitPct => share(s.core_wait_ms),
            Measure::GilWaitPct => share(s.gil_wait_ms),
            Measure::WakeDelayMs => s.io_wake_delay_us.map(|p| p.median / 1000.0),
            Measure::MaxQueueDepth => s.queue.as_ref().map(|q| q.max_depth as f64),
            Measure::CutOffTasks => s.cut_off.as_ref().map(|c| c.tasks as f64),
            Measure::Unreleased => s.cut_off.as_ref().map(|c| c.unreleased_resources as f64),
            Measure::StartupRatio => s
                .startup
                .as_ref()
                .and_then(|g| ratio(g.processes.spawn_us_median, g.threads.spawn_us_median)),
            Measure::MemoryRatio => s.startup.as_ref().and_then(|g| {
                ratio(
                    g.processes.rss_bytes_median as f64,
                    g.threads.rss_bytes_median as f64,
                )
            }),
            Measure::ParentCounter => s.shared_memory.as_ref().map(|c| c.parent_copy as f64),
            Measure::KillRatio => s
                .kill
                .as_ref()
                .and_then(|k| ratio(median(&k.threads_stop_ms)?, median(&k.processes_stop_ms)?)),
        }
    }

    /// A measured value as the audience reads it: "1.04×", "37 %", "4.8 ms".
    pub fn format(self, value: f64) -> String {
        match self {
            Measure::Speedup
            | Measure::BestSpeedup
            | Measure::StartupRatio
            | Measure::MemoryRatio
            | Measure::KillRatio => {
                if value >= 10.0 {
                    format!("{value:.0}×")
                } else {
                    format!("{value:.2}×")
                }
            }
            Measure::LostUpdatesPct | Measure::CoreWaitPct | Measure::GilWaitPct => {
                if value > 0.0 && value < 1.0 {
                    format!("{value:.2} %")
                } else {
                    format!("{value:.0} %")
                }
            }
            Measure::WallMs | Measure::WakeDelayMs => {
                if value >= 100.0 {
                    format!("{value:.0} ms")
                } else {
                    format!("{value:.1} ms")
                }
            }
            Measure::MaxQueueDepth
            | Measure::CutOffTasks
            | Measure::Unreleased
            | Measure::ParentCounter => format!("{value:.0}"),
        }
    }
}

/// The median of a few values (`None` for none).
fn median(values: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    Some(if v.len().is_multiple_of(2) {
        (v[mid - 1] + v[mid]) / 2.0
    } else {
        v[mid]
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CounterSummary, KillSummary};

    #[test]
    fn every_name_parses_back() {
        for m in Measure::ALL {
            assert_eq!(Measure::parse(m.name()), Some(m));
        }
        assert_eq!(Measure::parse("spedup"), None);
    }

    #[test]
    fn lost_updates_are_a_share_of_all_updates() {
        let summary = RunSummary {
            counter: Some(CounterSummary {
                expected: 400,
                actual: 300,
                lost_updates: 100,
            }),
            ..RunSummary::default()
        };
        let m = Measured {
            summary: Some(&summary),
            ..Measured::default()
        };
        assert_eq!(Measure::LostUpdatesPct.value(m), Some(25.0));
        assert_eq!(Measure::MaxQueueDepth.value(m), None);
    }

    #[test]
    fn a_stopped_run_measures_nothing_but_its_stop() {
        let summary = RunSummary {
            stopped: true,
            wall_ms: 10.0,
            kill: Some(KillSummary {
                stop_at_ms: 1.0,
                threads_stop_ms: vec![900.0, 1100.0],
                processes_stop_ms: vec![2.0, 2.0],
            }),
            ..RunSummary::default()
        };
        let m = Measured {
            summary: Some(&summary),
            speedup: Some(1.0),
            ..Measured::default()
        };
        assert_eq!(Measure::WallMs.value(m), None);
        assert_eq!(Measure::KillRatio.value(m), Some(500.0));
    }

    #[test]
    fn a_failed_timing_is_no_answer() {
        let summary = RunSummary::default();
        for bad in [0.0, f64::NAN, f64::INFINITY] {
            let m = Measured {
                summary: Some(&summary),
                speedup: Some(bad),
                best_speedup: Some(bad),
            };
            assert_eq!(Measure::Speedup.value(m), None, "{bad}");
            assert_eq!(Measure::BestSpeedup.value(m), None, "{bad}");
        }
    }

    #[test]
    fn a_measure_names_the_labs_that_have_it() {
        let err = Measure::LostUpdatesPct.fits(Lab::Tasks, false).unwrap_err();
        assert!(err.contains("race"), "{err}");
        assert!(Measure::BestSpeedup.fits(Lab::Tasks, false).is_err());
        assert!(Measure::Speedup.fits(Lab::Tasks, true).is_err());
        assert!(Measure::BestSpeedup.fits(Lab::Tasks, true).is_ok());
    }

    #[test]
    fn values_read_as_the_audience_reads_them() {
        assert_eq!(Measure::Speedup.format(1.034), "1.03×");
        assert_eq!(Measure::LostUpdatesPct.format(37.4), "37 %");
        assert_eq!(Measure::WakeDelayMs.format(4.83), "4.8 ms");
        assert_eq!(Measure::ParentCounter.format(0.0), "0");
    }
}
