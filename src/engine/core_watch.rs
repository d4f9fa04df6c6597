//! A worker's own view of the OS scheduler: when the OS kept it off every
//! core although it was ready to run, and which core it ran on.
//!
//! The GIL model says who *may* run Python code; the OS decides who is on a
//! core. A worker that holds its GIL (or needs none) but was preempted must
//! not be drawn running, so every worker measures this about itself.
//!
//! The measurement is cheap on purpose. Every few steps the worker reads
//! the run's clock (a TSC read), which it needs for its recorder anyway. A
//! gap since the last check that is far longer than a few steps take means
//! the thread may have been off its core; only then does it ask the kernel
//! how long it really waited in the run queue (`run_delay` in
//! `/proc/thread-self/schedstat`, kept by the scheduler in nanoseconds), or,
//! where that file is missing, compares the gap with its own CPU clock. A
//! gap the kernel did not count as waiting (a slow step, a page fault) is
//! not drawn as waiting. The wait is placed in the longest stretch since the
//! last look in which the worker recorded nothing (a thread that is not
//! running records nothing), at its end, where the thread resumed: its
//! start and end are then known to within a step.

use crate::engine::platform;

/// A gap between two checks longer than this is looked into. Checks come
/// every 16 steps, a few microseconds apart, so a longer gap means the
/// thread stopped running for a while. Where steps are slower (an emulator,
/// a profiler, a loaded hardware thread) the bar rises with them: a gap is
/// suspect only when it is also [`SUSPECT_TIMES`] the typical gap, so a
/// slow machine does not ask the kernel at every check.
pub const SUSPECT_GAP_NS: u64 = 50_000;

/// How many typical gaps a suspect gap is long, at least.
pub const SUSPECT_TIMES: u64 = 4;

/// Waits shorter than this are not drawn (they are below what the picture
/// can show and what the check interval can place); together with
/// [`SUSPECT_GAP_NS`] this is the resolution stated in ARCHITECTURE.md.
pub const MIN_WAIT_NS: u64 = 20_000;

/// One stretch during which the worker was ready but on no core.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CoreWait {
    /// When the wait began, ns on the run's clock.
    pub start_ns: u64,
    /// When the worker ran again, ns.
    pub end_ns: u64,
    /// The core it ran on again.
    pub core: Option<u32>,
}

/// Where the time a thread waited for a core is read from.
#[derive(Debug)]
enum Source {
    /// The scheduler's own count (`run_delay`, ns).
    #[cfg(target_os = "linux")]
    Schedstat(std::fs::File),
    /// Wall time minus the thread's CPU time: everything the thread did not
    /// run. Used only within a compute loop, where the thread never blocks
    /// of its own accord.
    CpuClock,
}

impl Source {
    fn open() -> Self {
        #[cfg(target_os = "linux")]
        if let Ok(file) = std::fs::File::open("/proc/thread-self/schedstat")
            && read_run_delay(&file).is_some()
        {
            return Source::Schedstat(file);
        }
        Source::CpuClock
    }

    /// Nanoseconds this thread has waited for a core so far, counted from
    /// some fixed zero: only differences mean something.
    fn waited_ns(&self, now_ns: u64) -> u64 {
        match self {
            #[cfg(target_os = "linux")]
            Source::Schedstat(file) => read_run_delay(file).unwrap_or(0),
            Source::CpuClock => now_ns.saturating_sub(platform::thread_cpu_ns()),
        }
    }
}

/// The second field of a `schedstat` file: time spent waiting on a run queue.
#[cfg(target_os = "linux")]
fn read_run_delay(file: &std::fs::File) -> Option<u64> {
    use std::os::unix::fs::FileExt;
    let mut buf = [0u8; 96];
    let n = file.read_at(&mut buf, 0).ok()?;
    let text = std::str::from_utf8(&buf[..n]).ok()?;
    text.split_whitespace().nth(1)?.parse().ok()
}

/// What a worker knows about its cores.
#[derive(Debug)]
pub struct CoreWatch {
    source: Source,
    /// The last check, ns on the run's clock.
    last_check_ns: u64,
    /// The gap between two checks when nothing happens, ns: a running
    /// average of the time the steps between two checks took (0 until the
    /// first check).
    typical_ns: u64,
    /// The time and the waited count at the last look at the kernel.
    anchor_ns: u64,
    anchor_waited_ns: u64,
    core: Option<u32>,
    /// Waits drawn so far, ns in all.
    waited_ns: u64,
    /// Time on each core (indexed by core), ns.
    on_core_ns: Vec<u64>,
}

impl CoreWatch {
    /// Starts watching at `now_ns`, on the core the thread is on now.
    pub fn new(now_ns: u64) -> Self {
        let source = Source::open();
        let anchor_waited_ns = source.waited_ns(now_ns);
        Self {
            source,
            last_check_ns: now_ns,
            typical_ns: 0,
            anchor_ns: now_ns,
            anchor_waited_ns,
            core: platform::current_core(),
            waited_ns: 0,
            on_core_ns: Vec::new(),
        }
    }

    /// The core the thread was on at the last check.
    pub fn core(&self) -> Option<u32> {
        self.core
    }

    /// A check between steps at `now_ns` (at most a few steps after the
    /// last one): counts the time since then on the current core, and
    /// returns the wait for a core that the gap hid, if there was one.
    /// `quiet` is the longest stretch since the last check in which the
    /// worker recorded nothing: a wait can only lie there.
    #[inline]
    pub fn check(&mut self, now_ns: u64, quiet: (u64, u64)) -> Option<CoreWait> {
        let gap = now_ns.saturating_sub(self.last_check_ns);
        let wait = if gap > SUSPECT_GAP_NS.max(SUSPECT_TIMES * self.typical_ns) {
            self.look_at_gap(now_ns, quiet)
        } else {
            None
        };
        let waited = wait.map_or(0, |w| w.end_ns - w.start_ns);
        // The time the steps took, averaged over the last eight checks or
        // so (shifts and adds only): what a gap is measured against.
        let computed = gap - waited;
        self.typical_ns = match self.typical_ns {
            0 => computed,
            t => t - t / 8 + computed / 8,
        };
        self.count_on_core(gap.saturating_sub(waited));
        self.last_check_ns = now_ns;
        if let Some(w) = wait {
            self.core = w.core;
        }
        wait
    }

    /// Asks the kernel how long the thread waited since the last look, and
    /// places that much at the end of the quiet stretch `quiet`.
    #[cold]
    #[inline(never)]
    fn look_at_gap(&mut self, now_ns: u64, quiet: (u64, u64)) -> Option<CoreWait> {
        let waited_now = self.source.waited_ns(now_ns);
        let waited = waited_now.saturating_sub(self.anchor_waited_ns);
        self.anchor_ns = now_ns;
        self.anchor_waited_ns = waited_now;
        let end = quiet.1.min(now_ns);
        let start = end
            .saturating_sub(waited)
            .max(quiet.0)
            .max(self.last_check_ns);
        if end.saturating_sub(start) < MIN_WAIT_NS {
            return None;
        }
        self.waited_ns += end - start;
        Some(CoreWait {
            start_ns: start,
            end_ns: end,
            core: platform::current_core(),
        })
    }

    /// After something that may have blocked (a GIL or lock wait, I/O): the
    /// time since the last check was not spent computing, so it is neither
    /// on a core nor a wait to draw here. Starts afresh at `now_ns`.
    pub fn resync(&mut self, now_ns: u64) {
        self.last_check_ns = now_ns;
        self.anchor_ns = now_ns;
        self.anchor_waited_ns = self.source.waited_ns(now_ns);
        self.core = platform::current_core();
    }

    /// Notes the core the thread is on now (a cheap call, made every few
    /// steps); returns it when it changed.
    #[inline]
    pub fn note_core(&mut self) -> Option<u32> {
        let core = platform::current_core();
        if core != self.core {
            self.core = core;
            return core;
        }
        None
    }

    fn count_on_core(&mut self, ns: u64) {
        if let Some(core) = self.core {
            let i = core as usize;
            if self.on_core_ns.len() <= i {
                self.on_core_ns.resize(i + 1, 0);
            }
            self.on_core_ns[i] += ns;
        }
    }

    /// Waits drawn so far, ns in all.
    pub fn waited_ns(&self) -> u64 {
        self.waited_ns
    }

    /// Time computed on each core so far, ns (indexed by core).
    pub fn on_core_ns(&self) -> &[u64] {
        &self.on_core_ns
    }

    /// Where the waits are read from, for the docs and the tests.
    pub fn measured_by_kernel(&self) -> bool {
        #[cfg(target_os = "linux")]
        {
            matches!(self.source, Source::Schedstat(_))
        }
        #[cfg(not(target_os = "linux"))]
        {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_gaps_are_on_core_and_never_looked_into() {
        let mut w = CoreWatch::new(1_000);
        for i in 1..=100u64 {
            let now = 1_000 + i * 5_000;
            assert_eq!(w.check(now, (now - 5_000, now)), None);
        }
        let total: u64 = w.on_core_ns().iter().sum();
        if w.core().is_some() {
            assert_eq!(total, 500_000);
        }
        assert_eq!(w.waited_ns(), 0);
    }

    #[test]
    fn slow_steps_raise_the_bar_for_a_suspect_gap() {
        // Checks 200 µs apart (steps under a profiler): a gap of 300 µs is
        // ordinary then, and the kernel is not asked at every check.
        let mut w = CoreWatch::new(0);
        for i in 1..=50u64 {
            w.check(i * 200_000, (i * 200_000 - 200_000, i * 200_000));
        }
        assert!(
            (150_000..=250_000).contains(&w.typical_ns),
            "{}",
            w.typical_ns
        );
        let anchor = w.anchor_ns;
        let now = 50 * 200_000 + 300_000;
        assert_eq!(w.check(now, (now - 300_000, now)), None);
        assert_eq!(w.anchor_ns, anchor, "not looked into");
    }

    #[test]
    fn a_long_gap_the_kernel_did_not_count_is_not_a_wait() {
        // The clock jumps 10 ms, but this thread did not wait for a core
        // meanwhile (the jump is made up): no wait may be drawn.
        let mut w = CoreWatch::new(0);
        let t0 = crate::recording::monotonic_ns();
        w.resync(t0);
        let wait = w.check(t0 + 10_000_000, (t0, t0 + 10_000_000));
        if w.measured_by_kernel() {
            assert_eq!(wait, None);
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_thread_kept_off_its_core_sees_the_wait() {
        // Pin this thread and a spinner to one core: each takes turns, so
        // this thread waits for the core while the spinner runs.
        let core = platform::current_core().unwrap_or(0);
        let pin = |c: u32| unsafe {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            libc::CPU_SET(c as usize, &mut set);
            libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) == 0
        };
        if !pin(core) {
            return;
        }
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let spinner = {
            let stop = stop.clone();
            std::thread::Builder::new()
                .name("tl-test-spin".into())
                .spawn(move || {
                    pin(core);
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        std::hint::spin_loop();
                    }
                })
                .unwrap()
        };
        let now = crate::recording::monotonic_ns;
        let mut w = CoreWatch::new(now());
        let start = now();
        let mut last = start;
        let mut waits = Vec::new();
        while now() - start < 300_000_000 {
            let mut x = 0u64;
            for i in 0..2_000u64 {
                x = std::hint::black_box(x.wrapping_add(i));
            }
            std::hint::black_box(x);
            let t = now();
            if let Some(wait) = w.check(t, (last, t)) {
                waits.push(wait);
            }
            last = t;
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        spinner.join().unwrap();
        assert!(!waits.is_empty(), "sharing one core, this thread must wait");
        assert!(waits.windows(2).all(|p| p[0].end_ns <= p[1].start_ns));
        // It shared its core with a spinner: about half the time waiting.
        let share = w.waited_ns() as f64 / 300e6;
        assert!(share > 0.15, "waited {share:.2} of the time");
    }
}
