//! The serial run that speedups are measured against: the same tasks done by
//! one thread. It is measured once per work definition (workload, tasks, task
//! size, wait) and kept, after the run the lecturer asked for, never beside
//! it, so the two never compete for the cores; and the window draws no
//! frame while it is timed.

use super::live::RunData;
use crate::analysis::speedup;
use crate::engine::{EngineError, RunHandle, RunOptions};
use crate::model::{Lab, RunMessage, RunSummary, Scenario, Workload};
use crossbeam_channel::{Receiver, TryRecvError};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

/// What makes two runs "the same work".
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct WorkKey {
    workload: Workload,
    tasks: u32,
    task_size: u64,
    io_ms: u64,
}

/// The work `s` does, when a speedup over a serial run means something
/// (the task-pool lab); `None` for the other labs.
pub fn work_key(s: &Scenario) -> Option<WorkKey> {
    (s.lab == Lab::Tasks).then(|| WorkKey {
        workload: s.workload,
        tasks: s.tasks,
        task_size: if s.workload.computes() {
            s.task_size
        } else {
            0
        },
        io_ms: if s.workload.waits() { s.io_ms } else { 0 },
    })
}

/// One thread, one process, doing `s`'s work, unrecorded.
pub fn serial_of(s: &Scenario) -> Scenario {
    Scenario {
        name: format!("{} (serial)", s.name),
        lab: Lab::Tasks,
        processes: 1,
        threads: 1,
        gil: true,
        record: false,
        ..s.clone()
    }
}

/// Whether `s` itself is the serial run of its work.
pub fn is_serial(s: &Scenario) -> bool {
    s.processes == 1 && s.threads == 1
}

/// Serial wall times measured so far, and the measurement under way.
#[derive(Debug, Default)]
pub struct Baselines {
    known: HashMap<WorkKey, f64>,
    /// The serial runs' CPU time, ms, where measured: with the wall time it
    /// splits a speedup into its parallel and its per-item part.
    known_cpu: HashMap<WorkKey, f64>,
    /// The cores other programs kept busy while each serial run went on:
    /// a speedup against a baseline measured under another load is skewed,
    /// and the result must say so.
    known_others: HashMap<WorkKey, f64>,
    pending: Option<Measurement>,
    /// Why the last measurement failed, if it did.
    pub error: Option<String>,
}

/// A serial run being timed. A watcher thread waits for its end and wakes
/// the window, so the window draws no frame meanwhile and leaves the cores
/// to the run it is timing.
#[derive(Debug)]
struct Measurement {
    key: WorkKey,
    result: Receiver<Result<RunSummary, String>>,
    stop: Arc<AtomicBool>,
    watcher: JoinHandle<()>,
}

/// How often the watcher looks for a stop request while it waits.
const WATCH_EVERY: Duration = Duration::from_millis(50);

impl Baselines {
    /// The serial wall time of `s`'s work, ms, once known.
    pub fn serial_ms(&self, s: &Scenario) -> Option<f64> {
        work_key(s).and_then(|k| self.known.get(&k).copied())
    }

    /// The serial CPU time of `s`'s work, ms, once known.
    pub fn serial_cpu_ms(&self, s: &Scenario) -> Option<f64> {
        work_key(s).and_then(|k| self.known_cpu.get(&k).copied())
    }

    /// The cores other programs kept busy while the serial run of `s`'s work
    /// went on, where it was measured.
    pub fn serial_others_cores(&self, s: &Scenario) -> Option<f64> {
        work_key(s).and_then(|k| self.known_others.get(&k).copied())
    }

    /// Speedup of the finished run in `data` over its serial run, once known.
    pub fn speedup(&self, data: &RunData) -> Option<f64> {
        let summary = data.summary().filter(|s| !s.stopped)?;
        let serial = self.serial_ms(&data.scenario)?;
        Some(speedup(serial, summary.wall_ms))
    }

    /// Whether the serial run of `s`'s work is being measured now.
    pub fn is_measuring(&self, s: &Scenario) -> bool {
        let key = work_key(s);
        self.pending
            .as_ref()
            .is_some_and(|m| Some(&m.key) == key.as_ref())
    }

    /// What is known so far, without the measurement under way: for a copy
    /// of the window drawn elsewhere (a clip) to show the same speedups.
    pub fn measured(&self) -> Self {
        Self {
            known: self.known.clone(),
            known_cpu: self.known_cpu.clone(),
            known_others: self.known_others.clone(),
            pending: None,
            error: self.error.clone(),
        }
    }

    /// Whether any measurement is under way.
    pub fn busy(&self) -> bool {
        self.pending.is_some()
    }

    /// Keeps `wall_ms` as the serial time of `s`'s work when `s` is serial.
    pub fn remember(&mut self, s: &Scenario, wall_ms: f64) {
        if let Some(key) = work_key(s).filter(|_| is_serial(s) && wall_ms > 0.0) {
            self.known.entry(key).or_insert(wall_ms);
        }
    }

    /// [`Baselines::remember`] with the run's CPU time as well.
    pub fn remember_run(&mut self, s: &Scenario, summary: &RunSummary) {
        self.remember(s, summary.wall_ms);
        if let Some(key) = work_key(s).filter(|_| is_serial(s) && summary.cpu_ms > 0.0) {
            self.known_cpu.entry(key.clone()).or_insert(summary.cpu_ms);
            if let Some(load) = summary.load {
                self.known_others.entry(key).or_insert(load.others_cores);
            }
        }
    }

    /// Starts measuring the serial run of `s`'s work unless it is known or
    /// already being measured; `waker` is repainted when it ends.
    pub fn measure(&mut self, s: &Scenario, waker: &egui::Context) -> Result<(), EngineError> {
        let Some(key) = work_key(s) else {
            return Ok(());
        };
        if self.known.contains_key(&key) || self.is_measuring(s) {
            return Ok(());
        }
        let options = RunOptions {
            // Sampled like the run, so the two loads can be held side by side.
            sample_cores: true,
        };
        let handle = crate::engine::start(serial_of(s), options)?;
        // One result, sent once: the watcher never waits to hand it over.
        let (tx, result) = crossbeam_channel::bounded(1);
        let stop = Arc::new(AtomicBool::new(false));
        let watcher = {
            let (stop, waker) = (stop.clone(), waker.clone());
            std::thread::Builder::new()
                .name("tl-serial-watch".into())
                .spawn(move || {
                    let _ = tx.send(watch(handle, &stop));
                    waker.request_repaint();
                })
                .map_err(EngineError::Start)?
        };
        self.error = None;
        self.pending = Some(Measurement {
            key,
            result,
            stop,
            watcher,
        });
        Ok(())
    }

    /// Takes the measurement in when it has finished; returns whether it did,
    /// and the watcher thread, to be joined off the UI thread.
    pub fn poll(&mut self) -> (bool, Option<JoinHandle<()>>) {
        let outcome = match self.pending.as_ref().map(|m| m.result.try_recv()) {
            Some(Ok(outcome)) => outcome,
            Some(Err(TryRecvError::Disconnected)) => {
                Err("the serial run ended without a result".to_owned())
            }
            Some(Err(TryRecvError::Empty)) | None => return (false, None),
        };
        let Some(m) = self.pending.take() else {
            return (false, None);
        };
        match outcome {
            Ok(summary) if !summary.stopped => {
                self.known_cpu.insert(m.key.clone(), summary.cpu_ms);
                if let Some(load) = summary.load {
                    self.known_others.insert(m.key.clone(), load.others_cores);
                }
                self.known.insert(m.key, summary.wall_ms);
            }
            Ok(_) => {}
            Err(e) => self.error = Some(format!("the serial run failed: {e}")),
        }
        (true, Some(m.watcher))
    }

    /// Abandons the measurement under way; returns its watcher thread, which
    /// stops the run and ends at once.
    pub fn cancel(&mut self) -> Option<JoinHandle<()>> {
        self.pending.take().map(|m| {
            m.stop.store(true, Ordering::Relaxed);
            m.watcher
        })
    }
}

/// Waits for the run's summary, stopping the run when `stop` is set.
fn watch(handle: RunHandle, stop: &AtomicBool) -> Result<RunSummary, String> {
    loop {
        if stop.load(Ordering::Relaxed) {
            // Dropping the handle stops the run and joins its threads.
            drop(handle);
            return Err("stopped".to_owned());
        }
        if let Some(RunMessage::Finished(outcome)) = handle.recv_timeout(WATCH_EVERY) {
            return *outcome;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_work_shares_a_key_whatever_the_shape() {
        let a = Scenario::default();
        let b = Scenario {
            threads: 9,
            processes: 2,
            gil: false,
            ..a.clone()
        };
        assert_eq!(work_key(&a), work_key(&b));
        let c = Scenario {
            tasks: a.tasks + 1,
            ..a.clone()
        };
        assert_ne!(work_key(&a), work_key(&c));
        let io = Scenario {
            workload: Workload::Io,
            task_size: 5,
            ..a.clone()
        };
        assert_eq!(
            work_key(&io),
            work_key(&Scenario {
                task_size: 6,
                ..io.clone()
            })
        );
    }

    #[test]
    fn the_serial_run_is_one_recorded_thread_off() {
        let s = serial_of(&Scenario {
            threads: 4,
            processes: 3,
            gil: false,
            ..Scenario::default()
        });
        assert!(is_serial(&s) && s.gil && !s.record);
        assert_eq!(s.validate(), Ok(()));
    }

    #[test]
    fn a_serial_run_is_remembered() {
        let mut b = Baselines::default();
        let s = Scenario {
            threads: 1,
            ..Scenario::default()
        };
        b.remember(&s, 120.0);
        assert_eq!(
            b.serial_ms(&Scenario {
                threads: 4,
                ..s.clone()
            }),
            Some(120.0)
        );
        let mut other = Baselines::default();
        other.remember(&Scenario::default(), 50.0);
        assert_eq!(
            other.serial_ms(&Scenario::default()),
            None,
            "4 threads are not serial"
        );
    }
}
