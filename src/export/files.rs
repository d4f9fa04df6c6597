//! Where exports from the window go and what they are called:
//! `$THREADLAB_EXPORT_DIR` (or the current directory), and
//! `threadlab-<preset>-<YYYYmmdd-HHMMSS>.<ext>` in UTC, so files sort by time
//! and never overwrite each other.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// The environment variable naming the folder exports go to.
pub const EXPORT_DIR_ENV: &str = "THREADLAB_EXPORT_DIR";

/// The folder exports go to: `$THREADLAB_EXPORT_DIR` when set and not
/// empty, else the current directory.
pub fn export_dir() -> PathBuf {
    match std::env::var_os(EXPORT_DIR_ENV) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
    }
}

/// `threadlab-<preset>-<YYYYmmdd-HHMMSS>.<ext>` for `at` (UTC); characters
/// of the preset name that do not belong in a file name become `-`.
pub fn export_file_name(preset: &str, at: SystemTime, ext: &str) -> String {
    let preset: String = preset
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let preset = if preset.is_empty() { "run" } else { &preset };
    format!("threadlab-{preset}-{}.{ext}", utc_stamp(at))
}

/// A path in `dir` for a new export that does not overwrite an existing
/// file: a second export in the same second gets `-2`, and so on.
pub fn unused_path(dir: &Path, preset: &str, at: SystemTime, ext: &str) -> PathBuf {
    let name = export_file_name(preset, at, ext);
    let first = dir.join(&name);
    if !first.exists() {
        return first;
    }
    let stem = name.trim_end_matches(&format!(".{ext}")).to_owned();
    (2..)
        .map(|n| dir.join(format!("{stem}-{n}.{ext}")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}

/// `YYYYmmdd-HHMMSS` in UTC.
fn utc_stamp(at: SystemTime) -> String {
    let secs = at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}{m:02}{d:02}-{:02}{:02}{:02}",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// `YYYY-mm-dd HH:MM UTC`, for people (a saved run says when it was recorded).
pub fn utc_minute(at: SystemTime) -> String {
    let secs = at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        rest / 3600,
        rest % 3600 / 60
    )
}

/// Year, month, day of a day count since 1970-01-01 (Howard Hinnant's
/// `civil_from_days`, proleptic Gregorian calendar).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn names_carry_the_preset_and_the_utc_time() {
        // 2026-11-25 13:05:09 UTC.
        let at = UNIX_EPOCH + Duration::from_secs(1_795_611_909);
        assert_eq!(
            export_file_name("race", at, "json"),
            "threadlab-race-20261125-130509.json"
        );
        assert_eq!(
            export_file_name("my lab/2", UNIX_EPOCH, "csv"),
            "threadlab-my-lab-2-19700101-000000.csv"
        );
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn a_second_export_in_the_same_second_gets_a_new_name() {
        let dir = tempfile::tempdir().unwrap();
        let first = unused_path(dir.path(), "queue", UNIX_EPOCH, "png");
        std::fs::write(&first, b"x").unwrap();
        let second = unused_path(dir.path(), "queue", UNIX_EPOCH, "png");
        assert_ne!(first, second);
        assert!(second.to_string_lossy().ends_with("-000000-2.png"));
    }
}
