//! A virtual X display of the test's own, for the tests that open the real
//! window: `Xvfb` on a free display number, ended when dropped. Where there is
//! no `Xvfb` the test skips, saying why, instead of failing.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// A running `Xvfb`, and the `DISPLAY` that names it.
pub struct VirtualDisplay {
    xvfb: Child,
    /// The value for `DISPLAY`, such as `:3`.
    pub display: String,
}

impl VirtualDisplay {
    /// Starts `Xvfb` with one screen of `width` × `height` at 24 bits. `None`,
    /// with the reason on stderr, when it is not installed or does not start.
    pub fn start(width: u32, height: u32) -> Option<Self> {
        // -displayfd: Xvfb picks a free display number and writes it to
        // that descriptor (here its stdout) once it accepts clients, so
        // tests running side by side never race for one number.
        let spawned = Command::new("Xvfb")
            .args(["-displayfd", "1", "-nolisten", "tcp", "-screen", "0"])
            .arg(format!("{width}x{height}x24"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn();
        let mut xvfb = match spawned {
            Ok(child) => child,
            Err(e) => {
                eprintln!("skipped: no Xvfb to open the window on ({e})");
                return None;
            }
        };
        let mut line = String::new();
        let read = xvfb
            .stdout
            .take()
            .map(|out| BufReader::new(out).read_line(&mut line));
        let number = line.trim();
        if !matches!(read, Some(Ok(n)) if n > 0) || number.parse::<u32>().is_err() {
            eprintln!("skipped: Xvfb did not start (it printed {line:?})");
            let _ = xvfb.kill();
            let _ = xvfb.wait();
            return None;
        }
        let display = format!(":{number}");
        Some(Self { xvfb, display })
    }
}

impl Drop for VirtualDisplay {
    fn drop(&mut self) {
        let _ = self.xvfb.kill();
        let _ = self.xvfb.wait();
    }
}
