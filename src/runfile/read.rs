//! Reading a `.tlrun` file, from a file that may come from anywhere: cut
//! short, flipped bits, another program's file renamed, a newer format, or
//! made to hurt. Every length is held to its kind's limit
//! ([`RecordKind::max_len`]) before a byte of it is read, a payload grows
//! only as its bytes arrive, and the reader holds one record at a time: the
//! events go on to a [`RunSink`], which decides what to keep. Every error
//! says, in words that follow the file's name, what is wrong.

use super::format::{
    FORMAT_VERSION, HEADER_LEN, MAGIC, MAX_CORE_VALUES, MAX_CORES, MAX_TIME_NS, RECORD_HEAD_LEN,
    RecordKind, TRAILER_LEN, decode_cores, decode_end,
};
use super::info::{Ending, RunInfo};
use crate::model::{CoreSample, Event, EventKind, Scenario, WorkerId, limits};
use flate2::bufread::DeflateDecoder;
use flate2::{Crc, CrcReader};
use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// What a reader hands a saved run's contents to, as they are read. The
/// checksum is checked at the end: a caller that gets an error must throw
/// away what it was given.
pub trait RunSink {
    /// The run's scenario, before anything else.
    fn scenario(&mut self, _scenario: &Scenario) {}
    /// A batch of events, in the order the run sent them.
    fn events(&mut self, batch: Vec<Event>);
    /// A core load sample.
    fn core_sample(&mut self, sample: CoreSample);
}

/// What is wrong with a file, in words that follow its name.
#[derive(Debug, thiserror::Error)]
pub enum Problem {
    /// The OS could not read it.
    #[error("cannot be read: {0}")]
    Io(#[source] io::Error),
    /// A folder, a device, a pipe.
    #[error("{0}")]
    NotAFile(&'static str),
    /// Nothing in it.
    #[error("is empty, not a saved run")]
    Empty,
    /// Not a `.tlrun` file at all.
    #[error("is not a threadlab run (it does not begin as a .tlrun file does)")]
    Foreign,
    /// A format this threadlab does not read.
    #[error("{}", version_words(*.0))]
    Version(u16),
    /// Ends before its end record.
    #[error("is cut short ({0}); it was not saved to its end")]
    Truncated(String),
    /// Its bytes are not what was written.
    #[error("is damaged: {0}")]
    Damaged(String),
    /// Well formed, but holds something no run has.
    #[error("holds a run threadlab cannot show: {0}")]
    Invalid(String),
}

fn version_words(found: u16) -> String {
    if found > FORMAT_VERSION {
        format!(
            "was saved by a newer threadlab (format version {found}; this one reads version \
             {FORMAT_VERSION}): update threadlab to open it"
        )
    } else {
        format!(
            "has format version {found}, which no threadlab wrote (this one reads version {FORMAT_VERSION})"
        )
    }
}

/// A file that could not be read as a saved run: the file, and what is wrong.
#[derive(Debug, thiserror::Error)]
#[error("{}: {problem}", path.display())]
pub struct RunFileError {
    /// The file.
    pub path: PathBuf,
    /// What is wrong with it.
    pub problem: Problem,
}

/// Reads the saved run at `path` into `sink` and returns its info. Only a
/// regular file is read; opening never waits on a pipe.
pub fn read_run_file(path: &Path, sink: &mut dyn RunSink) -> Result<RunInfo, RunFileError> {
    let fail = |problem| RunFileError {
        path: path.to_path_buf(),
        problem,
    };
    let file = crate::model::load::open_without_waiting(path).map_err(|e| fail(Problem::Io(e)))?;
    let meta = file.metadata().map_err(|e| fail(Problem::Io(e)))?;
    if meta.is_dir() {
        return Err(fail(Problem::NotAFile("is a folder, not a saved run")));
    }
    if !meta.is_file() {
        return Err(fail(Problem::NotAFile(
            "is not a regular file (a device, a pipe or a socket), not a saved run",
        )));
    }
    decode(BufReader::new(file), sink).map_err(fail)
}

/// Reads a saved run from `input` into `sink` and returns its info.
pub fn decode(input: impl BufRead, sink: &mut dyn RunSink) -> Result<RunInfo, Problem> {
    // Every byte up to the trailer goes through the file's checksum.
    let mut input = CrcReader::new(input);
    read_header(&mut input)?;
    let mut body = DeflateDecoder::new(input);
    let mut crc = Crc::new();
    let mut payload = Vec::new();
    let mut counts = Counts::default();
    let mut info = None;
    let scenario = read_scenario(&mut body, &mut crc, &mut payload)?;
    sink.scenario(&scenario);
    loop {
        let (kind, len) = read_record(&mut body, &mut payload)?;
        if kind == RecordKind::End {
            let (events, samples, sum) = decode_end(&payload)
                .ok_or_else(|| Problem::Damaged("its end record is malformed".to_owned()))?;
            if sum != crc.sum() {
                return Err(Problem::Damaged(
                    "its checksum does not match its contents".to_owned(),
                ));
            }
            if (events, samples) != (counts.events, counts.samples) {
                return Err(Problem::Damaged(format!(
                    "it says it holds {events} events and {samples} core samples, but holds {} and {}",
                    counts.events, counts.samples
                )));
            }
            break;
        }
        crc.update(&super::format::record_head(kind, len));
        crc.update(&payload);
        match kind {
            RecordKind::Events => {
                let batch = crate::wire::decode_events(&payload)
                    .map_err(|e| Problem::Damaged(format!("an event record: {e}")))?;
                for (i, e) in batch.iter().enumerate() {
                    check_event(e, counts.events + i as u64, &mut counts.last_t)?;
                }
                counts.events += batch.len() as u64;
                sink.events(batch);
            }
            RecordKind::Cores => {
                let sample = decode_cores(&payload).map_err(Problem::Damaged)?;
                counts.core_values +=
                    (sample.usage.len() + sample.front_end.len() + sample.helpers.len()) as u64;
                if counts.core_values > MAX_CORE_VALUES {
                    return Err(Problem::Invalid(
                        "more core samples than any run takes".to_owned(),
                    ));
                }
                counts.samples += 1;
                sink.core_sample(sample);
            }
            RecordKind::Info => {
                if info.is_some() {
                    return Err(Problem::Damaged("it holds two summaries".to_owned()));
                }
                let ending: Ending = serde_json::from_slice(&payload).map_err(|e| {
                    Problem::Damaged(format!("its summary does not parse ({})", words_of(&e)))
                })?;
                let parsed = RunInfo::from_parts(scenario.clone(), ending);
                parsed.check().map_err(Problem::Invalid)?;
                info = Some(parsed);
            }
            RecordKind::Scenario => {
                return Err(Problem::Damaged("it holds two scenarios".to_owned()));
            }
            RecordKind::End => {}
        }
    }
    let info = info.ok_or_else(|| Problem::Damaged("it holds no summary".to_owned()))?;
    // Nothing may follow: not in the compressed stream, not after it.
    let mut more = [0u8; 1];
    if read_some(&mut body, &mut more)? > 0 {
        return Err(Problem::Damaged("data follows its end record".to_owned()));
    }
    let summed = body.into_inner();
    let file_sum = summed.crc().sum();
    let mut rest = summed.into_inner();
    let mut trailer = [0u8; TRAILER_LEN];
    if read_full(&mut rest, &mut trailer)? < TRAILER_LEN {
        return Err(Problem::Truncated("it ends before its checksum".to_owned()));
    }
    if u32::from_le_bytes(trailer) != file_sum {
        return Err(Problem::Damaged(
            "its checksum does not match its bytes".to_owned(),
        ));
    }
    if !rest.fill_buf().map_err(Problem::Io)?.is_empty() {
        return Err(Problem::Damaged("bytes follow its checksum".to_owned()));
    }
    Ok(info)
}

/// The first record, the scenario, checked as a user's scenario file is.
fn read_scenario(
    body: &mut impl Read,
    crc: &mut Crc,
    payload: &mut Vec<u8>,
) -> Result<Scenario, Problem> {
    let (kind, len) = read_record(body, payload)?;
    if kind != RecordKind::Scenario {
        return Err(Problem::Damaged(format!(
            "it begins with a {kind:?} record, not its scenario"
        )));
    }
    crc.update(&super::format::record_head(kind, len));
    crc.update(payload);
    let scenario: Scenario = serde_json::from_slice(payload)
        .map_err(|e| Problem::Damaged(format!("its scenario does not parse ({})", words_of(&e))))?;
    scenario
        .validate()
        .map_err(|e| Problem::Invalid(format!("its scenario: {e}")))?;
    Ok(scenario)
}

#[derive(Default)]
struct Counts {
    /// Each worker's latest event time (at most 65 × 257 workers).
    last_t: HashMap<WorkerId, u64>,
    events: u64,
    samples: u64,
    core_values: u64,
}

fn read_header(input: &mut impl Read) -> Result<(), Problem> {
    let mut h = [0u8; HEADER_LEN];
    let got = read_full(input, &mut h)?;
    if got == 0 {
        return Err(Problem::Empty);
    }
    let magic_seen = got.min(MAGIC.len());
    if h[..magic_seen] != MAGIC[..magic_seen] {
        return Err(Problem::Foreign);
    }
    if got < HEADER_LEN {
        return Err(Problem::Truncated(format!(
            "{got} bytes, not even a header"
        )));
    }
    let version = u16::from_le_bytes([h[8], h[9]]);
    if version != FORMAT_VERSION {
        return Err(Problem::Version(version));
    }
    let flags = u16::from_le_bytes([h[10], h[11]]);
    if flags != 0 {
        return Err(Problem::Damaged(format!(
            "its header has unknown flags {flags:#06x}"
        )));
    }
    Ok(())
}

/// Reads one record into `payload`; its length is held to its kind's
/// limit before anything is read, and the buffer grows only as bytes come.
fn read_record(
    body: &mut impl Read,
    payload: &mut Vec<u8>,
) -> Result<(RecordKind, usize), Problem> {
    let mut head = [0u8; RECORD_HEAD_LEN];
    let got = read_full(body, &mut head)?;
    if got < RECORD_HEAD_LEN {
        return Err(Problem::Truncated(
            "it ends before its end record".to_owned(),
        ));
    }
    let kind = RecordKind::from_u8(head[0])
        .ok_or_else(|| Problem::Damaged(format!("a record of unknown kind {}", head[0])))?;
    let len = u32::from_le_bytes([head[1], head[2], head[3], head[4]]) as usize;
    if len > kind.max_len() {
        return Err(Problem::Damaged(format!(
            "a {kind:?} record of {len} bytes, more than the {} one may hold",
            kind.max_len()
        )));
    }
    payload.clear();
    let read = (&mut *body)
        .take(len as u64)
        .read_to_end(payload)
        .map_err(inflate_problem)?;
    if read < len {
        return Err(Problem::Truncated(format!(
            "a {kind:?} record ends after {read} of its {len} bytes"
        )));
    }
    Ok((kind, len))
}

/// Every event's worker, time and core must be one a run can have, and a
/// worker's events come in time order, as it recorded them: the window
/// draws a lane per worker and per core from them, each a row of spans
/// that follow one another.
fn check_event(e: &Event, index: u64, last_t: &mut HashMap<WorkerId, u64>) -> Result<(), Problem> {
    let bad = |what: String| Err(Problem::Invalid(format!("event {index}: {what}")));
    if e.t_ns > MAX_TIME_NS {
        return bad(format!("at {} ns, past any run's end", e.t_ns));
    }
    if u32::from(e.worker.process) > *limits::PROCESSES.end()
        || u32::from(e.worker.thread) > *limits::THREADS.end()
    {
        return bad(format!("worker {} is not one a run has", e.worker));
    }
    let names_core = matches!(e.kind, EventKind::CoreChange | EventKind::CoreWaitEnd);
    if names_core && e.arg >= MAX_CORES as u64 {
        return bad(format!("core {} is not one a machine has", e.arg));
    }
    let last = last_t.entry(e.worker).or_insert(0);
    if e.t_ns < *last {
        return bad(format!(
            "worker {} goes back in time, from {} ns to {} ns",
            e.worker, *last, e.t_ns
        ));
    }
    *last = e.t_ns;
    Ok(())
}

/// A parser's complaint, which may quote the file (a field's name), as a
/// short line: the error is one line on a terminal, whatever the file holds.
fn words_of(e: &serde_json::Error) -> String {
    const MOST: usize = 160;
    let text: String = e
        .to_string()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    match text.char_indices().nth(MOST) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}

/// Fills `buf` as far as the input goes; returns how much it got.
fn read_full(input: &mut impl Read, buf: &mut [u8]) -> Result<usize, Problem> {
    let mut got = 0;
    while got < buf.len() {
        match read_some(input, &mut buf[got..])? {
            0 => break,
            n => got += n,
        }
    }
    Ok(got)
}

fn read_some(input: &mut impl Read, buf: &mut [u8]) -> Result<usize, Problem> {
    loop {
        match input.read(buf) {
            Ok(n) => return Ok(n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(inflate_problem(e)),
        }
    }
}

/// The decompressor's errors in the file's terms.
fn inflate_problem(e: io::Error) -> Problem {
    match e.kind() {
        io::ErrorKind::UnexpectedEof => Problem::Truncated("its compressed data stops".to_owned()),
        io::ErrorKind::InvalidInput | io::ErrorKind::InvalidData => {
            Problem::Damaged("its compressed data is corrupt".to_owned())
        }
        _ => Problem::Io(e),
    }
}
