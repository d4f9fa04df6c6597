//! A run of the scenario's program in a real interpreter, watched live.
//!
//! [`start`] finds the interpreter (errors come back at once), then a
//! supervisor thread (`tl-py-lens`) writes the program and the probe into a
//! folder of their own, starts the interpreter there ([`super::launch`]),
//! and every few milliseconds reads what each process appended to its
//! records file, infers the events ([`super::infer`]) and hands them to the
//! run's channel with the same bounded, never-blocking `try_send` as the
//! model's recorders ([`EventSink::send_batch`]): a front end that falls
//! behind loses batches, counted, and never slows the program down. When
//! the program ends, or on Stop, the whole process group is killed and
//! reaped, the last records are read, the folder is removed, and the
//! summary is sent. Dropping the handle stops the run and joins the thread.

use super::error::LensError;
use super::infer::Inference;
use super::interpreter::{self, Interpreter};
use super::launch::{Launched, status_text};
use super::records::{Record, Tail};
use super::summary::{LensReport, summarize};
use crate::engine::CancelToken;
use crate::model::{Event, RunMessage, Scenario};
use crate::recording::clock::{monotonic_ns, os_monotonic_ns};
use crate::recording::{Clock, EventSink};
use crossbeam_channel::{Receiver, bounded};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The probe, as threadlab ships it.
pub const PROBE_SOURCE: &str = include_str!("../../assets/python/threadlab_probe.py");

/// How often the supervisor reads the records files.
const LOOK_EVERY: Duration = Duration::from_millis(10);
/// How often it reads the processes' resident memory.
const RSS_EVERY: Duration = Duration::from_millis(50);
/// Messages that may wait for the front end, as for the model's runs.
const CHANNEL_MESSAGES: usize = crate::engine::run::CHANNEL_BATCHES;
/// How long after the program says its work is over it may take to exit
/// before the run says that it hangs.
const HANG_AFTER: Duration = Duration::from_millis(500);

/// How to run the lens.
#[derive(Clone, Debug, Default)]
pub struct LensOptions {
    /// The interpreter; `python3` on PATH (or, for `--gil off`, a
    /// free-threaded build on PATH) when `None`.
    pub python: Option<PathBuf>,
    /// Integers between two checkpoints (the probe's default when `None`).
    pub block: Option<u64>,
}

/// The interpreter for `scenario`: the one named, else python3 on PATH;
/// for `--gil off` a free-threaded build, named or found.
pub fn choose_interpreter(
    scenario: &Scenario,
    options: &LensOptions,
) -> Result<Interpreter, LensError> {
    if scenario.gil {
        return interpreter::find(options.python.as_deref());
    }
    let found = match &options.python {
        Some(p) => interpreter::find(Some(p))?,
        None => interpreter::free_threaded()
            .into_iter()
            .next()
            .ok_or(LensError::NoFreeThreaded)?,
    };
    if found.free_threaded_build {
        Ok(found)
    } else {
        Err(LensError::HasGil {
            path: found.path.display().to_string(),
            label: found.label(),
        })
    }
}

/// A real interpreter running the scenario.
#[derive(Debug)]
pub struct LensRun {
    rx: Option<Receiver<RunMessage>>,
    report_rx: Receiver<LensReport>,
    report: Option<LensReport>,
    cancel: CancelToken,
    sink: EventSink,
    interpreter: Interpreter,
    supervisor: Option<JoinHandle<()>>,
}

/// Starts `scenario`'s program in a real interpreter and returns at once.
pub fn start(scenario: Scenario, options: LensOptions) -> Result<LensRun, LensError> {
    scenario
        .validate()
        .map_err(|e| LensError::Setup(std::io::Error::other(e.to_string())))?;
    let interpreter = choose_interpreter(&scenario, &options)?;
    let (tx, rx) = bounded(CHANNEL_MESSAGES);
    let (report_tx, report_rx) = bounded(1);
    let sink = EventSink::new(tx);
    let cancel = CancelToken::new();
    let supervisor = {
        let (sink, cancel, interp) = (sink.clone(), cancel.clone(), interpreter.clone());
        std::thread::Builder::new()
            .name("tl-py-lens".into())
            .spawn(move || {
                let report = supervise(&scenario, &interp, &options, &sink, &cancel);
                let finished = match &report {
                    Ok(r) => Ok(r.summary.clone()),
                    Err(e) => Err(e.clone()),
                };
                if let Ok(r) = report {
                    let _ = report_tx.try_send(r);
                }
                // Blocking send: the summary must not be dropped.
                let _ = sink.sender().send(RunMessage::Finished(Box::new(finished)));
            })
            .map_err(|source| LensError::Start {
                path: interpreter.path.display().to_string(),
                source,
            })?
    };
    Ok(LensRun {
        rx: Some(rx),
        report_rx,
        report: None,
        cancel,
        sink,
        interpreter,
        supervisor: Some(supervisor),
    })
}

impl LensRun {
    /// The interpreter that runs the program.
    pub fn interpreter(&self) -> &Interpreter {
        &self.interpreter
    }

    /// Stops the program: its whole process group is killed at once.
    pub fn stop(&self) {
        self.cancel.cancel();
    }

    /// A token whose `cancel` stops this run, for another thread to hold.
    pub fn stop_token(&self) -> CancelToken {
        self.cancel.clone()
    }

    /// The next message, if one is waiting.
    pub fn try_recv(&self) -> Option<RunMessage> {
        self.rx.as_ref()?.try_recv().ok()
    }

    /// Batches dropped so far because the front end fell behind.
    pub fn events_dropped(&self) -> u64 {
        self.sink.dropped()
    }

    /// What the lens measured beyond the summary, once the run has finished.
    pub fn report(&mut self) -> Option<&LensReport> {
        if self.report.is_none() {
            self.report = self.report_rx.try_recv().ok();
        }
        self.report.as_ref()
    }

    /// Drains every message until the run finishes; returns the report
    /// and every event.
    pub fn wait(mut self) -> Result<(LensReport, Vec<Event>), String> {
        self.wait_with_status(|_| {})
    }

    /// Like [`LensRun::wait`], handing each status line to `on_status`.
    pub fn wait_with_status(
        &mut self,
        mut on_status: impl FnMut(&str),
    ) -> Result<(LensReport, Vec<Event>), String> {
        let rx = self.rx.take().ok_or("the run was already drained")?;
        let mut events = Vec::new();
        let finished = loop {
            match rx.recv() {
                Ok(RunMessage::Events(batch)) => events.extend(batch),
                Ok(RunMessage::Status(text)) => on_status(&text),
                Ok(RunMessage::Finished(r)) => break *r,
                Ok(RunMessage::Cores(_)) => {}
                Err(_) => break Err("the lens ended without a summary".to_owned()),
            }
        };
        if let Some(h) = self.supervisor.take() {
            let _ = h.join();
        }
        finished?;
        let report = self.report_rx.try_recv().map_err(|_| "no report")?;
        Ok((report, events))
    }
}

impl Drop for LensRun {
    fn drop(&mut self) {
        self.cancel.cancel();
        self.rx.take();
        if let Some(h) = self.supervisor.take() {
            let _ = h.join();
        }
    }
}

/// A folder of the run's own, removed on every path out of the run.
struct RunDir(PathBuf);

impl RunDir {
    fn create() -> std::io::Result<Self> {
        sweep_stale();
        use std::sync::atomic::{AtomicU64, Ordering};
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("threadlab-py-{}-{n}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir_all(dir.join("records"))?;
        Ok(Self(dir))
    }
}

impl Drop for RunDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Removes the folders of lens runs whose threadlab is gone (one killed
/// with SIGKILL cannot remove its own).
fn sweep_stale() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix("threadlab-py-"))
            .and_then(|rest| rest.split('-').next())
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Everything the supervisor does; an error is the run's failure, said in
/// one line.
fn supervise(
    scenario: &Scenario,
    interp: &Interpreter,
    options: &LensOptions,
    sink: &EventSink,
    cancel: &CancelToken,
) -> Result<LensReport, String> {
    let setup = |e: std::io::Error| LensError::Setup(e).to_string();
    let dir = RunDir::create().map_err(setup)?;
    let program = super::program(scenario);
    let script = dir.0.join(&program.file_name);
    std::fs::write(&script, program.text(true)).map_err(setup)?;
    std::fs::write(
        dir.0.join(format!("{}.py", super::program::PROBE_MODULE)),
        PROBE_SOURCE,
    )
    .map_err(setup)?;
    let records_dir = dir.0.join("records");
    let clock = Clock::start_now();
    // The probe reads CLOCK_MONOTONIC itself; the run's epoch in its terms.
    let epoch = clock.epoch_ns() as i128 + os_monotonic_ns() as i128 - monotonic_ns() as i128;
    let mut command = Command::new(&interp.path);
    command
        .arg("-B")
        .arg(&script)
        .current_dir(&dir.0)
        .env("THREADLAB_PROBE_DIR", &records_dir)
        .env("THREADLAB_EPOCH_NS", epoch.max(0).to_string())
        .env("THREADLAB_PROBE_PARENT", std::process::id().to_string())
        .env("TMPDIR", &dir.0)
        .env("PYTHONUNBUFFERED", "1")
        .env_remove("PYTHONPATH")
        .env_remove("PYTHONSTARTUP");
    if let Some(block) = options.block {
        command.env("THREADLAB_PROBE_BLOCK", block.to_string());
    }
    if interp.free_threaded_build {
        command.env("PYTHON_GIL", if scenario.gil { "1" } else { "0" });
    }
    // The cores knob holds for the interpreter too: the same logical cores
    // the model's workers would get.
    let cores = match scenario.cores {
        0 => Vec::new(),
        n => crate::sampling::topology::Topology::cached().pick(n as usize),
    };
    let mut launched = Launched::start(command, cores).map_err(|source| {
        LensError::Start {
            path: interp.path.display().to_string(),
            source,
        }
        .to_string()
    })?;
    let mut watch = Watch::new(records_dir);
    let mut rss: BTreeMap<u16, u64> = BTreeMap::new();
    let mut last_rss = Instant::now() - RSS_EVERY;
    let mut said_hang = false;
    let mut finished_at: Option<Instant> = None;
    let end = loop {
        let exited = launched.has_exited();
        watch.look(sink);
        if last_rss.elapsed() >= RSS_EVERY {
            last_rss = Instant::now();
            for (&process, &pid) in &watch.pids {
                let now = super::summary::rss_of(pid);
                let kept = rss.entry(process).or_insert(0);
                *kept = (*kept).max(now);
            }
        }
        if exited {
            break End::Exited;
        }
        if let Some((process, pid)) = watch.lost_child(sink) {
            break End::ChildLost(process, pid);
        }
        if watch.inference.finish_ns.is_some() && finished_at.is_none() {
            finished_at = Some(Instant::now());
        }
        if !said_hang && finished_at.is_some_and(|t| t.elapsed() > HANG_AFTER) {
            said_hang = true;
            let _ = sink.sender().try_send(RunMessage::Status(
                "the program's work is done, but it does not exit: threads that are not \
                 daemons keep it alive (press Stop)"
                    .to_owned(),
            ));
        }
        if cancel.wait_timeout(LOOK_EVERY) {
            break End::Stopped;
        }
    };
    let stopped = end == End::Stopped;
    let status = launched.kill_and_reap();
    watch.look(sink);
    let closing = watch.inference.finish();
    watch.send(sink, closing);
    let output = launched.stdout();
    let errors = launched.stderr();
    let exit = status
        .map(status_text)
        .unwrap_or_else(|| "unknown".to_owned());
    if let End::ChildLost(process, pid) = end {
        return Err(format!(
            "process {process} of the program (pid {pid}) ended before it had finished \
             (killed?); the program could not go on and was stopped"
        ));
    }
    let clean = status.is_some_and(|s| s.success());
    if !stopped && !clean {
        let last = errors
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("no message");
        return Err(format!(
            "the program died in {} ({exit}): {}",
            interp.label(),
            last.trim()
        ));
    }
    let mut report = summarize(scenario, interp, &watch.inference, &rss, stopped);
    report.summary.events = watch.sent;
    report.summary.events_dropped = sink.dropped() + watch.inference.probe_dropped;
    report.output = output;
    report.exit = exit;
    Ok(report)
}

/// How the watch over a program ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum End {
    /// The interpreter exited by itself.
    Exited,
    /// Stop was pressed (or the handle dropped).
    Stopped,
    /// A child process of the program died before it finished: (process, pid).
    ChildLost(u16, u32),
}

/// Whether `pid` is a live process (not gone, not a zombie).
fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        stat.rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|state| state != "Z" && state != "X")
    })
}

/// The records folder as it grows: a tail per process file, the inference.
struct Watch {
    dir: PathBuf,
    tails: BTreeMap<PathBuf, (Tail, Option<u16>)>,
    pids: BTreeMap<u16, u32>,
    inference: Inference,
    sent: u64,
}

impl Watch {
    fn new(dir: PathBuf) -> Self {
        Self {
            dir,
            tails: BTreeMap::new(),
            pids: BTreeMap::new(),
            inference: Inference::default(),
            sent: 0,
        }
    }

    /// Reads what every process appended since the last look and sends the
    /// events it adds up to.
    fn look(&mut self, sink: &EventSink) {
        if let Ok(entries) = std::fs::read_dir(&self.dir) {
            for e in entries.flatten() {
                let path = e.path();
                if path.extension().is_some_and(|x| x == "rec") && !self.tails.contains_key(&path) {
                    let tail = Tail::new(&path);
                    self.tails.insert(path, (tail, None));
                }
            }
        }
        // Every file is read before any is fed: the main process's start
        // mark sets program time zero for all, so its records go first.
        let mut read: Vec<(u16, Vec<Record>)> = Vec::new();
        for (tail, process) in self.tails.values_mut() {
            let Ok(records) = tail.read_new() else {
                continue;
            };
            for r in &records {
                if let Record::Header {
                    process: p, pid, ..
                } = r
                {
                    *process = Some(*p);
                    self.pids.insert(*p, *pid);
                }
            }
            if let Some(p) = *process {
                read.push((p, records));
            }
        }
        read.sort_by_key(|(p, _)| *p);
        let mut events = Vec::new();
        for (p, records) in read {
            events.extend(self.inference.feed(p, records));
        }
        self.send(sink, events);
    }

    /// A child process of the program that died before it said it had
    /// finished, and that the program did not kill itself. A child killed
    /// from outside leaves its parent waiting for its answer for ever.
    fn lost_child(&mut self, sink: &EventSink) -> Option<(u16, u32)> {
        let gone = |w: &Self| {
            w.pids
                .iter()
                .find(|&(&p, &pid)| {
                    p > 0 && !w.inference.finished(p) && !w.inference.was_killed(p) && !alive(pid)
                })
                .map(|(&p, &pid)| (p, pid))
        };
        gone(self)?;
        // It may have written its last records just before it exited.
        self.look(sink);
        gone(self)
    }

    /// Hands events over per worker, in batches, without ever blocking.
    fn send(&mut self, sink: &EventSink, events: Vec<Event>) {
        let mut by_worker: BTreeMap<_, Vec<Event>> = BTreeMap::new();
        for e in events {
            by_worker.entry(e.worker).or_default().push(e);
        }
        for (_, batch) in by_worker {
            for chunk in batch.chunks(crate::recording::BATCH_EVENTS) {
                self.sent += chunk.len() as u64;
                let _ = sink.send_batch(chunk.to_vec());
            }
        }
    }
}
