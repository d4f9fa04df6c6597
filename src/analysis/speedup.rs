//! Speedup and efficiency: how much faster than the serial run, and how much
//! of the ideal that is.

/// Serial wall time over this run's wall time (0 when unknown).
pub fn speedup(serial_ms: f64, wall_ms: f64) -> f64 {
    if serial_ms > 0.0 && wall_ms > 0.0 {
        serial_ms / wall_ms
    } else {
        0.0
    }
}

/// The best speedup `workers` workers can reach on `cores` cores for CPU work.
pub fn ideal_speedup(workers: u32, cores: usize) -> f64 {
    workers.min(cores as u32).max(1) as f64
}

/// Speedup as a share of the ideal, 0..=1 (can exceed 1 on noisy machines).
pub fn efficiency(speedup: f64, ideal: f64) -> f64 {
    if ideal > 0.0 { speedup / ideal } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speedup_and_efficiency() {
        assert_eq!(speedup(200.0, 100.0), 2.0);
        assert_eq!(speedup(0.0, 100.0), 0.0);
        assert_eq!(ideal_speedup(4, 2), 2.0);
        assert_eq!(ideal_speedup(1, 8), 1.0);
        assert_eq!(efficiency(1.0, 2.0), 0.5);
    }
}
