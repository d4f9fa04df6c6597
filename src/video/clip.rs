//! One writer for a clip in any format. Frames go into a [`StagedFile`]
//! beside the target, renamed into place only once the clip is complete: a
//! cancelled, failed or interrupted recording leaves nothing half-written,
//! and never harms a file that was at the path before.

use super::ffmpeg::{FFMPEG_HINT, FfmpegWriter, ffmpeg_available};
use super::gif::GifWriter;
use super::options::{ClipTiming, Format};
use crate::export::{StagedFile, check_target};
use std::path::{Path, PathBuf};

/// Why a clip could not be written, in words that name what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct VideoError(pub String);

/// Where a clip goes and in which format, once checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClipTarget {
    /// The file to write.
    pub path: PathBuf,
    /// Its format.
    pub format: Format,
    /// Said once when the format asked for could not be written and a GIF
    /// is written instead.
    pub note: Option<String>,
}

impl ClipTarget {
    /// Checks `path` before anything is drawn: a known extension and a
    /// folder that takes the file. MP4 and WebM without ffmpeg fall back to
    /// a GIF beside it, and the note says so and how to get ffmpeg.
    pub fn check(path: &Path) -> Result<Self, VideoError> {
        let format = Format::from_path(path).map_err(VideoError)?;
        let (path, format, note) = if format.needs_ffmpeg() && !ffmpeg_available() {
            let gif = path.with_extension("gif");
            let note = format!("{FFMPEG_HINT}; writing {} instead", gif.display());
            (gif, Format::Gif, Some(note))
        } else {
            (path.to_path_buf(), format, None)
        };
        check_target(&path).map_err(|e| VideoError(format!("{}: {e}", path.display())))?;
        Ok(Self { path, format, note })
    }
}

enum Encoder {
    Gif(GifWriter<StagedFile>),
    /// ffmpeg writes the staged file by its name; dropped in this order, it
    /// stops before the file is removed.
    Ffmpeg(FfmpegWriter, StagedFile),
}

/// A clip being written. Dropped before [`ClipWriter::finish`] (cancelled,
/// failed), it leaves no file: its encoder stops and the staged file goes.
pub struct ClipWriter {
    target: PathBuf,
    encoder: Option<Encoder>,
    timing: ClipTiming,
    size: [u32; 2],
    pushed: usize,
}

impl ClipWriter {
    /// Starts the clip `target` of frames of `size` pixels. A GIF's palette
    /// keeps the colours `must` exactly and fits `samples` (RGBA frames).
    pub fn create(
        target: &ClipTarget,
        size: [u32; 2],
        timing: ClipTiming,
        must: &[[u8; 3]],
        samples: &[&[u8]],
    ) -> Result<Self, VideoError> {
        let named = |e: String| VideoError(format!("{}: {e}", target.path.display()));
        let staged = StagedFile::create(&target.path).map_err(|e| named(e.to_string()))?;
        let encoder = match target.format {
            Format::Gif => {
                Encoder::Gif(GifWriter::new(staged, size, must, samples).map_err(named)?)
            }
            format => Encoder::Ffmpeg(
                FfmpegWriter::start(staged.path(), format, size, timing.fps).map_err(named)?,
                staged,
            ),
        };
        Ok(Self {
            target: target.path.clone(),
            encoder: Some(encoder),
            timing,
            size,
            pushed: 0,
        })
    }

    /// Adds the next frame (RGBA, row by row, of the clip's size).
    pub fn push(&mut self, rgba: &[u8]) -> Result<(), VideoError> {
        let named = |e: String| VideoError(format!("{}: {e}", self.target.display()));
        let [w, h] = self.size.map(|v| v as usize);
        if rgba.len() != w * h * 4 {
            return Err(named(format!(
                "a frame of {} bytes for {w}×{h}",
                rgba.len()
            )));
        }
        let delay = self.timing.gif_delay_cs(self.pushed);
        match self.encoder.as_mut() {
            Some(Encoder::Gif(g)) => g.push(rgba, delay).map_err(named)?,
            Some(Encoder::Ffmpeg(f, _)) => f.push(rgba).map_err(named)?,
            None => return Err(named("the clip is already finished".to_owned())),
        }
        self.pushed += 1;
        Ok(())
    }

    /// Ends the clip and moves it into place; returns its path.
    pub fn finish(mut self) -> Result<PathBuf, VideoError> {
        let named = |e: String| VideoError(format!("{}: {e}", self.target.display()));
        let staged = match self.encoder.take() {
            Some(Encoder::Gif(g)) => g.finish().map_err(named)?,
            Some(Encoder::Ffmpeg(f, staged)) => {
                f.finish().map_err(named)?;
                staged
            }
            None => return Err(named("the clip is already finished".to_owned())),
        };
        staged.commit().map_err(|e| named(e.to_string()))?;
        Ok(self.target.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timing() -> ClipTiming {
        ClipTiming::new(1_000_000_000, None, None, 1.0, 2).unwrap()
    }

    #[test]
    fn a_finished_gif_is_in_place_and_nothing_else_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let target = ClipTarget::check(&dir.path().join("a.gif")).unwrap();
        let frame = vec![128u8; 4 * 4 * 4];
        let mut w = ClipWriter::create(&target, [4, 4], timing(), &[], &[&frame]).unwrap();
        for _ in 0..3 {
            w.push(&frame).unwrap();
        }
        let path = w.finish().unwrap();
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("a.gif")]);
        assert!(std::fs::read(path).unwrap().starts_with(b"GIF89a"));
    }

    #[test]
    fn a_clip_dropped_before_its_end_leaves_no_file_and_keeps_the_old_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.gif");
        std::fs::write(&path, b"the clip from yesterday").unwrap();
        let target = ClipTarget::check(&path).unwrap();
        let frame = vec![0u8; 2 * 2 * 4];
        let mut w = ClipWriter::create(&target, [2, 2], timing(), &[], &[]).unwrap();
        w.push(&frame).unwrap();
        drop(w);
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1);
        assert_eq!(std::fs::read(&path).unwrap(), b"the clip from yesterday");
    }

    #[test]
    fn a_path_that_cannot_take_a_clip_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let err = ClipTarget::check(&dir.path().join("no/such/folder/c.gif")).unwrap_err();
        assert!(err.0.contains("no/such/folder"), "{err}");
        let err = ClipTarget::check(dir.path()).unwrap_err();
        assert!(err.0.contains("gif, .mp4 or .webm"), "{err}");
        let folder = dir.path().join("d.gif");
        std::fs::create_dir(&folder).unwrap();
        assert!(ClipTarget::check(&folder).unwrap_err().0.contains("folder"));
    }
}
