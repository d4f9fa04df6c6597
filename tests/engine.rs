//! The engine's claims, measured: threads under one GIL do not speed up CPU
//! work, the GIL hands over about once per switch interval, no GIL or native
//! code does speed up, I/O waits overlap, and the convoy delay follows the
//! switch interval. Bounds are generous: CI machines are small and noisy.

#[path = "util/machine.rs"]
mod machine;
mod util;

use machine::{machine_busy_ms, machine_speedup, others_cores};
use threadlab::analysis::{check_gil_well_formed, handovers};
use threadlab::engine::{RunOptions, start};
use threadlab::model::{EventKind, RunSummary, Scenario, Workload};
use util::{cores, preset, run, run_best, serial, threads_named};

/// CPU work of about half a second on one thread here.
fn cpu_work(threads: u32) -> Scenario {
    Scenario {
        threads,
        tasks: 8,
        task_size: 1_000_000,
        ..preset("cpu-bound")
    }
}

#[test]
fn cpu_bound_threads_under_the_gil_do_not_speed_up() {
    let _g = serial();
    let (one, e1) = run_best(&cpu_work(1), 2);
    let (four, e4) = run_best(&cpu_work(4), 2);
    // No speedup. Slower is allowed (hand-overs cost, and a shared VM's
    // second core is often slower than its first), within reason.
    let ratio = four.wall_ms / one.wall_ms;
    assert!(
        (0.75..=2.5).contains(&ratio),
        "4 threads took {:.0} ms vs {:.0} ms for 1 (ratio {ratio:.2})",
        four.wall_ms,
        one.wall_ms
    );
    // The reason: one thread computes at a time. Waiting for the GIL costs no
    // CPU, so the workers' CPU time adds up to about one core.
    let cores_busy = four.cpu_ms / four.wall_ms;
    assert!(cores_busy < 1.2, "{cores_busy:.2} cores busy under one GIL");
    assert!(four.gil_switches > 0);
    assert_eq!(one.result_ok, Some(true));
    assert_eq!(four.result_ok, Some(true));
    assert_eq!(four.tasks_done, 8);
    check_gil_well_formed(&e1).unwrap();
    check_gil_well_formed(&e4).unwrap();
    // The counter the GIL kept and the hand-overs seen in the events agree.
    assert_eq!(handovers(&e4), four.gil_switches);
}

#[test]
fn two_contending_threads_hand_over_about_once_per_switch_interval() {
    let _g = serial();
    let s = Scenario {
        switch_interval_us: 5_000,
        ..cpu_work(2)
    };
    let (sum, events) = run(s);
    // Contention lasts while both threads still have tasks: until the first exits.
    let first_exit = events
        .iter()
        .filter(|e| e.kind == EventKind::WorkerExit)
        .map(|e| e.t_ns)
        .min()
        .unwrap();
    let contended: Vec<_> = events
        .iter()
        .filter(|e| e.t_ns < first_exit)
        .copied()
        .collect();
    let per_interval = handovers(&contended) as f64 / (first_exit as f64 / 5e6);
    assert!(
        (0.25..=1.3).contains(&per_interval),
        "{per_interval:.2} hand-overs per switch interval ({} in {:.0} ms)",
        sum.gil_switches,
        sum.wall_ms
    );
    assert!(sum.gil_drop_requests > 0);
    check_gil_well_formed(&events).unwrap();
}

/// One try of the parallel-speedup test.
#[derive(Clone, Copy, Debug)]
#[allow(dead_code)] // read by Debug, in the failure message
struct Try {
    /// Two cores to ourselves: plain threads ran in parallel, others idle.
    fair: bool,
    /// What two plain threads gained over one just before.
    machine: f64,
    /// Cores other programs kept busy meanwhile.
    others: f64,
    /// Workers' CPU time over wall time: GIL off, native.
    cores_busy: (f64, f64),
}

impl Try {
    fn passed(&self) -> bool {
        self.cores_busy.0 >= 1.3 && self.cores_busy.1 >= 1.3
    }
}

#[test]
fn no_gil_or_native_code_runs_on_two_cores_at_once() {
    if cores() < 2 {
        eprintln!("skipped: needs 2 cores, this machine has {}", cores());
        return;
    }
    let _g = serial();
    let free_s = Scenario {
        gil: false,
        ..cpu_work(2)
    };
    let native_s = Scenario {
        workload: Workload::Native,
        ..cpu_work(2)
    };
    // A shared VM does not always give its second core, and other programs
    // may be busy: each try measures what two plain threads gain and what
    // others ran meanwhile, and only fair tries (two cores to ourselves) can
    // fail the test. Parallelism is read as CPU time over wall time, which a
    // slower or faster moment of the machine leaves alone.
    let mut tries = Vec::new();
    let mut last = None;
    for _ in 0..5 {
        let machine = machine_speedup();
        let busy_before = machine_busy_ms();
        let (free, _) = run(free_s.clone());
        let (native, events) = run(native_s.clone());
        let others = others_cores(
            busy_before,
            free.cpu_ms + native.cpu_ms,
            free.wall_ms + native.wall_ms,
        );
        let busy = |s: &RunSummary| s.cpu_ms / s.wall_ms;
        let try_ = Try {
            fair: machine >= 1.5 && others < 0.3,
            machine,
            others,
            cores_busy: (busy(&free), busy(&native)),
        };
        tries.push(try_);
        last = Some((free, native, events));
        if try_.fair && try_.passed() {
            break;
        }
    }
    if !tries.iter().any(|t| t.fair) {
        eprintln!("skipped: no try had two cores to itself: {tries:#.2?}");
    } else {
        assert!(
            tries.iter().any(|t| t.fair && t.passed()),
            "GIL-free threads did not use two cores: {tries:#.2?}"
        );
    }
    let (free, native, events) = last.expect("at least one try");
    for (label, s) in [("GIL off", &free), ("native", &native)] {
        assert_eq!(s.result_ok, Some(true), "{label}");
        assert_eq!(s.tasks_done, 8, "{label}");
    }
    assert_eq!(free.gil_switches, 0);
    check_gil_well_formed(&events).unwrap();
}

#[test]
fn io_bound_waits_overlap_in_threads() {
    let _g = serial();
    let (many, events) = run(preset("io-bound"));
    assert!(
        many.wall_ms < 400.0,
        "20 threads took {:.0} ms",
        many.wall_ms
    );
    assert_eq!(many.tasks_done, 20);
    check_gil_well_formed(&events).unwrap();
    let (one, _) = run(Scenario {
        threads: 1,
        ..preset("io-bound")
    });
    assert!(
        (1_900.0..=3_500.0).contains(&one.wall_ms),
        "1 thread took {:.0} ms",
        one.wall_ms
    );
}

#[test]
fn convoy_wake_delay_follows_the_switch_interval() {
    let _g = serial();
    let delay = |threads: u32, interval: u64, tasks: u32| {
        let (s, events) = run(Scenario {
            threads,
            switch_interval_us: interval,
            tasks,
            ..preset("convoy")
        });
        check_gil_well_formed(&events).unwrap();
        s.io_wake_delay_us.unwrap().median
    };
    let alone = delay(1, 5_000, 20);
    let small = delay(2, 100, 20);
    let default = delay(2, 5_000, 20);
    let large = delay(2, 50_000, 8);
    assert!(alone < 1_000.0, "alone: {alone:.0} µs");
    assert!(
        small < default,
        "100 µs: {small:.0} µs vs 5 ms: {default:.0} µs"
    );
    assert!(
        default < large,
        "5 ms: {default:.0} µs vs 50 ms: {large:.0} µs"
    );
    assert!(
        default >= 2_500.0,
        "5 ms interval, median delay {default:.0} µs"
    );
    assert!(
        large >= 25_000.0,
        "50 ms interval, median delay {large:.0} µs"
    );
}

#[test]
fn stop_ends_every_worker_thread() {
    let _g = serial();
    let before = threads_named("tl-p0-");
    let handle = start(
        Scenario {
            task_size: 2_000_000_000,
            ..cpu_work(4)
        },
        RunOptions::default(),
    )
    .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(150));
    handle.stop();
    let (summary, events) = handle.wait().unwrap();
    assert!(summary.stopped);
    assert!(
        summary.wall_ms < 5_000.0,
        "stop took {:.0} ms",
        summary.wall_ms
    );
    assert_eq!(
        threads_named("tl-p0-"),
        before,
        "worker threads left behind"
    );
    assert_eq!(threads_named("tl-coordinator"), 0);
    assert!(events.iter().any(|e| e.kind == EventKind::StopSeen));
    check_gil_well_formed(&events).unwrap();
}

#[test]
fn recording_off_still_measures_the_summary() {
    let _g = serial();
    let (s, events) = run(Scenario {
        record: false,
        ..cpu_work(2)
    });
    assert!(events.is_empty());
    assert_eq!(s.events, 0);
    assert!(s.gil_switches > 0);
    assert!(s.wall_ms > 0.0 && s.cpu_ms > 0.0);
}

#[test]
fn every_worker_starts_and_exits_once() {
    let _g = serial();
    let (s, events) = run(Scenario {
        tasks: 6,
        task_size: 10_000,
        ..cpu_work(3)
    });
    for w in &s.workers {
        let count = |k| {
            events
                .iter()
                .filter(|e| e.worker == w.id && e.kind == k)
                .count()
        };
        assert_eq!(count(EventKind::WorkerStart), 1, "{}", w.id);
        assert_eq!(count(EventKind::WorkerExit), 1, "{}", w.id);
        assert_eq!(
            count(EventKind::TaskStart),
            w.tasks_done as usize,
            "{}",
            w.id
        );
    }
    assert_eq!(s.spawn_us.len(), 3);
    assert_eq!(s.events, events.len() as u64);
}
