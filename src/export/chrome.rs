//! Chrome trace JSON (the "Trace Event Format"), which Perfetto and
//! chrome://tracing open. Each process is a trace process; each worker a
//! thread track with its tasks, blocking waits and native calls as `X`
//! slices; each interpreter's GIL gets a track of its own whose slices say
//! who held it, so hand-overs read like a relay.

use crate::model::{Event, EventKind, RunSummary, WorkerId};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The track id of a process's GIL lane (worker threads use their index).
const GIL_TRACK: u64 = 100_000;

fn us(ns: u64) -> f64 {
    ns as f64 / 1_000.0
}

fn process_name(process: u16) -> String {
    if process == 0 {
        "threadlab (main process)".to_owned()
    } else {
        format!("child process {process}")
    }
}

/// Builds the trace document for a run.
pub fn chrome_trace(summary: &RunSummary, events: &[Event]) -> Value {
    let mut sorted = events.to_vec();
    sorted.sort_by_key(|e| e.t_ns);
    let end_ns = sorted.last().map_or(0, |e| e.t_ns);
    let mut out = Vec::new();

    let mut workers: BTreeMap<WorkerId, ()> = BTreeMap::new();
    for e in &sorted {
        workers.insert(e.worker, ());
    }
    let mut processes: Vec<u16> = workers.keys().map(|w| w.process).collect();
    processes.dedup();
    for &p in &processes {
        out.push(
            json!({"ph": "M", "name": "process_name", "pid": p, "tid": 0,
            "args": {"name": process_name(p)}}),
        );
        out.push(
            json!({"ph": "M", "name": "thread_name", "pid": p, "tid": GIL_TRACK,
            "args": {"name": if summary.gil { "GIL holder" } else { "no GIL (free-threaded)" }}}),
        );
        out.push(
            json!({"ph": "M", "name": "thread_sort_index", "pid": p, "tid": GIL_TRACK,
            "args": {"sort_index": -1}}),
        );
    }
    for w in workers.keys() {
        out.push(
            json!({"ph": "M", "name": "thread_name", "pid": w.process, "tid": w.thread,
            "args": {"name": format!("{} ({})", w.label(), w.thread_name())}}),
        );
    }

    // Open slices per worker: (kind that opened it, start, arg).
    let mut open: BTreeMap<(WorkerId, u8), (u64, u64)> = BTreeMap::new();
    let slice =
        |w: WorkerId, tid: u64, name: String, cat: &str, start: u64, end: u64, args: Value| {
            json!({"ph": "X", "name": name, "cat": cat, "pid": w.process, "tid": tid,
            "ts": us(start), "dur": us(end.saturating_sub(start)), "args": args})
        };
    for e in &sorted {
        let w = e.worker;
        let tid = w.thread as u64;
        match e.kind {
            EventKind::TaskStart
            | EventKind::GilAcquire
            | EventKind::IoWaitStart
            | EventKind::NativeStart
            | EventKind::LockAcquire
            | EventKind::GilWait
            | EventKind::LockWait => {
                open.insert((w, e.kind as u8), (e.t_ns, e.arg));
            }
            EventKind::TaskEnd => {
                if let Some((s, task)) = open.remove(&(w, EventKind::TaskStart as u8)) {
                    out.push(slice(
                        w,
                        tid,
                        format!("task {task}"),
                        "task",
                        s,
                        e.t_ns,
                        json!({"task": task}),
                    ));
                }
            }
            EventKind::GilRelease => {
                if let Some((s, switch)) = open.remove(&(w, EventKind::GilAcquire as u8)) {
                    out.push(slice(
                        w,
                        GIL_TRACK,
                        format!("held by {}", w.label()),
                        "gil",
                        s,
                        e.t_ns,
                        json!({"switch_number": switch, "forced": e.arg == 1}),
                    ));
                }
            }
            EventKind::IoWaitEnd => {
                if let Some((s, planned)) = open.remove(&(w, EventKind::IoWaitStart as u8)) {
                    out.push(slice(
                        w,
                        tid,
                        "blocking wait (I/O)".into(),
                        "io",
                        s,
                        e.t_ns,
                        json!({"planned_us": planned}),
                    ));
                }
            }
            EventKind::NativeEnd => {
                if let Some((s, _)) = open.remove(&(w, EventKind::NativeStart as u8)) {
                    out.push(slice(
                        w,
                        tid,
                        "native code (GIL released)".into(),
                        "native",
                        s,
                        e.t_ns,
                        json!({}),
                    ));
                }
            }
            EventKind::LockRelease => {
                if let Some((s, _)) = open.remove(&(w, EventKind::LockAcquire as u8)) {
                    out.push(slice(
                        w,
                        tid,
                        "holding the lock".into(),
                        "lock",
                        s,
                        e.t_ns,
                        json!({}),
                    ));
                }
            }
            EventKind::GilDropRequest => {
                out.push(
                    json!({"ph": "i", "s": "t", "name": "GIL drop request", "cat": "gil",
                    "pid": w.process, "tid": tid, "ts": us(e.t_ns)}),
                );
            }
            EventKind::CutOff => {
                out.push(
                    json!({"ph": "i", "s": "t", "name": "cut off", "cat": "daemon",
                    "pid": w.process, "tid": tid, "ts": us(e.t_ns), "args": {"task": e.arg}}),
                );
            }
            EventKind::QueueDepth => {
                out.push(
                    json!({"ph": "C", "name": "queue depth", "pid": w.process, "ts": us(e.t_ns),
                    "args": {"depth": e.arg}}),
                );
            }
            EventKind::CounterWrite => {
                out.push(
                    json!({"ph": "C", "name": "shared counter", "pid": w.process, "ts": us(e.t_ns),
                    "args": {"value": e.arg}}),
                );
            }
            EventKind::CoreChange => {
                out.push(
                    json!({"ph": "i", "s": "t", "name": format!("on core {}", e.arg), "cat": "core",
                    "pid": w.process, "tid": tid, "ts": us(e.t_ns)}),
                );
            }
            _ => {}
        }
    }
    // Anything still open (a cut-off task, a GIL held at a stop) ends at the last event.
    for ((w, kind), (s, arg)) in open {
        if kind == EventKind::TaskStart as u8 {
            out.push(slice(
                w,
                w.thread as u64,
                format!("task {arg} (unfinished)"),
                "task",
                s,
                end_ns,
                json!({"task": arg}),
            ));
        }
    }
    json!({
        "traceEvents": out,
        "displayTimeUnit": "ms",
        "metadata": {"threadlab": summary},
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_tracks_and_pairs_slices() {
        let w = WorkerId::new(0, 1);
        let events = [
            Event::new(0, w, EventKind::GilAcquire, 1),
            Event::new(10, w, EventKind::TaskStart, 7),
            Event::new(20, w, EventKind::GilDropRequest, 0),
            Event::new(3000, w, EventKind::TaskEnd, 7),
            Event::new(4000, w, EventKind::GilRelease, 0),
        ];
        let doc = chrome_trace(&RunSummary::default(), &events);
        let evs = doc["traceEvents"].as_array().unwrap();
        assert!(evs.iter().any(|e| {
            e["ph"] == "M"
                && e["args"]["name"]
                    .as_str()
                    .is_some_and(|n| n.contains("thread 1"))
        }));
        let task = evs
            .iter()
            .find(|e| e["ph"] == "X" && e["cat"] == "task")
            .unwrap();
        assert_eq!(task["name"], "task 7");
        assert_eq!(task["dur"].as_f64().unwrap(), 2.99);
        assert!(evs.iter().any(|e| e["ph"] == "X" && e["cat"] == "gil"));
        assert!(evs.iter().any(|e| e["ph"] == "i"));
    }
}
