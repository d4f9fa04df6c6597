//! Exports from the command line, checked the way a trace viewer reads them:
//! the Chrome trace is one valid JSON document whose processes and threads
//! are named, whose slices nest on every track and never overlap on the GIL
//! and lock tracks, whose entries come in time order with finite numbers;
//! and the CSV has a header and a row per run or per configuration.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

fn threadlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_threadlab"))
        .args(args)
        .output()
        .expect("threadlab runs")
}

fn run_ok(args: &[&str]) {
    let o = threadlab(args);
    assert!(
        o.status.success(),
        "threadlab {args:?} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Runs `preset` with `knobs` and returns its trace, checked for shape.
fn trace_of(dir: &Path, preset: &str, knobs: &[&str]) -> Vec<Value> {
    let path = dir.join(format!("{preset}.json"));
    let mut args = vec!["run", preset, "--trace", path.to_str().unwrap()];
    args.extend_from_slice(knobs);
    run_ok(&args);
    let doc: Value = serde_json::from_slice(&std::fs::read(&path).unwrap())
        .unwrap_or_else(|e| panic!("{preset}: the trace is not JSON: {e}"));
    assert!(doc["metadata"]["threadlab"]["preset"] == preset);
    let events = doc["traceEvents"].as_array().expect("traceEvents").clone();
    check_well_formed(preset, &events);
    events
}

/// What Perfetto relies on: known phases, numbers finite, entries in time
/// order, and slices on one track nesting (no partial overlaps).
fn check_well_formed(preset: &str, events: &[Value]) {
    let mut last_ts = f64::MIN;
    let mut tracks: BTreeMap<(u64, u64), Vec<(f64, f64)>> = BTreeMap::new();
    for e in events {
        let ph = e["ph"].as_str().unwrap_or_else(|| panic!("no ph: {e}"));
        assert!(["M", "X", "i", "C"].contains(&ph), "{preset}: phase {ph}");
        assert!(e["pid"].as_u64().is_some_and(|p| p > 0), "{preset}: {e}");
        assert!(e["name"].as_str().is_some_and(|n| !n.is_empty()), "{e}");
        if ph == "M" {
            continue;
        }
        let ts = e["ts"].as_f64().expect("ts");
        assert!(ts.is_finite() && ts >= 0.0, "{preset}: {e}");
        assert!(ts >= last_ts, "{preset}: not in time order at {e}");
        last_ts = ts;
        if ph == "X" {
            let dur = e["dur"].as_f64().expect("dur");
            assert!(dur.is_finite() && dur >= 0.0, "{preset}: {e}");
            let key = (e["pid"].as_u64().unwrap(), e["tid"].as_u64().unwrap());
            tracks.entry(key).or_default().push((ts, ts + dur));
        }
        if ph == "C" {
            let args = e["args"].as_object().expect("counter args");
            assert!(
                args.values()
                    .all(|v| v.as_f64().is_some_and(f64::is_finite))
            );
        }
    }
    for (track, mut slices) in tracks {
        slices.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.total_cmp(&a.1)));
        let mut open: Vec<f64> = Vec::new();
        for (start, end) in slices {
            // Microseconds with three decimals: a slice that begins where
            // the last one ended may seem to begin a few ulps before its
            // end (47732.789 against 47732.789000000004), so times are
            // equal within a thousandth of a nanosecond.
            while open.last().is_some_and(|&e| e <= start + 1e-6) {
                open.pop();
            }
            if let Some(&parent_end) = open.last() {
                assert!(
                    end <= parent_end + 1e-6,
                    "{preset}: slice {start}..{end} crosses its parent's end {parent_end} on {track:?}"
                );
            }
            open.push(end);
        }
    }
}

fn thread_names(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .filter(|e| e["ph"] == "M" && e["name"] == "thread_name")
        .filter_map(|e| e["args"]["name"].as_str().map(str::to_owned))
        .collect()
}

fn has(events: &[Value], ph: &str, cat: &str) -> bool {
    events.iter().any(|e| e["ph"] == ph && e["cat"] == cat)
}

#[test]
fn queue_trace_has_named_tracks_slices_instants_and_the_depth_counter() {
    let dir = tempfile::tempdir().unwrap();
    let events = trace_of(
        dir.path(),
        "queue",
        &[
            "--threads",
            "3",
            "--tasks",
            "8",
            "--queue-size",
            "1",
            "--io-ms",
            "2",
            "--task-size",
            "20000",
        ],
    );
    assert!(
        events
            .iter()
            .any(|e| e["ph"] == "M" && e["name"] == "process_name"),
        "no process names"
    );
    let names = thread_names(&events);
    assert!(names.iter().any(|n| n.contains("thread 0")), "{names:?}");
    assert!(names.contains(&"GIL holder".to_owned()), "{names:?}");
    assert!(has(&events, "X", "task"), "tasks as slices");
    assert!(has(&events, "X", "gil"), "GIL holding as slices");
    assert!(
        has(&events, "X", "queue"),
        "the producer blocked on the full queue"
    );
    assert!(has(&events, "i", "core"), "core changes as instants");
    let depths: Vec<u64> = events
        .iter()
        .filter(|e| e["ph"] == "C" && e["name"] == "queue")
        .filter_map(|e| e["args"]["depth"].as_u64())
        .collect();
    assert!(depths.len() >= 16, "a depth per put and get: {depths:?}");
    assert!(depths.iter().all(|&d| d <= 1), "queue size 1: {depths:?}");
}

#[test]
fn race_trace_has_the_lock_track_and_the_counter() {
    let dir = tempfile::tempdir().unwrap();
    let events = trace_of(
        dir.path(),
        "race",
        &["--threads", "2", "--increments", "5", "--lock", "on"],
    );
    let names = thread_names(&events);
    assert!(names.contains(&"lock holder".to_owned()), "{names:?}");
    let lock_tid = events
        .iter()
        .find(|e| e["ph"] == "M" && e["args"]["name"] == "lock holder")
        .map(|e| e["tid"].clone())
        .unwrap();
    let holds = events
        .iter()
        .filter(|e| e["ph"] == "X" && e["tid"] == lock_tid)
        .count();
    assert_eq!(holds, 10, "one hold of the lock per increment");
    let written: Vec<u64> = events
        .iter()
        .filter(|e| e["ph"] == "C" && e["name"] == "shared counter")
        .filter_map(|e| e["args"]["value"].as_u64())
        .collect();
    assert_eq!(written.len(), 10);
    assert_eq!(
        written.iter().max(),
        Some(&10),
        "with the lock none is lost"
    );
}

#[test]
fn every_preset_exports_a_well_formed_trace() {
    // Small settings; each preset's own lab and its odd paths (daemons cut
    // off, processes, a stop) go through the same checks.
    let dir = tempfile::tempdir().unwrap();
    for preset in threadlab::model::preset_names() {
        let knobs: &[&str] = match preset {
            "race" | "shared-memory" => &["--increments", "5"],
            "convoy" => &["--tasks", "3"],
            "queue" => &["--tasks", "6", "--io-ms", "2"],
            "startup" => &["--processes", "2", "--threads", "2"],
            _ => &["--tasks", "4", "--task-size", "200000"],
        };
        trace_of(dir.path(), preset, knobs);
    }
}

#[test]
fn run_csv_has_a_header_and_one_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("race.csv");
    run_ok(&[
        "run",
        "race",
        "--threads",
        "2",
        "--increments",
        "5",
        "--csv",
        path.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<_> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    let header: Vec<_> = lines[0].split(',').collect();
    let row: Vec<_> = lines[1].split(',').collect();
    assert_eq!(header.len(), row.len(), "{text}");
    let col = |name: &str| row[header.iter().position(|h| *h == name).unwrap()];
    assert_eq!(col("preset"), "race");
    assert_eq!(col("counter_expected"), "10");
    assert!(col("lost_updates").parse::<u64>().is_ok(), "{text}");
}

#[test]
fn compare_csv_has_a_header_and_a_row_per_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("compare.csv");
    let o = threadlab(&[
        "compare",
        "cpu-bound",
        "--threads",
        "2",
        "--tasks",
        "4",
        "--task-size",
        "200000",
        "--csv",
        path.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let printed = String::from_utf8_lossy(&o.stdout).lines().count();
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<_> = text.lines().collect();
    assert!(
        lines[0].starts_with("label,processes,threads,gil,"),
        "{text}"
    );
    assert_eq!(lines.len() - 1, printed, "a row per printed configuration");
    let labels: Vec<_> = lines[1..]
        .iter()
        .filter_map(|l| l.split(',').next())
        .collect();
    assert_eq!(
        labels,
        ["serial", "threads", "processes", "gil-off", "native"]
    );
    assert!(
        lines[1].ends_with(",1.000"),
        "serial speedup is 1: {}",
        lines[1]
    );
}

#[test]
fn an_unwritable_trace_path_is_one_clear_error() {
    let o = threadlab(&[
        "run",
        "cpu-bound",
        "--tasks",
        "2",
        "--task-size",
        "1000",
        "--trace",
        "/nonexistent-dir/trace.json",
    ]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("/nonexistent-dir/trace.json"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}
