//! What a saved run says about itself besides its events: the scenario it
//! ran, the summary it printed, the machine it ran on and when. Written as
//! JSON (the summary's own serde form, as `run --json` prints it), and
//! checked on reading like a user's scenario file, since a file may come
//! from anywhere.

use super::format::{MAX_CORES, MAX_TIME_NS};
use super::machine::Machine;
use crate::model::{RunSummary, Scenario, limits};
use serde::{Deserialize, Serialize};

/// A saved run's scenario, summary, machine and time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunInfo {
    /// The knobs the run was started with.
    pub scenario: Scenario,
    /// What it measured, as it was printed (or shown) when it ended.
    pub summary: RunSummary,
    /// The machine it ran on.
    pub machine: Machine,
    /// When it ended, milliseconds since 1970 (UTC).
    pub recorded_unix_ms: u64,
}

/// What a file learns only at the run's end: a [`RunInfo`] without its
/// scenario, which the file holds from its start.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ending {
    /// What the run measured.
    pub summary: RunSummary,
    /// The machine it ran on.
    pub machine: Machine,
    /// When it ended, milliseconds since 1970 (UTC).
    pub recorded_unix_ms: u64,
}

impl Ending {
    /// A run that just ended on this machine.
    pub fn now(summary: RunSummary) -> Self {
        Self {
            summary,
            machine: Machine::this(),
            recorded_unix_ms: super::machine::unix_ms(std::time::SystemTime::now()),
        }
    }
}

impl RunInfo {
    /// A run that just ended on this machine.
    pub fn now(scenario: Scenario, summary: RunSummary) -> Self {
        Self::from_parts(scenario, Ending::now(summary))
    }

    /// The scenario from a file's start and what its end says.
    pub fn from_parts(scenario: Scenario, ending: Ending) -> Self {
        Self {
            scenario,
            summary: ending.summary,
            machine: ending.machine,
            recorded_unix_ms: ending.recorded_unix_ms,
        }
    }

    /// Its two parts, as a file holds them.
    pub fn into_parts(self) -> (Scenario, Ending) {
        let ending = Ending {
            summary: self.summary,
            machine: self.machine,
            recorded_unix_ms: self.recorded_unix_ms,
        };
        (self.scenario, ending)
    }

    /// One line for people: "recorded 2026-12-02 14:05 UTC on AMD …, 8 cores, …".
    pub fn provenance(&self) -> String {
        format!(
            "recorded {} on {}",
            super::machine::utc_text(self.recorded_unix_ms),
            self.machine.describe()
        )
    }

    /// Whether what the file says could be drawn and counted: every knob in
    /// range, times and counts a run can have. The reason names the field.
    pub fn check(&self) -> Result<(), String> {
        self.scenario
            .validate()
            .map_err(|e| format!("its scenario: {e}"))?;
        let s = &self.summary;
        let max_ms = MAX_TIME_NS as f64 / 1e6;
        if !(0.0..=max_ms).contains(&s.wall_ms) {
            return Err(format!(
                "its summary's wall_ms is {}, not a run's time",
                s.wall_ms
            ));
        }
        // Times added up over the workers: at most every core for the whole run.
        for (name, ms) in [
            ("cpu_ms", s.cpu_ms),
            ("gil_wait_ms", s.gil_wait_ms),
            ("core_wait_ms", s.core_wait_ms),
        ] {
            if !(0.0..=max_ms * MAX_CORES as f64).contains(&ms) {
                return Err(format!("its summary's {name} is {ms}, not a run's time"));
            }
        }
        let most_workers = limits::TOTAL_WORKERS as usize * 2;
        for (name, len, most) in [
            ("workers", s.workers.len(), most_workers),
            ("spawn_us", s.spawn_us.len(), most_workers),
            ("rss_bytes", s.rss_bytes.len(), most_workers),
            ("per_core", s.per_core.len(), MAX_CORES),
        ] {
            if len > most {
                return Err(format!(
                    "its summary lists {len} {name}, more than a run has"
                ));
            }
        }
        if s.cores as usize > MAX_CORES || s.per_core.iter().any(|c| c.core as usize >= MAX_CORES) {
            return Err("its summary names more cores than a machine has".to_owned());
        }
        let m = &self.machine;
        let listed: usize = m.topology.iter().map(Vec::len).sum();
        if m.logical_cores as usize > MAX_CORES
            || listed > MAX_CORES
            || m.topology
                .iter()
                .flatten()
                .any(|&c| c as usize >= MAX_CORES)
        {
            return Err("its machine has more cores than any machine threadlab runs on".to_owned());
        }
        Ok(())
    }
}
