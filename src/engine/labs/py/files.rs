//! Real resources for the daemon lab to leave behind. Each task writes an
//! output file in chunks under a scratch directory and, like a database
//! transaction, keeps a journal entry open until it commits:
//!
//! * begin: write `task-N.journal` (the open transaction) and create
//!   `task-N.part` (the output being written);
//! * each chunk is appended to `task-N.part`;
//! * commit: close and rename `task-N.part` to `task-N.out`, then delete the
//!   journal.
//!
//! A task cut off in between leaves a half-written `.part` file and an
//! uncommitted journal on disk, just as a Python daemon thread killed at exit
//! leaves its files unflushed and its transactions open. The lab counts them
//! after the fact, then removes the whole directory: nothing stays on disk.

use crate::engine::scratch;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Bytes in one chunk of a task's output.
pub const CHUNK_BYTES: usize = 4096;

/// Scratch directories made by this process so far (keeps names unique).
static MADE: AtomicU64 = AtomicU64::new(0);

/// The prefix of every scratch directory made by the process `pid`, under
/// the system's temporary directory (named in [`crate::engine::scratch`]).
pub fn scratch_prefix(pid: u32) -> String {
    scratch::prefix_of(pid)
}

/// What was found in a scratch directory when it was swept.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Leftovers {
    /// Output files never finished (`.part`).
    pub half_written: u64,
    /// Transactions never committed (`.journal`).
    pub open_transactions: u64,
    /// Outputs finished and committed (`.out`).
    pub committed: u64,
}

impl Leftovers {
    /// Resources left unreleased: half-written files and open transactions.
    pub fn unreleased(&self) -> u64 {
        self.half_written + self.open_transactions
    }
}

impl std::ops::Add for Leftovers {
    type Output = Leftovers;

    /// Both counts together.
    fn add(self, other: Leftovers) -> Leftovers {
        Leftovers {
            half_written: self.half_written + other.half_written,
            open_transactions: self.open_transactions + other.open_transactions,
            committed: self.committed + other.committed,
        }
    }
}

/// A directory of its own under the system's temporary directory, removed
/// with everything in it when dropped (also when a worker panicked).
#[derive(Debug)]
pub struct ScratchDir {
    path: PathBuf,
}

impl ScratchDir {
    /// Creates a new, empty directory named after `tag` and this process.
    /// First removes what killed runs left (their processes are gone), so a
    /// kill leaves nothing behind for longer than the next run.
    pub fn create(tag: &str) -> io::Result<Self> {
        scratch::remove_stale();
        let seq = MADE.fetch_add(1, Ordering::Relaxed);
        let path = scratch::path_for(tag, seq);
        fs::create_dir(&path)?;
        Ok(Self { path })
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Opens task `task`'s transaction and output file.
    pub fn begin(&self, task: u64) -> io::Result<TaskOutput> {
        let at = |ext: &str| self.path.join(format!("task-{task}.{ext}"));
        let journal = at("journal");
        fs::write(&journal, format!("begin task {task}\n"))?;
        let part = at("part");
        let file = OpenOptions::new()
            .create_new(true)
            .write(true)
            .open(&part)?;
        Ok(TaskOutput {
            task,
            file,
            part,
            out: at("out"),
            journal,
        })
    }

    /// Counts what is in the directory, then removes it and everything in it.
    /// A directory already swept counts as empty.
    pub fn sweep(&self) -> io::Result<Leftovers> {
        let mut found = Leftovers::default();
        let entries = match fs::read_dir(&self.path) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(found),
            Err(e) => return Err(e),
        };
        for entry in entries {
            let name = entry?.file_name();
            match Path::new(&name).extension().and_then(|e| e.to_str()) {
                Some("part") => found.half_written += 1,
                Some("journal") => found.open_transactions += 1,
                Some("out") => found.committed += 1,
                _ => {}
            }
        }
        fs::remove_dir_all(&self.path)?;
        Ok(found)
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        // Normally already swept; this is the path for errors and panics.
        let _ = fs::remove_dir_all(&self.path);
    }
}

/// One task's output file and open transaction. Dropping it without
/// [`TaskOutput::commit`] leaves both behind on disk, on purpose.
#[derive(Debug)]
pub struct TaskOutput {
    task: u64,
    file: File,
    part: PathBuf,
    out: PathBuf,
    journal: PathBuf,
}

impl TaskOutput {
    /// Appends chunk number `chunk` of the output.
    pub fn write_chunk(&mut self, chunk: u32) -> io::Result<()> {
        let fill = b'a' + (self.task.wrapping_add(chunk as u64) % 26) as u8;
        self.file.write_all(&[fill; CHUNK_BYTES])
    }

    /// Finishes the output (close, rename) and commits the transaction (the
    /// journal goes).
    pub fn commit(self) -> io::Result<()> {
        let TaskOutput {
            mut file,
            part,
            out,
            journal,
            ..
        } = self;
        file.flush()?;
        drop(file);
        fs::rename(&part, &out)?;
        fs::remove_file(&journal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_off_tasks_leave_files_that_sweep_counts_and_removes() {
        let dir = ScratchDir::create("unit").unwrap();
        let mut done = dir.begin(0).unwrap();
        done.write_chunk(0).unwrap();
        done.commit().unwrap();
        let mut cut = dir.begin(1).unwrap();
        cut.write_chunk(0).unwrap();
        drop(cut);
        let found = dir.sweep().unwrap();
        assert_eq!(
            found,
            Leftovers {
                half_written: 1,
                open_transactions: 1,
                committed: 1
            }
        );
        assert_eq!(found.unreleased(), 2);
        assert!(!dir.path().exists());
        assert_eq!(dir.sweep().unwrap(), Leftovers::default());
    }
}
