//! Scratch folders under the system's temporary folder, where the daemon lab
//! leaves its half-written files on purpose (see `labs/py/files.rs`).
//!
//! A lab removes its folder when it ends, but a process that is killed
//! (Stop kills child processes, Ctrl-C or SIGKILL can end threadlab itself)
//! runs no code at all. So each folder carries the pid of the process that
//! made it, `threadlab-scratch-<pid>-<tag>-<n>`, and whoever outlives a
//! process removes what it left: the parent after reaping a child, the CLI
//! before it gives up on an interrupted run, and every new scratch folder's
//! maker for processes that are gone (the next start after a kill).
//!
//! Removal is careful, since the temporary folder holds other people's
//! files: a folder is removed only when its name has our exact form, it is a
//! real folder (not a link), it belongs to this user, and it holds nothing
//! but the lab's own `task-N.part`, `task-N.journal` and `task-N.out` files.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The start of every scratch folder's name.
const PREFIX: &str = "threadlab-scratch-";

/// The start of the names of the scratch folders of process `pid`.
pub fn prefix_of(pid: u32) -> String {
    format!("{PREFIX}{pid}-")
}

/// Where a new scratch folder of this process, named after `tag` and `n`,
/// goes.
pub fn path_for(tag: &str, n: u64) -> PathBuf {
    std::env::temp_dir().join(format!("{}{tag}-{n}", prefix_of(std::process::id())))
}

/// Removes the scratch folders of process `pid` (which has ended, or is
/// about to); returns how many went.
pub fn remove_of(pid: u32) -> usize {
    remove_where(|owner| owner == pid)
}

/// Removes this process's own scratch folders, for a process that is about
/// to exit without running its labs' clean-up.
pub fn remove_own() -> usize {
    remove_of(std::process::id())
}

/// Removes the scratch folders of processes that no longer exist: what a
/// killed run left behind. Also removes those of earlier versions of
/// threadlab, named `threadlab-<pid>-daemon-p<k>-<n>`.
pub fn remove_stale() -> usize {
    remove_where(|owner| !alive(owner))
}

fn remove_where(remove: impl Fn(u32) -> bool) -> usize {
    let Ok(entries) = fs::read_dir(std::env::temp_dir()) else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_str()
                .and_then(owner_pid)
                .is_some_and(&remove)
        })
        .filter(|e| remove_if_ours(&e.path()).is_ok_and(|removed| removed))
        .count()
}

/// The pid in a scratch folder's name, if the name has our exact form.
fn owner_pid(name: &str) -> Option<u32> {
    if let Some(rest) = name.strip_prefix(PREFIX) {
        let (pid, rest) = rest.split_once('-')?;
        let (tag, n) = rest.rsplit_once('-')?;
        let ok = !tag.is_empty() && is_number(n);
        return ok.then(|| pid.parse().ok()).flatten();
    }
    // Earlier versions: threadlab-<pid>-daemon-p<k>-<n>.
    let rest = name.strip_prefix("threadlab-")?;
    let (pid, rest) = rest.split_once("-daemon-p")?;
    let (k, n) = rest.split_once('-')?;
    (is_number(k) && is_number(n))
        .then(|| pid.parse().ok())
        .flatten()
}

fn is_number(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Removes `dir` if it is a real folder of this user holding only the
/// lab's files; returns whether it did.
fn remove_if_ours(dir: &Path) -> io::Result<bool> {
    let meta = fs::symlink_metadata(dir)?;
    if !meta.file_type().is_dir() || !owned_by_me(&meta) {
        return Ok(false);
    }
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let lab_file = name.to_str().is_some_and(is_lab_file);
        if !lab_file || !entry.file_type()?.is_file() {
            return Ok(false);
        }
    }
    fs::remove_dir_all(dir)?;
    Ok(true)
}

/// `task-<n>.part`, `task-<n>.journal` or `task-<n>.out`.
fn is_lab_file(name: &str) -> bool {
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return false;
    };
    let numbered = stem.strip_prefix("task-").is_some_and(is_number);
    numbered && matches!(ext, "part" | "journal" | "out")
}

#[cfg(unix)]
fn owned_by_me(meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: getuid has no preconditions.
    meta.uid() == unsafe { libc::getuid() }
}

#[cfg(not(unix))]
fn owned_by_me(_meta: &fs::Metadata) -> bool {
    true
}

/// Whether process `pid` still runs. A zombie does not: it has ended and
/// only waits for its parent (or, re-parented, for an init that may never
/// reap it) to collect its status.
fn alive(pid: u32) -> bool {
    #[cfg(target_os = "linux")]
    {
        let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
            return false;
        };
        // The state follows the command name, which is in parentheses.
        stat.rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|state| state != "Z" && state != "X")
    }
    #[cfg(all(unix, not(target_os = "linux")))]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return false;
        };
        // SAFETY: signal 0 only asks whether the process exists.
        let rc = unsafe { libc::kill(pid, 0) };
        rc == 0 || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_names_are_ours() {
        assert_eq!(owner_pid("threadlab-scratch-42-daemon-p0-3"), Some(42));
        assert_eq!(owner_pid("threadlab-17-daemon-p2-0"), Some(17));
        for other in [
            "threadlab-scratch-42",
            "threadlab-scratch-x-daemon-0",
            "threadlab-scratch-42-daemon-p0-x",
            "threadlab-race-20261125-130509.json",
            "threadlab-123-20261125-130509.csv",
            "threadlab-smoke-99.ron",
        ] {
            assert_eq!(owner_pid(other), None, "{other}");
        }
        assert!(is_lab_file("task-12.part") && is_lab_file("task-0.journal"));
        assert!(!is_lab_file("notes.txt") && !is_lab_file("task-.out"));
    }

    #[test]
    fn a_folder_with_anything_else_in_it_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let theirs = dir.path().join("threadlab-scratch-1-daemon-p0-0");
        fs::create_dir(&theirs).unwrap();
        fs::write(theirs.join("task-1.part"), "x").unwrap();
        fs::write(theirs.join("thesis.tex"), "x").unwrap();
        assert!(!remove_if_ours(&theirs).unwrap());
        assert!(theirs.join("thesis.tex").exists());
        fs::remove_file(theirs.join("thesis.tex")).unwrap();
        assert!(remove_if_ours(&theirs).unwrap());
        assert!(!theirs.exists());
    }

    #[test]
    fn this_process_is_alive() {
        assert!(alive(std::process::id()));
    }
}
