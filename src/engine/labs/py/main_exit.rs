//! How a lab's main program ends, as Python's `threading` ends a program:
//! daemon threads are simply abandoned, while non-daemon threads are joined.
//! A worker that loops forever (the `while True: item = q.get()` worker)
//! therefore makes a program with non-daemon workers hang. The run says so
//! while it happens, and waits for the user's Stop.

use crate::engine::interp::Interp;
use crate::engine::worker::Worker;
use crate::model::RunMessage;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// How often the waiting main program looks at its workers again.
const RECHECK: Duration = Duration::from_millis(50);

/// Tells whoever watches the run something they should read now. Dropped
/// when the channel is full: a status line is never worth blocking for.
pub fn send_status(interp: &Interp, text: String) {
    let _ = interp.sink.sender().try_send(RunMessage::Status(text));
}

/// The end of a main program with non-daemon workers: waits, with the GIL
/// released (as `Thread.join` does), until no worker is `alive` or the run is
/// stopped. Says at once what it waits on; `recheck` is asked every
/// [`RECHECK`] and may return one more thing to say (sent once).
///
/// Returns true when every worker ended by itself.
pub fn wait_for_non_daemons(
    w: &mut Worker,
    interp: &Interp,
    alive: &AtomicU32,
    mut recheck: impl FnMut() -> Option<String>,
) -> bool {
    let waiting_on = alive.load(Ordering::SeqCst);
    if waiting_on == 0 {
        return true;
    }
    send_status(
        interp,
        format!(
            "main program is waiting on {waiting_on} non-daemon worker{} (they loop on get() \
             and never return); press Stop to end them",
            if waiting_on == 1 { "" } else { "s" }
        ),
    );
    w.drop_gil(false);
    let mut said_more = false;
    let ended = loop {
        if alive.load(Ordering::SeqCst) == 0 {
            break true;
        }
        if interp.cancel.wait_timeout(RECHECK) {
            break false;
        }
        if !said_more && let Some(text) = recheck() {
            send_status(interp, text);
            said_more = true;
        }
    };
    w.take_gil();
    ended
}

/// The lesson of a program that hung on its non-daemon workers.
pub fn hang_fix_note(workers: u32) -> String {
    format!(
        "The main program had to wait for its {workers} non-daemon workers, and they loop on \
         get() forever, so it hung until Stop. Fixes: give the workers a way out, either a \
         stop event they check in their loop (threading.Event) or one sentinel item per \
         worker (put None {workers} times; a worker that gets None returns); or make them \
         daemons, if losing their unfinished work at exit is acceptable."
    )
}
