//! Files: what `--trace` and `--csv` write to, and what `--scenario` reads.

use super::{threadlab, threadlab_in};
use std::fs;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn is_symlink(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// Issue 17, defect 1: a failed `--trace` write removed whatever was at the
/// target path: a symbolic link, a device node, the user's own file. The
/// issue's own reproduction: `ln -s /proc/self/fd/1 s; threadlab run
/// race-plain --trace s | head -c100`, and `s` must survive.
#[test]
fn a_failed_trace_write_deletes_the_target_now_it_survives() {
    let dir = tempfile::tempdir().expect("tempdir");
    let s = dir.path().join("s");
    std::os::unix::fs::symlink("/proc/self/fd/1", &s).expect("symlink");
    let mut child = Command::new(super::bin())
        .args(["run", "race-plain", "--increments", "200000", "--trace"])
        .arg(&s)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("threadlab starts");
    // `head -c100`: read 100 bytes, then close the pipe.
    let mut first = [0u8; 100];
    child
        .stdout
        .take()
        .expect("stdout")
        .read_exact(&mut first)
        .expect("100 bytes of trace");
    let out = child.wait_with_output().expect("threadlab ends");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        first.starts_with(b"{\"displayTimeUnit\""),
        "a trace went out"
    );
    assert!(is_symlink(&s), "the link survives: {err}");
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("writing the trace to"), "{err}");

    // A device that fails every write (a full disk), behind a link.
    let full = dir.path().join("full");
    std::os::unix::fs::symlink("/dev/full", &full).expect("symlink");
    let ran = threadlab(&["run", "race", "--trace", full.to_str().expect("utf-8")]);
    assert_eq!(ran.code(), Some(1), "{}", ran.stderr);
    assert!(is_symlink(&full), "{}", ran.stderr);
    assert_eq!(
        names_in(dir.path()),
        ["full", "s"],
        "no temporary file left"
    );
}

/// Issue 17, defect 1: a trace replaces the user's file only once it is
/// complete, and keeps the file's link and permissions.
#[test]
fn a_trace_over_an_existing_file_replaces_it_whole() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let real = dir.path().join("mine.json");
    fs::write(&real, "old").expect("write");
    fs::set_permissions(&real, fs::Permissions::from_mode(0o600)).expect("chmod");
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&real, &link).expect("symlink");
    let ran = threadlab(&["run", "race", "--trace", link.to_str().expect("utf-8")]);
    assert_eq!(ran.code(), Some(0), "{}", ran.stderr);
    let doc: serde_json::Value =
        serde_json::from_slice(&fs::read(&real).expect("read")).expect("the trace is JSON");
    assert!(doc["traceEvents"].is_array());
    assert!(is_symlink(&link));
    let mode = fs::metadata(&real).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert_eq!(names_in(dir.path()), ["link.json", "mine.json"]);
}

/// Issue 17, defect 6: `--scenario` read without limit: `/dev/zero` grew to
/// 1.8 GB in 3 s, `/dev/urandom` read on without a word, a FIFO with no
/// writer blocked forever. Anything but a regular file of at most 1 MB is
/// refused at once, naming the file.
#[test]
fn scenario_reads_without_limit_now_only_small_regular_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("no-writer.toml");
    let c = std::ffi::CString::new(fifo.to_str().expect("utf-8")).expect("path");
    // SAFETY: `c` is a valid path; mkfifo only creates a node.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let huge = dir.path().join("huge.toml");
    fs::write(&huge, "# a comment\n".repeat(100_000)).expect("write");
    let cases = [
        ("/dev/zero".to_owned(), "not a regular file"),
        ("/dev/urandom".to_owned(), "not a regular file"),
        (fifo.display().to_string(), "not a regular file"),
        (dir.path().display().to_string(), "is a folder"),
        (huge.display().to_string(), "larger than 1 MB"),
    ];
    for (path, why) in cases {
        let ran = threadlab_in(&["run", "--scenario", &path], None, Duration::from_secs(5));
        assert_eq!(ran.code(), Some(2), "{path}: {ran:?}");
        assert!(ran.took < Duration::from_secs(2), "{path}: {:?}", ran.took);
        assert!(
            ran.stderr.contains(&path) && ran.stderr.contains(why),
            "{path}: {}",
            ran.stderr
        );
        assert_eq!(ran.stderr.trim().lines().count(), 1, "{}", ran.stderr);
    }
}

/// Issue 17, defect 7: an output file that could not be written failed the
/// run only at its end (exit 1, the summary lost). The targets are checked
/// before anything runs: exit 2, the flag named.
#[test]
fn output_errors_come_after_the_run_now_before_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().display().to_string();
    // A run of about a minute, if it started.
    let long = ["run", "io-bound", "--tasks", "600", "--threads", "1"];
    let cases: &[(&str, &str)] = &[
        ("--trace", "/nonexistent/folder/trace.json"),
        ("--trace", &folder),
        ("--csv", "/nonexistent/run.csv"),
        ("--csv", &folder),
    ];
    for (flag, path) in cases {
        let mut args = long.to_vec();
        args.extend([*flag, *path]);
        let ran = threadlab_in(&args, None, Duration::from_secs(10));
        assert_eq!(ran.code(), Some(2), "{flag} {path}: {ran:?}");
        assert!(
            ran.took < Duration::from_secs(2),
            "{flag} {path}: {:?}",
            ran.took
        );
        assert!(
            ran.stderr.contains(flag) && ran.stderr.contains(path),
            "{}",
            ran.stderr
        );
    }
    if cfg!(feature = "gui") {
        let ran = threadlab(&["gui", "--screenshot", "/nonexistent/shot.png", "--exit"]);
        assert_eq!(ran.code(), Some(2), "{ran:?}");
        assert!(ran.stderr.contains("--screenshot"), "{}", ran.stderr);
    }
    assert!(names_in(dir.path()).is_empty());
}

/// Issue 17, defect 7: when a file still fails at the end (the check cannot
/// foresee a full disk), the summary is printed anyway and the file named.
#[test]
fn a_failed_write_loses_the_summary_now_it_is_printed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let full = dir.path().join("trace.json");
    std::os::unix::fs::symlink("/dev/full", &full).expect("symlink");
    let path = full.to_str().expect("utf-8");
    let ran = threadlab(&["run", "race", "--json", "--trace", path]);
    assert_eq!(ran.code(), Some(1), "{ran:?}");
    let v: serde_json::Value = serde_json::from_str(&ran.stdout).expect("the summary");
    assert_eq!(v["preset"], "race");
    assert!(ran.stderr.contains(path), "{}", ran.stderr);
    assert_eq!(ran.stderr.trim().lines().count(), 1, "{}", ran.stderr);
}
