//! How busy every CPU core was while a run went on, and whose time it was,
//! sampled by a background thread.
//!
//! The run's workers measure their own time on each core (their events);
//! this sampler adds what they cannot see: the machine's load per core (the
//! kernel's count, every program included) and the CPU time of threadlab's
//! own other threads, read per thread from `/proc` and put on the core each
//! ran on last. Whatever is left of a core's busy time is other programs.
//! So a window that costs a third of a core to draw is named as such, and
//! is never blamed on other programs.
//!
//! The sampler is told to stop through a channel of its own, not the
//! engine's stop request, so sampling stands below the engine and knows
//! nothing of it.

use crate::model::{CoreSample, RunMessage};
use crate::recording::Clock;
use crate::sampling::procfs::{self, CoreTicks, ThreadTime};
use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, TrySendError};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// How often the cores are sampled. Reading `/proc` costs a few hundred
/// microseconds a time, so this is about half a per cent of one core; the
/// kernel counts a core's busy time in ticks of 10 ms, so a finer interval
/// would show ticks rather than load.
pub const SAMPLE_EVERY: Duration = Duration::from_millis(50);

/// Number of logical cores this process may use (at least 1).
pub fn core_count() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The run's child processes, whose threads the sampler reads as well: the
/// engine adds each child as it starts it.
#[derive(Clone, Debug, Default)]
pub struct ChildPids(Arc<Mutex<Vec<u32>>>);

impl ChildPids {
    /// Adds children to watch.
    pub fn add(&self, pids: impl IntoIterator<Item = u32>) {
        if let Ok(mut v) = self.0.lock() {
            v.extend(pids);
        }
    }

    fn snapshot(&self) -> Vec<u32> {
        self.0.lock().map(|v| v.clone()).unwrap_or_default()
    }
}

/// What the sampler counted over the whole run, ns of CPU time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LoadTotals {
    /// Time the samples cover.
    pub span_ns: u64,
    /// Busy time of every core together, all programs (the kernel's count).
    pub machine_busy_ns: u64,
    /// threadlab's front end: the threads of this process that belong to
    /// neither the run's workers nor its helpers (the window, its
    /// renderer; on the command line, its main thread).
    pub front_end_ns: u64,
    /// The run's helper threads, in this process and in its children.
    pub helpers_ns: u64,
}

/// Whose a thread is, told by its name (every thread threadlab starts is
/// named; see `clippy.toml`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// A worker of the run (`tl-p1-t3`): measured by itself, not here.
    Worker,
    /// One of the run's helpers (`tl-coordinator`, `tl-core-sampler`, a
    /// child's reader, a child process's main thread).
    Helper,
    /// threadlab's front end: every other thread of this process.
    FrontEnd,
}

/// The role of thread `name`, in this process (`own`) or in a child.
pub fn role_of(name: &str, own: bool) -> Role {
    let is_worker = name
        .strip_prefix("tl-p")
        .and_then(|rest| rest.split_once("-t"))
        .is_some_and(|(p, t)| {
            !p.is_empty()
                && !t.is_empty()
                && p.bytes().all(|b| b.is_ascii_digit())
                && t.bytes().all(|b| b.is_ascii_digit())
        });
    if is_worker {
        Role::Worker
    } else if name.starts_with("tl-") || !own {
        Role::Helper
    } else {
        Role::FrontEnd
    }
}

/// One look at the machine.
struct Snapshot {
    t_ns: u64,
    ticks: Option<Vec<CoreTicks>>,
    /// (pid or 0 for this process, tid) → the thread.
    threads: HashMap<(u32, u32), (Role, ThreadTime)>,
}

impl Snapshot {
    fn take(clock: &Clock, children: &ChildPids) -> Self {
        let mut threads = HashMap::new();
        for t in procfs::threads_of(None) {
            threads.insert((0, t.tid), (role_of(&t.name, true), t));
        }
        for pid in children.snapshot() {
            for t in procfs::threads_of(Some(pid)) {
                threads.insert((pid, t.tid), (role_of(&t.name, false), t));
            }
        }
        Self {
            t_ns: clock.now_ns(),
            ticks: procfs::core_ticks(),
            threads,
        }
    }

    /// What happened between `before` and this snapshot, as a sample of
    /// `cores` cores; adds the interval to `totals`.
    fn since(&self, before: &Snapshot, cores: usize, totals: &mut LoadTotals) -> CoreSample {
        let interval_ns = self.t_ns.saturating_sub(before.t_ns);
        let mut sample = CoreSample {
            t_ns: self.t_ns,
            interval_ns,
            usage: vec![0.0; cores],
            front_end: vec![0.0; cores],
            helpers: vec![0.0; cores],
        };
        if let (Some(now), Some(then)) = (&self.ticks, &before.ticks) {
            let tick = procfs::tick_ns();
            for (core, (a, b)) in now.iter().zip(then).enumerate().take(cores) {
                let busy = a.busy.saturating_sub(b.busy);
                let total = a.total.saturating_sub(b.total);
                if total > 0 {
                    sample.usage[core] = (100.0 * busy as f64 / total as f64).min(100.0) as f32;
                }
                totals.machine_busy_ns += busy * tick;
            }
        }
        for (key, (role, t)) in &self.threads {
            let was = before.threads.get(key).map_or(0, |(_, b)| b.cpu_ns);
            let used = t.cpu_ns.saturating_sub(was);
            if used == 0 || *role == Role::Worker {
                continue;
            }
            let share = match role {
                Role::FrontEnd => {
                    totals.front_end_ns += used;
                    &mut sample.front_end
                }
                _ => {
                    totals.helpers_ns += used;
                    &mut sample.helpers
                }
            };
            if let Some(slot) = t.core.and_then(|c| share.get_mut(c as usize))
                && interval_ns > 0
            {
                *slot = (*slot + (100.0 * used as f64 / interval_ns as f64) as f32).min(100.0);
            }
        }
        totals.span_ns += interval_ns;
        sample
    }
}

/// Starts the sampler thread: it sends a [`CoreSample`] every
/// [`SAMPLE_EVERY`], and a last one when `stop` carries a message or is
/// disconnected (every sender of it dropped), so a run shorter than one
/// interval is covered too; samples the consumer has no room for are
/// dropped. Joining it gives what it counted over the whole run.
pub fn spawn_core_sampler<S: Send + 'static>(
    clock: Clock,
    tx: Sender<RunMessage>,
    stop: Receiver<S>,
    children: ChildPids,
) -> std::io::Result<JoinHandle<LoadTotals>> {
    std::thread::Builder::new()
        .name("tl-core-sampler".into())
        .spawn(move || {
            let cores = core_count().max(machine_cores());
            let mut totals = LoadTotals::default();
            let mut before = Snapshot::take(&clock, &children);
            loop {
                let stopping = !matches!(
                    stop.recv_timeout(SAMPLE_EVERY),
                    Err(RecvTimeoutError::Timeout)
                );
                let now = Snapshot::take(&clock, &children);
                let sample = now.since(&before, cores, &mut totals);
                before = now;
                if let Err(TrySendError::Disconnected(_)) = tx.try_send(RunMessage::Cores(sample)) {
                    return totals;
                }
                if stopping {
                    return totals;
                }
            }
        })
}

/// Cores the kernel counts in `/proc/stat` (every core of the machine,
/// also those this process may not use), or 0 where it cannot be read.
fn machine_cores() -> usize {
    procfs::core_ticks().map_or(0, |t| t.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossbeam_channel::bounded;

    #[test]
    fn threads_are_told_apart_by_their_names() {
        assert_eq!(role_of("tl-p0-t3", true), Role::Worker);
        assert_eq!(role_of("tl-p12-t0", false), Role::Worker);
        assert_eq!(role_of("tl-coordinator", true), Role::Helper);
        assert_eq!(role_of("tl-pipe-3", true), Role::Helper);
        assert_eq!(role_of("llvmpipe-0", true), Role::FrontEnd);
        assert_eq!(role_of("threadlab", true), Role::FrontEnd);
        assert_eq!(role_of("threadlab", false), Role::Helper);
    }

    #[test]
    fn sampler_reports_every_core_and_a_last_sample_at_stop() {
        let (tx, rx) = bounded(16);
        let (stop, stopped) = bounded::<()>(0);
        let h = spawn_core_sampler(Clock::start_now(), tx, stopped, ChildPids::default()).unwrap();
        let first = rx.recv_timeout(Duration::from_secs(10)).unwrap();
        drop(stop);
        let totals = h.join().unwrap();
        match first {
            RunMessage::Cores(s) => {
                assert!(s.usage.len() >= core_count());
                assert_eq!(s.front_end.len(), s.usage.len());
                assert!(s.usage.iter().all(|u| (0.0..=100.0).contains(u)));
                assert!(s.interval_ns > 0);
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(totals.span_ns > 0);
        // This test's own thread is this process's "front end" here, and it
        // waited on a channel: it may have used little, but the sampler
        // itself is a helper and ran.
        assert!(totals.helpers_ns > 0 || totals.span_ns < SAMPLE_EVERY.as_nanos() as u64);
    }

    #[test]
    fn a_busy_front_end_thread_is_counted_as_the_front_end() {
        let (tx, rx) = bounded(256);
        let (stop, stopped) = bounded::<()>(0);
        let h = spawn_core_sampler(Clock::start_now(), tx, stopped, ChildPids::default()).unwrap();
        // A thread named as no threadlab thread is (so: the "front end")
        // spins until it has used 200 ms of CPU, then stays alive until the
        // sampler has taken its last look.
        let (done, release) = bounded::<()>(0);
        let spin = std::thread::Builder::new()
            .name("ui-test-front".into())
            .spawn(move || {
                let cpu = || {
                    let mut ts = libc::timespec {
                        tv_sec: 0,
                        tv_nsec: 0,
                    };
                    // SAFETY: `ts` is valid and writable.
                    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
                    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
                };
                let deadline = std::time::Instant::now() + Duration::from_secs(20);
                while cpu() < 200_000_000 && std::time::Instant::now() < deadline {
                    std::hint::spin_loop();
                }
                let used = cpu();
                let _ = release.recv();
                used
            })
            .unwrap();
        while !spin.is_finished() && rx.len() < 250 {
            std::thread::sleep(Duration::from_millis(20));
            // Wait until the spinner has done its work (it then blocks).
            if procfs::threads_of(None)
                .iter()
                .any(|t| t.name == "ui-test-front" && t.cpu_ns >= 200_000_000)
            {
                break;
            }
        }
        drop(stop);
        let totals = h.join().unwrap();
        drop(done);
        let used = spin.join().unwrap();
        drop(rx);
        assert!(
            totals.front_end_ns + 10_000_000 >= used,
            "the spinner used {} ms, counted {} ms",
            used / 1_000_000,
            totals.front_end_ns / 1_000_000
        );
    }
}
