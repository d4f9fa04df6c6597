//! Child processes: the labs that broke with them, a stopped child that hung
//! the run silently, one cause said once, and a hand-shake that was trusted.

use super::{QUICK, threadlab};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use threadlab::engine::processes::protocol::{FromChild, Handshake, ToChild};
use threadlab::model::{Lab, Scenario, preset_names};

/// Issue 17, defect 3: `queue` and `daemon` failed with two processes or
/// more ("sent an event of worker p1.t10, which is not its own"): their main
/// program is thread 0 and the workers 1..=threads, one more thread than the
/// parent expected. Every preset runs with `--processes 2`.
#[test]
fn queue_and_daemon_fail_with_processes_every_preset_runs_with_two() {
    for preset in preset_names() {
        let mut args = vec!["run", preset, "--processes", "2", "--json"];
        args.extend_from_slice(QUICK);
        let ran = threadlab(&args);
        assert_eq!(ran.code(), Some(0), "{preset}: {}", ran.stderr);
        let v: serde_json::Value = serde_json::from_str(&ran.stdout).expect("JSON");
        assert_eq!(v["processes"], 2, "{preset}");
        match v["lab"].as_str() {
            Some("queue") => assert_eq!(v["queue"]["puts"], v["queue"]["gets"], "{v}"),
            Some("daemon") => assert!(v["cut_off"].is_object(), "{v}"),
            _ => {}
        }
    }
}

/// Issue 17, defect 3: with 64 processes the same cause filled stderr with
/// ten lines, one per child whose pipe broke. Every child fails here; the
/// run says why once.
#[test]
fn sixty_four_failing_children_repeat_one_cause_said_once() {
    let o = Command::new(super::bin())
        .args(["run", "cpu-bound", "--processes", "64", "--threads", "1"])
        .args(["--tasks", "64", "--task-size", "1000"])
        .env(threadlab::engine::child::FAULT_ENV, "panic")
        .output()
        .expect("threadlab runs");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one line, got:\n{err}");
    assert!(
        err.contains("process") && err.contains("fault injected"),
        "{err}"
    );
}

/// Issue 17, defect 9: a child stopped with SIGSTOP hung the run without a
/// word. After a second of silence the run names the process that has gone
/// quiet, and Ctrl-C still ends everything at once.
#[test]
fn a_stopped_child_hangs_the_run_silently_now_it_is_named() {
    let _serial = super::children::setup();
    let mut cli = Command::new(super::bin())
        .args(["run", "cpu-bound", "--processes", "2", "--threads", "1"])
        .args(["--tasks", "4", "--task-size", "4000000000"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("threadlab starts");
    let pid = cli.id();
    let workers = super::children::wait_for_workers(pid, 2, Duration::from_secs(10));
    assert_eq!(workers.len(), 2, "two children of {pid}");
    // Let both finish their hand-shakes and start computing.
    std::thread::sleep(Duration::from_millis(500));
    let stopped = workers[0];
    // SAFETY: kill takes a pid and a signal number.
    unsafe { libc::kill(stopped as i32, libc::SIGSTOP) };
    let stderr = cli.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::Builder::new()
        .name("test-stderr".into())
        .spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        })
        .expect("reader");
    let said = rx
        .recv_timeout(Duration::from_secs(5))
        .expect("the run says something within 5 s");
    assert!(
        said.contains(&format!("pid {stopped}")) && said.contains("stopped"),
        "{said}"
    );
    let interrupted = Instant::now();
    // SAFETY: as above.
    unsafe { libc::kill(pid as i32, libc::SIGINT) };
    let status = loop {
        if let Some(s) = cli.try_wait().expect("wait") {
            break s;
        }
        if interrupted.elapsed() > Duration::from_secs(3) {
            let _ = cli.kill();
            panic!("Ctrl-C did not end the run within 3 s");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    assert_eq!(status.code(), Some(130), "interrupted");
    let _ = reader.join();
    super::children::assert_no_workers_left(pid, Duration::from_secs(2));
}

/// Issue 17, defect 10: `threadlab worker` trusted its hand-shake; one with
/// 3,000 threads started 1,503 of them. Now it checks the settings with the
/// CLI's limits and answers with an error naming the knob, before it runs
/// anything.
#[test]
fn the_worker_trusts_its_hand_shake_now_it_checks_the_limits() {
    let mut child = Command::new(super::bin())
        .arg("worker")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("worker starts");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut stdout = child.stdout.take().expect("stdout");
    let hello = Handshake {
        build: Handshake::this_build(),
        scenario: Scenario {
            lab: Lab::Tasks,
            threads: 3000,
            ..Scenario::default()
        },
        process: 1,
        processes: 1,
        epoch_ns: 0,
        spawn_requested_ns: 0,
    };
    ToChild::Hello(Box::new(hello))
        .send(&mut stdin)
        .expect("hello");
    // A trusting worker answers the ping and would start on Start.
    let _ = ToChild::Ping(0).send(&mut stdin);
    let _ = ToChild::Start.send(&mut stdin);
    let reply = FromChild::receive(&mut stdout).expect("a frame");
    match reply {
        Some(FromChild::Error(message)) => {
            assert!(message.contains("threads = 3000"), "{message}");
        }
        other => panic!("expected an error naming the threads, got {other:?}"),
    }
    drop(stdin);
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "the worker ends"
        );
        std::thread::sleep(Duration::from_millis(5));
    };
    assert!(!status.success());
}

/// Issue 17, defect 8: a worker's errors repeated their cause ("not a
/// threadlab frame (…): not a threadlab frame (…)").
#[test]
fn worker_errors_repeat_their_cause_now_said_once() {
    let ran = {
        let mut child = Command::new(super::bin())
            .arg("worker")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("worker starts");
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        let _ = stdin.write_all(b"hello, this is not a frame");
        drop(stdin);
        child.wait_with_output().expect("output")
    };
    let err = String::from_utf8_lossy(&ran.stderr);
    assert_eq!(err.matches("not a threadlab frame").count(), 1, "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}
