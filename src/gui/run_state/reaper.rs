//! Ending runs without freezing the window. Dropping a [`RunHandle`] stops its
//! workers and joins them, which can take as long as a blocking wait; the
//! reaper does it on a named thread and joins those threads when the window
//! closes, so no thread outlives the app.

use crate::engine::RunHandle;
use std::thread::JoinHandle;

/// Threads dropping old runs.
#[derive(Debug, Default)]
pub struct Reaper {
    threads: Vec<JoinHandle<()>>,
}

impl Reaper {
    /// Stops `handle`'s run and joins it in the background.
    pub fn reap(&mut self, handle: RunHandle) {
        handle.stop();
        self.threads.retain(|t| !t.is_finished());
        // If no thread can be spawned, the closure, and with it the run, is
        // dropped right here: the window waits a moment, nothing leaks.
        if let Ok(t) = std::thread::Builder::new()
            .name("tl-run-reaper".into())
            .spawn(move || drop(handle))
        {
            self.threads.push(t);
        }
    }

    /// Keeps a thread that is ending by itself, to join it with the others.
    pub fn adopt(&mut self, thread: JoinHandle<()>) {
        self.threads.retain(|t| !t.is_finished());
        self.threads.push(thread);
    }

    /// Waits for every run handed over so far to end.
    pub fn join_all(&mut self) {
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }

    /// Runs still being ended.
    pub fn pending(&mut self) -> usize {
        self.threads.retain(|t| !t.is_finished());
        self.threads.len()
    }
}

impl Drop for Reaper {
    fn drop(&mut self) {
        self.join_all();
    }
}
