//! The CLI contract of DESIGN.md §6: what scripts rely on.

use std::process::Output;

#[path = "util/cli.rs"]
mod cli;
use cli::{stderr, threadlab};

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A fast run: little work, no sampling needed.
const QUICK: &[&str] = &["--tasks", "4", "--task-size", "200000"];

#[test]
fn list_names_every_preset_with_a_title() {
    let o = threadlab(&["list"]);
    assert!(o.status.success());
    let out = stdout(&o);
    for name in threadlab::model::preset_names() {
        let line = out
            .lines()
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("{name} missing from:\n{out}"));
        assert!(line.len() > name.len() + 10, "{name} has no title: {line}");
    }
}

#[test]
fn run_json_has_the_contract_fields() {
    let mut args = vec!["run", "cpu-bound", "--threads", "2", "--json"];
    args.extend_from_slice(QUICK);
    let o = threadlab(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    for key in [
        "preset",
        "processes",
        "threads",
        "gil",
        "workload",
        "wall_ms",
        "cpu_ms",
        "tasks_done",
        "events",
        "events_dropped",
        "gil_switches",
        "gil_drop_requests",
        "spawn_us",
        "rss_bytes",
    ] {
        assert!(v.get(key).is_some(), "missing {key} in {v}");
    }
    assert_eq!(v["preset"], "cpu-bound");
    assert_eq!(v["threads"], 2);
    assert_eq!(v["gil"], true);
    assert_eq!(v["workload"], "cpu");
    assert_eq!(v["tasks_done"], 4);
    assert_eq!(v["spawn_us"].as_array().unwrap().len(), 2);
}

#[test]
fn convoy_json_reports_wake_delay_percentiles() {
    let o = threadlab(&["run", "convoy", "--tasks", "5", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(v["io_wake_delay_us"]["median"].as_f64().is_some(), "{v}");
    assert!(v["io_wake_delay_us"]["p90"].as_f64().is_some(), "{v}");
}

#[test]
fn trace_is_json_with_named_worker_tracks() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trace.json");
    let mut args = vec![
        "run",
        "cpu-bound",
        "--threads",
        "2",
        "--trace",
        path.to_str().unwrap(),
    ];
    args.extend_from_slice(QUICK);
    let o = threadlab(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let events = v["traceEvents"].as_array().expect("traceEvents");
    let names: Vec<&str> = events
        .iter()
        .filter(|e| e["ph"] == "M" && e["name"] == "thread_name")
        .filter_map(|e| e["args"]["name"].as_str())
        .collect();
    assert!(names.iter().any(|n| n.contains("thread 0")), "{names:?}");
    assert!(names.iter().any(|n| n.contains("thread 1")), "{names:?}");
    assert!(events.iter().any(|e| e["ph"] == "X" && e["cat"] == "task"));
    assert!(events.iter().any(|e| e["ph"] == "X" && e["cat"] == "gil"));
}

#[test]
fn csv_has_a_header_and_a_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.csv");
    let mut args = vec!["run", "cpu-bound", "--csv", path.to_str().unwrap()];
    args.extend_from_slice(QUICK);
    let o = threadlab(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<_> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].starts_with("preset,"));
    assert!(lines[1].starts_with("cpu-bound,"));
}

#[test]
fn out_of_range_flags_exit_2_naming_the_flag() {
    let cases: &[(&[&str], &str)] = &[
        (&["--threads", "0"], "--threads"),
        (&["--threads", "100000"], "--threads"),
        (&["--processes", "0"], "--processes"),
        (&["--switch-interval-us", "0"], "--switch-interval-us"),
        (&["--tasks", "0"], "--tasks"),
        (&["--task-size", "0"], "--task-size"),
        (&["--io-ms", "999999"], "--io-ms"),
        (&["--queue-size", "9999999"], "--queue-size"),
        (&["--increments", "0"], "--increments"),
        (&["--threads", "-3"], "--threads"),
        (&["--threads", "many"], "--threads"),
        (&["--gil", "maybe"], "--gil"),
        (&["--workload", "gpu"], "--workload"),
        (&["--update", "atomic"], "--update"),
        (&["--daemon", "yes"], "--daemon"),
        (&["--frobnicate"], "--frobnicate"),
    ];
    for (flags, named) in cases {
        let mut args = vec!["run", "cpu-bound"];
        args.extend_from_slice(flags);
        let o = threadlab(&args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{flags:?}: {err}");
        assert!(err.contains(named), "{flags:?} should name {named}: {err}");
        assert_eq!(
            err.trim().lines().count(),
            1,
            "{flags:?}: one line, got {err}"
        );
    }
}

#[test]
fn broken_scenario_file_exits_2_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("bad-syntax.toml", "name = \"x\"\nthreads = = 2\n", ":2:"),
        ("bad-field.toml", "name = \"x\"\n\nthredz = 2\n", ":3:"),
        (
            "bad-range.toml",
            "threads = 4\nprocesses = 0\n",
            ":2: processes = 0 is out of range",
        ),
        ("bad-type.toml", "gil = \"sometimes\"\n", ":1:"),
    ];
    for (file, text, expect) in cases {
        let path = dir.path().join(file);
        std::fs::write(&path, text).unwrap();
        let o = threadlab(&["run", "--scenario", path.to_str().unwrap()]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{file}: {err}");
        assert!(err.contains(file) && err.contains(expect), "{file}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{file}: {err}");
    }
    let o = threadlab(&["run", "--scenario", "/nonexistent/x.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("/nonexistent/x.toml"));
}

#[test]
fn unknown_preset_exits_2_and_lists_the_known_ones() {
    let o = threadlab(&["run", "no-such-preset"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("no-such-preset") && err.contains("cpu-bound"),
        "{err}"
    );
}

#[test]
fn a_user_scenario_file_runs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.toml");
    std::fs::write(
        &path,
        "name = \"mine\"\nthreads = 2\ntasks = 2\ntask_size = 1000\n",
    )
    .unwrap();
    let o = threadlab(&["run", "--scenario", path.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["preset"], "mine");
    assert_eq!(v["tasks_done"], 2);
}

#[test]
fn compare_json_has_serial_threads_and_gil_off_rows() {
    let mut args = vec!["compare", "cpu-bound", "--threads", "2", "--json"];
    args.extend_from_slice(QUICK);
    let o = threadlab(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let rows = v["rows"].as_array().unwrap();
    let labels: Vec<_> = rows.iter().filter_map(|r| r["label"].as_str()).collect();
    for l in ["serial", "threads", "gil-off"] {
        assert!(labels.contains(&l), "{labels:?}");
    }
    for r in rows {
        for key in ["label", "processes", "threads", "gil", "wall_ms", "speedup"] {
            assert!(r.get(key).is_some(), "{key} missing in {r}");
        }
    }
    assert_eq!(rows[0]["speedup"].as_f64(), Some(1.0));
}

#[test]
fn code_prints_the_program_with_its_knobs_and_measuring_adds_the_probe() {
    let o = threadlab(&["code", "race", "--threads", "3", "--lock", "on"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let slide = stdout(&o);
    assert!(
        slide.contains("THREADS = 3") && slide.contains("with lock:"),
        "{slide}"
    );
    assert!(!slide.contains("probe"), "{slide}");
    let o = threadlab(&["code", "race", "--measuring"]);
    assert!(stdout(&o).contains("import threadlab_probe as probe"));
    let o = threadlab(&["code", "nosuch"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown preset 'nosuch'"));
}

/// A deck file in a fresh folder, for `deck check` to read.
fn deck_file(dir: &tempfile::TempDir, text: &str) -> String {
    let path = dir.path().join("deck.toml");
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn deck_check_passes_on_the_built_in_deck_and_lists_its_steps() {
    let o = threadlab(&["deck", "list"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("threading-vs-multiprocessing"));
    // The deck as shipped, printed and checked as a user's file.
    let shown = threadlab(&["deck", "show", "threading-vs-multiprocessing"]);
    assert!(shown.status.success());
    let dir = tempfile::tempdir().unwrap();
    let file = deck_file(&dir, &stdout(&shown));
    let o = threadlab(&["deck", "check", &file]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("is fine: 16 steps"), "{out}");
    assert!(
        out.contains("CPU-bound threads under one GIL [cpu-bound run, asks (speedup"),
        "{out}"
    );
}

#[test]
fn a_broken_deck_exits_2_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let head = "name = \"mine\"\n\n[[step]]\ntitle = \"One\"\n";
    let cases = [
        // A broken line.
        (format!("{head}preset = cpu-bound\n"), 5, "string"),
        // An unknown preset.
        (
            format!("{head}preset = \"cpu-bond\"\n"),
            5,
            "unknown preset \"cpu-bond\"",
        ),
        // A knob out of range, on its own line.
        (
            format!("{head}preset = \"cpu-bound\"\n\n[step.knobs]\ngil = true\nthreads = 9000\n"),
            9,
            "threads = 9000 is out of range 1..=256",
        ),
        // A question its step cannot answer.
        (
            format!(
                "{head}preset = \"queue\"\n[step.prediction]\nquestion = \"Fast?\"\nmeasure = \"speedup\"\nchoices = [\"a\", \"b\"]\nthresholds = [2]\n"
            ),
            8,
            "not measured by the queue lab",
        ),
    ];
    for (text, line, what) in cases {
        let file = deck_file(&dir, &text);
        let o = threadlab(&["deck", "check", &file]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(
            err.contains(&format!("{file}:{line}: ")),
            "want line {line}: {err}"
        );
        assert!(err.contains(what), "want {what:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(stdout(&o).is_empty());
    }
    let o = threadlab(&["deck", "show", "no-such-deck"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("threading-vs-multiprocessing"));
}

#[cfg(feature = "gui")]
#[test]
fn gui_deck_options_are_checked_before_a_window_opens() {
    let cases: [(&[&str], &str); 4] = [
        (&["--deck", "no-such-deck"], "no built-in deck"),
        (
            &["--deck", "threading-vs-multiprocessing", "--step", "99"],
            "--step 99",
        ),
        (
            &[
                "--deck",
                "threading-vs-multiprocessing",
                "--step",
                "2",
                "--votes",
                "1,2,3,4",
            ],
            "has 3 choices",
        ),
        (
            &["--deck", "threading-vs-multiprocessing", "--threads", "3"],
            "--deck sets",
        ),
    ];
    for (args, what) in cases {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_threadlab"))
            .arg("gui")
            .args(args)
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(what), "{args:?}: want {what:?} in {err}");
    }
}
