//! What must not go wrong around the interpreter: each bad interpreter is
//! named in one line (exit code 2 where the user can fix it), and no
//! Python process outlives its run, not even a threadlab killed with
//! SIGKILL.

use super::util::{preset, serial};
use super::{python, stop_after};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};
use threadlab::model::Scenario;
use threadlab::python::LensOptions;

const THREADLAB: &str = env!("CARGO_BIN_EXE_threadlab");

fn threadlab(args: &[&str], path_env: Option<&Path>) -> Output {
    let mut c = Command::new(THREADLAB);
    c.args(args);
    if let Some(p) = path_env {
        c.env("PATH", p);
    }
    c.output().expect("threadlab runs")
}

fn one_line(o: &Output) -> String {
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    err
}

/// A shell script standing in for an interpreter.
fn fake_python(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("written");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    path
}

/// Live (not zombie) processes whose environment names `threadlab_pid` as
/// the threadlab that started their program.
fn pythons_of(threadlab_pid: u32) -> Vec<u32> {
    let marker = format!("THREADLAB_PROBE_PARENT={threadlab_pid}");
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let env = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
            let live = std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
                s.rsplit_once(')')
                    .and_then(|(_, rest)| rest.split_whitespace().next())
                    .is_some_and(|state| state != "Z" && state != "X")
            });
            live && env.split(|&b| b == 0).any(|v| v == marker.as_bytes())
        })
        .collect()
}

fn wait_until(limit: Duration, mut ready: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if ready() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    ready()
}

#[test]
fn no_python3_is_said_in_one_line_with_exit_code_2() {
    let empty = tempfile::tempdir().expect("a folder");
    let o = threadlab(&["run", "race", "--in", "cpython"], Some(empty.path()));
    assert_eq!(o.status.code(), Some(2));
    let err = one_line(&o);
    assert!(err.contains("no python3 found on PATH"), "{err}");
    // The model does not need one.
    let o = threadlab(&["code", "race"], Some(empty.path()));
    assert!(o.status.success());
}

#[test]
fn an_interpreter_too_old_or_not_python_is_named() {
    let dir = tempfile::tempdir().expect("a folder");
    let old = fake_python(dir.path(), "python3.7", "echo 3 7 16 cpython 0 1");
    let o = threadlab(
        &[
            "run",
            "race",
            "--in",
            "cpython",
            "--python",
            old.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    let err = one_line(&o);
    assert!(
        err.contains("Python 3.7.16") && err.contains("3.8 or newer"),
        "{err}"
    );
    let junk = fake_python(dir.path(), "notpython", "echo hello; exit 3");
    let o = threadlab(
        &[
            "run",
            "race",
            "--in",
            "cpython",
            "--python",
            junk.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(one_line(&o).contains("notpython"));
    let o = threadlab(
        &[
            "run",
            "race",
            "--in",
            "cpython",
            "--python",
            "/no/such/python",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(one_line(&o).contains("/no/such/python"));
}

#[test]
fn gil_off_needs_a_free_threaded_build() {
    let Some(py) = python() else { return };
    if py.free_threaded_build {
        eprintln!("skipped: python3 here is free-threaded");
        return;
    }
    let o = threadlab(
        &[
            "run",
            "cpu-bound",
            "--gil",
            "off",
            "--in",
            "cpython",
            "--python",
            py.path.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(one_line(&o).contains("always has a GIL"));
}

#[test]
fn a_program_that_dies_is_reported_with_its_last_words() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().expect("a folder");
    // Answers like python3 when asked what it is, then fails the program.
    let body = format!(
        "case \"$2\" in -c) exec {} \"$@\";; esac\necho 'Traceback (most recent call last):' >&2\necho 'MemoryError: out of luck' >&2\nexit 1",
        py.path.display()
    );
    let dying = fake_python(dir.path(), "dying-python", &body);
    let o = threadlab(
        &[
            "run",
            "race",
            "--in",
            "cpython",
            "--python",
            dying.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    let err = one_line(&o);
    assert!(
        err.contains("the program died") && err.contains("MemoryError: out of luck"),
        "{err}"
    );
}

#[test]
fn a_killed_child_fails_the_run_and_leaves_nothing_behind() {
    let Some(_py) = python() else { return };
    let _g = serial();
    let s = Scenario {
        processes: 2,
        threads: 1,
        tasks: 2,
        task_size: 50_000_000,
        ..preset("cpu-bound")
    };
    let me = std::process::id();
    let lens = threadlab::python::start(s, LensOptions::default()).expect("starts");
    let _watchdog = stop_after(&lens, Duration::from_secs(60));
    // A child of the program's main process, the one with two children (a
    // pyenv shim may stand between threadlab and it).
    let parent_of = |pid: u32| {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        stat.rsplit_once(')')
            .and_then(|(_, r)| r.split_whitespace().nth(1)?.parse::<u32>().ok())
    };
    let find_child = || {
        let all = pythons_of(me);
        all.iter().copied().find(|&pid| {
            parent_of(pid)
                .is_some_and(|p| all.iter().filter(|&&q| parent_of(q) == Some(p)).count() >= 2)
        })
    };
    assert!(wait_until(Duration::from_secs(20), || find_child().is_some()));
    let child = find_child().expect("a child process of the program");
    // Killed while it computes, as a user would kill it.
    std::thread::sleep(Duration::from_millis(300));
    // SAFETY: kill takes a pid and a signal number.
    unsafe { libc::kill(child as i32, libc::SIGKILL) };
    let err = lens.wait().expect_err("a killed child fails the run");
    assert!(err.contains("ended before it had finished"), "{err}");
    assert!(wait_until(Duration::from_secs(2), || pythons_of(me).is_empty()));
}

#[test]
fn stop_ends_the_interpreter_and_its_children_at_once() {
    let Some(_py) = python() else { return };
    let _g = serial();
    let s = Scenario {
        processes: 2,
        threads: 2,
        tasks: 4,
        task_size: 50_000_000,
        ..preset("cpu-bound")
    };
    let me = std::process::id();
    let lens = threadlab::python::start(s, LensOptions::default()).expect("starts");
    assert!(wait_until(Duration::from_secs(20), || pythons_of(me).len() >= 3));
    let asked = Instant::now();
    lens.stop();
    let (report, _) = lens.wait().expect("a stopped run still reports");
    assert!(report.summary.stopped);
    assert!(
        asked.elapsed() < Duration::from_secs(2),
        "{:?}",
        asked.elapsed()
    );
    assert!(pythons_of(me).is_empty(), "{:?}", pythons_of(me));
}

#[test]
fn killing_threadlab_leaves_no_python_behind() {
    let Some(_py) = python() else { return };
    let _g = serial();
    let mut tl = Command::new(THREADLAB)
        .args([
            "run",
            "cpu-bound",
            "--in",
            "cpython",
            "--processes",
            "2",
            "--threads",
            "2",
            "--task-size",
            "50000000",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("threadlab starts");
    let pid = tl.id();
    assert!(
        wait_until(Duration::from_secs(20), || pythons_of(pid).len() >= 3),
        "the program's processes started"
    );
    tl.kill().expect("SIGKILL");
    let _ = tl.wait();
    std::thread::sleep(Duration::from_secs(2));
    assert!(
        pythons_of(pid).is_empty(),
        "left behind: {:?}",
        pythons_of(pid)
    );
}
