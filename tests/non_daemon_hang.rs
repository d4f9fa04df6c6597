//! Non-daemon workers that loop forever make the main program hang: the run
//! says so while it waits, and Stop ends it with no thread left behind.
//!
//! A test binary of its own, with one test, so no other run of this process
//! adds or removes `tl-*` threads while the threads are counted.

mod util;

use std::time::{Duration, Instant};
use threadlab::analysis::check_gil_well_formed;
use threadlab::engine::labs::py::files::scratch_prefix;
use threadlab::engine::{RunOptions, start};
use threadlab::model::{Event, RunMessage, RunSummary, Scenario};
use util::preset;

/// Threads of this process whose name starts with `tl-` (every thread a run starts).
fn run_threads() -> usize {
    util::threads_named("tl-")
}

/// Starts `scenario`, waits for a status line saying the main program waits,
/// then presses Stop and returns the statuses, the summary and the events.
fn hang_then_stop(scenario: Scenario) -> (Vec<String>, RunSummary, Vec<Event>) {
    let handle = start(
        scenario,
        RunOptions {
            sample_cores: false,
        },
    )
    .unwrap();
    let mut statuses = Vec::new();
    let mut events = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !statuses.iter().any(|s: &String| s.contains("waiting on")) {
        assert!(Instant::now() < deadline, "no status: {statuses:?}");
        match handle.recv_timeout(Duration::from_millis(100)) {
            Some(RunMessage::Status(text)) => statuses.push(text),
            Some(RunMessage::Events(batch)) => events.extend(batch),
            Some(RunMessage::Finished(r)) => panic!("finished while it should hang: {r:?}"),
            _ => {}
        }
    }
    // It really hangs: still running a while later.
    std::thread::sleep(Duration::from_millis(200));
    assert!(run_threads() > 0);
    let stopped_at = Instant::now();
    handle.stop();
    let (summary, rest) = handle.wait().unwrap();
    assert!(
        stopped_at.elapsed() < Duration::from_secs(5),
        "Stop took {:?}",
        stopped_at.elapsed()
    );
    events.extend(rest);
    check_gil_well_formed(&events).unwrap();
    (statuses, summary, events)
}

/// Waits (briefly) for exited threads to leave /proc.
fn settle_to(before: usize) -> usize {
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let now = run_threads();
        if now <= before || Instant::now() > deadline {
            return now;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn endless_non_daemon_workers_hang_until_stop_and_leave_no_thread() {
    let before = run_threads();

    let daemon = preset("daemon");
    let (statuses, s, _) = hang_then_stop(Scenario {
        daemon: false,
        threads: 2,
        tasks: 2,
        io_ms: 5,
        ..daemon
    });
    assert!(statuses[0].contains("2 non-daemon workers"), "{statuses:?}");
    assert!(s.stopped);
    assert!(
        s.notes
            .iter()
            .any(|n| n.contains("sentinel") && n.contains("stop event")),
        "{:?}",
        s.notes
    );
    assert_eq!(
        settle_to(before),
        before,
        "threads left after the daemon lab"
    );
    let prefix = scratch_prefix(std::process::id());
    let left: Vec<_> = std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with(&prefix))
        .collect();
    assert!(left.is_empty(), "{left:?}");

    let queue = preset("queue");
    let (_, s, _) = hang_then_stop(Scenario {
        daemon: false,
        threads: 3,
        tasks: 5,
        ..queue
    });
    assert!(s.stopped);
    assert_eq!(s.queue.unwrap().gets, 5);
    assert_eq!(
        settle_to(before),
        before,
        "threads left after the queue lab"
    );
}
