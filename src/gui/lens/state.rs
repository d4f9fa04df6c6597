//! The CPython switch's state: whether real runs go with the model's, the
//! real run of the last scenario (and, for a speedup, CPython's own serial
//! run of the same work), drained each frame into state the window owns.
//!
//! A real run never shares the machine with a modelled one: it is queued
//! when the model's run starts and begins once that run, and the serial
//! measurement after it, are over. Finding and starting the interpreter
//! takes a moment (python3 may be a shim that starts a shell), so it is
//! done on a named thread; a run that ends is dropped on another, adopted
//! by the window's reaper, so a frame never waits for an interpreter.

use crate::engine::compare::comparable;
use crate::gui::run_state::{Reaper, RunData};
use crate::gui::timeline::TimeView;
use crate::model::{RunMessage, Scenario};
use crate::python::{LensOptions, LensReport, LensRun};
use crossbeam_channel::{Receiver, bounded};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// A real run and what it sent so far.
#[derive(Debug)]
pub struct LensLive {
    starting: Option<Receiver<Result<LensRun, String>>>,
    handle: Option<LensRun>,
    /// What the run sent so far, as a modelled run's.
    pub data: RunData,
    /// What only the lens knows, once the run has finished.
    pub report: Option<LensReport>,
}

impl LensLive {
    fn start(scenario: Scenario, python: Option<PathBuf>) -> Self {
        let (tx, rx) = bounded(1);
        let options = LensOptions {
            python,
            block: None,
        };
        let s = scenario.clone();
        let spawned = std::thread::Builder::new()
            .name("tl-lens-start".into())
            .spawn(move || {
                let _ = tx.send(crate::python::start(s, options).map_err(|e| e.to_string()));
            });
        let mut data = RunData::new(scenario);
        data.machine_cores = crate::sampling::core_count();
        if let Err(e) = &spawned {
            data.outcome = Some(Err(format!("could not start the lens: {e}")));
        }
        Self {
            starting: spawned.is_ok().then_some(rx),
            handle: None,
            data,
            report: None,
        }
    }

    /// Whether the run is still going (or still starting).
    pub fn is_running(&self) -> bool {
        !self.data.is_finished()
    }

    /// Takes in what arrived, for at most `budget`.
    fn poll(&mut self, budget: Duration) -> bool {
        let mut changed = false;
        if let Some(rx) = &self.starting
            && let Ok(started) = rx.try_recv()
        {
            self.starting = None;
            changed = true;
            match started {
                Ok(run) => self.handle = Some(run),
                Err(e) => self.data.outcome = Some(Err(e)),
            }
        }
        let Some(handle) = &mut self.handle else {
            return changed;
        };
        let deadline = Instant::now() + budget;
        while let Some(message) = handle.try_recv() {
            changed = true;
            let done = matches!(message, RunMessage::Finished(_));
            self.data.apply(message);
            if done || Instant::now() >= deadline {
                break;
            }
        }
        self.data.events_dropped = self.data.events_dropped.max(handle.events_dropped());
        if self.data.is_finished() && self.report.is_none() {
            self.report = handle.report().cloned();
        }
        changed
    }

    /// The interpreter's name once it is known: "CPython 3.11.7".
    pub fn interpreter(&self) -> Option<String> {
        self.report
            .as_ref()
            .map(|r| r.interpreter.label())
            .or_else(|| self.handle.as_ref().map(|h| h.interpreter().label()))
    }

    /// Stops the run, ending it on a thread the reaper joins.
    fn end(&mut self, reaper: &mut Reaper) {
        if let Some(handle) = self.handle.take() {
            handle.stop();
            if let Ok(t) = std::thread::Builder::new()
                .name("tl-lens-end".into())
                .spawn(move || drop(handle))
            {
                reaper.adopt(t);
            }
        }
        if let Some(rx) = self.starting.take() {
            // Still starting: whatever it starts is stopped when it arrives.
            if let Ok(t) = std::thread::Builder::new()
                .name("tl-lens-end".into())
                .spawn(move || {
                    if let Ok(Ok(run)) = rx.recv() {
                        run.stop();
                    }
                })
            {
                reaper.adopt(t);
            }
        }
        if !self.data.is_finished() {
            self.data.outcome = Some(Err("stopped".to_owned()));
        }
    }
}

/// The switch and the real runs.
#[derive(Debug, Default)]
pub struct LensMode {
    /// Whether real runs go with the model's (the CPython switch).
    pub on: bool,
    /// The interpreter to use; python3 on PATH when `None`.
    pub python: Option<PathBuf>,
    /// The scenario waiting to run in CPython once the model is done.
    pending: Option<Scenario>,
    /// The real run of the last scenario.
    pub real: Option<LensLive>,
    /// CPython's serial run of the same work, for its speedup.
    pub serial: Option<LensLive>,
    /// Which part of the runs is on screen.
    pub view: TimeView,
}

impl LensMode {
    /// The switch as set, with the interpreter to use (python3 on PATH when `None`).
    pub fn new(on: bool, python: Option<PathBuf>) -> Self {
        Self {
            on,
            python,
            ..Self::default()
        }
    }

    /// Flips the switch; turning it off ends a real run under way.
    pub fn toggle(&mut self, reaper: &mut Reaper) {
        self.on = !self.on;
        if !self.on {
            self.cancel(reaper);
        }
    }

    /// A modelled run of `scenario` starts: its real run is queued.
    pub fn queue(&mut self, scenario: &Scenario, reaper: &mut Reaper) {
        self.clear(reaper);
        if self.on {
            self.pending = Some(scenario.clone());
            self.view.fit();
        }
    }

    /// Whether a real run waits for its turn.
    pub fn is_pending(&self) -> bool {
        self.pending.is_some()
    }

    /// Starts the queued run; call once the machine is free of other runs.
    pub fn start_pending(&mut self) {
        if let Some(s) = self.pending.take() {
            self.real = Some(LensLive::start(s, self.python.clone()));
        }
    }

    /// Whether a real run is going (or waits for its turn).
    pub fn is_running(&self) -> bool {
        self.pending.is_some()
            || self.real.as_ref().is_some_and(LensLive::is_running)
            || self.serial.as_ref().is_some_and(LensLive::is_running)
    }

    /// Takes in what the real runs sent; once the run is over and its work
    /// can be timed serially, starts CPython's serial run. Returns whether
    /// anything changed.
    pub fn poll(&mut self, budget: Duration) -> bool {
        let mut changed = false;
        if let Some(real) = &mut self.real {
            changed |= real.poll(budget);
        }
        if let Some(serial) = &mut self.serial {
            changed |= serial.poll(budget);
        }
        let wants_serial = self.real.as_ref().is_some_and(|r| {
            r.data.summary().is_some_and(|s| !s.stopped)
                && comparable(&r.data.scenario)
                && r.data.scenario.total_workers() > 1
        });
        if wants_serial && self.serial.is_none() {
            let base = &self.real.as_ref().expect("checked").data.scenario;
            let serial = Scenario {
                processes: 1,
                threads: 1,
                gil: true,
                ..base.clone()
            };
            self.serial = Some(LensLive::start(serial, self.python.clone()));
            changed = true;
        }
        changed
    }

    /// CPython's speedup over its own serial run, once both are measured.
    pub fn speedup(&self) -> Option<f64> {
        let real = self.real.as_ref()?.data.summary()?;
        let serial = self.serial.as_ref()?.data.summary()?;
        (real.wall_ms > 0.0 && !serial.stopped).then(|| serial.wall_ms / real.wall_ms)
    }

    /// Stops every real run and forgets the queued one.
    pub fn cancel(&mut self, reaper: &mut Reaper) {
        self.pending = None;
        for live in [&mut self.real, &mut self.serial].into_iter().flatten() {
            live.end(reaper);
        }
        self.serial = None;
    }

    /// Forgets the real runs (a new preset, Reset).
    pub fn clear(&mut self, reaper: &mut Reaper) {
        self.cancel(reaper);
        self.real = None;
    }
}
