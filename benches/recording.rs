//! What recording costs: one event, and a whole CPU-bound run with recording
//! on against the same run with recording off.

use criterion::{Criterion, criterion_group, criterion_main};
use crossbeam_channel::bounded;
use std::hint::black_box;
use std::time::Duration;
use threadlab::engine::{RunOptions, run_to_end};
use threadlab::model::{EventKind, RunMessage, Scenario, WorkerId};
use threadlab::recording::{Clock, EventSink, Recorder};

fn record_one_event(c: &mut Criterion) {
    let (tx, rx) = bounded::<RunMessage>(1024);
    // A consumer drains batches as the window or the CLI would.
    let consumer = std::thread::Builder::new()
        .name("bench-consumer".into())
        .spawn(move || rx.iter().count())
        .unwrap();
    let mut rec = Recorder::new(
        WorkerId::new(0, 0),
        Clock::start_now(),
        EventSink::new(tx),
        true,
    );
    c.bench_function("record one event (clock read + push)", |b| {
        b.iter(|| rec.record(black_box(EventKind::TaskStart), black_box(7)))
    });
    let (tx_off, _rx_off) = bounded::<RunMessage>(1);
    let mut off = Recorder::new(
        WorkerId::new(0, 0),
        Clock::start_now(),
        EventSink::new(tx_off),
        false,
    );
    c.bench_function("record one event, recording off", |b| {
        b.iter(|| off.record(black_box(EventKind::TaskStart), black_box(7)))
    });
    drop(rec);
    let _ = consumer.join();
}

fn cpu_run(record: bool) -> Scenario {
    Scenario {
        threads: 2,
        tasks: 4,
        task_size: 400_000,
        record,
        ..Scenario::default()
    }
}

fn run_with_and_without_recording(c: &mut Criterion) {
    let mut g = c.benchmark_group("cpu-bound 2 threads, 1.6 M integers");
    g.sample_size(10).measurement_time(Duration::from_secs(8));
    for record in [true, false] {
        let label = if record {
            "recording on"
        } else {
            "recording off"
        };
        g.bench_function(label, |b| {
            b.iter(|| {
                run_to_end(
                    cpu_run(record),
                    RunOptions {
                        sample_cores: false,
                    },
                )
                .unwrap()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, record_one_event, run_with_and_without_recording);
criterion_main!(benches);
