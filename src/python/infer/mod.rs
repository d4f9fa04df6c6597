//! From the probe's records to threadlab's events: who ran and who waited,
//! and on a build with a GIL, who held it. Inferred, not seen: CPython
//! tells nobody when its GIL changes hands, so this reads it from the
//! checkpoints the probe takes every few thousand iterations, each with the
//! thread's wall clock and CPU clock.
//!
//! Between two records of a thread that was running Python code, the wall
//! time that passed and the CPU time it got should match. When the wall
//! time exceeds the CPU time by more than [`GAP_MIN_NS`], the thread was
//! off the CPU for the difference; in an interpreter with a GIL and other
//! threads, that is a wait for the GIL. Where inside the stretch the wait
//! fell is not known: it is put in its middle, so each edge is off by at
//! most half a checkpoint interval, and the interval is said on screen
//! ("inferred from checkpoints every ~N µs"). Blocking calls (a sleep, a
//! lock, a queue's `put` and `get`) are recorded on both sides by the
//! program itself; around them the GIL is let go and taken back, as CPython
//! does. A wait that ended before its thread ran again (the sleep was over,
//! the GIL was not free yet) is a wait for the GIL.
//!
//! The records become the model's own [`EventKind`]s, so the timeline, the
//! counters and the exports draw a real run with the same code as a
//! modelled one.

use super::records::{LaneRecord, Record};
use crate::model::{Event, EventKind, WorkerId};
use std::collections::BTreeMap;

/// Time off the CPU in one stretch from which on it is called a wait.
pub const GAP_MIN_NS: i64 = 50_000;
/// Records are turned into events this long after the newest one read, in
/// time order across the lanes of a process. A thread writes its records
/// at least every 15 ms while it runs, but one that waits for the GIL holds
/// its last ones until it runs again: by then the stretches of the threads
/// that ran meanwhile are known, and a thread off the CPU while no other
/// ran was put off by the OS, not by the GIL.
pub const LAG_NS: i64 = 100_000_000;
/// How long the running stretches of a process are kept for that question.
const KEEP_RUNNING_NS: i64 = 2_000_000_000;
/// A lock or queue call that took longer than this blocked.
pub const BLOCKED_MIN_NS: i64 = 20_000;
/// A sleep ends this late by itself (the OS's timer slack is 50 µs, and a
/// wake-up takes a little more); a thread that ran again later than this
/// after its sleep was over waited for the GIL.
pub const WAKE_SLACK_NS: i64 = 200_000;

#[derive(Clone, Copy, Debug)]
enum Wait {
    Io { start: i64, planned_ns: i64 },
    Lock { start: i64 },
    Put { start: i64, item: u64 },
    Get { start: i64 },
}

#[derive(Clone, Debug, Default)]
struct Lane {
    ended: bool,
    started: bool,
    last_t: i64,
    last_cpu: u64,
    holds: bool,
    /// The switch number of this lane's last acquisition.
    switch: u64,
    wait: Option<Wait>,
    last_was_checkpoint: bool,
}

/// What every lane of one process measured, for the summary.
#[derive(Clone, Debug, Default)]
pub struct LaneTally {
    /// From `Thread.start()` (or `Process.start()`) to its first record, ns.
    pub spawn_ns: u64,
    /// CPU time of the thread at its last record, ns.
    pub cpu_ns: u64,
    /// Tasks it ended.
    pub tasks_done: u64,
    /// Inferred time waiting for the GIL, ns.
    pub gil_wait_ns: u64,
    /// Inferred time ready but on no core (off the CPU while holding its
    /// GIL or needing none), ns.
    pub core_wait_ns: u64,
    /// Inferred GIL acquisitions after a wait (hand-overs to it).
    pub handovers: u64,
    /// Whether the end of the program cut it off, and in which task.
    pub cut_off: Option<u64>,
}

#[derive(Clone, Debug, Default)]
struct Process {
    gil: bool,
    lanes: BTreeMap<u16, Lane>,
    switch: u64,
    /// Records read and not yet turned into events (see [`LAG_NS`]).
    pending: Vec<LaneRecord>,
    /// Recent stretches in which a lane ran Python code: (lane, from, to).
    running: std::collections::VecDeque<(u16, i64, i64)>,
}

/// Whether a lane other than `lane` held the GIL for a while during
/// `from..to`, as far as `running` (its recent stretches) knows.
fn p_running_other(
    running: &std::collections::VecDeque<(u16, i64, i64)>,
    lane: u16,
    from: i64,
    to: i64,
) -> bool {
    running
        .iter()
        .any(|&(l, a, b)| l != lane && a.max(from) + GAP_MIN_NS / 2 < b.min(to))
}

/// Everything read so far, and what it added up to.
#[derive(Clone, Debug, Default)]
pub struct Inference {
    /// Program time zero on threadlab's run clock: the main process's
    /// `probe.begin()`, once read.
    pub start_ns: Option<i64>,
    /// When the program said its work was over.
    pub finish_ns: Option<i64>,
    processes: BTreeMap<u16, Process>,
    /// Per worker, what it measured.
    pub tallies: BTreeMap<WorkerId, LaneTally>,
    /// The program's own numbers (`probe.end(wall_ms=...)`).
    pub results: BTreeMap<String, f64>,
    /// Wall time between two checkpoints of a running thread, ns.
    pub checkpoint_gaps: Vec<i64>,
    /// Items put on the queue, taken from it, the deepest it was.
    pub queue: QueueTally,
    /// Records the probe had to drop (a file over its limit).
    pub probe_dropped: u64,
    /// Children the program killed: (process, when).
    kills: Vec<(u16, i64)>,
    /// Processes that said their work was over.
    finished: std::collections::BTreeSet<u16>,
    /// Whether a process reported a GIL.
    pub gil: Option<bool>,
    /// The newest record time read, ns.
    newest_ns: i64,
    /// Records read.
    pub records: u64,
    /// From the end of each sleep to running again, ns (threads with a GIL).
    pub wake_delays_ns: Vec<u64>,
    /// Time lanes blocked on a lock, ns.
    pub lock_wait_ns: u64,
}

/// The queue as the probe saw it.
#[derive(Clone, Copy, Debug, Default)]
pub struct QueueTally {
    /// Items put.
    pub puts: u64,
    /// Items taken.
    pub gets: u64,
    /// Deepest depth after a put or get.
    pub max_depth: u64,
    /// Time producers blocked on a full queue, ns.
    pub blocked_ns: u64,
}

/// The lane takes the GIL at `t` (ns of program time). After a wait it is a
/// hand-over, with a switch number of its own; taking it back when nobody
/// else could have had it keeps the lane's last number, as CPython's switch
/// number stays when the holder does not change.
#[allow(clippy::too_many_arguments)]
fn take(
    gil: bool,
    switch: &mut u64,
    lane: &mut Lane,
    tally: &mut LaneTally,
    out: &mut Vec<Event>,
    t: u64,
    id: WorkerId,
    waited: bool,
) {
    if !gil || lane.holds {
        return;
    }
    if waited || lane.switch == 0 {
        *switch += 1;
        lane.switch = *switch;
        if *switch > 1 {
            tally.handovers += 1;
        }
    }
    out.push(Event::new(t, id, EventKind::GilAcquire, lane.switch));
    lane.holds = true;
}

impl Inference {
    /// The events of one process's new records (in file order), on program
    /// time. Records of lanes are handled in their time order.
    pub fn feed(&mut self, process: u16, records: Vec<Record>) -> Vec<Event> {
        let mut out = Vec::new();
        let mut lanes: Vec<LaneRecord> = Vec::new();
        for r in records {
            self.records += 1;
            match r {
                Record::Header { gil, .. } => {
                    self.processes.entry(process).or_default().gil = gil;
                    self.gil = Some(self.gil.unwrap_or(true) && gil);
                }
                Record::Mark { kind, t_ns, arg } => match kind {
                    b'S' if process == 0 => self.start_ns = self.start_ns.or(Some(t_ns)),
                    b'F' => {
                        self.probe_dropped += arg;
                        self.finished.insert(process);
                        if process == 0 {
                            self.finish_ns = Some(t_ns);
                        }
                    }
                    b'k' => self.kills.push((arg as u16, t_ns)),
                    _ => {}
                },
                Record::Result { key, value } => {
                    self.results.insert(key, value);
                }
                Record::Lane(l) => lanes.push(l),
            }
        }
        let p = self.processes.entry(process).or_default();
        if let Some(newest) = lanes.iter().map(|l| l.t_ns).max() {
            self.newest_ns = self.newest_ns.max(newest);
        }
        p.pending.extend(lanes);
        self.drain(self.newest_ns - LAG_NS, &mut out);
        out
    }

    /// Turns the pending records older than `before` into events, in time
    /// order within each process.
    fn drain(&mut self, before: i64, out: &mut Vec<Event>) {
        let ready: Vec<(u16, Vec<LaneRecord>)> = self
            .processes
            .iter_mut()
            .map(|(&process, p)| {
                p.pending.sort_by_key(|l| l.t_ns);
                let n = p.pending.partition_point(|l| l.t_ns < before);
                (process, p.pending.drain(..n).collect())
            })
            .collect();
        for (process, records) in ready {
            for l in records {
                self.lane_record(process, l, out);
            }
        }
    }

    fn shifted(&self, t: i64) -> u64 {
        (t - self.start_ns.unwrap_or(0)).max(0) as u64
    }

    fn lane_record(&mut self, process: u16, r: LaneRecord, out: &mut Vec<Event>) {
        let id = WorkerId::new(process, r.thread);
        let start = self.start_ns.unwrap_or(0);
        let at = |t: i64| (t - start).max(0) as u64;
        let p = self.processes.entry(process).or_default();
        let gil = p.gil;
        let lane = p.lanes.entry(r.thread).or_default();
        let tally = self.tallies.entry(id).or_default();
        if lane.ended {
            return;
        }
        // Records of one lane come in time order; a late one is moved up.
        let t = r.t_ns.max(lane.last_t);
        let ev = |out: &mut Vec<Event>, t: i64, kind: EventKind, arg: u64| {
            out.push(Event::new(at(t), id, kind, arg));
        };
        // A stretch of Python code since the last record: was it all on the CPU?
        if lane.started && lane.wait.is_none() && lane.holds && r.kind != b'K' {
            let wall = t - lane.last_t;
            let cpu = r.cpu_ns.saturating_sub(lane.last_cpu) as i64;
            let off = wall - cpu;
            let released = lane.last_t + cpu / 2;
            let taken = t - cpu / 2;
            // Off the CPU while another thread held the GIL: waiting for it.
            let waited =
                off > GAP_MIN_NS && gil && p_running_other(&p.running, r.thread, released, taken);
            if waited {
                ev(out, released, EventKind::GilRelease, 1);
                ev(out, released, EventKind::GilWait, 0);
                lane.holds = false;
                tally.gil_wait_ns += (taken - released) as u64;
                take(gil, &mut p.switch, lane, tally, out, at(taken), id, true);
                p.running.push_back((r.thread, lane.last_t, released));
                p.running.push_back((r.thread, taken, t));
            } else {
                // It held the GIL all along (off the CPU, if at all, by the
                // OS's choice): nobody else could run Python meanwhile. A
                // stretch of Python code off the CPU that long was the OS's
                // run queue: drawn as waiting for a core, as the model's
                // workers measure it (the probe cannot tell which core).
                if off > GAP_MIN_NS {
                    ev(out, released, EventKind::CoreWaitStart, 0);
                    ev(out, taken, EventKind::CoreWaitEnd, u64::MAX);
                    tally.core_wait_ns += (taken - released) as u64;
                }
                p.running.push_back((r.thread, lane.last_t, t));
                if r.kind == b'C' && lane.last_was_checkpoint && off <= GAP_MIN_NS {
                    self.checkpoint_gaps.push(wall);
                }
            }
            while p
                .running
                .front()
                .is_some_and(|&(_, _, end)| end < t - KEEP_RUNNING_NS)
            {
                p.running.pop_front();
            }
        }
        lane.last_was_checkpoint = r.kind == b'C';
        match r.kind {
            b'W' => {
                lane.started = true;
                tally.spawn_ns = r.arg;
                ev(out, t, EventKind::WorkerStart, r.arg);
                take(gil, &mut p.switch, lane, tally, out, at(t), id, false);
            }
            b'X' => {
                if lane.holds {
                    ev(out, t, EventKind::GilRelease, 0);
                }
                ev(out, t, EventKind::WorkerExit, 0);
                lane.ended = true;
            }
            b'K' => {
                if lane.holds {
                    ev(out, t, EventKind::GilRelease, 0);
                }
                ev(out, t, EventKind::CutOff, r.arg);
                tally.cut_off = Some(r.arg);
                lane.ended = true;
            }
            b'T' => ev(out, t, EventKind::TaskStart, r.arg),
            b'E' => {
                ev(out, t, EventKind::TaskEnd, r.arg);
                tally.tasks_done += 1;
            }
            b'I' => {
                ev(out, t, EventKind::IoWaitStart, r.arg);
                if lane.holds {
                    ev(out, t, EventKind::GilRelease, 0);
                    lane.holds = false;
                }
                lane.wait = Some(Wait::Io {
                    start: t,
                    planned_ns: (r.arg as i64).saturating_mul(1000),
                });
            }
            b'J' => {
                let (woke, late) = match lane.wait.take() {
                    Some(Wait::Io { start, planned_ns }) => {
                        let woke = (start + planned_ns).min(t);
                        (woke, t - woke > WAKE_SLACK_NS)
                    }
                    _ => (t, false),
                };
                ev(out, woke, EventKind::IoWaitEnd, 0);
                if gil {
                    self.wake_delays_ns.push((t - woke) as u64);
                }
                let late = late && p_running_other(&p.running, r.thread, woke, t);
                if gil && late {
                    ev(out, woke, EventKind::GilWait, 0);
                    tally.gil_wait_ns += (t - woke) as u64;
                }
                take(gil, &mut p.switch, lane, tally, out, at(t), id, late);
            }
            b'L' => lane.wait = Some(Wait::Lock { start: t }),
            b'A' => {
                if let Some(Wait::Lock { start }) = lane.wait.take()
                    && t - start > BLOCKED_MIN_NS
                {
                    ev(out, start, EventKind::LockWait, 0);
                    self.lock_wait_ns += (t - start) as u64;
                    if lane.holds {
                        ev(out, start, EventKind::GilRelease, 0);
                        lane.holds = false;
                    }
                    ev(out, t, EventKind::LockAcquire, 0);
                    take(gil, &mut p.switch, lane, tally, out, at(t), id, true);
                } else {
                    ev(out, t, EventKind::LockAcquire, 0);
                }
            }
            b'R' => ev(out, t, EventKind::LockRelease, 0),
            b'B' => {
                lane.wait = Some(Wait::Put {
                    start: t,
                    item: r.arg,
                })
            }
            b'P' => {
                if let Some(Wait::Put { start, item }) = lane.wait.take()
                    && t - start > BLOCKED_MIN_NS
                {
                    ev(out, start, EventKind::QueueBlocked, item);
                    if lane.holds {
                        ev(out, start, EventKind::GilRelease, 0);
                        lane.holds = false;
                    }
                    ev(out, t, EventKind::QueueUnblocked, item);
                    self.queue.blocked_ns += (t - start) as u64;
                    take(gil, &mut p.switch, lane, tally, out, at(t), id, true);
                }
                ev(out, t, EventKind::QueuePut, r.arg);
                ev(out, t, EventKind::QueueDepth, r.arg2);
                self.queue.puts += 1;
                self.queue.max_depth = self.queue.max_depth.max(r.arg2);
            }
            b'Q' => lane.wait = Some(Wait::Get { start: t }),
            b'G' => {
                if let Some(Wait::Get { start }) = lane.wait.take()
                    && t - start > BLOCKED_MIN_NS
                    && lane.holds
                {
                    // Waiting in get() for an item: idle, the GIL let go.
                    ev(out, start, EventKind::GilRelease, 0);
                    lane.holds = false;
                    take(gil, &mut p.switch, lane, tally, out, at(t), id, true);
                }
                ev(out, t, EventKind::QueueGet, r.arg);
                ev(out, t, EventKind::QueueDepth, r.arg2);
                self.queue.gets += 1;
                self.queue.max_depth = self.queue.max_depth.max(r.arg2);
            }
            b'D' => ev(out, t, EventKind::TaskDone, r.arg),
            b'V' => ev(out, t, EventKind::CounterWrite, r.arg),
            _ => {}
        }
        lane.last_t = t;
        if r.kind != b'K' {
            lane.last_cpu = r.cpu_ns;
            tally.cpu_ns = r.cpu_ns;
        }
    }

    /// Closes the lanes the run left open: a process killed (by the program
    /// or by Stop) or a program that died ends its lanes where they were.
    pub fn finish(&mut self) -> Vec<Event> {
        let mut out = Vec::new();
        self.drain(i64::MAX, &mut out);
        let kills: BTreeMap<u16, i64> = self.kills.iter().copied().collect();
        let start = self.start_ns.unwrap_or(0);
        for (&process, p) in &mut self.processes {
            for (&thread, lane) in &mut p.lanes {
                if lane.ended || !lane.started {
                    continue;
                }
                let t = kills
                    .get(&process)
                    .copied()
                    .unwrap_or(lane.last_t)
                    .max(lane.last_t);
                let at = (t - start).max(0) as u64;
                let id = WorkerId::new(process, thread);
                if lane.holds {
                    out.push(Event::new(at, id, EventKind::GilRelease, 0));
                }
                out.push(Event::new(at, id, EventKind::WorkerExit, 0));
                lane.ended = true;
            }
        }
        out
    }

    /// The median wall time between two checkpoints of a running thread, µs.
    pub fn checkpoint_us(&self) -> Option<f64> {
        if self.checkpoint_gaps.is_empty() {
            return None;
        }
        let mut v = self.checkpoint_gaps.clone();
        v.sort_unstable();
        Some(v[v.len() / 2] as f64 / 1e3)
    }

    /// Time since program start of `t`, ns (for marks).
    pub fn program_time(&self, t: i64) -> u64 {
        self.shifted(t)
    }

    /// Whether process `p` said its work was over.
    pub fn finished(&self, p: u16) -> bool {
        self.finished.contains(&p)
    }

    /// Whether the program killed its process `p` itself.
    pub fn was_killed(&self, p: u16) -> bool {
        self.kills.iter().any(|(k, _)| *k == p)
    }

    /// The kills the program made, by process.
    pub fn killed(&self) -> impl Iterator<Item = u16> + '_ {
        self.kills.iter().map(|(p, _)| *p)
    }
}

#[cfg(test)]
mod tests;
