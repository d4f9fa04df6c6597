//! Every number the window shows as text, in one place: durations and
//! times, counts, speedups, shares, the work a scenario does, and how
//! sliders show their values and read back what someone typed. Panels,
//! lanes and tooltips all ask here, so one quantity never reads two ways.

use crate::model::{Lab, Scenario, WorkerId, Workload};

/// `1234567` as `1,234,567`: readable from the back of the room.
pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// A duration for people: `850 µs`, `12.4 ms`, `2.41 s`.
pub fn duration_text(ns: f64) -> String {
    if ns < 1e6 {
        format!("{:.0} µs", ns / 1e3)
    } else if ns < 1e9 {
        let ms = ns / 1e6;
        if ms < 10.0 {
            format!("{ms:.2} ms")
        } else {
            format!("{ms:.1} ms")
        }
    } else {
        format!("{:.2} s", ns / 1e9)
    }
}

/// A time on an axis, `t_ns` in milliseconds with as many decimals as the
/// axis's step `step_ns` needs: `100 ms`, `0.1 ms`.
pub fn axis_time_text(t_ns: f64, step_ns: f64) -> String {
    let ms = t_ns / 1e6;
    let decimals = if step_ns >= 1e6 {
        0
    } else {
        (-(step_ns / 1e6).log10()).ceil().clamp(0.0, 6.0) as usize
    };
    format!("{ms:.decimals$} ms")
}

/// The replay cursor's time with a fixed number of decimals, so it does
/// not jitter while it moves: `12.345 ms`.
pub fn cursor_time_text(t_ns: f64) -> String {
    format!("{:.3} ms", t_ns / 1e6)
}

/// Where the replay cursor is in a run of `end_ns`: `12.345 / 80.0 ms`.
pub fn cursor_of_end_text(t_ns: f64, end_ns: f64) -> String {
    format!("{:.3} / {:.1} ms", t_ns / 1e6, end_ns / 1e6)
}

/// A replay speed as people say it: `1×`, `0.01×`.
pub fn speed_text(speed: f64) -> String {
    match speed {
        s if s >= 1.0 => format!("{s:.0}×"),
        s => format!("{}×", s),
    }
}

/// A speedup at a glance (bars, the comparison): `1.0×`, `3.7×`, `12×`.
pub fn speedup_text(speedup: f64) -> String {
    if speedup >= 9.95 {
        format!("{speedup:.0}×")
    } else {
        format!("{speedup:.1}×")
    }
}

/// A measured speedup read closely (the result of one run): `1.87×`.
pub fn speedup_exact_text(speedup: f64) -> String {
    format!("{speedup:.2}×")
}

/// A whole speedup (a bound, a tick on a scale): `4×`.
pub fn whole_speedup_text(speedup: f64) -> String {
    format!("{speedup:.0}×")
}

/// A share given in percent, rounded: `42 %`.
pub fn percent_text(percent: f64) -> String {
    format!("{percent:.0} %")
}

/// A number of cores kept busy: "0.3 of a core", "1 core", "1.9 cores".
pub fn cores_text(cores: f64) -> String {
    if cores < 0.95 {
        format!("{cores:.1} of a core")
    } else if (cores - 1.0).abs() < 0.05 {
        "1 core".to_owned()
    } else {
        format!("{cores:.1} cores")
    }
}

/// A size in bytes as mebibytes: `3.5 MiB`.
pub fn mib_text(bytes: f64) -> String {
    format!("{:.1} MiB", bytes / (1024.0 * 1024.0))
}

/// What a workload does, in the words of the picker.
pub fn workload_text(w: Workload) -> &'static str {
    match w {
        Workload::Cpu => "cpu: compute",
        Workload::Io => "io: wait",
        Workload::Native => "native: compute, no GIL",
        Workload::Mixed => "mixed: compute + wait",
    }
}

/// What the workers do, in the words of the scenario's lab.
pub fn work_text(s: &Scenario) -> String {
    let on_off = |b: bool| if b { "on" } else { "off" };
    let workload = workload_text(s.workload);
    match s.lab {
        Lab::Tasks | Lab::Startup | Lab::Kill => format!("{workload} · {} tasks", s.tasks),
        Lab::Convoy => format!(
            "{} waits of {} ms beside computing threads",
            s.tasks, s.io_ms
        ),
        Lab::Queue => {
            let size = match s.queue_size {
                0 => "no limit".to_owned(),
                n => format!("holds {n}"),
            };
            format!("{workload} · {} items · queue {size}", s.tasks)
        }
        Lab::Daemon => format!("{} tasks · daemon {}", s.tasks, on_off(s.daemon)),
        Lab::Race => format!("{} updates each · lock {}", s.increments, on_off(s.lock)),
        Lab::SharedMemory => format!("{} increments each", s.increments),
    }
}

/// The work of a comparison of `workers` workers, in words:
/// `N = 4 · 8 tasks of 2,000,000`.
pub fn compare_work_text(s: &Scenario, workers: u32) -> String {
    let size = group_thousands(s.task_size);
    let work = match (s.workload.computes(), s.workload.waits()) {
        (true, false) => format!("{} tasks of {size}", s.tasks),
        (false, _) => format!("{} waits of {} ms", s.tasks, s.io_ms),
        (true, true) => format!("{} tasks of {size} + {} ms", s.tasks, s.io_ms),
    };
    format!("N = {workers} · {work}")
}

/// A worker as a tooltip names it: every child process numbers its threads
/// from 0, so a thread of a child is named with its process.
pub fn worker_name(id: WorkerId) -> String {
    if id.process > 0 {
        format!("process {}, thread {}", id.process, id.thread)
    } else {
        format!("thread {}", id.thread)
    }
}

/// A short name for a worker inside a lane: `t2`, or `p1·t2` for a child process.
pub fn worker_short(id: WorkerId) -> String {
    if id.process == 0 {
        format!("t{}", id.thread)
    } else {
        format!("p{}·t{}", id.process, id.thread)
    }
}

/// How a slider shows its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A count: `8`, `20 k`, `200 M`.
    Count,
    /// Microseconds: `500 µs`, `5 ms`.
    Micros,
    /// Milliseconds: `100 ms`, `1.5 s`.
    Millis,
}

impl Unit {
    /// `v` for people, with its scale or unit.
    pub fn format(self, v: f64) -> String {
        let short = |x: f64| {
            let text = format!("{x:.1}");
            text.trim_end_matches(".0").to_owned()
        };
        match self {
            Unit::Count if v >= 1e9 => format!("{} G", short(v / 1e9)),
            Unit::Count if v >= 1e6 => format!("{} M", short(v / 1e6)),
            Unit::Count if v >= 1e4 => format!("{} k", short(v / 1e3)),
            Unit::Count => format!("{v:.0}"),
            Unit::Micros if v >= 1e3 => format!("{} ms", short(v / 1e3)),
            Unit::Micros => format!("{v:.0} µs"),
            Unit::Millis if v >= 1e3 => format!("{} s", short(v / 1e3)),
            Unit::Millis => format!("{v:.0} ms"),
        }
    }

    /// Reads what someone typed: a number with an optional scale or unit.
    pub fn parse(self, text: &str) -> Option<f64> {
        let text = text.trim();
        let split = text
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_' || c == ','))
            .unwrap_or(text.len());
        let number: f64 = text[..split].replace(['_', ','], "").parse().ok()?;
        let scale = match (self, text[split..].trim().to_lowercase().as_str()) {
            (_, "") => 1.0,
            (Unit::Count, "k") => 1e3,
            (Unit::Count, "m") => 1e6,
            (Unit::Count, "g") => 1e9,
            (Unit::Micros, "µs" | "us") => 1.0,
            (Unit::Micros, "ms") | (Unit::Millis, "s") => 1e3,
            (Unit::Micros, "s") => 1e6,
            (Unit::Millis, "ms") => 1.0,
            _ => return None,
        };
        Some(number * scale)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(group_thousands(7), "7");
        assert_eq!(group_thousands(1234), "1,234");
        assert_eq!(group_thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(duration_text(850_000.0), "850 µs");
        assert_eq!(duration_text(12_400_000.0), "12.4 ms");
        assert_eq!(duration_text(2_410_000_000.0), "2.41 s");
    }

    #[test]
    fn speedups_read_well() {
        assert_eq!(speedup_text(1.0), "1.0×");
        assert_eq!(speedup_text(3.66), "3.7×");
        assert_eq!(speedup_text(12.3), "12×");
    }

    #[test]
    fn replay_speeds_read_well() {
        assert_eq!(speed_text(0.001), "0.001×");
        assert_eq!(speed_text(1.0), "1×");
    }

    #[test]
    fn the_work_is_said_in_words() {
        let s = Scenario {
            tasks: 8,
            task_size: 2_000_000,
            ..Scenario::default()
        };
        assert_eq!(compare_work_text(&s, 4), "N = 4 · 8 tasks of 2,000,000");
        let io = Scenario {
            workload: Workload::Io,
            io_ms: 100,
            ..s
        };
        assert_eq!(compare_work_text(&io, 20), "N = 20 · 8 waits of 100 ms");
    }

    #[test]
    fn child_threads_are_named_with_their_process() {
        assert_eq!(worker_name(WorkerId::new(0, 3)), "thread 3");
        assert_eq!(worker_name(WorkerId::new(2, 0)), "process 2, thread 0");
    }

    #[test]
    fn slider_values_read_well_and_parse_back() {
        assert_eq!(Unit::Count.format(200_000_000.0), "200 M");
        assert_eq!(Unit::Count.format(1_500.0), "1500");
        assert_eq!(Unit::Count.format(25_000.0), "25 k");
        assert_eq!(Unit::Micros.format(5_000.0), "5 ms");
        assert_eq!(Unit::Micros.format(250.0), "250 µs");
        assert_eq!(Unit::Millis.format(1_500.0), "1.5 s");
        assert_eq!(Unit::Count.parse("200 M"), Some(2e8));
        assert_eq!(Unit::Count.parse("1,000"), Some(1e3));
        assert_eq!(Unit::Micros.parse("5 ms"), Some(5e3));
        assert_eq!(Unit::Millis.parse("100"), Some(100.0));
        assert_eq!(Unit::Count.parse("lots"), None);
    }
}
