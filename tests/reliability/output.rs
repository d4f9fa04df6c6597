//! What the CLI prints: stdout that is closed or full, and messages that
//! name the right thing.

use super::threadlab;

/// Issue 17, defect 8: a file with too many workers in all was blamed on
/// line 0 (`f.toml:0:`); it names the line that tipped the total over.
#[test]
fn file_errors_at_line_0_now_at_the_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("f.toml");
    std::fs::write(&path, "processes = 8\nthreads = 256\n").expect("write");
    let ran = threadlab(&["run", "--scenario", path.to_str().expect("utf-8")]);
    assert_eq!(ran.code(), Some(2), "{}", ran.stderr);
    assert!(ran.stderr.contains("f.toml:2:"), "{}", ran.stderr);
    assert!(!ran.stderr.contains(":0:"), "{}", ran.stderr);
}
