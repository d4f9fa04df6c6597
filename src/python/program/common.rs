//! What the programs share: the docstring that says where a program came
//! from, the imports, the knobs as constants, the sum of squares (with its
//! closed form, so a program checks its own answer), the wait, and the
//! lines that run one interpreter's threads in P processes.

use super::Writer;
use crate::model::{Scenario, Workload};

/// Python's default switch interval, µs: a program leaves it alone.
pub const DEFAULT_SWITCH_US: u64 = 5_000;

/// `1_000_000` for 1000000: a number as Python reads it and people too.
pub fn py_int(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('_');
        }
        out.push(c);
    }
    out
}

/// The docstring: which preset, what it shows, with which knobs.
pub fn header(w: &mut Writer, s: &Scenario, knobs: &str) {
    let title = if s.title.is_empty() {
        String::new()
    } else {
        format!(": {}", s.title.trim_end_matches('.'))
    };
    let mut lines = wrap(&format!("\"\"\"{}{title}.", s.name), DOC_WIDTH);
    lines.push(String::new());
    lines.extend(wrap(
        &format!("threadlab wrote this from its knobs ({knobs})."),
        DOC_WIDTH,
    ));
    lines.push("Run it with python3: it prints what it measured.".to_owned());
    lines.push("\"\"\"".to_owned());
    for line in lines {
        if line.is_empty() {
            w.blank();
        } else {
            w.line(&line);
        }
    }
}

/// The docstring's width: PEP 8's for text, so the program fits a slide.
const DOC_WIDTH: usize = 72;

/// `text` cut at spaces into lines of at most `width` characters (a word
/// longer than that stands alone).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The imports, sorted, then the probe's (a measuring line).
pub fn imports(w: &mut Writer, s: &Scenario, modules: &[&str]) {
    let mut modules = modules.to_vec();
    if needs_sys(s) {
        modules.push("sys");
    }
    modules.sort_unstable();
    modules.dedup();
    for m in modules {
        w.line(&format!("import {m}"));
    }
    w.probe(&format!("import {} as probe", super::PROBE_MODULE));
    w.blank();
}

/// The constants of a unit of work, one `what` (a task, an item): the
/// integers it sums and the milliseconds it waits, as far as it does either.
pub fn work_constants(w: &mut Writer, s: &Scenario, what: &str) {
    if s.workload.computes() {
        constant(
            w,
            "TASK_SIZE",
            &py_int(s.task_size),
            &format!("integers per {what}"),
        );
    }
    if s.workload.waits() {
        constant(
            w,
            "IO_MS",
            &s.io_ms.to_string(),
            &format!("milliseconds each {what} waits"),
        );
    }
}

/// A knob as a constant with a comment: `THREADS = 4  # threads doing the work`.
pub fn constant(w: &mut Writer, name: &str, value: &str, comment: &str) {
    w.line(&format!("{name} = {value}  # {comment}"));
}

/// The sum of squares, the tutorial's CPU-bound work, with a checkpoint of
/// the probe after every block of integers.
pub fn sum_of_squares(w: &mut Writer) {
    w.open("def sum_of_squares(start, stop):")
        .line("total = 0")
        .probe_open("for start, stop in probe.blocks(start, stop):")
        .open("for i in range(start, stop):")
        .line("total += i * i")
        .close()
        .probe_close()
        .line("return total")
        .close()
        .blank();
}

/// The closed form of the sum of squares below `n`, to check the loop by.
pub fn closed_form(w: &mut Writer) {
    w.open("def squares_below(n):")
        .line("return n * (n - 1) * (2 * n - 1) // 6  # 0² + 1² + ... + (n-1)²")
        .close()
        .blank();
}

/// A stand-in for native code: the standard library has no sum of squares
/// that lets the GIL go, but hashlib does let it go while it hashes a large
/// buffer, as numpy does while it computes.
pub fn native_work(w: &mut Writer) {
    w.line("BUFFER = bytes(64 * 1024)  # hashlib lets the GIL go while it hashes this")
        .blank()
        .open("def native_work(start, stop):")
        .line("# Stands in for native code such as numpy: not the sum of squares,")
        .line("# which the standard library cannot compute without the GIL.")
        .open("for _ in range((stop - start) // 1024):")
        .line("hashlib.sha256(BUFFER).digest()")
        .close()
        .close()
        .blank();
}

/// A blocking wait of `IO_MS`: the GIL is let go while it sleeps.
pub fn wait(w: &mut Writer, what: &str) {
    w.probe("probe.waiting(IO_MS)")
        .line(&format!(
            "time.sleep(IO_MS / 1000)  # {what}: the GIL is let go"
        ))
        .probe("probe.woke()");
}

/// `sys.setswitchinterval(..)` when the knob differs from Python's default.
pub fn switch_interval(w: &mut Writer, s: &Scenario) {
    if s.switch_interval_us != DEFAULT_SWITCH_US {
        w.line(&format!(
            "sys.setswitchinterval({})  # the GIL's switch interval, seconds",
            s.switch_interval_us as f64 / 1e6
        ));
    }
}

/// Whether a program needs `sys` (for the switch interval).
pub fn needs_sys(s: &Scenario) -> bool {
    s.switch_interval_us != DEFAULT_SWITCH_US
}

/// Words for one task of the workload, for the docstrings.
pub fn task_words(s: &Scenario) -> String {
    let size = py_int(s.task_size).replace('_', ",");
    match s.workload {
        Workload::Cpu => format!("the squares of {size} integers, added up"),
        Workload::Io => format!("a wait of {} ms, like a download", s.io_ms),
        Workload::Native => format!("native work on {size} integers, GIL let go"),
        Workload::Mixed => format!("{size} squares added up, then a wait of {} ms", s.io_ms),
    }
}

/// The knobs, for the docstring: "4 threads, GIL on".
pub fn shape(s: &Scenario) -> String {
    let threads = |n: u32| format!("{n} thread{}", if n == 1 { "" } else { "s" });
    let workers = if s.uses_processes() {
        format!("{} processes of {}", s.processes, threads(s.threads))
    } else {
        threads(s.threads)
    };
    format!("{workers}, GIL {}", if s.gil { "on" } else { "off" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_read_with_underscores() {
        assert_eq!(py_int(5), "5");
        assert_eq!(py_int(1000), "1_000");
        assert_eq!(py_int(2_000_000), "2_000_000");
        assert_eq!(py_int(123_456_789), "123_456_789");
    }
}
