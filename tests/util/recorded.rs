//! The hand-built run the window tests draw: fixed events, no live timing,
//! so pictures and counts come out the same on every machine.

use threadlab::gui::run_state::RunData;
use threadlab::model::{CoreSample, Event, EventKind, RunMessage, RunSummary, Scenario, WorkerId};

const MS: u64 = 1_000_000;

/// A hand-built run of three threads under one GIL on two cores: two compute,
/// one waits on I/O between short turns, and at the end the switch interval
/// is tiny, so hundreds of turns are thinner than a pixel and merge.
pub fn recorded_run() -> RunData {
    recorded_run_scaled(1, 1)
}

/// The recorded run with every time scaled by `num / den`: a re-run that
/// took longer or shorter, to stand behind it as a ghost.
pub fn recorded_run_scaled(num: u64, den: u64) -> RunData {
    let scale = |t: u64| t * num / den;
    let mut ev = Vec::new();
    let w = |t: u16| WorkerId::new(0, t);
    let mut push = |t: u64, thread: u16, kind: EventKind, arg: u64| {
        ev.push(Event::new(scale(t), w(thread), kind, arg));
    };
    for (thread, core) in [(0u16, 0u64), (1, 1), (2, 1)] {
        push(
            u64::from(thread) * 100_000,
            thread,
            EventKind::WorkerStart,
            0,
        );
        push(
            u64::from(thread) * 100_000,
            thread,
            EventKind::CoreChange,
            core,
        );
    }
    push(0, 0, EventKind::TaskStart, 0);
    push(100_000, 1, EventKind::TaskStart, 1);
    push(100_000, 1, EventKind::GilWait, 0);
    push(200_000, 2, EventKind::TaskStart, 2);
    push(200_000, 2, EventKind::IoWaitStart, 4_000);
    // Turns: (holder, length). The I/O thread takes short turns in between.
    let mut turns: Vec<(u16, u64)> = Vec::new();
    for k in 0..8 {
        turns.push((k % 2, 5 * MS));
        turns.push((2, 300_000));
    }
    for k in 0..600 {
        turns.push((k % 2, 20_000));
    }
    let mut now = 0;
    let mut switch = 0;
    let mut last = None;
    for (holder, len) in turns {
        if last != Some(holder) {
            switch += 1;
        }
        if holder == 2 {
            push(now, 2, EventKind::IoWaitEnd, 0);
        }
        push(now, holder, EventKind::GilAcquire, switch);
        push(now + len, holder, EventKind::GilRelease, 1);
        if holder == 2 {
            push(now + len, 2, EventKind::IoWaitStart, 4_000);
        } else {
            push(now + len, holder, EventKind::GilWait, 0);
        }
        last = Some(holder);
        now += len;
    }
    for (thread, task) in [(0u16, 0u64), (1, 1)] {
        push(
            now,
            thread,
            EventKind::GilAcquire,
            switch + 1 + u64::from(thread),
        );
        push(now + MS, thread, EventKind::TaskEnd, task);
        push(now + MS, thread, EventKind::GilRelease, 0);
        push(now + MS, thread, EventKind::WorkerExit, 0);
        now += MS;
    }
    push(now, 2, EventKind::IoWaitEnd, 0);
    push(now, 2, EventKind::TaskEnd, 2);
    push(now, 2, EventKind::WorkerExit, 0);

    let scenario = Scenario {
        name: "hand-built".to_owned(),
        threads: 3,
        tasks: 3,
        ..Scenario::default()
    };
    let mut data = RunData::new(scenario);
    // Deliver each worker's events as its own batch, as the engine does.
    for thread in [2, 0, 1] {
        let batch: Vec<Event> = ev
            .iter()
            .copied()
            .filter(|e| e.worker.thread == thread)
            .collect();
        data.apply(RunMessage::Events(batch));
    }
    for i in 0..=8u64 {
        let t = i * 10 * MS;
        let wave = (i % 4) as f32 * 10.0;
        data.apply(RunMessage::Cores(CoreSample {
            t_ns: scale(t),
            usage: vec![70.0 + wave, 35.0 - wave],
            ..Default::default()
        }));
    }
    data.apply(RunMessage::Finished(Box::new(Ok(RunSummary {
        preset: "hand-built".to_owned(),
        threads: 3,
        gil: true,
        wall_ms: scale(now) as f64 / 1e6,
        cpu_ms: 54.0,
        tasks_done: 3,
        gil_switches: data.timeline.gil_handovers(),
        gil_drop_requests: data.timeline.gil_drop_requests(),
        gil_wait_ms: data.timeline.gil_wait_ns() as f64 / 1e6,
        ..RunSummary::default()
    }))));
    data
}
