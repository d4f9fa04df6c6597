//! The real window's size on a virtual X display: `gui --size WxH` wins over
//! the geometry eframe remembered from the last session (issue 16: eframe
//! restores the stored window settings whenever there is storage, even with
//! `persist_window: false`, so the flag was ignored outside screenshot mode).
//!
//! The window runs with the first-frame probe (`THREADLAB_FIRST_FRAME=1`),
//! which is not the smoke mode: it reads the user's storage as a lecturer's
//! launch does, prints the size of the first frame it painted, and closes.
//! HOME and XDG_DATA_HOME point at a folder of the test's own.

#[path = "util/display.rs"]
mod display;

use display::VirtualDisplay;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The folder eframe keeps its storage in under XDG_DATA_HOME: the window's
/// app id, lower-cased (eframe's `storage_dir`).
const STORAGE_DIR: &str = "io.github.threadlab.threadlab";

/// How long a window may take to open and paint on a busy machine.
const WINDOW_DEADLINE: Duration = Duration::from_secs(180);

/// Writes a remembered window of `width` × `height` points at (40, 30) the
/// way eframe stores it: `app.ron` maps each key to a RON string, and the
/// `window` key holds egui-winit's `WindowSettings`.
fn remember_window(data_home: &Path, width: u32, height: u32) {
    let dir = data_home.join(STORAGE_DIR);
    std::fs::create_dir_all(&dir).expect("storage folder");
    let settings = format!(
        "(normal_geometry:(outer_position_pixels:Some((x:40.0,y:30.0)),scale_factor:1.0,\
         inner_size_points:(x:{width}.0,y:{height}.0)),fullscreen:false,maximized:false)"
    );
    let ron = format!("{{\"window\":{settings:?}}}");
    std::fs::write(dir.join("app.ron"), ron).expect("app.ron");
}

/// Opens the window with `args` on `display`, waits for its first frame and
/// returns that frame's size in pixels, from the probe's line.
fn first_frame_size(display: &VirtualDisplay, home: &Path, args: &[&str]) -> (u32, u32) {
    let runtime = home.join("run");
    std::fs::create_dir_all(&runtime).expect("runtime dir");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700))
            .expect("runtime dir mode");
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_threadlab"))
        .arg("gui")
        .args(args)
        .env("DISPLAY", &display.display)
        .env_remove("WAYLAND_DISPLAY")
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_RUNTIME_DIR", &runtime)
        .env("THREADLAB_FIRST_FRAME", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("threadlab starts");
    // The window prints two short lines at most: the pipes cannot fill up
    // while it runs, so they are read once it has exited.
    let started = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > WINDOW_DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the window did not paint a frame within {WINDOW_DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().expect("threadlab ran");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "gui {args:?} failed: {}\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let line = stdout
        .lines()
        .find(|l| l.starts_with("first-frame:"))
        .unwrap_or_else(|| panic!("no first-frame line in {stdout:?}"));
    let size = line
        .split_whitespace()
        .find_map(|w| w.strip_prefix("size="))
        .unwrap_or_else(|| panic!("no size in {line:?}"));
    let (w, h) = size.split_once('x').expect("WxH");
    (w.parse().expect("width"), h.parse().expect("height"))
}

#[test]
fn size_flag_wins_over_the_remembered_window() {
    let Some(display) = VirtualDisplay::start(1920, 1080) else {
        return;
    };
    let home = tempfile::tempdir().expect("temp home");
    remember_window(&home.path().join("data"), 1000, 700);
    // Without the flag the remembered geometry is restored: this proves the
    // stored settings above are read, so the next check means something.
    assert_eq!(
        first_frame_size(&display, home.path(), &[]),
        (1000, 700),
        "the remembered window was not restored: the test's storage is not eframe's"
    );
    assert_eq!(
        first_frame_size(&display, home.path(), &["--size", "1600x900"]),
        (1600, 900),
        "--size 1600x900 lost to the remembered 1000x700"
    );
}
