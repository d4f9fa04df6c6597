//! The same work, run several ways: serially, with N threads under the GIL,
//! with N processes, with N threads and no GIL, and as native code. Each row
//! is a real run; speedups are measured against the serial row.

use crate::analysis::speedup;
use crate::engine::context::EngineError;
use crate::engine::run::{RunOptions, run_to_end};
use crate::model::{Lab, RunSummary, Scenario, Workload};
use serde::{Deserialize, Serialize};
use std::ops::ControlFlow;

/// One configuration of a comparison, and what it measured.
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
    /// Measured wall time, ms.
    pub wall_ms: f64,
    /// Serial wall time over this one.
    pub speedup: f64,
}

impl CompareRow {
    /// The row of configuration `label`, run as `scenario`, that took
    /// `wall_ms` where the serial row took `serial_ms`.
    pub fn measured(label: &str, scenario: &Scenario, wall_ms: f64, serial_ms: f64) -> Self {
        Self {
            label: label.to_owned(),
            processes: scenario.processes,
            threads: scenario.threads,
            gil: scenario.gil,
            workload: scenario.workload,
            wall_ms,
            speedup: speedup(serial_ms, wall_ms),
        }
    }
}

/// Whether `s` can be compared: only the task pool does the same work in
/// every shape, so only its wall times are comparable.
pub fn comparable(s: &Scenario) -> bool {
    s.lab == Lab::Tasks
}

/// N, the workers of every configuration but the serial one: the larger of
/// `base`'s threads and processes, at least 2.
pub fn compare_workers(base: &Scenario) -> u32 {
    base.threads.max(base.processes).max(2)
}

/// The configurations compared for `base`, labelled, with N workers
/// ([`compare_workers`]); the serial one comes first.
pub fn compare_configs(base: &Scenario) -> Vec<(String, Scenario)> {
    let n = compare_workers(base);
    let work = Scenario {
        lab: Lab::Tasks,
        processes: 1,
        threads: 1,
        gil: true,
        ..base.clone()
    };
    let mut rows = vec![
        ("serial".to_owned(), work.clone()),
        (
            "threads".to_owned(),
            Scenario {
                threads: n,
                ..work.clone()
            },
        ),
        (
            "processes".to_owned(),
            Scenario {
                processes: n,
                ..work.clone()
            },
        ),
        (
            "gil-off".to_owned(),
            Scenario {
                threads: n,
                gil: false,
                ..work.clone()
            },
        ),
    ];
    if work.workload == Workload::Cpu {
        rows.push((
            "native".to_owned(),
            Scenario {
                threads: n,
                workload: Workload::Native,
                ..work
            },
        ));
    }
    rows
}

/// Runs every configuration of [`compare_configs`] one after another,
/// calling `progress` after each, and returns the rows.
pub fn run_compare(
    base: &Scenario,
    mut progress: impl FnMut(&CompareRow, &RunSummary),
) -> Result<Vec<CompareRow>, EngineError> {
    run_compare_until(base, |row, summary| {
        progress(row, summary);
        ControlFlow::Continue(())
    })
}

/// Like [`run_compare`], but `progress` may end the comparison early (its
/// reader has gone, say): the rows measured until then are returned.
pub fn run_compare_until(
    base: &Scenario,
    mut progress: impl FnMut(&CompareRow, &RunSummary) -> ControlFlow<()>,
) -> Result<Vec<CompareRow>, EngineError> {
    let options = RunOptions {
        sample_cores: false,
    };
    let mut rows: Vec<CompareRow> = Vec::new();
    let mut serial_ms = 0.0;
    for (label, scenario) in compare_configs(base) {
        let scenario = Scenario {
            record: false,
            ..scenario
        };
        let (summary, _) = run_to_end(scenario.clone(), options.clone())?;
        if label == "serial" {
            serial_ms = summary.wall_ms;
        }
        let row = CompareRow::measured(&label, &scenario, summary.wall_ms, serial_ms);
        let next = progress(&row, &summary);
        rows.push(row);
        if next.is_break() {
            break;
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configs_share_the_work_and_differ_in_shape() {
        let base = Scenario {
            threads: 4,
            tasks: 8,
            task_size: 1000,
            ..Scenario::default()
        };
        let rows = compare_configs(&base);
        let labels: Vec<_> = rows.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(
            labels,
            ["serial", "threads", "processes", "gil-off", "native"]
        );
        assert!(
            rows.iter()
                .all(|(_, s)| s.tasks == 8 && s.task_size == 1000)
        );
        assert_eq!(rows[2].1.processes, 4);
        assert!(!rows[3].1.gil);
        assert!(rows.iter().all(|(_, s)| s.validate().is_ok()));
        assert!(rows.iter().all(|(_, s)| comparable(s)));
    }

    #[test]
    fn a_measured_row_is_timed_against_serial() {
        let s = Scenario {
            processes: 4,
            ..Scenario::default()
        };
        let row = CompareRow::measured("processes", &s, 50.0, 200.0);
        assert_eq!((row.processes, row.speedup), (4, 4.0));
        assert_eq!(compare_workers(&Scenario::default()), 4);
        assert!(!comparable(&Scenario {
            lab: Lab::Race,
            ..s
        }));
    }
}
