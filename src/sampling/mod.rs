//! Sampling what the OS says about the machine during a run: per-core load.
//! Per-worker core attribution is recorded by the workers themselves
//! (`CoreChange` events), so both views can be drawn side by side.

pub mod cores;

pub use cores::{SAMPLE_EVERY, core_count, spawn_core_sampler};
