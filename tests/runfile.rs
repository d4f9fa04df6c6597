//! Runs as files (`.tlrun`): a run saved with `run --save` reads back as
//! the same summary and the same trace; `show` converts it without running
//! anything; bad paths are refused in one line with exit code 2 and leave
//! nothing behind; and the decoder is fed truncated, bit-flipped,
//! wrong-version and random files, as the wire's is (`processes/wire_props.rs`):
//! it answers with a run or an error, never a panic, and allocates only
//! what the bytes it has read hold.

use proptest::prelude::*;
use std::path::Path;
use std::process::Output;
use threadlab::analysis::timeline::Timeline;
use threadlab::export::chrome_trace;
use threadlab::model::{CoreSample, Event, EventKind, RunSummary, WorkerId, load_preset};
use threadlab::runfile::format::{HEADER_LEN, MAX_CORES, RecordKind, header, record_head};
use threadlab::runfile::{Machine, Problem, RunInfo, RunSink, decode, save_run};

#[path = "util/cli.rs"]
mod cli;
use cli::{stderr, threadlab};

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Bad input: exit code 2 and one line on stderr that names `what`.
fn assert_bad_input(o: &Output, what: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.contains(what), "{err} names {what}");
    assert!(
        o.stdout.is_empty(),
        "nothing printed: {}",
        String::from_utf8_lossy(&o.stdout)
    );
}

#[test]
fn a_saved_run_shows_the_summary_and_trace_the_run_printed() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).display().to_string();
    let (saved, live_trace, shown_trace) =
        (path("race.tlrun"), path("live.json"), path("shown.json"));
    let run = threadlab(&[
        "run",
        "race",
        "--json",
        "--save",
        &saved,
        "--trace",
        &live_trace,
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    let show = threadlab(&["show", &saved, "--json", "--trace", &shown_trace]);
    assert!(show.status.success(), "{}", stderr(&show));
    let printed: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let mut shown: serde_json::Value = serde_json::from_slice(&show.stdout).unwrap();
    // What `show` adds: when and where the run was recorded.
    let recorded = shown
        .as_object_mut()
        .unwrap()
        .remove("recorded")
        .expect("recorded");
    assert_eq!(shown, printed, "the same summary, number for number");
    let machine: Machine = serde_json::from_value(recorded["machine"].clone()).unwrap();
    assert_eq!(
        machine.logical_cores as usize,
        threadlab::sampling::Topology::cached().logical()
    );
    assert!(
        recorded["at"].as_str().unwrap().ends_with("UTC"),
        "{recorded}"
    );
    assert_eq!(
        std::fs::read(&live_trace).unwrap(),
        std::fs::read(&shown_trace).unwrap(),
        "the same trace, byte for byte"
    );
    // The text form names the machine and the time, then the run's lines.
    let text = threadlab(&["show", &saved]);
    assert!(text.status.success(), "{}", stderr(&text));
    let text = String::from_utf8_lossy(&text.stdout).into_owned();
    assert!(text.starts_with("recorded "), "{text}");
    assert!(text.contains("counter: expected 20"), "{text}");
    assert_eq!(
        entries(dir.path()),
        ["live.json", "race.tlrun", "shown.json"]
    );
}

#[test]
fn a_run_saved_without_a_trace_still_holds_every_event() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("q.tlrun").display().to_string();
    let csv = dir.path().join("q.csv").display().to_string();
    let run = threadlab(&["run", "queue", "--json", "--save", &saved]);
    assert!(run.status.success(), "{}", stderr(&run));
    let printed: RunSummary = serde_json::from_slice(&run.stdout).unwrap();
    let back = threadlab::runfile::load_run(Path::new(&saved)).unwrap();
    assert_eq!(back.info.summary, printed);
    assert_eq!(back.events.events.len() as u64, printed.events);
    assert!(printed.events > 0 && printed.events_kept == 0);
    let show = threadlab(&["show", &saved, "--csv", &csv]);
    assert!(show.status.success(), "{}", stderr(&show));
    let expected = threadlab::export::summary_csv(std::slice::from_ref(&printed));
    assert_eq!(std::fs::read_to_string(&csv).unwrap(), expected);
}

#[test]
fn bad_save_paths_are_refused_before_the_run_and_leave_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display().to_string();
    let wrong = format!("{d}/run.json");
    assert_bad_input(&threadlab(&["run", "race", "--save", &wrong]), "--save");
    assert_bad_input(&threadlab(&["run", "race", "--save", &wrong]), "run.json");
    let folder = format!("{d}/a.tlrun");
    std::fs::create_dir(&folder).unwrap();
    assert_bad_input(&threadlab(&["run", "race", "--save", &folder]), "a.tlrun");
    let missing = format!("{d}/no/such/run.tlrun");
    assert_bad_input(
        &threadlab(&["run", "race", "--save", &missing]),
        "run.tlrun",
    );
    // Nobody may create files in /proc, not even root.
    assert_bad_input(
        &threadlab(&["run", "race", "--save", "/proc/run.tlrun"]),
        "/proc/run.tlrun",
    );
    assert_eq!(entries(dir.path()), ["a.tlrun"]);
    assert!(entries(Path::new(&folder)).is_empty());
}

#[test]
fn files_that_are_not_saved_runs_are_named_with_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.tlrun");
    std::fs::write(&empty, b"").unwrap();
    let text = dir.path().join("notes.tlrun");
    std::fs::write(&text, b"a lecture's notes").unwrap();
    for (path, why) in [
        (empty.as_path(), "is empty"),
        (text.as_path(), "is not a threadlab run"),
        (dir.path(), "is a folder"),
        (Path::new("/dev/null"), "not a regular file"),
        (&dir.path().join("gone.tlrun"), "cannot be read"),
    ] {
        let name = path.display().to_string();
        let o = threadlab(&["show", &name]);
        assert_bad_input(&o, &name);
        assert!(stderr(&o).contains(why), "{}", stderr(&o));
    }
    // The outputs are refused before the file is read.
    let out = dir.path().join("x/t.json").display().to_string();
    assert_bad_input(
        &threadlab(&["show", &empty.display().to_string(), "--trace", &out]),
        "--trace",
    );
}

/// A saved run, in memory, of a few events and samples.
fn saved_bytes(events: &[Event], samples: &[CoreSample]) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.tlrun");
    let scenario = load_preset("race").unwrap().unwrap();
    let summary = RunSummary {
        preset: "race".to_owned(),
        wall_ms: 3.0,
        ..RunSummary::default()
    };
    save_run(&path, &RunInfo::now(scenario, summary), events, samples).unwrap();
    std::fs::read(path).unwrap()
}

/// What a sink was given, so a test can draw and export it.
#[derive(Default)]
struct Collect {
    events: Vec<Event>,
    samples: Vec<CoreSample>,
}

impl RunSink for Collect {
    fn events(&mut self, batch: Vec<Event>) {
        self.events.extend(batch);
    }
    fn core_sample(&mut self, sample: CoreSample) {
        self.samples.push(sample);
    }
}

fn try_decode(bytes: &[u8]) -> Result<(RunInfo, Collect), Problem> {
    let mut sink = Collect::default();
    decode(bytes, &mut sink).map(|info| (info, sink))
}

fn sample_run() -> Vec<u8> {
    let w = |t| WorkerId::new(0, t);
    let mut events = Vec::new();
    for i in 0..300u64 {
        let thread = (i % 2) as u16;
        events.push(Event::new(i * 1000, w(thread), EventKind::GilAcquire, i));
        events.push(Event::new(
            i * 1000 + 500,
            w(thread),
            EventKind::GilRelease,
            1,
        ));
    }
    let sample = CoreSample {
        t_ns: 50_000,
        interval_ns: 50_000,
        usage: vec![40.0, 60.0],
        front_end: vec![1.0, 1.0],
        helpers: vec![0.0, 0.0],
    };
    saved_bytes(&events, &[sample])
}

fn any_event() -> impl Strategy<Value = Event> {
    // Within what a reader accepts: workers and cores a run can have.
    (
        0..5_000_000u64,
        any::<u64>(),
        0..4u16,
        0..5u16,
        0..EventKind::ALL.len(),
    )
        .prop_map(|(t, arg, p, th, k)| {
            let kind = EventKind::ALL[k];
            let arg = match kind {
                EventKind::CoreChange | EventKind::CoreWaitEnd => arg % MAX_CORES as u64,
                _ => arg,
            };
            Event::new(t, WorkerId::new(p, th), kind, arg)
        })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 200,
        ..ProptestConfig::default()
    })]

    /// Cut anywhere, a saved run is refused as cut short or damaged.
    #[test]
    fn a_truncated_file_is_an_error(cut in 0usize..10_000) {
        let good = sample_run();
        let cut = cut % good.len();
        let e = try_decode(&good[..cut]).err().expect("a cut file is refused");
        prop_assert!(matches!(e, Problem::Empty | Problem::Truncated(_) | Problem::Damaged(_)), "{e}");
    }

    /// Any one bit flipped anywhere, the file is refused: the header's
    /// checks, the compressed stream's or the checksum see it.
    #[test]
    fn a_flipped_bit_is_an_error(at in 0usize..100_000, bit in 0u8..8) {
        let mut bytes = sample_run();
        let at = at % bytes.len();
        bytes[at] ^= 1 << bit;
        let e = try_decode(&bytes).err().expect("a changed file is refused");
        prop_assert!(!e.to_string().contains('\n'), "one line: {}", e);
    }

    /// Any other format version is named as one.
    #[test]
    fn another_version_is_named(version in any::<u16>().prop_filter("not ours", |v| *v != 1)) {
        let mut bytes = sample_run();
        bytes[8..10].copy_from_slice(&version.to_le_bytes());
        let e = try_decode(&bytes).err().expect("refused");
        prop_assert!(matches!(e, Problem::Version(v) if v == version));
        prop_assert!(e.to_string().contains("format version"));
    }

    /// Random bytes, with or without our header before them, never panic.
    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048), ours in any::<bool>()) {
        let mut input = if ours { header().to_vec() } else { Vec::new() };
        input.extend_from_slice(&bytes);
        prop_assert!(try_decode(&input).is_err());
    }

    /// Well-compressed records of any kind and length field, with random
    /// payloads: refused or read, never a panic, and a length field of up
    /// to 4 GB is answered without allocating it.
    #[test]
    fn random_records_never_panic(records in proptest::collection::vec(
        (any::<u8>(), any::<u32>(), proptest::collection::vec(any::<u8>(), 0..256)), 0..6)
    ) {
        let mut body = Vec::new();
        for (kind, len, payload) in &records {
            body.push(*kind);
            body.extend_from_slice(&len.to_le_bytes());
            body.extend_from_slice(payload);
        }
        let mut file = header().to_vec();
        let mut enc = flate2::write::DeflateEncoder::new(&mut file, flate2::Compression::fast());
        std::io::Write::write_all(&mut enc, &body).unwrap();
        enc.finish().unwrap();
        let e = try_decode(&file).err().expect("refused");
        prop_assert!(!e.to_string().contains('\n'), "one line: {}", e);
    }

    /// A well-formed file of any events a reader accepts (any kinds in any
    /// order, each worker's in time order) reads back whole, and the
    /// timeline and the trace take them without a panic: the reader's
    /// checks are enough for what draws them.
    #[test]
    fn any_accepted_events_are_drawn_and_exported(mut events in proptest::collection::vec(any_event(), 0..400)) {
        events.sort_by_key(|e| e.t_ns);
        let (info, got) = try_decode(&saved_bytes(&events, &[])).expect("a good file reads");
        prop_assert_eq!(&got.events, &events);
        let mut timeline = Timeline::new(info.scenario.gil);
        for batch in got.events.chunks(37) {
            timeline.ingest(batch);
        }
        let _ = timeline.horizon_ns();
        let _ = chrome_trace(&info.summary, &got.events);
    }

    /// Events a worker did not record in time order are refused, named.
    #[test]
    fn events_out_of_order_are_refused(events in proptest::collection::vec(any_event(), 2..100)) {
        let ordered = events.iter().all(|e| events.iter().take_while(|x| !std::ptr::eq(*x, e))
            .filter(|x| x.worker == e.worker).all(|x| x.t_ns <= e.t_ns));
        match try_decode(&saved_bytes(&events, &[])) {
            Ok(_) => prop_assert!(ordered),
            Err(e) => {
                prop_assert!(!ordered);
                prop_assert!(e.to_string().contains("back in time"), "{}", e);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 12,
        ..ProptestConfig::default()
    })]

    /// Through the command line: a damaged file is bad input, exit code 2,
    /// one line naming the file.
    #[test]
    fn damaged_files_are_bad_input_on_the_command_line(cut in 0usize..10_000, flip in any::<bool>()) {
        let mut bytes = sample_run();
        if flip {
            let at = HEADER_LEN + cut % (bytes.len() - HEADER_LEN);
            bytes[at] ^= 0x10;
        } else {
            bytes.truncate(cut % bytes.len());
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("damaged.tlrun");
        std::fs::write(&path, &bytes).unwrap();
        let o = threadlab(&["show", &path.display().to_string(), "--json"]);
        prop_assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        let err = stderr(&o);
        prop_assert_eq!(err.lines().count(), 1);
        prop_assert!(err.contains("damaged.tlrun"), "{}", err);
    }
}

#[test]
fn a_newer_format_names_the_way_out() {
    let mut bytes = sample_run();
    bytes[8..10].copy_from_slice(&2u16.to_le_bytes());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("newer.tlrun");
    std::fs::write(&path, &bytes).unwrap();
    let name = path.display().to_string();
    let o = threadlab(&["show", &name]);
    assert_bad_input(&o, &name);
    assert!(stderr(&o).contains("newer threadlab"), "{}", stderr(&o));
}

#[test]
fn a_record_claiming_four_gigabytes_is_refused_unread() {
    let mut body = record_head(RecordKind::Scenario, 0).to_vec();
    body[1..5].copy_from_slice(&u32::MAX.to_le_bytes());
    let mut file = header().to_vec();
    let mut enc = flate2::write::DeflateEncoder::new(&mut file, flate2::Compression::fast());
    std::io::Write::write_all(&mut enc, &body).unwrap();
    enc.finish().unwrap();
    let e = try_decode(&file).err().expect("refused");
    assert!(matches!(e, Problem::Damaged(_)), "{e}");
}
