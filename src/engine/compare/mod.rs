//! The same work, run several ways: serially, with N threads under the GIL,
//! with N processes, with N threads and no GIL, and as native code. Each row
//! is made of real runs; speedups are measured against the serial row of the
//! same round (`rows.rs`).

mod rows;

pub use rows::{CompareRow, SPREAD_WIDE, SpreadCause, median};

use crate::engine::context::EngineError;
use crate::engine::run::{RunOptions, run_to_end};
use crate::model::{Lab, RunSummary, Scenario, Workload};
use std::ops::ControlFlow;
use std::time::Instant;

/// How many times `compare` runs each configuration by default.
pub const DEFAULT_REPEATS: u32 = 3;
/// The most repeats accepted.
pub const MAX_REPEATS: u32 = 50;

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

/// Runs every configuration of [`compare_configs`] once, one after another,
/// calling `progress` after each, and returns the rows.
pub fn run_compare(
    base: &Scenario,
    mut progress: impl FnMut(&CompareRow, &RunSummary),
) -> Result<Vec<CompareRow>, EngineError> {
    run_compare_until(base, 1, |row, summary| {
        progress(row, summary);
        ControlFlow::Continue(())
    })
}

/// Runs every configuration of [`compare_configs`] `repeats` times,
/// interleaved (round after round, each round every configuration once, so
/// a slow spell of the machine hits every configuration alike), calling
/// `progress` after each run with that run's own row; `progress` may end
/// the comparison early (its reader has gone, say). Returns the rows of
/// what ran.
pub fn run_compare_until(
    base: &Scenario,
    repeats: u32,
    mut progress: impl FnMut(&CompareRow, &RunSummary) -> ControlFlow<()>,
) -> Result<Vec<CompareRow>, EngineError> {
    // The sampler runs too: what other programs and the window took is how
    // a wide spread is explained.
    let options = RunOptions { sample_cores: true };
    let configs: Vec<(String, Scenario)> = compare_configs(base)
        .into_iter()
        .map(|(label, s)| (label, Scenario { record: false, ..s }))
        .collect();
    let began = Instant::now();
    let mut runs: Vec<Vec<RunSummary>> = vec![Vec::new(); configs.len()];
    let mut started: Vec<Vec<f64>> = vec![Vec::new(); configs.len()];
    'rounds: for _ in 0..repeats.max(1) {
        for (i, (label, scenario)) in configs.iter().enumerate() {
            started[i].push(began.elapsed().as_secs_f64() * 1e3);
            let (summary, _) = run_to_end(scenario.clone(), options.clone())?;
            let serial_ms = runs[0].last().map_or(summary.wall_ms, |s| s.wall_ms);
            let next = progress(
                &CompareRow::measured(label, scenario, summary.wall_ms, serial_ms),
                &summary,
            );
            runs[i].push(summary);
            if next.is_break() {
                break 'rounds;
            }
        }
    }
    Ok(configs
        .iter()
        .enumerate()
        .filter(|(i, _)| !runs[*i].is_empty())
        .map(|(i, (label, scenario))| {
            CompareRow::from_runs(
                label,
                scenario,
                &runs[i],
                &runs[0],
                &started[i][..runs[i].len()],
            )
        })
        .collect())
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
