//! A comparison as the window runs it: the same work in every shape of
//! [`compare_configs`] (serial first), one run after another so that no two
//! compete for the cores, each drained live into its own [`RunData`] the way
//! a single run is, and all of them several times over, round after round
//! (one run is not a measurement): the rows give the median with the
//! smallest and largest. Stop ends the run under way at once (the reaper
//! joins its threads and children) and starts no other.

use crate::analysis::ideal_speedup;
use crate::engine::compare::{
    CompareRow, DEFAULT_REPEATS, compare_configs, compare_workers, median,
};
use crate::gui::format::compare_work_text;
use crate::gui::run_state::{LiveRun, Reaper, RunData};
use crate::model::{RunSummary, Scenario};
use std::time::{Duration, Instant};

/// One configuration of a comparison.
#[derive(Clone, Debug)]
pub struct ConfigRun {
    /// "serial", "threads", "processes", "gil-off", "native".
    pub label: String,
    /// The knobs it runs with.
    pub scenario: Scenario,
    /// What its latest run recorded, once it has run (the one under way
    /// lives in the comparison's live run until it ends).
    pub data: Option<RunData>,
    /// The summaries of every run of it that ended well, round by round.
    pub runs: Vec<RunSummary>,
    /// When each of its runs started, ms since the comparison did.
    pub started_ms: Vec<f64>,
}

/// Where a comparison stands.
#[derive(Clone, Debug, PartialEq)]
pub enum Progress {
    /// Configuration `index` is running.
    Running(usize),
    /// Every configuration ran to its end.
    Done,
    /// Stopped by the lecturer before the end.
    Stopped,
    /// A run failed or could not start; the message says which and why.
    Failed(String),
}

/// The same work run in several shapes, one after another.
#[derive(Debug)]
pub struct Comparison {
    /// The knobs the comparison was started from.
    pub base: Scenario,
    /// Logical cores of the machine it ran on: the ideal speedup is bounded by them.
    pub cores: usize,
    /// The configurations, serial first.
    pub configs: Vec<ConfigRun>,
    /// How many rounds it runs: each round runs every configuration once.
    pub repeats: u32,
    round: u32,
    began: Instant,
    live: Option<(usize, LiveRun)>,
    stopped: bool,
    failure: Option<String>,
}

impl Comparison {
    /// Starts the first configuration of `base`'s comparison on a machine
    /// with `cores` cores, to run [`DEFAULT_REPEATS`] rounds.
    pub fn start(base: &Scenario, cores: usize) -> Self {
        Self::start_repeated(base, cores, DEFAULT_REPEATS)
    }

    /// [`Comparison::start`] with `repeats` rounds.
    pub fn start_repeated(base: &Scenario, cores: usize, repeats: u32) -> Self {
        let configs = compare_configs(base)
            .into_iter()
            .map(|(label, scenario)| ConfigRun {
                label,
                scenario,
                data: None,
                runs: Vec::new(),
                started_ms: Vec::new(),
            })
            .collect();
        let mut c = Self::of(base, cores, configs);
        c.repeats = repeats.max(1);
        c.start_config(0);
        c
    }

    /// A finished comparison of runs recorded elsewhere (tests, fixed
    /// pictures); `runs` pairs each label with its recorded run.
    pub fn recorded(base: &Scenario, cores: usize, runs: Vec<(String, RunData)>) -> Self {
        let configs = runs
            .into_iter()
            .map(|(label, data)| ConfigRun {
                label,
                scenario: data.scenario.clone(),
                runs: data
                    .summary()
                    .filter(|s| !s.stopped)
                    .cloned()
                    .into_iter()
                    .collect(),
                started_ms: Vec::new(),
                data: Some(data),
            })
            .collect();
        Self::of(base, cores, configs)
    }

    /// A comparison of `configs` that nothing runs yet.
    fn of(base: &Scenario, cores: usize, configs: Vec<ConfigRun>) -> Self {
        Self {
            base: base.clone(),
            cores,
            configs,
            repeats: 1,
            round: 0,
            began: Instant::now(),
            live: None,
            stopped: false,
            failure: None,
        }
    }

    fn start_config(&mut self, index: usize) {
        let began = self.began;
        let Some(config) = self.configs.get_mut(index) else {
            return;
        };
        config.started_ms.push(began.elapsed().as_secs_f64() * 1e3);
        match LiveRun::start(config.scenario.clone()) {
            Ok(run) => self.live = Some((index, run)),
            Err(e) => self.failure = Some(format!("{} could not start: {e}", config.label)),
        }
    }

    /// Takes in what the run under way sent, for at most `budget`; when it
    /// has ended, hands its handle to `reaper` and starts the next
    /// configuration. Returns whether anything changed.
    pub fn poll(&mut self, budget: Duration, reaper: &mut Reaper) -> bool {
        let Some((_, run)) = &mut self.live else {
            return false;
        };
        let (changed, finished) = run.poll(budget);
        let Some(handle) = finished else {
            return changed;
        };
        reaper.reap(handle);
        let Some((index, run)) = self.live.take() else {
            return true;
        };
        let (_, data) = run.into_parts();
        let ok = data.summary().is_some_and(|s| !s.stopped);
        if let Some(e) = data.error() {
            self.failure = Some(format!("{} failed: {e}", self.configs[index].label));
        }
        if let Some(s) = data.summary().filter(|_| ok) {
            self.configs[index].runs.push(s.clone());
        }
        self.configs[index].data = Some(data);
        if ok && !self.stopped {
            // Round after round: the next configuration, or the next round.
            if index + 1 < self.configs.len() {
                self.start_config(index + 1);
            } else if self.round + 1 < self.repeats {
                self.round += 1;
                self.start_config(0);
            }
        }
        true
    }

    /// The round under way (or the last), from 1.
    pub fn round(&self) -> u32 {
        self.round + 1
    }

    /// Stops the comparison: the run under way is handed to `reaper`, which
    /// stops it and joins its threads and children; no other run starts.
    pub fn stop(&mut self, reaper: &mut Reaper) {
        // A comparison that has ended (well or not) stays as it is.
        if let Some((index, run)) = self.live.take() {
            self.stopped = true;
            let (handle, data) = run.into_parts();
            if let Some(handle) = handle {
                reaper.reap(handle);
            }
            self.configs[index].data = Some(data);
        }
    }

    /// Whether a run of the comparison is under way.
    pub fn is_running(&self) -> bool {
        self.live.is_some()
    }

    /// Where the comparison stands.
    pub fn progress(&self) -> Progress {
        if let Some((index, _)) = &self.live {
            return Progress::Running(*index);
        }
        if let Some(f) = &self.failure {
            return Progress::Failed(f.clone());
        }
        let all = self.configs.iter().all(|c| {
            c.data.as_ref().and_then(RunData::summary).is_some()
                && c.runs.len() as u32 >= self.repeats
        });
        if all && !self.stopped {
            Progress::Done
        } else {
            Progress::Stopped
        }
    }

    /// What configuration `index` has recorded so far, live or finished.
    pub fn data(&self, index: usize) -> Option<&RunData> {
        match &self.live {
            Some((i, run)) if *i == index => Some(&run.data),
            _ => self.configs.get(index)?.data.as_ref(),
        }
    }

    /// The serial configuration's wall time, ms, once it finished.
    pub fn serial_ms(&self) -> Option<f64> {
        self.finished_ms(0)
    }

    /// Median wall time of configuration `index`'s runs that ran to their
    /// end, ms.
    pub fn finished_ms(&self, index: usize) -> Option<f64> {
        let runs = &self.configs.get(index)?.runs;
        (!runs.is_empty()).then(|| median(&runs.iter().map(|s| s.wall_ms).collect::<Vec<_>>()))
    }

    /// The measured row of configuration `index`, once it and the serial run
    /// have finished at least once: medians, and the range over the rounds.
    pub fn row(&self, index: usize) -> Option<CompareRow> {
        let config = self.configs.get(index)?;
        let serial = &self.configs.first()?.runs;
        if config.runs.is_empty() || serial.is_empty() {
            return None;
        }
        Some(CompareRow::from_runs(
            &config.label,
            &config.scenario,
            &config.runs,
            serial,
            &config.started_ms,
        ))
    }

    /// Cores other programs kept busy, on average, while configuration
    /// `index` ran: the machine's load (sampled) minus the workers' own CPU
    /// time. When it is high the wall times, and so the speedups, are skewed.
    pub fn others_cores(&self, index: usize) -> Option<f64> {
        self.data(index)?.others_cores()
    }

    /// The most cores other programs kept busy during any configuration.
    pub fn others_cores_max(&self) -> Option<f64> {
        (0..self.configs.len())
            .filter_map(|i| self.others_cores(i))
            .reduce(f64::max)
    }

    /// The most of a core this window took to draw during any configuration
    /// (measured per thread, apart from other programs).
    pub fn window_cores_max(&self) -> Option<f64> {
        (0..self.configs.len())
            .filter_map(|i| self.data(i)?.threadlab_cores().map(|(front, _)| front))
            .reduce(f64::max)
    }

    /// The best speedup configuration `index` can reach on this machine.
    pub fn ideal(&self, index: usize) -> f64 {
        self.configs
            .get(index)
            .map_or(1.0, |c| ideal_speedup(&c.scenario, self.cores))
    }

    /// N: the workers of every configuration but the serial one.
    pub fn workers(&self) -> u32 {
        compare_workers(&self.base)
    }

    /// The latest time any configuration has reported, ns: the shared axis
    /// runs from 0 to here.
    pub fn horizon_ns(&self) -> u64 {
        (0..self.configs.len())
            .filter_map(|i| self.data(i))
            .map(RunData::horizon_ns)
            .max()
            .unwrap_or(0)
    }
}

/// What a finished comparison leaves behind for the next one to be drawn
/// against: its speedups, labelled.
#[derive(Clone, Debug, PartialEq)]
pub struct Ghost {
    /// The work it compared, in words ("4 workers · 8 tasks of 2,000,000").
    pub what: String,
    /// Speedup per configuration label.
    pub speedups: Vec<(String, f64)>,
}

impl Ghost {
    /// The ghost of `c`, when it ran to its end.
    pub fn of(c: &Comparison) -> Option<Self> {
        (c.progress() == Progress::Done).then(|| Self {
            what: compare_work_text(&c.base, c.workers()),
            speedups: (0..c.configs.len())
                .filter_map(|i| c.row(i))
                .map(|r| (r.label, r.speedup))
                .collect(),
        })
    }

    /// The speedup it measured for `label`.
    pub fn speedup(&self, label: &str) -> Option<f64> {
        self.speedups
            .iter()
            .find(|(l, _)| l == label)
            .map(|(_, s)| *s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_comparison_not_yet_run_has_no_ghost() {
        let base = Scenario::default();
        let runs = compare_configs(&base)
            .into_iter()
            .map(|(label, s)| (label, RunData::new(s)))
            .collect();
        let c = Comparison::recorded(&base, 2, runs);
        assert_eq!(c.progress(), Progress::Stopped);
        assert_eq!(Ghost::of(&c), None);
        assert_eq!(c.row(0), None);
        assert_eq!(c.ideal(0), 1.0);
        assert_eq!(c.ideal(2), 2.0, "four processes on two cores");
    }

    #[test]
    fn other_programs_load_is_the_machine_minus_the_workers() {
        let base = Scenario::default();
        let mut data = RunData::new(base.clone());
        for (t, load) in [(0, 0.0), (1, 150.0), (2, 130.0)] {
            data.apply(crate::model::RunMessage::Cores(crate::model::CoreSample {
                t_ns: t,
                usage: vec![load / 2.0, load / 2.0],
                ..Default::default()
            }));
        }
        data.apply(crate::model::RunMessage::Finished(Box::new(Ok(
            crate::model::RunSummary {
                wall_ms: 100.0,
                cpu_ms: 100.0,
                ..Default::default()
            },
        ))));
        let c = Comparison::recorded(&base, 2, vec![("serial".to_owned(), data)]);
        let others = c.others_cores(0).expect("sampled");
        assert!((others - 0.4).abs() < 1e-9, "{others}");
        assert_eq!(c.others_cores_max(), Some(others));
    }
}
