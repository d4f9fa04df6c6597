//! A hand-built run of four processes of one thread each on two cores:
//! every worker runs 4 ms, then waits 4 ms for a core while another runs,
//! so two workers are on the cores at any moment. Drawing this window took
//! 0.3 of a core meanwhile, and other programs nothing.

use threadlab::gui::run_state::RunData;
use threadlab::model::{
    CoreBusy, CoreSample, Event, EventKind, LoadSummary, RunMessage, RunSummary, Scenario,
    WorkerId, WorkerSummary,
};

const MS: u64 = 1_000_000;
/// Turns each worker takes on a core.
const TURNS: u64 = 12;

/// The run, as the window receives it.
pub fn oversubscribed_run() -> RunData {
    let mut data = RunData::new(Scenario {
        name: "hand-built-os".to_owned(),
        processes: 4,
        threads: 1,
        tasks: 4,
        cores: 2,
        ..Scenario::default()
    });
    let mut workers = Vec::new();
    for p in 1..=4u16 {
        let w = WorkerId::new(p, 0);
        let core = u64::from(p % 2);
        // Processes 1 and 2 start on the cores, 3 and 4 wait first.
        let offset = if p <= 2 { 0 } else { 4 * MS };
        let mut ev = vec![
            Event::new(0, w, EventKind::WorkerStart, 0),
            Event::new(0, w, EventKind::CoreChange, core),
            Event::new(0, w, EventKind::GilAcquire, 1),
            Event::new(0, w, EventKind::TaskStart, u64::from(p)),
        ];
        let mut t = 0;
        if offset > 0 {
            ev.push(Event::new(0, w, EventKind::CoreWaitStart, 0));
            ev.push(Event::new(offset, w, EventKind::CoreWaitEnd, core));
            t = offset;
        }
        for turn in 0..TURNS {
            t += 4 * MS;
            if turn + 1 < TURNS {
                ev.push(Event::new(t, w, EventKind::CoreWaitStart, 0));
                t += 4 * MS;
                ev.push(Event::new(t, w, EventKind::CoreWaitEnd, core));
            }
        }
        ev.push(Event::new(t, w, EventKind::TaskEnd, u64::from(p)));
        ev.push(Event::new(t, w, EventKind::GilRelease, 0));
        ev.push(Event::new(t, w, EventKind::WorkerExit, 0));
        data.apply(RunMessage::Events(ev));
        workers.push(WorkerSummary {
            id: w,
            tasks_done: 1,
            cpu_ms: (TURNS * 4) as f64,
            core_wait_ms: ((TURNS - 1) * 4) as f64 + offset as f64 / 1e6,
            ..WorkerSummary::default()
        });
    }
    let wall_ms = ((TURNS * 8) as f64) - 4.0 + 4.0;
    for i in 1..=(wall_ms as u64 / 50) {
        data.apply(RunMessage::Cores(CoreSample {
            t_ns: i * 50 * MS,
            interval_ns: 50 * MS,
            usage: vec![100.0, 100.0],
            front_end: vec![15.0, 15.0],
            helpers: vec![0.0, 0.0],
        }));
    }
    let cpu_ms: f64 = workers.iter().map(|w| w.cpu_ms).sum();
    data.apply(RunMessage::Finished(Box::new(Ok(RunSummary {
        preset: "hand-built-os".to_owned(),
        processes: 4,
        threads: 1,
        gil: true,
        wall_ms,
        cpu_ms,
        tasks_done: 4,
        cores: 2,
        cores_physical: 2,
        core_wait_ms: workers.iter().map(|w| w.core_wait_ms).sum(),
        per_core: vec![
            CoreBusy {
                core: 0,
                busy_ms: cpu_ms / 2.0,
            },
            CoreBusy {
                core: 1,
                busy_ms: cpu_ms / 2.0,
            },
        ],
        load: Some(LoadSummary {
            machine_cores: 2.0,
            workers_cores: cpu_ms / wall_ms,
            front_end_cores: 0.3,
            helpers_cores: 0.0,
            others_cores: 0.0,
        }),
        workers,
        ..RunSummary::default()
    }))));
    data
}
