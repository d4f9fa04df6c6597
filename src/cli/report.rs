//! Text renderings of a summary for the terminal (CSV is in `export::csv`).

use crate::engine::compare::CompareRow;
use crate::model::RunSummary;
use std::fmt::Write;

/// A few readable lines about a finished run.
pub fn summary_text(s: &RunSummary) -> String {
    let mut out = String::new();
    let shape = if s.processes >= 2 {
        format!("{} processes × {} threads", s.processes, s.threads)
    } else {
        format!("{} threads", s.threads)
    };
    let _ = writeln!(
        out,
        "{}: {shape}, GIL {}, {} workload{}",
        s.preset,
        if s.gil { "on" } else { "off" },
        s.workload.name(),
        if s.stopped { " (stopped)" } else { "" }
    );
    let _ = writeln!(
        out,
        "  wall {:.1} ms, CPU {:.1} ms, {} tasks done",
        s.wall_ms, s.cpu_ms, s.tasks_done
    );
    if s.gil {
        let _ = writeln!(
            out,
            "  GIL: {} hand-overs, {} drop requests, {:.1} ms waited in all",
            s.gil_switches, s.gil_drop_requests, s.gil_wait_ms
        );
    }
    if s.cores > 0 {
        let _ = writeln!(
            out,
            "  cores: {} ({}); the workers waited {:.1} ms for a core in all",
            s.cores,
            crate::sampling::topology::describe_counts(s.cores as usize, s.cores_physical as usize),
            s.core_wait_ms
        );
    }
    if let Some(l) = s.load {
        let _ = writeln!(
            out,
            "  cores busy on average: workers {:.2}, threadlab's other threads {:.2}, other programs {:.2}",
            l.workers_cores,
            l.front_end_cores + l.helpers_cores,
            l.others_cores
        );
    }
    if let Some(ok) = s.result_ok {
        let _ = writeln!(out, "  results {}", if ok { "correct" } else { "WRONG" });
    }
    if let Some(p) = s.io_wake_delay_us {
        let _ = writeln!(
            out,
            "  I/O wake-up delay: median {:.0} µs, p90 {:.0} µs over {} waits",
            p.median, p.p90, p.count
        );
    }
    if let Some(c) = s.counter {
        let _ = writeln!(
            out,
            "  counter: expected {}, got {}, {} updates lost",
            c.expected, c.actual, c.lost_updates
        );
    }
    if let Some(q) = s.queue {
        let _ = writeln!(
            out,
            "  queue: maxsize {}, deepest {}, {} puts, {} gets, producer blocked {:.1} ms",
            q.maxsize, q.max_depth, q.puts, q.gets, q.producer_blocked_ms
        );
    }
    if let Some(c) = s.cut_off {
        let _ = writeln!(
            out,
            "  cut off: {} tasks, {} resources left unreleased",
            c.tasks, c.unreleased_resources
        );
    }
    let _ = writeln!(
        out,
        "  {} events recorded, {} dropped",
        s.events, s.events_dropped
    );
    if s.events_kept > 0 && s.events_summarised > 0 {
        let _ = writeln!(
            out,
            "  the trace holds the first {} events; {} more are only counted",
            s.events_kept, s.events_summarised
        );
    }
    for note in &s.notes {
        let _ = writeln!(out, "  note: {note}");
    }
    out
}

/// One line of `compare` output: the median, and with repeats the range
/// and a warning when it is too wide to conclude from.
pub fn compare_line(r: &CompareRow) -> String {
    let mut line = format!(
        "{:10} {:>2} proc × {:>3} threads  GIL {:3}  {:7}  {:9.1} ms  speedup {:5.2}x",
        r.label,
        r.processes,
        r.threads,
        if r.gil { "on" } else { "off" },
        r.workload.name(),
        r.wall_ms,
        r.speedup
    );
    if r.repeats > 1 {
        let _ = write!(
            line,
            " ({:.2}–{:.2}x over {} runs)",
            r.speedup_min, r.speedup_max, r.repeats
        );
    }
    if let Some(cause) = r.spread_cause.filter(|_| r.spread_wide) {
        let _ = write!(line, "  ! too spread to conclude: {}", cause.words());
    }
    line
}
