//! A child process's side of a run, one of the engine's two entry points
//! (the other is [`crate::engine::run`]): what `threadlab worker` does. It
//! reads its part of the scenario from stdin, answers the parent's clock
//! probes, runs the lab as one interpreter (its own GIL) on the parent's time
//! axis, streams events to stdout in frames, and ends with its measurements.
//!
//! A child never outlives its parent: it asks the kernel to kill it when the
//! parent dies (Linux), checks that the parent did not die before it asked,
//! and exits as soon as its stdin ends.

use crate::engine::cancel::CancelToken;
use crate::engine::interp::{Interp, InterpResult, panic_message};
use crate::engine::labs::run_lab;
use crate::engine::platform::own_rss_bytes;
use crate::engine::processes::PARENT_PID_ENV;
use crate::engine::processes::protocol::{ChildResult, FromChild, Handshake, ToChild};
use crate::model::RunMessage;
use crate::recording::{Clock, EventSink};
use crate::wire::WireError;
use crossbeam_channel::{Receiver, bounded};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::sync::Arc;

/// Event batches a child buffers before its recorders start dropping.
pub const CHILD_CHANNEL_BATCHES: usize = 1024;

/// Exit code of a child whose parent went away (its stdin ended).
pub const EXIT_PARENT_GONE: i32 = 3;

/// Environment variable that makes a child fail on purpose, so tests can
/// check that a run survives it: `panic@K` or `abort@K` for process K, or
/// without `@K` for every process. Children inherit it from the parent.
pub const FAULT_ENV: &str = "THREADLAB_WORKER_FAULT";

/// Environment variable that lets a child print its panics (with their
/// place and backtrace) on stderr, as a program normally does; by default
/// only the parent reports them, once for the run.
pub const SHOW_PANICS_ENV: &str = "THREADLAB_CHILD_PANICS";

/// A failure injected through [`FAULT_ENV`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// The child panics once its lab should start.
    Panic,
    /// The child aborts (dies by SIGABRT) once its lab should start.
    Abort,
}

impl Fault {
    /// The fault asked for process `process`, if any.
    pub fn from_env(process: u16) -> Option<Fault> {
        Self::parse(&std::env::var(FAULT_ENV).ok()?, process)
    }

    /// Parses `kind[@process]` for process `process`.
    pub fn parse(text: &str, process: u16) -> Option<Fault> {
        let (kind, target) = match text.split_once('@') {
            Some((kind, k)) => (kind, Some(k.trim().parse::<u16>().ok()?)),
            None => (text, None),
        };
        if target.is_some_and(|k| k != process) {
            return None;
        }
        match kind.trim() {
            "panic" => Some(Fault::Panic),
            "abort" => Some(Fault::Abort),
            _ => None,
        }
    }
}

/// Why a child could not do its part.
#[derive(Debug, thiserror::Error)]
pub enum ChildError {
    /// The pipe to or from the parent failed or carried garbage.
    #[error("worker process: {0}")]
    Wire(#[from] WireError),
    /// The parent sent something out of order.
    #[error("worker process: {0}")]
    Protocol(String),
    /// The hand-shake asks for what this child will not do (another build,
    /// settings out of range); the child said so in its last frame.
    #[error("worker process: {0}")]
    Refused(String),
    /// A helper thread could not start.
    #[error("worker process: could not start thread {name}: {source}")]
    Thread {
        /// The thread's name.
        name: &'static str,
        /// The OS error.
        source: io::Error,
    },
}

/// `threadlab worker` as a program: runs [`main`] and returns its exit code.
///
/// The parent tells the user why a child failed, once for the whole run, so
/// a child keeps quiet about what the parent already knows or does not need:
/// a failure it sent in its last frame (a panic, a refused hand-shake) and a
/// broken pipe (the parent is gone, or gave up on it after another child
/// failed). Anything else, such as a stream that is not threadlab's, is said
/// on stderr in one line.
pub fn run_as_program() -> i32 {
    if std::env::var_os(SHOW_PANICS_ENV).is_none() {
        // A panic is caught and its message sent to the parent; the default
        // hook would print it here as well, once per child.
        std::panic::set_hook(Box::new(|_| {}));
    }
    match main() {
        Ok(()) => 0,
        Err(e) if e.is_broken_pipe() => EXIT_PARENT_GONE,
        Err(ChildError::Refused(_)) => 1,
        Err(e) => {
            let _ = writeln!(io::stderr(), "threadlab: {e}");
            1
        }
    }
}

impl ChildError {
    /// Whether the pipe to the parent broke: the parent is gone, or stopped
    /// reading because the run failed or was stopped.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, ChildError::Wire(WireError::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe)
    }
}

/// The `threadlab worker` entry point. Returns once the result is sent; an
/// error is also reported to the parent when the pipe still works.
pub fn main() -> Result<(), ChildError> {
    die_with_parent();
    let mut out = BufWriter::new(protocol_stdout()?);
    let mut input = io::stdin();
    let hello = match read_handshake(&mut input) {
        Ok(Some(hello)) => hello,
        Ok(None) => return Ok(()),
        Err(ChildError::Refused(message)) => {
            FromChild::Error(message.clone()).send(&mut out)?;
            out.flush().map_err(WireError::from)?;
            return Err(ChildError::Refused(message));
        }
        Err(e) => return Err(e),
    };
    let clock = Clock::with_epoch(hello.epoch_ns);
    if !answer_pings(&mut input, &mut out, &clock)? {
        return Ok(());
    }
    let cancel = CancelToken::new();
    watch_stdin(input, cancel.clone())?;

    let (tx, rx) = bounded(CHILD_CHANNEL_BATCHES);
    let writer = std::thread::Builder::new()
        .name("tl-child-out".into())
        .spawn(move || forward_events(rx, out))
        .map_err(|source| ChildError::Thread {
            name: "tl-child-out",
            source,
        })?;
    let process = hello.process;
    let interp = Interp::new(
        process,
        hello.processes,
        Arc::new(hello.scenario),
        clock,
        EventSink::new(tx),
        cancel,
    )
    .with_spawn_requested_ns(hello.spawn_requested_ns);
    let fault = Fault::from_env(process);
    if fault == Some(Fault::Abort) {
        std::process::abort();
    }
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        if fault == Some(Fault::Panic) {
            panic!("fault injected through {FAULT_ENV}");
        }
        run_lab(&interp)
    }));
    // The interpreter holds the last sender: dropping it lets the writer
    // drain every batch and hand stdout back.
    drop(interp);
    let mut out = match writer.join() {
        Ok(Ok(out)) => out,
        Ok(Err(e)) => return Err(e.into()),
        Err(payload) => return Err(ChildError::Protocol(panic_message(&payload))),
    };
    let last = match outcome {
        Ok(Ok(interp)) => result_message(interp),
        Ok(Err(e)) => FromChild::Error(e.to_string()),
        Err(payload) => FromChild::Error(format!(
            "its main thread panicked: {}",
            panic_message(&payload)
        )),
    };
    last.send(&mut out)?;
    out.flush().map_err(WireError::from)?;
    Ok(())
}

fn result_message(interp: InterpResult) -> FromChild {
    FromChild::Result(Box::new(ChildResult {
        interp,
        rss_bytes: own_rss_bytes(),
    }))
}

/// Asks the kernel to kill this process when its parent dies, then checks
/// the parent did not die before the request (the child would have been
/// re-parented already, and no signal would ever come).
fn die_with_parent() {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: prctl with PR_SET_PDEATHSIG takes a signal number and no pointers.
        unsafe {
            libc::prctl(
                libc::PR_SET_PDEATHSIG,
                libc::SIGKILL as libc::c_ulong,
                0,
                0,
                0,
            )
        };
    }
    #[cfg(unix)]
    if let Some(expected) = std::env::var(PARENT_PID_ENV)
        .ok()
        .and_then(|v| v.parse::<i32>().ok())
    {
        // SAFETY: getppid has no preconditions.
        if unsafe { libc::getppid() } != expected {
            std::process::exit(EXIT_PARENT_GONE);
        }
    }
}

/// A private handle on the pipe to the parent, with fd 1 pointed at stderr
/// so that a stray print cannot corrupt the frames.
fn protocol_stdout() -> Result<File, ChildError> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        let fd = io::stdout()
            .as_fd()
            .try_clone_to_owned()
            .map_err(WireError::from)?;
        // SAFETY: dup2 on two descriptors this process owns; on failure fd 1
        // simply stays the pipe.
        unsafe { libc::dup2(libc::STDERR_FILENO, libc::STDOUT_FILENO) };
        Ok(File::from(fd))
    }
    #[cfg(not(unix))]
    {
        Err(ChildError::Protocol(
            "child processes need a Unix system".to_owned(),
        ))
    }
}

/// Reads the parent's hand-shake and checks it: the same build, and
/// settings within the limits the CLI enforces ([`Handshake::check`]), so a
/// hand-shake written by anyone else cannot make a child start more threads
/// than a run may have. `Ok(None)` when the input ends before it.
pub fn read_handshake<R: io::Read>(input: &mut R) -> Result<Option<Handshake>, ChildError> {
    let hello = match ToChild::receive(input)? {
        None => return Ok(None),
        Some(ToChild::Hello(h)) => *h,
        Some(other) => {
            return Err(ChildError::Protocol(format!(
                "expected the hand-shake, got {other:?}"
            )));
        }
    };
    if hello.build != Handshake::this_build() {
        return Err(ChildError::Refused(format!(
            "threadlab {} cannot serve a parent of version {}",
            Handshake::this_build(),
            hello.build
        )));
    }
    hello.check().map_err(ChildError::Refused)?;
    Ok(Some(hello))
}

/// Answers pings until Start (true) or the end of stdin / Stop (false).
fn answer_pings(
    input: &mut io::Stdin,
    out: &mut BufWriter<File>,
    clock: &Clock,
) -> Result<bool, ChildError> {
    loop {
        match ToChild::receive(input)? {
            Some(ToChild::Ping(seq)) => {
                let child_now_ns = clock.now_ns();
                FromChild::Pong { seq, child_now_ns }.send(out)?;
                out.flush().map_err(WireError::from)?;
            }
            Some(ToChild::Start) => return Ok(true),
            Some(ToChild::Stop) | None => return Ok(false),
            Some(ToChild::Hello(_)) => {
                return Err(ChildError::Protocol("a second hand-shake".to_owned()));
            }
        }
    }
}

/// Watches stdin while the lab runs: Stop asks the workers to stop; the end
/// of the stream (the parent is gone) ends this process at once.
fn watch_stdin(mut input: io::Stdin, cancel: CancelToken) -> Result<(), ChildError> {
    std::thread::Builder::new()
        .name("tl-child-in".into())
        .spawn(move || {
            loop {
                match ToChild::receive(&mut input) {
                    Ok(Some(ToChild::Stop)) => cancel.cancel(),
                    Ok(Some(_)) => {}
                    Ok(None) | Err(_) => {
                        // Exiting runs no lab's clean-up: remove its files now.
                        crate::engine::scratch::remove_own();
                        std::process::exit(EXIT_PARENT_GONE)
                    }
                }
            }
        })
        .map(drop)
        .map_err(|source| ChildError::Thread {
            name: "tl-child-in",
            source,
        })
}

/// Writes every batch the recorders hand over as a frame, flushing whenever
/// no further batch is waiting; returns the pipe once every recorder is gone.
fn forward_events(
    rx: Receiver<RunMessage>,
    mut out: BufWriter<File>,
) -> Result<BufWriter<File>, WireError> {
    while let Ok(message) = rx.recv() {
        let mut next = Some(message);
        while let Some(m) = next.take() {
            if let RunMessage::Events(batch) = m {
                FromChild::Events(batch).send(&mut out)?;
            }
            next = rx.try_recv().ok();
        }
        out.flush()?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_parse_for_their_process_only() {
        assert_eq!(Fault::parse("panic", 3), Some(Fault::Panic));
        assert_eq!(Fault::parse("abort@2", 2), Some(Fault::Abort));
        assert_eq!(Fault::parse("abort@2", 1), None);
        assert_eq!(Fault::parse("explode", 1), None);
        assert_eq!(Fault::parse("panic@x", 1), None);
    }
}
