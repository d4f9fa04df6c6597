//! Real child processes, each its own interpreter with its own GIL, seen
//! from the parent: this folder is the plumbing only, and knows nothing of
//! the labs the children run.
//!
//! A child is threadlab's own executable started with the hidden `worker`
//! subcommand (its side is [`crate::engine::child`]). The parent ([`group`])
//! sends each child its part of the scenario over stdin, measures how well
//! the two clocks agree, and then a reader thread per child ([`link`])
//! decodes the child's event batches from its stdout and forwards them into
//! the run's channel live. The child's last frame carries its measurements,
//! which the parent merges into the run's summary ([`merge`]).
//!
//! Nothing is left behind: every child is killed and reaped on every path
//! out of a run (normal end, error, Stop, panic), and a child dies with its
//! parent (`PR_SET_PDEATHSIG` on Linux, and end-of-file on its stdin).

pub mod group;
pub mod link;
pub mod merge;
pub mod protocol;
pub mod rss;

pub use group::{GroupOutcome, GroupSpec, ProcessGroup};

use crate::model::WorkerId;
use crate::wire::WireError;
use std::path::PathBuf;
use std::sync::OnceLock;

/// Environment variable through which a child learns its parent's pid, so it
/// can tell whether the parent died before the child asked to die with it.
pub const PARENT_PID_ENV: &str = "THREADLAB_PARENT_PID";

/// Environment variable naming the executable to start as a child, for
/// programs that embed the engine but are not threadlab (tests, benchmarks).
pub const WORKER_EXE_ENV: &str = "THREADLAB_WORKER_EXE";

static WORKER_PROGRAM: OnceLock<PathBuf> = OnceLock::new();

/// Sets the executable started as a child process (`<path> worker`), for
/// programs that embed the engine but are not threadlab themselves, such as
/// tests and benchmarks. The first call wins; returns whether this one did.
pub fn set_worker_program(path: impl Into<PathBuf>) -> bool {
    WORKER_PROGRAM.set(path.into()).is_ok()
}

/// The executable started as a child: the one given to
/// [`set_worker_program`], else `$THREADLAB_WORKER_EXE`, else this program —
/// provided it is threadlab: another program (a test harness, say) would take
/// `worker` for an argument of its own.
pub fn worker_program() -> std::io::Result<PathBuf> {
    if let Some(p) = WORKER_PROGRAM.get() {
        return Ok(p.clone());
    }
    if let Some(p) = std::env::var_os(WORKER_EXE_ENV) {
        return Ok(PathBuf::from(p));
    }
    let exe = std::env::current_exe()?;
    if exe.file_stem().is_some_and(|stem| stem == "threadlab") {
        Ok(exe)
    } else {
        Err(std::io::Error::other(format!(
            "{} is not threadlab; name the threadlab binary with set_worker_program or ${WORKER_EXE_ENV}",
            exe.display()
        )))
    }
}

/// Why a child process failed. Every variant names the process (1..=P), as
/// worker ids do, and its pid once it has one.
#[derive(Debug, thiserror::Error)]
pub enum ProcessError {
    /// threadlab's own executable could not be found.
    #[error("cannot start process {process}: threadlab's executable is unknown ({source})")]
    Exe {
        /// Which process.
        process: u16,
        /// The OS error.
        source: std::io::Error,
    },
    /// The OS refused to start the child.
    #[error("could not start process {process}: {source}")]
    Spawn {
        /// Which process.
        process: u16,
        /// The OS error.
        source: std::io::Error,
    },
    /// The thread reading the child could not start.
    #[error("could not start the reader of process {process}: {source}")]
    Reader {
        /// Which process.
        process: u16,
        /// The OS error.
        source: std::io::Error,
    },
    /// The child's pipe carried something that is not a valid frame.
    #[error("process {process} (pid {pid}): {source}")]
    Wire {
        /// Which process.
        process: u16,
        /// Its pid.
        pid: u32,
        /// What was wrong.
        source: WireError,
    },
    /// The child sent an event of a worker that is not one of its own.
    #[error("process {process} (pid {pid}) sent an event of worker {worker}, which is not its own")]
    WrongWorker {
        /// Which process.
        process: u16,
        /// Its pid.
        pid: u32,
        /// The worker named in the event.
        worker: WorkerId,
    },
    /// The child reported a failure (a worker panicked, a lab failed).
    #[error("process {process} (pid {pid}) failed: {message}")]
    Failed {
        /// Which process.
        process: u16,
        /// Its pid.
        pid: u32,
        /// What the child said.
        message: String,
    },
    /// The child ended without sending its result, and nobody killed it.
    #[error("process {process} (pid {pid}) died before it sent its result ({status})")]
    Died {
        /// Which process.
        process: u16,
        /// Its pid.
        pid: u32,
        /// How it ended.
        status: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_program_that_is_not_threadlab_is_not_started_as_a_worker() {
        // This unit-test binary is `threadlab-<hash>`: starting it with
        // `worker` would run its tests instead.
        if WORKER_PROGRAM.get().is_none() && std::env::var_os(WORKER_EXE_ENV).is_none() {
            let err = worker_program().unwrap_err().to_string();
            assert!(err.contains("is not threadlab"), "{err}");
        }
    }
}
