//! The format's own tests: a run round-trips, and each kind of damage is
//! named as what it is. The fuzzing is in `tests/runfile.rs`.

use super::format::{HEADER_LEN, MAX_EVENTS_PER_RECORD, RecordKind, header, record_head};
use super::*;
use crate::model::{EventKind, RunSummary, Scenario, WorkerId, load_preset};
use std::io::Write;

fn info() -> RunInfo {
    let scenario: Scenario = load_preset("race").unwrap().unwrap();
    let summary = RunSummary {
        preset: "race".to_owned(),
        wall_ms: 12.5,
        events: 3,
        ..RunSummary::default()
    };
    RunInfo::now(scenario, summary)
}

fn events(n: usize) -> Vec<Event> {
    (0..n)
        .map(|i| {
            let kind = EventKind::ALL[i % EventKind::ALL.len()];
            let names_core = matches!(kind, EventKind::CoreChange | EventKind::CoreWaitEnd);
            let arg = if names_core { 1 } else { i as u64 };
            Event::new(i as u64 * 10, WorkerId::new(1, (i % 3) as u16), kind, arg)
        })
        .collect()
}

fn sample(t_ns: u64) -> CoreSample {
    CoreSample {
        t_ns,
        interval_ns: 50,
        usage: vec![50.0, 25.0],
        front_end: vec![1.0, 0.0],
        helpers: vec![0.5, 0.5],
    }
}

fn saved_bytes(events: &[Event]) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.tlrun");
    save_run(&path, &info(), events, &[sample(10), sample(20)]).unwrap();
    std::fs::read(path).unwrap()
}

fn decode_bytes(bytes: &[u8]) -> Result<RunInfo, Problem> {
    struct Nothing;
    impl RunSink for Nothing {
        fn events(&mut self, _: Vec<Event>) {}
        fn core_sample(&mut self, _: CoreSample) {}
    }
    decode(bytes, &mut Nothing)
}

/// A file whose body is `body`, compressed, after a good header.
fn with_body(body: &[u8]) -> Vec<u8> {
    let mut out = header().to_vec();
    let mut enc = flate2::write::DeflateEncoder::new(&mut out, flate2::Compression::fast());
    enc.write_all(body).unwrap();
    enc.finish().unwrap();
    let mut crc = flate2::Crc::new();
    crc.update(&out);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    out
}

/// The body of a saved file, decompressed.
fn body_of(bytes: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::bufread::DeflateDecoder::new(&bytes[HEADER_LEN..]),
        &mut body,
    )
    .unwrap();
    body
}

#[test]
fn a_run_round_trips_with_every_event_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.tlrun");
    // More than one record's worth, and not a multiple of it.
    let all = events(MAX_EVENTS_PER_RECORD * 2 + 17);
    let cores = vec![sample(10), sample(60)];
    let written = info();
    save_run(&path, &written, &all, &cores).unwrap();
    let back = load_run(&path).unwrap();
    assert_eq!(back.info, written);
    assert_eq!(back.events.events, all);
    assert_eq!(back.events.summarised, 0);
    assert_eq!(back.cores, cores);
    assert!(std::fs::read(&path).unwrap().starts_with(&MAGIC));
}

#[test]
fn a_stream_written_as_the_run_goes_equals_one_written_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.tlrun"), dir.path().join("b.tlrun"));
    let all = events(1000);
    let written = info();
    save_run(&a, &written, &all, &[]).unwrap();
    let (scenario, ending) = written.into_parts();
    let mut w = RunFileWriter::create(&b, &scenario).unwrap();
    for batch in all.chunks(7) {
        w.events(batch).unwrap();
    }
    w.finish(&ending).unwrap();
    assert_eq!(std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
}

#[test]
fn a_writer_dropped_before_its_end_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = RunFileWriter::create(&dir.path().join("cut.tlrun"), &info().scenario).unwrap();
    w.events(&events(200_000)).unwrap();
    drop(w);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn each_kind_of_damage_is_named() {
    let good = saved_bytes(&events(100));
    assert!(decode_bytes(&good).is_ok());
    assert!(matches!(decode_bytes(&[]), Err(Problem::Empty)));
    assert!(matches!(
        decode_bytes(b"{\"preset\": \"race\"}"),
        Err(Problem::Foreign)
    ));
    assert!(matches!(
        decode_bytes(&good[..5]),
        Err(Problem::Truncated(_))
    ));
    assert!(matches!(
        decode_bytes(&good[..good.len() - 3]),
        Err(Problem::Truncated(_))
    ));
    let mut newer = good.clone();
    newer[8] = 2;
    let e = decode_bytes(&newer).unwrap_err();
    assert!(e.to_string().contains("newer threadlab"), "{e}");
    let mut trailing = good.clone();
    trailing.push(0);
    assert!(matches!(decode_bytes(&trailing), Err(Problem::Damaged(_))));
}

#[test]
fn a_changed_byte_inside_the_body_fails_the_checksum() {
    let good = saved_bytes(&events(100));
    let mut body = body_of(&good);
    // After the scenario, the first record is a core sample (events wait
    // for a whole record): the lowest byte of its first core's load, still
    // a load.
    let scenario_len = u32::from_le_bytes(body[1..5].try_into().unwrap()) as usize;
    body[RECORD_HEAD + scenario_len + RECORD_HEAD + 28] ^= 0x01;
    let e = decode_bytes(&with_body(&body)).unwrap_err();
    assert!(e.to_string().contains("checksum"), "{e}");
}

const RECORD_HEAD: usize = super::format::RECORD_HEAD_LEN;

#[test]
fn a_hostile_length_is_refused_before_anything_is_allocated() {
    let mut body = record_head(RecordKind::Scenario, 0).to_vec();
    body[1..5].copy_from_slice(&u32::MAX.to_le_bytes());
    let e = decode_bytes(&with_body(&body)).unwrap_err();
    assert!(e.to_string().contains("more than"), "{e}");
    // A length within the limit, with nothing behind it, is cut short.
    let body = record_head(RecordKind::Info, 1 << 20).to_vec();
    assert!(matches!(
        decode_bytes(&with_body(&body)),
        Err(Problem::Truncated(_))
    ));
}

#[test]
fn events_no_run_has_are_refused() {
    for bad in [
        Event::new(0, WorkerId::new(0, 0), EventKind::CoreChange, 1 << 40),
        Event::new(0, WorkerId::new(u16::MAX, 0), EventKind::TaskStart, 0),
        Event::new(u64::MAX, WorkerId::new(0, 0), EventKind::TaskStart, 0),
    ] {
        let e = decode_bytes(&saved_bytes(&[bad])).unwrap_err();
        assert!(matches!(e, Problem::Invalid(_)), "{e}");
    }
}

#[test]
fn files_are_named_in_errors_and_folders_refused() {
    let dir = tempfile::tempdir().unwrap();
    let e = load_run(dir.path()).unwrap_err();
    assert!(e.to_string().contains("is a folder"), "{e}");
    assert!(
        e.to_string().starts_with(&dir.path().display().to_string()),
        "{e}"
    );
    let empty = dir.path().join("empty.tlrun");
    std::fs::write(&empty, b"").unwrap();
    let e = load_run(&empty).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("{}: is empty, not a saved run", empty.display())
    );
    assert!(has_run_extension(Path::new("a/b.TLRUN")));
    assert!(!has_run_extension(Path::new("b.json")));
}

#[test]
fn a_complaint_quoting_the_file_stays_one_short_line() {
    let name = "x\n".repeat(500);
    let json = format!("{{\"{name}\": 1}}");
    let mut body = record_head(RecordKind::Scenario, json.len()).to_vec();
    body.extend_from_slice(json.as_bytes());
    let e = decode_bytes(&with_body(&body)).unwrap_err().to_string();
    assert!(e.contains("does not parse"), "{e}");
    assert!(!e.contains('\n') && e.chars().count() < 300, "{e}");
}

#[test]
fn summaries_no_run_has_are_refused() {
    assert_eq!(info().check(), Ok(()));
    let mut i = info();
    i.summary.wall_ms = -1.0;
    assert!(i.check().unwrap_err().contains("wall_ms"));
    let mut i = info();
    i.summary.cpu_ms = 1e300;
    assert!(i.check().unwrap_err().contains("cpu_ms"));
    let mut i = info();
    i.machine.logical_cores = 1 << 20;
    assert!(i.check().unwrap_err().contains("cores"));
    let mut i = info();
    i.scenario.threads = 0;
    assert!(i.check().unwrap_err().contains("scenario"));
}
