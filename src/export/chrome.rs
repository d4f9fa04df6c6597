//! Chrome trace JSON (the "Trace Event Format"), which Perfetto and
//! chrome://tracing open. Each interpreter is a trace process; inside it a
//! "GIL holder" and a "lock holder" track whose slices say who held them
//! (hand-overs read like a relay), a track per worker thread, and counter
//! tracks for the queue's depth and the shared counter.
//!
//! The document is written as it is produced, entry by entry, so exporting a
//! long run costs the compact [`Trace`] and a buffer, not a JSON tree.
//!
//! Ids: trace viewers treat thread ids as global and pid 0 as special, so
//! process `p` is pid `p + 1` and its tracks are tids `pid * 100000 + n`.

use super::trace::{CORES_PROCESS, Entry, Phase, Trace, Track, What};
use crate::model::{Event, RunSummary, WorkerId};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

/// Tids per process: worker threads use `0..=u16::MAX`, so the GIL and lock
/// tracks fit above them.
const TIDS_PER_PROCESS: u64 = 100_000;

fn pid(process: u16) -> u64 {
    u64::from(process) + 1
}

fn tid(process: u16, track: Track) -> u64 {
    let base = pid(process) * TIDS_PER_PROCESS;
    match track {
        Track::Worker(thread) => base + u64::from(thread),
        Track::Gil => base + TIDS_PER_PROCESS - 2,
        Track::Lock => base + TIDS_PER_PROCESS - 1,
        // Counters belong to the process; this tid is never named.
        Track::Process => base + TIDS_PER_PROCESS - 3,
        Track::Core(core) => base + u64::from(core),
    }
}

/// Microseconds, the format's unit, to the nanosecond.
fn us(ns: u64) -> String {
    format!("{}.{:03}", ns / 1_000, ns % 1_000)
}

fn process_name(process: u16) -> String {
    if process == CORES_PROCESS {
        "CPU cores".to_owned()
    } else if process == 0 {
        "threadlab (main process)".to_owned()
    } else {
        format!("child process {process}")
    }
}

fn track_name(process: u16, track: Track, gil: bool) -> String {
    match track {
        Track::Gil if gil => "GIL holder".to_owned(),
        Track::Gil => "GIL (off)".to_owned(),
        Track::Lock => "lock holder".to_owned(),
        Track::Worker(thread) => {
            let w = WorkerId::new(process, thread);
            format!("{} ({})", w.label(), w.thread_name())
        }
        Track::Process => String::new(),
        Track::Core(core) => format!("core {core}"),
    }
}

/// Writes the trace of a run to `out`.
pub fn write_chrome_trace_to(
    out: impl Write,
    summary: &RunSummary,
    events: &[Event],
) -> io::Result<()> {
    let trace = Trace::from_events(events);
    let mut out = io::BufWriter::new(out);
    out.write_all(b"{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n")?;
    let mut first = true;
    let mut sep = |out: &mut io::BufWriter<_>| -> io::Result<()> {
        if !std::mem::take(&mut first) {
            out.write_all(b",\n")?;
        }
        Ok(())
    };
    for m in metadata(&trace, summary.gil) {
        sep(&mut out)?;
        serde_json::to_writer(&mut out, &m)?;
    }
    for e in &trace.entries {
        sep(&mut out)?;
        write_entry(&mut out, e)?;
    }
    out.write_all(b"\n],\"metadata\":")?;
    // A run past the cap of kept events is traced up to where they end:
    // say so where a reader of the trace looks, not only in the summary.
    let meta = serde_json::json!({
        "threadlab": summary,
        "events_kept": events.len(),
        "events_summarised": summary.events_summarised,
        "unfinished_slices": trace.unfinished,
        "clipped_slices": trace.clipped,
    });
    serde_json::to_writer(&mut out, &meta)?;
    out.write_all(b"}\n")?;
    out.flush()
}

/// The trace document of a run, as a JSON value (for tests and small runs).
pub fn chrome_trace(summary: &RunSummary, events: &[Event]) -> Value {
    let mut bytes = Vec::new();
    // Writing to a Vec cannot fail, and what we write parses.
    write_chrome_trace_to(&mut bytes, summary, events).unwrap_or_default();
    serde_json::from_slice(&bytes).unwrap_or(Value::Null)
}

/// Names of processes and tracks (`M` events), for tracks that have entries.
fn metadata(trace: &Trace, gil: bool) -> Vec<Value> {
    let mut tracks: BTreeMap<u16, BTreeSet<Track>> = BTreeMap::new();
    for e in &trace.entries {
        tracks.entry(e.process).or_default().insert(e.track);
    }
    let mut out = Vec::new();
    for (process, tracks) in tracks {
        let pid = pid(process);
        out.push(
            serde_json::json!({"ph": "M", "name": "process_name", "pid": pid,
            "tid": tid(process, Track::Process), "args": {"name": process_name(process)}}),
        );
        out.push(
            serde_json::json!({"ph": "M", "name": "process_sort_index", "pid": pid,
            "tid": tid(process, Track::Process), "args": {"sort_index": pid}}),
        );
        for track in tracks.into_iter().filter(|t| *t != Track::Process) {
            let tid = tid(process, track);
            let sort_index = match track {
                Track::Gil => -2,
                Track::Lock => -1,
                Track::Worker(thread) => i64::from(thread),
                Track::Core(core) => i64::from(core),
                Track::Process => 0,
            };
            out.push(
                serde_json::json!({"ph": "M", "name": "thread_name", "pid": pid,
                "tid": tid, "args": {"name": track_name(process, track, gil)}}),
            );
            out.push(
                serde_json::json!({"ph": "M", "name": "thread_sort_index", "pid": pid,
                "tid": tid, "args": {"sort_index": sort_index}}),
            );
        }
    }
    out
}

/// One entry as a JSON object. Every name is ours (no quotes or
/// backslashes), so it is written directly.
fn write_entry(out: &mut impl Write, e: &Entry) -> io::Result<()> {
    let (pid, tid, ts) = (pid(e.process), tid(e.process, e.track), us(e.start_ns));
    let (name, cat, args) = describe(&e.what);
    match e.what.phase() {
        Phase::Slice => write!(
            out,
            r#"{{"ph":"X","name":"{name}","cat":"{cat}","pid":{pid},"tid":{tid},"ts":{ts},"dur":{},"args":{{{args}}}}}"#,
            us(e.dur_ns)
        ),
        Phase::Instant => write!(
            out,
            r#"{{"ph":"i","s":"t","name":"{name}","cat":"{cat}","pid":{pid},"tid":{tid},"ts":{ts},"args":{{{args}}}}}"#
        ),
        Phase::Counter => write!(
            out,
            r#"{{"ph":"C","name":"{name}","cat":"{cat}","pid":{pid},"ts":{ts},"args":{{{args}}}}}"#
        ),
    }
}

/// Name, category and the inside of `args` for an entry. A counter's name
/// and its one argument make the track's name in Perfetto ("queue depth").
fn describe(what: &What) -> (String, &'static str, String) {
    match *what {
        What::Task { task, unfinished } => (
            if unfinished {
                format!("task {task} (unfinished)")
            } else {
                format!("task {task}")
            },
            "task",
            format!(r#""task":{task}"#),
        ),
        What::GilHeld { by, switch, forced } => (
            format!("held by {}", by.label()),
            "gil",
            format!(r#""switch_number":{switch},"forced_release":{forced}"#),
        ),
        What::LockHeld { by, acquisition } => (
            format!("held by {}", by.label()),
            "lock",
            format!(r#""acquisition":{acquisition}"#),
        ),
        What::GilWait => ("waiting for the GIL".into(), "gil", String::new()),
        What::LockWait => ("waiting for the lock".into(), "lock", String::new()),
        What::IoWait { planned_us } => (
            "blocking wait (I/O, GIL released)".into(),
            "io",
            format!(r#""planned_us":{planned_us}"#),
        ),
        What::Native => ("native code (GIL released)".into(), "native", String::new()),
        What::CoreWait => ("waiting for a core".into(), "os", String::new()),
        What::OnCore { by } => (
            format!("{by}"),
            "os",
            format!(r#""worker":"{}""#, by.label()),
        ),
        What::QueueFull { item } => (
            "blocked: queue full".into(),
            "queue",
            format!(r#""item":{item}"#),
        ),
        What::DropRequest => ("GIL drop request".into(), "gil", String::new()),
        What::CutOff { task } if task == u64::MAX => {
            ("cut off (idle)".into(), "daemon", String::new())
        }
        What::CutOff { task } => (
            format!("cut off in task {task}"),
            "daemon",
            format!(r#""task":{task}"#),
        ),
        What::Core { core } => (
            format!("on core {core}"),
            "core",
            format!(r#""core":{core}"#),
        ),
        What::StopSeen => ("stop seen".into(), "stop", String::new()),
        What::QueueDepth { depth } => ("queue".into(), "queue", format!(r#""depth":{depth}"#)),
        What::Counter { value } => (
            "shared counter".into(),
            "counter",
            format!(r#""value":{value}"#),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EventKind;

    #[test]
    fn names_tracks_and_pairs_slices() {
        let w = WorkerId::new(0, 1);
        let events = [
            Event::new(0, w, EventKind::GilAcquire, 1),
            Event::new(10, w, EventKind::TaskStart, 7),
            Event::new(20, w, EventKind::GilDropRequest, 0),
            Event::new(100, w, EventKind::LockAcquire, 1),
            Event::new(200, w, EventKind::CounterWrite, 1),
            Event::new(300, w, EventKind::LockRelease, 0),
            Event::new(3000, w, EventKind::TaskEnd, 7),
            Event::new(4000, w, EventKind::GilRelease, 0),
        ];
        let doc = chrome_trace(&RunSummary::default(), &events);
        let evs = doc["traceEvents"].as_array().unwrap();
        let names: Vec<&str> = evs
            .iter()
            .filter(|e| e["ph"] == "M" && e["name"] == "thread_name")
            .filter_map(|e| e["args"]["name"].as_str())
            .collect();
        assert!(names.iter().any(|n| n.contains("thread 1")), "{names:?}");
        assert!(names.contains(&"lock holder"), "{names:?}");
        let task = evs
            .iter()
            .find(|e| e["ph"] == "X" && e["cat"] == "task")
            .unwrap();
        assert_eq!(task["name"], "task 7");
        assert_eq!(task["dur"].as_f64().unwrap(), 2.99);
        assert_eq!(task["pid"], 1);
        let lock = evs
            .iter()
            .find(|e| e["ph"] == "X" && e["cat"] == "lock")
            .unwrap();
        assert_eq!(lock["ts"].as_f64().unwrap(), 0.1);
        assert_ne!(lock["tid"], task["tid"], "the lock has a track of its own");
        assert!(evs.iter().any(|e| e["ph"] == "X" && e["cat"] == "gil"));
        assert!(evs.iter().any(|e| e["ph"] == "i"));
        let counter = evs.iter().find(|e| e["ph"] == "C").unwrap();
        assert_eq!(counter["args"]["value"], 1);
        let ts: Vec<f64> = evs
            .iter()
            .filter(|e| e["ph"] != "M")
            .filter_map(|e| e["ts"].as_f64())
            .collect();
        assert!(ts.windows(2).all(|w| w[0] <= w[1]), "sorted: {ts:?}");
    }

    #[test]
    fn an_empty_run_is_still_a_valid_document() {
        let doc = chrome_trace(&RunSummary::default(), &[]);
        assert_eq!(doc["traceEvents"].as_array().map(Vec::len), Some(0));
    }
}
