//! Ctrl-C (and `kill`, SIGTERM) during `threadlab run`. Left to the default
//! action, the signal would end the process on the spot: the daemon lab's
//! scratch folders would stay behind and the summary would be lost. So the
//! first signal only asks the run to stop: its workers end at their next
//! check, its child processes are killed and reaped, every lab cleans up,
//! and the summary (marked stopped) is printed; the exit code is then 128 +
//! the signal, as a shell expects. A second signal, or a run that has not
//! ended [`GRACE`] after the first (a thread deep in a long blocking wait),
//! removes the scratch folders and exits at once.

use std::sync::atomic::{AtomicI32, AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// How long a run may take to stop after the first signal.
pub const GRACE: Duration = Duration::from_secs(2);

static SIGNALS: AtomicU32 = AtomicU32::new(0);
static LAST_SIGNAL: AtomicI32 = AtomicI32::new(0);

extern "C" fn on_signal(signal: libc::c_int) {
    // Only atomics here: nothing else is safe in a signal handler.
    LAST_SIGNAL.store(signal, Ordering::SeqCst);
    SIGNALS.fetch_add(1, Ordering::SeqCst);
}

/// Catches SIGINT and SIGTERM from now on.
pub fn install() {
    #[cfg(unix)]
    for signal in [libc::SIGINT, libc::SIGTERM] {
        // SAFETY: `action` is fully initialised (zeroed, then its handler and
        // an empty mask set); `on_signal` only touches atomics.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_signal as *const () as libc::sighandler_t;
            libc::sigemptyset(&mut action.sa_mask);
            action.sa_flags = libc::SA_RESTART;
            libc::sigaction(signal, &action, std::ptr::null_mut());
        }
    }
}

/// The exit code for the signal that arrived, if one did: 128 + its number.
pub fn exit_code() -> Option<u8> {
    (SIGNALS.load(Ordering::SeqCst) > 0).then(|| 128 + LAST_SIGNAL.load(Ordering::SeqCst) as u8)
}

/// Watches for signals during one run: [`Watch::stop_requested`] is asked
/// between the run's messages.
#[derive(Debug, Default)]
pub struct Watch {
    first: Option<Instant>,
}

impl Watch {
    /// Whether the run should stop. Gives up on the run, and exits the
    /// process, on a second signal or when the run outlives [`GRACE`].
    pub fn stop_requested(&mut self) -> bool {
        let signals = SIGNALS.load(Ordering::SeqCst);
        if signals == 0 {
            return false;
        }
        let first = *self.first.get_or_insert_with(Instant::now);
        if signals >= 2 || first.elapsed() > GRACE {
            give_up();
        }
        true
    }
}

/// Removes this process's scratch folders, and the temporary file of a run
/// being saved (`--save`), and exits with 128 + the signal.
/// The children, if any, die with this process (see `engine::child`), and
/// the next run removes what they left.
fn give_up() -> ! {
    crate::engine::scratch::remove_own();
    crate::export::remove_unfinished();
    super::out::warn("interrupted; the run did not stop in time");
    std::process::exit(i32::from(exit_code().unwrap_or(130)))
}
