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
use std::sync::Mutex;
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
    let mut staged = StagedFile::create(path)?;
    write(&mut staged)?;
    staged.commit()
}

/// Writes `bytes` to `path` as [`write_file`] does.
pub fn write_bytes(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_file(path, |w| w.write_all(bytes))
}

/// Temporary files not yet renamed into place, so that a process giving up
/// at once (a second Ctrl-C) can still remove them: it never runs their
/// `Drop`.
static UNFINISHED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Removes every temporary file of this process that was not renamed into
/// place yet. For a process about to exit without unwinding.
pub fn remove_unfinished() {
    let temps = match UNFINISHED.lock() {
        Ok(mut temps) => std::mem::take(&mut *temps),
        Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
    };
    for temp in temps {
        let _ = fs::remove_file(temp);
    }
}

fn forget_unfinished(temp: &Path) {
    if let Ok(mut temps) = UNFINISHED.lock() {
        temps.retain(|t| t != temp);
    }
}

/// A file on its way to `path`, for a writer that hands its bytes over
/// bit by bit (a saved run is written while the run goes on): written as
/// [`write_file`] writes, to a temporary file beside a regular file (or a
/// new path) that [`StagedFile::commit`] renames into place, or in place to
/// a device or a pipe. Dropped without a commit, it removes its temporary
/// file, so nothing half-written is left behind.
#[derive(Debug)]
pub struct StagedFile {
    out: Option<BufWriter<File>>,
    /// The temporary file, until it is renamed; `None` when written in place.
    temp: Option<PathBuf>,
    target: PathBuf,
    permissions: Option<fs::Permissions>,
}

impl StagedFile {
    /// Starts a file for `path`; fails at once on a folder, a link to
    /// nothing, or a folder that cannot be written.
    pub fn create(path: &Path) -> io::Result<Self> {
        match fs::metadata(path) {
            Ok(m) if m.is_dir() => Err(io::Error::new(io::ErrorKind::IsADirectory, "is a folder")),
            Ok(m) if m.is_file() => Self::beside(&fs::canonicalize(path)?, Some(m.permissions())),
            Ok(_) => Ok(Self {
                out: Some(BufWriter::new(OpenOptions::new().write(true).open(path)?)),
                temp: None,
                target: path.to_path_buf(),
                permissions: None,
            }),
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
                Self::beside(path, None)
            }
            Err(e) => Err(e),
        }
    }

    fn beside(target: &Path, permissions: Option<fs::Permissions>) -> io::Result<Self> {
        let (temp, file) = create_temp(target)?;
        if let Ok(mut temps) = UNFINISHED.lock() {
            temps.push(temp.clone());
        }
        Ok(Self {
            out: Some(BufWriter::new(file)),
            temp: Some(temp),
            target: target.to_path_buf(),
            permissions,
        })
    }

    /// Where the bytes go until [`StagedFile::commit`]: the temporary file,
    /// or the target itself when it is written in place. For a program that
    /// writes the file by its name (ffmpeg muxing an MP4 seeks in it).
    pub fn path(&self) -> &Path {
        self.temp.as_deref().unwrap_or(&self.target)
    }

    /// Writes what is buffered and puts the file in place.
    pub fn commit(mut self) -> io::Result<()> {
        let out = self
            .out
            .take()
            .ok_or_else(|| io::Error::other("the file was already closed"))?;
        let file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
        if let Some(p) = self.permissions.take() {
            file.set_permissions(p)?;
        }
        drop(file);
        if let Some(temp) = &self.temp {
            fs::rename(temp, &self.target)?;
            forget_unfinished(temp);
            self.temp = None;
        }
        Ok(())
    }
}

impl Write for StagedFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.out {
            Some(out) => out.write(buf),
            None => Err(io::Error::other("the file was already closed")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.out {
            Some(out) => out.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for StagedFile {
    fn drop(&mut self) {
        if let Some(temp) = self.temp.take() {
            // Close it first; then it is ours to remove: made by us, and not
            // renamed into place.
            drop(self.out.take());
            let _ = fs::remove_file(&temp);
            forget_unfinished(&temp);
        }
    }
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
    fn a_staged_file_appears_only_when_committed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.tlrun");
        let mut staged = StagedFile::create(&path).unwrap();
        staged.write_all(b"half a run").unwrap();
        assert_eq!(entries(dir.path()).len(), 1);
        assert!(!path.exists());
        drop(staged);
        assert_eq!(entries(dir.path()), Vec::<String>::new());
        let mut staged = StagedFile::create(&path).unwrap();
        staged.write_all(b"a whole run").unwrap();
        staged.commit().unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "a whole run");
        assert_eq!(entries(dir.path()), ["run.tlrun"]);
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
