//! The daemon lab's scratch folders (`threadlab-scratch-*` in the temporary
//! folder), on every way a run can end. Each test gives threadlab a
//! temporary folder of its own (`TMPDIR`), so what is left is plain to see.

use super::threadlab_in;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn left_in(tmp: &Path) -> Vec<String> {
    std::fs::read_dir(tmp)
        .expect("read tmp")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect()
}

fn daemon_run(tmp: &Path, extra: &[&str]) -> Child {
    Command::new(super::bin())
        .args(["run", "daemon", "--io-ms", "400"])
        .args(extra)
        .env("TMPDIR", tmp)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("threadlab starts")
}

/// Waits until `tmp` holds `n` entries (the lab's folders exist), or 5 s.
fn wait_for_folders(tmp: &Path, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while left_in(tmp).len() < n && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(left_in(tmp).len() >= n, "the lab made its folders");
}

fn signal(child: &Child, signal: i32) {
    // SAFETY: kill takes a pid and a signal number.
    unsafe { libc::kill(child.id() as i32, signal) };
}

/// Issue 17, defect 4: the daemon lab left its scratch folders (with
/// `task-N.part` and `.journal` files) whenever a run did not end normally:
/// on Ctrl-C, on Stop, with processes. Ctrl-C now stops the run cleanly,
/// with threads and with processes (whose children Stop kills), and nothing
/// is left.
#[test]
fn daemon_scratch_folders_are_left_on_ctrl_c_and_stop_now_none_are() {
    let _serial = super::children::setup();
    for (extra, folders) in [(&[][..], 1), (&["--processes", "2"][..], 2)] {
        let tmp = tempfile::tempdir().expect("tempdir");
        let mut cli = daemon_run(tmp.path(), extra);
        wait_for_folders(tmp.path(), folders);
        signal(&cli, libc::SIGINT);
        let status = cli.wait().expect("threadlab ends");
        assert_eq!(status.code(), Some(130), "{extra:?}");
        super::children::assert_no_workers_left(cli.id(), Duration::from_secs(2));
        assert_eq!(left_in(tmp.path()), Vec::<String>::new(), "{extra:?}");
    }
}

/// Issue 17, defect 4: with processes, a run that ends normally leaves
/// nothing either.
#[test]
fn daemon_scratch_folders_with_processes_are_removed() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let ran = threadlab_in(
        &["run", "daemon", "--processes", "2", "--io-ms", "20"],
        Some(tmp.path()),
        Duration::from_secs(30),
    );
    assert_eq!(ran.code(), Some(0), "{}", ran.stderr);
    assert_eq!(left_in(tmp.path()), Vec::<String>::new());
}

/// Issue 17, defect 4: a run killed outright (SIGKILL: no code runs) leaves
/// its folders; the next start removes them, and nothing that is not ours.
#[test]
fn a_killed_runs_scratch_folders_are_removed_by_the_next_start() {
    let _serial = super::children::setup();
    let tmp = tempfile::tempdir().expect("tempdir");
    let theirs = tmp.path().join("threadlab-race-20260101-000000.json");
    std::fs::write(&theirs, "a user's export").expect("write");
    let mut cli = daemon_run(tmp.path(), &["--processes", "2"]);
    wait_for_folders(tmp.path(), 3);
    signal(&cli, libc::SIGKILL);
    let _ = cli.wait();
    super::children::assert_no_workers_left(cli.id(), Duration::from_secs(2));
    assert!(left_in(tmp.path()).len() >= 3, "a kill leaves them");
    let ran = threadlab_in(
        &["run", "daemon", "--io-ms", "10"],
        Some(tmp.path()),
        Duration::from_secs(30),
    );
    assert_eq!(ran.code(), Some(0), "{}", ran.stderr);
    let left = left_in(tmp.path());
    assert_eq!(left, ["threadlab-race-20260101-000000.json"], "{left:?}");
}
