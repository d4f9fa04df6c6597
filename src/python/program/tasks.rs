//! The task pool (cpu-bound, io-bound, gil-free and every row of a
//! comparison) and the convoy.
//!
//! The pool is the tutorial's shape: a list of threads, each with a target,
//! started, then joined. The tasks wait in a `queue.SimpleQueue` and each
//! worker takes the next until none is left, as the model's workers take
//! the next task id. With P processes, process p (from 0) gets the tasks p,
//! p+P, p+2P, … up front, as the model's interpreters do, and runs them on
//! its own threads (or, with one thread, on its main thread).

use super::Writer;
use super::common::{
    closed_form, constant, header, imports, native_work, py_int, shape, sum_of_squares, task_words,
    wait, work_constants,
};
use crate::model::{Scenario, Workload};

/// The task pool.
pub fn pool(w: &mut Writer, s: &Scenario) {
    let knobs = format!("{}, {} tasks: {}", shape(s), s.tasks, task_words(s));
    header(w, s, &knobs);
    let mut modules = vec!["time"];
    if s.uses_processes() {
        modules.push("multiprocessing");
    }
    if !s.uses_processes() || s.threads > 1 {
        modules.extend(["queue", "threading"]);
    }
    if s.workload == Workload::Native {
        modules.push("hashlib");
    }
    imports(w, s, &modules);
    if s.uses_processes() {
        constant(
            w,
            "PROCESSES",
            &s.processes.to_string(),
            "processes, a GIL each",
        );
    }
    if !s.uses_processes() || s.threads > 1 {
        let per = if s.uses_processes() {
            " per process"
        } else {
            ""
        };
        constant(
            w,
            "THREADS",
            &s.threads.to_string(),
            &format!("threads{per}"),
        );
    }
    constant(w, "TASKS", &s.tasks.to_string(), "tasks in all");
    work_constants(w, s, "task");
    w.blank();
    match s.workload {
        Workload::Cpu | Workload::Mixed => {
            sum_of_squares(w);
            closed_form(w);
        }
        Workload::Native => native_work(w),
        Workload::Io => {}
    }
    task(w, s);
    if !s.uses_processes() || s.threads > 1 {
        worker(w);
    }
    if s.uses_processes() {
        process_main(w, s);
    }
    main(w, s);
}

/// `do_task(n)`: one task, and whether its answer is right.
fn task(w: &mut Writer, s: &Scenario) {
    w.open("def do_task(n):").probe("probe.task(n)");
    let check = match s.workload {
        Workload::Cpu | Workload::Mixed => {
            w.line("start, stop = n * TASK_SIZE, (n + 1) * TASK_SIZE")
                .line("total = sum_of_squares(start, stop)");
            "total == squares_below(stop) - squares_below(start)"
        }
        Workload::Native => {
            w.line("native_work(n * TASK_SIZE, (n + 1) * TASK_SIZE)");
            "True"
        }
        Workload::Io => "True",
    };
    if s.workload.waits() {
        wait(w, "a download");
    }
    w.probe("probe.task_end(n)")
        .line(&format!("return {check}"))
        .close()
        .blank();
}

/// `worker(todo, results)`: the target of every thread.
fn worker(w: &mut Writer) {
    w.open("def worker(todo, results):")
        .open("while True:")
        .open("try:")
        .line("n = todo.get_nowait()  # the next task")
        .close()
        .open("except queue.Empty:")
        .line("return  # none left")
        .close()
        .line("results[n] = do_task(n)")
        .close()
        .close()
        .blank();
}

/// The threads of one interpreter, started and joined: lines inside a
/// function or the main block, filling `results`.
fn run_threads(w: &mut Writer, share: &str) {
    w.line("todo = queue.SimpleQueue()")
        .open(&format!("for n in {share}:"))
        .line("todo.put(n)")
        .close()
        .line("threads = [threading.Thread(target=worker, args=(todo, results))")
        .line("           for _ in range(THREADS)]")
        .open("for t in threads:")
        .line("t.start()")
        .close()
        .open("for t in threads:")
        .line("t.join()")
        .close();
}

/// What one child process runs: its share of the tasks.
fn process_main(w: &mut Writer, s: &Scenario) {
    w.open("def process_main(share, answers):");
    if s.threads > 1 {
        w.line("results = {}");
        run_threads(w, "share");
        w.line("answers.put(results)");
    } else {
        w.line("answers.put({n: do_task(n) for n in share})");
    }
    w.close().blank();
}

fn main(w: &mut Writer, s: &Scenario) {
    w.open("if __name__ == \"__main__\":");
    super::common::switch_interval(w, s);
    w.probe("probe.begin()").line("start = time.perf_counter()");
    if s.uses_processes() {
        w.line("answers = multiprocessing.Queue()")
            .line("processes = [")
            .line("    multiprocessing.Process(target=process_main,")
            .line("                            args=(range(p, TASKS, PROCESSES), answers))")
            .line("    for p in range(PROCESSES)]")
            .open("for p in processes:")
            .line("p.start()")
            .close()
            .line("results = {}")
            .open("for p in processes:")
            .line("results.update(answers.get())  # each sends its answers back")
            .close()
            .open("for p in processes:")
            .line("p.join()")
            .close();
    } else {
        w.line("results = {}");
        run_threads(w, "range(TASKS)");
    }
    w.line("wall_ms = (time.perf_counter() - start) * 1000")
        .line("correct = all(results.values())")
        .probe("probe.end(wall_ms=wall_ms, done=len(results), correct=correct)")
        .line("print(f\"{len(results)} tasks done in {wall_ms:.1f} ms, \"")
        .line("      f\"results {'correct' if correct else 'WRONG'}\")")
        .close();
}

/// The convoy: thread 0 answers requests (short waits), the other threads
/// compute until it is done; each answer's delay after its wait is measured.
pub fn convoy(w: &mut Writer, s: &Scenario) {
    let knobs = format!(
        "{}, {} waits of {} ms beside tasks of {} integers",
        shape(s),
        s.tasks,
        s.io_ms,
        py_int(s.task_size).replace('_', ",")
    );
    header(w, s, &knobs);
    let modules = vec!["itertools", "statistics", "threading", "time"];
    imports(w, s, &modules);
    constant(
        w,
        "THREADS",
        &s.threads.to_string(),
        "thread 0 waits, the others compute",
    );
    constant(
        w,
        "REQUESTS",
        &s.tasks.to_string(),
        "short waits of thread 0",
    );
    constant(w, "IO_MS", &s.io_ms.to_string(), "milliseconds per wait");
    constant(
        w,
        "TASK_SIZE",
        &py_int(s.task_size),
        "integers per CPU task",
    );
    w.blank();
    sum_of_squares(w);
    w.open("def answer_requests(delays):")
        .open("for n in range(REQUESTS):")
        .probe("probe.task(n)")
        .line("due = time.perf_counter() + IO_MS / 1000");
    wait(w, "a request arrives");
    w.line("delays.append(time.perf_counter() - due)  # how late it ran again")
        .line("sum_of_squares(0, 16)  # answer it: a little Python work")
        .probe("probe.task_end(n)")
        .close()
        .close()
        .blank()
        .open("def compute(tasks, answered):")
        .open("while not answered.is_set():")
        .line("n = next(tasks)")
        .probe("probe.task(n)")
        .line("sum_of_squares(n * TASK_SIZE, (n + 1) * TASK_SIZE)")
        .probe("probe.task_end(n)")
        .close()
        .close()
        .blank()
        .open("if __name__ == \"__main__\":");
    super::common::switch_interval(w, s);
    w.line("delays, answered, tasks = [], threading.Event(), itertools.count()")
        .line("server = threading.Thread(target=answer_requests, args=(delays,))")
        .line("others = [threading.Thread(target=compute, args=(tasks, answered))")
        .line("          for _ in range(THREADS - 1)]")
        .probe("probe.begin()")
        .line("start = time.perf_counter()")
        .open("for t in [server] + others:")
        .line("t.start()")
        .close()
        .line("server.join()")
        .line("answered.set()")
        .open("for t in others:")
        .line("t.join()")
        .close()
        .line("wall_ms = (time.perf_counter() - start) * 1000")
        .line("late_us = statistics.median(delays) * 1e6")
        .probe("probe.end(wall_ms=wall_ms, late_us=late_us)")
        .line("print(f\"{REQUESTS} waits in {wall_ms:.0f} ms; each ran again \"")
        .line("      f\"{late_us:.0f} µs late (median)\")")
        .close();
}
