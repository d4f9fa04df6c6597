//! The wire decoder is fed random bytes, random frames and truncated valid
//! streams: it must answer with a frame or an error, never panic, and never
//! trust a length it has not received.

use proptest::prelude::*;
use threadlab::engine::interp::InterpResult;
use threadlab::engine::processes::protocol::{ChildResult, FromChild, ToChild};
use threadlab::model::{Event, EventKind, WorkerId};
use threadlab::wire::{
    FrameKind, HEADER_LEN, MAGIC, VERSION, WireError, decode_events, decode_frame, read_frame,
    write_frame,
};

fn any_event() -> impl Strategy<Value = Event> {
    (
        any::<u64>(),
        any::<u64>(),
        any::<u16>(),
        any::<u16>(),
        0..EventKind::ALL.len(),
    )
        .prop_map(|(t, arg, p, th, k)| Event::new(t, WorkerId::new(p, th), EventKind::ALL[k], arg))
}

/// A valid child → parent stream: a pong, event batches, the result.
fn valid_stream(batches: &[Vec<Event>]) -> Vec<u8> {
    let mut buf = Vec::new();
    FromChild::Pong {
        seq: 0,
        child_now_ns: 42,
    }
    .send(&mut buf)
    .unwrap();
    for b in batches {
        FromChild::Events(b.clone()).send(&mut buf).unwrap();
    }
    FromChild::Result(Box::new(ChildResult {
        interp: InterpResult::default(),
        rss_bytes: 1,
    }))
    .send(&mut buf)
    .unwrap();
    buf
}

/// Reads messages until the end or the first error; returns how many came.
fn drain(bytes: &[u8]) -> Result<usize, WireError> {
    let mut r = bytes;
    let mut n = 0;
    while FromChild::receive(&mut r)?.is_some() {
        n += 1;
    }
    Ok(n)
}

proptest! {
    #![proptest_config(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = decode_frame(&bytes);
        let _ = read_frame(&mut bytes.as_slice());
        let _ = decode_events(&bytes);
        let _ = drain(&bytes);
        let _ = ToChild::receive(&mut bytes.as_slice());
    }

    #[test]
    fn random_frames_after_a_valid_header_never_panic(
        kind in any::<u8>(),
        len in any::<u32>(),
        body in proptest::collection::vec(any::<u8>(), 0..2048),
    ) {
        let mut bytes = Vec::from(MAGIC);
        bytes.extend_from_slice(&VERSION.to_le_bytes());
        bytes.extend_from_slice(&[kind, 0]);
        bytes.extend_from_slice(&len.to_le_bytes());
        bytes.extend_from_slice(&body);
        match read_frame(&mut bytes.as_slice()) {
            // A frame is returned only when every byte it claims arrived.
            Ok(Some(frame)) => prop_assert_eq!(frame.payload.len(), len as usize),
            Ok(None) => prop_assert!(false, "a header was there"),
            Err(_) => {}
        }
        let _ = drain(&bytes);
        let _ = ToChild::receive(&mut bytes.as_slice());
    }

    #[test]
    fn truncated_streams_are_errors_and_whole_ones_decode(
        batches in proptest::collection::vec(proptest::collection::vec(any_event(), 0..40), 0..4),
        cut in any::<prop::sample::Index>(),
    ) {
        let bytes = valid_stream(&batches);
        // An empty batch sends no frame.
        let frames = batches.iter().filter(|b| !b.is_empty()).count() + 2;
        prop_assert_eq!(drain(&bytes).unwrap(), frames);
        let cut = cut.index(bytes.len());
        let mut r = &bytes[..cut];
        let mut whole = 0;
        let ended = loop {
            match FromChild::receive(&mut r) {
                Ok(Some(_)) => whole += 1,
                Ok(None) => break Ok(()),
                Err(e) => break Err(e),
            }
        };
        // A cut between frames ends cleanly; anywhere else is Truncated.
        match ended {
            Ok(()) => prop_assert!(whole < frames),
            Err(e) => prop_assert!(matches!(e, WireError::Truncated { .. }), "{e}"),
        }
    }

    #[test]
    fn flipped_bytes_never_panic(
        batches in proptest::collection::vec(proptest::collection::vec(any_event(), 0..20), 1..3),
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
    ) {
        let mut bytes = valid_stream(&batches);
        for (at, v) in flips {
            let i = at.index(bytes.len());
            bytes[i] = v;
        }
        let _ = drain(&bytes);
    }
}

#[test]
fn an_oversized_length_is_refused_before_reading() {
    let mut bytes = Vec::new();
    write_frame(&mut bytes, FrameKind::Events, &[]).unwrap();
    bytes[8..12].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(matches!(
        read_frame(&mut bytes.as_slice()),
        Err(WireError::TooLarge { .. })
    ));
    assert_eq!(bytes.len(), HEADER_LEN);
}
