//! The probe's records as threadlab reads them: one text line each, in a
//! file per process that the interpreter appends to and threadlab tails.
//!
//! ```text
//! H process pid ppid version gil      the file's first line
//! K thread t_ns cpu_ns arg arg2       a record of one lane (K: a letter)
//! K -1 t_ns 0 arg 0                   a mark of the whole process
//! Z key value                         one of the program's own numbers
//! ```
//!
//! A line is only read once it is whole; a process killed in the middle of
//! a write leaves a last partial line, which is never read.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// One record.
#[derive(Clone, Debug, PartialEq)]
pub enum Record {
    /// The process's file begins.
    Header {
        /// Its number: 0 for the program's main process, then 1, 2, … in
        /// the order the program started them.
        process: u16,
        /// Its pid.
        pid: u32,
        /// Whether it runs with a GIL.
        gil: bool,
        /// `3.11.7`.
        version: String,
    },
    /// Something a lane (a thread of the program) did.
    Lane(LaneRecord),
    /// Something the whole process did: `S` the work starts, `F` it ends
    /// (`arg`: records the probe had to drop), `k` a child was killed.
    Mark {
        /// The letter.
        kind: u8,
        /// Nanoseconds on threadlab's run clock.
        t_ns: i64,
        /// What it says.
        arg: u64,
    },
    /// One of the numbers the program measured itself (`wall_ms`, `counter`).
    Result {
        /// Its name.
        key: String,
        /// Its value (booleans are 1 and 0).
        value: f64,
    },
}

/// What one lane recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LaneRecord {
    /// The letter: W X T E C I J L A R B P Q G D V K.
    pub kind: u8,
    /// The lane, from 0 in its process.
    pub thread: u16,
    /// Nanoseconds on threadlab's run clock.
    pub t_ns: i64,
    /// The thread's CPU time, ns.
    pub cpu_ns: u64,
    /// First argument (a task, an item, a wait in µs, …).
    pub arg: u64,
    /// Second argument (a queue's depth).
    pub arg2: u64,
}

/// Reads one line; `None` for a line that is not a record.
pub fn parse_line(line: &str) -> Option<Record> {
    let mut f = line.split_ascii_whitespace();
    let kind = f.next()?;
    match kind {
        "H" => {
            let process = f.next()?.parse().ok()?;
            let pid = f.next()?.parse().ok()?;
            let _ppid: u32 = f.next()?.parse().ok()?;
            let version = f.next()?.to_owned();
            let gil = f.next()? == "1";
            Some(Record::Header {
                process,
                pid,
                gil,
                version,
            })
        }
        "Z" => Some(Record::Result {
            key: f.next()?.to_owned(),
            value: f.next()?.parse().ok()?,
        }),
        _ if kind.len() == 1 => {
            let letter = kind.as_bytes()[0];
            let thread: i64 = f.next()?.parse().ok()?;
            let t_ns = f.next()?.parse().ok()?;
            let cpu_ns = f.next()?.parse().ok()?;
            let arg = f.next()?.parse().ok()?;
            let arg2 = f.next()?.parse().ok()?;
            if thread < 0 {
                return Some(Record::Mark {
                    kind: letter,
                    t_ns,
                    arg,
                });
            }
            Some(Record::Lane(LaneRecord {
                kind: letter,
                thread: u16::try_from(thread).ok()?,
                t_ns,
                cpu_ns,
                arg,
                arg2,
            }))
        }
        _ => None,
    }
}

/// One process's file, read as it grows.
#[derive(Debug)]
pub struct Tail {
    path: PathBuf,
    file: Option<File>,
    offset: u64,
    partial: Vec<u8>,
}

/// Bytes read from one file per look, so one busy process cannot hold up
/// the others (the rest is read at the next look).
const READ_PER_LOOK: usize = 4 << 20;

impl Tail {
    /// A reader of `path` from its start.
    pub fn new(path: &Path) -> Self {
        Self {
            path: path.to_owned(),
            file: None,
            offset: 0,
            partial: Vec::new(),
        }
    }

    /// The whole lines written since the last look.
    pub fn read_new(&mut self) -> std::io::Result<Vec<Record>> {
        if self.file.is_none() {
            self.file = Some(File::open(&self.path)?);
        }
        let Some(file) = self.file.as_mut() else {
            return Ok(Vec::new());
        };
        file.seek(SeekFrom::Start(self.offset))?;
        let mut bytes = Vec::new();
        let n = file.take(READ_PER_LOOK as u64).read_to_end(&mut bytes)?;
        self.offset += n as u64;
        self.partial.extend_from_slice(&bytes);
        let Some(last_newline) = self.partial.iter().rposition(|&b| b == b'\n') else {
            return Ok(Vec::new());
        };
        let whole: Vec<u8> = self.partial.drain(..=last_newline).collect();
        let text = String::from_utf8_lossy(&whole);
        Ok(text.lines().filter_map(parse_line).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_line_is_read() {
        assert_eq!(
            parse_line("H 2 100 99 3.11.7 1"),
            Some(Record::Header {
                process: 2,
                pid: 100,
                gil: true,
                version: "3.11.7".into()
            })
        );
        assert_eq!(
            parse_line("C 1 5000 4000 0 0"),
            Some(Record::Lane(LaneRecord {
                kind: b'C',
                thread: 1,
                t_ns: 5000,
                cpu_ns: 4000,
                arg: 0,
                arg2: 0
            }))
        );
        assert_eq!(
            parse_line("S -1 42 0 0 0"),
            Some(Record::Mark {
                kind: b'S',
                t_ns: 42,
                arg: 0
            })
        );
        assert_eq!(
            parse_line("Z counter 11.0"),
            Some(Record::Result {
                key: "counter".into(),
                value: 11.0
            })
        );
        assert_eq!(parse_line("C 1 5000"), None);
        assert_eq!(parse_line("garbage"), None);
    }

    #[test]
    fn a_partial_last_line_waits_for_its_end() {
        let dir = std::env::temp_dir().join(format!("tl-tail-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("1.rec");
        std::fs::write(&path, "H 0 1 1 3.11.7 1\nT 0 10 5 7 0\nE 0 2").unwrap();
        let mut tail = Tail::new(&path);
        assert_eq!(tail.read_new().unwrap().len(), 2);
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        f.write_all(b"0 9 7 0\n").unwrap();
        let more = tail.read_new().unwrap();
        assert!(matches!(&more[..], [Record::Lane(r)] if r.kind == b'E' && r.t_ns == 20));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
