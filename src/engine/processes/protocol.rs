//! The messages parent and child exchange, on top of [`crate::wire`]'s
//! frames. Keeping them in one place makes the conversation readable:
//!
//! ```text
//! parent                                  child
//!   Hello {scenario, process, P, epoch} →
//!   Ping n                              →
//!                                       ←  Pong n, child clock
//!   (a few pings)
//!   Start                               →
//!                                       ←  Events … (live, in batches)
//!   Stop (optional)                     →
//!                                       ←  Result {InterpResult, RSS} | Error
//!                                          (child exits; its stdout ends)
//! ```

use crate::engine::interp::InterpResult;
use crate::model::{Event, Scenario, limits};
use crate::wire::{
    FrameKind, WireError, decode_events, parse_json, parse_u64s, read_frame, u64s_payload,
    write_events, write_frame, write_json,
};
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};

/// What a child needs to know before it starts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Handshake {
    /// threadlab's version; a child of another build refuses to run.
    pub build: String,
    /// The scenario (the child runs its own part of it).
    pub scenario: Scenario,
    /// This child's process index, 1..=P.
    pub process: u16,
    /// How many child processes share the work (P).
    pub processes: u32,
    /// The parent's clock epoch (monotonic ns), so both stamp one time axis.
    pub epoch_ns: u64,
    /// When the parent was about to spawn this child, on the run's clock.
    pub spawn_requested_ns: u64,
}

impl Handshake {
    /// This build's version string.
    pub fn this_build() -> String {
        env!("CARGO_PKG_VERSION").to_owned()
    }

    /// Checks what the hand-shake asks for against the limits the CLI and
    /// the window enforce: a child must not start 3,000 threads because
    /// someone wrote a hand-shake by hand. Says what is wrong, naming the knob.
    pub fn check(&self) -> Result<(), String> {
        self.scenario
            .validate()
            .map_err(|e| format!("the hand-shake's scenario: {e}"))?;
        if !limits::PROCESSES.contains(&self.processes) {
            return Err(format!(
                "the hand-shake's processes = {} is out of range {}..={}",
                self.processes,
                limits::PROCESSES.start(),
                limits::PROCESSES.end()
            ));
        }
        if self.process == 0 || u32::from(self.process) > self.processes {
            return Err(format!(
                "the hand-shake names process {}, not one of 1..={}",
                self.process, self.processes
            ));
        }
        Ok(())
    }
}

/// A child's final frame: what its interpreter measured.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ChildResult {
    /// The interpreter's result, as the lab returned it.
    pub interp: InterpResult,
    /// The child's resident memory when its lab ended, bytes.
    pub rss_bytes: u64,
}

/// A message from parent to child.
#[derive(Clone, Debug, PartialEq)]
pub enum ToChild {
    /// The hand-shake.
    Hello(Box<Handshake>),
    /// A clock probe with its sequence number.
    Ping(u64),
    /// Start the lab.
    Start,
    /// Stop at the next cooperative check.
    Stop,
}

/// A message from child to parent.
#[derive(Clone, Debug)]
pub enum FromChild {
    /// The answer to a ping: its sequence number and the child's clock.
    Pong {
        /// The ping's sequence number.
        seq: u64,
        /// The child's clock reading, ns on the run's time axis.
        child_now_ns: u64,
    },
    /// A batch of events.
    Events(Vec<Event>),
    /// The final measurements.
    Result(Box<ChildResult>),
    /// The child failed.
    Error(String),
}

impl ToChild {
    /// Writes the message and flushes.
    pub fn send<W: Write>(&self, w: &mut W) -> Result<(), WireError> {
        match self {
            ToChild::Hello(h) => write_json(w, FrameKind::Hello, h)?,
            ToChild::Ping(seq) => write_frame(w, FrameKind::Ping, &u64s_payload(&[*seq]))?,
            ToChild::Start => write_frame(w, FrameKind::Start, &[])?,
            ToChild::Stop => write_frame(w, FrameKind::Stop, &[])?,
        }
        w.flush()?;
        Ok(())
    }

    /// Reads the next message; `Ok(None)` at a clean end of the stream.
    pub fn receive<R: Read>(r: &mut R) -> Result<Option<Self>, WireError> {
        let Some(frame) = read_frame(r)? else {
            return Ok(None);
        };
        Ok(Some(match frame.kind {
            FrameKind::Hello => ToChild::Hello(Box::new(parse_json(&frame)?)),
            FrameKind::Ping => ToChild::Ping(parse_u64s::<1>(&frame)?[0]),
            FrameKind::Start => ToChild::Start,
            FrameKind::Stop => ToChild::Stop,
            got => {
                return Err(WireError::Unexpected {
                    got,
                    context: "a child reads only hello, ping, start and stop",
                });
            }
        }))
    }
}

impl FromChild {
    /// Writes the message (not flushed: batches are flushed by the writer).
    pub fn send<W: Write>(&self, w: &mut W) -> Result<(), WireError> {
        match self {
            FromChild::Pong { seq, child_now_ns } => {
                write_frame(w, FrameKind::Pong, &u64s_payload(&[*seq, *child_now_ns]))
            }
            FromChild::Events(events) => write_events(w, events),
            FromChild::Result(r) => write_json(w, FrameKind::Result, r),
            FromChild::Error(message) => write_frame(w, FrameKind::Error, message.as_bytes()),
        }
    }

    /// Reads the next message; `Ok(None)` at a clean end of the stream.
    pub fn receive<R: Read>(r: &mut R) -> Result<Option<Self>, WireError> {
        let Some(frame) = read_frame(r)? else {
            return Ok(None);
        };
        Ok(Some(match frame.kind {
            FrameKind::Pong => {
                let [seq, child_now_ns] = parse_u64s::<2>(&frame)?;
                FromChild::Pong { seq, child_now_ns }
            }
            FrameKind::Events => FromChild::Events(decode_events(&frame.payload)?),
            FrameKind::Result => FromChild::Result(Box::new(parse_json(&frame)?)),
            FrameKind::Error => {
                FromChild::Error(String::from_utf8_lossy(&frame.payload).into_owned())
            }
            got => {
                return Err(WireError::Unexpected {
                    got,
                    context: "a parent reads only pong, events, result and error",
                });
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EventKind, WorkerId};

    #[test]
    fn parent_messages_round_trip() {
        let hello = ToChild::Hello(Box::new(Handshake {
            build: Handshake::this_build(),
            scenario: Scenario::default(),
            process: 2,
            processes: 3,
            epoch_ns: 123,
            spawn_requested_ns: 45,
        }));
        let mut buf = Vec::new();
        for m in [&hello, &ToChild::Ping(7), &ToChild::Start, &ToChild::Stop] {
            m.send(&mut buf).unwrap();
        }
        let mut r = buf.as_slice();
        assert_eq!(ToChild::receive(&mut r).unwrap(), Some(hello));
        assert_eq!(ToChild::receive(&mut r).unwrap(), Some(ToChild::Ping(7)));
        assert_eq!(ToChild::receive(&mut r).unwrap(), Some(ToChild::Start));
        assert_eq!(ToChild::receive(&mut r).unwrap(), Some(ToChild::Stop));
        assert_eq!(ToChild::receive(&mut r).unwrap(), None);
    }

    #[test]
    fn child_messages_round_trip_and_directions_are_checked() {
        let event = Event::new(5, WorkerId::new(1, 0), EventKind::TaskStart, 9);
        let mut buf = Vec::new();
        FromChild::Pong {
            seq: 1,
            child_now_ns: 99,
        }
        .send(&mut buf)
        .unwrap();
        FromChild::Events(vec![event]).send(&mut buf).unwrap();
        FromChild::Error("boom".into()).send(&mut buf).unwrap();
        let mut r = buf.as_slice();
        assert!(matches!(
            FromChild::receive(&mut r).unwrap(),
            Some(FromChild::Pong {
                seq: 1,
                child_now_ns: 99
            })
        ));
        assert!(
            matches!(FromChild::receive(&mut r).unwrap(), Some(FromChild::Events(e)) if e == vec![event])
        );
        assert!(
            matches!(FromChild::receive(&mut r).unwrap(), Some(FromChild::Error(m)) if m == "boom")
        );
        // A parent's frame sent to the parent is refused.
        let mut wrong = Vec::new();
        ToChild::Start.send(&mut wrong).unwrap();
        assert!(matches!(
            FromChild::receive(&mut wrong.as_slice()),
            Err(WireError::Unexpected { .. })
        ));
    }
}
