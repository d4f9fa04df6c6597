//! The bytes of a `.tlrun` file, and the limits a reader holds every length
//! to before it allocates anything.
//!
//! ```text
//! header     8 bytes magic (0x89 "TLRUN" CR LF), u16 format version, u16 flags (0)
//! body       one raw deflate stream of records, each: u8 kind, u32 length, payload
//!   Scenario   JSON: the knobs the run started with; the first record
//!   Events     the wire's batch payload: u32 count, 24 bytes an event (wire.rs)
//!   Cores      u64 t_ns, u64 interval_ns, three u32 counts, then that many f32 each
//!              (usage, front end, helpers)
//!   Info       JSON: the summary, the machine, when it was recorded
//!   End        u64 events, u64 core samples, u32 CRC-32 of every record before it
//! trailer    u32 CRC-32 of every byte of the file before it
//! ```
//!
//! Two checksums: the end record's sees a change in what the records say,
//! the trailer's any change to the file's bytes, even one the decompressor
//! would not notice (the unused bits of the stream's last byte).
//!
//! The scenario is known when the run starts, so it comes first and a
//! reader can lay out the lanes before the first event. Events and core
//! samples come in the order the run sent them, as it went on; the info
//! follows once the run is over, and the end record closes the file. A reader needs no seek and holds one record at a time. The magic's
//! first byte is not ASCII and it holds a CR LF, as PNG's does, so a file
//! mangled as text (or a text file named `.tlrun`) is told from a run.
//! Integers are little-endian.

use crate::model::CoreSample;

/// The first bytes of every `.tlrun` file.
pub const MAGIC: [u8; 8] = [0x89, b'T', b'L', b'R', b'U', b'N', b'\r', b'\n'];
/// The format this threadlab writes and the only one it reads. A change
/// that an older reader would misread bumps it.
pub const FORMAT_VERSION: u16 = 1;
/// Magic, version and flags.
pub const HEADER_LEN: usize = 12;
/// The extension a saved run's file name ends with.
pub const EXTENSION: &str = "tlrun";

/// The trailer: a CRC-32 of the file before it.
pub const TRAILER_LEN: usize = 4;

/// A record's kind byte and length.
pub const RECORD_HEAD_LEN: usize = 5;
/// Events per record at most (1.5 MB): the writer cuts batches to this.
pub const MAX_EVENTS_PER_RECORD: usize = 65_536;
/// Cores a sample may name: more than any machine threadlab runs on, few
/// enough that a lane per core stays drawable.
pub const MAX_CORES: usize = 4096;
/// The info record at most: a summary names every worker (1024 at most) and
/// core, a few hundred kilobytes; 16 MB leaves room and bounds a hostile one.
pub const MAX_INFO_BYTES: usize = 16 << 20;
/// Every core sample's values together at most (192 MB as f32): about
/// fourteen hours of a 64-core machine at 20 samples a second.
pub const MAX_CORE_VALUES: u64 = 48_000_000;
/// The latest event time accepted, ns (a hundred days): a run's clock
/// starts at 0, and a later time could only overflow someone's sum.
pub const MAX_TIME_NS: u64 = 100 * 86_400 * 1_000_000_000;

/// The kinds of record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum RecordKind {
    /// A batch of events.
    Events = 1,
    /// One core load sample.
    Cores = 2,
    /// Summary, machine, time, as JSON.
    Info = 3,
    /// The scenario, as JSON; the first record.
    Scenario = 4,
    /// Counts and checksum; the last record.
    End = 0xFF,
}

impl RecordKind {
    /// The kind for a byte, if it is one.
    pub fn from_u8(b: u8) -> Option<Self> {
        [
            Self::Events,
            Self::Cores,
            Self::Info,
            Self::Scenario,
            Self::End,
        ]
        .into_iter()
        .find(|k| *k as u8 == b)
    }

    /// The longest payload of this kind; a longer length is refused unread.
    pub fn max_len(self) -> usize {
        match self {
            Self::Events => 4 + MAX_EVENTS_PER_RECORD * crate::wire::EVENT_BYTES,
            Self::Cores => CORES_FIXED + 3 * MAX_CORES * 4,
            Self::Info | Self::Scenario => MAX_INFO_BYTES,
            Self::End => END_LEN,
        }
    }
}

/// The fixed part of a core sample record.
const CORES_FIXED: usize = 8 + 8 + 3 * 4;
/// The end record's payload.
pub const END_LEN: usize = 8 + 8 + 4;

/// A record's head: its kind and length.
pub fn record_head(kind: RecordKind, len: usize) -> [u8; RECORD_HEAD_LEN] {
    let mut head = [0u8; RECORD_HEAD_LEN];
    head[0] = kind as u8;
    head[1..].copy_from_slice(&(len as u32).to_le_bytes());
    head
}

/// The header of a file of this format.
pub fn header() -> [u8; HEADER_LEN] {
    let mut h = [0u8; HEADER_LEN];
    h[..8].copy_from_slice(&MAGIC);
    h[8..10].copy_from_slice(&FORMAT_VERSION.to_le_bytes());
    h
}

/// A core sample as a record's payload; at most [`MAX_CORES`] values of
/// each kind are written.
pub fn encode_cores(s: &CoreSample) -> Vec<u8> {
    let lists = [&s.usage, &s.front_end, &s.helpers].map(|v| &v[..v.len().min(MAX_CORES)]);
    let mut out =
        Vec::with_capacity(CORES_FIXED + lists.iter().map(|l| l.len() * 4).sum::<usize>());
    out.extend_from_slice(&s.t_ns.to_le_bytes());
    out.extend_from_slice(&s.interval_ns.to_le_bytes());
    for list in lists {
        out.extend_from_slice(&(list.len() as u32).to_le_bytes());
    }
    for list in lists {
        for v in list {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    out
}

/// Decodes [`encode_cores`]' payload. Loads that are not numbers, or
/// outside 0..=100 %, are clamped: a picture is drawn from them.
pub fn decode_cores(p: &[u8]) -> Result<CoreSample, String> {
    let u64_at = |at: usize| {
        p.get(at..at + 8)
            .and_then(|b| b.try_into().ok())
            .map(u64::from_le_bytes)
    };
    let u32_at = |at: usize| {
        p.get(at..at + 4)
            .and_then(|b| b.try_into().ok())
            .map(u32::from_le_bytes)
    };
    let short = || format!("a core sample of {} bytes is too short", p.len());
    let (t_ns, interval_ns) = (u64_at(0).ok_or_else(short)?, u64_at(8).ok_or_else(short)?);
    let mut counts = [0usize; 3];
    for (i, c) in counts.iter_mut().enumerate() {
        *c = u32_at(16 + 4 * i).ok_or_else(short)? as usize;
        if *c > MAX_CORES {
            return Err(format!(
                "a core sample names {c} cores (at most {MAX_CORES})"
            ));
        }
    }
    let want = CORES_FIXED + counts.iter().sum::<usize>() * 4;
    if p.len() != want {
        return Err(format!("a core sample needs {want} bytes, has {}", p.len()));
    }
    if t_ns > MAX_TIME_NS || interval_ns > MAX_TIME_NS {
        return Err(format!("a core sample at {t_ns} ns is past any run's end"));
    }
    let mut at = CORES_FIXED;
    let mut list = |n: usize| {
        let values: Vec<f32> = p[at..at + 4 * n]
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .map(|v| if v.is_nan() { 0.0 } else { v.clamp(0.0, 100.0) })
            .collect();
        at += 4 * n;
        values
    };
    Ok(CoreSample {
        t_ns,
        interval_ns,
        usage: list(counts[0]),
        front_end: list(counts[1]),
        helpers: list(counts[2]),
    })
}

/// The end record's payload: what came before it, counted and summed.
pub fn encode_end(events: u64, samples: u64, crc: u32) -> [u8; END_LEN] {
    let mut out = [0u8; END_LEN];
    out[..8].copy_from_slice(&events.to_le_bytes());
    out[8..16].copy_from_slice(&samples.to_le_bytes());
    out[16..].copy_from_slice(&crc.to_le_bytes());
    out
}

/// Decodes [`encode_end`]'s payload: events, samples, checksum.
pub fn decode_end(p: &[u8]) -> Option<(u64, u64, u32)> {
    let p: &[u8; END_LEN] = p.try_into().ok()?;
    let u64_at = |at: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&p[at..at + 8]);
        u64::from_le_bytes(b)
    };
    Some((
        u64_at(0),
        u64_at(8),
        u32::from_le_bytes([p[16], p[17], p[18], p[19]]),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_samples_round_trip_and_hostile_values_are_clamped() {
        let sample = CoreSample {
            t_ns: 50_000_000,
            interval_ns: 50_000_000,
            usage: vec![12.5, 100.0, 0.0],
            front_end: vec![1.0, 0.0, 0.0],
            helpers: vec![],
        };
        assert_eq!(decode_cores(&encode_cores(&sample)).unwrap(), sample);
        let wild = CoreSample {
            usage: vec![f32::NAN, -3.0, 1e30],
            ..sample.clone()
        };
        assert_eq!(
            decode_cores(&encode_cores(&wild)).unwrap().usage,
            [0.0, 0.0, 100.0]
        );
        let bytes = encode_cores(&sample);
        assert!(decode_cores(&bytes[..bytes.len() - 1]).is_err());
        assert!(decode_cores(&bytes[..10]).is_err());
        let mut huge = bytes.clone();
        huge[16..20].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(decode_cores(&huge).unwrap_err().contains("cores"));
    }

    #[test]
    fn every_kind_has_a_bound_and_the_end_round_trips() {
        for b in 0..=255u8 {
            if let Some(kind) = RecordKind::from_u8(b) {
                assert_eq!(kind as u8, b);
                assert!(kind.max_len() <= MAX_INFO_BYTES);
            }
        }
        assert_eq!(
            decode_end(&encode_end(7, 3, 0xDEAD_BEEF)),
            Some((7, 3, 0xDEAD_BEEF))
        );
        assert_eq!(decode_end(&[0; 3]), None);
    }
}
