//! Clips from the window, pressed the way a lecturer presses them: Record
//! draws the finished run's replay frame by frame into a GIF in the export
//! folder, with a progress bar that moves; Cancel stops it and leaves no
//! file; the same run and options give the same file, byte for byte, with
//! the state colours exact and a frame count that follows the run's length,
//! the speed and the frame rate. Runs on the fixed, hand-built run the
//! other window tests draw (no live timing).
#![cfg(feature = "gui")]

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use threadlab::analysis::timeline::State;
use threadlab::gui::present::{Palette, Theme};
use threadlab::gui::{AppOptions, ThreadlabApp};
use threadlab::video::Format;

#[path = "util/recorded.rs"]
mod recorded;
use recorded::recorded_run;

#[path = "util/window.rs"]
mod harness;
use harness::window;

/// Long enough for a debug build drawing every frame on a busy machine.
const CLIP_TIMEOUT: Duration = Duration::from_secs(600);

/// The window on the recorded run, exporting into `dir`, its clips made at
/// `speed` (an index of the replay's speeds) and `fps`.
fn window_on_run(dir: &Path, speed: usize, fps: u32) -> Harness<'static, ThreadlabApp> {
    let mut app = ThreadlabApp::new(AppOptions::default())
        .expect("the default preset opens")
        .with_recorded(recorded_run());
    app.set_export_dir(dir.to_path_buf());
    let s = app.clip_settings_mut();
    s.speed = speed;
    s.fps = fps;
    s.format = Format::Gif;
    let mut h = window(app);
    h.run();
    h
}

fn press_record(h: &mut Harness<'static, ThreadlabApp>) {
    h.get_by_role_and_label(Role::Button, "Record").click();
    h.run();
}

/// Steps the window until the clip is done; returns the file it wrote.
fn wait_for_clip(h: &mut Harness<'static, ThreadlabApp>) -> PathBuf {
    let t0 = Instant::now();
    while h.state().clip().is_some() {
        assert!(t0.elapsed() < CLIP_TIMEOUT, "the clip never finished");
        std::thread::sleep(Duration::from_millis(20));
        h.step();
    }
    h.run();
    let notice = h
        .state()
        .clip_notice()
        .expect("a clip says what it did")
        .clone();
    assert!(!notice.error, "{}", notice.text);
    let path = notice.text.rsplit(": ").next().expect("a path");
    PathBuf::from(path)
}

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("the folder")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

/// Every frame of a GIF as a viewer composes it (RGBA), and its size.
fn frames(bytes: &[u8]) -> (Vec<Vec<u8>>, [usize; 2]) {
    let mut opts = gif::DecodeOptions::new();
    opts.set_color_output(gif::ColorOutput::RGBA);
    let mut d = opts.read_info(bytes).expect("a GIF");
    let (w, h) = (usize::from(d.width()), usize::from(d.height()));
    let mut canvas = vec![0u8; w * h * 4];
    let mut out = Vec::new();
    while let Some(f) = d.read_next_frame().expect("a frame") {
        let fw = usize::from(f.width);
        for y in 0..usize::from(f.height) {
            for x in 0..fw {
                let src = &f.buffer[(y * fw + x) * 4..][..4];
                if src[3] != 0 {
                    let at = ((y + usize::from(f.top)) * w + x + usize::from(f.left)) * 4;
                    canvas[at..at + 4].copy_from_slice(src);
                }
            }
        }
        out.push(canvas.clone());
    }
    (out, [w, h])
}

fn count_colour(frame: &[u8], c: egui::Color32) -> usize {
    frame
        .chunks_exact(4)
        .filter(|p| p[..3] == [c.r(), c.g(), c.b()])
        .count()
}

#[test]
fn record_writes_a_gif_whose_frames_follow_the_run_with_exact_state_colours() {
    let dir = tempfile::tempdir().unwrap();
    // 0.1× at 15 frames a second.
    let mut h = window_on_run(dir.path(), 1, 15);
    let end_ns = h.state().run_data().expect("the run").end_ns();
    press_record(&mut h);
    assert!(h.state().clip().is_some(), "Record starts a clip");
    let path = wait_for_clip(&mut h);
    assert_eq!(
        files(dir.path()),
        vec![path.file_name().unwrap().to_string_lossy().into_owned()]
    );
    assert_eq!(path.extension().unwrap(), "gif");
    let (frames, size) = frames(&std::fs::read(&path).unwrap());
    assert_eq!(size, [1280, 720]);
    let expected = end_ns as f64 / 1e9 / 0.1 * 15.0;
    assert!(
        (frames.len() as f64 - expected).abs() <= 1.0 + 1e-9,
        "{} frames for {expected:.1} expected",
        frames.len()
    );
    // The replay cursor moves on every frame before the end.
    for k in 1..frames.len() - 1 {
        assert_ne!(
            frames[k - 1],
            frames[k],
            "frames {} and {k} are the same",
            k - 1
        );
    }
    // The running state's colour, exactly as the palette has it, fills
    // the finished run's lanes.
    let running = Palette::new(Theme::Dark).state_color(State::Running);
    let last = frames.last().unwrap();
    assert!(
        count_colour(last, running) > 2_000,
        "too few running pixels"
    );
    assert!(count_colour(&frames[0], running) < count_colour(last, running));
}

#[test]
fn cancel_stops_the_recording_and_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    // 0.001× at 30 frames a second: minutes of frames, time to cancel.
    let mut h = window_on_run(dir.path(), 3, 30);
    press_record(&mut h);
    let t0 = Instant::now();
    loop {
        let (done, total) = h.state().clip().expect("recording").progress();
        if done >= 2 {
            assert!(total > 100 && done < total, "{done} of {total}");
            break;
        }
        assert!(t0.elapsed() < CLIP_TIMEOUT, "the progress bar never moved");
        std::thread::sleep(Duration::from_millis(20));
        h.step();
    }
    // The bar shows the frames done and the time left.
    let _bar = h.get_by_role(Role::ProgressIndicator);
    h.get_by_role_and_label(Role::Button, "Cancel").click();
    h.run();
    let t0 = Instant::now();
    while h.state().clip().is_some() {
        assert!(
            t0.elapsed() < Duration::from_secs(60),
            "cancel did not stop it"
        );
        std::thread::sleep(Duration::from_millis(10));
        h.step();
    }
    h.run();
    assert!(
        files(dir.path()).is_empty(),
        "left behind: {:?}",
        files(dir.path())
    );
    let notice = h.state().clip_notice().expect("a notice").text.clone();
    assert!(notice.contains("cancelled"), "{notice}");
    // The window goes on: Record is there again.
    h.get_by_role_and_label(Role::Button, "Record");
}

#[test]
fn the_same_run_and_options_give_the_same_file_byte_for_byte() {
    let record = || {
        let dir = tempfile::tempdir().unwrap();
        let mut h = window_on_run(dir.path(), 1, 30);
        press_record(&mut h);
        let path = wait_for_clip(&mut h);
        std::fs::read(path).unwrap()
    };
    let (a, b) = (record(), record());
    assert!(a.starts_with(b"GIF89a"));
    assert!(
        a == b,
        "two recordings differ ({} and {} bytes)",
        a.len(),
        b.len()
    );
}
