//! Issue 17: what a new user found by trying hostile inputs, every kill path
//! and a long soak. One test per defect, named after it, each failing before
//! its fix; the table of hostile command lines; and the soak (ignored by
//! default, `.ci/run` runs a short form).
//!
//! Most tests drive the real `threadlab` binary, since the defects were seen
//! there: exit codes, what stderr says, what is left on disk or in `ps`.

#[path = "../util/children.rs"]
mod children;
mod files;
mod hostile;
mod memory;
mod output;
mod processes;
mod scratch;
mod soak;

use std::io::Read;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The binary under test: the one cargo built, or `$THREADLAB_TEST_BIN`, so
/// that these regression tests can be run against another build (an older
/// one, to watch them fail).
pub fn bin() -> String {
    std::env::var("THREADLAB_TEST_BIN").unwrap_or_else(|_| children::THREADLAB.to_owned())
}

/// What one command line did.
#[derive(Debug)]
pub struct Ran {
    /// Its exit status (`None`: killed because it took too long).
    pub status: Option<ExitStatus>,
    pub stdout: String,
    pub stderr: String,
    pub took: Duration,
}

impl Ran {
    /// Its exit code, if it exited.
    pub fn code(&self) -> Option<i32> {
        self.status.and_then(|s| s.code())
    }
}

/// The `threadlab` binary with `args`, `TMPDIR` pointed at `tmp` (when
/// given), killed after `limit`.
pub fn threadlab_in(args: &[&str], tmp: Option<&std::path::Path>, limit: Duration) -> Ran {
    let mut cmd = Command::new(bin());
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(tmp) = tmp {
        cmd.env("TMPDIR", tmp);
    }
    let started = Instant::now();
    let mut child = cmd.spawn().expect("threadlab starts");
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let readers = (
        std::thread::Builder::new()
            .name("test-stdout".into())
            .spawn(move || {
                let mut s = String::new();
                let _ = out.read_to_string(&mut s);
                s
            })
            .expect("reader"),
        std::thread::Builder::new()
            .name("test-stderr".into())
            .spawn(move || {
                let mut s = String::new();
                let _ = err.read_to_string(&mut s);
                s
            })
            .expect("reader"),
    );
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break Some(status);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let took = started.elapsed();
    Ran {
        status,
        stdout: readers.0.join().unwrap_or_default(),
        stderr: readers.1.join().unwrap_or_default(),
        took,
    }
}

/// The `threadlab` binary with `args`, given a minute at most.
pub fn threadlab(args: &[&str]) -> Ran {
    threadlab_in(args, None, Duration::from_secs(60))
}

/// Little work for any preset: every override that shortens a lab.
pub const QUICK: &[&str] = &[
    "--tasks",
    "4",
    "--task-size",
    "20000",
    "--io-ms",
    "20",
    "--increments",
    "200",
];
