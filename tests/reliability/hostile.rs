//! The hostile command lines of issue 17, as one table: every numeric flag
//! at 0, −1, its maximum + 1, 2⁶⁴ and things that are not numbers; every
//! choice flag with unknown values; repeated, unknown and valueless flags;
//! output paths that cannot be written; scenario files that are missing, a
//! folder, empty, not TOML, of the wrong types, with unknown keys, huge,
//! binary, a FIFO, `/dev/zero`. Each must exit 2 within 2 s with one line
//! that names the flag, or the file (and its line where it has one), and
//! never panic.

use super::{Ran, threadlab_in};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

/// One hostile command line and what its message must name.
struct Case {
    args: Vec<String>,
    /// Every one of these must be in the message.
    names: Vec<String>,
}

fn case(args: &[&str], names: &[&str]) -> Case {
    Case {
        args: args.iter().map(|s| (*s).to_owned()).collect(),
        names: names.iter().map(|s| (*s).to_owned()).collect(),
    }
}

/// The numeric knobs: flag, their largest value, and whether 0 is refused.
const NUMERIC: &[(&str, u64, bool)] = &[
    ("--processes", 64, true),
    ("--threads", 256, true),
    ("--switch-interval-us", 1_000_000, true),
    ("--tasks", 100_000, true),
    ("--task-size", 10_000_000_000, true),
    ("--io-ms", 10_000, false),
    ("--queue-size", 100_000, false),
    ("--increments", 100_000_000, true),
];

/// Values no numeric knob accepts, whatever its range.
const NOT_NUMBERS: &[&str] = &[
    "-1",
    "18446744073709551616",
    "-18446744073709551617",
    "99999999999999999999999999",
    "abc",
    "",
    " ",
    "1.5",
    "1e3",
    "0x10",
    "1_000",
    "NaN",
    "∞",
    "1 2",
    "+-1",
];

const CHOICES: &[&str] = &[
    "--gil",
    "--workload",
    "--daemon",
    "--lock",
    "--update",
    "--events",
];
const BAD_CHOICES: &[&str] = &["maybe", "", "ON", "1", "-1", "yes"];

fn flag_cases(command: &str, cases: &mut Vec<Case>) {
    let base = [command, "cpu-bound"];
    let with = |extra: &[&str]| {
        let mut v = base.to_vec();
        v.extend_from_slice(extra);
        v.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    for &(flag, max, zero_refused) in NUMERIC {
        let over = (max + 1).to_string();
        let mut values: Vec<&str> = NOT_NUMBERS.to_vec();
        values.push(&over);
        if zero_refused {
            values.push("0");
        }
        for value in values {
            cases.push(Case {
                args: with(&[flag, value]),
                names: vec![flag.to_owned()],
            });
        }
        // The `--flag=value` spelling, repeated flags, and a missing value.
        cases.push(Case {
            args: with(&[&format!("{flag}=-1")]),
            names: vec![flag.to_owned()],
        });
        cases.push(Case {
            args: with(&[flag, "2", flag, "3"]),
            names: vec![flag.to_owned()],
        });
        cases.push(Case {
            args: with(&[flag]),
            names: vec![flag.to_owned()],
        });
    }
    for &flag in CHOICES {
        for &value in BAD_CHOICES {
            cases.push(Case {
                args: with(&[flag, value]),
                names: vec![flag.to_owned()],
            });
        }
        cases.push(Case {
            args: with(&[flag, "on", flag, "off"]),
            names: vec![flag.to_owned()],
        });
    }
    for unknown in [
        "--frobnicate",
        "--thread",
        "--cores-per-socket",
        "-x",
        "--json=yes",
    ] {
        cases.push(Case {
            args: with(&[unknown]),
            names: vec![unknown.split('=').next().unwrap_or(unknown).to_owned()],
        });
    }
    for combined in [
        ["--processes", "64", "--threads", "256"],
        ["--threads", "256", "--processes", "5"],
    ] {
        cases.push(Case {
            args: with(&combined),
            names: vec!["--processes/--threads".to_owned()],
        });
    }
    cases.push(case(&[command, "no-such-preset"], &["no-such-preset"]));
    cases.push(case(&[command], &["preset"]));
    cases.push(case(&[command, "cpu-bound", "io-bound"], &["io-bound"]));
}

fn output_cases(dir: &Path, cases: &mut Vec<Case>) {
    let folder = dir.display().to_string();
    for (command, flag) in [("run", "--trace"), ("run", "--csv"), ("compare", "--csv")] {
        for path in ["/nonexistent/folder/out", &folder, "", "/proc/version/x"] {
            cases.push(case(&[command, "cpu-bound", flag, path], &[flag]));
        }
        cases.push(case(&[command, "cpu-bound", flag], &[flag]));
    }
}

/// Scenario files: (file name, contents, what the message names after the
/// path: a line, or why the file is refused).
const FILES: &[(&str, &str, &str)] = &[
    ("empty.toml", "", "empty"),
    ("blank.toml", "\n  \n\t\n", "empty"),
    ("prose.toml", "this is not toml at all\n", ":1:"),
    ("half.toml", "threads = \n", ":1:"),
    ("unclosed.toml", "name = \"x\n", ":1:"),
    ("table.toml", "[threads]\nn = 2\n", ":1:"),
    ("type.toml", "threads = \"four\"\n", ":1:"),
    ("float.toml", "threads = 2.5\n", ":1:"),
    ("array.toml", "\nthreads = [1, 2]\n", ":2:"),
    ("bool.toml", "gil = 1\n", ":1:"),
    ("negative.toml", "name = \"n\"\nthreads = -1\n", ":2:"),
    ("big.toml", "tasks = 99999999999999999999999\n", ":1:"),
    ("zero.toml", "threads = 0\n", ":1:"),
    ("over.toml", "\n\nincrements = 100000001\n", ":3:"),
    ("workers.toml", "processes = 64\nthreads = 256\n", ":2:"),
    ("unknown.toml", "threads = 2\nthredz = 3\n", ":2:"),
    ("section.toml", "threads = 2\n[extra]\nx = 1\n", ":2:"),
    ("twice.toml", "threads = 2\nthreads = 3\n", ":2:"),
    ("lab.toml", "lab = \"quantum\"\n", ":1:"),
    ("workload.toml", "workload = \"gpu\"\n", ":1:"),
    ("update.toml", "\nupdate = \"atomic\"\n", ":2:"),
    ("nul.toml", "threads = 2\u{0}\n", ":1:"),
];

fn file_cases(dir: &Path, cases: &mut Vec<Case>) {
    let mut add = |path: &Path, why: &str| {
        let p = path.display().to_string();
        for command in ["run", "compare"] {
            cases.push(case(&[command, "--scenario", &p], &[&p, why]));
        }
    };
    for (name, text, why) in FILES {
        let path = dir.join(name);
        std::fs::write(&path, text).expect("write");
        add(&path, why);
    }
    let binary = dir.join("binary.toml");
    std::fs::write(&binary, [0xff, 0xfe, 0x00, 0x80, 0x81, 0xc0, 0x00, 0x01]).expect("write");
    add(&binary, "not a text file");
    let huge = dir.join("huge.toml");
    std::fs::write(&huge, "# padding\n".repeat(120_000)).expect("write");
    add(&huge, "larger than 1 MB");
    let fifo = dir.join("fifo.toml");
    let c = std::ffi::CString::new(fifo.to_str().expect("utf-8")).expect("path");
    // SAFETY: `c` is a valid path; mkfifo only creates a node.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    add(&fifo, "not a regular file");
    let link = dir.join("zero-link.toml");
    std::os::unix::fs::symlink("/dev/zero", &link).expect("symlink");
    add(&link, "not a regular file");
    for device in ["/dev/zero", "/dev/urandom", "/dev/null"] {
        add(Path::new(device), "not a regular file");
    }
    add(dir, "is a folder");
    add(&dir.join("missing.toml"), "No such file");
    add(&PathBuf::from("/nonexistent/x.toml"), "No such file");
    cases.push(case(&["run", "--scenario"], &["--scenario"]));
    cases.push(case(
        &["run", "cpu-bound", "--scenario", "x.toml"],
        &["--scenario"],
    ));
}

fn gui_cases(cases: &mut Vec<Case>) {
    if !cfg!(feature = "gui") {
        return;
    }
    for size in [
        "-1x-1",
        "0x0",
        "abc",
        "99999x99999",
        "",
        "1920",
        "x",
        "1920x-1080",
    ] {
        cases.push(case(&["gui", "--size", size, "--exit"], &["--size"]));
    }
    cases.push(case(&["gui", "--frobnicate"], &["--frobnicate"]));
}

/// Every hostile command line of the table: exit 2 within 2 s, one line
/// naming the flag or the file (and line), no panic.
#[test]
fn hostile_command_lines_exit_2_naming_the_flag_or_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cases = Vec::new();
    flag_cases("run", &mut cases);
    flag_cases("compare", &mut cases);
    output_cases(dir.path(), &mut cases);
    file_cases(dir.path(), &mut cases);
    gui_cases(&mut cases);
    assert!(cases.len() >= 300, "only {} cases", cases.len());

    // A few at a time: each is a process that should end at once.
    let next = Mutex::new(cases.iter());
    let failures = Mutex::new(Vec::new());
    let started = std::time::Instant::now();
    std::thread::scope(|s| {
        for n in 0..4 {
            std::thread::Builder::new()
                .name(format!("test-hostile-{n}"))
                .spawn_scoped(s, || {
                    loop {
                        let Some(c) = next.lock().expect("cases").next() else {
                            return;
                        };
                        let args: Vec<&str> = c.args.iter().map(String::as_str).collect();
                        let ran = threadlab_in(&args, Some(dir.path()), Duration::from_secs(10));
                        if let Some(why) = wrong(c, &ran) {
                            failures.lock().expect("failures").push(format!(
                                "{:?}: {why}\n  stderr: {}",
                                c.args,
                                ran.stderr.trim()
                            ));
                        }
                    }
                })
                .expect("thread");
        }
    });
    let failures = failures.into_inner().expect("failures");
    eprintln!(
        "{} hostile command lines in {:.1} s",
        cases.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        failures.is_empty(),
        "{} of {} cases:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// What is wrong with how threadlab answered `c`, if anything.
fn wrong(c: &Case, ran: &Ran) -> Option<String> {
    if ran.stderr.contains("panicked") || ran.code() == Some(101) {
        return Some("panicked".to_owned());
    }
    if ran.code() != Some(2) {
        return Some(format!("exit {:?}, not 2", ran.code()));
    }
    if ran.took > Duration::from_secs(2) {
        return Some(format!("took {:?}", ran.took));
    }
    if ran.stderr.trim().lines().count() != 1 {
        return Some("not one line".to_owned());
    }
    let missing: Vec<&String> = c
        .names
        .iter()
        .filter(|n| !ran.stderr.contains(*n))
        .collect();
    if !missing.is_empty() {
        return Some(format!("does not name {missing:?}"));
    }
    if !ran.stdout.is_empty() {
        return Some(format!("printed {:?}", ran.stdout));
    }
    None
}
