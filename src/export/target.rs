//! Where an export goes. A user names a path (`--trace FILE`, `--csv FILE`)
//! that may be a new file, one of their own files, a symbolic link, a
//! device (`/dev/stdout`) or a pipe; whatever fails, what was there before
//! must survive. So nothing is ever removed that threadlab did not create:
//!
//! * a regular file, or a path where nothing is yet, is written to a
//!   temporary file beside it, which is renamed into place only once every
//!   byte is written (a symbolic link to a file keeps pointing at it, and the
//!   file keeps its permissions); on failure only the temporary file goes;
//! * anything else that can be written (a device, a pipe, a terminal) is
//!   written in place, and left as it is when the write fails.
//!
//! [`check_target`] looks at a path before a run, so a path that cannot be
//! written is refused at once instead of after a long run.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Temporary files made by this process so far (keeps their names unique).
static TEMPS: AtomicU64 = AtomicU64::new(0);

/// Why a path cannot take an export, in words that follow the path.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TargetError(pub String);

/// Checks, without writing anything, that an export can go to `path`: it is
/// not a folder, its folder exists, and the user may write there.
pub fn check_target(path: &Path) -> Result<(), TargetError> {
    if path.as_os_str().is_empty() {
        return Err(TargetError("an empty path".to_owned()));
    }
    match fs::metadata(path) {
        Ok(m) if m.is_dir() => Err(TargetError("is a folder".to_owned())),
        Ok(m) if m.is_file() => {
            let real = fs::canonicalize(path).map_err(|e| TargetError(e.to_string()))?;
            writable(&real)?;
            writable_dir(&parent_of(&real))
        }
        // A device, a pipe, a terminal: written in place.
        Ok(_) => writable(path),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if fs::symlink_metadata(path).is_ok() {
                return Err(TargetError(
                    "is a symbolic link to nothing (its target does not exist)".to_owned(),
                ));
            }
            let dir = parent_of(path);
            match fs::metadata(&dir) {
                Ok(m) if m.is_dir() => writable_dir(&dir),
                Ok(_) => Err(TargetError(format!("{} is not a folder", dir.display()))),
                Err(_) => Err(TargetError(format!(
                    "the folder {} does not exist",
                    dir.display()
                ))),
            }
        }
        Err(e) => Err(TargetError(e.to_string())),
    }
}

/// Writes a file through `write`, so that a failure harms nothing that was
/// at `path` (see the module's doc).
pub fn write_file(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    match fs::metadata(path) {
        Ok(m) if m.is_dir() => Err(io::Error::new(io::ErrorKind::IsADirectory, "is a folder")),
        Ok(m) if m.is_file() => replace(&fs::canonicalize(path)?, Some(m.permissions()), write),
        Ok(_) => {
            let mut out = BufWriter::new(OpenOptions::new().write(true).open(path)?);
            write(&mut out)?;
            out.flush()
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if fs::symlink_metadata(path).is_ok() {
                // A link to nothing: replacing it would lose the link, and
                // writing through it could leave a half-written file that
                // we may not remove (it is the link's target).
                return Err(io::Error::new(
                    io::ErrorKind::NotFound,
                    "is a symbolic link to nothing",
                ));
            }
            replace(path, None, write)
        }
        Err(e) => Err(e),
    }
}

/// Writes `bytes` to `path` as [`write_file`] does.
pub fn write_bytes(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_file(path, |w| w.write_all(bytes))
}

/// Writes a temporary file beside `target` and renames it into place.
fn replace(
    target: &Path,
    permissions: Option<fs::Permissions>,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let (temp, file) = create_temp(target)?;
    let written = (|| {
        let mut out = BufWriter::new(file);
        write(&mut out)?;
        let file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
        if let Some(p) = permissions {
            file.set_permissions(p)?;
        }
        drop(file);
        fs::rename(&temp, target)
    })();
    if written.is_err() {
        // Ours: made above, and not renamed into place.
        let _ = fs::remove_file(&temp);
    }
    written
}

/// A new file beside `target`, hidden and named so that it cannot be
/// anyone else's (this process, a counter, `create_new`).
fn create_temp(target: &Path) -> io::Result<(PathBuf, File)> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "export".to_owned());
    let dir = parent_of(target);
    loop {
        let n = TEMPS.fetch_add(1, Ordering::Relaxed);
        let temp = dir.join(format!(".{name}.threadlab-{}-{n}.tmp", std::process::id()));
        match OpenOptions::new().write(true).create_new(true).open(&temp) {
            Ok(file) => return Ok((temp, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

/// The folder `path` is in (`.` for a bare file name).
fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn writable(path: &Path) -> Result<(), TargetError> {
    if access(path, libc::W_OK) {
        Ok(())
    } else {
        Err(TargetError(
            "cannot be written (permission denied)".to_owned(),
        ))
    }
}

fn writable_dir(dir: &Path) -> Result<(), TargetError> {
    if access(dir, libc::W_OK | libc::X_OK) {
        Ok(())
    } else {
        Err(TargetError(format!(
            "the folder {} cannot be written (permission denied)",
            dir.display()
        )))
    }
}

#[cfg(unix)]
fn access(path: &Path, mode: libc::c_int) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `c` is a valid NUL-terminated string for the call's duration.
    unsafe { libc::access(c.as_ptr(), mode) == 0 }
}

#[cfg(not(unix))]
fn access(_path: &Path, _mode: i32) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("trace.json");
        fs::write(&path, "the user's own file").unwrap();
        let failed = write_file(&path, |w| {
            w.write_all(b"half a trace")?;
            Err(io::Error::other("the disk is full"))
        });
        assert!(failed.is_err());
        assert_eq!(fs::read_to_string(&path).unwrap(), "the user's own file");
        assert_eq!(entries(dir.path()), ["trace.json"]);
    }

    #[test]
    fn a_good_write_replaces_the_file_keeping_its_link_and_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.csv");
        fs::write(&real, "old").unwrap();
        fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_bytes(&link, b"new").unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");
        let mode = fs::metadata(&real).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        assert_eq!(entries(dir.path()), ["link.csv", "real.csv"]);
    }

    #[test]
    fn a_device_is_written_in_place_and_survives_a_failure() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("full");
        std::os::unix::fs::symlink("/dev/full", &link).unwrap();
        assert!(write_bytes(&link, &[0; 100_000]).is_err());
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert!(write_bytes(Path::new("/dev/null"), b"x").is_ok());
    }

    #[test]
    fn targets_are_checked_without_writing() {
        let dir = tempfile::tempdir().unwrap();
        assert!(check_target(&dir.path().join("new.json")).is_ok());
        assert!(check_target(Path::new("/dev/null")).is_ok());
        let folder = check_target(dir.path()).unwrap_err();
        assert_eq!(folder.0, "is a folder");
        let missing = check_target(&dir.path().join("no/such/x.json")).unwrap_err();
        assert!(missing.0.contains("does not exist"), "{missing}");
        assert!(check_target(Path::new("")).is_err());
        assert_eq!(entries(dir.path()), Vec::<String>::new());
    }
}
