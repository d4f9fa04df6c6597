//! The binary as scripts call it: run with arguments, read what it said.

use std::process::{Command, Output};

/// Runs `threadlab` with `args` and waits for it.
pub fn threadlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_threadlab"))
        .args(args)
        .output()
        .expect("threadlab runs")
}

/// What it wrote on stderr.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
