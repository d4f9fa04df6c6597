//! A clip being recorded in the background: frames drawn one by one by a
//! [`FrameSource`] on a named thread, into a [`ClipWriter`]; the window
//! reads the progress each frame, can cancel, and learns the path at the
//! end. A cancelled or failed clip leaves no file (the writer's temporary
//! file goes with it), and dropping the job stops and joins its thread.

use crate::video::{ClipTarget, ClipTiming, ClipWriter};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What draws a clip's frames, on the recording's thread.
pub trait FrameSource {
    /// Frames in the clip, the title card's included.
    fn frame_count(&self) -> usize;
    /// Frame `k` (RGBA, row by row, the clip's size).
    fn frame(&mut self, k: usize) -> &[u8];
    /// The colours the clip must keep exactly (a GIF's palette).
    fn key_colours(&self) -> Vec<[u8; 3]>;
}

/// Makes the frame source on the recording's thread, so its set-up (a copy
/// of the window, its first passes) never costs the window a frame.
pub type MakeSource = Box<dyn FnOnce() -> Result<Box<dyn FrameSource>, String> + Send>;

/// How often the window redraws the progress bar while a clip is drawn.
const PROGRESS_EVERY: Duration = Duration::from_millis(200);

/// The message a cancelled clip ends with.
pub const CANCELLED: &str = "recording cancelled; nothing was written";

/// What the recording's thread and the window share: the progress and the
/// request to stop.
#[derive(Default)]
struct Shared {
    /// Frames in all (0 until the source is made).
    total: AtomicUsize,
    done: AtomicUsize,
    cancel: AtomicBool,
}

/// A clip on its way.
pub struct ClipJob {
    target: ClipTarget,
    shared: Arc<Shared>,
    started: Instant,
    thread: Option<JoinHandle<Result<PathBuf, String>>>,
}

impl ClipJob {
    /// Starts recording into `target`, frames of `size` at `timing`.
    /// `waker`, when given, is woken after every frame so a progress bar
    /// moves.
    pub fn start(
        target: ClipTarget,
        size: [u32; 2],
        timing: ClipTiming,
        make: MakeSource,
        waker: Option<egui::Context>,
    ) -> Result<Self, String> {
        let shared = Arc::new(Shared::default());
        let (into, with) = (target.clone(), shared.clone());
        let thread = std::thread::Builder::new()
            .name("threadlab-clip".to_owned())
            .spawn(move || {
                let result = record(&into, size, timing, make, &with, waker.as_ref());
                if let Some(w) = &waker {
                    w.request_repaint();
                }
                result
            })
            .map_err(|e| format!("could not start recording: {e}"))?;
        Ok(Self {
            target,
            shared,
            started: Instant::now(),
            thread: Some(thread),
        })
    }

    /// Where the clip goes, and what was said about it (a GIF instead of an
    /// MP4 without ffmpeg).
    pub fn target(&self) -> &ClipTarget {
        &self.target
    }

    /// Frames done and frames in all (0 until the source is made).
    pub fn progress(&self) -> (usize, usize) {
        (
            self.shared.done.load(Ordering::Relaxed),
            self.shared.total.load(Ordering::Relaxed),
        )
    }

    /// The time left at the pace so far, once a frame is done.
    pub fn time_left(&self) -> Option<Duration> {
        let (done, total) = self.progress();
        (done > 0 && total >= done).then(|| {
            self.started
                .elapsed()
                .mul_f64((total - done) as f64 / done as f64)
        })
    }

    /// Time since the recording started.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Asks the recording to stop; it ends (and removes its file) soon.
    pub fn cancel(&self) {
        self.shared.cancel.store(true, Ordering::Relaxed);
    }

    /// Whether it was asked to stop.
    pub fn is_cancelled(&self) -> bool {
        self.shared.cancel.load(Ordering::Relaxed)
    }

    /// Whether the thread is done (its result can be taken).
    pub fn is_finished(&self) -> bool {
        self.thread.as_ref().is_none_or(JoinHandle::is_finished)
    }

    /// The clip's path, or why there is none, once the thread is done.
    pub fn try_finish(&mut self) -> Option<Result<PathBuf, String>> {
        if !self.is_finished() {
            return None;
        }
        self.join()
    }

    /// Waits for the end.
    pub fn wait(mut self) -> Result<PathBuf, String> {
        self.join()
            .unwrap_or_else(|| Err("the recording was already collected".to_owned()))
    }

    fn join(&mut self) -> Option<Result<PathBuf, String>> {
        let thread = self.thread.take()?;
        Some(
            thread
                .join()
                .unwrap_or_else(|_| Err("the recording's thread panicked".to_owned())),
        )
    }
}

impl Drop for ClipJob {
    /// A window closed while recording: the clip stops and leaves no file,
    /// and its thread is joined.
    fn drop(&mut self) {
        self.cancel();
        let _ = self.join();
    }
}

fn record(
    target: &ClipTarget,
    size: [u32; 2],
    timing: ClipTiming,
    make: MakeSource,
    shared: &Shared,
    waker: Option<&egui::Context>,
) -> Result<PathBuf, String> {
    let Shared {
        total,
        done,
        cancel,
    } = shared;
    let mut source = make()?;
    let count = source.frame_count();
    total.store(count, Ordering::Relaxed);
    // A GIF's palette is fitted to the first, middle and last frames: the
    // run empty, under way, and complete.
    let samples: Vec<Vec<u8>> = if target.format == crate::video::Format::Gif {
        [0, count / 2, count.saturating_sub(1)]
            .iter()
            .map(|&k| source.frame(k).to_vec())
            .collect()
    } else {
        Vec::new()
    };
    let sample_refs: Vec<&[u8]> = samples.iter().map(Vec::as_slice).collect();
    let must = source.key_colours();
    let mut writer =
        ClipWriter::create(target, size, timing, &must, &sample_refs).map_err(|e| e.to_string())?;
    drop(samples);
    for k in 0..count {
        if cancel.load(Ordering::Relaxed) {
            return Err(CANCELLED.to_owned());
        }
        writer.push(source.frame(k)).map_err(|e| e.to_string())?;
        done.store(k + 1, Ordering::Relaxed);
        // Five updates of the bar a second are plenty; a repaint per frame
        // would take the CPU the frames need.
        if let Some(w) = waker {
            w.request_repaint_after(PROGRESS_EVERY);
        }
    }
    if cancel.load(Ordering::Relaxed) {
        return Err(CANCELLED.to_owned());
    }
    writer.finish().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Frames of one grey that brightens, slowly enough to cancel midway.
    struct Greys {
        frame: Vec<u8>,
        count: usize,
        pause: Duration,
    }

    impl FrameSource for Greys {
        fn frame_count(&self) -> usize {
            self.count
        }
        fn frame(&mut self, k: usize) -> &[u8] {
            std::thread::sleep(self.pause);
            self.frame.fill((k % 256) as u8);
            &self.frame
        }
        fn key_colours(&self) -> Vec<[u8; 3]> {
            vec![[1, 2, 3]]
        }
    }

    fn job(dir: &std::path::Path, count: usize, pause: Duration) -> ClipJob {
        let target = ClipTarget::check(&dir.join("c.gif")).unwrap();
        let timing = ClipTiming::new(1_000_000_000, None, None, 1.0, 10).unwrap();
        let make: MakeSource = Box::new(move || {
            Ok(Box::new(Greys {
                frame: vec![0; 8 * 8 * 4],
                count,
                pause,
            }) as Box<dyn FrameSource>)
        });
        ClipJob::start(target, [8, 8], timing, make, None).unwrap()
    }

    #[test]
    fn a_clip_runs_to_its_end_and_names_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let j = job(dir.path(), 5, Duration::ZERO);
        let path = j.wait().unwrap();
        assert_eq!(path, dir.path().join("c.gif"));
        assert!(path.is_file());
    }

    #[test]
    fn a_cancelled_clip_stops_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let j = job(dir.path(), 10_000, Duration::from_millis(1));
        let t0 = Instant::now();
        while j.progress().0 < 3 {
            assert!(t0.elapsed() < Duration::from_secs(30), "no progress");
            std::thread::sleep(Duration::from_millis(1));
        }
        let (done, total) = j.progress();
        assert_eq!(total, 10_000);
        assert!(done < total);
        assert!(j.time_left().is_some());
        j.cancel();
        assert_eq!(j.wait().unwrap_err(), CANCELLED);
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "a file was left"
        );
    }

    #[test]
    fn dropping_a_job_cancels_it() {
        let dir = tempfile::tempdir().unwrap();
        let j = job(dir.path(), 10_000, Duration::from_millis(1));
        std::thread::sleep(Duration::from_millis(20));
        drop(j);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
