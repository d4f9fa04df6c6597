//! Every claim of the tutorial has a preset (DESIGN.md §1), and each preset,
//! run headless as it ships, reports the number its lesson is about.
//!
//! The checks are about behaviour (updates lost or not, who waited, what
//! was cut off), not about speed, so they hold on a busy machine.

use serde_json::Value;
use std::process::Command;

fn threadlab_json(args: &[&str]) -> Value {
    let o = Command::new(env!("CARGO_BIN_EXE_threadlab"))
        .args(args)
        .arg("--json")
        .output()
        .expect("threadlab runs");
    assert!(
        o.status.success(),
        "threadlab {args:?} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("--json prints JSON")
}

fn run(preset: &str) -> Value {
    let v = threadlab_json(&["run", preset]);
    assert_eq!(v["preset"], preset);
    v
}

fn f(v: &Value, path: &[&str]) -> f64 {
    let mut at = v;
    for key in path {
        at = &at[*key];
    }
    at.as_f64()
        .unwrap_or_else(|| panic!("{path:?} is not a number in {v}"))
}

/// The preset of every row of DESIGN.md §1.
const CLAIMS: &[&str] = &[
    "cpu-bound",
    "cpu-processes",
    "io-bound",
    "startup",
    "shared-memory",
    "race",
    "race-plain",
    "race-call",
    "race-lock",
    "queue",
    "daemon",
    "kill",
    "gil-free",
    "convoy",
];

#[test]
fn every_claim_has_a_preset_with_a_lesson() {
    let names = threadlab::model::preset_names();
    for claim in CLAIMS {
        assert!(names.contains(claim), "no preset {claim}");
        let s = threadlab::model::load_preset(claim)
            .expect("listed")
            .expect("parses");
        assert!(s.lesson.len() > 200, "{claim}: the lesson is too short");
    }
}

#[test]
fn threads_under_one_gil_use_about_one_core() {
    let v = run("cpu-bound");
    assert!(f(&v, &["gil_switches"]) > 10.0, "the GIL changes hands");
    assert!(f(&v, &["gil_wait_ms"]) > 0.0);
    // CPU time counts only computing; under one GIL one thread computes at a time.
    let cores_busy = f(&v, &["cpu_ms"]) / f(&v, &["wall_ms"]);
    assert!(cores_busy < 1.3, "{cores_busy:.2} cores busy under one GIL");
}

#[test]
fn processes_never_wait_for_each_others_gil() {
    let v = run("cpu-processes");
    assert_eq!(f(&v, &["processes"]), 4.0);
    assert_eq!(f(&v, &["gil_switches"]), 0.0);
    assert_eq!(f(&v, &["gil_wait_ms"]), 0.0);
    assert_eq!(f(&v, &["tasks_done"]), 8.0);
}

#[test]
fn io_waits_overlap_in_threads() {
    let v = run("io-bound");
    // 20 waits of 100 ms: 2 s one after another; together about 0.1 s.
    assert!(f(&v, &["wall_ms"]) < 1_000.0, "{v}");
    assert!(f(&v, &["cpu_ms"]) < f(&v, &["wall_ms"]));
}

#[test]
fn a_process_costs_more_to_start_and_to_keep_than_a_thread() {
    let v = run("startup");
    let s = &v["startup"];
    assert!(f(s, &["processes", "spawn_us_median"]) > f(s, &["threads", "spawn_us_median"]));
    assert!(f(s, &["processes", "rss_bytes_median"]) > f(s, &["threads", "rss_bytes_median"]));
}

#[test]
fn only_threads_share_the_counter() {
    let v = run("shared-memory");
    let m = &v["shared_memory"];
    assert_eq!(f(m, &["parent_copy"]), 0.0);
    assert!(f(m, &["threads_counter"]) > 0.0);
    assert!(f(m, &["sent_back_total"]) > 0.0);
}

#[test]
fn the_race_presets_lose_updates_exactly_where_their_lessons_say() {
    let lost = |preset: &str| f(&run(preset), &["counter", "lost_updates"]);
    assert!(lost("race") > 0.0, "read-wait-write loses updates");
    assert_eq!(lost("race-plain"), 0.0, "x += 1 under the GIL loses none");
    assert!(
        lost("race-call") > 0.0,
        "a call between read and write loses some"
    );
    let locked = run("race-lock");
    assert_eq!(f(&locked, &["counter", "lost_updates"]), 0.0);
    assert!(
        f(&locked, &["lock_wait_ms"]) > 0.0,
        "threads waited for the lock"
    );
}

#[test]
fn the_queue_hands_every_item_over() {
    let v = run("queue");
    let q = &v["queue"];
    assert!(f(q, &["max_depth"]) >= 1.0);
    assert_eq!(f(q, &["puts"]), f(q, &["gets"]));
}

#[test]
fn daemon_workers_are_cut_off_mid_task() {
    let v = run("daemon");
    assert!(f(&v, &["cut_off", "tasks"]) > 0.0);
    assert!(f(&v, &["cut_off", "unreleased_resources"]) > 0.0);
}

#[test]
fn processes_stop_sooner_than_threads() {
    let v = run("kill");
    let slowest = |key: &str| {
        v["kill"][key]
            .as_array()
            .expect("stop times")
            .iter()
            .filter_map(Value::as_f64)
            .fold(0.0f64, f64::max)
    };
    let fastest_thread = v["kill"]["threads_stop_ms"]
        .as_array()
        .expect("stop times")
        .iter()
        .filter_map(Value::as_f64)
        .fold(f64::INFINITY, f64::min);
    assert!(slowest("processes_stop_ms") < fastest_thread, "{v}");
    assert!(slowest("threads_stop_ms") > 0.0);
}

#[test]
fn an_io_thread_waits_behind_a_cpu_thread() {
    let v = run("convoy");
    let d = &v["io_wake_delay_us"];
    assert!(f(d, &["count"]) > 0.0);
    assert!(f(d, &["median"]) > 0.0);
}

#[test]
fn the_ways_around_the_gil_are_compared_side_by_side() {
    let v = threadlab_json(&["compare", "gil-free", "--task-size", "200000"]);
    let rows = v["rows"].as_array().expect("rows");
    let labels: Vec<&str> = rows.iter().filter_map(|r| r["label"].as_str()).collect();
    for label in ["serial", "threads", "processes", "gil-off", "native"] {
        assert!(labels.contains(&label), "no {label} row in {labels:?}");
    }
    for r in rows {
        let s = f(r, &["speedup"]);
        assert!(s.is_finite() && s > 0.0, "{r}");
    }
}
