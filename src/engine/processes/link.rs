//! The parent's line to one child: a reader thread that performs the
//! hand-shake (measuring how far the child's clock is from the parent's),
//! then decodes the child's frames as they come, checks every event belongs
//! to that child, forwards the batches into the run's channel, and keeps a
//! tally of what each worker did — all the parent knows of a child that is
//! killed before it can report.

use crate::engine::processes::ProcessError;
use crate::engine::processes::protocol::{ChildResult, FromChild, Handshake, ToChild};
use crate::model::{Event, EventKind};
use crate::recording::{Clock, EventSink};
use crate::wire::WireError;
use crossbeam_channel::Sender;
use std::io::{BufReader, Write};
use std::process::{ChildStdin, ChildStdout};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Clock probes per hand-shake; the tightest one bounds the error.
pub const PINGS: u64 = 5;

/// What the parent has seen of one worker of a child, from its events.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WorkerTally {
    /// Spawn latency from its start event, ns.
    pub spawn_ns: Option<u64>,
    /// Tasks it finished.
    pub tasks_done: u64,
    /// Events that arrived.
    pub events: u64,
    /// Events the parent dropped because the run's consumer had no room.
    pub dropped: u64,
}

/// News from a reader thread to the process group.
#[derive(Debug)]
pub enum Report {
    /// The hand-shake is done and the child runs its lab.
    Ready {
        /// Which process.
        process: u16,
        /// Bound on the child's clock error on the parent's axis, ns.
        alignment_error_ns: u64,
    },
    /// The child's stdout ended (or broke); the reader is done.
    Done {
        /// Which process.
        process: u16,
        /// What the reader saw.
        outcome: Box<LinkOutcome>,
    },
}

/// Everything one reader learned.
#[derive(Debug)]
pub struct LinkOutcome {
    /// The child's final measurements; `Ok(None)` when its output ended
    /// without them (it was killed or crashed).
    pub result: Result<Option<ChildResult>, ProcessError>,
    /// Per worker thread of the child.
    pub tally: Vec<WorkerTally>,
}

/// Who the reader serves.
pub struct LinkSpec {
    /// The child's process index.
    pub process: u16,
    /// Its pid.
    pub pid: u32,
    /// Its worker threads (events of others are refused).
    pub threads: u16,
    /// The hand-shake to send.
    pub hello: Handshake,
    /// The run's clock.
    pub clock: Clock,
    /// Where events go.
    pub sink: EventSink,
    /// When the last frame came, on the run's clock: the group watches it
    /// to tell a child that has gone quiet.
    pub heard_ns: Arc<AtomicU64>,
}

/// The reader thread's body: hand-shake, then stream until the child's
/// stdout ends. Keeps the child's stdin open until then, so the child sees
/// end-of-file only when the parent is gone or has finished with it.
pub fn serve(spec: LinkSpec, stdin: ChildStdin, stdout: ChildStdout, reports: Sender<Report>) {
    let mut stdin = stdin;
    let mut out = BufReader::with_capacity(64 * 1024, stdout);
    let mut tally = vec![WorkerTally::default(); spec.threads as usize];
    let wire = |source| ProcessError::Wire {
        process: spec.process,
        pid: spec.pid,
        source,
    };
    let result = match handshake(&spec, &mut stdin, &mut out) {
        Ok(alignment_error_ns) => {
            spec.heard_ns.store(spec.clock.now_ns(), Ordering::Relaxed);
            let _ = reports.send(Report::Ready {
                process: spec.process,
                alignment_error_ns,
            });
            stream(&spec, &mut out, &mut tally)
        }
        Err(HandshakeError::Wire(e)) => Err(wire(e)),
        Err(HandshakeError::Ended) => Ok(None),
        Err(HandshakeError::Child(message)) => Err(ProcessError::Failed {
            process: spec.process,
            pid: spec.pid,
            message,
        }),
    };
    drop(stdin);
    let _ = reports.send(Report::Done {
        process: spec.process,
        outcome: Box::new(LinkOutcome { result, tally }),
    });
}

enum HandshakeError {
    Wire(WireError),
    Ended,
    Child(String),
}

impl From<WireError> for HandshakeError {
    fn from(e: WireError) -> Self {
        HandshakeError::Wire(e)
    }
}

/// Sends the hand-shake and probes the clock; returns the tightest bound on
/// the child's clock error: half the round trip plus how far the child's
/// reading is from the middle of it.
fn handshake(
    spec: &LinkSpec,
    stdin: &mut ChildStdin,
    out: &mut BufReader<ChildStdout>,
) -> Result<u64, HandshakeError> {
    ToChild::Hello(Box::new(spec.hello.clone())).send(stdin)?;
    let mut best = u64::MAX;
    for seq in 0..PINGS {
        let t0 = spec.clock.now_ns();
        ToChild::Ping(seq).send(stdin)?;
        let reply = FromChild::receive(out)?;
        let t1 = spec.clock.now_ns();
        match reply {
            Some(FromChild::Pong {
                seq: got,
                child_now_ns,
            }) if got == seq => {
                let mid = t0 / 2 + t1 / 2;
                let error = (t1 - t0) / 2 + child_now_ns.abs_diff(mid);
                best = best.min(error);
            }
            Some(FromChild::Error(message)) => return Err(HandshakeError::Child(message)),
            None => return Err(HandshakeError::Ended),
            Some(other) => {
                return Err(HandshakeError::Child(format!(
                    "answered ping {seq} with {}",
                    describe(&other)
                )));
            }
        }
    }
    ToChild::Start.send(stdin)?;
    stdin.flush().map_err(WireError::from)?;
    Ok(best)
}

fn describe(m: &FromChild) -> String {
    match m {
        FromChild::Pong { seq, .. } => format!("pong {seq}"),
        FromChild::Events(e) => format!("{} events", e.len()),
        FromChild::Result(_) => "its result".to_owned(),
        FromChild::Error(e) => format!("an error: {e}"),
    }
}

/// Reads frames until the child's stdout ends.
fn stream(
    spec: &LinkSpec,
    out: &mut BufReader<ChildStdout>,
    tally: &mut [WorkerTally],
) -> Result<Option<ChildResult>, ProcessError> {
    let mut result = None;
    loop {
        let message = FromChild::receive(out).map_err(|source| ProcessError::Wire {
            process: spec.process,
            pid: spec.pid,
            source,
        })?;
        spec.heard_ns.store(spec.clock.now_ns(), Ordering::Relaxed);
        match message {
            None => return Ok(result),
            Some(FromChild::Events(batch)) => forward(spec, batch, tally)?,
            Some(FromChild::Result(r)) => result = Some(*r),
            Some(FromChild::Error(message)) => {
                return Err(ProcessError::Failed {
                    process: spec.process,
                    pid: spec.pid,
                    message,
                });
            }
            Some(FromChild::Pong { .. }) => {
                return Err(ProcessError::Wire {
                    process: spec.process,
                    pid: spec.pid,
                    source: WireError::Unexpected {
                        got: crate::wire::FrameKind::Pong,
                        context: "the hand-shake is over",
                    },
                });
            }
        }
    }
}

/// Checks and tallies a batch, then hands it to the run without blocking.
fn forward(
    spec: &LinkSpec,
    batch: Vec<Event>,
    tally: &mut [WorkerTally],
) -> Result<(), ProcessError> {
    for e in &batch {
        let t = tally
            .get_mut(e.worker.thread as usize)
            .filter(|_| e.worker.process == spec.process)
            .ok_or(ProcessError::WrongWorker {
                process: spec.process,
                pid: spec.pid,
                worker: e.worker,
            })?;
        t.events += 1;
        match e.kind {
            EventKind::WorkerStart => t.spawn_ns = Some(e.arg),
            EventKind::TaskEnd => t.tasks_done += 1,
            _ => {}
        }
    }
    let first = batch.first().map(|e| e.worker.thread as usize);
    if let (Err(lost), Some(thread)) = (spec.sink.send_batch(batch), first) {
        tally[thread].dropped += lost;
    }
    Ok(())
}
