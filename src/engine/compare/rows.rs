//! The rows of a comparison: one per configuration, from every time it ran.
//! One run is not a measurement on a shared machine (four runs of the same
//! comparison here gave four processes 0.92× to 2.17×), so each
//! configuration runs several times, interleaved with the others, and its
//! row gives the median with the smallest and largest value, says when the
//! spread is too wide to conclude from, and names what the runs measured
//! that explains it.

use crate::analysis::{speedup, split_speedup};
use crate::model::{RunSummary, Scenario, Workload};
use serde::{Deserialize, Serialize};

/// A spread of wall times wider than this share of the median is too wide
/// to draw a conclusion from.
pub const SPREAD_WIDE: f64 = 0.2;

/// What made the runs of one configuration differ, from what they measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpreadCause {
    /// The slowest run's workers waited longer for a core.
    CoreWaits,
    /// Other programs took more of the cores during the slowest run.
    OtherPrograms,
    /// This window (threadlab's front end) took more during the slowest run.
    TheWindow,
    /// Nothing the runs measured explains it.
    Unexplained,
}

impl SpreadCause {
    /// A few words for people.
    pub fn words(self) -> &'static str {
        match self {
            SpreadCause::CoreWaits => "the workers waited longer for a core",
            SpreadCause::OtherPrograms => "other programs took more of the cores",
            SpreadCause::TheWindow => "drawing the window took more of the cores",
            SpreadCause::Unexplained => "nothing measured explains it",
        }
    }
}

/// One configuration of a comparison, and what its runs measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CompareRow {
    /// "serial", "threads", "processes", "gil-off", "native".
    pub label: String,
    /// Processes.
    pub processes: u32,
    /// Threads per process.
    pub threads: u32,
    /// GIL on or off.
    pub gil: bool,
    /// The workload.
    pub workload: Workload,
    /// Median wall time of its runs, ms.
    pub wall_ms: f64,
    /// Serial wall time over this one, the median of each round's.
    pub speedup: f64,
    /// How many times it ran.
    #[serde(default)]
    pub repeats: u32,
    /// Fastest run, ms.
    #[serde(default)]
    pub wall_ms_min: f64,
    /// Slowest run, ms.
    #[serde(default)]
    pub wall_ms_max: f64,
    /// Smallest speedup of a round.
    #[serde(default)]
    pub speedup_min: f64,
    /// Largest speedup of a round.
    #[serde(default)]
    pub speedup_max: f64,
    /// When each of its runs started, ms since the comparison did: with
    /// the other rows' they show the runs were interleaved.
    #[serde(default)]
    pub started_ms: Vec<f64>,
    /// Median CPU time of its runs, ms.
    #[serde(default)]
    pub cpu_ms: f64,
    /// Median time its workers waited for a core, ms.
    #[serde(default)]
    pub core_wait_ms: f64,
    /// The speedup's part that more cores gave (see
    /// `analysis::split_speedup`), from the medians.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parallel_part: Option<f64>,
    /// The speedup's part that less CPU per item gave.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_item_part: Option<f64>,
    /// Whether the spread is too wide to conclude from ([`SPREAD_WIDE`]).
    #[serde(default)]
    pub spread_wide: bool,
    /// What the runs measured that explains a wide spread.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spread_cause: Option<SpreadCause>,
}

/// The median of `v` (0 when empty).
pub fn median(v: &[f64]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    let mut s = v.to_vec();
    s.sort_by(|a, b| a.total_cmp(b));
    let n = s.len();
    if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    }
}

fn min_max(v: &[f64]) -> (f64, f64) {
    v.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), x| {
        (lo.min(*x), hi.max(*x))
    })
}

impl CompareRow {
    /// The row of configuration `label`, run as `scenario`, whose runs
    /// measured `runs` (started at `started_ms`), against the serial runs
    /// `serial` of the same rounds.
    pub fn from_runs(
        label: &str,
        scenario: &Scenario,
        runs: &[RunSummary],
        serial: &[RunSummary],
        started_ms: &[f64],
    ) -> Self {
        let walls: Vec<f64> = runs.iter().map(|r| r.wall_ms).collect();
        let speedups: Vec<f64> = runs
            .iter()
            .zip(serial)
            .map(|(r, s)| speedup(s.wall_ms, r.wall_ms))
            .collect();
        let (wall_ms_min, wall_ms_max) = min_max(&walls);
        let (speedup_min, speedup_max) = min_max(&speedups);
        let wall_ms = median(&walls);
        let cpu_ms = median(&runs.iter().map(|r| r.cpu_ms).collect::<Vec<_>>());
        let serial_wall = median(&serial.iter().map(|r| r.wall_ms).collect::<Vec<_>>());
        let serial_cpu = median(&serial.iter().map(|r| r.cpu_ms).collect::<Vec<_>>());
        let parts = split_speedup(serial_wall, serial_cpu, wall_ms, cpu_ms);
        let spread_wide = runs.len() > 1 && (wall_ms_max - wall_ms_min) > SPREAD_WIDE * wall_ms;
        Self {
            label: label.to_owned(),
            processes: scenario.processes,
            threads: scenario.threads,
            gil: scenario.gil,
            workload: scenario.workload,
            wall_ms,
            speedup: median(&speedups),
            repeats: runs.len() as u32,
            wall_ms_min: if runs.is_empty() { 0.0 } else { wall_ms_min },
            wall_ms_max,
            speedup_min: if speedups.is_empty() {
                0.0
            } else {
                speedup_min
            },
            speedup_max,
            started_ms: started_ms.to_vec(),
            cpu_ms,
            core_wait_ms: median(&runs.iter().map(|r| r.core_wait_ms).collect::<Vec<_>>()),
            parallel_part: parts.map(|p| p.parallel),
            per_item_part: parts.map(|p| p.per_item),
            spread_wide,
            spread_cause: spread_wide.then(|| spread_cause(runs)),
        }
    }

    /// The row of one run that took `wall_ms` where the serial run took
    /// `serial_ms` (no repeats, nothing else measured).
    pub fn measured(label: &str, scenario: &Scenario, wall_ms: f64, serial_ms: f64) -> Self {
        let run = |wall_ms| RunSummary {
            wall_ms,
            ..RunSummary::default()
        };
        Self::from_runs(label, scenario, &[run(wall_ms)], &[run(serial_ms)], &[])
    }
}

/// Why the slowest of `runs` was slower than the fastest: the measured
/// difference between the two that weighs most.
fn spread_cause(runs: &[RunSummary]) -> SpreadCause {
    let by_wall = |a: &&RunSummary, b: &&RunSummary| a.wall_ms.total_cmp(&b.wall_ms);
    let (Some(fast), Some(slow)) = (runs.iter().min_by(by_wall), runs.iter().max_by(by_wall))
    else {
        return SpreadCause::Unexplained;
    };
    // Each as cores' worth of time, so they weigh alike.
    let core_wait = |r: &RunSummary| r.core_wait_ms / r.wall_ms.max(1e-9);
    let load =
        |r: &RunSummary, f: fn(&crate::model::LoadSummary) -> f64| r.load.as_ref().map_or(0.0, f);
    let candidates = [
        (core_wait(slow) - core_wait(fast), SpreadCause::CoreWaits),
        (
            load(slow, |l| l.others_cores) - load(fast, |l| l.others_cores),
            SpreadCause::OtherPrograms,
        ),
        (
            load(slow, |l| l.front_end_cores) - load(fast, |l| l.front_end_cores),
            SpreadCause::TheWindow,
        ),
    ];
    candidates
        .into_iter()
        .filter(|(d, _)| *d >= 0.1)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map_or(SpreadCause::Unexplained, |(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LoadSummary;

    fn run(wall_ms: f64, cpu_ms: f64, others: f64) -> RunSummary {
        RunSummary {
            wall_ms,
            cpu_ms,
            load: Some(LoadSummary {
                others_cores: others,
                ..LoadSummary::default()
            }),
            ..RunSummary::default()
        }
    }

    #[test]
    fn a_row_gives_median_min_and_max_and_names_a_wide_spread() {
        let s = Scenario {
            processes: 4,
            threads: 1,
            ..Scenario::default()
        };
        let serial = vec![run(1000.0, 1000.0, 0.0); 3];
        let runs = [
            run(500.0, 1000.0, 0.0),
            run(900.0, 1000.0, 1.2),
            run(520.0, 1000.0, 0.0),
        ];
        let row = CompareRow::from_runs("processes", &s, &runs, &serial, &[0.0, 10.0, 20.0]);
        assert_eq!(row.repeats, 3);
        assert_eq!(
            (row.wall_ms, row.wall_ms_min, row.wall_ms_max),
            (520.0, 500.0, 900.0)
        );
        assert!((row.speedup - 1000.0 / 520.0).abs() < 1e-9);
        assert!((row.speedup_max - 2.0).abs() < 1e-9);
        assert!(row.spread_wide);
        assert_eq!(row.spread_cause, Some(SpreadCause::OtherPrograms));
        assert!(
            (row.parallel_part.unwrap() * row.per_item_part.unwrap() - 1000.0 / 520.0).abs() < 1e-9
        );
    }

    #[test]
    fn a_tight_row_draws_no_mark() {
        let s = Scenario::default();
        let runs = [run(500.0, 900.0, 0.0), run(510.0, 900.0, 0.0)];
        let row = CompareRow::from_runs("threads", &s, &runs, &runs, &[]);
        assert!(!row.spread_wide && row.spread_cause.is_none());
        assert_eq!(median(&[3.0, 1.0, 2.0, 10.0]), 2.5);
    }
}
