//! Which Python runs the program: `python3` on PATH unless one is named,
//! asked for its version and whether it runs with a GIL, and checked to be
//! new enough for the probe. Free-threaded builds (`python3.13t`,
//! `python3.14t`, or any interpreter whose `sys._is_gil_enabled()` is
//! false) are found on PATH as the real counterpart of `--gil off`.

use super::LensError;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The oldest Python the probe runs on (`os.register_at_fork`,
/// `time.thread_time_ns`, f-strings).
pub const MIN_VERSION: (u32, u32) = (3, 8);

/// How long an interpreter may take to say what it is.
const ASK_TIMEOUT: Duration = Duration::from_secs(10);

/// Names tried on PATH for a free-threaded build, newest first.
pub const FREE_THREADED_NAMES: [&str; 3] = ["python3.14t", "python3.13t", "python3t"];

/// An interpreter, as it described itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Interpreter {
    /// How it was named (a path, or a name found on PATH).
    pub path: PathBuf,
    /// `3.11.7`.
    pub version: String,
    /// Major, minor, micro.
    #[serde(skip)]
    pub version_info: (u32, u32, u32),
    /// `cpython`, `pypy`, …
    pub implementation: String,
    /// Whether it was built free-threaded (PEP 703: it can run without a GIL).
    pub free_threaded_build: bool,
    /// Whether it runs with a GIL as started (a free-threaded build does not,
    /// unless told to with `PYTHON_GIL=1`).
    pub gil_by_default: bool,
}

impl Interpreter {
    /// "CPython 3.11.7", "CPython 3.13.1 (free-threaded)".
    pub fn label(&self) -> String {
        let name = match self.implementation.as_str() {
            "cpython" => "CPython".to_owned(),
            "pypy" => "PyPy".to_owned(),
            other => other.to_owned(),
        };
        let ft = if self.free_threaded_build {
            " (free-threaded)"
        } else {
            ""
        };
        format!("{name} {}{ft}", self.version)
    }
}

/// What an interpreter prints about itself: works in Python 2 as well, so
/// that a Python too old is named rather than failing to parse.
const ASK: &str = "import sys\n\
v = sys.version_info\n\
impl = getattr(getattr(sys, 'implementation', None), 'name', 'cpython')\n\
try:\n    import sysconfig\n    ft = sysconfig.get_config_var('Py_GIL_DISABLED') or 0\n\
except Exception:\n    ft = 0\n\
gil = getattr(sys, '_is_gil_enabled', lambda: True)()\n\
sys.stdout.write('%d %d %d %s %d %d\\n' % (v[0], v[1], v[2], impl, int(bool(ft)), int(bool(gil))))\n";

/// Finds the interpreter to use: `explicit`, else `python3` on PATH.
pub fn find(explicit: Option<&Path>) -> Result<Interpreter, LensError> {
    let path = match explicit {
        Some(p) => p.to_owned(),
        None => which("python3").ok_or(LensError::NoPython)?,
    };
    let found = ask(&path)?;
    let (major, minor, _) = found.version_info;
    if (major, minor) < MIN_VERSION {
        return Err(LensError::TooOld {
            path: path.display().to_string(),
            version: found.version,
        });
    }
    Ok(found)
}

/// The free-threaded interpreters on PATH, newest name first.
pub fn free_threaded() -> Vec<Interpreter> {
    FREE_THREADED_NAMES
        .iter()
        .filter_map(|name| which(name))
        .filter_map(|p| ask(&p).ok())
        .filter(|i| i.free_threaded_build && (i.version_info.0, i.version_info.1) >= MIN_VERSION)
        .collect()
}

/// Asks `path` what it is.
pub fn ask(path: &Path) -> Result<Interpreter, LensError> {
    let shown = path.display().to_string();
    let mut child = Command::new(path)
        .args(["-E", "-c", ASK])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| LensError::NotRunnable {
            path: shown.clone(),
            why: e.to_string(),
        })?;
    let deadline = Instant::now() + ASK_TIMEOUT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(5)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(LensError::NotRunnable {
                    path: shown,
                    why: "it did not answer within 10 s".to_owned(),
                });
            }
        }
    };
    let mut out = String::new();
    if let Some(mut stdout) = child.stdout.take() {
        use std::io::Read;
        let _ = stdout.read_to_string(&mut out);
    }
    let not_python = || LensError::NotRunnable {
        path: shown.clone(),
        why: format!("it does not answer as a Python interpreter would ({status})"),
    };
    if !status.success() {
        return Err(not_python());
    }
    parse_answer(path, &out).ok_or_else(not_python)
}

fn parse_answer(path: &Path, text: &str) -> Option<Interpreter> {
    let f: Vec<&str> = text.split_whitespace().collect();
    let [major, minor, micro, implementation, ft, gil] = f.as_slice() else {
        return None;
    };
    let info = (
        major.parse().ok()?,
        minor.parse().ok()?,
        micro.parse().ok()?,
    );
    Some(Interpreter {
        path: path.to_owned(),
        version: format!("{}.{}.{}", info.0, info.1, info.2),
        version_info: info,
        implementation: (*implementation).to_owned(),
        free_threaded_build: *ft == "1",
        gil_by_default: *gil == "1",
    })
}

/// `name` on PATH, as a shell would find it.
pub fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_read_field_by_field() {
        let i = parse_answer(Path::new("py"), "3 13 1 cpython 1 0\n").unwrap();
        assert_eq!(i.version, "3.13.1");
        assert!(i.free_threaded_build && !i.gil_by_default);
        assert_eq!(i.label(), "CPython 3.13.1 (free-threaded)");
        assert!(parse_answer(Path::new("py"), "Python 2.7").is_none());
    }

    #[test]
    fn a_missing_interpreter_is_named() {
        let err = find(Some(Path::new("/nonexistent/python9"))).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/python9"), "{err}");
    }
}
