//! Recording: the run's clock and the per-worker event buffers. Knows nothing
//! of how events are drawn or exported.

pub mod clock;
pub mod recorder;
pub mod tsc;

pub use clock::{Clock, monotonic_ns, os_monotonic_ns};
pub use recorder::{BATCH_EVENTS, EventSink, Recorder};
