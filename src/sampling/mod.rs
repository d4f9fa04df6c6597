//! What the OS says about the machine during a run: which cores there are
//! (logical and physical), how busy each core was, and how much CPU time
//! threadlab's own threads other than the workers took. The workers
//! measure their own time on and off the cores (`engine::core_watch`), so
//! together they tell the run's workers, threadlab's other threads and
//! other programs apart.

pub mod cores;
pub mod procfs;
pub mod topology;

pub use cores::{SAMPLE_EVERY, core_count, spawn_core_sampler};
pub use topology::Topology;
