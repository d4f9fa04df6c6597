//! One interpreter: the threads that share one GIL. threadlab's own process
//! is one interpreter; every child process is another. The labs describe what
//! each thread does; this file starts the named threads, gives each its
//! `Worker`, and joins them all, whatever happens to any one of them.

use crate::engine::cancel::CancelToken;
use crate::engine::gil::Gil;
use crate::engine::platform;
use crate::engine::worker::{Worker, WorkerStats};
use crate::model::{
    CounterSummary, CutOffSummary, QueueSummary, Scenario, WorkerId, WorkerSummary,
};
use crate::recording::{Clock, EventSink, Recorder};
use crate::sampling::topology::Topology;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Everything the threads of one interpreter share.
#[derive(Clone, Debug)]
pub struct Interp {
    /// 0 for threadlab's own process, 1..=P for children.
    pub process: u16,
    /// How many interpreters run this scenario's work between them (P).
    pub interpreters: u32,
    /// The experiment.
    pub scenario: Arc<Scenario>,
    /// The run's clock.
    pub clock: Clock,
    /// Where events go.
    pub sink: EventSink,
    /// The stop request.
    pub cancel: CancelToken,
    /// This interpreter's GIL; `None` when free-threaded.
    pub gil: Option<Arc<Gil>>,
    /// When the start of this interpreter's workers was requested, on the
    /// run's clock; `None` = just before each thread is spawned. A child
    /// process sets the moment its parent was about to spawn it, so a
    /// process worker's spawn latency includes starting the process.
    pub spawn_requested_ns: Option<u64>,
    /// The logical cores the workers run on (the scenario's cores knob);
    /// empty = wherever the OS puts them.
    pub affinity: Arc<[u32]>,
}

/// One finished worker.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Finished {
    /// Its summary.
    pub summary: WorkerSummary,
    /// Its raw measurements.
    pub stats: WorkerStats,
}

/// What one interpreter measured.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct InterpResult {
    /// Every worker, in thread order.
    pub workers: Vec<Finished>,
    /// GIL hand-overs.
    pub gil_switches: u64,
    /// GIL drop requests.
    pub gil_drop_requests: u64,
    /// The shared counter, where the lab has one.
    pub counter: Option<CounterSummary>,
    /// The queue, where the lab has one.
    pub queue: Option<QueueSummary>,
    /// What was cut off, for the daemon lab.
    pub cut_off: Option<CutOffSummary>,
    /// Notes for people.
    pub notes: Vec<String>,
}

/// Why an interpreter could not finish.
#[derive(Debug, thiserror::Error)]
pub enum InterpError {
    /// The OS refused a thread.
    #[error("could not start thread {name}: {source}")]
    Spawn {
        /// The thread's name.
        name: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// A lab could not create, write or clean up a resource it needs.
    #[error("{what}: {source}")]
    Resource {
        /// What the lab was working on.
        what: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// A worker panicked.
    #[error("worker {worker} failed: {message}")]
    Panicked {
        /// Who.
        worker: WorkerId,
        /// The panic message.
        message: String,
    },
}

impl Interp {
    /// An interpreter for `scenario` with a GIL when the scenario asks for one.
    pub fn new(
        process: u16,
        interpreters: u32,
        scenario: Arc<Scenario>,
        clock: Clock,
        sink: EventSink,
        cancel: CancelToken,
    ) -> Self {
        let gil = scenario
            .gil
            .then(|| Arc::new(Gil::new(Duration::from_micros(scenario.switch_interval_us))));
        let affinity: Arc<[u32]> = match scenario.cores {
            0 => Arc::from([]),
            n => Topology::cached().pick(n as usize).into(),
        };
        Self {
            process,
            interpreters,
            scenario,
            clock,
            sink,
            cancel,
            gil,
            spawn_requested_ns: None,
            affinity,
        }
    }

    /// The same interpreter, its workers' spawn latency counted from `t_ns`.
    pub fn with_spawn_requested_ns(mut self, t_ns: u64) -> Self {
        self.spawn_requested_ns = Some(t_ns);
        self
    }

    /// This interpreter's share of the work: 0 for the app's own process,
    /// k-1 for child process k.
    pub fn shard(&self) -> u32 {
        (self.process as u32).saturating_sub(1)
    }

    /// The result of the workers with this interpreter's GIL counters.
    pub fn result(&self, workers: Vec<Finished>) -> InterpResult {
        let (gil_switches, gil_drop_requests) = self.gil_counters();
        InterpResult {
            workers,
            gil_switches,
            gil_drop_requests,
            ..InterpResult::default()
        }
    }

    /// A recorder for thread `thread` of this interpreter.
    pub fn recorder(&self, thread: u16) -> Recorder {
        Recorder::new(
            WorkerId::new(self.process, thread),
            self.clock.clone(),
            self.sink.clone(),
            self.scenario.record,
        )
    }

    /// GIL counters so far (zero when free-threaded).
    pub fn gil_counters(&self) -> (u64, u64) {
        self.gil
            .as_ref()
            .map_or((0, 0), |g| (g.handovers(), g.drop_requests()))
    }

    /// Runs `count` worker threads, numbered from `first_thread`, each calling
    /// `body(worker, thread)`, and joins them all. A panic in one worker stops
    /// the others (through the stop request) and is reported with its name.
    ///
    /// Each worker's `rss_bytes` is the growth of this process's resident
    /// memory from before the first spawn until every thread has begun,
    /// divided by the number of threads: a thread's own share cannot be read.
    pub fn run_workers<F>(
        &self,
        first_thread: u16,
        count: u16,
        body: F,
    ) -> Result<Vec<Finished>, InterpError>
    where
        F: Fn(&mut Worker, u16) + Send + Sync,
    {
        let body = &body;
        let entered = &AtomicUsize::new(0);
        let began = &AtomicUsize::new(0);
        let rss_before = platform::own_rss_bytes();
        // Under a GIL the threads are started as CPython's main thread
        // starts them: holding the GIL, one after another, each once the
        // thread before it runs (see `Gil::take_for_starter`).
        let starter = self.gil.as_deref().filter(|_| count > 1);
        let mut starter_holds = starter.is_some_and(|g| g.take_for_starter(&self.cancel));
        std::thread::scope(|scope| {
            let mut handles = Vec::with_capacity(count as usize);
            let mut spawn_error = None;
            for thread in first_thread..first_thread + count {
                let id = WorkerId::new(self.process, thread);
                let rec = self.recorder(thread);
                let gil = self.gil.clone();
                let cancel = self.cancel.clone();
                let affinity = self.affinity.clone();
                let requested = self
                    .spawn_requested_ns
                    .unwrap_or_else(|| self.clock.now_ns());
                let spawned = std::thread::Builder::new()
                    .name(id.thread_name())
                    .spawn_scoped(scope, move || {
                        entered.fetch_add(1, Ordering::Release);
                        // Pinned before its first event, so everything it
                        // records happened on the cores it was given.
                        platform::pin_current_thread(&affinity);
                        let mut worker = Worker::begin(id, rec, gil, cancel, requested);
                        began.fetch_add(1, Ordering::Release);
                        body(&mut worker, thread);
                        worker.finish()
                    });
                match spawned {
                    Ok(h) => {
                        handles.push((id, h));
                        if let Some(gil) = starter.filter(|_| starter_holds) {
                            // Thread.start() lets the GIL go and returns once
                            // the new thread runs; the next start needs it back.
                            gil.drop_for_starter();
                            let newest = handles.last().map(|(_, h)| h);
                            wait_until_began(began, handles.len(), &self.cancel, || {
                                newest.is_none_or(|h| h.is_finished())
                            });
                            let more = thread + 1 < first_thread + count;
                            starter_holds = more && gil.take_for_starter(&self.cancel);
                        }
                    }
                    Err(source) => {
                        // Let the threads already started end at their next check.
                        self.cancel.cancel();
                        spawn_error = Some(InterpError::Spawn {
                            name: id.thread_name(),
                            source,
                        });
                        break;
                    }
                }
            }
            if let Some(gil) = starter.filter(|_| starter_holds) {
                gil.drop_for_starter();
            }
            let rss_per_thread = rss_growth_per_thread(entered, handles.len(), rss_before);
            let mut finished = Vec::with_capacity(handles.len());
            let mut panic_error = None;
            for (id, h) in handles {
                match h.join() {
                    Ok((mut summary, mut stats)) => {
                        summary.rss_bytes = rss_per_thread;
                        stats.rss_bytes = rss_per_thread;
                        finished.push(Finished { summary, stats });
                    }
                    Err(payload) => {
                        self.cancel.cancel();
                        panic_error.get_or_insert(InterpError::Panicked {
                            worker: id,
                            message: panic_message(&payload),
                        });
                    }
                }
            }
            match spawn_error.or(panic_error) {
                Some(e) => Err(e),
                None => Ok(finished),
            }
        })
    }
}

/// Waits until `n` threads have begun (taken the GIL), a stop is asked, or
/// the newest thread is gone (it failed before it began).
fn wait_until_began(began: &AtomicUsize, n: usize, stop: &CancelToken, gone: impl Fn() -> bool) {
    while began.load(Ordering::Acquire) < n && !stop.is_cancelled() && !gone() {
        std::thread::sleep(Duration::from_micros(20));
    }
}

/// How long [`Interp::run_workers`] waits for its threads to begin before it
/// reads the resident memory anyway.
const RSS_WAIT_LIMIT: Duration = Duration::from_secs(1);

/// Waits until `started` threads have entered (or [`RSS_WAIT_LIMIT`]), then
/// returns this process's memory growth since `before`, per thread.
fn rss_growth_per_thread(entered: &AtomicUsize, started: usize, before: u64) -> u64 {
    let deadline = Instant::now() + RSS_WAIT_LIMIT;
    while entered.load(Ordering::Acquire) < started && Instant::now() < deadline {
        std::thread::sleep(Duration::from_micros(100));
    }
    platform::own_rss_bytes().saturating_sub(before) / started.max(1) as u64
}

/// The text of a panic payload.
pub fn panic_message(payload: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic".to_owned()
    }
}
