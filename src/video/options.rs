//! What a clip is asked for, checked before a frame is drawn: the format a
//! path names, and the timing (speed, frame rate, range of the run) that
//! fixes every frame's moment of the run.

use std::path::Path;

/// Slowest replay speed a clip plays at: one millisecond of the run takes a
/// second on screen, as in the window's slowest replay.
pub const SPEED_MIN: f64 = 0.001;
/// Fastest: real time.
pub const SPEED_MAX: f64 = 1.0;
/// Fewest frames per second.
pub const FPS_MIN: u32 = 1;
/// Most frames per second: beyond what a projector or a slide shows.
pub const FPS_MAX: u32 = 60;
/// Most frames in one clip: 20 minutes at 30 frames per second. A 10 s run
/// at 0.001× would otherwise ask for 300,000 frames and hours of drawing.
pub const FRAMES_MAX: u64 = 36_000;

/// A clip's file format, chosen by the path's extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Animated GIF, written by threadlab itself.
    Gif,
    /// MP4 with H.264, through ffmpeg: PowerPoint, Keynote, the web.
    Mp4,
    /// WebM with VP9, through ffmpeg.
    Webm,
}

impl Format {
    /// The format `path` asks for by its extension (any case), or a message
    /// naming the path and the extensions there are.
    pub fn from_path(path: &Path) -> Result<Self, String> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("gif") => Ok(Format::Gif),
            Some("mp4") => Ok(Format::Mp4),
            Some("webm") => Ok(Format::Webm),
            _ => Err(format!(
                "{}: a clip is .gif, .mp4 or .webm, chosen by the file's extension",
                path.display()
            )),
        }
    }

    /// The extension, without its dot.
    pub fn ext(self) -> &'static str {
        match self {
            Format::Gif => "gif",
            Format::Mp4 => "mp4",
            Format::Webm => "webm",
        }
    }

    /// Whether the format needs ffmpeg.
    pub fn needs_ffmpeg(self) -> bool {
        self != Format::Gif
    }
}

/// When every frame of a clip is: the range of the run it shows, how fast
/// it plays, and how many frames a second of the clip has.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClipTiming {
    /// Start of the range, ns since the run's start.
    pub from_ns: u64,
    /// End of the range, ns since the run's start.
    pub to_ns: u64,
    /// Replay speed, a fraction of real time.
    pub speed: f64,
    /// Frames per second of the clip.
    pub fps: u32,
}

impl ClipTiming {
    /// The timing for a run of `run_ns`, showing `from_ms..to_ms` of it (all
    /// of it by default), or a message naming the option that is wrong.
    pub fn new(
        run_ns: u64,
        from_ms: Option<f64>,
        to_ms: Option<f64>,
        speed: f64,
        fps: u32,
    ) -> Result<Self, String> {
        check_speed(speed)?;
        check_fps(fps)?;
        let ms = |v: f64| (v * 1e6).round() as u64;
        check_range(from_ms, to_ms)?;
        let from_ns = from_ms.map_or(0, ms);
        let to_ns = to_ms.map_or(run_ns, |v| ms(v).min(run_ns));
        if from_ns >= to_ns {
            return Err(format!(
                "--from {} ms --to {} ms: the range must lie inside the run, which lasted {:.1} ms",
                from_ns as f64 / 1e6,
                to_ms.unwrap_or(run_ns as f64 / 1e6),
                run_ns as f64 / 1e6
            ));
        }
        let timing = Self {
            from_ns,
            to_ns,
            speed,
            fps,
        };
        let frames = timing.frame_count_unbounded();
        if frames > FRAMES_MAX {
            return Err(format!(
                "--speed {speed} --fps {fps}: {frames} frames for {:.1} ms of the run; at most \
                 {FRAMES_MAX}. Play it faster, at fewer frames per second, or a shorter range",
                (to_ns - from_ns) as f64 / 1e6
            ));
        }
        Ok(timing)
    }

    /// How long the clip plays, s.
    pub fn duration_s(&self) -> f64 {
        (self.to_ns - self.from_ns) as f64 / 1e9 / self.speed
    }

    fn frame_count_unbounded(&self) -> u64 {
        // One frame at the start and one per tick after it, the last on or
        // just before the end: the clip lasts the range ÷ speed.
        (self.duration_s() * f64::from(self.fps) + 1e-6).floor() as u64 + 1
    }

    /// Frames in the clip.
    pub fn frame_count(&self) -> usize {
        self.frame_count_unbounded() as usize
    }

    /// The moment of the run frame `k` shows, ns since the run's start.
    pub fn frame_time_ns(&self, k: usize) -> f64 {
        let step = self.speed * 1e9 / f64::from(self.fps);
        (self.from_ns as f64 + k as f64 * step).min(self.to_ns as f64)
    }

    /// How long frame `k` stays on screen in a GIF, in hundredths of a
    /// second: GIF counts only those, so 30 frames a second alternate 3, 3
    /// and 4 and keep to the clock on average.
    pub fn gif_delay_cs(&self, k: usize) -> u16 {
        let at = |k: usize| (k as f64 * 100.0 / f64::from(self.fps)).round() as u64;
        (at(k + 1) - at(k)).clamp(2, u64::from(u16::MAX)) as u16
    }
}

/// Checks a replay speed for a clip.
pub fn check_speed(speed: f64) -> Result<(), String> {
    if speed.is_finite() && (SPEED_MIN..=SPEED_MAX).contains(&speed) {
        Ok(())
    } else {
        Err(format!(
            "--speed {speed}: a replay speed from {SPEED_MIN} (slowest) to {SPEED_MAX} (real time)"
        ))
    }
}

/// Checks a range of the run for a clip, before the run's length is known:
/// times in ms from its start, 0 or more, the end after the start.
pub fn check_range(from_ms: Option<f64>, to_ms: Option<f64>) -> Result<(), String> {
    for (name, v) in [("--from", from_ms), ("--to", to_ms)] {
        if let Some(v) = v
            && !(v.is_finite() && v >= 0.0)
        {
            return Err(format!(
                "{name} {v}: a time in ms from the run's start, 0 or more"
            ));
        }
    }
    match (from_ms, to_ms) {
        (Some(from), Some(to)) if from >= to => Err(format!(
            "--from {from} --to {to}: the clip must end after it starts"
        )),
        _ => Ok(()),
    }
}

/// Checks a frame rate for a clip.
pub fn check_fps(fps: u32) -> Result<(), String> {
    if (FPS_MIN..=FPS_MAX).contains(&fps) {
        Ok(())
    } else {
        Err(format!(
            "--fps {fps}: frames per second from {FPS_MIN} to {FPS_MAX}"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extension_picks_the_format_and_anything_else_is_named() {
        assert_eq!(Format::from_path(Path::new("a/b.GIF")), Ok(Format::Gif));
        assert_eq!(Format::from_path(Path::new("c.mp4")), Ok(Format::Mp4));
        assert_eq!(Format::from_path(Path::new("c.webm")), Ok(Format::Webm));
        let err = Format::from_path(Path::new("clip.avi")).unwrap_err();
        assert!(err.starts_with("clip.avi: "), "{err}");
        assert!(Format::from_path(Path::new("clip")).is_err());
    }

    #[test]
    fn frames_follow_the_run_at_the_speed_and_the_last_is_on_the_end() {
        // 100 ms at 0.1× is a 1 s clip: 30 ticks after the first frame.
        let t = ClipTiming::new(100_000_000, None, None, 0.1, 30).unwrap();
        assert_eq!(t.frame_count(), 31);
        assert_eq!(t.frame_time_ns(0), 0.0);
        assert!((t.frame_time_ns(1) - 100e6 / 30.0).abs() < 1.0);
        assert!((t.frame_time_ns(30) - 100e6).abs() < 1.0);
        let sum: u32 = (0..30).map(|k| u32::from(t.gif_delay_cs(k))).sum();
        assert_eq!(sum, 100, "30 GIF delays add up to the second they show");
        assert!((0..30).all(|k| (3..=4).contains(&t.gif_delay_cs(k))));
    }

    #[test]
    fn a_range_is_kept_inside_the_run() {
        let t = ClipTiming::new(50_000_000, Some(10.0), Some(90.0), 1.0, 10).unwrap();
        assert_eq!((t.from_ns, t.to_ns), (10_000_000, 50_000_000));
        assert!(ClipTiming::new(50_000_000, Some(60.0), None, 1.0, 10).is_err());
        assert!(ClipTiming::new(50_000_000, Some(-1.0), None, 1.0, 10).is_err());
        assert!(ClipTiming::new(50_000_000, Some(20.0), Some(20.0), 1.0, 10).is_err());
    }

    #[test]
    fn speed_fps_and_length_out_of_range_name_their_option() {
        for speed in [0.0, 2.0, f64::NAN, 0.0009] {
            let err = ClipTiming::new(1_000_000, None, None, speed, 30).unwrap_err();
            assert!(err.starts_with("--speed"), "{err}");
        }
        for fps in [0, 61, 1000] {
            let err = ClipTiming::new(1_000_000, None, None, 1.0, fps).unwrap_err();
            assert!(err.starts_with("--fps"), "{err}");
        }
        // 10 s of run at 0.001× and 60 fps: 600,000 frames.
        let err = ClipTiming::new(10_000_000_000, None, None, 0.001, 60).unwrap_err();
        assert!(err.contains("at most"), "{err}");
    }
}
