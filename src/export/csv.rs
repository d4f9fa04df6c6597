//! CSV of the summary rows, for spreadsheets: a header, then one row per run
//! (or per configuration of a comparison). Columns are only ever added at
//! the end, so scripts that read them by position keep working; a number a
//! run did not measure is left empty.

use crate::engine::compare::CompareRow;
use crate::model::RunSummary;
use std::fmt::Write;

/// The columns of [`summary_csv`], in order.
pub const SUMMARY_COLUMNS: &[&str] = &[
    "preset",
    "lab",
    "processes",
    "threads",
    "gil",
    "workload",
    "wall_ms",
    "cpu_ms",
    "tasks_done",
    "events",
    "events_dropped",
    "gil_switches",
    "gil_drop_requests",
    "gil_wait_ms",
    "stopped",
    "result_ok",
    "lock_wait_ms",
    "counter_expected",
    "counter_actual",
    "lost_updates",
    "queue_maxsize",
    "queue_max_depth",
    "producer_blocked_ms",
    "cut_off_tasks",
    "cores",
    "core_wait_ms",
    "front_end_cores",
    "others_cores",
];

/// The columns of [`compare_csv`], in order.
pub const COMPARE_COLUMNS: &[&str] = &[
    "label",
    "processes",
    "threads",
    "gil",
    "workload",
    "wall_ms",
    "speedup",
    "repeats",
    "wall_ms_min",
    "wall_ms_max",
    "speedup_min",
    "speedup_max",
];

/// A field as CSV wants it: quoted when it holds a comma, quote or newline.
pub fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

fn ms(v: f64) -> String {
    if v.is_finite() {
        format!("{v:.3}")
    } else {
        String::new()
    }
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// The header and one row per summary.
pub fn summary_csv(rows: &[RunSummary]) -> String {
    let mut out = SUMMARY_COLUMNS.join(",");
    out.push('\n');
    for s in rows {
        let fields = [
            field(&s.preset),
            s.lab.name().to_owned(),
            s.processes.to_string(),
            s.threads.to_string(),
            s.gil.to_string(),
            s.workload.name().to_owned(),
            ms(s.wall_ms),
            ms(s.cpu_ms),
            s.tasks_done.to_string(),
            s.events.to_string(),
            s.events_dropped.to_string(),
            s.gil_switches.to_string(),
            s.gil_drop_requests.to_string(),
            ms(s.gil_wait_ms),
            s.stopped.to_string(),
            opt(s.result_ok),
            s.lock_wait_ms.map(ms).unwrap_or_default(),
            opt(s.counter.map(|c| c.expected)),
            opt(s.counter.map(|c| c.actual)),
            opt(s.counter.map(|c| c.lost_updates)),
            opt(s.queue.map(|q| q.maxsize)),
            opt(s.queue.map(|q| q.max_depth)),
            s.queue
                .map(|q| ms(q.producer_blocked_ms))
                .unwrap_or_default(),
            opt(s.cut_off.map(|c| c.tasks)),
            s.cores.to_string(),
            ms(s.core_wait_ms),
            s.load
                .map(|l| format!("{:.3}", l.front_end_cores))
                .unwrap_or_default(),
            s.load
                .map(|l| format!("{:.3}", l.others_cores))
                .unwrap_or_default(),
        ];
        debug_assert_eq!(fields.len(), SUMMARY_COLUMNS.len());
        let _ = writeln!(out, "{}", fields.join(","));
    }
    out
}

/// The header and one row per configuration of a comparison.
pub fn compare_csv(rows: &[CompareRow]) -> String {
    let mut out = COMPARE_COLUMNS.join(",");
    out.push('\n');
    for r in rows {
        let ratio = |v: f64| {
            if v.is_finite() {
                format!("{v:.3}")
            } else {
                String::new()
            }
        };
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{}",
            field(&r.label),
            r.processes,
            r.threads,
            r.gil,
            r.workload.name(),
            ms(r.wall_ms),
            ratio(r.speedup),
            r.repeats,
            ms(r.wall_ms_min),
            ms(r.wall_ms_max),
            ratio(r.speedup_min),
            ratio(r.speedup_max),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CounterSummary, Workload};

    #[test]
    fn rows_have_as_many_fields_as_the_header() {
        let race = RunSummary {
            preset: "my, race".into(),
            counter: Some(CounterSummary {
                expected: 10,
                actual: 7,
                lost_updates: 3,
            }),
            wall_ms: f64::NAN,
            ..RunSummary::default()
        };
        let text = summary_csv(&[race, RunSummary::default()]);
        let lines: Vec<_> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[1].starts_with("\"my, race\","), "{}", lines[1]);
        assert!(lines[1].contains(",10,7,3,"), "{}", lines[1]);
        // Without the quoted comma, every row splits into the header's fields.
        let count = |l: &str| l.replace("\"my, race\"", "x").split(',').count();
        assert!(lines.iter().all(|l| count(l) == SUMMARY_COLUMNS.len()));
    }

    #[test]
    fn compare_has_a_row_per_configuration() {
        let s = crate::model::Scenario {
            processes: 1,
            threads: 2,
            workload: Workload::Cpu,
            ..Default::default()
        };
        let row = |label: &str, serial_ms| CompareRow::measured(label, &s, 10.0, serial_ms);
        let text = compare_csv(&[row("serial", 10.0), row("threads", 9.8)]);
        assert_eq!(
            text,
            "label,processes,threads,gil,workload,wall_ms,speedup,\
             repeats,wall_ms_min,wall_ms_max,speedup_min,speedup_max\n\
             serial,1,2,true,cpu,10.000,1.000,1,10.000,10.000,1.000,1.000\n\
             threads,1,2,true,cpu,10.000,0.980,1,10.000,10.000,0.980,0.980\n"
        );
    }
}
