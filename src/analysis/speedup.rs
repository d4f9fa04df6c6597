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

/// The best speedup `s`'s work can reach on `cores` cores: computing is
/// bounded by the cores, waiting is not; neither beats the number of tasks.
pub fn ideal_speedup(s: &Scenario, cores: usize) -> f64 {
    let workers = s.total_workers().min(s.tasks).max(1);
    let bound = if s.workload.computes() {
        workers.min(u32::try_from(cores).unwrap_or(u32::MAX).max(1))
    } else {
        workers
    };
    f64::from(bound)
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
    }
}
