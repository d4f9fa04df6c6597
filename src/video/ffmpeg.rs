//! MP4 and WebM through the `ffmpeg` on PATH: raw RGBA frames go down a
//! pipe, ffmpeg encodes them (H.264 or VP9) into a file it is given.
//!
//! ffmpeg is asked for bit-exact output (no encoder version, no creation
//! time, one encoder thread), so the same frames give the same file.

use super::options::Format;
use std::io::{Read as _, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};

/// The program looked for on PATH.
pub const FFMPEG: &str = "ffmpeg";

/// What to tell a user without ffmpeg, in one line.
pub const FFMPEG_HINT: &str = "MP4 and WebM need ffmpeg, which is not installed \
     (Debian or Ubuntu: sudo apt-get install ffmpeg; macOS: brew install ffmpeg)";

/// Whether `ffmpeg` can be started.
pub fn ffmpeg_available() -> bool {
    Command::new(FFMPEG)
        .arg("-version")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// An ffmpeg encoding frames into one file.
pub struct FfmpegWriter {
    child: Child,
    stdin: Option<ChildStdin>,
    stderr: Option<std::thread::JoinHandle<String>>,
}

impl FfmpegWriter {
    /// Starts ffmpeg encoding `size` frames at `fps` into `out` as `format`.
    pub fn start(out: &Path, format: Format, size: [u32; 2], fps: u32) -> Result<Self, String> {
        let codec: &[&str] = match format {
            // yuv420p and even sizes: what PowerPoint, Keynote and browsers play.
            Format::Mp4 => &[
                "-c:v",
                "libx264",
                "-preset",
                "medium",
                "-crf",
                "18",
                "-pix_fmt",
                "yuv420p",
                "-movflags",
                "+faststart",
                "-f",
                "mp4",
            ],
            Format::Webm => &[
                "-c:v",
                "libvpx-vp9",
                "-b:v",
                "0",
                "-crf",
                "30",
                "-pix_fmt",
                "yuv420p",
                "-f",
                "webm",
            ],
            Format::Gif => return Err("a GIF is written without ffmpeg".to_owned()),
        };
        let mut child = Command::new(FFMPEG)
            .args(["-hide_banner", "-loglevel", "error", "-nostdin", "-y"])
            .args(["-f", "rawvideo", "-pix_fmt", "rgba"])
            .args(["-s", &format!("{}x{}", size[0], size[1])])
            .args(["-framerate", &fps.to_string(), "-i", "pipe:0"])
            .args(codec)
            // yuv420p halves the colour planes: pad an odd size by a pixel.
            .args(["-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2"])
            .args(["-threads", "1", "-map_metadata", "-1"])
            .args(["-fflags", "+bitexact", "-flags:v", "+bitexact"])
            .arg(out)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => FFMPEG_HINT.to_owned(),
                _ => format!("{FFMPEG}: {e}"),
            })?;
        let stdin = child.stdin.take();
        // Read its messages as they come, so a chatty ffmpeg never blocks on
        // a full pipe while we block writing frames to it.
        let stderr = child.stderr.take().map(|mut err| {
            std::thread::Builder::new()
                .name("threadlab-ffmpeg-log".to_owned())
                .spawn(move || {
                    let mut text = String::new();
                    let _ = err.read_to_string(&mut text);
                    text
                })
        });
        let stderr = match stderr {
            Some(Ok(h)) => Some(h),
            Some(Err(e)) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("a thread for ffmpeg's messages: {e}"));
            }
            None => None,
        };
        Ok(Self {
            child,
            stdin,
            stderr,
        })
    }

    /// Hands one RGBA frame to ffmpeg.
    pub fn push(&mut self, rgba: &[u8]) -> Result<(), String> {
        let stdin = self.stdin.as_mut().ok_or("ffmpeg's input is closed")?;
        if let Err(e) = stdin.write_all(rgba) {
            let log = self.end();
            return Err(format!(
                "ffmpeg stopped taking frames ({e}){}",
                log_tail(&log)
            ));
        }
        Ok(())
    }

    /// Closes the input and waits for ffmpeg to write the file.
    pub fn finish(mut self) -> Result<(), String> {
        self.stdin.take();
        let status = self.child.wait().map_err(|e| format!("{FFMPEG}: {e}"))?;
        let log = self.log();
        if status.success() {
            Ok(())
        } else {
            Err(format!("ffmpeg failed ({status}){}", log_tail(&log)))
        }
    }

    /// Stops ffmpeg and returns what it said.
    fn end(&mut self) -> String {
        self.stdin.take();
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.log()
    }

    fn log(&mut self) -> String {
        self.stderr
            .take()
            .and_then(|h| h.join().ok())
            .unwrap_or_default()
    }
}

impl Drop for FfmpegWriter {
    /// A writer dropped before `finish` (a cancelled clip) ends its ffmpeg:
    /// no encoder outlives the recording.
    fn drop(&mut self) {
        if self.stdin.is_some() {
            self.end();
        }
    }
}

/// The last line ffmpeg wrote, to quote after a failure.
fn log_tail(log: &str) -> String {
    log.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .map(|l| format!(": {}", l.trim()))
        .unwrap_or_default()
}
