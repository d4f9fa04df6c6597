//! Helpers for tests that start child processes: point the engine at the
//! threadlab binary, run such tests one at a time, and find `threadlab
//! worker` processes left behind by a given parent.

#![allow(dead_code)]

use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};
use threadlab::engine::processes::{PARENT_PID_ENV, set_worker_program};

/// The threadlab binary cargo built for these tests.
pub const THREADLAB: &str = env!("CARGO_BIN_EXE_threadlab");

static SERIAL: Mutex<()> = Mutex::new(());

/// Makes the engine start the threadlab binary as its child processes (the
/// test harness itself cannot serve as one) and takes the lock that runs
/// these tests one at a time: their leftovers are found by parent pid, and
/// timing tests need the cores to themselves.
pub fn setup() -> MutexGuard<'static, ()> {
    set_worker_program(THREADLAB);
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// Logical cores of this machine.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Pids of live (not zombie) `threadlab worker` processes started by the
/// process `parent`, even after they were re-parented: each child carries its
/// parent's pid in its environment.
pub fn workers_of(parent: u32) -> Vec<u32> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let marker = format!("{PARENT_PID_ENV}={parent}");
    dir.filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&pid| is_worker(pid) && !is_zombie(pid) && has_env(pid, &marker))
        .collect()
}

fn is_worker(pid: u32) -> bool {
    let Ok(cmdline) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
        return false;
    };
    let mut args = cmdline.split(|&b| b == 0);
    let exe = args.next().unwrap_or_default();
    exe.ends_with(b"threadlab") && args.next() == Some(b"worker".as_slice())
}

fn is_zombie(pid: u32) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return true;
    };
    // The state follows the command name, which is in parentheses.
    stat.rsplit_once(')')
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .is_none_or(|state| state == "Z" || state == "X")
}

fn has_env(pid: u32, marker: &str) -> bool {
    std::fs::read(format!("/proc/{pid}/environ"))
        .is_ok_and(|env| env.split(|&b| b == 0).any(|var| var == marker.as_bytes()))
}

/// Waits up to `limit` for `parent` to have no live worker process; panics
/// naming those still alive.
pub fn assert_no_workers_left(parent: u32, limit: Duration) {
    let deadline = Instant::now() + limit;
    loop {
        let left = workers_of(parent);
        if left.is_empty() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "threadlab worker processes of {parent} still alive after {limit:?}: {left:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Waits up to `limit` until `parent` has `count` live workers; returns them.
pub fn wait_for_workers(parent: u32, count: usize, limit: Duration) -> Vec<u32> {
    let deadline = Instant::now() + limit;
    loop {
        let found = workers_of(parent);
        if found.len() >= count || Instant::now() >= deadline {
            return found;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Sends SIGKILL to `pid`.
pub fn kill9(pid: u32) {
    // SAFETY: kill takes a pid and a signal number, no pointers.
    let rc = unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
    assert_eq!(rc, 0, "kill -9 {pid} failed");
}
