//! Starting the interpreter so that it, and every process it starts, ends
//! with the run, on every path:
//!
//! - it leads a process group of its own (`setpgid`), and the processes its
//!   program starts (`multiprocessing`) stay in that group, so one
//!   `killpg(SIGKILL)` ends them all: on Stop, at the end of a run, on an
//!   error, and when its handle is dropped;
//! - it dies with the thread that started it (`PR_SET_PDEATHSIG`), so a
//!   threadlab killed with SIGKILL takes it along; the probe asks the same
//!   of every process below it, so the whole tree follows. The thread that
//!   starts it is the lens's supervisor, which lives until the interpreter
//!   is reaped (the signal follows the thread, not the process).
//!
//! Its stdout and stderr are read on two named threads into bounded
//! buffers: the program prints its result there, and a traceback.

use std::io::Read;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// Bytes of a program's stdout or stderr kept (the last ones).
const KEPT_OUTPUT: usize = 64 * 1024;

/// A running interpreter and what it printed so far.
#[derive(Debug)]
pub struct Launched {
    child: Child,
    pgid: i32,
    reaped: Option<ExitStatus>,
    stdout: Output,
    stderr: Output,
}

/// What one stream of the interpreter printed, kept up to [`KEPT_OUTPUT`].
#[derive(Debug)]
struct Output {
    text: Arc<Mutex<Vec<u8>>>,
    reader: Option<JoinHandle<()>>,
}

impl Output {
    fn read(stream: Option<impl Read + Send + 'static>, name: &str) -> std::io::Result<Self> {
        let text = Arc::new(Mutex::new(Vec::new()));
        let reader = match stream {
            Some(mut stream) => {
                let text = text.clone();
                Some(
                    std::thread::Builder::new()
                        .name(name.to_owned())
                        .spawn(move || {
                            let mut buf = [0u8; 4096];
                            while let Ok(n) = stream.read(&mut buf) {
                                if n == 0 {
                                    break;
                                }
                                let mut t = text.lock().unwrap_or_else(|e| e.into_inner());
                                t.extend_from_slice(&buf[..n]);
                                let over = t.len().saturating_sub(KEPT_OUTPUT);
                                t.drain(..over);
                            }
                        })?,
                )
            }
            None => None,
        };
        Ok(Self { text, reader })
    }

    fn text(&self) -> String {
        let t = self.text.lock().unwrap_or_else(|e| e.into_inner());
        String::from_utf8_lossy(&t).into_owned()
    }

    fn join(&mut self) {
        if let Some(h) = self.reader.take() {
            let _ = h.join();
        }
    }
}

impl Launched {
    /// Starts `command` as the leader of a new process group that dies with
    /// the calling thread, allowed to run only on `cores` (logical cores;
    /// empty: wherever it may now). Every thread and process it starts
    /// inherits that, as the model's workers keep to the cores knob.
    pub fn start(mut command: Command, cores: Vec<u32>) -> std::io::Result<Self> {
        // SAFETY: getpid has no preconditions.
        let parent = unsafe { libc::getpid() };
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // SAFETY: between fork and exec the closure calls only
        // async-signal-safe functions (setpgid, prctl, getppid, _exit,
        // sched_setaffinity on a set built on the stack) and allocates
        // nothing: `cores` was made before the fork.
        unsafe {
            command.pre_exec(move || {
                if libc::setpgid(0, 0) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                if !crate::engine::platform::pin_current_thread(&cores) {
                    return Err(std::io::Error::last_os_error());
                }
                #[cfg(target_os = "linux")]
                {
                    if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                    // The parent died before the request: nobody would kill us.
                    if libc::getppid() != parent {
                        libc::_exit(1);
                    }
                }
                Ok(())
            });
        }
        let mut child = command.spawn()?;
        let pgid = child.id() as i32;
        let stdout = Output::read(child.stdout.take(), "tl-py-stdout");
        let stderr = Output::read(child.stderr.take(), "tl-py-stderr");
        let (stdout, stderr) = match (stdout, stderr) {
            (Ok(o), Ok(e)) => (o, e),
            (Err(e), _) | (_, Err(e)) => {
                kill_group(pgid);
                let _ = child.wait();
                return Err(e);
            }
        };
        Ok(Self {
            child,
            pgid,
            reaped: None,
            stdout,
            stderr,
        })
    }

    /// The interpreter's pid (also its process group).
    pub fn pid(&self) -> u32 {
        self.pgid as u32
    }

    /// Whether the interpreter has ended. It is left unreaped (a zombie),
    /// so its pid, and with it the group's id, cannot be given to another
    /// process before [`Launched::kill_and_reap`] has used it.
    pub fn has_exited(&self) -> bool {
        if self.reaped.is_some() {
            return true;
        }
        // SAFETY: an all-zero siginfo_t is valid; waitid writes into it.
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        // SAFETY: `info` is valid and writable; WNOWAIT leaves the child unreaped.
        let rc = unsafe {
            libc::waitid(
                libc::P_PID,
                self.pgid as libc::id_t,
                &mut info,
                libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
            )
        };
        // SAFETY: waitid filled `info` (si_pid 0 when nothing has exited).
        rc == 0 && unsafe { info.si_pid() } != 0
    }

    /// Kills the interpreter and everything in its group, reaps it, and
    /// waits for its output to end; returns how it ended.
    pub fn kill_and_reap(&mut self) -> Option<ExitStatus> {
        if self.reaped.is_none() {
            // The leader is alive or a zombie: the group's id is still ours.
            kill_group(self.pgid);
            self.reaped = self.child.wait().ok();
        }
        // Every process of the group is gone, so both pipes are closed.
        self.stdout.join();
        self.stderr.join();
        self.reaped
    }

    /// What the program printed on stdout so far.
    pub fn stdout(&self) -> String {
        self.stdout.text()
    }

    /// What it printed on stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.text()
    }
}

impl Drop for Launched {
    fn drop(&mut self) {
        self.kill_and_reap();
    }
}

/// SIGKILL to every process of group `pgid`.
fn kill_group(pgid: i32) {
    if pgid > 0 {
        // SAFETY: killpg takes a group id and a signal, no pointers.
        unsafe {
            libc::killpg(pgid, libc::SIGKILL);
        }
    }
}

/// "exit code 1", "killed by signal 9".
pub fn status_text(status: ExitStatus) -> String {
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exit code {code}"),
        (None, Some(sig)) => format!("killed by signal {sig}"),
        _ => status.to_string(),
    }
}
