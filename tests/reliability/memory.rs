//! Memory: every accepted scenario within 1 GB of resident memory, CLI and
//! window alike, with its summary numbers exact.
//!
//! The largest accepted scenario records about 2.6 × 10¹⁰ events, so no
//! front end may keep them all: the CLI keeps events only for `--trace`, up
//! to `EVENTS_KEPT_MAX`; the window keeps as many for its export and its
//! timeline's full detail, and per-block summaries beyond.

use std::io::Read;
use std::process::{Command, Stdio};
use threadlab::model::EVENTS_KEPT_MAX;

/// What a run of the binary printed, and its peak resident memory.
struct Measured {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    max_rss_bytes: u64,
}

/// Runs the binary, reaping it with `wait4` to read its peak memory.
#[expect(
    clippy::zombie_processes,
    reason = "reaped by wait4, which std does not offer and which reads its peak memory"
)]
fn measured(args: &[&str]) -> Measured {
    let mut child = Command::new(super::bin())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("threadlab starts");
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let stderr = std::thread::Builder::new()
        .name("test-stderr".into())
        .spawn(move || {
            let mut s = String::new();
            let _ = err.read_to_string(&mut s);
            s
        })
        .expect("reader");
    let mut stdout = String::new();
    let _ = out.read_to_string(&mut stdout);
    let mut status = 0;
    // SAFETY: `rusage` is plain data the call fills in; the pid is our child's.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as i32, "wait4");
    Measured {
        code: libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status)),
        stdout,
        stderr: stderr.join().unwrap_or_default(),
        // ru_maxrss is in kilobytes on Linux.
        max_rss_bytes: usage.ru_maxrss as u64 * 1024,
    }
}

fn json(m: &Measured) -> serde_json::Value {
    serde_json::from_str(&m.stdout).unwrap_or_else(|e| panic!("{e}: {}", m.stderr))
}

const MB: u64 = 1 << 20;

/// Issue 17, defect 5: every event was kept, 24 bytes each, whether anyone
/// wanted them or not: `race-plain --increments 100000000` took 3.0 GB.
/// Ten million events now cost the CLI almost nothing, and the counter is
/// exact.
#[test]
fn every_event_is_kept_now_the_cli_keeps_none_without_a_trace() {
    let m = measured(&["run", "race-plain", "--increments", "5000000", "--json"]);
    assert_eq!(m.code, Some(0), "{}", m.stderr);
    let v = json(&m);
    let events = v["events"].as_u64().expect("events");
    assert!(events >= 10_000_000, "{v}");
    assert_eq!(v["counter"]["expected"], 10_000_000);
    assert_eq!(v["counter"]["actual"], 10_000_000);
    assert_eq!(v["counter"]["lost_updates"], 0);
    assert_eq!(v["events_kept"], 0);
    let dropped = v["events_dropped"].as_u64().expect("dropped");
    assert_eq!(v["events_summarised"].as_u64(), Some(events - dropped));
    // 10 M events are 240 MB; the run's channel holds at most 48 MB.
    assert!(
        m.max_rss_bytes < 150 * MB,
        "{} MB for a run that keeps nothing",
        m.max_rss_bytes / MB
    );
}

/// Issue 17, defect 5: with `--trace`, the first events are kept up to the
/// cap and the rest counted; the JSON and the trace both say so.
#[test]
fn a_trace_keeps_the_first_events_and_says_what_it_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let trace = dir.path().join("t.json");
    let m = measured(&[
        "run",
        "race-plain",
        "--increments",
        "3000000",
        "--json",
        "--trace",
        trace.to_str().expect("utf-8"),
    ]);
    assert_eq!(m.code, Some(0), "{}", m.stderr);
    let v = json(&m);
    assert_eq!(v["events_kept"].as_u64(), Some(EVENTS_KEPT_MAX as u64));
    let summarised = v["events_summarised"].as_u64().expect("summarised");
    let (events, dropped) = (v["events"].as_u64(), v["events_dropped"].as_u64());
    assert_eq!(
        Some(EVENTS_KEPT_MAX as u64 + summarised),
        events.zip(dropped).map(|(e, d)| e - d)
    );
    assert_eq!(v["counter"]["actual"], 6_000_000);
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&trace).expect("trace")).expect("JSON");
    assert_eq!(
        doc["metadata"]["events_kept"].as_u64(),
        Some(EVENTS_KEPT_MAX as u64)
    );
    assert_eq!(
        doc["metadata"]["events_summarised"].as_u64(),
        Some(summarised)
    );
    assert!(m.max_rss_bytes < 1024 * MB, "{} MB", m.max_rss_bytes / MB);
}

/// Issue 17, defect 5, the window's side: its run data keeps the first
/// events for the export and in the timeline's full detail, and summarises
/// the rest, with the summary's numbers exact and the summary saying what
/// was kept.
#[cfg(feature = "gui")]
#[test]
fn the_window_kept_every_event_now_it_keeps_the_cap_and_summarises_the_rest() {
    use std::time::Duration;
    use threadlab::gui::run_state::{KEPT_EVENTS_MAX, LiveRun};
    let scenario = threadlab::model::Scenario {
        // 20 M writes in a few seconds: the window drops what it cannot
        // take in time (and counts it), and still gets past the cap.
        increments: 10_000_000,
        ..threadlab::model::load_preset("race-plain")
            .expect("preset")
            .expect("parses")
    };
    let mut live = LiveRun::start(scenario).expect("starts");
    let mut done = None;
    while done.is_none() {
        let (_, finished) = live.poll(Duration::from_millis(50));
        done = finished;
        std::thread::sleep(Duration::from_millis(5));
    }
    let data = &live.data;
    let summary = data.summary().expect("finished well");
    let delivered = data.timeline.events();
    assert!(
        delivered > KEPT_EVENTS_MAX as u64,
        "{delivered} events came"
    );
    assert_eq!(data.events.len(), KEPT_EVENTS_MAX);
    assert_eq!(data.timeline.events_kept(), KEPT_EVENTS_MAX as u64);
    assert_eq!(data.timeline.events_summarised(), data.events_not_kept);
    assert!(data.events_not_kept > 0);
    assert_eq!(summary.events_kept, KEPT_EVENTS_MAX as u64);
    assert_eq!(summary.events_summarised, data.events_not_kept);
    let counter = summary.counter.expect("counter");
    assert_eq!((counter.expected, counter.actual), (20_000_000, 20_000_000));
    // The replay counts every write that came, the summarised ones too.
    if data.events_dropped == 0 {
        let at_end = data.timeline.as_of(data.timeline.horizon_ns());
        let c = at_end.counter.expect("a counter");
        assert_eq!((c.expected, c.actual), (20_000_000, 20_000_000));
    }
    for track in data.timeline.tracks() {
        assert!(track.states.summarised_blocks().len() <= 256);
    }
}

/// This process's peak resident memory so far, bytes (Linux: VmHWM).
#[cfg(feature = "gui")]
fn peak_rss_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// Drains a run the way the window does (8 ms of messages per frame, 60
/// frames a second) into the window's own run data, and checks this
/// process's peak memory at the end. Slow (minutes): run one at a time with
/// `cargo test --test reliability -- --ignored window_memory`; the numbers
/// are in BENCHMARKS.md.
#[cfg(feature = "gui")]
fn window_memory_of(preset: &str, change: impl FnOnce(&mut threadlab::model::Scenario)) {
    use std::time::{Duration, Instant};
    use threadlab::gui::run_state::LiveRun;
    let _serial = super::children::setup();
    let mut scenario = threadlab::model::load_preset(preset)
        .expect("preset")
        .expect("parses");
    change(&mut scenario);
    let started = Instant::now();
    let mut live = LiveRun::start(scenario).expect("starts");
    loop {
        let (_, finished) = live.poll(Duration::from_millis(8));
        if finished.is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(16));
    }
    let data = &live.data;
    let summary = data.summary().expect("finished well");
    let peak = peak_rss_bytes();
    eprintln!(
        "{preset}: wall {:.1} s, peak RSS {} MB; {} events recorded, {} dropped by the \
         window, {} kept, {} summarised; counter {:?}",
        started.elapsed().as_secs_f64(),
        peak / MB,
        summary.events,
        data.events_dropped,
        data.timeline.events_kept(),
        data.timeline.events_summarised(),
        summary.counter,
    );
    let c = summary.counter.expect("counter");
    assert_eq!(c.expected, c.actual + c.lost_updates);
    assert!(peak < 1024 * MB, "{} MB", peak / MB);
}

/// `race-plain --increments 100000000` in the window's run data.
#[cfg(feature = "gui")]
#[test]
#[ignore = "minutes long; a measurement for BENCHMARKS.md"]
fn window_memory_race_plain_a_hundred_million_increments() {
    window_memory_of("race-plain", |s| s.increments = 100_000_000);
}

/// `race-call --threads 256 --switch-interval-us 10` in the window's run data.
#[cfg(feature = "gui")]
#[test]
#[ignore = "minutes long; a measurement for BENCHMARKS.md"]
fn window_memory_race_call_256_threads_10_us() {
    window_memory_of("race-call", |s| {
        s.threads = 256;
        s.switch_interval_us = 10;
    });
}
