//! `gui --record` refuses bad input before any window opens: an unknown
//! extension, a folder that cannot take the file, a speed, a frame rate or
//! a range out of bounds. Each is one line naming it, exit code 2, and
//! nothing written. (Recording itself is checked under a display by
//! `scripts/smoke_clip.sh` and, without one, by `tests/ui_clip.rs`.)
#![cfg(feature = "gui")]

use std::process::Command;

fn gui(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_threadlab"))
        .arg("gui")
        .args(args)
        // Nothing here may open a window: a display is not needed.
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("threadlab runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn bad_clip_options_exit_2_with_one_line_naming_them_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let at = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let gif = at("clip.gif");
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec![at("clip.avi")], "clip.avi"),
        (vec![at("clip")], ".gif, .mp4 or .webm"),
        (vec![at("no/such/folder/clip.gif")], "no/such/folder"),
        (vec![dir.path().to_string_lossy().into_owned()], "--record"),
        (vec![gif.clone(), "--speed".into(), "2".into()], "--speed 2"),
        (vec![gif.clone(), "--speed".into(), "0".into()], "--speed 0"),
        (
            vec![gif.clone(), "--speed".into(), "0.0001".into()],
            "--speed 0.0001",
        ),
        (vec![gif.clone(), "--fps".into(), "0".into()], "--fps 0"),
        (vec![gif.clone(), "--fps".into(), "500".into()], "--fps 500"),
        (vec![gif.clone(), "--from".into(), "-5".into()], "--from -5"),
        (
            vec![
                gif.clone(),
                "--from".into(),
                "50".into(),
                "--to".into(),
                "10".into(),
            ],
            "--from 50 --to 10",
        ),
    ];
    for (tail, named) in cases {
        let mut args = vec!["--preset", "race", "--run", "--exit", "--record"];
        args.extend(tail.iter().map(String::as_str));
        let (code, err) = gui(&args);
        assert_eq!(code, 2, "{args:?}: exit {code}, said {err}");
        assert_eq!(
            err.trim().lines().count(),
            1,
            "{args:?}: more than one line: {err}"
        );
        assert!(err.contains(named), "{args:?}: {err} does not name {named}");
    }
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "something was written: {left:?}");
}

#[test]
fn record_needs_a_run_and_clip_options_need_record() {
    let (code, err) = gui(&["--preset", "race", "--record", "x.gif", "--exit"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--run"), "{err}");
    let (code, err) = gui(&["--preset", "race", "--run", "--speed", "0.1", "--exit"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--record"), "{err}");
}
