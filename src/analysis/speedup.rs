//! Speedup and efficiency: how much faster than the serial run, and how much
//! of the ideal that is.

use crate::model::Scenario;

/// Serial wall time over this run's wall time (0 when unknown).
pub fn speedup(serial_ms: f64, wall_ms: f64) -> f64 {
    if serial_ms > 0.0 && wall_ms > 0.0 {
        serial_ms / wall_ms
    } else {
        0.0
    }
}

/// The best speedup `s`'s work can reach on a machine of `cores` logical
/// cores: computing is bounded by the cores the run may use (the cores
/// knob, or all of them), waiting is not; neither beats the number of tasks.
pub fn ideal_speedup(s: &Scenario, cores: usize) -> f64 {
    let workers = s.total_workers().min(s.tasks).max(1);
    let cores = s.cores_used(cores);
    let bound = if s.workload.computes() {
        workers.min(u32::try_from(cores).unwrap_or(u32::MAX).max(1))
    } else {
        workers
    };
    f64::from(bound)
}

/// A speedup over the serial run as the product of two measured parts.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SpeedupParts {
    /// How many more cores the run kept busy than the serial run did (its
    /// CPU time over its wall time, against the serial run's): at most the
    /// cores it may use.
    pub parallel: f64,
    /// How much less CPU time the same work took (the serial run's CPU time
    /// over this run's): above 1 when the run's code is faster per item
    /// (native code, say), below 1 when parallel work costs more per item.
    pub per_item: f64,
}

/// Splits the speedup of a run (`wall_ms`, `cpu_ms`) over the serial run of
/// the same work (`serial_wall_ms`, `serial_cpu_ms`) into its parallel and
/// its per-item part; `None` when a time is missing. A speedup above the
/// number of cores is then seen for what it is: more cores cannot give it,
/// cheaper items can.
pub fn split_speedup(
    serial_wall_ms: f64,
    serial_cpu_ms: f64,
    wall_ms: f64,
    cpu_ms: f64,
) -> Option<SpeedupParts> {
    if [serial_wall_ms, serial_cpu_ms, wall_ms, cpu_ms]
        .iter()
        .any(|v| v.is_nan() || *v <= 0.0)
    {
        return None;
    }
    Some(SpeedupParts {
        parallel: (cpu_ms / wall_ms) / (serial_cpu_ms / serial_wall_ms),
        per_item: serial_cpu_ms / cpu_ms,
    })
}

/// Speedup as a share of the ideal, 0..=1 (can exceed 1 on noisy machines).
pub fn efficiency(speedup: f64, ideal: f64) -> f64 {
    if ideal > 0.0 { speedup / ideal } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Workload;

    #[test]
    fn speedup_and_efficiency() {
        assert_eq!(speedup(200.0, 100.0), 2.0);
        assert_eq!(speedup(0.0, 100.0), 0.0);
        let workers = |threads| Scenario {
            threads,
            tasks: 8,
            ..Scenario::default()
        };
        assert_eq!(ideal_speedup(&workers(4), 2), 2.0);
        assert_eq!(ideal_speedup(&workers(1), 8), 1.0);
        assert_eq!(efficiency(1.0, 2.0), 0.5);
    }

    #[test]
    fn the_ideal_is_bounded_by_cores_tasks_and_workers() {
        let s = Scenario {
            threads: 4,
            tasks: 8,
            ..Scenario::default()
        };
        assert_eq!(ideal_speedup(&s, 2), 2.0);
        assert_eq!(ideal_speedup(&s, 16), 4.0);
        let io = Scenario {
            threads: 20,
            tasks: 20,
            workload: Workload::Io,
            ..Scenario::default()
        };
        assert_eq!(
            ideal_speedup(&io, 2),
            20.0,
            "waiting is not bounded by cores"
        );
        assert_eq!(ideal_speedup(&Scenario { tasks: 3, ..io }, 2), 3.0);
        let on_one = Scenario { cores: 1, ..s };
        assert_eq!(ideal_speedup(&on_one, 16), 1.0, "the cores knob bounds it");
    }

    #[test]
    fn a_speedup_splits_into_its_parallel_and_its_per_item_part() {
        // One thread: 1000 ms wall, 1000 ms CPU. Four: 250 ms wall, 500 ms
        // CPU: two cores busy (parallel 2×) and half the CPU per item (2×).
        let s = split_speedup(1000.0, 1000.0, 250.0, 500.0).unwrap();
        assert!((s.parallel - 2.0).abs() < 1e-9);
        assert!((s.per_item - 2.0).abs() < 1e-9);
        assert!((s.parallel * s.per_item - 4.0).abs() < 1e-9);
        assert!(split_speedup(1000.0, 0.0, 250.0, 500.0).is_none());
    }
}
