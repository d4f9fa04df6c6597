//! A run's stop request. Workers check it cooperatively between steps, so
//! that check is one atomic load. Threads that sleep, or wait on several
//! things at once, wait on it as a channel instead: a channel that never
//! carries a message and is closed by [`CancelToken::cancel`], so a `recv` on
//! it in a `select!` returns the moment a stop is asked for, beside whatever
//! else the thread waits on (reports of child processes, a timer).
//!
//! A mutex and a condition variable would wake a sleeper just as fast, but
//! cannot take part in a `select!`; closing a channel is how crossbeam
//! broadcasts to every receiver at once.

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, bounded};
use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Cloneable stop flag that sleepers and `select!` can wait on.
#[derive(Clone, Debug, Default)]
pub struct CancelToken {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    flag: AtomicBool,
    /// The only sender of `closed`; `cancel` drops it, which disconnects
    /// every receiver and so wakes every waiter.
    open: Mutex<Option<Sender<Infallible>>>,
    closed: Receiver<Infallible>,
}

impl Default for Inner {
    fn default() -> Self {
        let (open, closed) = bounded(0);
        Self {
            flag: AtomicBool::new(false),
            open: Mutex::new(Some(open)),
            closed,
        }
    }
}

impl CancelToken {
    /// A token not yet cancelled.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks everyone holding a clone to stop.
    pub fn cancel(&self) {
        self.inner.flag.store(true, Ordering::Release);
        let sender = self
            .inner
            .open
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        drop(sender);
    }

    /// Whether a stop was asked for. One relaxed load: cheap enough per step.
    #[inline]
    pub fn is_cancelled(&self) -> bool {
        self.inner.flag.load(Ordering::Relaxed)
    }

    /// Sleeps up to `timeout`; returns early (true) when cancelled.
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        if self.is_cancelled() {
            return true;
        }
        match self.inner.closed.recv_timeout(timeout) {
            Ok(never) => match never {},
            Err(RecvTimeoutError::Disconnected) => true,
            Err(RecvTimeoutError::Timeout) => self.is_cancelled(),
        }
    }

    /// The stop request as a channel for `select!`: it never carries a
    /// message, and once a stop is asked for every `recv` on it returns at
    /// once (with an error). A thread that has answered the stop should stop
    /// listening to it, or its `select!` would spin.
    pub fn signal(&self) -> &Receiver<Infallible> {
        &self.inner.closed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn cancel_wakes_a_sleeper() {
        let token = CancelToken::new();
        let t2 = token.clone();
        let start = Instant::now();
        let h = std::thread::Builder::new()
            .name("test-canceller".into())
            .spawn(move || {
                std::thread::sleep(Duration::from_millis(20));
                t2.cancel();
            })
            .unwrap();
        assert!(token.wait_timeout(Duration::from_secs(10)));
        assert!(start.elapsed() < Duration::from_secs(5));
        h.join().unwrap();
    }

    #[test]
    fn times_out_when_not_cancelled() {
        assert!(!CancelToken::new().wait_timeout(Duration::from_millis(5)));
    }

    #[test]
    fn the_signal_wakes_a_select_on_cancel() {
        let token = CancelToken::new();
        let idle = crossbeam_channel::never::<()>();
        let before = crossbeam_channel::select! {
            recv(token.signal()) -> _ => "stopped",
            recv(idle) -> _ => "idle",
            default(Duration::from_millis(5)) => "timed out",
        };
        assert_eq!(before, "timed out");
        token.clone().cancel();
        let after = crossbeam_channel::select! {
            recv(token.signal()) -> _ => "stopped",
            recv(idle) -> _ => "idle",
            default(Duration::from_secs(10)) => "timed out",
        };
        assert_eq!(after, "stopped");
        assert!(token.wait_timeout(Duration::from_secs(10)));
    }
}
