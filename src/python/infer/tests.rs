//! The inference on hand-made records: what a stretch off the CPU means.
use super::*;

fn lane(kind: u8, thread: u16, t_us: i64, cpu_us: u64, arg: u64) -> Record {
    Record::Lane(LaneRecord {
        kind,
        thread,
        t_ns: t_us * 1000,
        cpu_ns: cpu_us * 1000,
        arg,
        arg2: 0,
    })
}

fn header() -> Record {
    Record::Header {
        process: 0,
        pid: 1,
        gil: true,
        version: "3.11.7".into(),
    }
}

#[test]
fn two_computing_threads_take_turns_at_the_gil() {
    let mut inf = Inference::default();
    let mut records = vec![
        header(),
        Record::Mark {
            kind: b'S',
            t_ns: 0,
            arg: 0,
        },
        lane(b'W', 0, 0, 0, 0),
    ];
    // Thread 0 runs 0..5 ms, thread 1 5..10 ms, thread 0 10..15 ms,
    // each with a checkpoint every 250 µs.
    for k in 1..=20 {
        records.push(lane(b'C', 0, k * 250, k as u64 * 250, 0));
    }
    records.push(lane(b'W', 1, 5_000, 0, 0));
    for k in 1..=20 {
        records.push(lane(b'C', 1, 5_000 + k * 250, k as u64 * 250, 0));
        records.push(lane(b'C', 0, 10_000 + k * 250, 5_000 + k as u64 * 250, 0));
    }
    records.push(lane(b'X', 1, 10_000, 5_000, 0));
    records.push(lane(b'X', 0, 15_000, 10_000, 0));
    let mut events = inf.feed(0, records);
    events.extend(inf.finish());
    let t0 = &inf.tallies[&WorkerId::new(0, 0)];
    // Thread 0 waited about 5 ms for its second turn, give or take half
    // a checkpoint interval at each end.
    assert!((4_700_000..=5_300_000).contains(&t0.gil_wait_ns), "{t0:?}");
    assert_eq!(t0.handovers, 1);
    assert_eq!(inf.tallies[&WorkerId::new(0, 1)].gil_wait_ns, 0);
    assert!(
        inf.checkpoint_us()
            .is_some_and(|us| (us - 250.0).abs() < 1.0)
    );
    // Inferred holds may overlap, but by less than a checkpoint interval.
    let holds = crate::analysis::gil_holds(&events);
    for pair in holds[&0].windows(2) {
        let overlap = pair[0].end_ns.saturating_sub(pair[1].start_ns);
        assert!(overlap <= 250_000, "{pair:?}");
    }
}

#[test]
fn a_sleep_lets_the_gil_go_and_a_late_wake_waits_for_it() {
    let mut inf = Inference::default();
    let mut events = inf.feed(
        0,
        vec![
            header(),
            lane(b'W', 0, 0, 0, 0),
            lane(b'W', 1, 0, 0, 0),
            lane(b'I', 0, 100, 95, 1_000),
            // The sleep ended at 1100 µs; the thread ran again at 4000,
            // thread 1 computing meanwhile.
            lane(b'C', 1, 2_000, 1_900, 0),
            lane(b'C', 1, 3_900, 3_800, 0),
            lane(b'J', 0, 4_000, 97, 0),
        ],
    );
    events.extend(inf.finish());
    let kinds: Vec<EventKind> = events
        .iter()
        .filter(|e| e.worker.thread == 0 && e.kind != WorkerExit)
        .map(|e| e.kind)
        .take(7)
        .collect();
    use EventKind::*;
    assert_eq!(
        kinds,
        [
            WorkerStart,
            GilAcquire,
            IoWaitStart,
            GilRelease,
            IoWaitEnd,
            GilWait,
            GilAcquire
        ]
    );
    let end = events.iter().find(|e| e.kind == IoWaitEnd).unwrap();
    assert_eq!(end.t_ns, 1_100_000);
    assert_eq!(inf.tallies[&WorkerId::new(0, 0)].gil_wait_ns, 2_900_000);
}

#[test]
fn a_thread_the_os_put_off_while_no_other_ran_did_not_wait_for_the_gil() {
    let mut inf = Inference::default();
    let mut records = vec![header(), lane(b'W', 0, 0, 0, 0), lane(b'W', 1, 0, 0, 0)];
    // Thread 1 waits in a sleep; thread 0 computes, and loses the CPU
    // for 2 ms between 1000 and 3000 µs, with nobody else running.
    records.push(lane(b'I', 1, 5, 5, 10_000));
    for k in 1..=4 {
        records.push(lane(b'C', 0, k * 250, k as u64 * 250, 0));
    }
    records.push(lane(b'C', 0, 3_250, 1_250, 0));
    let mut events = inf.feed(0, records);
    events.extend(inf.finish());
    assert_eq!(inf.tallies[&WorkerId::new(0, 0)].gil_wait_ns, 0);
    assert!(!events.iter().any(|e| e.kind == EventKind::GilWait));
    // It waited for a core instead: 2 ms off the CPU, drawn as such.
    assert_eq!(inf.tallies[&WorkerId::new(0, 0)].core_wait_ns, 2_000_000);
    let start = events
        .iter()
        .position(|e| e.kind == EventKind::CoreWaitStart);
    let end = events.iter().position(|e| e.kind == EventKind::CoreWaitEnd);
    assert!(start.is_some() && start < end, "{events:?}");
}

#[test]
fn lanes_left_open_end_where_they_were() {
    let mut inf = Inference::default();
    inf.feed(
        0,
        vec![header(), lane(b'W', 0, 0, 0, 0), lane(b'T', 0, 50, 40, 3)],
    );
    let closing = inf.finish();
    assert!(
        closing
            .iter()
            .any(|e| e.kind == EventKind::WorkerExit && e.t_ns == 50_000)
    );
    assert!(inf.finish().is_empty(), "closed once");
}
