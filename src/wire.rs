//! The framed protocol between threadlab and its child processes.
//!
//! A child process is threadlab's own executable, so both ends are built from
//! this file; still, a pipe can carry anything (a stray `println!`, a child of
//! another build, a half-written frame when a process dies), so the decoder
//! trusts nothing: every frame starts with a magic number and the protocol
//! version, its length is checked against a hard limit before any memory is
//! set aside for it, and a malformed frame is an error, never a panic.
//!
//! A frame is a 12-byte header followed by its payload:
//!
//! | bytes | field                                       |
//! |-------|---------------------------------------------|
//! | 0..4  | magic `TLWF`                                |
//! | 4..6  | protocol version, u16 little-endian         |
//! | 6     | frame kind ([`FrameKind`])                  |
//! | 7     | flags, always 0                             |
//! | 8..12 | payload length, u32 little-endian, ≤ [`MAX_PAYLOAD`] |
//!
//! Event batches are binary (a u32 count, then 24 bytes per event, see
//! [`encode_events`]); the hand-shake and the final result are JSON.

use crate::model::{Event, EventKind, WorkerId};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::io::{self, Read, Write};

/// The first four bytes of every frame.
pub const MAGIC: [u8; 4] = *b"TLWF";
/// The protocol version; both ends must agree exactly.
pub const VERSION: u16 = 1;
/// Bytes in a frame header.
pub const HEADER_LEN: usize = 12;
/// The largest payload a frame may carry (16 MiB): a longer length field is
/// rejected before anything is read or allocated.
pub const MAX_PAYLOAD: usize = 16 << 20;
/// Bytes per encoded event.
pub const EVENT_BYTES: usize = 24;
/// The most events one frame can carry.
pub const MAX_EVENTS_PER_FRAME: usize = (MAX_PAYLOAD - 4) / EVENT_BYTES;

/// What a frame carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum FrameKind {
    /// Parent → child: the hand-shake (JSON).
    Hello = 1,
    /// Parent → child: a clock probe; payload = sequence number, u64 LE.
    Ping = 2,
    /// Child → parent: the answer; payload = sequence number and the child's
    /// clock reading, two u64 LE.
    Pong = 3,
    /// Parent → child: start the lab (empty payload).
    Start = 4,
    /// Child → parent: a batch of events (binary).
    Events = 5,
    /// Child → parent: the child's final measurements (JSON).
    Result = 6,
    /// Child → parent: the child failed; payload = UTF-8 message.
    Error = 7,
    /// Parent → child: stop at the next cooperative check (empty payload).
    Stop = 8,
}

impl FrameKind {
    /// The kind with this byte, for decoding.
    pub fn from_u8(v: u8) -> Option<Self> {
        Some(match v {
            1 => FrameKind::Hello,
            2 => FrameKind::Ping,
            3 => FrameKind::Pong,
            4 => FrameKind::Start,
            5 => FrameKind::Events,
            6 => FrameKind::Result,
            7 => FrameKind::Error,
            8 => FrameKind::Stop,
            _ => return None,
        })
    }
}

/// One decoded frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    /// What it carries.
    pub kind: FrameKind,
    /// Its payload, exactly as long as the header said.
    pub payload: Vec<u8>,
}

/// Why bytes could not be read or written as a frame.
#[derive(Debug, thiserror::Error)]
pub enum WireError {
    /// The pipe failed.
    #[error("pipe error: {0}")]
    Io(#[from] io::Error),
    /// The bytes are not a threadlab frame.
    #[error("not a threadlab frame (starts with {0:02x?})")]
    BadMagic([u8; 4]),
    /// The other end speaks another protocol version.
    #[error("protocol version {got}, expected {VERSION}")]
    Version {
        /// The version in the frame.
        got: u16,
    },
    /// The frame kind is unknown.
    #[error("unknown frame kind {0}")]
    UnknownKind(u8),
    /// The flags byte is not 0.
    #[error("frame flags {0:#04x} are not 0")]
    BadFlags(u8),
    /// The length field exceeds [`MAX_PAYLOAD`].
    #[error("frame of {len} bytes exceeds the limit of {MAX_PAYLOAD} bytes")]
    TooLarge {
        /// The claimed length.
        len: u64,
    },
    /// The stream ended inside a frame.
    #[error("truncated frame: got {got} of {expected} bytes")]
    Truncated {
        /// Bytes the frame needs.
        expected: usize,
        /// Bytes that arrived.
        got: usize,
    },
    /// An event batch is malformed.
    #[error("bad event batch: {0}")]
    BadEvents(String),
    /// A fixed-size payload has the wrong size.
    #[error("{kind:?} payload of {len} bytes, expected {expected}")]
    BadLength {
        /// The frame kind.
        kind: FrameKind,
        /// Its payload length.
        len: usize,
        /// The length it must have.
        expected: usize,
    },
    /// A JSON payload does not parse.
    #[error("bad {kind:?} payload: {source}")]
    Json {
        /// The frame kind.
        kind: FrameKind,
        /// What serde said.
        source: serde_json::Error,
    },
    /// A frame arrived where another was expected.
    #[error("unexpected {got:?} frame ({context})")]
    Unexpected {
        /// The frame that came.
        got: FrameKind,
        /// What was expected instead.
        context: &'static str,
    },
}

/// Encodes a frame header for a payload of `len` bytes.
pub fn encode_header(kind: FrameKind, len: usize) -> Result<[u8; HEADER_LEN], WireError> {
    if len > MAX_PAYLOAD {
        return Err(WireError::TooLarge { len: len as u64 });
    }
    let mut h = [0u8; HEADER_LEN];
    h[0..4].copy_from_slice(&MAGIC);
    h[4..6].copy_from_slice(&VERSION.to_le_bytes());
    h[6] = kind as u8;
    h[7] = 0;
    h[8..12].copy_from_slice(&(len as u32).to_le_bytes());
    Ok(h)
}

/// Checks a header and returns the frame kind and payload length.
pub fn decode_header(h: &[u8; HEADER_LEN]) -> Result<(FrameKind, usize), WireError> {
    let magic = [h[0], h[1], h[2], h[3]];
    if magic != MAGIC {
        return Err(WireError::BadMagic(magic));
    }
    let version = u16::from_le_bytes([h[4], h[5]]);
    if version != VERSION {
        return Err(WireError::Version { got: version });
    }
    let kind = FrameKind::from_u8(h[6]).ok_or(WireError::UnknownKind(h[6]))?;
    if h[7] != 0 {
        return Err(WireError::BadFlags(h[7]));
    }
    let len = u32::from_le_bytes([h[8], h[9], h[10], h[11]]) as usize;
    if len > MAX_PAYLOAD {
        return Err(WireError::TooLarge { len: len as u64 });
    }
    Ok((kind, len))
}

/// Writes one frame (not flushed).
pub fn write_frame<W: Write>(w: &mut W, kind: FrameKind, payload: &[u8]) -> Result<(), WireError> {
    w.write_all(&encode_header(kind, payload.len())?)?;
    w.write_all(payload)?;
    Ok(())
}

/// Reads one frame. `Ok(None)` when the stream ends cleanly between frames;
/// an end inside a frame is [`WireError::Truncated`]. Memory grows only with
/// the bytes that actually arrive, never with what a header claims.
pub fn read_frame<R: Read>(r: &mut R) -> Result<Option<Frame>, WireError> {
    let mut header = [0u8; HEADER_LEN];
    let got = read_full(r, &mut header)?;
    if got == 0 {
        return Ok(None);
    }
    if got < HEADER_LEN {
        return Err(WireError::Truncated {
            expected: HEADER_LEN,
            got,
        });
    }
    let (kind, len) = decode_header(&header)?;
    let mut payload = Vec::new();
    r.take(len as u64).read_to_end(&mut payload)?;
    if payload.len() < len {
        return Err(WireError::Truncated {
            expected: HEADER_LEN + len,
            got: HEADER_LEN + payload.len(),
        });
    }
    Ok(Some(Frame { kind, payload }))
}

/// Decodes the frame at the start of `bytes`; returns it and the bytes used.
pub fn decode_frame(bytes: &[u8]) -> Result<(Frame, usize), WireError> {
    let Some(header) = bytes.first_chunk::<HEADER_LEN>() else {
        return Err(WireError::Truncated {
            expected: HEADER_LEN,
            got: bytes.len(),
        });
    };
    let (kind, len) = decode_header(header)?;
    let end = HEADER_LEN + len;
    let Some(payload) = bytes.get(HEADER_LEN..end) else {
        return Err(WireError::Truncated {
            expected: end,
            got: bytes.len(),
        });
    };
    Ok((
        Frame {
            kind,
            payload: payload.to_vec(),
        },
        end,
    ))
}

/// Reads until `buf` is full or the stream ends; returns the bytes read.
fn read_full<R: Read>(r: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Encodes events as a batch payload: a u32 count, then per event `t_ns`
/// (u64), `arg` (u64), process (u16), thread (u16), kind (u8) and three zero
/// bytes, all little-endian. At most [`MAX_EVENTS_PER_FRAME`] events.
pub fn encode_events(events: &[Event]) -> Result<Vec<u8>, WireError> {
    if events.len() > MAX_EVENTS_PER_FRAME {
        return Err(WireError::TooLarge {
            len: (4 + events.len() * EVENT_BYTES) as u64,
        });
    }
    let mut out = Vec::with_capacity(4 + events.len() * EVENT_BYTES);
    out.extend_from_slice(&(events.len() as u32).to_le_bytes());
    for e in events {
        out.extend_from_slice(&e.t_ns.to_le_bytes());
        out.extend_from_slice(&e.arg.to_le_bytes());
        out.extend_from_slice(&e.worker.process.to_le_bytes());
        out.extend_from_slice(&e.worker.thread.to_le_bytes());
        out.extend_from_slice(&[e.kind as u8, 0, 0, 0]);
    }
    Ok(out)
}

/// Decodes a batch payload written by [`encode_events`].
pub fn decode_events(payload: &[u8]) -> Result<Vec<Event>, WireError> {
    let Some((count, body)) = payload.split_first_chunk::<4>() else {
        return Err(WireError::BadEvents(format!(
            "{} bytes, too short for a count",
            payload.len()
        )));
    };
    let count = u32::from_le_bytes(*count) as usize;
    if body.len() != count.saturating_mul(EVENT_BYTES) {
        return Err(WireError::BadEvents(format!(
            "{count} events need {} bytes, got {}",
            count.saturating_mul(EVENT_BYTES),
            body.len()
        )));
    }
    body.chunks_exact(EVENT_BYTES)
        .enumerate()
        .map(|(i, c)| decode_event(c).map_err(|m| WireError::BadEvents(format!("event {i}: {m}"))))
        .collect()
}

fn decode_event(c: &[u8]) -> Result<Event, String> {
    let u64_at = |at: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&c[at..at + 8]);
        u64::from_le_bytes(b)
    };
    let u16_at = |at: usize| u16::from_le_bytes([c[at], c[at + 1]]);
    let kind = EventKind::from_u8(c[20]).ok_or_else(|| format!("unknown kind {}", c[20]))?;
    if c[21..24] != [0, 0, 0] {
        return Err("padding bytes are not 0".to_owned());
    }
    Ok(Event::new(
        u64_at(0),
        WorkerId::new(u16_at(16), u16_at(18)),
        kind,
        u64_at(8),
    ))
}

/// Writes `events` as one or more batch frames (not flushed).
pub fn write_events<W: Write>(w: &mut W, events: &[Event]) -> Result<(), WireError> {
    for chunk in events.chunks(MAX_EVENTS_PER_FRAME) {
        write_frame(w, FrameKind::Events, &encode_events(chunk)?)?;
    }
    Ok(())
}

/// Writes `value` as a JSON frame of `kind` (not flushed).
pub fn write_json<W: Write, T: Serialize>(
    w: &mut W,
    kind: FrameKind,
    value: &T,
) -> Result<(), WireError> {
    let payload = serde_json::to_vec(value).map_err(|source| WireError::Json { kind, source })?;
    write_frame(w, kind, &payload)
}

/// Parses a JSON frame's payload.
pub fn parse_json<T: DeserializeOwned>(frame: &Frame) -> Result<T, WireError> {
    serde_json::from_slice(&frame.payload).map_err(|source| WireError::Json {
        kind: frame.kind,
        source,
    })
}

/// The payload as a fixed number of little-endian u64s.
pub fn parse_u64s<const N: usize>(frame: &Frame) -> Result<[u64; N], WireError> {
    if frame.payload.len() != N * 8 {
        return Err(WireError::BadLength {
            kind: frame.kind,
            len: frame.payload.len(),
            expected: N * 8,
        });
    }
    let mut out = [0u64; N];
    for (v, c) in out.iter_mut().zip(frame.payload.chunks_exact(8)) {
        let mut b = [0u8; 8];
        b.copy_from_slice(c);
        *v = u64::from_le_bytes(b);
    }
    Ok(out)
}

/// `values` as little-endian bytes, the payload [`parse_u64s`] reads.
pub fn u64s_payload(values: &[u64]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_events() -> Vec<Event> {
        EventKind::ALL
            .iter()
            .enumerate()
            .map(|(i, &k)| Event::new(i as u64 * 1000, WorkerId::new(3, i as u16), k, !i as u64))
            .collect()
    }

    #[test]
    fn events_round_trip_through_a_frame() {
        let events = sample_events();
        let mut buf = Vec::new();
        write_events(&mut buf, &events).unwrap();
        assert_eq!(buf.len(), HEADER_LEN + 4 + events.len() * EVENT_BYTES);
        let frame = read_frame(&mut buf.as_slice()).unwrap().unwrap();
        assert_eq!(frame.kind, FrameKind::Events);
        assert_eq!(decode_events(&frame.payload).unwrap(), events);
        let (same, used) = decode_frame(&buf).unwrap();
        assert_eq!((same, used), (frame, buf.len()));
    }

    #[test]
    fn clean_end_between_frames_is_none() {
        assert!(read_frame(&mut [].as_slice()).unwrap().is_none());
    }

    #[test]
    fn garbage_wrong_version_and_oversize_are_errors() {
        let mut frame = Vec::new();
        write_frame(&mut frame, FrameKind::Start, &[]).unwrap();
        let mut bad = frame.clone();
        bad[0] = b'X';
        assert!(matches!(decode_frame(&bad), Err(WireError::BadMagic(_))));
        let mut bad = frame.clone();
        bad[4] = 9;
        assert!(matches!(
            decode_frame(&bad),
            Err(WireError::Version { got: 9 })
        ));
        let mut bad = frame.clone();
        bad[8..12].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(
            read_frame(&mut bad.as_slice()),
            Err(WireError::TooLarge { .. })
        ));
        let mut bad = frame;
        bad[6] = 200;
        assert!(matches!(
            decode_frame(&bad),
            Err(WireError::UnknownKind(200))
        ));
    }

    #[test]
    fn truncated_frames_are_errors() {
        let mut buf = Vec::new();
        write_events(&mut buf, &sample_events()).unwrap();
        for cut in [1, HEADER_LEN - 1, HEADER_LEN, HEADER_LEN + 5, buf.len() - 1] {
            assert!(
                matches!(
                    read_frame(&mut &buf[..cut]),
                    Err(WireError::Truncated { .. })
                ),
                "cut at {cut}"
            );
            assert!(matches!(
                decode_frame(&buf[..cut]),
                Err(WireError::Truncated { .. })
            ));
        }
    }

    #[test]
    fn bad_batches_are_errors() {
        let mut payload = encode_events(&sample_events()).unwrap();
        assert!(decode_events(&payload[..payload.len() - 1]).is_err());
        assert!(decode_events(&[1, 0]).is_err());
        payload[4 + 20] = 99;
        assert!(decode_events(&payload).is_err());
        // A count far larger than the bytes behind it allocates nothing.
        assert!(decode_events(&u32::MAX.to_le_bytes()).is_err());
    }

    #[test]
    fn u64_payloads_check_their_length() {
        let frame = Frame {
            kind: FrameKind::Pong,
            payload: u64s_payload(&[7, 9]),
        };
        assert_eq!(parse_u64s::<2>(&frame).unwrap(), [7, 9]);
        assert!(parse_u64s::<1>(&frame).is_err());
    }
}
