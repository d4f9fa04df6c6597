//! One worker's events turned into lanes: what state it was in when, when it
//! held its interpreter's GIL or the lab's lock, and on which core it ran.
//!
//! A worker's events arrive in its own time order, so every lane here only
//! ever grows at its end; the last, still open span of each lane is kept
//! aside and drawn up to the run's horizon while the run goes on.

use super::lanes::{Lane, Span};
use crate::model::{Event, EventKind, WorkerId};
use std::collections::BTreeMap;

/// What a worker was doing, as the timeline colours it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum State {
    /// Running Python code: holding the GIL (or alive without one).
    Running = 0,
    /// Waiting to take its interpreter's GIL.
    GilWait = 1,
    /// Blocked on the lab's lock or on a full queue.
    LockWait = 2,
    /// In a blocking wait (I/O), GIL released.
    IoWait = 3,
    /// Running native code that released the GIL.
    Native = 4,
    /// Alive, but neither running nor waiting for anything recorded.
    Idle = 5,
    /// Ready to run (holding the GIL, or needing none) but kept off every
    /// core by the OS: more runnable threads than cores. Measured by the
    /// worker itself (`engine::core_watch`).
    CoreWait = 6,
    /// Asked for but not begun: from the moment the run asked for the
    /// thread or process to the worker's first event. Measured: the worker
    /// records its start with the time since that request.
    Starting = 7,
}

impl State {
    /// Every state, in legend order.
    pub const ALL: [State; 8] = [
        State::Starting,
        State::Running,
        State::CoreWait,
        State::GilWait,
        State::LockWait,
        State::IoWait,
        State::Native,
        State::Idle,
    ];

    /// Index into per-state tables (`0..8`).
    pub fn index(self) -> usize {
        self as usize
    }

    /// A few words for legends and tooltips.
    pub fn label(self) -> &'static str {
        match self {
            State::Running => "running (holds the GIL)",
            State::GilWait => "waiting for the GIL",
            State::LockWait => "waiting for a lock",
            State::IoWait => "waiting on I/O",
            State::Native => "native code, no GIL",
            State::Idle => "idle",
            State::CoreWait => "ready, waiting for a core",
            State::Starting => "starting (asked for, not yet running)",
        }
    }

    /// Whether the worker uses a CPU core in this state.
    pub fn is_executing(self) -> bool {
        matches!(self, State::Running | State::Native)
    }
}

/// No task: the worker was between tasks.
pub const NO_TASK: u32 = u32::MAX;

/// A stretch of one state on a worker's lane.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StateSpan {
    /// Start, ns.
    pub start_ns: u64,
    /// End, ns.
    pub end_ns: u64,
    /// The task in progress, or [`NO_TASK`].
    pub task: u32,
    /// The state.
    pub state: State,
}

impl StateSpan {
    /// The task in progress, if any.
    pub fn task(&self) -> Option<u32> {
        (self.task != NO_TASK).then_some(self.task)
    }
}

impl Span for StateSpan {
    fn start_ns(&self) -> u64 {
        self.start_ns
    }
    fn end_ns(&self) -> u64 {
        self.end_ns
    }
    fn category(&self) -> usize {
        self.state.index()
    }
}

/// A task (or queue item) from its start to its end, whatever states the
/// worker went through meanwhile: what its label spans.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TaskSpan {
    /// Start, ns.
    pub start_ns: u64,
    /// End, ns.
    pub end_ns: u64,
    /// Which task.
    pub task: u32,
}

impl Span for TaskSpan {
    fn start_ns(&self) -> u64 {
        self.start_ns
    }
    fn end_ns(&self) -> u64 {
        self.end_ns
    }
    fn category(&self) -> usize {
        0
    }
}

/// A stretch during which a worker held something: the GIL, the lock, a core.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HoldSpan {
    /// Start, ns.
    pub start_ns: u64,
    /// End, ns.
    pub end_ns: u64,
    /// Who held it.
    pub worker: WorkerId,
    /// Whether it came from another worker (a hand-over).
    pub handover: bool,
    /// Whether the holder was off every core meanwhile (the OS preempted
    /// it): it held the GIL but did not run, and nobody else could.
    pub off_core: bool,
}

impl Span for HoldSpan {
    fn start_ns(&self) -> u64 {
        self.start_ns
    }
    fn end_ns(&self) -> u64 {
        self.end_ns
    }
    fn category(&self) -> usize {
        usize::from(self.off_core)
    }
}

/// What one worker recorded, as lanes.
#[derive(Clone, Debug)]
pub struct Track {
    /// Which worker.
    pub id: WorkerId,
    /// Its states, closed spans only.
    pub states: Lane<StateSpan>,
    /// Its tasks, each from its start to its end, closed ones only.
    pub tasks: Lane<TaskSpan>,
    /// Its holds of the interpreter's GIL.
    pub gil: Lane<HoldSpan>,
    /// Its holds of the lab's lock.
    pub lock: Lane<HoldSpan>,
    /// Where it executed: per core, the spans it ran there.
    pub cores: BTreeMap<u32, Lane<HoldSpan>>,
    /// When it was cut off by the main program's exit (daemon), ns.
    pub cut_off_ns: Option<u64>,
    /// Tasks it finished.
    pub tasks_done: u64,
    /// GIL hand-overs to this worker.
    pub gil_handovers: u64,
    /// Drop requests this worker made while waiting.
    pub gil_drop_requests: u64,
    gil_mode: bool,
    flags: Flags,
    task: u32,
    core: Option<u32>,
    last_switch: Option<u64>,
    open_state: Option<StateSpan>,
    open_task: Option<TaskSpan>,
    open_gil: Option<HoldSpan>,
    open_lock: Option<HoldSpan>,
    open_core: Option<(u32, HoldSpan)>,
    gil_wait_closed_ns: u64,
    /// The timeline's detail is full: lanes only summarise what closes.
    summarising: bool,
}

#[derive(Clone, Copy, Debug, Default)]
struct Flags {
    alive: bool,
    holds_gil: bool,
    gil_wait: bool,
    lock_wait: bool,
    queue_blocked: bool,
    io: bool,
    native: bool,
    lock_waited: bool,
    core_wait: bool,
}

impl Track {
    /// An empty track; `gil_mode` says whether its interpreter has a GIL.
    pub fn new(id: WorkerId, gil_mode: bool) -> Self {
        Self {
            id,
            states: Lane::default(),
            tasks: Lane::default(),
            gil: Lane::default(),
            lock: Lane::default(),
            cores: BTreeMap::new(),
            cut_off_ns: None,
            tasks_done: 0,
            gil_handovers: 0,
            gil_drop_requests: 0,
            gil_mode,
            flags: Flags::default(),
            task: NO_TASK,
            core: None,
            last_switch: None,
            open_state: None,
            open_task: None,
            open_gil: None,
            open_lock: None,
            open_core: None,
            gil_wait_closed_ns: 0,
            summarising: false,
        }
    }

    /// From now on, every lane of this worker keeps only per-block summaries
    /// of what closes (the timeline's detail is full); its counters go on
    /// counting every event.
    pub fn summarise_from_now(&mut self) {
        self.summarising = true;
        self.states.summarise_from_now();
        self.tasks.summarise_from_now();
        self.gil.summarise_from_now();
        self.lock.summarise_from_now();
        self.cores.values_mut().for_each(Lane::summarise_from_now);
    }

    /// Applies one of this worker's events (in the worker's time order).
    pub fn apply(&mut self, e: &Event) {
        let t = e.t_ns;
        let f = &mut self.flags;
        match e.kind {
            EventKind::WorkerStart => {
                f.alive = true;
                // Its start carries the time since the run asked for it:
                // that wait is drawn before its first state.
                if self.states.is_empty() && self.open_state.is_none() {
                    let asked = StateSpan {
                        start_ns: t.saturating_sub(e.arg),
                        end_ns: t,
                        task: NO_TASK,
                        state: State::Starting,
                    };
                    close(&mut self.states, Some(asked), t);
                }
            }
            EventKind::WorkerExit => *f = Flags::default(),
            EventKind::CutOff => {
                *f = Flags::default();
                self.cut_off_ns = Some(t);
            }
            EventKind::TaskStart => {
                self.task = u32::try_from(e.arg).unwrap_or(NO_TASK - 1);
                close(&mut self.tasks, self.open_task.take(), t);
                self.open_task = Some(TaskSpan {
                    start_ns: t,
                    end_ns: t,
                    task: self.task,
                });
            }
            EventKind::TaskEnd => {
                self.task = NO_TASK;
                self.tasks_done += 1;
                close(&mut self.tasks, self.open_task.take(), t);
            }
            EventKind::GilWait => f.gil_wait = true,
            EventKind::GilAcquire => {
                f.gil_wait = false;
                f.holds_gil = true;
                let handover = e.arg > 1 && self.last_switch != Some(e.arg);
                self.last_switch = Some(e.arg);
                self.gil_handovers += u64::from(handover);
                self.open_gil = Some(self.hold(t, handover));
            }
            EventKind::GilRelease => {
                f.holds_gil = false;
                close(&mut self.gil, self.open_gil.take(), t);
            }
            EventKind::GilDropRequest => self.gil_drop_requests += 1,
            EventKind::LockWait => {
                f.lock_wait = true;
                f.lock_waited = true;
            }
            EventKind::LockAcquire => {
                f.lock_wait = false;
                let handover = std::mem::take(&mut f.lock_waited);
                self.open_lock = Some(self.hold(t, handover));
            }
            EventKind::LockRelease => close(&mut self.lock, self.open_lock.take(), t),
            EventKind::QueueBlocked => f.queue_blocked = true,
            EventKind::QueueUnblocked => f.queue_blocked = false,
            EventKind::IoWaitStart => f.io = true,
            EventKind::IoWaitEnd => f.io = false,
            EventKind::NativeStart => f.native = true,
            EventKind::NativeEnd => f.native = false,
            EventKind::CoreChange => self.core = u32::try_from(e.arg).ok(),
            EventKind::CoreWaitStart => {
                f.core_wait = true;
                self.split_gil_hold(t, true);
            }
            EventKind::CoreWaitEnd => {
                f.core_wait = false;
                if let Ok(core) = u32::try_from(e.arg) {
                    self.core = Some(core);
                }
                self.split_gil_hold(t, false);
            }
            EventKind::QueuePut
            | EventKind::QueueGet
            | EventKind::QueueDepth
            | EventKind::TaskDone
            | EventKind::CounterWrite
            | EventKind::StopSeen => {}
        }
        if !self.flags.alive {
            close(&mut self.tasks, self.open_task.take(), t);
            close(&mut self.gil, self.open_gil.take(), t);
            close(&mut self.lock, self.open_lock.take(), t);
        }
        self.update_state(t);
    }

    fn hold(&self, t: u64, handover: bool) -> HoldSpan {
        HoldSpan {
            start_ns: t,
            end_ns: t,
            worker: self.id,
            handover,
            off_core: false,
        }
    }

    /// The GIL hold under way goes on, from `t`, with the holder on a core
    /// or off every core (`off_core`).
    fn split_gil_hold(&mut self, t: u64, off_core: bool) {
        if let Some(open) = self.open_gil.take() {
            if open.off_core == off_core {
                self.open_gil = Some(open);
                return;
            }
            close(&mut self.gil, Some(open), t);
            self.open_gil = Some(HoldSpan {
                off_core,
                ..self.hold(t, false)
            });
        }
    }

    /// The state the flags add up to; `None` when the worker is not alive.
    fn state(&self) -> Option<State> {
        let f = &self.flags;
        if !f.alive {
            return None;
        }
        Some(if f.gil_wait {
            State::GilWait
        } else if f.lock_wait || f.queue_blocked {
            State::LockWait
        } else if f.io {
            State::IoWait
        } else if f.core_wait {
            State::CoreWait
        } else if f.native {
            State::Native
        } else if f.holds_gil || !self.gil_mode {
            State::Running
        } else {
            State::Idle
        })
    }

    fn update_state(&mut self, t: u64) {
        let now = self.state().map(|state| (state, self.task));
        let open = self.open_state.map(|s| (s.state, s.task));
        if now != open {
            if let Some(span) = self.open_state.take() {
                if span.state == State::GilWait {
                    self.gil_wait_closed_ns += t.saturating_sub(span.start_ns);
                }
                close(&mut self.states, Some(span), t);
            }
            self.open_state = now.map(|(state, task)| StateSpan {
                start_ns: t,
                end_ns: t,
                task,
                state,
            });
        }
        let core = self
            .open_state
            .filter(|s| s.state.is_executing())
            .and(self.core);
        if core != self.open_core.map(|(c, _)| c) {
            if let Some((c, span)) = self.open_core.take() {
                let summarising = self.summarising;
                let lane = self
                    .cores
                    .entry(c)
                    .or_insert_with(|| Lane::summarising_if(summarising));
                close(lane, Some(span), t);
            }
            self.open_core = core.map(|c| (c, self.hold(t, false)));
        }
    }

    /// The state span still open, drawn up to `horizon_ns`.
    pub fn open_state(&self, horizon_ns: u64) -> Option<StateSpan> {
        self.open_state.map(|s| StateSpan {
            end_ns: horizon_ns.max(s.start_ns),
            ..s
        })
    }

    /// The task under way, drawn up to `horizon_ns`.
    pub fn open_task(&self, horizon_ns: u64) -> Option<TaskSpan> {
        self.open_task.map(|s| TaskSpan {
            end_ns: horizon_ns.max(s.start_ns),
            ..s
        })
    }

    /// The GIL hold still open, drawn up to `horizon_ns`.
    pub fn open_gil(&self, horizon_ns: u64) -> Option<HoldSpan> {
        extend(self.open_gil, horizon_ns)
    }

    /// The lock hold still open, drawn up to `horizon_ns`.
    pub fn open_lock(&self, horizon_ns: u64) -> Option<HoldSpan> {
        extend(self.open_lock, horizon_ns)
    }

    /// The core this worker is executing on right now, with the open span.
    pub fn open_core(&self, horizon_ns: u64) -> Option<(u32, HoldSpan)> {
        self.open_core
            .and_then(|(c, s)| extend(Some(s), horizon_ns).map(|s| (c, s)))
    }

    /// Time spent waiting for the GIL up to `horizon_ns`, ns.
    pub fn gil_wait_ns(&self, horizon_ns: u64) -> u64 {
        let open = self
            .open_state(horizon_ns)
            .filter(|s| s.state == State::GilWait)
            .map_or(0, |s| s.duration_ns());
        self.gil_wait_closed_ns + open
    }

    /// Whether this worker ever took the lab's lock.
    pub fn used_lock(&self) -> bool {
        !self.lock.is_empty() || self.open_lock.is_some() || self.flags.lock_waited
    }
}

fn close<S: Span + Copy + SetEnd>(lane: &mut Lane<S>, open: Option<S>, t: u64) {
    if let Some(mut span) = open
        && t > span.start_ns()
    {
        span.set_end(t);
        lane.push(span);
    }
}

fn extend(open: Option<HoldSpan>, horizon_ns: u64) -> Option<HoldSpan> {
    open.map(|s| HoldSpan {
        end_ns: horizon_ns.max(s.start_ns),
        ..s
    })
}

/// Spans whose end is set when they close.
trait SetEnd {
    fn set_end(&mut self, t: u64);
}

impl SetEnd for StateSpan {
    fn set_end(&mut self, t: u64) {
        self.end_ns = t;
    }
}

impl SetEnd for TaskSpan {
    fn set_end(&mut self, t: u64) {
        self.end_ns = t;
    }
}

impl SetEnd for HoldSpan {
    fn set_end(&mut self, t: u64) {
        self.end_ns = t;
    }
}
