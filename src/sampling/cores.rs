//! Machine-wide load of every CPU core, sampled by a background thread while
//! a run goes on. Other programs' load is included: this is what the cores
//! really did, beside what our workers say they did.
//!
//! The sampler is told to stop through a channel of its own, not the
//! engine's stop request, so sampling stands below the engine and knows
//! nothing of it.

use crate::model::{CoreSample, RunMessage};
use crate::recording::Clock;
use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, TrySendError};
use std::thread::JoinHandle;
use std::time::Duration;

/// How often the cores are sampled. sysinfo needs at least
/// `MINIMUM_CPU_UPDATE_INTERVAL` (200 ms on Linux) between two refreshes.
pub const SAMPLE_EVERY: Duration = Duration::from_millis(250);

/// Number of logical cores on this machine (at least 1).
pub fn core_count() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Starts the sampler thread: it sends a [`CoreSample`] every [`SAMPLE_EVERY`]
/// until `stop` carries a message or is disconnected (every sender of it
/// dropped), dropping samples the consumer has no room for.
pub fn spawn_core_sampler<S: Send + 'static>(
    clock: Clock,
    tx: Sender<RunMessage>,
    stop: Receiver<S>,
) -> std::io::Result<JoinHandle<()>> {
    std::thread::Builder::new()
        .name("tl-core-sampler".into())
        .spawn(move || {
            let Ok(mut sys) = sysinfo::System::new() else {
                return;
            };
            sys.refresh_cpu_usage();
            let every = SAMPLE_EVERY.max(sysinfo::MINIMUM_CPU_UPDATE_INTERVAL);
            while let Err(RecvTimeoutError::Timeout) = stop.recv_timeout(every) {
                sys.refresh_cpu_usage();
                let usage = sys.cpus().iter().map(|c| c.usage()).collect();
                let sample = CoreSample {
                    t_ns: clock.now_ns(),
                    usage,
                };
                if let Err(TrySendError::Disconnected(_)) = tx.try_send(RunMessage::Cores(sample)) {
                    return;
                }
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossbeam_channel::bounded;

    #[test]
    fn sampler_reports_every_core_and_stops() {
        let (tx, rx) = bounded(16);
        let (stop, stopped) = bounded::<()>(0);
        let h = spawn_core_sampler(Clock::start_now(), tx, stopped).unwrap();
        let msg = rx.recv_timeout(Duration::from_secs(10)).unwrap();
        drop(stop);
        h.join().unwrap();
        match msg {
            RunMessage::Cores(s) => {
                assert_eq!(s.usage.len(), core_count());
                assert!(s.usage.iter().all(|u| (0.0..=100.5).contains(u)));
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}
