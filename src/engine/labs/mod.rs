//! The experiments. Each lab says what the threads of one interpreter do;
//! the same code runs in threadlab's own process and in every child process.

pub mod convoy;
pub mod daemon;
pub mod kill;
pub mod main_exit;
pub mod queue;
pub mod race;
pub mod shared_memory;
pub mod startup;
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
        Lab::Startup => startup::run(interp),
        Lab::SharedMemory => shared_memory::run(interp),
        Lab::Kill => kill::run(interp),
    }
}
