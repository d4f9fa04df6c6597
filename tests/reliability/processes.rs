//! Child processes: the labs that broke with them, a stopped child that hung
//! the run silently, one cause said once, and a hand-shake that was trusted.

use super::{QUICK, threadlab};
use threadlab::model::preset_names;

/// Issue 17, defect 3: `queue` and `daemon` failed with two processes or
/// more ("sent an event of worker p1.t10, which is not its own"): their main
/// program is thread 0 and the workers 1..=threads, one more thread than the
/// parent expected. Every preset runs with `--processes 2`.
#[test]
fn queue_and_daemon_fail_with_processes_every_preset_runs_with_two() {
    for preset in preset_names() {
        let mut args = vec!["run", preset, "--processes", "2", "--json"];
        args.extend_from_slice(QUICK);
        let ran = threadlab(&args);
        assert_eq!(ran.code(), Some(0), "{preset}: {}", ran.stderr);
        let v: serde_json::Value = serde_json::from_str(&ran.stdout).expect("JSON");
        assert_eq!(v["processes"], 2, "{preset}");
        match v["lab"].as_str() {
            Some("queue") => assert_eq!(v["queue"]["puts"], v["queue"]["gets"], "{v}"),
            Some("daemon") => assert!(v["cut_off"].is_object(), "{v}"),
            _ => {}
        }
    }
}
