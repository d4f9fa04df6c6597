//! The soak of issue 17: back-to-back runs of mixed presets, some with
//! child processes, in one process, as a lecturer's window would run them
//! for an hour. Threads, open files and resident memory must stay flat (the
//! last runs within 10 % of the first), and nothing may be left in the
//! temporary folder or in the process table.
//!
//! Ignored by default (200 runs take a few minutes); `.ci/run` runs a short
//! form: `THREADLAB_SOAK_RUNS=40 cargo test --test reliability -- --ignored soak`.

use super::children::{assert_no_workers_left, setup};
use std::time::Duration;
use threadlab::engine::{RunOptions, run_to_end};
use threadlab::model::{Scenario, load_preset};

/// The presets of the soak, each made small, with and without processes.
fn mix() -> Vec<Scenario> {
    let preset = |name: &str| load_preset(name).expect("preset").expect("parses");
    let small = |name: &str, change: &dyn Fn(&mut Scenario)| {
        let mut s = preset(name);
        s.tasks = s.tasks.min(4);
        s.task_size = s.task_size.min(2_000_000);
        s.io_ms = s.io_ms.min(5);
        s.increments = s.increments.min(20_000);
        s.threads = s.threads.min(4);
        change(&mut s);
        s
    };
    let processes = |p: u32| move |s: &mut Scenario| s.processes = p;
    vec![
        small("cpu-bound", &|_| {}),
        small("cpu-processes", &processes(2)),
        small("io-bound", &|_| {}),
        small("race", &|s| s.increments = 5),
        small("race-call", &|_| {}),
        small("race-lock", &|s| s.increments = 5),
        small("queue", &|_| {}),
        small("queue", &processes(2)),
        small("daemon", &|_| {}),
        small("daemon", &processes(2)),
        small("convoy", &|_| {}),
        small("gil-free", &|_| {}),
        small("shared-memory", &processes(2)),
        small("startup", &processes(2)),
        small("kill", &processes(2)),
    ]
}

/// Entries in a folder of /proc/self: threads (`task`) or open files (`fd`).
fn count_in(dir: &str) -> usize {
    std::fs::read_dir(format!("/proc/self/{dir}")).map_or(0, Iterator::count)
}

fn scratch_folders() -> Vec<String> {
    std::fs::read_dir(std::env::temp_dir())
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with("threadlab-scratch-"))
                .collect()
        })
        .unwrap_or_default()
}

/// glibc gives new threads up to eight arenas per core, each keeping its
/// own high-water mark: a mix of runs of 1 to 8 threads spreads across
/// them, and plain RSS climbs for a couple of hundred runs (6 to 9 MB here)
/// before it settles, which would fake a leak or hide a small one. So the
/// soak runs in a process of its own with one arena (`MALLOC_ARENA_MAX` is
/// read at start-up, so it is this test binary again), trimmed after every
/// run: what is resident is what the engine keeps.
const ONE_ARENA: (&str, &str) = ("MALLOC_ARENA_MAX", "1");

/// Resident memory once the allocator has handed back what is free.
fn live_rss_bytes() -> u64 {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free memory to the OS.
    unsafe {
        libc::malloc_trim(0);
    }
    threadlab::engine::platform::own_rss_bytes()
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

#[test]
#[ignore = "a soak of minutes; .ci/run runs a short form"]
fn soak_back_to_back_runs_keep_threads_files_and_memory_flat() {
    if std::env::var(ONE_ARENA.0).as_deref() != Ok(ONE_ARENA.1) {
        let me = std::env::current_exe().expect("the test binary");
        let status = std::process::Command::new(me)
            .args(["--ignored", "--exact", "--nocapture"])
            .arg("soak::soak_back_to_back_runs_keep_threads_files_and_memory_flat")
            .env(ONE_ARENA.0, ONE_ARENA.1)
            .status()
            .expect("the soak starts");
        assert!(status.success(), "the soak failed: {status}");
        return;
    }
    let _serial = setup();
    let runs: usize = std::env::var("THREADLAB_SOAK_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let window = (runs / 4).clamp(1, 50);
    let before = scratch_folders();
    let mix = mix();
    // One round first, uncounted: the allocator's arenas and the lazily
    // made statics (the clock, the worker program's path) settle there.
    for scenario in &mix {
        run_to_end(scenario.clone(), RunOptions::default()).expect("warm-up run");
    }
    let (mut threads, mut fds, mut rss) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..runs {
        let scenario = mix[i % mix.len()].clone();
        let name = scenario.name.clone();
        // The window samples the cores too: its thread must end with the run.
        let (summary, _) = run_to_end(scenario, RunOptions::default())
            .unwrap_or_else(|e| panic!("run {i} ({name}): {e}"));
        assert!(summary.wall_ms > 0.0, "{name}");
        threads.push(count_in("task") as f64);
        fds.push(count_in("fd") as f64);
        rss.push(live_rss_bytes() as f64);
    }
    let (first, last) = (..window, runs - window..);
    for (what, v) in [("threads", &threads), ("open files", &fds), ("RSS", &rss)] {
        let (a, b) = (mean(&v[first]), mean(&v[last.clone()]));
        eprintln!("{what}: first {window} runs {a:.0}, last {window} runs {b:.0}");
        assert!(
            b <= a * 1.10 && b >= a * 0.90,
            "{what} grew from {a:.0} to {b:.0} over {runs} runs"
        );
    }
    assert_no_workers_left(std::process::id(), Duration::from_secs(2));
    let left: Vec<String> = scratch_folders()
        .into_iter()
        .filter(|n| !before.contains(n))
        .collect();
    assert!(left.is_empty(), "left in the temporary folder: {left:?}");
}
