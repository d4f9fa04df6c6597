//! Why the lens could not run a program: each says what to do about it in
//! one line.

/// The lens could not start.
#[derive(Debug, thiserror::Error)]
pub enum LensError {
    /// No `python3` on PATH, and none was named.
    #[error(
        "no python3 found on PATH: install Python 3.8 or newer (Debian: apt-get install python3), or name one with --python PATH"
    )]
    NoPython,
    /// The named interpreter cannot be run, or is not a Python.
    #[error("cannot use {path} as the Python interpreter: {why}")]
    NotRunnable {
        /// The interpreter as named.
        path: String,
        /// What went wrong.
        why: String,
    },
    /// The interpreter is older than the probe allows.
    #[error("{path} is Python {version}; threadlab's probe needs Python 3.8 or newer")]
    TooOld {
        /// The interpreter as named.
        path: String,
        /// Its version.
        version: String,
    },
    /// `--gil off` and no free-threaded build to run it.
    #[error(
        "--gil off needs a free-threaded Python (python3.13t or newer) and none was found on PATH; name one with --python PATH"
    )]
    NoFreeThreaded,
    /// `--gil off` with an interpreter that always has a GIL.
    #[error("--gil off needs a free-threaded Python; {path} ({label}) always has a GIL")]
    HasGil {
        /// The interpreter as named.
        path: String,
        /// "CPython 3.11.7".
        label: String,
    },
    /// The program's folder or files could not be written.
    #[error("could not prepare the program to run: {0}")]
    Setup(std::io::Error),
    /// The OS would not start the interpreter or the lens's threads.
    #[error("could not start {path}: {source}")]
    Start {
        /// The interpreter as named.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
}
