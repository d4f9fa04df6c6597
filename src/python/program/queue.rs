//! The queue (a producer, workers that get, work and mark items done) and
//! the daemon workers that the end of the main program cuts off. In both
//! the main thread is a worker too, lane 0, as in the model.

use super::Writer;
use super::common::{constant, header, imports, shape, sum_of_squares, wait, work_constants};
use crate::model::Scenario;

/// Waits of `io_ms` the daemon lab's main program spends on its own job.
const MAIN_WAITS: u64 = crate::engine::labs::daemon::MAIN_WAITS as u64;
/// Chunks of output per daemon task.
const CHUNKS: u32 = crate::engine::labs::daemon::CHUNKS;

fn daemon_flag(s: &Scenario) -> &'static str {
    if s.daemon { "True" } else { "False" }
}

/// The queue lab.
pub fn queue(w: &mut Writer, s: &Scenario) {
    let size = match s.queue_size {
        0 => "no limit".to_owned(),
        n => format!("room for {n}"),
    };
    let knobs = format!("{}, {} items, a queue with {size}", shape(s), s.tasks);
    header(w, s, &knobs);
    imports(w, s, &["queue", "threading", "time"]);
    constant(
        w,
        "WORKERS",
        &s.threads.to_string(),
        "threads that take items",
    );
    constant(
        w,
        "ITEMS",
        &s.tasks.to_string(),
        "items the main program puts",
    );
    constant(
        w,
        "MAXSIZE",
        &s.queue_size.to_string(),
        "0: no limit; else put() waits when full",
    );
    let computes = s.workload.computes();
    work_constants(w, s, "item");
    w.blank();
    if computes {
        sum_of_squares(w);
    }
    w.open("def worker(q, taken):")
        .open("while True:")
        .probe("probe.get_wait()")
        .line("item = q.get()  # waits while the queue is empty")
        .probe("probe.got(item, q.qsize())")
        .line("taken.append(item)")
        .probe("probe.task(item)");
    if computes {
        w.line("sum_of_squares(item * TASK_SIZE, (item + 1) * TASK_SIZE)");
    }
    if s.workload.waits() {
        wait(w, "the item's I/O");
    }
    w.probe("probe.task_end(item)")
        .line("q.task_done()")
        .probe("probe.done(item)")
        .close()
        .close()
        .blank()
        .open("if __name__ == \"__main__\":");
    super::common::switch_interval(w, s);
    w.line("q, taken = queue.Queue(maxsize=MAXSIZE), []")
        .probe("probe.begin(main_is_worker=True)")
        .line("start = time.perf_counter()")
        .open("for _ in range(WORKERS):")
        .line(&format!(
            "threading.Thread(target=worker, args=(q, taken), daemon={}).start()",
            daemon_flag(s)
        ))
        .close()
        .open("for item in range(ITEMS):")
        .probe("probe.put_wait(item)")
        .line("q.put(item)  # waits while the queue is full")
        .probe("probe.put(item, q.qsize())")
        .close()
        .line("q.join()  # until every item is marked done")
        .line("wall_ms = (time.perf_counter() - start) * 1000")
        .line("once = sorted(taken) == list(range(ITEMS))")
        .probe("probe.end(wall_ms=wall_ms, items=len(taken), once=once)")
        .line("print(f\"{ITEMS} items through {WORKERS} workers in {wall_ms:.0f} ms; \"")
        .line("      f\"each taken once: {once}\")");
    if !s.daemon {
        w.line("# The workers are not daemons: they wait in get() for ever, and")
            .line("# the program does not end until someone stops it.");
    }
    w.close();
}

/// The daemon lab.
pub fn daemon(w: &mut Writer, s: &Scenario) {
    let kind = if s.daemon { "daemon" } else { "non-daemon" };
    let knobs = format!(
        "{}, {} tasks for {kind} workers, waits of {} ms",
        shape(s),
        s.tasks,
        s.io_ms
    );
    header(w, s, &knobs);
    let mut modules = vec!["os", "queue", "tempfile", "threading", "time"];
    if s.daemon {
        modules.push("shutil");
    }
    imports(w, s, &modules);
    constant(w, "WORKERS", &s.threads.to_string(), "worker threads");
    constant(
        w,
        "TASKS",
        &s.tasks.to_string(),
        "tasks the main program queues",
    );
    constant(
        w,
        "IO_MS",
        &s.io_ms.to_string(),
        "the wait after each chunk, ms",
    );
    constant(
        w,
        "CHUNKS",
        &CHUNKS.to_string(),
        "each task writes its file in chunks",
    );
    w.blank()
        .open("def worker(todo, folder):")
        .open("while True:")
        .line("n = todo.get()")
        .probe("probe.task(n)")
        .line("part = os.path.join(folder, f\"task-{n}.part\")")
        .line("out = open(part, \"w\")  # closed only when the task is done")
        .open("for chunk in range(CHUNKS):")
        .line("out.write(f\"chunk {chunk}\\n\")");
    wait(w, "writing takes time");
    w.close()
        .line("out.close()")
        .line("os.replace(part, part[:-5] + \".done\")  # the commit: all at once")
        .probe("probe.task_end(n)")
        .close()
        .close()
        .blank()
        .open("if __name__ == \"__main__\":");
    super::common::switch_interval(w, s);
    w.line("folder, todo = tempfile.mkdtemp(prefix=\"daemon-\"), queue.Queue()")
        .probe("probe.begin(main_is_worker=True)")
        .line("start = time.perf_counter()")
        .open("for n in range(TASKS):")
        .line("todo.put(n)")
        .close()
        .open("for _ in range(WORKERS):")
        .line(&format!(
            "threading.Thread(target=worker, args=(todo, folder), daemon={}).start()",
            daemon_flag(s)
        ))
        .close()
        .probe(&format!("probe.waiting({MAIN_WAITS} * IO_MS)"))
        .line(&format!(
            "time.sleep({MAIN_WAITS} * IO_MS / 1000)  # the main program's own job"
        ))
        .probe("probe.woke()")
        .line("names = os.listdir(folder)")
        .line("half = sum(name.endswith(\".part\") for name in names)")
        .line("wall_ms = (time.perf_counter() - start) * 1000")
        .probe("probe.end(wall_ms=wall_ms, cut_off=half, committed=len(names) - half)")
        .line("print(f\"the main program ends after {wall_ms:.0f} ms: \"")
        .line("      f\"{len(names) - half} tasks committed, {half} half-written\")");
    if s.daemon {
        w.line("shutil.rmtree(folder, ignore_errors=True)")
            .line("# The interpreter exits now: daemon workers die wherever they are.");
    } else {
        w.line("# The workers are not daemons: the interpreter waits for them, and they")
            .line("# wait in get() for ever. Stop the program to end it.");
    }
    w.close();
}
