//! The model's numbers beside CPython's, one row per quantity, each marked
//! where the two differ by more than the runs of either differ from
//! themselves. The tolerances are the run-to-run spread measured on a
//! shared 2-core VM (BENCHMARKS.md, "Model against CPython"): wall times of
//! repeated runs of one preset spread by up to a quarter, so only a gap
//! beyond that is called a disagreement. Counts that come out of a race
//! (how many updates a call lost) differ from run to run by design; only
//! none against some is a disagreement there.

use crate::model::RunSummary;

/// Two wall times (or spawn times) agree within this ratio…
pub const TIME_RATIO: f64 = 1.35;
/// … or this many milliseconds, whichever is more lenient.
pub const TIME_SLACK_MS: f64 = 15.0;
/// Two speedups agree within this much of each other.
pub const SPEEDUP_SLACK: f64 = 0.35;
/// Resident memory agrees within this ratio.
pub const MEMORY_RATIO: f64 = 2.5;
/// Spawn latency agrees within this ratio (start-up is the noisiest).
pub const SPAWN_RATIO: f64 = 3.0;

/// Whether two numbers agree.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    /// Within the noise.
    Agree,
    /// Further apart than the noise: what differs, in a few words.
    Differ(String),
    /// Nothing to compare (one side did not measure it).
    Unknown,
}

/// One quantity, measured twice.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// What it is: "wall time".
    pub what: &'static str,
    /// The model's value, as text.
    pub model: String,
    /// CPython's value, as text.
    pub cpython: String,
    /// Whether they agree.
    pub verdict: Verdict,
}

fn ms(v: f64) -> String {
    if v >= 1000.0 {
        format!("{:.2} s", v / 1000.0)
    } else if v >= 10.0 {
        format!("{v:.0} ms")
    } else {
        format!("{v:.1} ms")
    }
}

fn times(a: f64, b: f64) -> Verdict {
    let (lo, hi) = (a.min(b), a.max(b));
    if hi - lo <= TIME_SLACK_MS || hi <= lo * TIME_RATIO {
        Verdict::Agree
    } else {
        Verdict::Differ(format!(
            "{:.2}× apart",
            if lo > 0.0 { hi / lo } else { f64::INFINITY }
        ))
    }
}

fn ratio(a: f64, b: f64, limit: f64) -> Verdict {
    let (lo, hi) = (a.min(b), a.max(b));
    if lo <= 0.0 {
        return Verdict::Unknown;
    }
    if hi <= lo * limit {
        Verdict::Agree
    } else {
        Verdict::Differ(format!("{:.1}× apart", hi / lo))
    }
}

fn median(v: impl Iterator<Item = f64>) -> Option<f64> {
    let mut v: Vec<f64> = v.filter(|x| *x > 0.0).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    Some(v[v.len() / 2])
}

/// The rows for a model run and a real one of the same scenario, with each
/// one's speedup over its own serial run when known.
pub fn side_by_side(
    model: &RunSummary,
    cpython: &RunSummary,
    speedups: (Option<f64>, Option<f64>),
) -> Vec<Row> {
    let mut rows = vec![Row {
        what: "wall time",
        model: ms(model.wall_ms),
        cpython: ms(cpython.wall_ms),
        verdict: times(model.wall_ms, cpython.wall_ms),
    }];
    if let (Some(a), Some(b)) = speedups {
        rows.push(Row {
            what: "speedup",
            model: format!("{a:.2}×"),
            cpython: format!("{b:.2}×"),
            verdict: if (a - b).abs() <= SPEEDUP_SLACK {
                Verdict::Agree
            } else {
                Verdict::Differ(format!("{:.2} apart", (a - b).abs()))
            },
        });
    }
    if let (Some(a), Some(b)) = (model.counter, cpython.counter) {
        rows.push(Row {
            what: "lost updates",
            model: format!("{} of {}", a.lost_updates, a.expected),
            cpython: format!("{} of {}", b.lost_updates, b.expected),
            verdict: if (a.lost_updates == 0) == (b.lost_updates == 0) {
                Verdict::Agree
            } else {
                Verdict::Differ("only one lost updates".to_owned())
            },
        });
    }
    if let (Some(a), Some(b)) = (model.queue, cpython.queue) {
        let apart = a.max_depth.abs_diff(b.max_depth);
        rows.push(Row {
            what: "deepest queue",
            model: a.max_depth.to_string(),
            cpython: b.max_depth.to_string(),
            verdict: if apart <= 1 || apart * 4 <= a.max_depth.max(b.max_depth) {
                Verdict::Agree
            } else {
                Verdict::Differ(format!("{apart} apart"))
            },
        });
    }
    if let (Some(a), Some(b)) = (model.cut_off, cpython.cut_off) {
        rows.push(Row {
            what: "tasks cut off",
            model: a.tasks.to_string(),
            cpython: b.tasks.to_string(),
            verdict: if a.tasks.abs_diff(b.tasks) <= 1 {
                Verdict::Agree
            } else {
                Verdict::Differ(format!("{} apart", a.tasks.abs_diff(b.tasks)))
            },
        });
    }
    let spawn = |s: &RunSummary| median(s.spawn_us.iter().copied());
    if let (Some(a), Some(b)) = (spawn(model), spawn(cpython)) {
        rows.push(Row {
            what: if model.processes >= 2 {
                "starting a process"
            } else {
                "starting a thread"
            },
            model: format!("{a:.0} µs"),
            cpython: format!("{b:.0} µs"),
            verdict: ratio(a, b, SPAWN_RATIO),
        });
    }
    let memory = |s: &RunSummary| {
        median(
            s.workers
                .iter()
                .filter(|w| w.id.process > 0)
                .map(|w| w.rss_bytes as f64),
        )
    };
    if let (Some(a), Some(b)) = (memory(model), memory(cpython)) {
        rows.push(Row {
            what: "memory per process",
            model: format!("{:.1} MiB", a / 1048576.0),
            cpython: format!("{:.1} MiB", b / 1048576.0),
            verdict: ratio(a, b, MEMORY_RATIO),
        });
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CounterSummary;

    fn run(wall_ms: f64) -> RunSummary {
        RunSummary {
            wall_ms,
            ..RunSummary::default()
        }
    }

    #[test]
    fn times_within_the_noise_agree() {
        let rows = side_by_side(&run(1000.0), &run(1200.0), (None, None));
        assert_eq!(rows[0].verdict, Verdict::Agree);
        let rows = side_by_side(&run(100.0), &run(1100.0), (None, None));
        assert!(matches!(rows[0].verdict, Verdict::Differ(_)));
        // Short runs: a few milliseconds are noise whatever the ratio.
        let rows = side_by_side(&run(2.0), &run(9.0), (None, None));
        assert_eq!(rows[0].verdict, Verdict::Agree);
    }

    #[test]
    fn lost_updates_differ_only_when_one_side_loses_none() {
        let lost = |n| RunSummary {
            counter: Some(CounterSummary {
                expected: 100,
                actual: 100 - n,
                lost_updates: n,
            }),
            ..run(10.0)
        };
        let verdict = |a, b| {
            side_by_side(&lost(a), &lost(b), (None, None))[1]
                .verdict
                .clone()
        };
        assert_eq!(verdict(3, 40), Verdict::Agree);
        assert_eq!(verdict(0, 0), Verdict::Agree);
        assert!(matches!(verdict(0, 5), Verdict::Differ(_)));
    }
}
