//! What the CPython lens costs the program it watches, and what one unit
//! of work costs in CPython.
//!
//! Each sample runs a generated program once in python3 and takes the wall
//! time the program measured itself (from its first `start()` to its last
//! `join()`, so the interpreter's own start-up is left out), once without
//! the probe (the program as a slide shows it) and once with it, recording
//! into a folder as `run --in cpython` does. The difference is the probe's
//! overhead; BENCHMARKS.md has the numbers and the goal (at most 3 %).
//!
//! Skipped when there is no python3.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::path::Path;
use std::process::Command;
use std::time::Duration;
use threadlab::model::{Scenario, load_preset};
use threadlab::python::{PROBE_SOURCE, interpreter, program};

fn preset(name: &str) -> Scenario {
    load_preset(name).expect("listed").expect("parses")
}

/// Runs the program of `s` once and returns the wall time it printed.
fn run_once(python: &Path, dir: &Path, s: &Scenario, probed: bool) -> Duration {
    let p = program(s);
    let script = dir.join(if probed { "probed.py" } else { "plain.py" });
    // The program prints "… in 123.4 ms …" (every preset's does); the
    // probed one also writes its records, which is what is being timed.
    let text = format!("{}\n", p.text(probed).replace("print(f\"", "_shown = (f\""));
    std::fs::write(&script, text + "print(wall_ms)\n").expect("written");
    let records = dir.join("records");
    let _ = std::fs::remove_dir_all(&records);
    std::fs::create_dir_all(&records).expect("records folder");
    let mut c = Command::new(python);
    c.arg("-B").arg(&script).current_dir(dir);
    if probed {
        c.env("THREADLAB_PROBE_DIR", &records);
    }
    let out = c.output().expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ms: f64 = String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .expect("the program printed its wall time");
    Duration::from_secs_f64(ms / 1000.0)
}

fn probe_overhead(c: &mut Criterion) {
    let Ok(py) = interpreter::find(None) else {
        eprintln!("skipped: no python3");
        return;
    };
    let dir = tempfile::tempdir().expect("a folder");
    std::fs::write(dir.path().join("threadlab_probe.py"), PROBE_SOURCE).expect("probe");
    let cases = [
        (
            "cpu-bound, 1 thread, 8 M integers",
            Scenario {
                threads: 1,
                task_size: 1_000_000,
                ..preset("cpu-bound")
            },
        ),
        (
            "cpu-bound, 4 threads, 8 M integers",
            Scenario {
                task_size: 1_000_000,
                ..preset("cpu-bound")
            },
        ),
        ("race-plain, 2 x 1 M increments", preset("race-plain")),
        ("queue, 20 items", preset("queue")),
    ];
    for (label, s) in cases {
        let mut g = c.benchmark_group(format!("probe overhead: {label}"));
        g.sample_size(10).measurement_time(Duration::from_secs(20));
        for probed in [false, true] {
            let name = if probed { "with the probe" } else { "without" };
            g.bench_function(name, |b| {
                b.iter_custom(|iters| {
                    (0..iters)
                        .map(|_| run_once(&py.path, dir.path(), &s, probed))
                        .sum()
                })
            });
        }
        g.finish();
    }
}

/// One iteration of `total += i * i` in CPython, timed by the interpreter
/// itself on its own thread's CPU clock.
fn cpython_iteration(c: &mut Criterion) {
    let Ok(py) = interpreter::find(None) else {
        return;
    };
    const N: u64 = 2_000_000;
    let code = format!(
        "import time\n\
         def f(a, b):\n    t = 0\n    for i in range(a, b):\n        t += i * i\n    return t\n\
         t = time.perf_counter()\nf(100_000_000, 100_000_000 + {N})\n\
         print(time.perf_counter() - t)\n"
    );
    let mut g = c.benchmark_group("one iteration of the sum of squares");
    g.sample_size(15).measurement_time(Duration::from_secs(10));
    g.throughput(Throughput::Elements(N));
    g.bench_function(format!("CPython {}", py.version), |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| {
                    let out = Command::new(&py.path)
                        .args(["-c", &code])
                        .output()
                        .expect("python3 runs");
                    let s: f64 = String::from_utf8_lossy(&out.stdout)
                        .trim()
                        .parse()
                        .expect("a time");
                    Duration::from_secs_f64(s)
                })
                .sum()
        })
    });
    g.finish();
}

criterion_group!(benches, cpython_iteration, probe_overhead);
criterion_main!(benches);
