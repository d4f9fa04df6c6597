//! What the machine gives right now: how busy other programs keep it, and
//! whether two threads really run in parallel. A shared VM sometimes gives
//! less than its cores, and timing tests must tell that apart from a fault.

#![allow(dead_code)]

use std::time::Instant;
use threadlab::engine::workload::sum_squares;

/// What two plain threads gain over one on this machine right now, on the
/// engine's own kernel (about 0.1 s of work): the parallelism a shared VM is
/// giving at this moment, against which the engine's own speedups are judged.
pub fn machine_speedup() -> f64 {
    const N: u64 = 800_000;
    let t = Instant::now();
    std::hint::black_box(sum_squares(0..2 * N));
    let one = t.elapsed();
    let t = Instant::now();
    std::thread::scope(|s| {
        let a = s.spawn(|| std::hint::black_box(sum_squares(0..N)));
        std::hint::black_box(sum_squares(N..2 * N));
        a.join().expect("plain thread");
    });
    one.as_secs_f64() / t.elapsed().as_secs_f64()
}

/// Machine-wide busy CPU time so far, ms (Linux: /proc/stat).
pub fn machine_busy_ms() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/stat") else {
        return 0.0;
    };
    let Some(line) = stat.lines().find(|l| l.starts_with("cpu ")) else {
        return 0.0;
    };
    // user nice system idle iowait irq softirq steal ...
    let v: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .filter_map(|x| x.parse().ok())
        .collect();
    let busy: u64 = [0, 1, 2, 5, 6, 7].iter().filter_map(|&i| v.get(i)).sum();
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    busy as f64 * 1000.0 / hz
}

/// How many cores other programs kept busy, on average, while a run of
/// `wall_ms` that itself used `own_cpu_ms` went on; `busy_before_ms` is
/// [`machine_busy_ms`] read just before the run.
pub fn others_cores(busy_before_ms: f64, own_cpu_ms: f64, wall_ms: f64) -> f64 {
    let others = machine_busy_ms() - busy_before_ms - own_cpu_ms;
    (others / wall_ms.max(1.0)).max(0.0)
}
