//! The labs that set threads beside processes: what each costs to start
//! and to keep (startup), whose memory a counter lives in (shared memory),
//! and who can be stopped from outside (kill). As in the model, the threads
//! (process 0) come first, then processes of one worker each.

use super::Writer;
use super::common::{constant, header, imports, py_int, shape, sum_of_squares, wait};
use crate::model::Scenario;

fn rss_bytes(w: &mut Writer) {
    w.open("def rss_bytes():  # this process's resident memory")
        .open("with open(\"/proc/self/statm\") as statm:")
        .line("return int(statm.read().split()[1]) * os.sysconf(\"SC_PAGE_SIZE\")")
        .close()
        .close()
        .blank();
}

/// Spawn latency and memory of threads, then of processes.
pub fn startup(w: &mut Writer, s: &Scenario) {
    let knobs = format!(
        "{} threads, then {} processes, each one task of {} integers",
        s.threads,
        s.processes,
        py_int(s.task_size).replace('_', ",")
    );
    header(w, s, &knobs);
    imports(
        w,
        s,
        &["multiprocessing", "os", "statistics", "threading", "time"],
    );
    constant(
        w,
        "THREADS",
        &s.threads.to_string(),
        "threads started first",
    );
    constant(w, "PROCESSES", &s.processes.to_string(), "then processes");
    constant(
        w,
        "TASK_SIZE",
        &py_int(s.task_size),
        "integers of each worker's task",
    );
    w.blank();
    sum_of_squares(w);
    rss_bytes(w);
    w.open("def job(asked, k, report):")
        .line("spawn = time.monotonic() - asked[k]  # from start() to running")
        .line("sum_of_squares(0, TASK_SIZE)")
        .line("report.put((spawn, rss_bytes()))")
        .close()
        .blank()
        .open("def start_all(workers, asked, report):")
        .open("for k, worker in enumerate(workers):")
        .line("asked[k] = time.monotonic()")
        .line("worker.start()")
        .close()
        .line("answers = [report.get() for _ in workers]")
        .open("for worker in workers:")
        .line("worker.join()")
        .close()
        .line("return answers")
        .close()
        .blank()
        .open("if __name__ == \"__main__\":")
        .probe("probe.begin()")
        .line("before, asked, report = rss_bytes(), {}, multiprocessing.SimpleQueue()")
        .line("threads = [threading.Thread(target=job, args=(asked, k, report))")
        .line("           for k in range(THREADS)]")
        .line("by_thread = start_all(threads, asked, report)")
        .line("grown = (max(rss for _, rss in by_thread) - before) // THREADS")
        .line("processes = [multiprocessing.Process(target=job, args=(asked, k, report))")
        .line("             for k in range(PROCESSES)]")
        .line("by_process = start_all(processes, asked, report)")
        .line("thread_us = statistics.median(s for s, _ in by_thread) * 1e6")
        .line("process_us = statistics.median(s for s, _ in by_process) * 1e6")
        .line("process_rss = statistics.median(rss for _, rss in by_process)")
        .probe("probe.end(thread_us=thread_us, process_us=process_us,")
        .probe("          thread_bytes=grown, process_bytes=process_rss)")
        .line("print(f\"a thread starts in {thread_us:.0f} µs, \"")
        .line("      f\"adds {grown // 1024} KiB;\"")
        .line("      f\" a process starts in {process_us:.0f} µs and holds \"")
        .line("      f\"{process_rss // 2**20} MiB\")")
        .close();
}

/// One counter, incremented by threads, then by processes on their copies.
pub fn shared_memory(w: &mut Writer, s: &Scenario) {
    let knobs = format!(
        "{} threads, then {} processes, {} increments each",
        s.threads, s.processes, s.increments
    );
    header(w, s, &knobs);
    imports(w, s, &["multiprocessing", "threading"]);
    constant(
        w,
        "THREADS",
        &s.threads.to_string(),
        "threads sharing one counter",
    );
    constant(
        w,
        "PROCESSES",
        &s.processes.to_string(),
        "processes, a copy each",
    );
    constant(
        w,
        "INCREMENTS",
        &py_int(u64::from(s.increments)),
        "increments per worker",
    );
    w.blank().line("counter = 0").blank();
    sum_of_squares(w);
    w.open("def count_up():")
        .line("global counter")
        .open("for _ in range(INCREMENTS):")
        .line("sum_of_squares(0, 16)  # a little work before each increment")
        .line("counter += 1")
        .probe("probe.wrote(counter)")
        .close()
        .close()
        .blank()
        .open("def in_a_process(report):")
        .line("count_up()  # on this process's own copy of the counter")
        .line("report.put(counter)  # the only way the count gets back")
        .close()
        .blank()
        .open("if __name__ == \"__main__\":")
        .probe("probe.begin()")
        .line("threads = [threading.Thread(target=count_up) for _ in range(THREADS)]")
        .open("for t in threads:")
        .line("t.start()")
        .close()
        .open("for t in threads:")
        .line("t.join()")
        .close()
        .line("by_threads, counter = counter, 0  # the process side starts from 0 too")
        .line("report = multiprocessing.SimpleQueue()")
        .line("processes = [multiprocessing.Process(target=in_a_process, args=(report,))")
        .line("             for _ in range(PROCESSES)]")
        .open("for p in processes:")
        .line("p.start()")
        .close()
        .line("copies = [report.get() for _ in processes]")
        .open("for p in processes:")
        .line("p.join()")
        .close()
        .probe("probe.end(threads_counter=by_threads, parent_copy=counter, sent_back=sum(copies))")
        .line("print(f\"threads: one counter, now {by_threads}; processes: their copies \"")
        .line("      f\"{copies}, while the parent's is still {counter}\")")
        .close();
}

/// Threads and processes in long waits; half-way through, all are stopped.
pub fn kill(w: &mut Writer, s: &Scenario) {
    let knobs = format!(
        "{}; {} threads and {} processes in waits of {} ms",
        shape(s),
        s.threads,
        s.processes,
        s.io_ms
    );
    header(w, s, &knobs);
    imports(w, s, &["multiprocessing", "threading", "time"]);
    constant(w, "THREADS", &s.threads.to_string(), "threads");
    constant(w, "PROCESSES", &s.processes.to_string(), "processes");
    constant(
        w,
        "TASKS",
        &s.tasks.to_string(),
        "waits each worker means to do",
    );
    constant(w, "IO_MS", &s.io_ms.to_string(), "milliseconds per wait");
    w.blank()
        .open("def work(stop):")
        .open("for n in range(TASKS):")
        .open("if stop.is_set():  # a thread can only stop where it looks")
        .line("return")
        .close()
        .probe("probe.task(n)");
    wait(w, "a long download");
    w.probe("probe.task_end(n)")
        .close()
        .close()
        .blank()
        .open("if __name__ == \"__main__\":")
        .line("stop = threading.Event()")
        .line("threads = [threading.Thread(target=work, args=(stop,))")
        .line("           for _ in range(THREADS)]")
        .line("processes = [multiprocessing.Process(target=work,")
        .line("                                    args=(multiprocessing.Event(),))")
        .line("             for _ in range(PROCESSES)]")
        .probe("probe.begin()")
        .open("for worker in threads + processes:")
        .line("worker.start()")
        .close()
        .line("time.sleep(IO_MS / 2000)  # half a wait, then everyone should stop")
        .line("asked = time.monotonic()")
        .open("for p in processes:")
        .line("p.kill()  # the OS ends a process at once, wherever it is")
        .line("p.join()")
        .close()
        .line("processes_ms = (time.monotonic() - asked) * 1000")
        .line("stop.set()  # a thread cannot be killed, only asked")
        .open("for t in threads:")
        .line("t.join()")
        .close()
        .line("threads_ms = (time.monotonic() - asked) * 1000")
        .probe("probe.end(processes_ms=processes_ms, threads_ms=threads_ms)")
        .line("print(f\"processes gone {processes_ms:.1f} ms after the stop; \"")
        .line("      f\"threads {threads_ms:.0f} ms after it\")")
        .close();
}
