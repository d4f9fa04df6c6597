//! Plain data shared by the engine, the exporters and every front end: the
//! scenario (the knobs), the event, and the run summary. No threads, no I/O
//! beyond reading a scenario file.

pub mod event;
pub mod kept;
pub mod load;
pub mod message;
pub mod preset;
pub mod scenario;
pub mod summary;

pub use event::{Event, EventKind, WorkerId};
pub use kept::{EVENTS_KEPT_MAX, KeptEvents};
pub use load::{LoadError, TextFile, load_scenario_file, parse_scenario, read_text_file};
pub use message::{CoreSample, RunMessage};
pub use preset::{
    COMPARE_PRESETS, DEFAULT_PRESET, PRESETS, all_presets, load_preset, opens_on_compare,
    preset_names,
};
pub use scenario::{Lab, Scenario, Update, Workload, limits};
pub use summary::{
    CoreBusy, CounterSummary, CutOffSummary, KillSummary, LoadSummary, Percentiles, QueueSummary,
    RunSummary, SharedMemorySummary, StartupGroup, StartupSummary, WorkerSummary,
};
