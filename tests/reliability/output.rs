//! What the CLI prints: stdout that is closed or full, and messages that
//! name the right thing.

use super::{QUICK, threadlab};
use std::fs::File;
use std::process::{Command, Output, Stdio};

/// Runs threadlab with stdout closed by its reader as soon as it starts.
fn with_closed_stdout(args: &[&str]) -> Output {
    let mut child = Command::new(super::bin())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("threadlab starts");
    drop(child.stdout.take());
    child.wait_with_output().expect("threadlab ends")
}

fn with_stdout_to_dev_full(args: &[&str]) -> Output {
    Command::new(super::bin())
        .args(args)
        .stdout(File::create("/dev/full").expect("/dev/full"))
        .stderr(Stdio::piped())
        .output()
        .expect("threadlab runs")
}

/// Issue 17, defect 2: `run` and `compare` panicked (exit 101, a backtrace)
/// when stdout was closed: `threadlab run io-bound | true`, `threadlab
/// compare race-plain | true`. A closed pipe now ends them quietly.
#[test]
fn a_closed_stdout_panics_now_it_ends_quietly() {
    let mut runs: Vec<Vec<&str>> = vec![
        vec!["run", "io-bound"],
        vec!["run", "race-plain", "--json"],
        vec!["compare", "race-plain"],
        vec!["compare", "cpu-bound"],
        vec!["list"],
    ];
    for args in &mut runs {
        if args[0] != "list" {
            args.extend_from_slice(QUICK);
        }
        let o = with_closed_stdout(args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {err}");
        assert!(err.is_empty(), "{args:?} said: {err}");
    }
}

/// Issue 17, defects 2 and 8: a full stdout (`> /dev/full`) panicked, and
/// `list > /dev/full` did not name stdout. One line naming stdout, exit 1.
#[test]
fn a_full_stdout_panics_now_one_line_naming_stdout() {
    for args in [
        &["run", "race-plain", "--increments", "1000"][..],
        &[
            "compare",
            "cpu-bound",
            "--tasks",
            "2",
            "--task-size",
            "1000",
        ],
        &["list"],
    ] {
        let o = with_stdout_to_dev_full(args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains("stdout"), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

/// Issue 17, defect 8: `--threads -1` said "-1 is not in 0..=4294967295",
/// the range of the type, on every numeric flag. Each now says the range the
/// knob accepts.
#[test]
fn numeric_flags_name_the_types_range_now_the_knobs() {
    let flags = [
        ("--processes", "1..=64"),
        ("--threads", "1..=256"),
        ("--switch-interval-us", "10..=1000000"),
        ("--tasks", "1..=100000"),
        ("--task-size", "1..=10000000000"),
        ("--io-ms", "0..=10000"),
        ("--queue-size", "0..=100000"),
        ("--increments", "1..=100000000"),
    ];
    for (flag, range) in flags {
        for value in ["-1", "18446744073709551616"] {
            let ran = threadlab(&["run", "cpu-bound", flag, value]);
            assert_eq!(ran.code(), Some(2), "{flag} {value}: {}", ran.stderr);
            assert!(
                ran.stderr.contains(flag) && ran.stderr.contains(range),
                "{flag} {value}: {}",
                ran.stderr
            );
            assert!(!ran.stderr.contains("4294967295"), "{}", ran.stderr);
        }
    }
}

/// Issue 17, defect 8: a file with too many workers in all was blamed on
/// line 0 (`f.toml:0:`); it names the line that tipped the total over.
#[test]
fn file_errors_at_line_0_now_at_the_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("f.toml");
    std::fs::write(&path, "processes = 8\nthreads = 256\n").expect("write");
    let ran = threadlab(&["run", "--scenario", path.to_str().expect("utf-8")]);
    assert_eq!(ran.code(), Some(2), "{}", ran.stderr);
    assert!(ran.stderr.contains("f.toml:2:"), "{}", ran.stderr);
    assert!(!ran.stderr.contains(":0:"), "{}", ran.stderr);
}

/// Issue 17, defect 8: `gui --size -1x-1` did not name `--size` (the value
/// was taken for a flag).
#[test]
fn a_negative_window_size_does_not_name_size_now_it_does() {
    let ran = threadlab(&["gui", "--size", "-1x-1", "--exit"]);
    assert_eq!(ran.code(), Some(2), "{}", ran.stderr);
    if cfg!(feature = "gui") {
        assert!(ran.stderr.contains("--size"), "{}", ran.stderr);
    }
    assert_eq!(ran.stderr.trim().lines().count(), 1, "{}", ran.stderr);
}
