//! The serial run that speedups are measured against: the same tasks done by
//! one thread. It is measured once per work definition (workload, tasks, task
//! size, wait) and kept, after the run the lecturer asked for, never beside
//! it, so the two never compete for the cores; and the window draws no
//! frame while it is timed.
//!
//! A speedup is a ratio of two runs, so both must be timed under the same
//! load from other programs. The serial run is sampled like the run it is
//! set against; when the two loads differ by [`LOAD_SKEW`] or more it is
//! timed once more, and if they still differ the speedup is shown marked
//! ([`Baselines::load_skew`]), never as a clean number.

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
    /// The load of the last run set against a serial run, and whether its
    /// serial run was already timed again for it.
    target: Option<Target>,
    /// Why the last measurement failed, if it did.
    pub error: Option<String>,
}

/// From this difference on, in cores kept busy by other programs, a serial
/// run and the run it is set against were timed under different loads: the
/// same bar at which the window says a run itself was slowed (a single
/// serial thread on a busy core can lose that much of its speed).
pub const LOAD_SKEW: f64 = super::live::BUSY_WARNING;

/// The loads from other programs under which a speedup's two runs were
/// timed, when they differ by [`LOAD_SKEW`] or more.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LoadSkew {
    /// Cores other programs kept busy while the serial run went on.
    pub serial_others: f64,
    /// Cores other programs kept busy while the run went on.
    pub run_others: f64,
    /// Whether the serial run was timed a second time, and still differed.
    pub retried: bool,
}

/// Whether a serial run timed while other programs kept `serial_others`
/// cores busy skews a speedup over a run timed under `run_others`.
pub fn loads_differ(serial_others: f64, run_others: f64) -> bool {
    (serial_others - run_others).abs() >= LOAD_SKEW
}

/// The run a serial measurement is for: its work and its load.
#[derive(Debug, Clone)]
struct Target {
    key: WorkKey,
    others: f64,
    /// The serial run was timed again for this run: once is enough.
    retried: bool,
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
    /// What was timed, to time it again when its load was not the run's.
    scenario: Scenario,
    /// Woken when the measurement ends, and by a measurement started again.
    waker: egui::Context,
    /// Whether this is the second timing for the target run.
    retry: bool,
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

    /// The loads the speedup of `data` was timed under, when they differ
    /// enough to skew it: the result must say so rather than show a clean
    /// number.
    pub fn load_skew(&self, data: &RunData) -> Option<LoadSkew> {
        self.speedup(data)?;
        let serial_others = self.serial_others_cores(&data.scenario)?;
        let run_others = data.others_cores()?;
        loads_differ(serial_others, run_others).then(|| LoadSkew {
            serial_others,
            run_others,
            retried: self
                .target
                .as_ref()
                .is_some_and(|t| Some(&t.key) == work_key(&data.scenario).as_ref() && t.retried),
        })
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
            target: self.target.clone(),
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

    /// [`Baselines::remember`] with the run's CPU time as well; a run that
    /// is not serial becomes the one its serial run must match in load.
    pub fn remember_run(&mut self, s: &Scenario, summary: &RunSummary) {
        if !is_serial(s)
            && let (Some(key), Some(load)) = (work_key(s), summary.load)
        {
            self.target = Some(Target {
                key: key.clone(),
                others: load.others_cores,
                retried: false,
            });
        }
        self.remember(s, summary.wall_ms);
        if let Some(key) = work_key(s).filter(|_| is_serial(s) && summary.cpu_ms > 0.0) {
            self.known_cpu.entry(key.clone()).or_insert(summary.cpu_ms);
            if let Some(load) = summary.load {
                self.known_others.entry(key).or_insert(load.others_cores);
            }
        }
    }

    /// Starts measuring the serial run of `s`'s work unless it is known or
    /// already being measured; `waker` is repainted when it ends. A known
    /// one timed under another load than the last run is timed once more.
    pub fn measure(&mut self, s: &Scenario, waker: &egui::Context) -> Result<(), EngineError> {
        let Some(key) = work_key(s) else {
            return Ok(());
        };
        if self.is_measuring(s) {
            return Ok(());
        }
        let retry = self.wants_retry(&key);
        if self.known.contains_key(&key) && !retry {
            return Ok(());
        }
        self.start(key, serial_of(s), waker.clone(), retry)
    }

    /// Whether the serial run known for `key` was timed under another load
    /// than the run it is set against, and was not yet timed again for it.
    fn wants_retry(&self, key: &WorkKey) -> bool {
        let Some(t) = self.target.as_ref().filter(|t| &t.key == key && !t.retried) else {
            return false;
        };
        self.known_others
            .get(key)
            .is_some_and(|then| loads_differ(*then, t.others))
    }

    fn start(
        &mut self,
        key: WorkKey,
        scenario: Scenario,
        waker: egui::Context,
        retry: bool,
    ) -> Result<(), EngineError> {
        let options = RunOptions {
            // Sampled like the run, so the two loads can be held side by side.
            sample_cores: true,
        };
        let handle = crate::engine::start(scenario.clone(), options)?;
        if retry && let Some(t) = self.target.as_mut() {
            t.retried = true;
        }
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
            scenario,
            waker,
            retry,
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
                self.take_in(&m, &summary);
                if self.wants_retry(&m.key)
                    && let Err(e) = self.start(m.key.clone(), m.scenario, m.waker, true)
                {
                    self.error = Some(format!("could not time one thread again: {e}"));
                }
            }
            Ok(_) => {}
            Err(e) => self.error = Some(format!("the serial run failed: {e}")),
        }
        (true, Some(m.watcher))
    }

    /// Keeps a serial run's times; a second timing replaces the first only
    /// when its load is nearer the run's, so the speedup shown is the one
    /// measured under the most alike conditions.
    fn take_in(&mut self, m: &Measurement, summary: &RunSummary) {
        let others = summary.load.map(|l| l.others_cores);
        let target = self.target.as_ref().filter(|t| t.key == m.key);
        if m.retry
            && let (Some(t), Some(now), Some(before)) =
                (target, others, self.known_others.get(&m.key))
            && (now - t.others).abs() > (before - t.others).abs()
        {
            return;
        }
        self.known_cpu.insert(m.key.clone(), summary.cpu_ms);
        match others {
            Some(o) => self.known_others.insert(m.key.clone(), o),
            None => self.known_others.remove(&m.key),
        };
        self.known.insert(m.key.clone(), summary.wall_ms);
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

    /// A finished run of `s` timed while other programs kept `others`
    /// cores busy (the loads are made up; no run is started).
    fn finished(s: &Scenario, wall_ms: f64, others: f64) -> (RunSummary, RunData) {
        let summary = RunSummary {
            wall_ms,
            cpu_ms: wall_ms,
            load: Some(crate::model::LoadSummary {
                others_cores: others,
                ..Default::default()
            }),
            ..RunSummary::default()
        };
        let mut data = RunData::new(s.clone());
        data.outcome = Some(Ok(summary.clone()));
        (summary, data)
    }

    fn four_threads() -> Scenario {
        Scenario {
            threads: 4,
            ..Scenario::default()
        }
    }

    fn serial() -> Scenario {
        serial_of(&four_threads())
    }

    /// A measurement of `s` that has ended with `summary`, as `poll` finds it.
    fn ended(s: &Scenario, summary: RunSummary, retry: bool) -> Measurement {
        let (tx, result) = crossbeam_channel::bounded(1);
        tx.send(Ok(summary)).unwrap();
        Measurement {
            key: work_key(s).unwrap(),
            result,
            stop: Arc::default(),
            watcher: std::thread::Builder::new()
                .name("test-watch".into())
                .spawn(|| {})
                .unwrap(),
            scenario: serial_of(s),
            waker: egui::Context::default(),
            retry,
        }
    }

    #[test]
    fn loads_differ_from_the_bar_on_either_way() {
        assert!(!loads_differ(0.1, 0.1 + LOAD_SKEW * 0.9));
        assert!(loads_differ(0.1, 0.1 + LOAD_SKEW));
        assert!(
            loads_differ(1.3, 0.1),
            "a busier baseline inflates the speedup"
        );
        assert!(loads_differ(0.0, 1.2), "a busier run deflates it");
    }

    #[test]
    fn a_speedup_over_a_baseline_timed_under_another_load_is_marked() {
        let mut b = Baselines::default();
        let (serial_summary, _) = finished(&serial(), 400.0, 1.3);
        b.remember_run(&serial(), &serial_summary);
        let (run_summary, run) = finished(&four_threads(), 150.0, 0.1);
        b.remember_run(&four_threads(), &run_summary);
        assert!(b.speedup(&run).is_some());
        assert_eq!(
            b.load_skew(&run),
            Some(LoadSkew {
                serial_others: 1.3,
                run_others: 0.1,
                retried: false
            })
        );
        // The same run under the baseline's load: a clean number.
        let (_, alike) = finished(&four_threads(), 150.0, 1.2);
        assert_eq!(b.load_skew(&alike), None);
        // Where a load was not measured, nothing is claimed.
        let (_, unsampled) = finished(&four_threads(), 150.0, 0.1);
        let mut unsampled = unsampled;
        if let Some(Ok(s)) = &mut unsampled.outcome {
            s.load = None;
        }
        assert_eq!(b.load_skew(&unsampled), None);
    }

    #[test]
    fn a_baseline_under_another_load_is_timed_again_once() {
        let mut b = Baselines::default();
        let key = work_key(&four_threads()).unwrap();
        let (run_summary, run) = finished(&four_threads(), 150.0, 0.1);
        b.remember_run(&four_threads(), &run_summary);
        // The first timing ends under a busy machine: time it again.
        let first = finished(&serial(), 400.0, 1.3).0;
        b.take_in(&ended(&four_threads(), first.clone(), false), &first);
        assert!(b.wants_retry(&key));
        b.target.as_mut().unwrap().retried = true;
        assert!(!b.wants_retry(&key), "once is enough");
        // The second timing is quieter: it replaces the first.
        let quiet = finished(&serial(), 300.0, 0.2).0;
        b.take_in(&ended(&four_threads(), quiet.clone(), true), &quiet);
        assert_eq!(b.serial_ms(&four_threads()), Some(300.0));
        assert_eq!(b.load_skew(&run), None);
        // A second timing further from the run's load leaves the first.
        let busier = finished(&serial(), 500.0, 1.8).0;
        b.take_in(&ended(&four_threads(), busier.clone(), true), &busier);
        assert_eq!(b.serial_ms(&four_threads()), Some(300.0));
        // A new run resets the once: its own load decides.
        let (busy_summary, busy_run) = finished(&four_threads(), 150.0, 1.5);
        b.remember_run(&four_threads(), &busy_summary);
        assert!(b.wants_retry(&key));
        b.target.as_mut().unwrap().retried = true;
        let skew = b.load_skew(&busy_run).expect("still another load");
        assert!(skew.retried && skew.serial_others == 0.2 && skew.run_others == 1.5);
    }

    #[test]
    fn poll_times_a_baseline_again_when_its_load_was_not_the_runs() {
        let mut b = Baselines::default();
        let (run_summary, _) = finished(&four_threads(), 150.0, 0.1);
        b.remember_run(&four_threads(), &run_summary);
        let key = work_key(&four_threads()).unwrap();
        // A serial run that ended at once, measured under a quiet machine:
        // no second timing.
        b.pending = Some(ended(
            &four_threads(),
            finished(&serial(), 400.0, 0.1).0,
            false,
        ));
        let (done, watcher) = b.poll();
        assert!(done && !b.busy());
        watcher.unwrap().join().unwrap();
        assert!(!b.wants_retry(&key));
    }
}
