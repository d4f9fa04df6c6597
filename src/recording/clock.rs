//! The one clock of a run. Real runs read the machine's monotonic clock
//! (the TSC scaled to `CLOCK_MONOTONIC`, or `CLOCK_MONOTONIC` itself), which
//! on Linux is shared by every process of the machine, so child processes
//! stamp their events on the parent's time axis by subtracting the same
//! epoch. Tests use a manual clock they move by hand.

use super::tsc::TscSince;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Nanoseconds of the machine's monotonic clock (the same in every process).
///
/// Where the CPU has an invariant time-stamp counter, this reads the TSC and
/// scales it with a calibration against `CLOCK_MONOTONIC` (see [`super::tsc`]):
/// in virtual machines `clock_gettime` can cost 80 ns or more, the TSC a
/// fraction of that, and a worker stamps every event it records.
#[inline]
pub fn monotonic_ns() -> u64 {
    match super::tsc::calibration() {
        Some(c) => c.now_ns(),
        None => os_monotonic_ns(),
    }
}

/// `CLOCK_MONOTONIC` read through the OS.
#[cfg(unix)]
pub fn os_monotonic_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; CLOCK_MONOTONIC always exists.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// Nanoseconds since this process first asked (not shared across processes).
#[cfg(not(unix))]
pub fn os_monotonic_ns() -> u64 {
    use std::sync::OnceLock;
    use std::time::Instant;
    static BASE: OnceLock<Instant> = OnceLock::new();
    BASE.get_or_init(Instant::now).elapsed().as_nanos() as u64
}

/// A run's clock: nanoseconds since the run's epoch.
#[derive(Clone, Debug)]
pub enum Clock {
    /// The machine's monotonic clock, minus the epoch.
    Monotonic {
        /// `monotonic_ns()` at the run's start.
        epoch_ns: u64,
        /// The TSC's conversion to nanoseconds since the epoch, looked up
        /// once here rather than at every read; `None` where the TSC is
        /// unusable and the OS clock is read instead.
        tsc: Option<TscSince>,
    },
    /// A clock that moves only when a test says so.
    Manual(Arc<AtomicU64>),
}

impl Clock {
    /// A real clock whose zero is now.
    pub fn start_now() -> Self {
        Self::with_epoch(monotonic_ns())
    }

    /// A real clock with the given epoch (a child process uses its parent's).
    pub fn with_epoch(epoch_ns: u64) -> Self {
        Clock::Monotonic {
            epoch_ns,
            tsc: super::tsc::calibration().map(|c| c.since(epoch_ns)),
        }
    }

    /// A real clock with the given epoch that reads the OS clock even where
    /// the TSC is usable: the fallback, on the same time axis.
    pub fn os_with_epoch(epoch_ns: u64) -> Self {
        Clock::Monotonic {
            epoch_ns,
            tsc: None,
        }
    }

    /// A manual clock at zero, and the handle that moves it.
    pub fn manual() -> (Self, Arc<AtomicU64>) {
        let t = Arc::new(AtomicU64::new(0));
        (Clock::Manual(t.clone()), t)
    }

    /// Nanoseconds since the epoch.
    #[inline]
    pub fn now_ns(&self) -> u64 {
        match self {
            Clock::Monotonic { tsc: Some(tsc), .. } => tsc.now_ns(),
            Clock::Monotonic {
                epoch_ns,
                tsc: None,
            } => os_monotonic_ns().saturating_sub(*epoch_ns),
            Clock::Manual(t) => t.load(Ordering::Relaxed),
        }
    }

    /// The epoch in machine monotonic nanoseconds (0 for a manual clock).
    pub fn epoch_ns(&self) -> u64 {
        match self {
            Clock::Monotonic { epoch_ns, .. } => *epoch_ns,
            Clock::Manual(_) => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monotonic_clock_moves_forward() {
        let c = Clock::start_now();
        let a = c.now_ns();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let b = c.now_ns();
        assert!(b >= a + 1_000_000, "{a} -> {b}");
    }

    #[test]
    fn the_os_fallback_and_the_tsc_clock_share_one_time_axis() {
        let epoch = monotonic_ns();
        let (fast, os) = (Clock::with_epoch(epoch), Clock::os_with_epoch(epoch));
        for _ in 0..3 {
            let (a, b, c) = (os.now_ns(), fast.now_ns(), os.now_ns());
            // The fast clock's reading lies between the two OS readings, give
            // or take the calibration's error (well under 1 ms).
            assert!(b + 1_000_000 >= a && b <= c + 1_000_000, "{a} {b} {c}");
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
    }

    #[test]
    fn manual_clock_moves_only_by_hand() {
        let (c, t) = Clock::manual();
        assert_eq!(c.now_ns(), 0);
        t.store(42, Ordering::Relaxed);
        assert_eq!(c.now_ns(), 42);
    }
}
