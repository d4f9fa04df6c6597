//! The race: threads add 1 to one global counter, each update written as
//! the scenario says (`x += 1`; `x = x + one()`; read, wait, write back),
//! with or without a lock around it. With P processes each process counts
//! on its own copy of the counter and sends its count back.
//!
//! A long loop of updates gets the probe's checkpoints (`probe.blocks`);
//! each update is recorded (lock, wait, write) only when there are few of
//! them, so the probe stays far below the cost of the updates it watches.

use super::Writer;
use super::common::{constant, header, imports, py_int, shape, switch_interval, wait};
use crate::model::{Scenario, Update};

/// Updates per thread up to which every update is recorded.
pub const RECORD_EACH_UP_TO: u32 = 1_000;

/// The race program.
pub fn race(w: &mut Writer, s: &Scenario) {
    let update = match s.update {
        Update::Plain => "x += 1".to_owned(),
        Update::Call => "x = x + one()".to_owned(),
        Update::Wait => format!("read, wait {} ms, write back", s.io_ms),
    };
    let lock = if s.lock { ", under a lock" } else { "" };
    let knobs = format!(
        "{}, {} updates per thread: {update}{lock}",
        shape(s),
        py_int(u64::from(s.increments)).replace('_', ",")
    );
    header(w, s, &knobs);
    let mut modules = vec!["threading", "time"];
    if s.uses_processes() {
        modules.push("multiprocessing");
    }
    imports(w, s, &modules);
    if s.uses_processes() {
        constant(
            w,
            "PROCESSES",
            &s.processes.to_string(),
            "processes, a counter each",
        );
    }
    constant(
        w,
        "THREADS",
        &s.threads.to_string(),
        "threads sharing the counter",
    );
    constant(
        w,
        "INCREMENTS",
        &py_int(u64::from(s.increments)),
        "updates per thread",
    );
    if s.update == Update::Wait {
        constant(
            w,
            "IO_MS",
            &s.io_ms.to_string(),
            "the wait inside each update, ms",
        );
    }
    w.blank();
    w.line("counter = 0  # one for all the threads of a process");
    if s.lock {
        w.line("lock = threading.Lock()");
    }
    w.blank();
    if s.update == Update::Call {
        w.open("def one():")
            .line("return 1  # entering a function, CPython may hand the GIL over")
            .close()
            .blank();
    }
    add(w, s);
    count(w);
    main(w, s);
}

/// `add()`: the target of every thread.
fn add(w: &mut Writer, s: &Scenario) {
    let each = s.increments <= RECORD_EACH_UP_TO;
    w.open("def add(times):").line("global counter");
    if s.update != Update::Wait {
        w.probe_open("for times in probe.counts(times):");
    }
    w.open("for _ in range(times):");
    if s.lock {
        if each {
            w.probe("probe.lock_wait()");
        }
        w.open("with lock:  # one update at a time");
        if each {
            w.probe("probe.locked()");
        }
    }
    match s.update {
        Update::Plain => {
            w.line("counter += 1  # no switch point between its read and its write");
        }
        Update::Call => {
            w.line("counter = counter + one()  # read, call, write");
        }
        Update::Wait => {
            w.line("value = counter  # read");
            wait(w, "a database round trip");
            w.line("counter = value + 1  # write back")
                .probe("probe.wrote(counter)");
        }
    }
    if s.lock {
        if each {
            w.probe("probe.unlocked()");
        }
        w.close();
    }
    // The loop over the updates, then (when measured) the probe's blocks.
    w.close();
    if s.update != Update::Wait {
        w.probe_close();
    }
    w.close().blank();
}

/// `count()`: the threads of one process, started and joined; its count.
fn count(w: &mut Writer) {
    w.open("def count():")
        .line("threads = [threading.Thread(target=add, args=(INCREMENTS,))")
        .line("           for _ in range(THREADS)]")
        .open("for t in threads:")
        .line("t.start()")
        .close()
        .open("for t in threads:")
        .line("t.join()")
        .close()
        .line("return counter")
        .close()
        .blank();
}

fn main(w: &mut Writer, s: &Scenario) {
    if s.uses_processes() {
        w.open("def process_main(counts):")
            .line("counts.put(count())  # this process's own counter")
            .close()
            .blank();
    }
    w.open("if __name__ == \"__main__\":");
    switch_interval(w, s);
    w.probe("probe.begin()").line("start = time.perf_counter()");
    if s.uses_processes() {
        w.line("counts = multiprocessing.Queue()")
            .line("processes = [multiprocessing.Process(target=process_main, args=(counts,))")
            .line("             for _ in range(PROCESSES)]")
            .open("for p in processes:")
            .line("p.start()")
            .close()
            .line("total = sum(counts.get() for _ in processes)")
            .open("for p in processes:")
            .line("p.join()")
            .close()
            .line("expected = PROCESSES * THREADS * INCREMENTS");
    } else {
        w.line("total = count()")
            .line("expected = THREADS * INCREMENTS");
    }
    w.line("wall_ms = (time.perf_counter() - start) * 1000")
        .probe("probe.end(wall_ms=wall_ms, expected=expected, counter=total)")
        .line("print(f\"expected {expected}, counted {total}: \"")
        .line("      f\"{expected - total} updates lost, in {wall_ms:.0f} ms\")")
        .close();
}
