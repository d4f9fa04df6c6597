//! A stop request that workers check cooperatively, and that sleeping
//! coordinators can wait on so they wake at once.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// Cloneable stop flag with a condition variable for timed waits.
#[derive(Clone, Debug, Default)]
pub struct CancelToken {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    flag: AtomicBool,
    lock: Mutex<()>,
    cond: Condvar,
}

impl CancelToken {
    /// A token not yet cancelled.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks everyone holding a clone to stop.
    pub fn cancel(&self) {
        self.inner.flag.store(true, Ordering::Release);
        let _guard = self.inner.lock.lock().unwrap_or_else(|e| e.into_inner());
        self.inner.cond.notify_all();
    }

    /// Whether a stop was asked for. One relaxed load: cheap enough per step.
    #[inline]
    pub fn is_cancelled(&self) -> bool {
        self.inner.flag.load(Ordering::Relaxed)
    }

    /// Sleeps up to `timeout`; returns early (true) when cancelled.
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut guard = self.inner.lock.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if self.is_cancelled() {
                return true;
            }
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            guard = match self.inner.cond.wait_timeout(guard, deadline - now) {
                Ok((g, _)) => g,
                Err(e) => e.into_inner().0,
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
