//! The one event type every worker records: small, fixed-size and `Copy`, so
//! recording is a push into a buffer and shipping a batch to another process is
//! a memcpy-sized job.

use serde::{Deserialize, Serialize};

/// Which worker produced an event: the interpreter (process) and the thread in it.
///
/// Process 0 is threadlab's own process; child processes are numbered from 1.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct WorkerId {
    /// 0 for threadlab's own process, 1..=P for child processes.
    pub process: u16,
    /// Thread index inside that process, from 0.
    pub thread: u16,
}

impl WorkerId {
    /// A worker of the given process and thread index.
    pub const fn new(process: u16, thread: u16) -> Self {
        Self { process, thread }
    }

    /// The short OS thread name (Linux keeps 15 bytes), also used as a lane key.
    pub fn thread_name(&self) -> String {
        format!("tl-p{}-t{}", self.process, self.thread)
    }

    /// A label for people: "main · thread 2" or "process 3 · thread 1".
    pub fn label(&self) -> String {
        if self.process == 0 {
            format!("main · thread {}", self.thread)
        } else {
            format!("process {} · thread {}", self.process, self.thread)
        }
    }
}

impl std::fmt::Display for WorkerId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "p{}.t{}", self.process, self.thread)
    }
}

/// What happened. The meaning of [`Event::arg`] depends on the kind and is
/// documented on each variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[repr(u8)]
pub enum EventKind {
    /// The worker thread began; `arg` = nanoseconds from the start request (spawn latency).
    WorkerStart = 0,
    /// The worker thread is about to end normally; `arg` unused.
    WorkerExit = 1,
    /// A task began; `arg` = task id.
    TaskStart = 2,
    /// A task finished; `arg` = task id.
    TaskEnd = 3,
    /// The worker started waiting for its interpreter's GIL.
    GilWait = 4,
    /// The worker now holds the GIL; `arg` = the interpreter's switch number.
    GilAcquire = 5,
    /// The worker gave the GIL up; `arg` = 1 when forced by a drop request.
    GilRelease = 6,
    /// A waiter timed out after one switch interval and asked the holder to drop the GIL.
    GilDropRequest = 7,
    /// The worker started waiting for the lab's lock.
    LockWait = 8,
    /// The worker holds the lock.
    LockAcquire = 9,
    /// The worker released the lock.
    LockRelease = 10,
    /// A blocking wait (I/O) began, GIL released; `arg` = planned wait in µs.
    IoWaitStart = 11,
    /// The blocking wait ended (the GIL is not yet taken back).
    IoWaitEnd = 12,
    /// An item was put on the queue; `arg` = item id.
    QueuePut = 13,
    /// An item was taken from the queue; `arg` = item id.
    QueueGet = 14,
    /// Queue depth after a put or get; `arg` = depth.
    QueueDepth = 15,
    /// The producer found the queue full and blocks; `arg` = item id.
    QueueBlocked = 16,
    /// The producer may put again.
    QueueUnblocked = 17,
    /// The worker reported an item as done (`task_done`); `arg` = item id.
    TaskDone = 18,
    /// The worker was seen on another CPU core; `arg` = core index.
    CoreChange = 19,
    /// The worker was cut off by the main program's exit (daemon); `arg` = task id or `u64::MAX`.
    CutOff = 20,
    /// A shared counter's value as this worker wrote it; `arg` = value.
    CounterWrite = 21,
    /// Native code began running without the GIL (as numpy does).
    NativeStart = 22,
    /// Native code ended.
    NativeEnd = 23,
    /// A stop request reached the worker at a cooperative check.
    StopSeen = 24,
    /// The worker was ready to run but the OS kept it off every core (the
    /// run queue), measured by the worker itself; `arg` unused.
    CoreWaitStart = 25,
    /// The worker is on a core again; `arg` = that core.
    CoreWaitEnd = 26,
}

impl EventKind {
    /// Every kind, in discriminant order.
    pub const ALL: [EventKind; 27] = [
        EventKind::WorkerStart,
        EventKind::WorkerExit,
        EventKind::TaskStart,
        EventKind::TaskEnd,
        EventKind::GilWait,
        EventKind::GilAcquire,
        EventKind::GilRelease,
        EventKind::GilDropRequest,
        EventKind::LockWait,
        EventKind::LockAcquire,
        EventKind::LockRelease,
        EventKind::IoWaitStart,
        EventKind::IoWaitEnd,
        EventKind::QueuePut,
        EventKind::QueueGet,
        EventKind::QueueDepth,
        EventKind::QueueBlocked,
        EventKind::QueueUnblocked,
        EventKind::TaskDone,
        EventKind::CoreChange,
        EventKind::CutOff,
        EventKind::CounterWrite,
        EventKind::NativeStart,
        EventKind::NativeEnd,
        EventKind::StopSeen,
        EventKind::CoreWaitStart,
        EventKind::CoreWaitEnd,
    ];

    /// The kind with this discriminant, for decoding.
    pub fn from_u8(v: u8) -> Option<Self> {
        Self::ALL.get(v as usize).copied()
    }

    /// A stable snake_case name, used in exports.
    pub fn name(self) -> &'static str {
        match self {
            EventKind::WorkerStart => "worker_start",
            EventKind::WorkerExit => "worker_exit",
            EventKind::TaskStart => "task_start",
            EventKind::TaskEnd => "task_end",
            EventKind::GilWait => "gil_wait",
            EventKind::GilAcquire => "gil_acquire",
            EventKind::GilRelease => "gil_release",
            EventKind::GilDropRequest => "gil_drop_request",
            EventKind::LockWait => "lock_wait",
            EventKind::LockAcquire => "lock_acquire",
            EventKind::LockRelease => "lock_release",
            EventKind::IoWaitStart => "io_wait_start",
            EventKind::IoWaitEnd => "io_wait_end",
            EventKind::QueuePut => "queue_put",
            EventKind::QueueGet => "queue_get",
            EventKind::QueueDepth => "queue_depth",
            EventKind::QueueBlocked => "queue_blocked",
            EventKind::QueueUnblocked => "queue_unblocked",
            EventKind::TaskDone => "task_done",
            EventKind::CoreChange => "core_change",
            EventKind::CutOff => "cut_off",
            EventKind::CounterWrite => "counter_write",
            EventKind::NativeStart => "native_start",
            EventKind::NativeEnd => "native_end",
            EventKind::StopSeen => "stop_seen",
            EventKind::CoreWaitStart => "core_wait_start",
            EventKind::CoreWaitEnd => "core_wait_end",
        }
    }
}

/// One recorded event: 24 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Nanoseconds since the run's epoch, on the run's shared clock.
    pub t_ns: u64,
    /// Kind-specific argument; see [`EventKind`].
    pub arg: u64,
    /// Who recorded it.
    pub worker: WorkerId,
    /// What happened.
    pub kind: EventKind,
}

impl Event {
    /// An event at `t_ns`.
    pub const fn new(t_ns: u64, worker: WorkerId, kind: EventKind, arg: u64) -> Self {
        Self {
            t_ns,
            arg,
            worker,
            kind,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_is_small() {
        assert!(std::mem::size_of::<Event>() <= 24);
    }

    #[test]
    fn kinds_round_trip_through_u8() {
        for (i, kind) in EventKind::ALL.iter().enumerate() {
            assert_eq!(*kind as u8 as usize, i);
            assert_eq!(EventKind::from_u8(i as u8), Some(*kind));
        }
        assert_eq!(EventKind::from_u8(EventKind::ALL.len() as u8), None);
    }
}
