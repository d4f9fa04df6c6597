//! The wire decoder is fed random bytes, random frames and truncated valid
//! streams: it must answer with a frame or an error, never panic, and never
//! trust a length it has not received. Frames over the limits (a length
//! past `MAX_PAYLOAD`, a batch count its bytes do not hold) are refused
//! before anything is read; and the worker's hand-shake is accepted only
//! whole, well formed, and within the CLI's limits.

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

/// Frames whose length field is over the limit, or whose batch count
/// disagrees with its bytes, are refused without reading or allocating
/// what they claim.
mod limits {
    use super::*;
    use std::io::Cursor;
    use threadlab::wire::{MAX_EVENTS_PER_FRAME, MAX_PAYLOAD, encode_events, encode_header};

    fn header(kind: u8, len: u32) -> Vec<u8> {
        let mut h = Vec::from(MAGIC);
        h.extend_from_slice(&VERSION.to_le_bytes());
        h.extend_from_slice(&[kind, 0]);
        h.extend_from_slice(&len.to_le_bytes());
        h
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn oversized_lengths_are_refused_before_the_payload_is_read(
            len in (MAX_PAYLOAD as u32 + 1)..=u32::MAX,
            kind in 1u8..=8,
            body in proptest::collection::vec(any::<u8>(), 0..256),
        ) {
            let mut bytes = header(kind, len);
            bytes.extend_from_slice(&body);
            let mut r = Cursor::new(bytes.as_slice());
            let read = read_frame(&mut r);
            let ok = matches!(read, Err(WireError::TooLarge { .. }));
            prop_assert!(ok, "{read:?}");
            prop_assert_eq!(r.position(), HEADER_LEN as u64, "only the header was read");
            let ok = matches!(decode_frame(&bytes), Err(WireError::TooLarge { .. }));
            prop_assert!(ok, "decode_frame read past the limit");
            let ok = matches!(
                FromChild::receive(&mut bytes.as_slice()),
                Err(WireError::TooLarge { .. })
            );
            prop_assert!(ok, "the parent read past the limit");
            prop_assert!(ToChild::receive(&mut bytes.as_slice()).is_err());
        }

        #[test]
        fn a_batch_whose_count_disagrees_with_its_bytes_is_refused(
            count in any::<u32>(),
            events in proptest::collection::vec(any_event(), 0..50),
        ) {
            let mut payload = encode_events(&events).unwrap();
            payload[..4].copy_from_slice(&count.to_le_bytes());
            let decoded = decode_events(&payload);
            if count as usize == events.len() {
                prop_assert_eq!(decoded.unwrap(), events);
            } else {
                let ok = matches!(decoded, Err(WireError::BadEvents(_)));
                prop_assert!(ok, "a count of {count} was trusted");
            }
        }

        #[test]
        fn a_frame_cut_anywhere_inside_is_truncated(
            events in proptest::collection::vec(any_event(), 1..60),
            cut in any::<prop::sample::Index>(),
        ) {
            let mut bytes = Vec::new();
            FromChild::Events(events).send(&mut bytes).unwrap();
            let cut = 1 + cut.index(bytes.len() - 1);
            let ok = matches!(
                read_frame(&mut &bytes[..cut]),
                Err(WireError::Truncated { .. })
            );
            prop_assert!(ok, "read_frame accepted a frame cut at {cut}");
            let ok = matches!(decode_frame(&bytes[..cut]), Err(WireError::Truncated { .. }));
            prop_assert!(ok, "decode_frame accepted a frame cut at {cut}");
        }
    }

    #[test]
    fn the_largest_batch_fits_one_frame_and_one_more_event_does_not() {
        let event = Event::new(1, WorkerId::new(1, 0), EventKind::TaskStart, 2);
        let most = vec![event; MAX_EVENTS_PER_FRAME];
        let payload = encode_events(&most).unwrap();
        assert!(payload.len() <= MAX_PAYLOAD);
        assert!(encode_header(FrameKind::Events, payload.len()).is_ok());
        assert_eq!(decode_events(&payload).unwrap().len(), MAX_EVENTS_PER_FRAME);
        let one_more = vec![event; MAX_EVENTS_PER_FRAME + 1];
        assert!(matches!(
            encode_events(&one_more),
            Err(WireError::TooLarge { .. })
        ));
        assert!(matches!(
            encode_header(FrameKind::Events, MAX_PAYLOAD + 1),
            Err(WireError::TooLarge { .. })
        ));
    }
}

/// The worker's hand-shake: it starts only with a whole, well-formed hello
/// whose settings are within the CLI's limits.
mod handshake {
    use super::*;
    use threadlab::engine::child::{ChildError, read_handshake};
    use threadlab::engine::processes::protocol::Handshake;
    use threadlab::model::{Lab, Scenario, limits};
    use threadlab::wire::{MAX_PAYLOAD, write_json};

    fn hello_bytes(h: &Handshake) -> Vec<u8> {
        let mut bytes = Vec::new();
        ToChild::Hello(Box::new(h.clone()))
            .send(&mut bytes)
            .unwrap();
        bytes
    }

    fn any_handshake() -> impl Strategy<Value = Handshake> {
        (
            (0u32..80, 0u32..400, 0u64..2_000_000, 0u32..200_000),
            (
                0u64..20_000_000_000,
                0u64..20_000,
                0u32..200_000,
                0u32..200_000_000,
            ),
            (0usize..Lab::ALL.len(), 0u16..80, 0u32..80),
        )
            .prop_map(
                |((processes, threads, switch, tasks), (size, io, queue, inc), (lab, p, pp))| {
                    Handshake {
                        build: Handshake::this_build(),
                        scenario: Scenario {
                            lab: Lab::ALL[lab],
                            processes,
                            threads,
                            switch_interval_us: switch,
                            tasks,
                            task_size: size,
                            io_ms: io,
                            queue_size: queue,
                            increments: inc,
                            ..Scenario::default()
                        },
                        process: p,
                        processes: pp,
                        epoch_ns: 0,
                        spawn_requested_ns: 0,
                    }
                },
            )
    }

    fn within_limits(h: &Handshake) -> bool {
        h.scenario.validate().is_ok()
            && limits::PROCESSES.contains(&h.processes)
            && h.process >= 1
            && u32::from(h.process) <= h.processes
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn a_hand_shake_is_accepted_exactly_when_within_the_limits(h in any_handshake()) {
            let got = read_handshake(&mut hello_bytes(&h).as_slice());
            if within_limits(&h) {
                prop_assert_eq!(got.unwrap(), Some(h));
            } else {
                let ok = matches!(got, Err(ChildError::Refused(_)));
                prop_assert!(ok, "{got:?}");
            }
        }

        #[test]
        fn a_cut_hand_shake_never_starts_anything(
            h in any_handshake(),
            cut in any::<prop::sample::Index>(),
        ) {
            let bytes = hello_bytes(&h);
            let cut = cut.index(bytes.len());
            match read_handshake(&mut &bytes[..cut]) {
                Ok(None) => prop_assert_eq!(cut, 0),
                Ok(Some(_)) => prop_assert!(false, "a cut hello was accepted"),
                Err(ChildError::Wire(WireError::Truncated { .. })) => {}
                Err(e) => prop_assert!(false, "{e}"),
            }
        }

        #[test]
        fn an_oversized_or_garbled_hello_is_refused(
            len in (MAX_PAYLOAD as u32 + 1)..=u32::MAX,
            garbage in proptest::collection::vec(any::<u8>(), 0..512),
        ) {
            let mut big = Vec::from(MAGIC);
            big.extend_from_slice(&VERSION.to_le_bytes());
            big.extend_from_slice(&[FrameKind::Hello as u8, 0]);
            big.extend_from_slice(&len.to_le_bytes());
            let ok = matches!(
                read_handshake(&mut big.as_slice()),
                Err(ChildError::Wire(WireError::TooLarge { .. }))
            );
            prop_assert!(ok, "an oversized hello was read");
            let mut bytes = Vec::new();
            write_frame(&mut bytes, FrameKind::Hello, &garbage).unwrap();
            prop_assert!(read_handshake(&mut bytes.as_slice()).is_err());
        }
    }

    #[test]
    fn another_build_or_another_first_frame_is_refused() {
        let mut h = Handshake {
            build: "0.0.0-other".to_owned(),
            scenario: Scenario::default(),
            process: 1,
            processes: 1,
            epoch_ns: 0,
            spawn_requested_ns: 0,
        };
        assert!(matches!(
            read_handshake(&mut hello_bytes(&h).as_slice()),
            Err(ChildError::Refused(m)) if m.contains("0.0.0-other")
        ));
        h.build = Handshake::this_build();
        let accepted = read_handshake(&mut hello_bytes(&h).as_slice()).unwrap();
        assert_eq!(
            accepted,
            Some(h.clone()),
            "the same build, within the limits"
        );
        let mut start_first = Vec::new();
        ToChild::Start.send(&mut start_first).unwrap();
        assert!(matches!(
            read_handshake(&mut start_first.as_slice()),
            Err(ChildError::Protocol(_))
        ));
        let mut json_of_other = Vec::new();
        write_json(
            &mut json_of_other,
            FrameKind::Hello,
            &serde_json::json!({"threads": 3000}),
        )
        .unwrap();
        assert!(matches!(
            read_handshake(&mut json_of_other.as_slice()),
            Err(ChildError::Wire(WireError::Json { .. }))
        ));
    }
}
