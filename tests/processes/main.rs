//! Real child processes: speedup on CPU-bound work, worker ids and the GIL
//! rules on the merged stream, startup cost, memory that is not shared,
//! killing, and nothing left behind on any path — including the parent
//! itself killed with SIGKILL.

#[path = "../util/machine.rs"]
mod machine;
#[path = "../util/children.rs"]
mod util;
mod wire_props;

use machine::{machine_busy_ms, machine_speedup, others_cores};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use threadlab::analysis::check_gil_well_formed;
use threadlab::engine::child::FAULT_ENV;
use threadlab::engine::compare::run_compare;
use threadlab::engine::{RunOptions, run_to_end, start};
use threadlab::model::{EventKind, RunMessage, RunSummary, Scenario, WorkerId, load_preset};
use util::{THREADLAB, assert_no_workers_left, cores, kill9, setup, wait_for_workers};

const LEFTOVER_LIMIT: Duration = Duration::from_secs(2);

fn preset(name: &str) -> Scenario {
    load_preset(name).unwrap().unwrap()
}

fn quiet() -> RunOptions {
    RunOptions {
        sample_cores: false,
    }
}

fn me() -> u32 {
    std::process::id()
}

/// cpu-bound work of about 0.5–1 s on one thread (opt-level 2 in tests).
fn cpu_work(processes: u32) -> Scenario {
    Scenario {
        processes,
        threads: 1,
        tasks: 8,
        task_size: 700_000,
        ..preset("cpu-bound")
    }
}

#[test]
fn cpu_bound_two_processes_beat_one_thread_with_their_own_worker_ids() {
    let _serial = setup();
    if cores() < 2 {
        eprintln!("skipped: needs 2 cores, this machine has {}", cores());
        return;
    }
    let mut best = 0.0f64;
    let mut undisturbed = false;
    let mut last = None;
    // Other programs share the machine, and a shared VM does not always give
    // its second core: the best of a few pairs counts, and only pairs during
    // which others left the cores to us, and two plain threads ran in
    // parallel just before, can fail the test.
    for _ in 0..5 {
        let machine = machine_speedup();
        let (serial, _) = run_to_end(cpu_work(1), quiet()).unwrap();
        let busy_before = machine_busy_ms();
        let (two, events) = run_to_end(cpu_work(2), quiet()).unwrap();
        let others = others_cores(busy_before, two.cpu_ms, two.wall_ms);
        assert_no_workers_left(me(), LEFTOVER_LIMIT);
        let speedup = serial.wall_ms / two.wall_ms;
        eprintln!(
            "speedup {speedup:.2}x while other programs used {others:.2} cores \
             (plain threads: {machine:.2}x)"
        );
        best = best.max(speedup);
        undisturbed |= others < 0.25 && machine >= 1.5;
        last = Some((two, events));
        if best >= 1.4 {
            break;
        }
    }
    if best < 1.4 && !undisturbed {
        eprintln!("skipped: the machine did not give us two cores during any try");
    } else {
        assert!(
            best >= 1.4,
            "2 processes were only {best:.2}x faster than 1"
        );
    }
    let (two, events) = last.unwrap();
    assert_eq!(two.tasks_done, 8);
    assert_eq!(two.result_ok, Some(true));
    let ids: Vec<WorkerId> = two.workers.iter().map(|w| w.id).collect();
    assert_eq!(ids, [WorkerId::new(1, 0), WorkerId::new(2, 0)]);
    for id in &ids {
        let mine: Vec<_> = events.iter().filter(|e| e.worker == *id).collect();
        assert_eq!(
            mine.first().map(|e| e.kind),
            Some(EventKind::WorkerStart),
            "{id}"
        );
        assert_eq!(
            mine.last().map(|e| e.kind),
            Some(EventKind::WorkerExit),
            "{id}"
        );
        assert_eq!(
            mine.iter().filter(|e| e.kind == EventKind::TaskEnd).count(),
            4,
            "{id}"
        );
    }
    assert!(events.iter().all(|e| ids.contains(&e.worker)));
    assert_eq!(two.events, events.len() as u64);
    check_gil_well_formed(&events).unwrap();
    let error = two.clock_alignment_error_us.unwrap();
    assert!(
        (0.0..10_000.0).contains(&error),
        "alignment error {error} µs"
    );
    assert!(two.spawn_us.iter().all(|&us| us > 0.0));
    assert!(two.rss_bytes.iter().all(|&b| b > 0));
}

#[test]
fn each_child_has_its_own_gil_and_the_merged_stream_obeys_it() {
    let _serial = setup();
    let s = Scenario {
        processes: 2,
        threads: 2,
        tasks: 8,
        task_size: 50_000,
        switch_interval_us: 1000,
        ..preset("cpu-bound")
    };
    let (summary, events) = run_to_end(s, quiet()).unwrap();
    assert_no_workers_left(me(), LEFTOVER_LIMIT);
    check_gil_well_formed(&events).unwrap();
    let ids: Vec<WorkerId> = summary.workers.iter().map(|w| w.id).collect();
    assert_eq!(
        ids,
        [
            WorkerId::new(1, 0),
            WorkerId::new(1, 1),
            WorkerId::new(2, 0),
            WorkerId::new(2, 1)
        ]
    );
    // Hand-overs happen inside each child, between its own two threads.
    assert!(
        summary.gil_switches >= 2,
        "{} switches",
        summary.gil_switches
    );
    for p in [1, 2] {
        let acquirers: std::collections::BTreeSet<u16> = events
            .iter()
            .filter(|e| e.worker.process == p && e.kind == EventKind::GilAcquire)
            .map(|e| e.worker.thread)
            .collect();
        assert_eq!(acquirers.len(), 2, "process {p}");
    }
    assert_eq!(summary.tasks_done, 8);
}

fn startup_summary() -> RunSummary {
    let s = Scenario {
        threads: 3,
        processes: 2,
        ..preset("startup")
    };
    let (summary, _) = run_to_end(s, quiet()).unwrap();
    assert_no_workers_left(me(), LEFTOVER_LIMIT);
    summary
}

#[test]
fn startup_a_process_costs_more_time_and_memory_than_a_thread() {
    let _serial = setup();
    let mut summary = startup_summary();
    let mut tries = 1;
    // Spawn latency is noisy on a busy machine: allow two more tries.
    while tries < 3 && {
        let st = summary.startup.unwrap();
        st.processes.spawn_us_median <= st.threads.spawn_us_median
    } {
        summary = startup_summary();
        tries += 1;
    }
    let ids: Vec<WorkerId> = summary.workers.iter().map(|w| w.id).collect();
    assert_eq!(
        ids,
        [
            WorkerId::new(0, 0),
            WorkerId::new(0, 1),
            WorkerId::new(0, 2),
            WorkerId::new(1, 0),
            WorkerId::new(2, 0)
        ]
    );
    assert_eq!(summary.spawn_us.len(), 5);
    assert_eq!(summary.rss_bytes.len(), 5);
    let st = summary.startup.unwrap();
    assert_eq!((st.threads.workers, st.processes.workers), (3, 2));
    assert!(
        st.processes.spawn_us_median > st.threads.spawn_us_median,
        "{st:?}"
    );
    assert!(
        st.processes.rss_bytes_median > st.threads.rss_bytes_median,
        "{st:?}"
    );
    assert!(summary.clock_alignment_error_us.is_some());
}

#[test]
fn shared_memory_threads_share_one_counter_processes_count_on_copies() {
    let _serial = setup();
    let s = Scenario {
        threads: 3,
        processes: 2,
        increments: 500,
        ..preset("shared-memory")
    };
    let (summary, _) = run_to_end(s, quiet()).unwrap();
    assert_no_workers_left(me(), LEFTOVER_LIMIT);
    let counter = summary.counter.unwrap();
    assert_eq!((counter.expected, counter.actual), (1500, 1500));
    let shared = summary.shared_memory.unwrap();
    assert_eq!(shared.threads_counter, 1500);
    assert_eq!(shared.parent_copy, 0);
    assert_eq!(shared.child_copies, [500, 500]);
    assert_eq!(shared.sent_back_total, 1000);
}

#[test]
fn kill_processes_end_at_once_threads_at_their_next_check() {
    let _serial = setup();
    let s = Scenario {
        io_ms: 600,
        ..preset("kill")
    };
    let (summary, events) = run_to_end(s, quiet()).unwrap();
    assert_no_workers_left(me(), LEFTOVER_LIMIT);
    assert!(summary.stopped);
    let kill = summary.kill.unwrap();
    assert_eq!(kill.threads_stop_ms.len(), 2);
    assert_eq!(kill.processes_stop_ms.len(), 2);
    let slowest_process = kill.processes_stop_ms.iter().copied().fold(0.0, f64::max);
    let quickest_thread = kill
        .threads_stop_ms
        .iter()
        .copied()
        .fold(f64::MAX, f64::min);
    assert!(
        slowest_process < quickest_thread,
        "processes {:?} ms, threads {:?} ms",
        kill.processes_stop_ms,
        kill.threads_stop_ms
    );
    // The killed children's events up to their wait did arrive.
    for p in [1, 2] {
        assert!(
            events
                .iter()
                .any(|e| e.worker == WorkerId::new(p, 0) && e.kind == EventKind::IoWaitStart),
            "process {p}"
        );
    }
}

fn long_cpu_run(processes: u32) -> Scenario {
    Scenario {
        processes,
        threads: 1,
        tasks: 4,
        task_size: 10_000_000_000,
        ..preset("cpu-bound")
    }
}

#[test]
fn stop_kills_children_at_once_and_reports_what_they_sent() {
    let _serial = setup();
    let handle = start(long_cpu_run(2), quiet()).unwrap();
    assert_eq!(wait_for_workers(me(), 2, Duration::from_secs(10)).len(), 2);
    // Wait until both children stream, then stop.
    let mut seen = std::collections::BTreeSet::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while seen.len() < 2 && Instant::now() < deadline {
        if let Some(RunMessage::Events(batch)) = handle.recv_timeout(Duration::from_millis(50)) {
            seen.extend(batch.iter().map(|e| e.worker.process));
        }
    }
    assert_eq!(seen.len(), 2, "events from both children");
    let stopped_at = Instant::now();
    handle.stop();
    let (summary, _) = handle.wait().unwrap();
    assert!(stopped_at.elapsed() < Duration::from_secs(2));
    assert!(summary.stopped);
    assert_eq!(summary.workers.len(), 2);
    assert!(
        summary.spawn_us.iter().all(|&us| us > 0.0),
        "{:?}",
        summary.spawn_us
    );
    assert_no_workers_left(me(), LEFTOVER_LIMIT);
}

#[test]
fn dropping_the_run_leaves_no_child_behind() {
    let _serial = setup();
    let handle = start(long_cpu_run(3), quiet()).unwrap();
    assert_eq!(wait_for_workers(me(), 3, Duration::from_secs(10)).len(), 3);
    drop(handle);
    assert_no_workers_left(me(), LEFTOVER_LIMIT);
}

#[test]
fn a_killed_child_fails_the_run_naming_it_and_the_app_goes_on() {
    let _serial = setup();
    let handle = start(long_cpu_run(2), quiet()).unwrap();
    let pids = wait_for_workers(me(), 2, Duration::from_secs(10));
    assert_eq!(pids.len(), 2);
    kill9(pids[0]);
    let err = handle.wait().unwrap_err().to_string();
    assert!(
        err.contains(&format!("(pid {})", pids[0])) && err.contains("process "),
        "{err}"
    );
    assert!(err.contains("SIGKILL") || err.contains("signal"), "{err}");
    assert_no_workers_left(me(), LEFTOVER_LIMIT);
    // The engine is still fine: another run works.
    let small = Scenario {
        task_size: 10_000,
        ..cpu_work(2)
    };
    let (summary, _) = run_to_end(small, quiet()).unwrap();
    assert_eq!(summary.tasks_done, 8);
    assert_no_workers_left(me(), LEFTOVER_LIMIT);
}

fn cli_run(args: &[&str], env: Option<(&str, &str)>) -> std::process::Child {
    let mut cmd = Command::new(THREADLAB);
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some((k, v)) = env {
        cmd.env(k, v);
    }
    cmd.spawn().unwrap()
}

#[test]
fn a_panicking_child_fails_the_run_naming_it() {
    let _serial = setup();
    let child = cli_run(
        &[
            "run",
            "cpu-bound",
            "--processes",
            "3",
            "--threads",
            "1",
            "--task-size",
            "1000",
        ],
        Some((FAULT_ENV, "panic@2")),
    );
    let pid = child.id();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let last = stderr.lines().last().unwrap_or_default();
    assert!(last.starts_with("threadlab: process 2 (pid "), "{stderr}");
    assert!(last.contains("panicked"), "{stderr}");
    assert_no_workers_left(pid, LEFTOVER_LIMIT);
}

#[test]
fn parent_killed_with_sigkill_leaves_no_worker() {
    let _serial = setup();
    let mut parent = cli_run(
        &[
            "run",
            "cpu-bound",
            "--processes",
            "2",
            "--threads",
            "1",
            "--task-size",
            "10000000000",
        ],
        None,
    );
    let pid = parent.id();
    assert_eq!(wait_for_workers(pid, 2, Duration::from_secs(10)).len(), 2);
    kill9(pid);
    parent.wait().unwrap();
    assert_no_workers_left(pid, LEFTOVER_LIMIT);
}

#[test]
fn compare_has_a_processes_row() {
    let _serial = setup();
    let base = Scenario {
        threads: 2,
        tasks: 4,
        task_size: 20_000,
        ..preset("cpu-bound")
    };
    let rows = run_compare(&base, |_, _| {}).unwrap();
    let row = rows.iter().find(|r| r.label == "processes").unwrap();
    assert_eq!((row.processes, row.threads), (2, 1));
    assert!(row.wall_ms > 0.0 && row.speedup > 0.0, "{row:?}");
    assert_no_workers_left(me(), LEFTOVER_LIMIT);
}
