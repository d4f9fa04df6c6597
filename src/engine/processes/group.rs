//! A group of child processes seen from the parent: starting them, watching
//! them (reports from their readers, resident memory), killing them on Stop
//! or when one fails, and reaping every one of them on every path out —
//! `Drop` kills and reaps whatever is still there, so an early return or a
//! panic leaves no process behind.
//!
//! Children are spawned from the thread that calls [`ProcessGroup::start`]
//! and must be supervised from it: on Linux the kernel's parent-death signal
//! follows the *thread* that spawned a child, so that thread has to outlive
//! its children (the run's coordinator does).
//!
//! That thread waits on three things at once with `select!`: the reports of
//! the children's readers (a hand-shake done, a child's output ended), the
//! run's Stop, and the next reading of resident memory. Stop is answered at
//! once with SIGKILL; a killed child's pipe closes, so its reader's blocking
//! read ends and the reader reports, and nothing waits on a read that Stop
//! cannot end.

use crate::engine::cancel::CancelToken;
use crate::engine::interp::InterpResult;
use crate::engine::processes::link::{self, LinkOutcome, LinkSpec, Report};
use crate::engine::processes::merge::{from_tally, with_parent_view};
use crate::engine::processes::protocol::Handshake;
use crate::engine::processes::rss::RssProbe;
use crate::engine::processes::{PARENT_PID_ENV, ProcessError, worker_program};
use crate::engine::scratch;
use crate::model::{RunMessage, Scenario};
use crate::recording::{Clock, EventSink};
use crossbeam_channel::{Receiver, Sender, never, select, unbounded};
use std::convert::Infallible;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How often the children's resident memory is read.
const RSS_EVERY: Duration = Duration::from_millis(100);
/// How long a child that sent its result may take to exit before it is killed.
const EXIT_GRACE: Duration = Duration::from_secs(2);
/// How long a child may send nothing, stopped, before the run names it.
const QUIET_AFTER_NS: u64 = 1_000_000_000;

/// What to start.
#[derive(Clone, Debug)]
pub struct GroupSpec {
    /// The scenario every child receives.
    pub scenario: Arc<Scenario>,
    /// How many children (P), numbered 1..=P.
    pub processes: u16,
    /// Worker threads per child.
    pub threads_per_process: u16,
}

/// What a finished group measured.
#[derive(Debug, Default)]
pub struct GroupOutcome {
    /// One result per child, in process order.
    pub results: Vec<InterpResult>,
    /// Largest bound on a child's clock error, µs.
    pub clock_alignment_error_us: Option<f64>,
    /// Whether the children were killed (Stop).
    pub killed: bool,
    /// Per child: when it was reaped, on the run's clock.
    pub reaped_at_ns: Vec<Option<u64>>,
    /// Notes for people.
    pub notes: Vec<String>,
}

struct Slot {
    process: u16,
    pid: u32,
    child: Option<Child>,
    reader: Option<JoinHandle<()>>,
    ready: bool,
    alignment_error_ns: Option<u64>,
    outcome: Option<LinkOutcome>,
    rss_max: u64,
    killed: bool,
    reaped_at_ns: Option<u64>,
    status: Option<ExitStatus>,
    /// When its last frame came (its reader stamps it).
    heard_ns: Arc<AtomicU64>,
    /// Whether the run was told that it has gone quiet.
    said_quiet: bool,
}

/// Child processes of one run.
pub struct ProcessGroup {
    slots: Vec<Slot>,
    reports: Receiver<Report>,
    clock: Clock,
    threads: u16,
    probe: RssProbe,
    last_sample: Instant,
    status: Sender<RunMessage>,
}

impl std::fmt::Debug for ProcessGroup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let pids: Vec<u32> = self.slots.iter().map(|s| s.pid).collect();
        f.debug_struct("ProcessGroup").field("pids", &pids).finish()
    }
}

impl ProcessGroup {
    /// Starts every child and its reader thread; returns at once (the
    /// hand-shakes go on in the readers). On an error, the children already
    /// started are killed and reaped.
    pub fn start(spec: &GroupSpec, clock: &Clock, sink: &EventSink) -> Result<Self, ProcessError> {
        let (tx, reports) = unbounded();
        let mut group = ProcessGroup {
            slots: Vec::with_capacity(spec.processes as usize),
            reports,
            clock: clock.clone(),
            threads: spec.threads_per_process,
            probe: RssProbe::default(),
            last_sample: Instant::now(),
            status: sink.sender().clone(),
        };
        let exe = worker_program().map_err(|source| ProcessError::Exe { process: 1, source })?;
        for process in 1..=spec.processes {
            group.spawn_one(&exe, spec, sink, process, tx.clone())?;
        }
        Ok(group)
    }

    fn spawn_one(
        &mut self,
        exe: &Path,
        spec: &GroupSpec,
        sink: &EventSink,
        process: u16,
        reports: Sender<Report>,
    ) -> Result<(), ProcessError> {
        let mut cmd = Command::new(exe);
        cmd.arg("worker")
            .env(PARENT_PID_ENV, std::process::id().to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        // The child converts the same TSC the same way, so its events land on
        // our time axis exactly (see recording::tsc).
        if let Some((key, value)) = crate::recording::tsc::child_env() {
            cmd.env(key, value);
        }
        let requested = self.clock.now_ns();
        let mut child = cmd
            .spawn()
            .map_err(|source| ProcessError::Spawn { process, source })?;
        let pid = child.id();
        let pipes = (child.stdin.take(), child.stdout.take());
        let heard_ns = Arc::new(AtomicU64::new(requested));
        self.slots.push(Slot {
            process,
            pid,
            child: Some(child),
            reader: None,
            ready: false,
            alignment_error_ns: None,
            outcome: None,
            rss_max: 0,
            killed: false,
            reaped_at_ns: None,
            status: None,
            heard_ns: heard_ns.clone(),
            said_quiet: false,
        });
        let (Some(stdin), Some(stdout)) = pipes else {
            return Err(ProcessError::Spawn {
                process,
                source: std::io::Error::other("the child's pipes are missing"),
            });
        };
        let link = LinkSpec {
            process,
            pid,
            threads: spec.threads_per_process,
            hello: Handshake {
                build: Handshake::this_build(),
                scenario: (*spec.scenario).clone(),
                process,
                processes: spec.processes as u32,
                epoch_ns: self.clock.epoch_ns(),
                spawn_requested_ns: requested,
            },
            clock: self.clock.clone(),
            sink: sink.clone(),
            heard_ns,
        };
        let reader = std::thread::Builder::new()
            .name(format!("tl-reader-p{process}"))
            .spawn(move || link::serve(link, stdin, stdout, reports))
            .map_err(|source| ProcessError::Reader { process, source })?;
        if let Some(slot) = self.slots.last_mut() {
            slot.reader = Some(reader);
        }
        Ok(())
    }

    /// The children's pids, in process order.
    pub fn pids(&self) -> Vec<u32> {
        self.slots.iter().map(|s| s.pid).collect()
    }

    /// Waits until every child has finished its hand-shake (or ended), or
    /// `cancel` is set. A child that failed meanwhile is an error.
    pub fn wait_ready(&mut self, cancel: &CancelToken) -> Result<(), ProcessError> {
        while !cancel.is_cancelled() && self.slots.iter().any(|s| !s.ready && s.outcome.is_none()) {
            self.poll(cancel)?;
        }
        Ok(())
    }

    /// Watches the children until all have ended. When `stop` is set they
    /// are killed at once; when one fails, the others are killed and the
    /// failure returned. Every child is reaped before this returns.
    pub fn supervise(&mut self, stop: &CancelToken) -> Result<(), ProcessError> {
        loop {
            if stop.is_cancelled() && self.slots.iter().any(|s| !s.killed && s.outcome.is_none()) {
                let killed = self.kill_all();
                if killed > 0 {
                    let _ = self.status.try_send(RunMessage::Status(format!(
                        "stopped: {killed} child processes killed"
                    )));
                }
            }
            if self.slots.iter().all(|s| s.outcome.is_some()) {
                break;
            }
            if let Err(e) = self.poll(stop) {
                self.kill_all();
                self.reap_all();
                return Err(e);
            }
        }
        self.reap_all();
        Ok(())
    }

    /// Waits for the next report, `stop`, or the next memory reading, and
    /// handles what came; samples memory when due.
    fn poll(&mut self, stop: &CancelToken) -> Result<(), ProcessError> {
        // A stop already asked for has been answered by the caller; its
        // closed channel would be ready forever, so it is not waited on.
        let stop: Receiver<Infallible> = if stop.is_cancelled() {
            never()
        } else {
            stop.signal().clone()
        };
        let until_sample = RSS_EVERY.saturating_sub(self.last_sample.elapsed());
        let report = select! {
            recv(self.reports) -> report => Some(report),
            recv(stop) -> _ => None,
            default(until_sample) => None,
        };
        match report {
            None => {}
            Some(Ok(report)) => self.handle(report)?,
            Some(Err(_)) => {
                // Every reader is gone without a word (one panicked).
                for slot in self.slots.iter_mut().filter(|s| s.outcome.is_none()) {
                    slot.outcome = Some(LinkOutcome {
                        result: Ok(None),
                        tally: Vec::new(),
                    });
                    if !slot.killed {
                        return Err(ProcessError::Failed {
                            process: slot.process,
                            pid: slot.pid,
                            message: "its reader thread failed".to_owned(),
                        });
                    }
                }
            }
        }
        if self.last_sample.elapsed() >= RSS_EVERY {
            self.sample_rss();
            self.watch_quiet();
        }
        Ok(())
    }

    /// Names a child that has sent nothing for [`QUIET_AFTER_NS`] while the
    /// kernel says it is stopped (SIGSTOP, a debugger): the run waits for it,
    /// and without a word it would seem to hang. Silence alone proves
    /// nothing (a long blocking wait, or recording turned off), so the
    /// child's own state decides. Said once, and once more when it runs again.
    fn watch_quiet(&mut self) {
        let now = self.clock.now_ns();
        for slot in &mut self.slots {
            if !slot.ready || slot.killed || slot.outcome.is_some() {
                continue;
            }
            let quiet_ns = now.saturating_sub(slot.heard_ns.load(Ordering::Relaxed));
            let stopped = quiet_ns >= QUIET_AFTER_NS && is_stopped(slot.pid);
            let text = match (stopped, slot.said_quiet) {
                (true, false) => format!(
                    "process {} (pid {}) has sent nothing for {:.1} s: it is stopped \
                     (SIGSTOP or a debugger), and the run waits for it; Stop ends it",
                    slot.process,
                    slot.pid,
                    quiet_ns as f64 / 1e9
                ),
                (false, true) if !is_stopped(slot.pid) => {
                    format!("process {} (pid {}) runs again", slot.process, slot.pid)
                }
                _ => continue,
            };
            slot.said_quiet = stopped;
            let _ = self.status.try_send(RunMessage::Status(text));
        }
    }

    fn handle(&mut self, report: Report) -> Result<(), ProcessError> {
        let clock = self.clock.clone();
        match report {
            Report::Ready {
                process,
                alignment_error_ns,
            } => {
                if let Some(slot) = self.slot_mut(process) {
                    slot.ready = true;
                    slot.alignment_error_ns = Some(alignment_error_ns);
                }
                self.sample_rss();
                Ok(())
            }
            Report::Done { process, outcome } => {
                let Some(slot) = self.slot_mut(process) else {
                    return Ok(());
                };
                let mut outcome = *outcome;
                let failure = match std::mem::replace(&mut outcome.result, Ok(None)) {
                    Err(e) if !slot.killed => Some(e),
                    Ok(None) if !slot.killed => {
                        let status = slot.reap(EXIT_GRACE, &clock);
                        Some(ProcessError::Died {
                            process,
                            pid: slot.pid,
                            status,
                        })
                    }
                    Ok(result) => {
                        outcome.result = Ok(result);
                        None
                    }
                    Err(_) => None,
                };
                slot.outcome = Some(outcome);
                failure.map_or(Ok(()), Err)
            }
        }
    }

    fn slot_mut(&mut self, process: u16) -> Option<&mut Slot> {
        self.slots.iter_mut().find(|s| s.process == process)
    }

    fn sample_rss(&mut self) {
        self.last_sample = Instant::now();
        let live: Vec<usize> = (0..self.slots.len())
            .filter(|&i| self.slots[i].reaped_at_ns.is_none())
            .collect();
        let pids: Vec<u32> = live.iter().map(|&i| self.slots[i].pid).collect();
        for (i, rss) in live.into_iter().zip(self.probe.sample(&pids)) {
            if let Some(rss) = rss {
                self.slots[i].rss_max = self.slots[i].rss_max.max(rss);
            }
        }
    }

    /// Sends SIGKILL to every child that has not ended; returns how many.
    /// A child whose output already ended is left to exit by itself.
    fn kill_all(&mut self) -> usize {
        let mut killed = 0;
        for slot in &mut self.slots {
            if slot.killed || slot.outcome.is_some() || slot.reaped_at_ns.is_some() {
                continue;
            }
            slot.killed = true;
            if let Some(child) = slot.child.as_mut() {
                let _ = child.kill();
                killed += 1;
            }
        }
        killed
    }

    /// Waits for every child (killing any that does not exit in time) and
    /// joins every reader.
    fn reap_all(&mut self) {
        for slot in &mut self.slots {
            slot.reap(EXIT_GRACE, &self.clock);
        }
        for slot in &mut self.slots {
            if let Some(h) = slot.reader.take() {
                let _ = h.join();
            }
        }
    }

    /// The group's results; call after [`supervise`](Self::supervise).
    pub fn finish(mut self) -> GroupOutcome {
        self.reap_all();
        let mut out = GroupOutcome {
            killed: self.slots.iter().any(|s| s.killed),
            ..GroupOutcome::default()
        };
        let mut alignment = None::<u64>;
        for slot in &mut self.slots {
            if let Some(e) = slot.alignment_error_ns {
                alignment = Some(alignment.map_or(e, |a| a.max(e)));
            }
            out.reaped_at_ns.push(slot.reaped_at_ns);
            let outcome = slot.outcome.take();
            let (result, tally) = match outcome {
                Some(LinkOutcome {
                    result: Ok(Some(r)),
                    tally,
                }) => (Some(r), tally),
                Some(LinkOutcome { tally, .. }) => (None, tally),
                None => (None, Vec::new()),
            };
            let merged = match result {
                Some(r) => with_parent_view(r.interp, r.rss_bytes.max(slot.rss_max), &tally),
                None => {
                    let events: u64 = tally.iter().map(|t| t.events).sum();
                    out.notes.push(format!(
                        "process {} was killed before it could report; its numbers come from the {events} events it had sent",
                        slot.process
                    ));
                    from_tally(slot.process, self.threads, &tally, slot.rss_max)
                }
            };
            out.results.push(merged);
        }
        out.clock_alignment_error_us = alignment.map(|ns| ns as f64 / 1e3);
        out
    }
}

impl Slot {
    /// Waits for the child, killing it when it has not exited within
    /// `grace` (at once when it was already killed); returns how it ended.
    fn reap(&mut self, grace: Duration, clock: &Clock) -> String {
        let Some(child) = self.child.as_mut() else {
            return self.status_text();
        };
        if self.reaped_at_ns.is_none() {
            let deadline = Instant::now() + grace;
            let status = loop {
                match child.try_wait() {
                    Ok(Some(status)) => break Some(status),
                    Ok(None) if !self.killed && Instant::now() < deadline => {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                    Ok(None) => {
                        let _ = child.kill();
                        break child.wait().ok();
                    }
                    Err(_) => break None,
                }
            };
            self.reaped_at_ns = Some(clock.now_ns());
            self.status = status;
            // A killed child ran no clean-up: its lab's scratch folders are
            // the parent's to remove now that it is gone.
            scratch::remove_of(self.pid);
        }
        self.status_text()
    }

    fn status_text(&self) -> String {
        self.status
            .map_or_else(|| "status unknown".to_owned(), |s| s.to_string())
    }
}

/// Whether the kernel has process `pid` stopped (state `T`, or `t` under a
/// debugger), from `/proc/<pid>/stat`.
fn is_stopped(pid: u32) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    // The state follows the command name, which is in parentheses.
    stat.rsplit_once(')')
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .is_some_and(|state| state == "T" || state == "t")
}

impl Drop for ProcessGroup {
    /// Kills every child still running and reaps them all (one that ended
    /// its output but does not exit is killed after a grace period).
    fn drop(&mut self) {
        self.kill_all();
        self.reap_all();
    }
}
