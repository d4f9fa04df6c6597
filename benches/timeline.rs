//! CPU time to lay out and tessellate one frame of the timeline and the cores
//! view, with 10 k, 1 M and 10 M events recorded. The level-of-detail walk
//! makes the cost follow the pixels on screen, so the three should cost
//! about the same.

use criterion::{BenchmarkId, Criterion, criterion_group};
use egui::{CentralPanel, Context, Pos2, RawInput, Rect, vec2};
use std::hint::black_box;
use threadlab::gui::run_state::RunData;
use threadlab::gui::timeline::{TimeView, cores_ui, timeline_ui};
use threadlab::model::{CoreSample, Event, EventKind, RunMessage, Scenario, WorkerId};

/// Every synthetic run lasts this long, whatever its number of events.
const RUN_NS: u64 = 10_000_000_000;
const THREADS: u16 = 8;
const CORES: u64 = 4;

/// A run of `events` events: eight threads taking turns on one GIL, tasks
/// every few turns, workers moving between cores now and then.
fn synthetic(events: usize) -> RunData {
    let mut data = RunData::new(Scenario {
        threads: u32::from(THREADS),
        ..Scenario::default()
    });
    // Per turn: holder acquires and releases, then waits again: 3 events, plus a few extra.
    let turns = (events / 3).max(1) as u64;
    let turn_ns = (RUN_NS / turns).max(2);
    let mut batches: Vec<Vec<Event>> = vec![Vec::new(); usize::from(THREADS)];
    let mut count = 0usize;
    let mut push = |batches: &mut Vec<Vec<Event>>,
                    data: &mut RunData,
                    t: u64,
                    th: u16,
                    kind: EventKind,
                    arg: u64| {
        let b = &mut batches[usize::from(th)];
        b.push(Event::new(t, WorkerId::new(0, th), kind, arg));
        count += 1;
        if b.len() >= 512 {
            data.apply(RunMessage::Events(std::mem::take(b)));
        }
    };
    for th in 0..THREADS {
        push(&mut batches, &mut data, 0, th, EventKind::WorkerStart, 0);
        push(
            &mut batches,
            &mut data,
            0,
            th,
            EventKind::CoreChange,
            u64::from(th) % CORES,
        );
        push(
            &mut batches,
            &mut data,
            0,
            th,
            EventKind::TaskStart,
            u64::from(th),
        );
        push(&mut batches, &mut data, 0, th, EventKind::GilWait, 0);
    }
    for k in 0..turns {
        let th = (k % u64::from(THREADS)) as u16;
        let t = k * turn_ns;
        push(&mut batches, &mut data, t, th, EventKind::GilAcquire, k + 1);
        if k % 64 == 7 {
            push(
                &mut batches,
                &mut data,
                t + 1,
                th,
                EventKind::CoreChange,
                (k / 64) % CORES,
            );
        }
        push(
            &mut batches,
            &mut data,
            t + turn_ns - 1,
            th,
            EventKind::GilRelease,
            1,
        );
        push(
            &mut batches,
            &mut data,
            t + turn_ns - 1,
            th,
            EventKind::GilWait,
            0,
        );
    }
    for b in batches {
        data.apply(RunMessage::Events(b));
    }
    for i in 0..=RUN_NS / 250_000_000 {
        data.apply(RunMessage::Cores(CoreSample {
            t_ns: i * 250_000_000,
            usage: (0..CORES).map(|c| 20.0 + (c as f32) * 15.0).collect(),
            ..Default::default()
        }));
    }
    assert!(count >= events, "{count} < {events}");
    data
}

/// One frame at 1280×720: lay out the timeline and the cores view, then
/// tessellate what they painted.
fn frame(ctx: &Context, data: &RunData, view: &mut TimeView) -> usize {
    let input = RawInput {
        screen_rect: Some(Rect::from_min_size(Pos2::ZERO, vec2(1280.0, 720.0))),
        ..RawInput::default()
    };
    let output = ctx.run_ui(input, |ui| {
        CentralPanel::default().show(ui, |ui| {
            ui.allocate_ui(vec2(ui.available_width(), 440.0), |ui| {
                timeline_ui(ui, &data.timeline, view, data.horizon_ns())
            });
            cores_ui(ui, data, view, ui.available_height());
        });
    });
    ctx.tessellate(output.shapes, output.pixels_per_point).len()
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("timeline_frame");
    group.sample_size(30);
    for (name, events) in [("10k", 10_000), ("1M", 1_000_000), ("10M", 10_000_000)] {
        let data = synthetic(events);
        let ctx = Context::default();
        let mut view = TimeView::default();
        frame(&ctx, &data, &mut view);
        group.bench_with_input(BenchmarkId::new("fit", name), &data, |b, data| {
            b.iter(|| black_box(frame(&ctx, data, &mut view)));
        });
        let mut zoomed = TimeView::default();
        zoomed.show_range(RUN_NS as f64 * 0.5, RUN_NS as f64 * 0.5 + 50_000_000.0);
        group.bench_with_input(BenchmarkId::new("zoomed_50ms", name), &data, |b, data| {
            b.iter(|| black_box(frame(&ctx, data, &mut zoomed)));
        });
    }
    group.finish();
}

/// Frames each view runs under `THREADLAB_FRAMES`, after one to warm up.
const COUNTED_FRAMES: usize = 20;

/// Frames of one size, for an instruction count that does not depend on the
/// machine's load: `THREADLAB_FRAMES=10M valgrind --tool=callgrind
/// --collect-atstart=no --toggle-collect='timeline::counted' <bench binary>`,
/// then `callgrind_annotate --inclusive=yes --auto=yes`: the cost under each
/// of the two calls of `counted` here (fit, then zoomed) divided by
/// [`COUNTED_FRAMES`] is one frame.
fn count_frames(size: &str) {
    let events = match size {
        "10k" => 10_000,
        "1M" => 1_000_000,
        "10M" => 10_000_000,
        other => panic!("THREADLAB_FRAMES={other}: expected 10k, 1M or 10M"),
    };
    let data = synthetic(events);
    let ctx = Context::default();
    let mut fit = TimeView::default();
    let mut zoomed = TimeView::default();
    zoomed.show_range(RUN_NS as f64 * 0.5, RUN_NS as f64 * 0.5 + 50_000_000.0);
    frame(&ctx, &data, &mut fit);
    frame(&ctx, &data, &mut zoomed);
    black_box(counted(&ctx, &data, &mut fit));
    black_box(counted(&ctx, &data, &mut zoomed));
}

#[inline(never)]
fn counted(ctx: &Context, data: &RunData, view: &mut TimeView) -> usize {
    (0..COUNTED_FRAMES).map(|_| frame(ctx, data, view)).sum()
}

criterion_group!(benches, bench);

fn main() {
    match std::env::var("THREADLAB_FRAMES") {
        Ok(size) => count_frames(&size),
        Err(_) => {
            benches();
            Criterion::default().configure_from_args().final_summary();
        }
    }
}
