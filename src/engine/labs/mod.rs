//! The experiments. Each lab says what the threads of one interpreter do;
//! the same code runs in threadlab's own process and in every child process.
//!
//! One file per lab, plus two folders: [`py`] holds the Python objects the
//! labs' programs use (a lock, a queue, files, the way a main program ends),
//! and [`sides`] the labs that run a group of threads beside a group of
//! processes and compare them.

pub mod convoy;
pub mod daemon;
pub mod py;
pub mod queue;
pub mod race;
pub mod sides;
pub mod tasks;

use crate::engine::interp::{Interp, InterpError, InterpResult};
use crate::model::Lab;

/// Runs the scenario's lab on this interpreter's threads.
pub fn run_lab(interp: &Interp) -> Result<InterpResult, InterpError> {
    match interp.scenario.lab {
        Lab::Tasks => tasks::run(interp),
        Lab::Convoy => convoy::run(interp),
        Lab::Race => race::run(interp),
        Lab::Queue => queue::run(interp),
        Lab::Daemon => daemon::run(interp),
        Lab::Startup => sides::startup::run(interp),
        Lab::SharedMemory => sides::shared_memory::run(interp),
        Lab::Kill => sides::kill::run(interp),
    }
}
