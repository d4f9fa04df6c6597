//! The CPython lens against the model: every claim is measured twice in
//! one test, once by the model and once by the real python3 running the
//! same scenario as a program, and must hold in both. Bounds are wide
//! enough for a noisy 2-core machine; each test skips, saying why, when
//! there is no python3.
//!
//! `robust.rs` covers what must not go wrong around the interpreter: no
//! python3, one too old, a program that dies, a killed child, and a
//! threadlab killed with SIGKILL.

#[path = "../util/machine.rs"]
mod machine;
mod robust;
#[path = "../util/mod.rs"]
mod util;

use machine::{machine_busy_ms, machine_speedup, others_cores};
use std::time::Duration;
use threadlab::model::{RunSummary, Scenario};
use threadlab::python::{LensOptions, LensReport, interpreter};
use util::{preset, run, serial};

/// python3 on PATH, or why the test cannot run.
fn python() -> Option<interpreter::Interpreter> {
    match interpreter::find(None) {
        Ok(i) => Some(i),
        Err(e) => {
            eprintln!("skipped: {e}");
            None
        }
    }
}

/// Runs `s` in the real python3 and returns what it measured.
fn real(s: &Scenario) -> LensReport {
    let lens = threadlab::python::start(s.clone(), LensOptions::default()).expect("lens starts");
    let _watchdog = stop_after(&lens, Duration::from_secs(120));
    let (report, _events) = lens.wait().expect("the program runs");
    report
}

/// Stops `lens` after `limit`, so a test that hangs fails instead.
fn stop_after(lens: &threadlab::python::LensRun, limit: Duration) -> std::thread::JoinHandle<()> {
    let token = lens.stop_token();
    std::thread::Builder::new()
        .name("test-watchdog".into())
        .spawn(move || {
            token.wait_timeout(limit);
            token.cancel();
        })
        .expect("a watchdog")
}

/// The model's run of `s`.
fn model(s: &Scenario) -> RunSummary {
    // The model's child processes are the threadlab binary itself.
    threadlab::engine::processes::set_worker_program(env!("CARGO_BIN_EXE_threadlab"));
    run(s.clone()).0
}

/// A way to run a scenario: the model's, or the real interpreter's.
type Runner = fn(&Scenario) -> RunSummary;

/// CPU work of about half a second on one thread, in both.
fn cpu_work(processes: u32, threads: u32) -> Scenario {
    Scenario {
        processes,
        threads,
        tasks: 8,
        task_size: 1_000_000,
        ..preset("cpu-bound")
    }
}

#[test]
fn cpu_bound_threads_do_not_speed_up_in_either() {
    let Some(_py) = python() else { return };
    let _g = serial();
    let (one_s, four_s) = (cpu_work(1, 1), cpu_work(1, 4));
    let runners: [(&str, Runner); 2] = [("model", model), ("cpython", |s| real(s).summary)];
    for (label, runner) in runners {
        // The fastest of three interleaved runs of each: on this shared
        // host the same CPU work takes from 0.5 to 0.75 s from one run to
        // the next, so single runs compare the host, not the GIL.
        let (mut one, mut four) = (runner(&one_s), runner(&four_s));
        for _ in 0..2 {
            let (o, f) = (runner(&one_s), runner(&four_s));
            if o.wall_ms < one.wall_ms {
                one = o;
            }
            if f.wall_ms < four.wall_ms {
                four = f;
            }
        }
        let ratio = four.wall_ms / one.wall_ms;
        assert!(
            (0.75..=1.35).contains(&ratio),
            "{label}: 4 threads took {:.0} ms vs {:.0} ms for 1 (ratio {ratio:.2})",
            four.wall_ms,
            one.wall_ms
        );
        // The reason, which holds whatever the host does: under one GIL
        // only one thread computes at a time.
        assert!(
            four.cpu_ms <= 1.3 * four.wall_ms,
            "{label}: 4 threads under one GIL used {:.0} ms of CPU in {:.0} ms",
            four.cpu_ms,
            four.wall_ms
        );
        assert_eq!(four.tasks_done, 8, "{label}");
        assert_eq!(four.result_ok, Some(true), "{label}");
        assert!(four.gil_switches > 0, "{label}: the GIL changed hands");
    }
}

#[test]
fn two_processes_are_faster_than_one_in_both() {
    let Some(_py) = python() else { return };
    let _g = serial();
    // Only a try with two cores to ourselves can fail the test (see
    // tests/engine.rs): a shared VM does not always give its second core.
    let mut tries = Vec::new();
    for _ in 0..3 {
        let machine = machine_speedup();
        let busy = machine_busy_ms();
        let m = (model(&cpu_work(1, 1)), model(&cpu_work(2, 1)));
        let r = (real(&cpu_work(1, 1)).summary, real(&cpu_work(2, 1)).summary);
        let own = m.0.cpu_ms + m.1.cpu_ms + r.0.cpu_ms + r.1.cpu_ms;
        let wall = m.0.wall_ms + m.1.wall_ms + r.0.wall_ms + r.1.wall_ms;
        let others = others_cores(busy, own, wall);
        let speedups = (m.0.wall_ms / m.1.wall_ms, r.0.wall_ms / r.1.wall_ms);
        let fair = machine >= 1.6 && others < 0.3;
        tries.push((fair, machine, others, speedups));
        if fair && speedups.0 >= 1.5 && speedups.1 >= 1.5 {
            return;
        }
    }
    if tries.iter().any(|t| t.0) {
        panic!(
            "2 processes were not 1.5× faster than 1 (fair, machine, others, (model, cpython)): {tries:.2?}"
        );
    }
    eprintln!("skipped: no try had two cores to itself: {tries:.2?}");
}

#[test]
fn io_bound_threads_overlap_their_waits_in_both() {
    let Some(_py) = python() else { return };
    let _g = serial();
    let twenty = preset("io-bound");
    let one = Scenario {
        threads: 1,
        ..twenty.clone()
    };
    for (label, many, single) in [
        ("model", model(&twenty), model(&one)),
        ("cpython", real(&twenty).summary, real(&one).summary),
    ] {
        assert!(
            many.wall_ms < 300.0,
            "{label}: 20 threads took {:.0} ms",
            many.wall_ms
        );
        assert!(
            (1_900.0..=3_500.0).contains(&single.wall_ms),
            "{label}: 1 thread took {:.0} ms",
            single.wall_ms
        );
        assert_eq!(many.tasks_done, 20, "{label}");
    }
}

#[test]
fn the_tutorials_race_loses_half_its_updates_in_both_and_a_lock_fixes_it() {
    let Some(_py) = python() else { return };
    let _g = serial();
    let race = preset("race");
    let locked = Scenario {
        lock: true,
        ..race.clone()
    };
    for (label, open, guarded) in [
        ("model", model(&race), model(&locked)),
        ("cpython", real(&race).summary, real(&locked).summary),
    ] {
        let c = open.counter.expect("a counter");
        assert_eq!((c.expected, c.actual), (20, 10), "{label}");
        let g = guarded.counter.expect("a counter");
        assert_eq!((g.actual, g.lost_updates), (20, 0), "{label}");
        let ratio = guarded.wall_ms / open.wall_ms;
        assert!(
            (1.7..=2.4).contains(&ratio),
            "{label}: the lock made it {ratio:.2}× as long"
        );
    }
}

#[test]
fn x_plus_equals_one_loses_nothing_and_a_call_loses_updates_in_both() {
    let Some(_py) = python() else { return };
    let _g = serial();
    let plain = preset("race-plain");
    let call = preset("race-call");
    for (label, p, c) in [
        ("model", model(&plain), model(&call)),
        ("cpython", real(&plain).summary, real(&call).summary),
    ] {
        let p = p.counter.expect("a counter");
        assert_eq!(
            (p.expected, p.lost_updates),
            (2_000_000, 0),
            "{label}: x += 1"
        );
        let c = c.counter.expect("a counter");
        assert!(c.lost_updates > 0, "{label}: x = x + f() lost {c:?}");
    }
}

#[test]
fn a_small_queue_never_overfills_and_hands_each_item_over_once_in_both() {
    let Some(_py) = python() else { return };
    let _g = serial();
    let s = Scenario {
        queue_size: 2,
        ..preset("queue")
    };
    let report = real(&s);
    assert_eq!(
        report.results.get("once"),
        Some(&1.0),
        "{:?}",
        report.results
    );
    for (label, sum) in [("model", model(&s)), ("cpython", report.summary)] {
        let q = sum.queue.expect("queue numbers");
        assert!(q.max_depth <= 2, "{label}: {q:?}");
        assert!(q.max_depth >= 1, "{label}: {q:?}");
        assert_eq!((q.puts, q.gets), (20, 20), "{label}: {q:?}");
    }
}

#[test]
fn daemon_workers_are_cut_off_in_both() {
    let Some(_py) = python() else { return };
    let _g = serial();
    let s = preset("daemon");
    for (label, sum) in [("model", model(&s)), ("cpython", real(&s).summary)] {
        let cut = sum.cut_off.expect("cut-off numbers");
        assert!(cut.tasks > 0, "{label}: {cut:?}");
        assert!(cut.unreleased_resources > 0, "{label}: {cut:?}");
    }
}

#[test]
fn every_presets_program_runs_on_its_own() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().expect("a folder");
    for s in threadlab::model::all_presets() {
        let program = threadlab::python::program(&s);
        let path = dir.path().join(&program.file_name);
        std::fs::write(&path, program.text(false)).expect("written");
        let o = std::process::Command::new(&py.path)
            .arg(&path)
            .current_dir(dir.path())
            .env("TMPDIR", dir.path())
            .output()
            .expect("python3 runs");
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(
            o.status.success(),
            "{}: {}\n{}",
            s.name,
            o.status,
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(
            out.trim().lines().count() >= 1,
            "{} printed nothing",
            s.name
        );
        assert!(
            o.stderr.is_empty(),
            "{}: {}",
            s.name,
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

#[test]
fn on_one_core_two_processes_take_turns_and_wait_for_it_in_both() {
    let Some(_py) = python() else { return };
    let _g = serial();
    // The cores knob holds for the interpreter as for the model: two
    // processes on one core never compute at once (their CPU time fits in
    // the wall time), and one of them is always waiting for the core.
    let s = Scenario {
        cores: 1,
        ..cpu_work(2, 1)
    };
    for (label, sum) in [("model", model(&s)), ("cpython", real(&s).summary)] {
        assert_eq!(sum.result_ok, Some(true), "{label}");
        assert!(
            sum.cpu_ms <= sum.wall_ms * 1.1,
            "{label}: one core, yet {:.0} ms of CPU in {:.0} ms",
            sum.cpu_ms,
            sum.wall_ms
        );
        assert!(
            sum.core_wait_ms >= 0.3 * sum.wall_ms,
            "{label}: two processes on one core waited {:.0} ms for it in {:.0} ms",
            sum.core_wait_ms,
            sum.wall_ms
        );
    }
}
