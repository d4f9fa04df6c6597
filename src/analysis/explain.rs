//! Why a run's speedup fell short of the best possible, from what the run
//! measured: the time its workers waited for the GIL and for a core, and
//! what the window, threadlab's helpers and other programs took from the
//! cores meanwhile. The window and the command line word these; the
//! numbers are decided here once.

use crate::model::RunSummary;

/// One measured reason a run was slower than its workers and cores allow.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Reason {
    /// The workers waited for their interpreter's GIL.
    GilWait {
        /// Waited in all, ms.
        ms: f64,
        /// As a share of the workers' time (0..=1).
        share: f64,
    },
    /// The workers were ready but the OS had no core for them: more
    /// runnable threads than cores.
    CoreWait {
        /// Waited in all, ms.
        ms: f64,
        /// As a share of the workers' time (0..=1).
        share: f64,
        /// Workers that computed.
        workers: u32,
        /// Cores they could run on.
        cores: u32,
    },
    /// threadlab's front end (the window and its renderer) used cores.
    FrontEnd {
        /// Cores kept busy on average.
        cores: f64,
    },
    /// The run's helper threads used cores.
    Helpers {
        /// Cores kept busy on average.
        cores: f64,
    },
    /// Other programs used cores.
    OtherPrograms {
        /// Cores kept busy on average.
        cores: f64,
    },
}

/// Below this share of the workers' time a wait is not worth naming.
const WAIT_SHARE: f64 = 0.05;
/// Below this many cores kept busy a thread group is not worth naming.
const CORES: f64 = 0.05;

/// The reasons worth naming, largest first. The workers' time is the
/// number of workers times the wall time, the room they had to fill.
pub fn reasons(s: &RunSummary) -> Vec<Reason> {
    let workers = (s.processes.max(1) * s.threads.max(1)) as f64;
    let room = workers * s.wall_ms.max(1e-9);
    let mut out: Vec<(f64, Reason)> = Vec::new();
    let gil = s.gil_wait_ms / room;
    if s.gil && gil >= WAIT_SHARE {
        out.push((
            gil,
            Reason::GilWait {
                ms: s.gil_wait_ms,
                share: gil,
            },
        ));
    }
    let core = s.core_wait_ms / room;
    if core >= WAIT_SHARE {
        out.push((
            core,
            Reason::CoreWait {
                ms: s.core_wait_ms,
                share: core,
                workers: workers as u32,
                cores: s.cores,
            },
        ));
    }
    if let Some(l) = s.load {
        // A core's worth of time weighs as much as a worker's share of it.
        let weigh = |cores: f64| cores / workers;
        if l.front_end_cores >= CORES {
            out.push((
                weigh(l.front_end_cores),
                Reason::FrontEnd {
                    cores: l.front_end_cores,
                },
            ));
        }
        if l.helpers_cores >= CORES {
            out.push((
                weigh(l.helpers_cores),
                Reason::Helpers {
                    cores: l.helpers_cores,
                },
            ));
        }
        if l.others_cores >= CORES {
            out.push((
                weigh(l.others_cores),
                Reason::OtherPrograms {
                    cores: l.others_cores,
                },
            ));
        }
    }
    out.sort_by(|a, b| b.0.total_cmp(&a.0));
    out.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LoadSummary;

    #[test]
    fn waits_and_other_threads_are_named_largest_first() {
        let s = RunSummary {
            processes: 4,
            threads: 1,
            gil: true,
            wall_ms: 1000.0,
            gil_wait_ms: 10.0,
            core_wait_ms: 2000.0,
            cores: 2,
            load: Some(LoadSummary {
                front_end_cores: 0.3,
                helpers_cores: 0.01,
                others_cores: 0.2,
                ..LoadSummary::default()
            }),
            ..RunSummary::default()
        };
        let r = reasons(&s);
        assert!(matches!(
            r[0],
            Reason::CoreWait {
                workers: 4,
                cores: 2,
                ..
            }
        ));
        assert!(matches!(r[1], Reason::FrontEnd { .. }));
        assert!(matches!(r[2], Reason::OtherPrograms { .. }));
        assert_eq!(r.len(), 3, "tiny GIL waits and helpers are left out: {r:?}");
    }
}
