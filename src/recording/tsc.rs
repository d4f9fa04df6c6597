//! A fast monotonic clock from the CPU's time-stamp counter.
//!
//! On x86_64 CPUs with an invariant TSC (`constant_tsc` and `nonstop_tsc`),
//! the counter ticks at a fixed rate on every core and in every process. We
//! measure that rate once against `CLOCK_MONOTONIC` and then convert ticks to
//! nanoseconds with one multiplication. Child processes receive the parent's
//! calibration through an environment variable ([`CALIBRATION_ENV`]), so both
//! convert the same counter the same way and their events share one time
//! axis exactly. Elsewhere (no invariant TSC, other CPUs) the OS clock is used.

use std::sync::OnceLock;

/// The variable that hands a parent's calibration to its child processes.
pub const CALIBRATION_ENV: &str = "THREADLAB_TSC_CALIBRATION";

/// How long the one-time calibration measures (spinning) in a process that
/// received no calibration from its parent.
const CALIBRATE_FOR_NS: u64 = 5_000_000;

/// A linear map from TSC ticks to `CLOCK_MONOTONIC` nanoseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Calibration {
    tsc_ref: u64,
    mono_ref: u64,
    /// Nanoseconds per tick, 32.32 fixed point.
    mult: u64,
}

impl Calibration {
    /// Nanoseconds of the monotonic clock now.
    #[inline]
    pub fn now_ns(&self) -> u64 {
        // Since the monotonic clock's own zero: one conversion for both.
        self.since(0).now_ns()
    }

    /// The clock of nanoseconds since `epoch_ns` (machine monotonic
    /// nanoseconds) read from this calibration: the two references and the
    /// epoch folded into one offset, so a read is the counter, one
    /// multiplication, a shift and an addition.
    pub fn since(&self, epoch_ns: u64) -> TscSince {
        TscSince {
            tsc_ref: self.tsc_ref,
            mult: self.mult,
            base_ns: self.mono_ref as i128 - epoch_ns as i128,
        }
    }

    /// The text form passed to child processes.
    pub fn to_env(&self) -> String {
        format!("{}:{}:{}", self.tsc_ref, self.mono_ref, self.mult)
    }

    /// Parses [`Calibration::to_env`]'s text.
    pub fn from_env(text: &str) -> Option<Self> {
        let mut parts = text.split(':').map(|p| p.parse::<u64>().ok());
        let (tsc_ref, mono_ref, mult) = (parts.next()??, parts.next()??, parts.next()??);
        (parts.next().is_none() && mult > 0).then_some(Self {
            tsc_ref,
            mono_ref,
            mult,
        })
    }
}

/// Nanoseconds since an epoch read from the TSC ([`Calibration::since`]);
/// the same numbers as [`Calibration::now_ns`] minus the epoch, in fewer
/// instructions (the run's clock reads it for every event).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TscSince {
    tsc_ref: u64,
    mult: u64,
    /// The calibration's monotonic reference minus the epoch.
    base_ns: i128,
}

impl TscSince {
    /// Nanoseconds since the epoch now (0 before it).
    #[inline]
    pub fn now_ns(&self) -> u64 {
        self.ticks_to_ns(read_tsc())
    }

    #[inline]
    fn ticks_to_ns(&self, tsc: u64) -> u64 {
        let ticks = tsc.wrapping_sub(self.tsc_ref) as i64 as i128;
        let ns = self.base_ns + ((ticks * self.mult as i128) >> 32);
        ns.clamp(0, u64::MAX as i128) as u64
    }
}

// One plain RDTSC: it does not wait for earlier instructions (no LFENCE, no
// RDTSCP), which would cost more than the event it stamps. A stamp may so be
// taken a few instructions early or late; the recorder keeps each worker's
// stamps in order whatever the counter says (`Recorder::record`).
#[cfg(target_arch = "x86_64")]
#[inline]
fn read_tsc() -> u64 {
    // SAFETY: RDTSC exists on every x86_64 CPU and has no preconditions.
    #[allow(unused_unsafe)]
    unsafe {
        core::arch::x86_64::_rdtsc()
    }
}

#[cfg(not(target_arch = "x86_64"))]
#[inline]
fn read_tsc() -> u64 {
    0
}

/// The process's calibration, if this machine has an invariant TSC.
#[inline]
pub fn calibration() -> Option<&'static Calibration> {
    static CALIBRATION: OnceLock<Option<Calibration>> = OnceLock::new();
    CALIBRATION.get_or_init(init).as_ref()
}

/// The environment variable and value that give a child process this
/// process's calibration, where there is one.
pub fn child_env() -> Option<(&'static str, String)> {
    calibration().map(|c| (CALIBRATION_ENV, c.to_env()))
}

fn init() -> Option<Calibration> {
    if !has_invariant_tsc() {
        return None;
    }
    if let Ok(text) = std::env::var(CALIBRATION_ENV)
        && let Some(c) = Calibration::from_env(&text)
    {
        return Some(c);
    }
    calibrate()
}

fn calibrate() -> Option<Calibration> {
    use super::clock::os_monotonic_ns;
    // Pair an OS reading with the TSC read around it; a pair whose two TSC
    // reads lie far apart was preempted in between and is tried again, since
    // one bad pair would skew the rate for the whole process.
    let pair = || {
        let mut best: Option<(u64, u64, u64)> = None;
        for _ in 0..50 {
            let a = read_tsc();
            let m = os_monotonic_ns();
            let b = read_tsc();
            let spread = b.wrapping_sub(a);
            if best.is_none_or(|(_, _, s)| spread < s) {
                best = Some((m, a + spread / 2, spread));
            }
        }
        best.map_or((0, 0), |(m, t, _)| (m, t))
    };
    let (m0, t0) = pair();
    let (mut m1, mut t1) = pair();
    while m1.saturating_sub(m0) < CALIBRATE_FOR_NS {
        (m1, t1) = pair();
    }
    let ticks = t1.checked_sub(t0).filter(|&t| t > 0)?;
    let mult = (((m1 - m0) as u128) << 32) / ticks as u128;
    let mult = u64::try_from(mult).ok().filter(|&m| m > 0)?;
    Some(Calibration {
        tsc_ref: t1,
        mono_ref: m1,
        mult,
    })
}

fn has_invariant_tsc() -> bool {
    if !cfg!(all(target_arch = "x86_64", target_os = "linux")) {
        return false;
    }
    let Ok(info) = std::fs::read_to_string("/proc/cpuinfo") else {
        return false;
    };
    let Some(flags) = info.lines().find(|l| l.starts_with("flags")) else {
        return false;
    };
    let has = |f: &str| flags.split_whitespace().any(|x| x == f);
    has("constant_tsc") && has("nonstop_tsc")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recording::clock::os_monotonic_ns;

    #[test]
    fn env_text_round_trips() {
        let c = Calibration {
            tsc_ref: 123,
            mono_ref: 456,
            mult: 789,
        };
        assert_eq!(Calibration::from_env(&c.to_env()), Some(c));
        assert_eq!(Calibration::from_env("1:2"), None);
        assert_eq!(Calibration::from_env("1:2:0"), None);
        assert_eq!(Calibration::from_env("a:b:c"), None);
    }

    #[test]
    fn since_an_epoch_is_the_calibrated_time_minus_the_epoch() {
        let c = Calibration {
            tsc_ref: 1_000,
            mono_ref: 5_000_000,
            // Half a nanosecond per tick.
            mult: 1 << 31,
        };
        let s = c.since(1_000_000);
        // Half a nanosecond per tick from the reference, minus the epoch.
        for (tsc, ns) in [(0, 3_999_500), (1_000, 4_000_000), (3_000, 4_001_000)] {
            assert_eq!(s.ticks_to_ns(tsc), ns, "at {tsc} ticks");
            assert_eq!(
                c.since(0).ticks_to_ns(tsc),
                ns + 1_000_000,
                "at {tsc} ticks"
            );
        }
        // An epoch after the reading gives 0, as `saturating_sub` would.
        assert_eq!(c.since(u64::MAX).ticks_to_ns(3_000), 0);
    }

    #[test]
    fn tsc_clock_tracks_the_os_clock() {
        let Some(c) = calibration() else {
            eprintln!("skipped: no invariant TSC here");
            return;
        };
        for _ in 0..3 {
            let os = os_monotonic_ns();
            let fast = c.now_ns();
            let diff = fast as i64 - os as i64;
            eprintln!("TSC clock minus OS clock: {diff} ns");
            // Calibration error and the gap between the two reads: well under 1 ms.
            assert!(diff.abs() < 1_000_000, "TSC clock off by {diff} ns");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}
