//! What recording costs: one event against one of puffin's nested scopes
//! (two events: its start and its end), the spread of that cost, and a whole
//! CPU-bound run with recording on against the same run with recording off.

use criterion::{Criterion, criterion_group, criterion_main};
use crossbeam_channel::bounded;
use std::hint::black_box;
use std::time::{Duration, Instant};
use threadlab::engine::{RunOptions, run_to_end};
use threadlab::model::{EventKind, RunMessage, Scenario, WorkerId};
use threadlab::recording::{Clock, EventSink, Recorder};

/// Puffin's scopes timed per chunk: the outer scope that keeps the nested
/// ones in the thread's stream (as puffin's own benchmark does) is closed
/// and the frame ended between chunks, outside the timing, so the stream
/// does not grow for the whole benchmark.
const PUFFIN_CHUNK: u64 = 50_000;

/// A recorder whose batches a consumer thread drains as the CLI does
/// (blocking on the channel), and that thread.
fn recorder_with_consumer() -> (Recorder, std::thread::JoinHandle<usize>) {
    let (tx, rx) = bounded::<RunMessage>(1024);
    let consumer = std::thread::Builder::new()
        .name("bench-consumer".into())
        .spawn(move || rx.iter().count())
        .unwrap();
    let rec = Recorder::new(
        WorkerId::new(0, 0),
        Clock::start_now(),
        EventSink::new(tx),
        true,
    );
    (rec, consumer)
}

/// `iters` nested puffin scopes, timed in chunks (see [`PUFFIN_CHUNK`]).
fn puffin_scopes(iters: u64) -> Duration {
    let mut total = Duration::ZERO;
    let mut left = iters;
    while left > 0 {
        let n = left.min(PUFFIN_CHUNK);
        left -= n;
        {
            puffin::profile_scope!("outer scope, kept open");
            let start = Instant::now();
            for _ in 0..n {
                puffin::profile_scope!("my longish scope name");
                black_box(());
            }
            total += start.elapsed();
        }
        puffin::GlobalProfiler::lock().new_frame();
    }
    total
}

fn per_event(c: &mut Criterion) {
    puffin::set_scopes_on(true);
    let (mut rec, consumer) = recorder_with_consumer();
    let mut g = c.benchmark_group("per event");
    g.bench_function("threadlab: clock read + push", |b| {
        b.iter(|| rec.record(black_box(EventKind::TaskStart), black_box(7)))
    });
    g.bench_function("threadlab: push only (record_at)", |b| {
        b.iter(|| rec.record_at(black_box(1), black_box(EventKind::TaskStart), black_box(7)))
    });
    let clock = Clock::start_now();
    g.bench_function("threadlab: clock read only", |b| b.iter(|| clock.now_ns()));
    let (tx_off, _rx_off) = bounded::<RunMessage>(1);
    let mut off = Recorder::new(
        WorkerId::new(0, 0),
        Clock::start_now(),
        EventSink::new(tx_off),
        false,
    );
    g.bench_function("threadlab: recording off", |b| {
        b.iter(|| off.record(black_box(EventKind::TaskStart), black_box(7)))
    });
    g.bench_function("puffin: nested scope (two events)", |b| {
        b.iter_custom(puffin_scopes)
    });
    g.finish();
    drop(rec);
    let _ = consumer.join();
}

/// The spread, in a form criterion does not give: many short samples, each
/// of [`SPREAD_EVENTS`] events (two whole batches of threadlab's, so every
/// sample pays the hand-overs it causes), threadlab's and puffin's taken
/// in turn so the machine's noise falls on both; printed as per-event
/// percentiles.
const SPREAD_EVENTS: u64 = 1024;
const SPREAD_SAMPLES: usize = 4000;

fn spread(_: &mut Criterion) {
    puffin::set_scopes_on(true);
    let (mut rec, consumer) = recorder_with_consumer();
    let mut ours = Vec::with_capacity(SPREAD_SAMPLES);
    let mut theirs = Vec::with_capacity(SPREAD_SAMPLES);
    for round in 0..SPREAD_SAMPLES + 200 {
        let start = Instant::now();
        for _ in 0..SPREAD_EVENTS {
            rec.record(black_box(EventKind::TaskStart), black_box(7));
        }
        let t_ours = start.elapsed();
        let t_theirs = {
            puffin::profile_scope!("outer scope, kept open");
            let start = Instant::now();
            for _ in 0..SPREAD_EVENTS / 2 {
                puffin::profile_scope!("my longish scope name");
                black_box(());
            }
            start.elapsed()
        };
        puffin::GlobalProfiler::lock().new_frame();
        // The first rounds warm caches and the allocator up.
        if round >= 200 {
            ours.push(t_ours.as_nanos() as f64 / SPREAD_EVENTS as f64);
            theirs.push(t_theirs.as_nanos() as f64 / SPREAD_EVENTS as f64);
        }
    }
    drop(rec);
    let _ = consumer.join();
    println!(
        "spread, ns per event ({SPREAD_SAMPLES} samples of {SPREAD_EVENTS} events, taken in turn):"
    );
    println!(
        "  {:<34} {:>6} {:>6} {:>6} {:>7}",
        "", "p50", "p90", "p99", "p99/p50"
    );
    for (name, v) in [
        ("threadlab: clock read + push", &mut ours),
        ("puffin: half a nested scope", &mut theirs),
    ] {
        v.sort_by(f64::total_cmp);
        let p = |q: f64| v[((v.len() - 1) as f64 * q) as usize];
        println!(
            "  {name:<34} {:>6.1} {:>6.1} {:>6.1} {:>7.2}",
            p(0.5),
            p(0.9),
            p(0.99),
            p(0.99) / p(0.5)
        );
    }
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

criterion_group!(benches, per_event, spread, run_with_and_without_recording);
criterion_main!(benches);
