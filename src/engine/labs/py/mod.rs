//! The Python objects the labs' programs use, built to behave as CPython's
//! do where it matters to what a lab shows: [`lock`] is `threading.Lock`,
//! [`queue`] is `queue.Queue`, [`files`] are the real files and half-done
//! "transactions" a daemon worker leaves behind, and [`main_exit`] is how a
//! main program ends (daemons abandoned, non-daemons joined).
//!
//! They serve the labs only, so they live beside them; blocking in any of
//! them releases the GIL, as it does in CPython.

pub mod files;
pub mod lock;
pub mod main_exit;
pub mod queue;
